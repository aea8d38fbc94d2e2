"""Resolve alias matches in a parsed document to actor mentions with country + sector codes.

Beyond dictionary lookup this merges a country with the agent noun it qualifies ("Russian strategic
bombers" -> RUS MIL, "the Syrian regime" -> SYR GOV), lets a person's later surname-only mentions
resolve after a full-name mention, and keeps named entities the KB does not know (so a claim can be
attributed to "the Palmyra Coordination Committee" even if it cannot be coded).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache

from spacy.tokens import Doc, Span

from newsevents.actors.kb import Alias, Entry, load_kb
from newsevents.actors.layers import LayerMatcher, LayerSource
from newsevents.actors.matcher import AliasMatcher
from newsevents.model import Actor
from newsevents.nlp.model import text_of

_NOMINAL_DEPS = {"nsubj", "nsubjpass", "dobj", "pobj", "attr", "appos", "conj"}
_MODIFIER_DEPS = {"amod", "compound", "poss", "nmod", "nummod", "det", "case", "npadvmod"}


@dataclass(frozen=True)
class ActorMention:
    start: int  # character offsets into the article text
    end: int
    tok_start: int  # token indices, end exclusive
    tok_end: int
    entry: Entry | None  # None for a named entity the KB does not know
    form: str
    sector: str | None = None  # sector from a metonym or a merged agent noun
    text: str = ""

    @property
    def coded(self) -> bool:
        return self.entry is not None and (self.entry.kind != "agent" or self.sector is not None)

    def to_actor(self, when: date | None) -> Actor:
        entry = self.entry
        if entry is None:
            slug = re.sub(r"[^a-z0-9]+", "_", self.text.lower()).strip("_")
            return Actor(self.text, self.start, self.end, f"ent:{slug}", self.text, None, None, None, "unresolved")  # type: ignore[arg-type]
        if entry.kind == "person":
            role = entry.role_on(when)
            country = role.country if role else None
            sector = role.sector if role else None
            code = (country or "") + (sector or "")
            return Actor(self.text, self.start, self.end, entry.id, entry.name, country, sector, code or entry.id, "person")
        if entry.kind == "organization":
            return Actor(
                self.text, self.start, self.end, entry.id, entry.name, entry.country,
                self.sector if self.sector and not entry.sector else entry.sector,
                entry.code or entry.id.upper(), "organization",
            )
        if entry.kind == "country":
            sector = self.sector
            code = entry.id + (sector or "")
            kind = "composite" if self.form == "composite" else "country"
            return Actor(self.text, self.start, self.end, code, entry.name, entry.id, sector, code, kind)
        sector = self.sector or entry.sector
        return Actor(self.text, self.start, self.end, f"---{sector}", entry.name, None, sector, f"---{sector}", "agent")


def mention_country(m: ActorMention | None) -> str | None:
    """The country an actor mention belongs to (a person's by their latest role), or None."""
    if m is None or m.entry is None:
        return None
    if m.entry.kind == "person":
        role = m.entry.role_on(None)
        return role.country if role else None
    return m.entry.country


@lru_cache(maxsize=8)
def _matcher(layers: tuple[LayerSource, ...] = ()) -> AliasMatcher:
    return LayerMatcher(load_kb(layers)) if layers else AliasMatcher(load_kb())


def find_actors(doc: Doc, layers: tuple[LayerSource, ...] = ()) -> list[ActorMention]:
    """All actor mentions in a parsed document, left to right, without overlaps; `layers` go over our KB."""
    text = text_of(doc)
    mentions: list[ActorMention] = []
    for match in _matcher(layers).find(text):
        span = doc.char_span(match.start, match.end, alignment_mode="expand")
        if span is None:
            continue
        mentions.append(_mention(span, match.start, match.end, match.alias))
    mentions = _drop_verbs(doc, mentions)
    mentions = _drop_opposed(doc, mentions)
    mentions = _add_surnames(doc, mentions)
    mentions = _add_titled_surnames(doc, mentions)
    mentions = _ethnic_groups(doc, mentions)
    mentions = _drop_capitals_naming_things(doc, mentions)
    mentions = _drop_datelines(doc, mentions)
    mentions = _merge_agents(doc, mentions)
    mentions = _owned_institutions(doc, mentions)
    mentions += _unknown_entities(doc, mentions)
    mentions.sort(key=lambda m: m.start)
    return mentions


def by_token_index(mentions: list[ActorMention]) -> dict[int, ActorMention]:
    """Token index -> the mention that covers it."""
    return {i: m for m in mentions for i in range(m.tok_start, m.tok_end)}


def _covered_chars(doc: Doc, mentions: list[ActorMention]) -> bytearray:
    """A flag per character of the text: set where a mention already stands."""
    covered = bytearray(len(text_of(doc)))
    for m in mentions:
        covered[m.start : m.end] = b"\x01" * (m.end - m.start)
    return covered


def _mention(span: Span, start: int, end: int, alias: Alias) -> ActorMention:
    return ActorMention(start, end, span.start, span.end, alias.entry, alias.form, alias.sector, text_of(span.doc)[start:end])


def after_anti(doc: Doc, i: int) -> bool:
    """Whether token i follows "anti-": "an anti-Syria journalist" is neither Syrian nor in Syria."""
    return (i >= 2 and doc[i - 1].text == "-" and doc[i - 2].lower_ == "anti") or (i >= 1 and doc[i - 1].lower_ == "anti-")


def _drop_opposed(doc: Doc, mentions: list[ActorMention]) -> list[ActorMention]:
    """"An anti-Syria journalist", "anti-American protests": what someone is against is not who they are."""
    return [m for m in mentions if not after_anti(doc, m.tok_start)]


def _drop_verbs(doc: Doc, mentions: list[ActorMention]) -> list[ActorMention]:
    """An agent noun that the parse reads as a verb is no actor: "guerrillas wounded two soldiers" (but "the
    wounded were evacuated" keeps its noun)."""
    def verb(token) -> bool:
        return token.pos_ in ("VERB", "AUX") and token.dep_ not in _NOMINAL_DEPS and not any(c.dep_ == "det" for c in token.children)

    return [m for m in mentions if not (m.entry is not None and m.entry.kind == "agent" and verb(doc[m.tok_end - 1]))]


def _add_surnames(doc: Doc, mentions: list[ActorMention]) -> list[ActorMention]:
    """After "Vladimir Putin", a later bare "Putin" is the same person."""
    surnames: dict[str, Entry] = {}
    for m in mentions:
        if m.entry and m.entry.kind == "person" and m.form in ("name", "alias") and " " in m.text:
            surnames.setdefault(m.text.split()[-1], m.entry)
    if not surnames:
        return mentions
    covered = _covered_chars(doc, mentions)
    first_seen = {entry.id: min(m.start for m in mentions if m.entry is entry) for entry in surnames.values()}
    added = []
    for token in doc:
        entry = surnames.get(token.text)
        if entry and token.pos_ == "PROPN" and not covered[token.idx] and token.idx > first_seen[entry.id]:
            added.append(ActorMention(token.idx, token.idx + len(token), token.i, token.i + 1, entry, "surname", None, token.text))
    return mentions + added


# Words that put a person's office or form of address right before a bare surname ("President Bush",
# "Chancellor Merkel", "Mr Netanyahu").
_TITLES = {
    "president", "prime", "premier", "chancellor", "king", "queen", "prince", "emir", "sheikh", "sultan", "minister",
    "secretary", "general", "gen", "gen.", "senator", "sen.", "governor", "gov.", "speaker", "ambassador", "envoy",
    "ayatollah", "colonel", "col.", "commander", "marshal", "admiral", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.",
    "leader", "chief", "representative", "rep.", "vice", "foreign", "defence", "defense", "interior", "finance",
}


_HONORIFICS = {"mr", "mrs", "ms", "dr", "leader", "chief", "representative", "rep", "vice", "foreign", "defence", "defense",
               "interior", "finance", "minister", "secretary", "general", "gen"}


@lru_cache(maxsize=1)
def _surname_index() -> dict[str, tuple[Entry, ...]]:
    """Surname -> the people of our KB who bear it (the last word of their name)."""
    index: dict[str, list[Entry]] = {}
    for entry in load_kb().entries.values():
        if entry.kind == "person" and " " in entry.name:
            index.setdefault(entry.name.split()[-1], []).append(entry)
    return {k: tuple(v) for k, v in index.items()}


# A leader's surname before these names the government he or she led ("the Bush administration").
_GOVERNMENTS = {"administration", "government", "cabinet", "presidency"}
_LEADER_TITLES = ("president", "prime minister", "chancellor", "premier")


def _add_titled_surnames(doc: Doc, mentions: list[ActorMention]) -> list[ActorMention]:
    """"President Bush" with no full name before it: the person of that surname whose office the title names,
    else the only person of that surname, else the one who held office last (the event date then picks the role).
    "The Bush administration": the president or prime minister of that surname."""
    surnames = _surname_index()
    covered = None
    added = []
    for token in doc:
        if token.pos_ != "PROPN" or token.text not in surnames:
            continue
        led = token.dep_ == "compound" and token.head.lemma_.lower() in _GOVERNMENTS and token.head.i == token.i + 1
        title = doc[token.i - 1].lower_ if token.i > 0 else ""
        if not led and title not in _TITLES:
            continue
        if token.i + 1 < len(doc) and doc[token.i + 1].pos_ == "PROPN" and doc[token.i + 1].dep_ != "nsubj":
            continue  # a longer name the KB does not know ("President George Weah")
        if covered is None:
            covered = _covered_chars(doc, mentions)
        if covered[token.idx]:
            continue
        people = surnames[token.text]
        if led:
            pool = [p for p in people if any(t in r.title.lower() for r in p.roles for t in _LEADER_TITLES)]
        else:
            titled = [p for p in people if any(title in r.title.lower() for r in p.roles)]
            pool = titled or (people if title.rstrip(".") in _HONORIFICS else [])
        if not pool:
            continue  # "King Hassan": no king of that name in the KB; another Hassan would be wrong
        entry = pool[0] if len(pool) == 1 else max(pool, key=lambda p: max((r.start or date.min) for r in p.roles) if p.roles else date.min)
        added.append(ActorMention(token.idx, token.idx + len(token), token.i, token.i + 1, entry, "surname", None, token.text))
    return mentions + added if added else mentions


def _drop_datelines(doc: Doc, mentions: list[ActorMention]) -> list[ActorMention]:
    """"DOHA, Feb 29 - ...", "KYIV (Reuters) - ...": the dateline names where the story was filed, not an actor."""
    out = []
    for m in mentions:
        first = doc[m.tok_start]
        if m.entry is not None and m.entry.kind == "country" and m.form in ("capital", "name", "alias") and first.text.isupper() \
                and len(first.text) > 2 and (first.is_sent_start or first.i == 0 or "\n" in doc[first.i - 1].text_with_ws) \
                and m.tok_end < len(doc) and doc[m.tok_end].text in (",", "(", "-", "\u2013", "\u2014"):
            continue
        out.append(m)
    return out


def _drop_capitals_naming_things(doc: Doc, mentions: list[ActorMention]) -> list[ActorMention]:
    """A capital that only names a thing ("the Paris climate accord", "the Minsk agreements", "the Kyiv
    region") is not its government acting."""
    out = []
    for m in mentions:
        if m.entry is not None and m.form == "capital":
            last = doc[m.tok_end - 1]
            head = last.head
            if last.dep_ in ("compound", "nmod", "amod") and head.pos_ == "NOUN" and head.i >= m.tok_end \
                    and not any(a.tok_start <= head.i < a.tok_end for a in mentions if a is not m):
                if head.lemma_.lower() in _NAMED_DOCUMENTS:
                    continue  # "the Paris climate accord": no actor at all
                m = replace(m, form="place", sector=None)  # "the Kyiv region": the country, as a place
        out.append(m)
    return out


_NAMED_DOCUMENTS = {"accord", "agreement", "deal", "treaty", "pact", "protocol", "format", "process", "declaration",
                    "convention", "charter", "memorandum", "communique", "framework", "plan", "roadmap", "group", "club"}


def _ethnic_groups(doc: Doc, mentions: list[ActorMention]) -> list[ActorMention]:
    """A people is not its kin state: "ethnic Albanians in south Serbia" are civilians of the country they
    live in (found from the context later), "Bosnian Serbs" are Bosnia's."""
    if not mentions:
        return mentions
    civilians = load_kb().entries.get("agent:civilian")
    by_token = by_token_index(mentions)
    out = []
    skip: set[int] = set()
    for m in mentions:
        if id(m) in skip:
            continue
        if m.entry is None or m.entry.kind != "country" or m.form not in ("demonym", "adjective"):
            out.append(m)
            continue
        before = doc[m.tok_start - 1] if m.tok_start > 0 else None
        if before is not None and before.lower_ == "ethnic":
            # "ethnic Albanians": civilians of wherever they are; "ethnic Albanian guerrillas": the guerrillas
            if m.form == "demonym" and civilians is not None:
                out.append(replace(m, start=before.idx, tok_start=before.i, entry=civilians, form="agent", sector=None,
                                   text=text_of(doc)[before.idx : m.end]))
            continue
        if m.form == "demonym" and civilians is not None:
            # "the Albanians of southern Serbia", "Kurds in Iraq": a people living in another country
            located = [g for p in doc[m.tok_end - 1].children if p.dep_ == "prep" and p.lower_ in ("of", "in")
                       for g in p.children if g.dep_ == "pobj"]
            elsewhere = [by_token.get(g.i) for g in located]
            if any(x is not None and x.entry is not None and x.entry.kind == "country" and x.entry is not m.entry for x in elsewhere):
                out.append(replace(m, entry=civilians, form="agent", sector=None))
                continue
        qualifier = by_token.get(m.tok_start - 1) if m.form == "demonym" else None
        if (qualifier is not None and qualifier.entry is not None and qualifier.entry.kind == "country"
                and qualifier.form == "adjective" and qualifier.entry is not m.entry):
            # "Bosnian Serbs", "Iraqi Kurds": the people of the first country
            out = [x for x in out if x is not qualifier]
            out.append(replace(qualifier, end=m.end, tok_end=m.tok_end, form="composite", sector="CVL",
                               text=text_of(doc)[qualifier.start : m.end]))
            continue
        out.append(m)
    return out


def _merge_agents(doc: Doc, mentions: list[ActorMention]) -> list[ActorMention]:
    """Merge a country or group with the agent noun phrase it qualifies ("Russian jets", "ISIS fighters")."""
    by_token = by_token_index(mentions)
    merged: dict[int, ActorMention] = {}
    dropped: set[int] = set()
    for m in mentions:
        if not m.entry or m.entry.kind != "agent":
            continue
        head = doc[m.tok_end - 1]
        country = _qualifying_country(head, m, by_token)
        if country is None:
            continue
        start = min(country.start, m.start)
        end = max(country.end, m.end)
        merged[id(m)] = replace(
            country, start=start, end=end, tok_start=min(country.tok_start, m.tok_start),
            tok_end=max(country.tok_end, m.tok_end), form="composite", sector=m.entry.sector, text=text_of(doc)[start:end],
        )
        dropped.add(id(country))
    out = [merged.get(id(m), m) for m in mentions if id(m) not in dropped]
    # "Serbian military police": "military" and "police" each took the country; the longer phrase is the actor,
    # but "Afghan rebel leaders" lead rebels: a leader or spokesman of a group has the group's sector
    made = list(merged.values())
    inner = {id(m) for m in made for o in made if o is not m and o.tok_start <= m.tok_start and m.tok_end <= o.tok_end
             and o.tok_end - o.tok_start > m.tok_end - m.tok_start}
    regrouped = {}
    for o in made:
        if doc[o.tok_end - 1].lemma_.lower() in _GROUP_HEADS:
            group = next((m for m in made if id(m) in inner and o.tok_start <= m.tok_start and m.tok_end < o.tok_end and m.sector), None)
            if group is not None:
                regrouped[id(o)] = replace(o, sector=group.sector)
    return [regrouped.get(id(m), m) for m in out if id(m) not in inner]


_GROUP_HEADS = {"leader", "leadership", "chief", "commander", "spokesman", "spokeswoman", "spokesperson", "official", "member"}


def _owned_institutions(doc: Doc, mentions: list[ActorMention]) -> list[ActorMention]:
    """"Rwanda's Senate", "the Nigerian Senate": an institution our table gives one country by default ("Senate":
    the US one) is the country named on it."""
    by_token = by_token_index(mentions)
    out, dropped = [], set()
    for m in mentions:
        if m.entry is not None and m.entry.kind == "country" and m.form in ("alias", "metonym") and m.sector:
            head = doc[m.tok_end - 1]
            owner = next((o for c in head.children if c.dep_ in ("poss", "amod", "compound") and c.i < m.tok_start
                          and (o := by_token.get(c.i)) is not None and o.entry is not None and o.entry.kind == "country"
                          and o.entry is not m.entry), None)
            if owner is not None:
                dropped.add(id(owner))
                m = replace(owner, end=m.end, tok_end=m.tok_end, form="composite",
                            sector=m.sector, text=text_of(doc)[owner.start:m.end])
        out.append(m)
    return [m for m in out if id(m) not in dropped]


def _qualifying_country(head, agent: ActorMention, by_token: dict[int, ActorMention]) -> ActorMention | None:
    """The country or group among the agent head's modifiers or its 'of' phrase ("forces of Syria")."""
    # "troops in Niger" are where they are, not whose they are; "protesters in Bangladesh" are Bangladeshis
    located_preps = ("of", "from") if agent.entry is not None and agent.entry.sector == "MIL" else ("of", "in", "from")
    candidates = [c for c in head.children if c.dep_ in _MODIFIER_DEPS or (c.dep_ == "prep" and c.lower_ in located_preps)]
    located: set[int] = set()  # "officials in Washington": a capital names the country here
    for child in list(candidates):
        if child.dep_ == "prep":
            objects = [g for g in child.children if g.dep_ == "pobj"]
            candidates += objects
            if child.lower_ != "of":
                located.update(g.i for g in objects)
        else:
            candidates += [g for g in child.children if g.dep_ in ("compound", "amod", "poss")]
            if child.lemma_.lower() == "lead":  # "Saudi-led forces": the leader's
                candidates += [g for g in child.children if g.dep_ in ("npadvmod", "nmod")]
    for child in candidates:
        found = by_token.get(child.i)
        if found and found is not agent and found.entry and found.entry.kind in ("country", "organization"):
            if found.form != "capital" or child.i in located or child.dep_ == "compound":
                return found  # "officials in Washington", "Moscow police"
    # "Russian strategic bombers": the adjective may be parsed onto a neighbour; accept a country
    # adjective that directly precedes the agent span with only adjectives between.
    i = agent.tok_start - 1
    doc = head.doc
    while i >= 0 and doc[i].pos_ == "ADJ" and i not in by_token:
        i -= 1
    found = by_token.get(i)
    if found and found.entry and found.entry.kind in ("country", "organization") and found.form in ("adjective", "name", "alias"):
        return found
    return None


def _unknown_entities(doc: Doc, mentions: list[ActorMention]) -> list[ActorMention]:
    covered = _covered_chars(doc, mentions)
    out = []
    for ent in doc.ents:
        if ent.label_ not in ("PERSON", "ORG", "NORP") or any(covered[ent.start_char : ent.end_char]):
            continue
        tokens = [t for t in ent if not (t.i == ent.start and t.lower_ == "the")]
        if not tokens:
            continue
        start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1])
        out.append(ActorMention(start, end, tokens[0].i, tokens[-1].i + 1, None, "ner", None, text_of(doc)[start:end]))
    return out
