"""Code events in one sentence from its dependency parse.

A trigger is a verb, a predicate adjective ("ready to", "willing to") or a noun in the lexicon. For a verb,
the subject is the source and the direct object (or the passive subject, or a prepositional object the
pattern names) the target; passive voice, including a participle on a noun ("a missile fired by the
Houthis"), takes the source from the "by" phrase. A light verb whose object is a trigger noun ("launched
airstrikes on", "held talks with", "provided tons of aid to") takes the noun's code. Verbs without a subject
of their own borrow it from the verb they depend on: its object when that verb tells someone to act ("urged
Iran to free"), its subject otherwise ("Russia plans to strike ISIS"). Each side resolves to the actor
mention at the argument's head or among its modifiers, to every member of a coordination or of a list the
parser read as an apposition, to each coordinated country adjective ("Indian and Chinese soldiers"), to a
pronoun's antecedent (the speaker, for the subject of a reported clause), to a place standing for its
country, or to an agent of unknown country ("Insurgents") placed by its context (`_situate`). Acts with two
sides by nature are coded both ways. Then events told inside other events are folded in
(events/complements.py), clause kinds decide what is news (events/clauses.py), and acts that need a
target (a meeting, praise, a demand, a sanction...) are dropped without one.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache

from spacy.tokens import Span, Token

from newsevents.actors.kb import load_kb
from newsevents.actors.resolve import ActorMention, by_token_index, mention_country
from newsevents.events.clauses import DOCUMENT_NOUNS, filter_clauses, issued_document
from newsevents.events.complements import has_to, infinitive_clauses, merge_complements
from newsevents.events.lexicon import ANY, DEFAULT_TARGET_PREPS, Lexicon, NounTrigger, VerbPattern, load_lexicon
from newsevents.events.modality import modality_of
from newsevents.nlp.model import text_of

_SUBJ = ("nsubj", "csubj")
_PASSIVE_SUBJ = ("nsubjpass", "csubjpass")
_ARG_MODIFIERS = {"amod", "compound", "poss", "nmod", "appos", "det"}
_PERSONAL = {"he", "she", "him", "her", "his", "hers"}
_NONPERSONAL = {"it", "its", "they", "them", "their"}
_PLURAL = {"they", "them", "their"}
_GROUP_NOUNS = {"group": "organization", "organization": "organization", "organisation": "organization", "movement": "organization",
                "militia": "organization", "bloc": "organization", "alliance": "organization", "country": "country",
                "kingdom": "country", "republic": "country"}
# "the two leaders", "both countries": nouns that take back two actors of this kind named together before
# ("both sides" is left alone: in a war story it means the belligerents, whoever was named last)
_PAIR_NOUNS = {"leader": "person", "president": "person", "minister": "person", "premier": "person", "head": "person",
               "country": "state", "nation": "state", "government": "state", "neighbour": "state", "neighbor": "state",
               "state": "state", "capital": "state"}
_MAX_PAIRS = 4
_TIME_ENTS = {"DATE", "TIME"}
_FALLBACK_PREPS = (*DEFAULT_TARGET_PREPS, "from")
_LOCATIVE_PREPS = ("in", "near", "around", "outside", "inside", "across")
_NO_TRIGGER = NounTrigger("", ())
# verbs that credit or blame someone for an act ("accused Iran of attacking", "thanked Britain for supplying")
_CREDIT_BLAME = {"accuse", "blame", "charge", "thank", "praise", "commend", "criticize", "criticise", "condemn", "fault",
                 "congratulate", "credit", "hail", "applaud", "denounce", "suspect", "rebuke", "slam"}
_MILITARY_ACTS = {"strike", "airstrike", "raid", "shelling", "bombardment", "bombing", "attack", "offensive", "barrage", "missile",
                  "rocket", "drone", "artillery", "fire", "gunfire", "operation", "incursion", "invasion", "assault", "blockade"}
_STATIVE = {"oppose", "commit", "determine", "dedicate", "devote", "resolve", "engage", "involve"}
_QUANTITY_HEADS = {"hundred", "hundreds", "thousand", "thousands", "dozen", "dozens", "million", "millions", "group", "number",
                   "crowd", "crowds", "band", "team", "delegation", "members", "member", "scores", "score", "handful", "some"}
_FORMER = {"ousted", "former", "ex", "deposed", "exiled", "toppled", "overthrown", "late", "outgoing"}
_PLACE_TARGET_ROOTS = {"07", "08", "09", "14", "15", "16", "17", "18", "19", "20"}
_PARTICLES = {"back", "out", "off", "down", "up", "away", "in", "over", "aside"}
_SUBJECT_CONTROL = {"promise", "pledge", "vow", "threaten", "offer", "agree", "refuse", "decline", "seek", "want", "try", "attempt"}


@dataclass
class EventCandidate:
    trigger: Token
    trigger_end: int  # token index, exclusive (a phrasal verb's particle is part of the trigger)
    code: str
    source: ActorMention | None
    target: ActorMention | None
    modality: str
    attributed_to: ActorMention | None
    clause: Token  # the head of the clause the event is told in: anchors its date, place and numbers
    target_tokens: list[Token] = field(default_factory=list)  # target phrases, for places ("recapture of Palmyra")
    noun: Token | None = None  # the trigger noun a light verb carries ("held talks"), else None


class MentionIndex:
    """Actor mentions (and places, which stand for their country as a target) of one document, by token."""

    def __init__(self, mentions: list[ActorMention], places: list[ActorMention] = ()) -> None:
        self.mentions = mentions
        self.by_token = by_token_index(mentions)
        self.places = by_token_index(list(places))

    def at(self, token: Token) -> ActorMention | None:
        return self.by_token.get(token.i)

    def focus_country(self) -> str | None:
        """The country a document is about: the most named one, when it clearly leads (twice as often as the
        next, and at least twice)."""
        if not hasattr(self, "_focus"):
            counts: dict[str, int] = {}
            for m in self.mentions:
                country = m.entry.country if m.entry is not None and m.entry.kind in ("country", "organization") else None
                if m.entry is not None and m.entry.kind == "person":
                    role = m.entry.role_on(None)
                    country = role.country if role else None
                if country:
                    counts[country] = counts.get(country, 0) + 1
            ranked = sorted(counts.items(), key=lambda kv: -kv[1])
            self._focus = None
            if ranked and ranked[0][1] >= 3 and (len(ranked) == 1 or ranked[0][1] >= 2 * ranked[1][1]):
                self._focus = ranked[0][0]
        return self._focus

    def with_sector(self, country: ActorMention, sector: str) -> ActorMention:
        return ActorMention(country.start, country.end, country.tok_start, country.tok_end, country.entry, "composite", sector, country.text)

    def implicit(self, iso3: str, anchor: Token, sector: str) -> ActorMention | None:
        """A country's sector (its government, its people) that an act implies, anchored on the act's trigger."""
        entry = load_kb().country(iso3)
        if entry is None:
            return None
        return ActorMention(anchor.idx, anchor.idx + len(anchor), anchor.i, anchor.i + 1, entry, "implicit", sector, anchor.text)

    def composite(self, iso3: str, agent: ActorMention) -> ActorMention:
        """An agent given a country by context ("ordered troops to withdraw": the orderer's troops)."""
        entry = load_kb().country(iso3)
        if entry is None or agent.entry is None:
            return agent
        return ActorMention(agent.start, agent.end, agent.tok_start, agent.tok_end, entry, "composite", agent.sector or agent.entry.sector, agent.text)

    def for_argument(self, token: Token, allow_place: bool = False) -> ActorMention | None:
        """The actor an argument phrase denotes: at its head, among its modifiers, or a pronoun's antecedent.

        With `allow_place`, a phrase naming no actor but a place ("struck Mitiga airport", "shelled
        villages near Aleppo") stands for the place's country, as city entries do in CAMEO dictionaries.
        """
        found = self.at(token)
        if found is None or (found.entry is not None and found.entry.kind == "agent"):
            # "workers affiliated with the Serbian union", "gunmen linked to al-Shabaab": whom they belong to
            for holder in (c for c in token.children if c.dep_ == "acl" and c.lemma_.lower() in _AFFILIATION):
                allied = next((a for o in _prep_objects(holder, ("with", "to")) if (a := self.for_argument(o)) is not None), None)
                if allied is not None and allied.coded:
                    return allied
        if found is not None and found.coded:
            return found
        if token.pos_ == "PRON" or (token.lower_ in _GROUP_NOUNS and any(c.lower_ == "the" for c in token.children)):
            return self._antecedent(token)
        # "a camp for Congolese refugees": a shelter stands for the people it is for
        preps = ("of", "for") if token.lemma_.lower() in _SHELTERS else ("of",)
        frontier = [c for c in token.children if c.dep_ in _ARG_MODIFIERS or (c.dep_ == "prep" and c.lower_ in preps)]
        possessors: list[Token] = []
        for _ in range(3):
            next_frontier = []
            for child in frontier:
                if child.dep_ == "poss" and child.head.lemma_.lower() in _RELATIONAL:
                    continue  # "Israel's militia ally": an ally of Israel is not Israel
                found = self.at(child)
                if found is not None and found.coded:
                    return found
                if child.dep_ == "poss" and child.pos_ == "PRON":
                    possessors.append(child)
                next_frontier += [g for g in child.children if g.dep_ in _ARG_MODIFIERS or g.dep_ == "pobj"]
            frontier = next_frontier
        # "its aircraft": the possessor, but only when the phrase names no actor itself
        # ("his Iraqi counterpart Haider al-Abadi" is Iraq's, not the speaker's)
        for pronoun in possessors:
            owner = self._antecedent(pronoun)
            if owner is not None:
                agent = self.at(token)
                if agent is not None and agent.entry is not None and agent.entry.kind == "agent" and mention_country(owner) \
                        and pronoun.head.i == token.i and token.dep_ in ("nsubj", "nsubjpass"):
                    # "Russia said its troops captured...": Russia's troops act (as an object, "pulled its troops
                    # back", they are the owner's own and no target)
                    return self.composite(mention_country(owner), agent)
                return owner
        place = self.place_in(token) if allow_place else None
        if place is not None:
            return place
        if token.lemma_.lower() in DOCUMENT_NOUNS:
            return self._issuer(token)
        return self._bare_agent(token)

    def _issuer(self, document: Token) -> ActorMention | None:
        """Who issued a report or statement: "by"/"from" on it or on its clause ("issued by the ministry"),
        else where it was released ("a report released in the Rwandan capital")."""
        clauses = [c for c in document.children if c.dep_ in ("acl", "relcl")]
        for head in [*_prep_objects(document, ("by", "from")), *(h for c in clauses for h in _prep_objects(c, ("by", "from")))]:
            found = self.for_argument(head)
            if found is not None:
                return found
        for head in (h for c in clauses for h in _prep_objects(c, ("in",))):
            found = self.for_argument(head, allow_place=True)
            if found is not None and found.entry is not None:
                return found
        return None

    def _bare_agent(self, token: Token) -> ActorMention | None:
        """"Insurgents bombarded...", "the army said": an agent noun with no country anywhere in its phrase is
        an actor of unknown country (CAMEO's ---REB, ---MIL). "Hundreds of junta supporters": the supporters."""
        if token.like_num or token.lemma_.lower() in _QUANTITY_HEADS:
            for prep in token.children:
                if prep.dep_ == "prep" and prep.lower_ == "of":
                    for pobj in prep.children:
                        if pobj.dep_ == "pobj":
                            return self._bare_agent(pobj)
        found = self.at(token)
        if found is not None and found.entry is None:
            # "President Mugabe" with Mugabe unknown to the KB: the title tells the sector
            titles = [self.at(c) for c in token.children if c.dep_ == "compound" and c.i < token.i]
            found = next((t for t in titles if t is not None and t.entry is not None and t.entry.kind == "agent"), None)
            if found is None or found.entry.sector is None:
                return None
            if any(c.lower_ in _FORMER for c in token.children if c.i < token.i):
                return replace(found, form="title", sector="ELI")  # "ousted President Mohamed Bazoum": a former official
            return replace(found, form="title")
        if found is None or found.entry is None or found.entry.kind != "agent" or found.entry.sector is None:
            return None
        if found.tok_end - 1 != token.i:
            return None  # the agent must head the phrase ("protest leaders", not "army" in "army bases")
        return found

    def _speaker(self, token: Token) -> ActorMention | None:
        """"France, which has troops in Niger, said it backed ECOWAS": the subject of a clause a speaker
        tells is, as a pronoun, the speaker."""
        if token.dep_ not in ("nsubj", "nsubjpass") or token.head.dep_ != "ccomp" or token.lower_ not in (_PERSONAL | _NONPERSONAL):
            return None
        speech = token.head.head
        if speech.dep_ == "conj" and not any(c.dep_ in _SUBJ for c in speech.children):
            speech = speech.head  # "the rebels rejected the plan and said they ...": the first verb's subject speaks
        for subj in (c for c in speech.children if c.dep_ in _SUBJ and c.i < token.i):
            found = self.at(subj)
            if found is None or not found.coded:
                continue
            is_person = found.entry is not None and found.entry.kind == "person"
            if is_person == (token.lower_ in _PERSONAL):
                return found
            if is_person and token.lower_ in _PLURAL and any(c.dep_ == "conj" for c in subj.children):
                return found  # "Obama and Putin said they would ...": "they" are the speakers
        return None

    def _binder(self, token: Token) -> ActorMention | None:
        """"Pakistan urged its citizens to leave", "officials halted deliveries after their vehicles were hit": a
        possessive in the object of a verb, or in the subject of a clause joined to another, is the acting
        subject's (not the last name before it: "Pakistan, a U.S. ally, urged its citizens")."""
        if token.dep_ != "poss" or token.lower_ not in (_PERSONAL | _NONPERSONAL):
            return None
        phrase = token.head
        while phrase.dep_ in ("pobj", "prep"):  # "two of their vehicles"
            phrase = phrase.head
        verb = phrase.head
        if phrase.dep_ in ("nsubj", "nsubjpass") and verb.dep_ in ("advcl", "conj"):
            verb = verb.head  # the clause's own subject holds the pronoun: the clause it is joined to acts
        elif phrase.dep_ not in ("dobj", "obj"):
            return None  # "criticised Israel for its treatment of prisoners": the nearest name, as usual
        for _ in range(3):
            subjects = [c for c in verb.children if c.dep_ == "nsubj" and c.i < token.i and token not in c.subtree]
            if subjects or verb.dep_ not in ("conj", "xcomp"):
                break
            verb = verb.head  # "refused to go and urged its citizens": the subject of the first verb
        for subject in subjects:
            found = self.at(subject)
            if found is not None and found.coded:
                is_person = found.entry is not None and found.entry.kind == "person"
                return found if is_person == (token.lower_ in _PERSONAL) else None
        return None

    def pair(self, token: Token) -> list[ActorMention]:
        """"The two leaders signed...", "praised both countries": the two different actors of the noun's kind
        named together in the nearest sentence before it that names two (in its paragraph or the five before);
        empty when the phrase is no such pair."""
        lemma = token.lemma_.lower()
        if lemma not in _PAIR_NOUNS or token.tag_ not in ("NNS", "NNPS"):
            return []
        if not any((c.lower_ == "two" and c.dep_ == "nummod") or (c.lower_ == "both" and c.dep_ in ("det", "predet", "preconj"))
                   for c in token.children):
            return []
        kind = _PAIR_NOUNS[lemma]
        # not the doer of the act the pair undergoes ("Russia urged both countries": not Russia)
        verb = governing_verb(token)
        doers = {t.i for c in verb.children if c.dep_ in _SUBJ and token not in c.subtree for t in c.subtree}
        text = text_of(token.doc)
        start = token.idx
        for _ in range(6):  # this paragraph and the five before it (news paragraphs are a sentence or two)
            start = text.rfind("\n\n", 0, max(start, 0))
        by_sentence: dict[int, list[ActorMention]] = {}
        for m in self.mentions:
            if start <= m.start < token.idx and m.coded and m.tok_start not in doers and (
                    (kind == "person" and m.entry.kind == "person") or (kind == "state" and m.entry.kind == "country")):
                by_sentence.setdefault(token.doc[m.tok_start].sent.start, []).append(m)
        for sent_start in sorted(by_sentence, reverse=True):
            found: dict = {}
            for m in by_sentence[sent_start]:
                found.setdefault(mention_country(m) or m.entry.id, m)
            if len(found) >= 2:
                return list(found.values())[:2]
        return []

    def place_in(self, token: Token) -> ActorMention | None:
        phrase = _phrase(token)
        # "the chief of Israel's militia ally": not in Israel
        allied = {t.i for p in phrase if p.dep_ == "poss" and p.head.lemma_.lower() in _RELATIONAL for t in p.subtree}
        for tok in phrase:
            if tok.i in allied:
                continue
            if tok.dep_ in ("compound", "amod", "nmod", "poss") and tok.head.lemma_.lower() in _BORDERS:
                continue  # "a stronghold on the Thai border": beside Thailand, not in it
            if tok.i in self.places:
                return self.places[tok.i]
        # "in the capital Kabul": a name in apposition says which place
        return next((found for a in token.children if a.dep_ == "appos" and (found := self.place_in(a)) is not None), None)

    def _antecedent(self, token: Token) -> ActorMention | None:
        word = token.lower_
        speaker = self._speaker(token) or self._binder(token)
        if speaker is not None:
            return speaker
        paragraph_start = text_of(token.doc).rfind("\n\n", 0, token.idx)
        wants_person = word in _PERSONAL
        for m in reversed(self.mentions):
            if m.start >= token.idx:
                continue
            if m.start < paragraph_start:
                break
            if not m.coded or _where(token.doc[m.tok_end - 1]):
                continue  # "... in Baghdad after their vehicles were hit": a place where something happened acts in nothing
            is_person = m.entry is not None and m.entry.kind == "person"
            if wants_person == is_person and (wants_person or word in _NONPERSONAL or word in _GROUP_NOUNS):
                if word in _GROUP_NOUNS and m.entry is not None and m.entry.kind != _GROUP_NOUNS[word]:
                    continue  # "the group" is an organisation, "the country" a country
                return m
        return None


def _where(token: Token) -> bool:
    """Whether a name is only where something is or happens: the object of "in", "near", "at"..."""
    return token.dep_ == "pobj" and token.head.lower_ in (*_LOCATIVE_PREPS, "at")


def _phrase(head: Token) -> list[Token]:
    """The tokens of a noun phrase without the clauses inside it, nearest first."""
    out, stack = [], [head]
    while stack:
        tok = stack.pop(0)
        out.append(tok)
        stack += [c for c in tok.children if c.dep_ not in ("relcl", "acl", "ccomp", "advcl", "pcomp", "appos", "conj", "cc", "punct")]
    return out


def code_sentence_events(sent: Span, index: MentionIndex, lexicon: Lexicon) -> list[EventCandidate]:
    events: list[EventCandidate] = []
    consumed_nouns: set[int] = set()
    for token in sent:
        if (token.pos_ == "VERB" and token.dep_ != "amod") or _predicate_adjective(token, lexicon):
            events += _verb_events(token, index, lexicon, consumed_nouns)
    # "Russian airstrikes killed 12 civilians": the strikes are the killing's doer, one act, not two
    for e in events:
        if e.code[:2] in ("18", "19", "20"):
            for subj in (c for c in e.trigger.children if c.dep_ in ("nsubj", "nsubjpass", "agent")):
                if subj.pos_ == "NOUN" and (noun_trigger(subj, lexicon) or _NO_TRIGGER).code[:2] in ("18", "19", "20"):
                    consumed_nouns.add(subj.i)
    for token in sent:
        if token.pos_ in ("NOUN", "PROPN") and token.i not in consumed_nouns and not _background(token, lexicon):
            trigger = noun_trigger(token, lexicon)
            if trigger is not None:
                events += _noun_events(token, trigger.code, trigger.target_preps, index, lexicon, trigger.of_is_source)
    events = filter_clauses(merge_complements(events, lexicon, index))
    for e in events:
        if _repression(e):
            e.code = "175"
        if e.code[:2] == "08" and _where_at_home(e):
            e.target = None  # "declared a ceasefire in south Lebanon", "withdrew from a Bosnian town": where, not to whom
    return _drop_incomplete(_dedupe(events), lexicon)


_SETTLEMENTS = {"town", "city", "village", "region", "province", "district", "area", "enclave", "territory"}


def _where_at_home(e: EventCandidate) -> bool:
    """Whether an event's target is only a place in its doer's own country ("the Bosnian town of Gorazde")."""
    t = e.target
    if t is None or e.source is None or mention_country(t) is None or mention_country(t) != mention_country(e.source):
        return False
    return t.form in ("place", "capital") or (t.form == "adjective" and e.trigger.doc[t.tok_end - 1].head.lemma_.lower() in _SETTLEMENTS)


def _repression(e: EventCandidate) -> bool:
    """"Police opened fire on demonstrators", "troops shot protesters": the state's force against a protest is
    violent repression (175), not fighting."""
    if e.code[:2] not in ("18", "19") or e.source is None or e.target is None or e.modality == "negated":
        return False
    sector = e.source.sector or (e.source.entry.sector if e.source.entry is not None else None)
    return sector in ("COP", "MIL", "GOV", "SPY") and e.trigger.doc[e.target.tok_end - 1].lemma_.lower() in _PROTESTERS


_BACKGROUND_PREPS = {"since", "after", "following", "before", "until"}


def _background(noun: Token, lexicon: Lexicon) -> bool:
    """"since last month's US invasion", "after the coup": an earlier act that dates this one, not news;
    "the worst attack in the current uprising", "a raid during the war": the frame an act is told in."""
    if noun.dep_ != "pobj":
        return False
    prep = noun.head
    if prep.lower_ in _BACKGROUND_PREPS:
        return True
    return prep.lower_ in ("in", "during") and prep.head.pos_ == "NOUN" and noun_trigger(prep.head, lexicon) is not None


# Acts that are only news with someone they are done to: a meeting needs a counterpart, praise, aid,
# an investigation, a demand, criticism, a rejection or a sanction someone it is about. Expressing regret,
# laying a wreath, promising reforms, resigning, protesting or fighting can be told without one.
_TARGETED_ROOTS = {"04", "05", "06", "07", "09", "10", "11", "12", "16"}
_AUTHOR_ROOTS = {"09", "11"}  # investigating and blaming an act are aimed at whoever did it


def _predicate_adjective(token: Token, lexicon: Lexicon) -> bool:
    """"is ready to resume talks", "are willing to negotiate": an adjective of intent with its "to"-clause."""
    return (token.pos_ == "ADJ" and token.dep_ in ("acomp", "ROOT", "conj", "ccomp", "xcomp") and token.lemma_.lower() in lexicon.verbs
            and any(c.dep_ == "xcomp" for c in token.children))


def _needs_target(code: str) -> bool:
    if code in ("160", "164"):
        return False  # leaving a treaty or walking out of talks is news even when the other side is not named
    return code == "010" or code[:2] in _TARGETED_ROOTS


def _drop_incomplete(events: list[EventCandidate], lexicon: Lexicon) -> list[EventCandidate]:
    """Drop events that are not interactions; for "X told Y that Z attacked W", keep the attack (reported by X)."""
    out = []
    for e in events:
        if _needs_target(e.code) and e.target is None:
            continue
        if e.source is None and e.modality == "hypothetical":
            continue  # "officials would be indicted", "Ukraine could be attacked": nobody, and maybe never
        if e.code[:2] == "01" and e.trigger.lemma_.lower() in lexicon.reporting_verbs:
            lo, hi = e.trigger.left_edge.i, e.trigger.right_edge.i
            if any(o is not e and lo <= o.trigger.i <= hi and o.trigger.i != e.trigger.i for o in events):
                continue
        out.append(e)
    return out


def content_noun(noun: Token) -> Token:
    """What a measure or a light noun is of: "tons of aid" -> aid, "the return of inspectors" -> inspectors,
    "an aid shipment" -> aid."""
    if noun.lemma_.lower() not in load_lexicon().measure_nouns:
        return noun
    objects = {prep.lower_: g for prep in noun.children if prep.dep_ == "prep" and prep.lower_ in ("of", "in")
               for g in prep.children if g.dep_ == "pobj"}
    if "of" in objects:
        return objects["of"]
    compounds = [c for c in noun.children if c.dep_ == "compound" and c.i < noun.i and c.pos_ == "NOUN"]
    if compounds:
        return compounds[-1]
    # "a surge in attacks", but not "aid deliveries in Baghdad", where "in" tells the place
    inside = objects.get("in")
    return inside if inside is not None and inside.ent_type_ not in ("GPE", "LOC", "FAC") else noun


def _datives(verb: Token) -> list[Token]:
    """"gave Tanzania a grant": the indirect object."""
    return [c for c in verb.children if c.dep_ == "dative" and c.pos_ in ("NOUN", "PROPN", "PRON")]


def noun_trigger(noun: Token, lexicon: Lexicon):
    """The lexicon entry for a noun, trying the two-word compound first ("hunger strike", "air strike"); for a
    nominalization, its verb's code on what it is of ("the suspension of air links": suspend links, 160)."""
    found = _two_word_entry(noun, lexicon.nouns)
    if found is not None and lexicon.not_events and _two_word_entry(noun, _as_table(lexicon.not_events), written=True):
        return None  # "the Philippines' drug war", "a trade war"
    if found is not None or not lexicon.nominalizations:
        return found
    verb = lexicon.nominalizations.get(noun.lemma_.lower())
    what = _nominalized_object(noun) if verb else None
    if what is None:
        return None
    words = {what.lemma_.lower(), what.lower_, content_noun(what).lemma_.lower()} | {c.lemma_.lower() for c in what.conjuncts}
    plain = [p for p in lexicon.verbs.get(verb, ()) if not (p.particle or p.prep or p.xcomp or p.pobj)]
    found = next((p for p in plain if p.object is not None and words & p.object), None) or next((p for p in plain if p.object is None), None)
    return NounTrigger(found.code, DEFAULT_TARGET_PREPS) if found is not None else None


@lru_cache(maxsize=4)
def _as_table(words: frozenset[str]) -> dict[str, bool]:
    return dict.fromkeys(words, True)


def _nominalized_object(noun: Token) -> Token | None:
    """What a nominalized act is done to: its "of" phrase ("the lifting of sanctions")."""
    return next((g for p in noun.children if p.dep_ == "prep" and p.lower_ == "of" for g in p.children if g.dep_ == "pobj"), None)


def _nominal_targets(noun: Token, preps: tuple[str, ...]) -> list[list[Token]]:
    """For a nominalized act, where else its target may be: on what it is of ("the lifting of sanctions on
    Iran"), then that itself ("the expulsion of Russian diplomats")."""
    lexicon = load_lexicon()
    what = _nominalized_object(noun) if noun.lemma_.lower() in (lexicon.nominalizations or {}) else None
    if what is None:
        return []
    return [_prep_objects(what, preps), [what]]


def _two_word_entry(noun: Token, table: dict, written: bool = False):
    """`table`'s entry for a noun, the two words with the compound or adjective before it first ("hunger strike";
    "joint exercises"), else the noun alone. With `written`, the modifier as written too ("heightened", whose
    lemma is "heighten")."""
    lemma = noun.lemma_.lower()
    for child in noun.children:
        if child.dep_ in ("compound", "amod") and child.i < noun.i:
            for form in (child.lemma_.lower(), child.lower_) if written else (child.lemma_.lower(),):
                found = table.get(f"{form} {lemma}")
                if found is not None:
                    return found
    return table.get(lemma)


def _verb_events(verb: Token, index: MentionIndex, lexicon: Lexicon, consumed: set[int]) -> list[EventCandidate]:
    lemma = verb.lemma_.lower()
    children = list(verb.children)
    dobj = next((c for c in children if c.dep_ in ("dobj", "obj")), None) or _raised_object(verb)
    if dobj is None and verb.dep_ == "acl" and verb.tag_ == "VBN" and verb.head.pos_ in ("NOUN", "PROPN"):
        dobj = verb.head  # "a missile fired by the Houthis": what was fired

    code, trigger_end, carried = None, verb.i + 1, None
    target_groups: list[list[Token]] = []
    # a verb pattern naming its object outranks the object's own code ("signed a declaration" is an agreement)
    # (in the passive, what a pattern names is the subject: "45 diplomats were expelled")
    patient = dobj if dobj is not None else next((c for c in children if c.dep_ == "nsubjpass"), None)
    pattern = _match_pattern(verb, children, patient, lexicon.verbs.get(lemma, ()))
    if lemma in lexicon.light_verbs and dobj is not None and (pattern is None or pattern.object is None):
        content = content_noun(dobj)  # "provided 70 million dollars of aid": the aid
        noun = noun_trigger(content, lexicon)
        if noun is not None:
            consumed.add(content.i)
            carried = content
            code = noun.code
            target_groups = [_datives(verb), _prep_objects(content, noun.target_preps), _prep_objects(dobj, noun.target_preps),
                             _prep_objects(verb, noun.target_preps), *_nominal_targets(content, noun.target_preps)]
    if code is None and lemma in lexicon.in_light_verbs:
        # "engaged Filipino peacekeepers in a firefight": the noun's act, toward the object
        for pobj in _prep_objects(verb, ("in", "into")):
            noun = noun_trigger(pobj, lexicon)
            if noun is not None:
                consumed.add(pobj.i)
                carried, code = pobj, noun.code
                target_groups = [[dobj] if dobj is not None else [], _prep_objects(pobj, noun.target_preps)]
                break
    in_state = False
    if code is None and lemma in lexicon.state_verbs:
        # "workers went on strike", "the army was put on high alert": the state its subject goes into
        for pobj in _prep_objects(verb, ("on",)):
            state = _on_state(pobj, lexicon)
            if state is not None:
                consumed.add(pobj.i)
                carried, code, in_state = pobj, state, True
                target_groups = [_prep_objects(pobj, ("against",)), _prep_objects(verb, ("against",))]
                break
    if code is None:
        if pattern is None:
            return []
        code = pattern.code
        named = noun_trigger(dobj, lexicon) if pattern.object is not None and dobj is not None else None
        if named is not None and named.code[:2] not in ("01", "02", "03", "10", "11", "12", "13"):
            # "offered military support": the support is the offer's content, not an event; a request or a
            # proposal stays, for the verb to take its author as target ("dismissed an appeal from X")
            consumed.add(dobj.i)
        particle = next((c for c in children if c.dep_ == "prt"), None)
        if pattern.particle and particle is not None:
            trigger_end = max(trigger_end, particle.i + 1)
        target_groups = _target_groups(verb, dobj, pattern)

    # "a missile fired by the Houthis at Riyadh": a past participle on a noun is passive too
    passive = _passive_voice(verb) or (verb.dep_ == "acl" and verb.tag_ == "VBN")
    if passive and (lemma in _STATIVE or in_state) and not any(c.dep_ == "agent" for c in children):
        # "Israel is opposed to French mediation": a state, not a passive
        passive = False
        children = [c for c in children]
        source_override = [c for c in children if c.dep_ in _PASSIVE_SUBJ]
    else:
        source_override = []
    source_places = False
    if passive:
        source_heads = [g for c in children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
        target_groups = [[c for c in children if c.dep_ in _PASSIVE_SUBJ], *target_groups]
        if not source_heads and code[:2] in ("18", "19", "20"):
            # "were killed in Israeli tank shelling", "died in a Saudi airstrike": the act's doer did it
            acts = [o for o in _prep_objects(verb, ("in", "during")) if (noun_trigger(o, lexicon) or _NO_TRIGGER).code[:2] in ("18", "19", "20")]
            if any(index.for_argument(a) is not None for a in acts):
                source_heads = acts
                consumed.update(a.i for a in acts)
        if not source_heads and code[:2] in ("18", "19", "20"):
            # "a mortar bomb was fired at Israel from the Gaza Strip": fire comes from where its shooters are
            source_heads, source_places = _prep_objects(verb, ("from",)), True
    else:
        source_heads = source_override or [_clausal_subject(c) for c in children if c.dep_ in _SUBJ] or _inherited_subject(verb) \
            or _misparsed_subject(verb, index)
        source_heads = [t for h in source_heads for t in _past_dateline(h)]
        givers = []
        if pattern is not None and pattern.giver and code == pattern.code:
            givers = _prep_objects(verb, (pattern.giver,)) or (_prep_objects(dobj, (pattern.giver,)) if dobj is not None else [])
        if givers:
            # "Ukraine received tanks from Poland": Poland gave them, to Ukraine
            source_heads, target_groups = givers, [source_heads]

    if in_state and code == "152" and any(h.lemma_.lower() in _POLICE for h in source_heads):
        code = "151"  # police on alert
    if code in ("190", "193") and _aerial(source_heads, lexicon):
        code = "195"  # "warplanes struck", "drones hit": aerial weapons
    events = _pair_events(verb, trigger_end, code, source_heads, target_groups, index, lexicon, verb, source_places)
    for e in events:
        e.noun = carried
    return events


_KILLING = {"kill", "assassinate", "murder", "slay"}


def _attempted(trigger: Token, lexicon: Lexicon) -> bool:
    """Whether the act is what someone tried to do ("tried to kill", "has attempted to seize")."""
    return trigger.dep_ == "xcomp" and trigger.head.lemma_.lower() in lexicon.attempt_verbs


_POLICE = {"police", "policeman", "policemen", "officer", "gendarmerie", "gendarme"}


def _on_state(noun: Token, lexicon: Lexicon) -> str | None:
    """The code of a state named after "on" ("on strike", "on a hunger strike", "on high alert"); None for
    anything else ("the focus is on strikes", "on the strike")."""
    if not lexicon.on_states or noun.tag_ in ("NNS", "NNPS"):
        return None
    if any(c.dep_ in ("det", "poss") and c.lower_ not in ("a", "an") for c in noun.children):
        return None
    return _two_word_entry(noun, lexicon.on_states, written=True)


def _passive_voice(verb: Token) -> bool:
    """Whether the verb has a passive subject or auxiliary ("was struck", "were killed")."""
    return any(c.dep_ in _PASSIVE_SUBJ or c.dep_ == "auxpass" for c in verb.children)


def _match_pattern(verb: Token, children: list[Token], dobj: Token | None, patterns) -> VerbPattern | None:
    # "pulled its troops back": the parser often makes the particle an adverb
    particles = {c.lower_ for c in children if c.dep_ == "prt" or (c.dep_ in ("advmod", "prep") and c.lower_ in _PARTICLES
                                                                     and not any(g.dep_ == "pobj" for g in c.children))}
    # a preposition counts when it governs something other than a date ("fired on Tuesday" is no "fire on")
    preps = {c.lower_ for c in children if c.dep_ in ("prep", "agent") and any(g.ent_type_ not in _TIME_ENTS for g in c.children)}
    for p in patterns:
        if p.particle and p.particle not in particles:
            continue
        if p.prep and p.prep not in preps:
            continue
        # the word as written too: "the wounded" is lemmatised as the verb "wound"
        # (and what is coordinated with it: "provided photographs and other military intelligence")
        if p.object is not None and (dobj is None or (ANY not in p.object and not (
                {dobj.lemma_.lower(), dobj.lower_, content_noun(dobj).lemma_.lower()}
                | {a.lemma_.lower() for a in dobj.children if a.dep_ == "appos"}
                | {c.lemma_.lower() for c in dobj.conjuncts}) & p.object)):
            continue
        if p.xcomp is not None and not any(ANY in p.xcomp or c.lemma_.lower() in p.xcomp for c in infinitive_clauses(verb)):
            continue
        if p.pobj is not None and not any(o.lemma_.lower() in p.pobj for o in _phrase_objects(verb, p.prep)):
            continue
        return p
    return None


def _phrase_objects(verb: Token, prep: str | None) -> list[Token]:
    """Objects of the verb's prepositional phrases, through particles and compound prepositions ("pulled
    out of the deal", "withdrew from the talks"); only those of `prep` when it is given."""
    out = []
    stack = [c for c in verb.children if c.dep_ in ("prep", "prt", "advmod", "agent")]
    while stack:
        tok = stack.pop()
        for c in tok.children:
            if c.dep_ == "pobj" and (prep is None or tok.lower_ == prep):
                out.append(c)
            elif c.dep_ == "prep":
                stack.append(c)
    return out


def _target_groups(verb: Token, dobj: Token | None, pattern: VerbPattern) -> list[list[Token]]:
    """Where the target may be, most likely first; the first group that names an actor wins."""
    if pattern.target == "none":
        return []
    if pattern.pobj is not None:
        # "withdrew from talks with the EU": the other side of what was left
        inner = [o for o in _phrase_objects(verb, pattern.prep) if o.lemma_.lower() in pattern.pobj]
        return [g for g in ([t for o in inner for t in _prep_objects(o, (*DEFAULT_TARGET_PREPS, "between", "by"))], _prep_objects(verb, ("with", "against", "to"))) if g]
    if pattern.prep:
        return [_prep_objects(verb, (pattern.prep,))]
    groups: list[list[Token]] = [_datives(verb)]
    if dobj is not None and pattern.target == "dobj" and pattern.object is None and pattern.code[:2] != "15":
        groups.append([dobj])  # (what a force posture moves is its own forces, not its target)
    if dobj is not None and pattern.code[:2] in _AUTHOR_ROOTS:
        # "investigated alleged crimes by Croatian extremists", "condemned the killing of civilians by the
        # militia": what is looked into or blamed is the act's author; in the active voice a "by" on the verb
        # is the object's, attached one level up by the parser
        groups.append(_prep_objects(dobj, ("by",)) + ([] if _passive_voice(verb) else _prep_objects(verb, ("by",))))
    if dobj is not None and pattern.code[:3] == "084":
        # "returned the weapons seized from UN peacekeepers": what is given back goes to whom it was taken from
        groups.append([g for d in (dobj, *dobj.conjuncts) for c in d.children if c.dep_ in ("acl", "relcl")
                       for g in _prep_objects(c, ("from",))])
    if dobj is not None:
        # "expressed support for Kyiv", "imposed sanctions on Russia", "the release of prisoners"; what is
        # asked for is asked from someone ("demanded autonomy from Serbian authorities")
        preps = (*DEFAULT_TARGET_PREPS, "of", "for") if pattern.object is not None else (*DEFAULT_TARGET_PREPS, "of")
        groups.append(_prep_objects(dobj, preps))
        if pattern.code[:2] in ("02", "10"):
            # after its doer: "the withdrawal of Serbian forces from Bosnia" is asked of the forces
            groups.append(_prep_objects(dobj, ("from",)))
    if dobj is not None and pattern.code[:2] == "17" and (noun_trigger(dobj, load_lexicon()) or _NO_TRIGGER).code[:2] == "14":
        groups.append(_authors(dobj))  # "dispersed sit-ins by supporters of Morsi", "a march staged by students": the protesters
    if dobj is not None and pattern.code[:2] in ("17", "18", "19", "20"):
        # "hijacked a ship linked to an Israeli businessman": the owner
        groups.append([g for d in (dobj, *dobj.conjuncts) for c in d.children if c.dep_ in ("acl", "relcl")
                       and c.lemma_.lower() in _OWNERSHIP for g in _prep_objects(c, ("by", "to"))])
    groups.append(_prep_objects(verb, _FALLBACK_PREPS))
    if dobj is not None and (pattern.object is not None or pattern.xcomp is not None):
        if pattern.code[:2] in ("19", "20"):
            # what is fired is no target, but what it is fired at may hang on it ("launched missiles and drones at X")
            groups.append([g for d in (dobj, *dobj.conjuncts) for g in _prep_objects(d, DEFAULT_TARGET_PREPS)])
        else:
            groups.append([dobj])  # "summoned the US ambassador", "expelled Russian diplomats"
    # "threatened to bury the YPG", "is due to travel to Erbil": the target of the dependent verb
    for xcomp in (c for c in verb.children if c.dep_ == "xcomp"):
        objects = [c for c in xcomp.children if c.dep_ in ("dobj", "obj")] + _prep_objects(xcomp, DEFAULT_TARGET_PREPS)
        groups.append(objects)
        # "refused to respond to a demand from the US": whose the demand, offer or aid it is about is
        groups.append([g for o in objects for g in _prep_objects(o, (*DEFAULT_TARGET_PREPS, "from", "by"))])
    # "discussed the crisis in a telephone call with X"
    groups.append([g for p in _prep_objects(verb, ("in", "during", "at", "by")) for g in _prep_objects(p, ("with", "to", "between"))])
    if pattern.code[:2] == "11" and dobj is None:
        # "alleged that India had violated the truce", "complained that Moscow was stalling": who is accused is
        # who the clause says acted
        groups.append([s for c in verb.children if c.dep_ == "ccomp" for s in c.children if s.dep_ in ("nsubj", "nsubjpass")])
    if pattern.code[:2] in ("13", "15"):
        # "mobilized reservists for a possible war against Iraq": whom the force is readied against
        where = ("for", "in", "ahead", "to", "along", "near", "at", "toward", "towards", "on")
        holders = [*_prep_objects(verb, where), *([dobj, *_prep_objects(dobj, where)] if dobj is not None else [])]
        groups.append([g for h in holders for g in _prep_objects(h, ("against", "with", "on"))])
        groups.append([h for h in holders if h.lemma_.lower() in _BORDERS])  # "massed troops along the Syrian border"
    return [g for g in groups if g]


def _authors(act: Token, depth: int = 0) -> list[Token]:
    """Who did an act that is looked into or blamed: "crimes by X", "crimes committed by X", "abuses that X
    committed", "the killing of civilians by X" (the parser may hang the "by" on the victims)."""
    out = _prep_objects(act, ("by",))
    for clause in (c for c in act.children if c.dep_ in ("acl", "relcl")):
        out += _prep_objects(clause, ("by",)) + [c for c in clause.children if c.dep_ == "nsubj" and c.lower_ not in ("that", "which", "who")]
    if depth == 0:
        out += [a for o in _prep_objects(act, ("of", "into")) for a in _authors(o, 1)]
    return out


def _prep_objects(head: Token, preps: tuple[str, ...]) -> list[Token]:
    """Objects of the given prepositions under `head` (or under its particle: "strike back at X")."""
    out = []
    holders = [head, *(c for c in head.children if c.dep_ in ("prt", "advmod"))]
    for prep in preps:
        for child in (c for h in holders for c in h.children):
            if child.dep_ in ("prep", "agent", "dative") and child.lower_ == prep:
                out += _stranded_object(child)
                for g in child.children:
                    if g.dep_ == "prep" and g.lower_ in ("of", "to", "from"):
                        # a two-word preposition ("outside of Basra", "close to the border")
                        out += [p for p in g.children if p.dep_ == "pobj" and p.ent_type_ not in _TIME_ENTS]
                        continue
                    if g.dep_ == "pcomp":
                        # "opened fire on Palestinians waiting for aid": the people of the gerund clause
                        out += [c for c in g.children if c.dep_ in ("nsubj", "nsubjpass")]
                        continue
                    if g.dep_ != "pobj":
                        continue
                    if g.ent_type_ not in _TIME_ENTS:
                        out.append(g)
                    else:
                        # "met with Syrian President Bashar Assad Tuesday": the date swallowed the name
                        out += [c for c in g.children if c.dep_ == "compound" and c.ent_type_ not in _TIME_ENTS][-1:]
    return out


def _stranded_object(prep: Token) -> list[Token]:
    """"granted asylum to five officers holed up in the embassy": the parser may read a reduced relative clause
    after a preposition as a clause of its own, leaving the preposition without its object (then the subject of
    that participle, right after the preposition)."""
    if any(g.dep_ in ("pobj", "pcomp") for g in prep.children) or prep.i + 1 >= len(prep.doc):
        return []
    nxt = prep.doc[prep.i + 1]
    head = next((t for t in nxt.head.subtree if t.dep_ in ("nsubj", "nsubjpass") and t.left_edge.i == prep.i + 1), None) \
        if nxt.dep_ != "punct" else None
    clause = head.head if head is not None else None
    if clause is None or clause.tag_ not in ("VBN", "VBG", "VBD") or clause.head.i != prep.head.i \
            or any(c.dep_ in ("mark", "aux", "auxpass") for c in clause.children):
        return []  # (a past tense with no marker or auxiliary, right after a preposition, is such a participle)
    return [head]


def _raised_object(verb: Token) -> Token | None:
    """"allowed IAEA inspectors to visit": the subject of a "to"-clause is the verb's object."""
    for c in verb.children:
        if c.dep_ == "ccomp" and has_to(c):
            subj = next((s for s in c.children if s.dep_ in ("nsubj", "nsubjpass")), None)
            if subj is not None and subj.i < c.i:
                return subj
    return None


def _aerial(heads: list[Token], lexicon: Lexicon) -> bool:
    for head in heads:
        for tok in (head, *head.conjuncts):
            if any(c.lower_ in ("suicide", "car", "truck") for c in tok.children):
                continue  # suicide bombers are people, not aircraft
            if tok.lemma_.lower() in lexicon.aerial_agents or f"{tok.head.lemma_.lower()} {tok.lemma_.lower()}" in lexicon.aerial_agents:
                return True
            if any(c.dep_ == "compound" and f"{c.lemma_.lower()} {tok.lemma_.lower()}" in lexicon.aerial_agents for c in tok.children):
                return True
    return False


def _past_dateline(head: Token) -> list[Token]:
    """"DOHA, Feb 29 - The United States and the Taliban signed...": the parser may make the dateline the
    subject and hang the real one on it as an apposition."""
    if not (head.text.isupper() and len(head.text) > 2 and head.i + 1 < len(head.doc) and head.doc[head.i + 1].text in (",", "(")):
        return [head]
    if not (head.is_sent_start or head.i == 0 or "\n" in head.doc[head.i - 1].text_with_ws):
        return [head]
    frontier = [head]
    for _ in range(4):
        nxt = [c for t in frontier for c in t.children if c.dep_ == "appos"]
        real = [c for c in nxt if c.ent_type_ not in _TIME_ENTS and c.pos_ in ("PROPN", "NOUN")]
        if real:
            return real
        frontier = nxt
    return [head]


def _clausal_subject(subject: Token) -> Token:
    """"The Red Cross operating in Iraq said": the parser may make the participle the subject, and the
    name its subject; the name is who speaks."""
    if subject.pos_ == "VERB" and subject.tag_ == "VBG":
        inner = next((c for c in subject.children if c.dep_ == "nsubj" and c.i < subject.i), None)
        if inner is not None:
            return inner
    return subject


def _misparsed_subject(verb: Token, index: MentionIndex) -> list[Token]:
    """A named actor left of a finite verb that has no subject, attached as a noun-phrase adverbial by a
    parse error ("Qatar hosted delegations..." with "Qatar" as npadvmod)."""
    if verb.dep_ != "ROOT":
        return []
    for child in verb.children:
        if child.i < verb.i and child.dep_ in ("npadvmod", "dep", "nmod") and child.pos_ == "PROPN":
            found = index.at(child)
            if found is not None and found.coded:
                return [child]
    return []


def _inherited_subject(verb: Token) -> list[Token]:
    """The subject a dependent verb shares with its governor (xcomp, conj) or the noun a relative clause modifies."""
    current = verb
    for _ in range(4):
        if current.dep_ in ("xcomp", "conj", "advcl", "acomp") and current.head.i != current.i:
            head = current.head
            if current.dep_ == "xcomp" and head.lemma_.lower() not in _SUBJECT_CONTROL:
                # "urged Iran to free X", "Obama is being pressed to help Iran": the one told to act
                told = [c for c in head.children if c.dep_ in ("dobj", "obj", *_PASSIVE_SUBJ)]
                if told:
                    return told
            subj = [c for c in head.children if c.dep_ in _SUBJ]
            if subj:
                return subj
            current = head
        elif current.dep_ == "pcomp" and current.head.dep_ == "prep" and current.head.lower_ in ("of", "for") and current.tag_ == "VBG":
            # "accused Iran of attacking tankers", "thanked Britain for supplying missiles": the object acted
            verb = current.head.head
            told = [c for c in verb.children if c.dep_ in ("dobj", "obj")]
            if told and verb.lemma_.lower() in _CREDIT_BLAME:
                return told
            break
        elif current.dep_ == "pcomp" and current.head.dep_ == "prep" and current.head.lower_ == "from" and current.tag_ == "VBG":
            # "refrained from striking": the one who held back; "prevented Israel from striking": the one stopped
            verb = current.head.head
            return [c for c in verb.children if c.dep_ in ("dobj", "obj")] or [c for c in verb.children if c.dep_ in _SUBJ]
        elif current.dep_ == "relcl":
            return [current.head]
        elif current.dep_ == "acl":
            noun = current.head
            if current.tag_ == "VBG" and issued_document(noun):
                # "X issued a statement calling on Y...", "X sent a letter urging Y...": X speaks
                return [c for c in noun.head.children if c.dep_ in _SUBJ]
            return []
        else:
            break
    return []


def _noun_events(noun: Token, code: str, target_preps, index: MentionIndex, lexicon: Lexicon, of_is_source: bool = False) -> list[EventCandidate]:
    source_heads = [c for c in noun.children if c.dep_ in ("amod", "compound", "poss", "nmod")
                    and f"{c.lemma_.lower()} {noun.lemma_.lower()}" not in lexicon.nouns]  # not "prisoner" of "prisoner swap"
    undergoer = []
    if noun.lemma_.lower() in lexicon.undergone_with_possessive and not _prep_objects(noun, ("of",)):
        # "advocates Israel's destruction": Israel would undergo it
        undergoer = [c for c in source_heads if c.dep_ == "poss"]
        source_heads = [c for c in source_heads if c.dep_ != "poss"]
    # "an attack by X"; what one asks or offers comes from someone ("an appeal from President Gbagbo"); an
    # intransitive act's "of" phrase does it ("the withdrawal of French troops")
    by = ("by", "from") if code[:2] in ("02", "03", "10") else ("by",)
    if of_is_source:
        by = (*by, "of")
    source_heads += [g for c in noun.children if c.dep_ in ("prep", "agent") and c.lower_ in by for g in c.children if g.dep_ == "pobj"]
    target_groups = [undergoer, _prep_objects(noun, tuple(p for p in target_preps if not (of_is_source and p == "of"))),
                     *_nominal_targets(noun, target_preps)]
    sources = [m for m in (index.for_argument(h) for h in source_heads) if m is not None]
    if not any(_named(m) for m in sources) and _reciprocal(code, noun, lexicon):
        # "talks between Russian and Ukrainian delegations", "a prisoner exchange between Russia and Ukraine":
        # the parties named after "between" are the two sides
        between = _expand(_prep_objects(noun, ("between",)))
        parties = _resolve_all(between, index)
        if len(parties) > 1:
            return _pair_parties(noun, code, parties, index, lexicon)
    if not sources:
        return []  # an event noun with nobody doing it ("the fight against terror") is not coded
    clause = governing_verb(noun)
    return _pair_events(noun, noun.i + 1, code, source_heads, target_groups, index, lexicon, clause)


def _pair_parties(noun: Token, code: str, parties: list[ActorMention], index: MentionIndex, lexicon: Lexicon) -> list[EventCandidate]:
    modality, attributed = modality_of(noun, lexicon, index)
    clause = governing_verb(noun)
    return [EventCandidate(noun, noun.i + 1, code, a, b, modality, attributed, clause, [])
            for a in parties for b in parties if a is not b and not _same_actor(a, b)][: _MAX_PAIRS * 2]


def governing_verb(token: Token) -> Token:
    """The token itself if it is a verb, else the nearest verb above it (or the sentence root)."""
    current = token
    while current.head.i != current.i and current.pos_ not in ("VERB", "AUX"):
        current = current.head
    return current


_DEFIANCE = {"defiance", "protest", "opposition"}
_BORDERS = {"border", "frontier", "boundary"}
_SHELTERS = {"camp", "shelter", "school", "hospital", "clinic", "home", "housing", "orphanage", "centre", "center"}
_RELATIONAL = {"ally", "rival", "enemy", "foe", "opponent", "adversary", "proxy", "critic", "neighbour", "neighbor"}
_AFFILIATION = {"affiliate", "link", "tie", "belong", "ally", "connect", "loyal"}
_CUSTODY = {"jail", "prison", "detention", "custody", "cell"}
_PROTESTERS = {"protester", "protestor", "demonstrator", "rioter", "marcher", "mob"}
# what links a thing to its owner ("a ship linked to an Israeli businessman", "tankers owned by a Greek firm")
_OWNERSHIP = {"own", "operate", "link", "belong", "charter", "manage", "tie", "connect", "register"}
_HELP = {"help", "support", "assistance", "backing", "aid", "cooperation", "consent", "approval", "blessing", "participation"}


def _protest_aims(trigger: Token) -> list[Token]:
    """Whom a protest is aimed at, told beside it: "blocked a road to show their anger at the United States",
    "went on hunger strike to demand the resignation of the president", "in defiance of Chinese authorities"."""
    out: list[Token] = []
    for clause in (c for c in trigger.children if c.dep_ in ("advcl", "xcomp") and has_to(c)):
        objects = [o for c in clause.children if c.dep_ in ("dobj", "obj") for o in (c, *c.conjuncts)]
        out += objects + _prep_objects(clause, (*DEFAULT_TARGET_PREPS, "from"))
        out += [g for o in objects for g in _prep_objects(o, ("of", "for", "against", "at", "with", "on", "to"))]
    for stance in (o for o in _prep_objects(trigger, ("in",)) if o.lemma_.lower() in _DEFIANCE):
        out += _prep_objects(stance, ("of", "at", "against", "to"))
    # "a hunger strike in Israeli jails": the jailer
    for holder in (trigger, *(c for c in trigger.children if c.dep_ in ("dobj", "obj"))):
        out += [o for o in _prep_objects(holder, ("in",)) if o.lemma_.lower() in _CUSTODY]
    return out


def _expand(heads: list[Token]) -> list[Token]:
    """The heads and their conjuncts; a list "A, B, and C" that the parser read as A plus an apposition
    "B, and C" counts as three conjuncts."""
    out: list[Token] = []
    for head in heads:
        # "scores of Sierra Leonean and Liberian refugees": the quantity's list too
        listed = [c for p in head.children if p.dep_ == "prep" and p.lower_ == "of" for g in p.children if g.dep_ == "pobj"
                  for c in g.conjuncts] if head.lower_ in _QUANTITY_HEADS else []
        for tok in (head, *head.conjuncts, *listed):
            if tok not in out:
                out.append(tok)
            for appos in tok.children:
                if appos.dep_ == "appos" and appos.conjuncts and any(c.dep_ == "cc" for c in appos.conjuncts[0].head.children):
                    out += [t for t in (appos, *appos.conjuncts) if t not in out]
    return out


_RECIPROCAL_ROOTS = {"03", "04", "05", "06"}
# symmetric acts outside those roots: a truce, a clash or an exchange of fire has both sides as actors
def _reciprocal(code: str, trigger: Token | None = None, lexicon: Lexicon | None = None) -> bool:
    if code[:2] in _RECIPROCAL_ROOTS:
        return True
    if trigger is None or lexicon is None:
        return False
    words = {trigger.lemma_.lower(), *(c.lemma_.lower() for c in trigger.children if c.dep_ in ("dobj", "obj"))}
    return bool(words & lexicon.symmetric)


def _pair_events(trigger, trigger_end, code, source_heads, target_groups, index, lexicon, clause, source_places=False) -> list[EventCandidate]:
    sources = _resolve_all(_expand(source_heads), index, source_places)
    targets: list[ActorMention] = []
    used: list[Token] = []
    # Actors anywhere in the target phrases first; a place standing for its country only when none is named.
    # Named actors anywhere in the target phrases first; then a place standing for its country or an agent
    # of unknown country ("pounded the port of Odesa with drones": Odesa, not the drones).
    places_ok = code[:2] in _PLACE_TARGET_ROOTS or code[:2] in ("02", "04", "10", "13")
    if code[:2] in _AUTHOR_ROOTS:
        target_groups = [[*group, *(a for t in group for a in _authors(t))] for group in target_groups]
    if code[:2] == "14":
        target_groups = [*target_groups, _protest_aims(trigger)]
    # "with Albania's help", "with Russian backing": a helper, not a target
    target_groups = [[t for t in group if not (t.head.lower_ == "with" and t.lemma_.lower() in _HELP)] for group in target_groups]
    for second in (False, True):
        for group in target_groups:
            found = [t for t in _resolve_all(_expand(group), index, second and places_ok) if not any(_same_actor(t, s) for s in sources)]
            targets = found if second else [t for t in found if not _is_bare(t)]
            if targets:
                used = group
                break
        if targets:
            break
    # (protesters of no named country are the place's own people, facing their government: below)
    locals_protest = code[:2] == "14" and sources and all(_is_bare(s) for s in sources)
    if not targets and code[:2] in _PLACE_TARGET_ROOTS and not (len(sources) > 1 and _reciprocal(code, trigger, lexicon)) \
            and not locals_protest:
        # a material act on an unnamed object somewhere ("struck an airport in Tripoli", "lifted the curfew in
        # Montenegro"): the place's country is the target, as in CAMEO dictionaries' city entries
        objects = [c for c in trigger.children if c.dep_ in ("dobj", "obj", "nsubjpass")]
        # where a yield or aid happens is its target only through its object ("the curfew in Montenegro"),
        # not through the act ("surrendered in Soroti" is no surrender to Uganda)
        holders = objects if code[:2] in ("07", "08") and code not in _DOMESTIC_MEASURES else [trigger, *objects]
        around = [] if code[:2] in ("07", "08") else [c for c in trigger.children if c.dep_ in ("advmod", "npadvmod")]
        for head in (*(o for h in holders for o in _prep_objects(h, _LOCATIVE_PREPS)), *around):
            place = index.place_in(head)
            if place is not None and not any(_same_actor(place, s) for s in sources):
                targets, used = [place], [head]
                break
    protest = code[:2] == "14" and (trigger.pos_ in ("VERB", "AUX") or trigger.dep_ in ("dobj", "nsubj", "ROOT"))
    if not targets and (protest or code in _DOMESTIC_MEASURES):
        # a protest that names no addressee is aimed at the protesters' own government (CAMEO practice); a curfew,
        # a state of emergency or martial law imposed or lifted with no one named is on the country's own people
        home = next((mention_country(_situate(s, trigger, None, None, index, as_target=False, code=code)) for s in sources), None)
        implicit = index.implicit(home, trigger, "GOV" if protest else "CVL") if home is not None else None
        targets = [implicit] if implicit is not None else []
    if code in _DOMESTIC_MEASURES:
        # "a curfew in Bangkok", "lifted the curfew in Montenegro": a place bears the measure through its people
        targets = [index.implicit(country, trigger, "CVL") or t if t.form in ("place", "capital") and (country := mention_country(t)) else t
                   for t in targets]
    if not sources and targets and code[:2] in ("18", "19", "20"):
        sources = _unidentified_attacker(trigger, source_heads, index, lexicon)
    if not sources and not targets:
        return []
    # "American and British warplanes and warships": the bare "warships" belong to the named ones
    if any(_named(x) for x in sources):
        sources = [x for x in sources if _named(x)]
    if any(_named(x) for x in targets):
        targets = [x for x in targets if _named(x)]
    code = _bombing(code, trigger, source_heads, lexicon)
    if code in ("171", "1712") and any(h.lemma_.lower() in _PROTESTERS for h in source_heads):
        code = "145"  # "protesters set fire to police stations": a riot
    modality, attributed = modality_of(trigger, lexicon, index)
    attempt = modality == "intended" and code[:2] in ("17", "18", "19", "20") and _attempted(trigger, lexicon)
    if attempt:
        # "tried to kill", "attempted to seize": the attempt is an act, as sure as the trying is ("will try" stays a plan)
        tried, _ = modality_of(trigger.head, lexicon, index)
        attempt = tried in ("asserted", "reported")
        modality = tried if attempt else modality
    if code == "150" and not targets and len({mention_country(s) for s in sources} - {None}) > 1:
        code = "062"  # "French and Egyptian warships began war games": the exercise is joint, military cooperation
    pairs = [(s, t) for s in sources or [None] for t in targets or [None]]
    if not targets and len(sources) > 1 and _reciprocal(code, trigger, lexicon):
        # "Saudi Arabia and Egypt signed agreements": each party acts toward the other
        pairs = [(s, t) for s in sources for t in sources if s is not t]
    out = []
    for source, target in pairs:
        source = _situate(source, trigger, target, attributed, index, as_target=False, code=code)
        target = _situate(target, trigger, source, attributed, index, as_target=True, code=code)
        source = _domestic_state(source, target, index)
        source = _forces_of(source, trigger, code, source_heads, index)
        if source is not None and target is not None and _same_actor(source, target):
            continue
        if not _named(source) and not _named(target):
            continue  # "people were killed", "protesters clashed with police": nobody named
        killing = attempt and trigger.lemma_.lower() in _KILLING and target is not None and target.entry is not None and target.entry.kind == "person"
        speaker = attributed
        if attributed is not None and source is not None and source.entry is not None and trigger.doc[source.tok_end - 1] in \
                trigger.doc[attributed.tok_end - 1].conjuncts:
            speaker = source  # "Obama and Putin said they would...": each says it of himself
        out.append(EventCandidate(trigger, trigger_end, "185" if killing else code, source, target, modality, speaker, clause, list(used)))
        if len(out) >= _MAX_PAIRS * (2 if len(sources) > 2 else 1):
            break
    return out


_DOMESTIC_MEASURES = {"1723", "1724", "0813", "0814"}  # curfews, states of emergency, martial law: imposed and eased
_STATE_SECTORS = {"GOV", "MIL", "COP", "JUD", "LEG", "SPY"}


def _named(m: ActorMention | None) -> bool:
    return m is not None and not _is_bare(m)


def _is_bare(m: ActorMention | None) -> bool:
    return m is not None and m.entry is not None and m.entry.kind == "agent"


def _situate(m, trigger: Token, other, attributed, index: MentionIndex, as_target: bool, code: str = ""):
    """A bare agent ("civilians", "the army") given the country its context names: a place in its own
    phrase ("protesters in Yangon"); for a target, the place where the event happens ("massacred civilians
    in Bucha") or else the state acting on it ("Belarusian authorities banned the opposition party"); for a
    state agent doing the act, the country of the one who reports it ("Israeli media said the army...")."""
    if not _is_bare(m):
        return m
    head = trigger.doc[m.tok_end - 1]
    place = index.place_in(head) or next((index.place_in(t) for c in head.children if c.dep_ == "acl"
                                          for t in c.subtree if index.place_in(t) is not None), None)  # "refugees fleeing the war in Liberia"
    if place is None and (as_target or code[:2] == "14"):
        place = _event_place(trigger, index)  # "civilians were killed in Bucha", "protesters marched through Hong Kong"
    if place is not None and place.entry is not None:
        return index.composite(place.entry.id, m)
    if as_target and other is not None and not _is_bare(other):
        country = mention_country(other)
        state = other.entry is not None and ((other.entry.kind == "country" and other.sector in (None, *_STATE_SECTORS))
                                             or (other.sector or "") in _STATE_SECTORS or other.entry.kind == "person")
        # a state acts on its own people and forces ("banned the opposition party", "praised the armed forces"),
        # but envoys or officials it deals with are mostly another state's; people face their own state
        # ("opposition groups in Zimbabwe demanded that the president resign")
        # (refugees a state takes in or turns away are mostly others')
        own_people = state and m.form != "title" and (m.sector or m.entry.sector) not in ("GOV", "REF") and code[:2] not in ("18", "19", "20")
        # (the civilians a state's forces strike are mostly another country's: left to the place or unknown)
        if country and (own_people or ((m.entry.sector or "") in _STATE_SECTORS and not state)):
            # the state acting on its people ("banned the opposition party"), or people facing their own
            # state ("opposition groups in Zimbabwe demanded that the president resign")
            return index.composite(country, m)
    if not as_target and (m.sector or m.entry.sector) in ("JUD", "COP") and code[:2] in ("09", "11", "17") and other is not None \
            and not _is_bare(other) and mention_country(other) and (other.sector or other.entry.sector or "") in _STATE_SECTORS:
        # "a judge opened investigations against Chilean government officials": a country's courts judge its officials
        return index.composite(mention_country(other), m)
    if not as_target and code[:2] == "14" and other is not None and not _is_bare(other) and mention_country(other) \
            and (other.sector or (other.entry.sector if other.entry is not None else None)) == "GOV":
        # "fundamentalists went on hunger strike to demand the president's resignation": nowhere said, protesters
        # face their own government
        return index.composite(mention_country(other), m)
    if not as_target and (m.entry.sector or "") in _STATE_SECTORS and mention_country(attributed):
        return index.composite(mention_country(attributed), m)
    if (m.sector or m.entry.sector or "") in _STATE_SECTORS and m.form != "title" and any(c.lower_ == "the" for c in head.children):
        # "the junta", "the government" in a story about one country: that country's
        focus = index.focus_country()
        if focus is not None:
            return index.composite(focus, m)
    return m


def _forces_of(source, trigger: Token, code: str, source_heads: list[Token], index: MentionIndex):
    """"Russian airstrikes killed 12 civilians", "a US drone strike", "Israeli shelling": a country named on a
    military act is its armed forces."""
    if source is None or source.entry is None or source.entry.kind != "country" or source.sector is not None or code[:2] not in ("18", "19", "20"):
        return source
    holders = [trigger] if trigger.pos_ in ("NOUN", "PROPN") else list(source_heads)
    if not any(h.pos_ in ("NOUN", "PROPN") and h.lemma_.lower() in _MILITARY_ACTS for h in holders):
        return source
    return index.with_sector(source, "MIL")


def _domestic_state(source, target, index: MentionIndex):
    """"President X threatened to ban Ugandan opposition candidates", "security forces dispersed Syrian
    protesters": a state agent of unknown country acting on a country's people, or on a place, is that
    country's."""
    if not _is_bare(source) or target is None or target.entry is None or target.entry.kind != "country":
        return source
    if (source.sector or source.entry.sector or "") not in _STATE_SECTORS:
        return source
    if target.sector in (None, "GOV", "MIL") and target.form != "place":
        return source  # a state acting on a state: could be any other
    return index.composite(target.entry.id, source)


def _bombing(code: str, trigger: Token, source_heads: list[Token], lexicon: Lexicon) -> str:
    """Killing or wounding with a bomb that is no military ordnance is a bombing, not force: 183, or a
    suicide, car or roadside bombing when the bomb's words say so (triggers.yaml `bombings`)."""
    if code != "190" or not lexicon.bomb_words:
        return code
    for head in (*source_heads, *_prep_objects(trigger, ("by", "in", "with"))):
        words = {head.lemma_.lower()} | {w for t in head.subtree if t.i < head.i and t.dep_ in ("compound", "amod", "nmod")
                                         for w in (t.lemma_.lower(), t.lower_)}  # "improvised": lemma "improvise"
        if not lexicon.bomb_words.intersection(words) or lexicon.ordnance_words.intersection(words):
            continue
        refined = [lexicon.bombing_codes[w] for w in lexicon.bombing_codes if w in words]
        return refined[0] if refined else "183"
    return code


def _unidentified_attacker(trigger: Token, source_heads: list[Token], index: MentionIndex, lexicon: Lexicon) -> list[ActorMention]:
    """"A roadside bomb killed two soldiers near Samarra", "was killed in a car bomb explosion in Beirut": nobody
    is named, yet someone set the bomb: an unidentified armed actor (UAF) of the country where it went off,
    as event datasets code unclaimed attacks. Nothing when the text names no place."""
    weapons = [h for h in source_heads if _is_weapon(h, lexicon)]
    if not weapons and _passive_voice(trigger):
        weapons = [o for o in _prep_objects(trigger, ("in", "by")) if _is_weapon(o, lexicon)]
    if not weapons:
        return []
    place = _event_place(trigger, index) or index.place_in(weapons[0])
    country = load_kb().country(place.entry.id) if place is not None and place.entry is not None else None
    if country is None:
        return []
    w = weapons[0]
    return [ActorMention(w.idx, w.idx + len(w), w.i, w.i + 1, country, "composite", "UAF", w.text)]


def _is_weapon(token: Token, lexicon: Lexicon) -> bool:
    words = lexicon.unattributed_weapons
    lemma = token.lemma_.lower()
    return lemma in words or any(f"{c.lemma_.lower()} {lemma}" in words for c in token.children if c.dep_ in ("compound", "amod"))


def _event_place(trigger: Token, index: MentionIndex) -> ActorMention | None:
    holders = [trigger, governing_verb(trigger)]
    # where the act, its object or its doing noun is ("a US drone strike in Kabul killed ten civilians")
    holders += [c for h in holders for c in h.children if c.dep_ in ("dobj", "obj", "nsubjpass")
                or (c.dep_ == "nsubj" and c.pos_ == "NOUN" and c.lemma_.lower() in _MILITARY_ACTS)]
    # "killed 23 people when they blew themselves up in Tel Aviv": the clause that tells when tells where
    holders += [c for c in trigger.children if c.dep_ == "advcl" and any(m.dep_ in ("advmod", "mark") and m.lower_ in ("when", "as", "while")
                                                                       for m in c.children)]
    for h in holders:
        for obj in _prep_objects(h, _LOCATIVE_PREPS):
            place = index.place_in(obj)
            if place is not None:
                return place
    return None


def _resolve_all(heads: list[Token], index: MentionIndex, allow_place: bool = False) -> list[ActorMention]:
    out: list[ActorMention] = []
    for head in heads:
        # "the two leaders", "the courage of both leaders"
        pair = index.pair(head) or next((found for g in _prep_objects(head, ("of",)) if (found := index.pair(g))), [])
        if pair:
            out += [m for m in pair if m not in out]
            continue
        mention = index.for_argument(head, allow_place)
        if mention is not None and mention not in out:
            out.append(mention)
            out += [m for m in _coordinated_qualifiers(head, mention, index) if m not in out]
            if head.lower_ in _PLURAL and head.pos_ == "PRON":
                # "Obama and Putin said they will...": "they" are all of the coordinated antecedent
                antecedent = head.doc[mention.tok_end - 1]
                out += [m for c in antecedent.conjuncts if (m := index.for_argument(c)) is not None and m not in out]
    return out


def _coordinated_qualifiers(head: Token, mention: ActorMention, index: MentionIndex) -> list[ActorMention]:
    """"Indian and Chinese soldiers", "the American and British strikes": each coordinated country adjective."""
    if mention.entry is None or mention.entry.kind != "country":
        return []
    out = []
    for child in head.children:
        if child.dep_ not in ("amod", "compound", "nmod"):
            continue
        for conj in child.conjuncts:
            other = index.at(conj)
            if other is not None and other is not mention and other.entry is not None and other.entry.kind == "country":
                out.append(index.with_sector(other, mention.sector) if mention.sector else other)
    return out


def _same_actor(a: ActorMention, b: ActorMention) -> bool:
    return a is b or (a.entry is b.entry and a.sector == b.sector)


def _actor_key(m: ActorMention | None):
    if m is None:
        return None
    return (m.entry.id if m.entry else m.text, m.sector, m.start if m.form != "place" else None)


def _dedupe(events: list[EventCandidate]) -> list[EventCandidate]:
    seen = set()
    out = []
    for e in events:
        # two places in one country as targets are one target: the country
        key = (e.trigger.i, e.code, _actor_key(e.source), _actor_key(e.target))
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out
