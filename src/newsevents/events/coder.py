"""Code events in one sentence from its dependency parse.

A trigger is a verb or noun in the lexicon. For a verb, the subject is the source and the direct
object (or the passive subject, or a prepositional object the pattern names) the target; passive
voice takes the source from the "by" phrase. A light verb whose object is a trigger noun ("launched
airstrikes on", "held talks with") takes the noun's code. Verbs without a subject of their own borrow
the subject of the verb they depend on ("Russia plans to strike ISIS"). Each side resolves to the
actor mention at the argument's head or among its modifiers; pronouns resolve to the last compatible
actor before them in the paragraph.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from newsevents.actors.kb import load_kb
from newsevents.actors.resolve import ActorMention, by_token_index
from newsevents.events.clauses import filter_clauses
from newsevents.events.complements import has_to, infinitive_clauses, merge_complements
from newsevents.events.lexicon import DEFAULT_TARGET_PREPS, Lexicon, VerbPattern
from newsevents.events.modality import modality_of
from newsevents.nlp.model import text_of

_SUBJ = ("nsubj", "csubj")
_PASSIVE_SUBJ = ("nsubjpass", "csubjpass")
_ARG_MODIFIERS = {"amod", "compound", "poss", "nmod", "appos", "det"}
_PERSONAL = {"he", "she", "him", "her", "his", "hers"}
_NONPERSONAL = {"it", "its", "they", "them", "their"}
_GROUP_NOUNS = {"group", "organization", "organisation", "movement", "militia", "country", "kingdom", "republic", "bloc", "alliance"}
_MAX_PAIRS = 4
_TIME_ENTS = {"DATE", "TIME"}
_FALLBACK_PREPS = (*DEFAULT_TARGET_PREPS, "from")
_LOCATIVE_PREPS = ("in", "near", "around", "outside", "inside", "across")
_PLACE_TARGET_ROOTS = {"07", "08", "14", "15", "16", "17", "18", "19", "20"}
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

    def with_sector(self, country: ActorMention, sector: str) -> ActorMention:
        return ActorMention(country.start, country.end, country.tok_start, country.tok_end, country.entry, "composite", sector, country.text)

    def government_of(self, iso3: str, anchor: Token) -> ActorMention | None:
        """A country's government as the implicit addressee of an act, anchored on the act's trigger."""
        entry = load_kb().country(iso3)
        if entry is None:
            return None
        return ActorMention(anchor.idx, anchor.idx + len(anchor), anchor.i, anchor.i + 1, entry, "implicit", "GOV", anchor.text)

    def composite(self, iso3: str, agent: ActorMention) -> ActorMention:
        """An agent given a country by context ("ordered troops to withdraw": the orderer's troops)."""
        entry = load_kb().country(iso3)
        if entry is None or agent.entry is None:
            return agent
        return ActorMention(agent.start, agent.end, agent.tok_start, agent.tok_end, entry, "composite", agent.entry.sector, agent.text)

    def for_argument(self, token: Token, allow_place: bool = False) -> ActorMention | None:
        """The actor an argument phrase denotes: at its head, among its modifiers, or a pronoun's antecedent.

        With `allow_place`, a phrase naming no actor but a place ("struck Mitiga airport", "shelled
        villages near Aleppo") stands for the place's country, as city entries do in CAMEO dictionaries.
        """
        found = self.at(token)
        if found is not None and found.coded:
            return found
        if token.pos_ == "PRON" or (token.lower_ in _GROUP_NOUNS and any(c.lower_ == "the" for c in token.children)):
            return self._antecedent(token)
        frontier = [c for c in token.children if c.dep_ in _ARG_MODIFIERS or (c.dep_ == "prep" and c.lower_ == "of")]
        possessors: list[Token] = []
        for _ in range(3):
            next_frontier = []
            for child in frontier:
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
            found = self._antecedent(pronoun)
            if found is not None:
                return found
        place = self.place_in(token) if allow_place else None
        if place is not None:
            return place
        return self._bare_agent(token)

    def _bare_agent(self, token: Token) -> ActorMention | None:
        """"Insurgents bombarded...", "the army said": an agent noun with no country anywhere in its phrase is
        an actor of unknown country (CAMEO's ---REB, ---MIL)."""
        found = self.at(token)
        if found is None or found.entry is None or found.entry.kind != "agent" or found.entry.sector is None:
            return None
        if found.tok_end - 1 != token.i:
            return None  # the agent must head the phrase ("protest leaders", not "army" in "army bases")
        return found

    def place_in(self, token: Token) -> ActorMention | None:
        for tok in _phrase(token):
            if tok.i in self.places:
                return self.places[tok.i]
        return None

    def _antecedent(self, token: Token) -> ActorMention | None:
        word = token.lower_
        paragraph_start = text_of(token.doc).rfind("\n\n", 0, token.idx)
        wants_person = word in _PERSONAL
        for m in reversed(self.mentions):
            if m.start >= token.idx:
                continue
            if m.start < paragraph_start:
                break
            if not m.coded:
                continue
            is_person = m.entry is not None and m.entry.kind == "person"
            if wants_person == is_person and (wants_person or word in _NONPERSONAL or word in _GROUP_NOUNS):
                if word in _GROUP_NOUNS and m.entry is not None and m.entry.kind not in ("organization", "country"):
                    continue
                return m
        return None


def _phrase(head: Token) -> list[Token]:
    """The tokens of a noun phrase without the clauses inside it, nearest first."""
    out, stack = [], [head]
    while stack:
        tok = stack.pop(0)
        out.append(tok)
        stack += [c for c in tok.children if c.dep_ not in ("relcl", "acl", "ccomp", "advcl", "appos", "conj", "cc", "punct")]
    return out


def code_sentence_events(sent: Span, index: MentionIndex, lexicon: Lexicon) -> list[EventCandidate]:
    events: list[EventCandidate] = []
    consumed_nouns: set[int] = set()
    for token in sent:
        if token.pos_ == "VERB" and token.dep_ != "amod":
            events += _verb_events(token, index, lexicon, consumed_nouns)
    for token in sent:
        if token.pos_ in ("NOUN", "PROPN") and token.i not in consumed_nouns:
            trigger = noun_trigger(token, lexicon)
            if trigger is not None:
                events += _noun_events(token, trigger.code, trigger.target_preps, index, lexicon)
    events = filter_clauses(merge_complements(events, lexicon, index))
    return _drop_incomplete(_dedupe(events), lexicon)


def _needs_target(code: str) -> bool:
    """A bare statement needs an addressee, a meeting or visit a counterpart; expressing regret, laying a
    wreath or declining to comment do not."""
    return code == "010" or code[:2] == "04"


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


def noun_trigger(noun: Token, lexicon: Lexicon):
    """The lexicon entry for a noun, trying the two-word compound first ("hunger strike", "air strike")."""
    for child in noun.children:
        if child.dep_ == "compound" and child.i == noun.i - 1:
            found = lexicon.nouns.get(f"{child.lemma_.lower()} {noun.lemma_.lower()}")
            if found is not None:
                return found
    return lexicon.nouns.get(noun.lemma_.lower())


def _verb_events(verb: Token, index: MentionIndex, lexicon: Lexicon, consumed: set[int]) -> list[EventCandidate]:
    lemma = verb.lemma_.lower()
    children = list(verb.children)
    dobj = next((c for c in children if c.dep_ in ("dobj", "obj")), None) or _raised_object(verb)

    code, trigger_end, carried = None, verb.i + 1, None
    target_groups: list[list[Token]] = []
    if lemma in lexicon.light_verbs and dobj is not None:
        noun = noun_trigger(dobj, lexicon)
        if noun is not None:
            consumed.add(dobj.i)
            carried = dobj
            code = noun.code
            target_groups = [_prep_objects(dobj, noun.target_preps), _prep_objects(verb, noun.target_preps)]
    if code is None and lemma in lexicon.in_light_verbs:
        # "engaged Filipino peacekeepers in a firefight": the noun's act, toward the object
        for pobj in _prep_objects(verb, ("in", "into")):
            noun = noun_trigger(pobj, lexicon)
            if noun is not None:
                consumed.add(pobj.i)
                carried, code = pobj, noun.code
                target_groups = [[dobj] if dobj is not None else [], _prep_objects(pobj, noun.target_preps)]
                break
    if code is None:
        pattern = _match_pattern(verb, children, dobj, lexicon.verbs.get(lemma, ()))
        if pattern is None:
            return []
        code = pattern.code
        if pattern.object is not None and dobj is not None:
            consumed.add(dobj.i)  # "offered military support": the support is the offer's content, not an event
        particle = next((c for c in children if c.dep_ == "prt"), None)
        if pattern.particle and particle is not None:
            trigger_end = max(trigger_end, particle.i + 1)
        target_groups = _target_groups(verb, dobj, pattern)

    passive = any(c.dep_ in _PASSIVE_SUBJ or c.dep_ == "auxpass" for c in children)
    source_places = False
    if passive:
        source_heads = [g for c in children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
        target_groups = [[c for c in children if c.dep_ in _PASSIVE_SUBJ], *target_groups]
        if not source_heads and code[:2] in ("18", "19", "20"):
            # "a mortar bomb was fired at Israel from the Gaza Strip": fire comes from where its shooters are
            source_heads, source_places = _prep_objects(verb, ("from",)), True
    else:
        source_heads = [c for c in children if c.dep_ in _SUBJ] or _inherited_subject(verb) or _misparsed_subject(verb, index)

    events = _pair_events(verb, trigger_end, code, source_heads, target_groups, index, lexicon, verb, source_places)
    for e in events:
        e.noun = carried
    return events


def _match_pattern(verb: Token, children: list[Token], dobj: Token | None, patterns) -> VerbPattern | None:
    # "pulled its troops back": the parser often makes the particle an adverb
    particles = {c.lower_ for c in children if c.dep_ == "prt" or (c.dep_ == "advmod" and c.lower_ in _PARTICLES)}
    # a preposition counts when it governs something other than a date ("fired on Tuesday" is no "fire on")
    preps = {c.lower_ for c in children if c.dep_ in ("prep", "agent") and any(g.ent_type_ not in _TIME_ENTS for g in c.children)}
    for p in patterns:
        if p.particle and p.particle not in particles:
            continue
        if p.prep and p.prep not in preps:
            continue
        if p.object is not None and (dobj is None or not ({dobj.lemma_.lower()} | {a.lemma_.lower() for a in dobj.children if a.dep_ == "appos"}) & p.object):
            continue
        if p.xcomp is not None and not any(c.lemma_.lower() in p.xcomp for c in infinitive_clauses(verb)):
            continue
        return p
    return None


def _target_groups(verb: Token, dobj: Token | None, pattern: VerbPattern) -> list[list[Token]]:
    """Where the target may be, most likely first; the first group that names an actor wins."""
    if pattern.target == "none":
        return []
    if pattern.prep:
        return [_prep_objects(verb, (pattern.prep,))]
    groups: list[list[Token]] = []
    if dobj is not None and pattern.target == "dobj" and pattern.object is None:
        groups.append([dobj])
    if dobj is not None:
        groups.append(_prep_objects(dobj, (*DEFAULT_TARGET_PREPS, "of")))
    groups.append(_prep_objects(verb, _FALLBACK_PREPS))
    if dobj is not None and (pattern.object is not None or pattern.xcomp is not None):
        groups.append([dobj])  # "summoned the US ambassador", "expelled Russian diplomats"
    # "threatened to bury the YPG", "is due to travel to Erbil": the target of the dependent verb
    for xcomp in (c for c in verb.children if c.dep_ == "xcomp"):
        groups.append([c for c in xcomp.children if c.dep_ in ("dobj", "obj")] + _prep_objects(xcomp, DEFAULT_TARGET_PREPS))
    # "discussed the crisis in a telephone call with X"
    groups.append([g for p in _prep_objects(verb, ("in", "during", "at", "by")) for g in _prep_objects(p, ("with", "to", "between"))])
    return [g for g in groups if g]


def _prep_objects(head: Token, preps: tuple[str, ...]) -> list[Token]:
    """Objects of the given prepositions under `head` (or under its particle: "strike back at X")."""
    out = []
    holders = [head, *(c for c in head.children if c.dep_ in ("prt", "advmod"))]
    for prep in preps:
        for child in (c for h in holders for c in h.children):
            if child.dep_ in ("prep", "agent", "dative") and child.lower_ == prep:
                for g in child.children:
                    if g.dep_ != "pobj":
                        continue
                    if g.ent_type_ not in _TIME_ENTS:
                        out.append(g)
                    else:
                        # "met with Syrian President Bashar Assad Tuesday": the date swallowed the name
                        out += [c for c in g.children if c.dep_ == "compound" and c.ent_type_ not in _TIME_ENTS][-1:]
    return out


def _raised_object(verb: Token) -> Token | None:
    """"allowed IAEA inspectors to visit": the subject of a "to"-clause is the verb's object."""
    for c in verb.children:
        if c.dep_ == "ccomp" and has_to(c):
            subj = next((s for s in c.children if s.dep_ in ("nsubj", "nsubjpass")), None)
            if subj is not None and subj.i < c.i:
                return subj
    return None


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
        elif current.dep_ == "relcl":
            return [current.head]
        elif current.dep_ == "acl":
            return []
        else:
            break
    return []


def _noun_events(noun: Token, code: str, target_preps, index: MentionIndex, lexicon: Lexicon) -> list[EventCandidate]:
    source_heads = [c for c in noun.children if c.dep_ in ("amod", "compound", "poss", "nmod")]
    source_heads += [g for c in noun.children if c.dep_ in ("prep", "agent") and c.lower_ == "by" for g in c.children if g.dep_ == "pobj"]
    target_groups = [_prep_objects(noun, tuple(target_preps))]
    sources = [m for m in (index.for_argument(h) for h in source_heads) if m is not None]
    if not sources:
        return []  # an event noun with nobody doing it ("the fight against terror") is not coded
    clause = governing_verb(noun)
    return _pair_events(noun, noun.i + 1, code, source_heads, target_groups, index, lexicon, clause)


def governing_verb(token: Token) -> Token:
    """The token itself if it is a verb, else the nearest verb above it (or the sentence root)."""
    current = token
    while current.head.i != current.i and current.pos_ not in ("VERB", "AUX"):
        current = current.head
    return current


def _expand(heads: list[Token]) -> list[Token]:
    """The heads and their conjuncts; a list "A, B, and C" that the parser read as A plus an apposition
    "B, and C" counts as three conjuncts."""
    out: list[Token] = []
    for head in heads:
        for tok in (head, *head.conjuncts):
            if tok not in out:
                out.append(tok)
            for appos in tok.children:
                if appos.dep_ == "appos" and appos.conjuncts and any(c.dep_ == "cc" for c in appos.conjuncts[0].head.children):
                    out += [t for t in (appos, *appos.conjuncts) if t not in out]
    return out


_RECIPROCAL_ROOTS = {"03", "04", "05", "06"}
# symmetric acts outside those roots: a truce, a clash or an exchange of fire has both sides as actors
_RECIPROCAL_CODES = {"0871", "190", "193"}


def _reciprocal(code: str) -> bool:
    return code[:2] in _RECIPROCAL_ROOTS or code in _RECIPROCAL_CODES


def _pair_events(trigger, trigger_end, code, source_heads, target_groups, index, lexicon, clause, source_places=False) -> list[EventCandidate]:
    sources = _resolve_all(_expand(source_heads), index, source_places)
    targets: list[ActorMention] = []
    used: list[Token] = []
    # Actors anywhere in the target phrases first; a place standing for its country only when none is named.
    for allow_place in (False, True):
        for group in target_groups:
            targets = [t for t in _resolve_all(_expand(group), index, allow_place) if not any(_same_actor(t, s) for s in sources)]
            if targets:
                used = group
                break
        if targets:
            break
    if not targets and code[:2] in _PLACE_TARGET_ROOTS and not (len(sources) > 1 and _reciprocal(code)):
        # a material act on an unnamed object somewhere ("struck an airport in Tripoli", "lifted the curfew in
        # Montenegro"): the place's country is the target, as in CAMEO dictionaries' city entries
        objects = [c for c in trigger.children if c.dep_ in ("dobj", "obj", "nsubjpass")]
        # where a yield or aid happens is its target only through its object ("the curfew in Montenegro"),
        # not through the act ("surrendered in Soroti" is no surrender to Uganda)
        holders = objects if code[:2] in ("07", "08") else [trigger, *objects]
        around = [] if code[:2] in ("07", "08") else [c for c in trigger.children if c.dep_ in ("advmod", "npadvmod")]
        for head in (*(o for h in holders for o in _prep_objects(h, _LOCATIVE_PREPS)), *around):
            place = index.place_in(head)
            if place is not None and not any(_same_actor(place, s) for s in sources):
                targets, used = [place], [head]
                break
    if not targets and code[:2] == "14":
        # a protest that names no addressee is aimed at the protesters' own government (CAMEO practice)
        home = next((mention_country(_situate(s, trigger, None, None, index, as_target=False, code=code)) for s in sources), None)
        if home is not None:
            targets = [index.government_of(home, trigger)]
    if not sources and not targets:
        return []
    modality, attributed = modality_of(trigger, lexicon, index)
    pairs = [(s, t) for s in sources or [None] for t in targets or [None]]
    if not targets and len(sources) > 1 and _reciprocal(code):
        # "Saudi Arabia and Egypt signed agreements": each party acts toward the other
        pairs = [(s, t) for s in sources for t in sources if s is not t]
    out = []
    for source, target in pairs:
        source = _situate(source, trigger, target, attributed, index, as_target=False, code=code)
        target = _situate(target, trigger, source, attributed, index, as_target=True, code=code)
        if source is not None and target is not None and _same_actor(source, target):
            continue
        if not _named(source) and not _named(target):
            continue  # "people were killed", "protesters clashed with police": nobody named
        out.append(EventCandidate(trigger, trigger_end, code, source, target, modality, attributed, clause, list(used)))
        if len(out) >= _MAX_PAIRS * (2 if len(sources) > 2 else 1):
            break
    return out


_STATE_SECTORS = {"GOV", "MIL", "COP", "JUD", "LEG", "SPY"}


def _named(m: ActorMention | None) -> bool:
    return m is not None and not _is_bare(m)


def _is_bare(m: ActorMention | None) -> bool:
    return m is not None and m.entry is not None and m.entry.kind == "agent"


def mention_country(m: ActorMention | None) -> str | None:
    if m is None or m.entry is None:
        return None
    if m.entry.kind == "person":
        role = m.entry.role_on(None)
        return role.country if role else None
    return m.entry.country


def _situate(m, trigger: Token, other, attributed, index: MentionIndex, as_target: bool, code: str = ""):
    """A bare agent ("civilians", "the army") given the country its context names: a place in its own
    phrase ("protesters in Yangon"); for a target, the place where the event happens ("massacred civilians
    in Bucha") or else the state acting on it ("Belarusian authorities banned the opposition party"); for a
    state agent doing the act, the country of the one who reports it ("Israeli media said the army...")."""
    if not _is_bare(m):
        return m
    head = trigger.doc[m.tok_end - 1]
    place = index.place_in(head)
    if place is None and (as_target or code[:2] == "14"):
        place = _event_place(trigger, index)  # "civilians were killed in Bucha", "protesters marched through Hong Kong"
    if place is not None and place.entry is not None:
        return index.composite(place.entry.id, m)
    if as_target and other is not None and not _is_bare(other):
        country = mention_country(other)
        state = other.entry is not None and (other.entry.kind == "country" or (other.sector or "") in _STATE_SECTORS or other.entry.kind == "person")
        if country and state:
            return index.composite(country, m)
    if not as_target and (m.entry.sector or "") in _STATE_SECTORS and mention_country(attributed):
        return index.composite(mention_country(attributed), m)
    return m


def _event_place(trigger: Token, index: MentionIndex) -> ActorMention | None:
    holders = [trigger, governing_verb(trigger)]
    holders += [c for h in holders for c in h.children if c.dep_ in ("dobj", "obj", "nsubjpass")]
    for h in holders:
        for obj in _prep_objects(h, _LOCATIVE_PREPS):
            place = index.place_in(obj)
            if place is not None:
                return place
    return None


def _resolve_all(heads: list[Token], index: MentionIndex, allow_place: bool = False) -> list[ActorMention]:
    out: list[ActorMention] = []
    for head in heads:
        mention = index.for_argument(head, allow_place)
        if mention is not None and mention not in out:
            out.append(mention)
            out += [m for m in _coordinated_qualifiers(head, mention, index) if m not in out]
    return out


def _coordinated_qualifiers(head: Token, mention: ActorMention, index: MentionIndex) -> list[ActorMention]:
    """"Indian and Chinese soldiers": the agent of each coordinated country adjective."""
    if mention.form != "composite" or mention.sector is None:
        return []
    out = []
    for child in head.children:
        if child.dep_ not in ("amod", "compound", "nmod"):
            continue
        for conj in child.conjuncts:
            other = index.at(conj)
            if other is not None and other is not mention and other.entry is not None and other.entry.kind == "country":
                out.append(index.with_sector(other, mention.sector))
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
