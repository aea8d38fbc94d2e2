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

from newsevents.actors.resolve import ActorMention, by_token_index
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


class MentionIndex:
    """Actor mentions (and places, which stand for their country as a target) of one document, by token."""

    def __init__(self, mentions: list[ActorMention], places: list[ActorMention] = ()) -> None:
        self.mentions = mentions
        self.by_token = by_token_index(mentions)
        self.places = by_token_index(list(places))

    def at(self, token: Token) -> ActorMention | None:
        return self.by_token.get(token.i)

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
        for _ in range(2):
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
        return self.place_in(token) if allow_place else None

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
    return _drop_incomplete(_dedupe(events), lexicon)


_NEEDS_TARGET = {"01", "04"}  # a statement needs an addressee, a meeting or visit a counterpart


def _drop_incomplete(events: list[EventCandidate], lexicon: Lexicon) -> list[EventCandidate]:
    """Drop events that are not interactions; for "X told Y that Z attacked W", keep the attack (reported by X)."""
    out = []
    for e in events:
        if e.code[:2] in _NEEDS_TARGET and e.target is None:
            continue
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
    dobj = next((c for c in children if c.dep_ in ("dobj", "obj")), None)

    code, trigger_end = None, verb.i + 1
    target_groups: list[list[Token]] = []
    if lemma in lexicon.light_verbs and dobj is not None:
        noun = noun_trigger(dobj, lexicon)
        if noun is not None:
            consumed.add(dobj.i)
            code = noun.code
            target_groups = [_prep_objects(dobj, noun.target_preps), _prep_objects(verb, noun.target_preps)]
    if code is None:
        pattern = _match_pattern(verb, children, dobj, lexicon.verbs.get(lemma, ()))
        if pattern is None:
            return []
        code = pattern.code
        particle = next((c for c in children if c.dep_ == "prt"), None)
        if pattern.particle and particle is not None:
            trigger_end = max(trigger_end, particle.i + 1)
        target_groups = _target_groups(verb, dobj, pattern)

    passive = any(c.dep_ in _PASSIVE_SUBJ or c.dep_ == "auxpass" for c in children)
    if passive:
        source_heads = [g for c in children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
        target_groups = [[c for c in children if c.dep_ in _PASSIVE_SUBJ], *target_groups]
    else:
        source_heads = [c for c in children if c.dep_ in _SUBJ] or _inherited_subject(verb)

    return _pair_events(verb, trigger_end, code, source_heads, target_groups, index, lexicon, verb)


def _match_pattern(verb: Token, children: list[Token], dobj: Token | None, patterns) -> VerbPattern | None:
    particles = {c.lower_ for c in children if c.dep_ == "prt"}
    preps = {c.lower_ for c in children if c.dep_ in ("prep", "agent")}
    for p in patterns:
        if p.particle and p.particle not in particles:
            continue
        if p.prep and p.prep not in preps:
            continue
        if p.object is not None and (dobj is None or dobj.lemma_.lower() not in p.object):
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
                out += [g for g in child.children if g.dep_ == "pobj" and g.ent_type_ not in _TIME_ENTS]
    return out


def _inherited_subject(verb: Token) -> list[Token]:
    """The subject a dependent verb shares with its governor (xcomp, conj) or the noun a relative clause modifies."""
    current = verb
    for _ in range(4):
        if current.dep_ in ("xcomp", "conj", "advcl", "acomp") and current.head.i != current.i:
            head = current.head
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
    out: list[Token] = []
    for head in heads:
        for tok in (head, *head.conjuncts):
            if tok not in out:
                out.append(tok)
    return out


_RECIPROCAL_ROOTS = {"03", "04", "05", "06"}


def _pair_events(trigger, trigger_end, code, source_heads, target_groups, index, lexicon, clause) -> list[EventCandidate]:
    sources = _resolve_all(_expand(source_heads), index)
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
    if not targets and code[:2] >= "14":
        # material conflict against an unnamed object somewhere ("struck an airport in Tripoli"): the
        # place's country is the target, as in CAMEO dictionaries' city entries; only a place counts here
        for head in (*_prep_objects(trigger, _LOCATIVE_PREPS), *(c for c in trigger.children if c.dep_ in ("advmod", "npadvmod"))):
            place = index.place_in(head)
            if place is not None and not any(_same_actor(place, s) for s in sources):
                targets, used = [place], [head]
                break
    if not sources and not targets:
        return []
    modality, attributed = modality_of(trigger, lexicon, index)
    pairs = [(s, t) for s in sources or [None] for t in targets or [None]]
    if not targets and len(sources) > 1 and code[:2] in _RECIPROCAL_ROOTS:
        # "Saudi Arabia and Egypt signed agreements": each party acts toward the other
        pairs = [(s, t) for s in sources for t in sources if s is not t]
    out = []
    for source, target in pairs:
        if source is not None and target is not None and _same_actor(source, target):
            continue
        out.append(EventCandidate(trigger, trigger_end, code, source, target, modality, attributed, clause, list(used)))
        if len(out) >= _MAX_PAIRS:
            break
    return out


def _resolve_all(heads: list[Token], index: MentionIndex, allow_place: bool = False) -> list[ActorMention]:
    out: list[ActorMention] = []
    for head in heads:
        mention = index.for_argument(head, allow_place)
        if mention is not None and mention not in out:
            out.append(mention)
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
