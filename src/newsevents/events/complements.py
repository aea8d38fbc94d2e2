"""Events told inside other events: the act an appeal, promise, demand, refusal, threat or order is about.

CAMEO codes "urged Iran to free the rapper" as one appeal for a release (0253), not as an appeal plus a
release; "threatened to impose tariffs on Mexico" as a threat of sanctions toward Mexico (1312);
"refused to hand over the tanker" as a refusal to release (1243). The coder first codes every trigger
on its own; this module then folds each act told in the complement of such a verb (its "to"-clause,
its "that"-clause or its object noun) into the verb's event: the code is refined through
`complement_codes` in the trigger file, a missing target comes from the inner act (for appeals and
demands, the one asked to act), and the inner act is dropped. Promises of hostile acts ("vowed to
crush the rebels") keep the act, as intended, and drop the promise. Orders to one's own forces
("ordered the army to advance on Mekelle") are coded as the ordered act, intended, on the forces.

A speech act named by an object noun ("rejected an Egyptian proposal", "welcomed the US offer") is the
topic of the verb, not a second event: its speaker becomes the verb's target when it has none.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from spacy.tokens import Token

from newsevents.actors.resolve import mention_country
from newsevents.events.lexicon import Lexicon

if TYPE_CHECKING:
    from newsevents.events.coder import EventCandidate, MentionIndex

FAMILIES = ("02", "03", "10", "12", "13")
_GENERIC = {"020", "030", "100", "120", "130"}
_COOPERATIVE = {"04", "05", "06", "07", "08"}
_HOSTILE = {"14", "15", "16", "17", "18", "19", "20"}
_SPEECH_ACT_ROOTS = {"01", "02", "03", "10", "11", "12", "13"}  # nouns that name what someone said or asked
_PATH = {"xcomp", "conj", "dobj", "obj", "pobj", "prep", "compound", "amod", "nmod", "npadvmod", "dative", "attr", "oprd", "acomp", "advcl"}
_NOUN_PREPS = {"for", "to", "on", "upon", "against", "as"}


def family(code: str) -> str | None:
    root = code[:2]
    return root if root in FAMILIES else None


def has_to(verb: Token) -> bool:
    return any(a.dep_ == "aux" and a.lower_ == "to" for a in verb.children)


def infinitive_clauses(verb: Token) -> list[Token]:
    """The "to"-clauses of a verb: its xcomp, a ccomp in "to" ("allowed inspectors to visit", parsed with
    the inspectors as the clause's subject), or a "to"-clause the parser hung on the object."""
    out = [c for c in verb.children if c.dep_ == "xcomp" or (c.dep_ == "ccomp" and has_to(c))]
    for obj in (c for c in verb.children if c.dep_ in ("dobj", "obj")):
        out += [c for c in obj.children if c.dep_ in ("relcl", "acl") and has_to(c)]
    return out


def _complement_heads(e: "EventCandidate") -> list[Token]:
    if e.trigger.pos_ in ("NOUN", "PROPN"):
        # "its demand that Israel ease restrictions", "a call for Russia to withdraw"
        return [c for c in e.trigger.children if c.dep_ in ("acl", "ccomp", "relcl")
                and any((a.dep_ == "mark" and a.lower_ == "that") or (a.dep_ == "aux" and a.lower_ == "to") for a in c.children)]
    heads = [c for c in e.trigger.children if c.dep_ in ("xcomp", "ccomp")]
    heads += [c for c in infinitive_clauses(e.trigger) if c not in heads]
    if e.noun is not None:  # "gave Egypt's politicians an ultimatum to resolve the crisis"
        heads += [c for c in e.noun.children if c.dep_ in ("acl", "relcl") and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)]
    return heads


def _told_in(inner: "EventCandidate", head: Token) -> bool:
    """Whether the inner event's trigger is the clause `head` or hangs under it without a clause boundary."""
    tok = inner.trigger
    for _ in range(10):
        if tok.i == head.i:
            return True
        if tok.head.i == tok.i or tok.dep_ not in _PATH:
            return False
        if tok.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ not in ("to",) for m in tok.children):
            return False  # "..., if Iran attacks": a condition, not the content
        tok = tok.head
    return False


def _object_nouns(e: "EventCandidate") -> list[Token]:
    """The nouns an event is about: its direct object and the objects of "for"/"to"/"on" phrases."""
    holders = [e.trigger] + ([e.noun] if e.noun is not None else [])
    out = []
    for h in holders:
        for c in h.children:
            if c.dep_ in ("dobj", "obj") and c is not e.noun:
                out.append(c)
                out += list(c.conjuncts)
            elif c.dep_ == "prep" and c.lower_ in _NOUN_PREPS:
                for g in c.children:
                    if g.dep_ == "pobj":
                        out.append(g)
                        out += list(g.conjuncts)
    return out


def _same(a, b) -> bool:
    return a is not None and b is not None and (a is b or (a.entry is b.entry and a.sector == b.sector))


def _depth(tok: Token) -> int:
    d = 0
    while tok.head.i != tok.i and d < 50:
        tok, d = tok.head, d + 1
    return d


def _content(lexicon: Lexicon, code: str) -> str:
    """The act an event is about: itself, or for an appeal, intent, demand or refusal the act it refines
    to ("039", the intent to mediate, is about "045")."""
    if family(code) is None:
        return code
    for inner, codes in _content_index(lexicon).items():
        if code in codes:
            return inner
    return code


def merge_complements(events: list["EventCandidate"], lexicon: Lexicon, index: "MentionIndex") -> list["EventCandidate"]:
    """Fold the acts told inside appeals, intents, demands, refusals, threats and orders into them; the
    deepest verbs first, so that "said the US must be ready to mediate" reads "ready to mediate" (039)
    before the demand (108)."""
    if not events:
        return events
    current = list(events)
    triggers = sorted({e.trigger.i: e.trigger for e in events}.values(), key=lambda t: (-_depth(t), t.i))
    for trigger in triggers:
        group = [e for e in current if e.trigger.i == trigger.i]
        if not group:
            continue
        result = _merge_group(group, [e for e in current if e.trigger.i != trigger.i], lexicon, index)
        if result is None:
            continue
        new_group, removed = result
        removed_ids = {id(x) for x in removed} | {id(x) for x in group}
        current = [e for e in current if id(e) not in removed_ids] + new_group
    order = {id(e): n for n, e in enumerate(events)}
    current.sort(key=lambda e: (e.trigger.i, order.get(id(e), 10**6)))
    seen = set()
    out = []
    for r in current:
        key = (r.trigger.i, r.code, id(r.source.entry) if r.source and r.source.entry else None, r.source and r.source.sector,
               id(r.target.entry) if r.target and r.target.entry else None, r.target and r.target.sector)
        if key not in seen:
            seen.add(key)
            out.append(r)
    return _conditional_threats(out, lexicon, index)


def _merge_group(group, others, lexicon: Lexicon, index: "MentionIndex"):
    """The events of one trigger after folding in what they are about, and the other events they absorb;
    None when nothing changes."""
    first = group[0]
    lemma = first.trigger.lemma_.lower()
    heads = _complement_heads(first) if first.trigger.pos_ in ("VERB", "AUX", "ADJ", "NOUN", "PROPN") or first.noun is not None else []
    inner = [c for c in others if any(_told_in(c, h) for h in heads)]
    all_inner = list(inner)
    if inner:
        # only the acts nearest the verb: "willing to send material to help defend Saudi Arabia" is the sending
        top = min(_depth(c.trigger) for c in inner)
        inner = [c for c in inner if _depth(c.trigger) == top or any(c.trigger.i == x.i for h in heads for x in (h, *h.conjuncts))]
    nouns = {t.i for t in _object_nouns(first)}
    topics = [c for c in others if c.trigger.i in nouns and c.trigger.pos_ in ("NOUN", "PROPN", "ADJ")]
    deontic = _deontic_family(first, heads, lexicon)
    if not inner and not topics and not deontic and family(first.code) is None and not (first.code[:2] == "08" and first.target is None):
        return None
    removed: list = []
    new_group: list = []
    also: dict[int, list] = {}  # a first addressee -> the others coordinated with it
    for e in group:
        e = replace(e)
        fam = deontic or family(e.code)
        if deontic and family(e.code) is None:
            e.code = "100" if deontic == "10" else "020"
        speech_topics = [c for c in topics if c.code[:2] in _SPEECH_ACT_ROOTS]
        if e.code[:2] == "01" and speech_topics:
            # "reiterated its demand that Israel ease...": the demand is the act, and the verb's clause its content
            c = speech_topics[0]
            removed += speech_topics
            e = replace(c, source=c.source or e.source, target=c.target or e.target, modality=e.modality,
                        attributed_to=e.attributed_to, clause=e.clause)
            fam = family(e.code)
            topics = []
        # a speech act named by the object noun: its speaker is the target, it is not coded again
        for c in topics:
            if c.code[:2] in _SPEECH_ACT_ROOTS:
                removed.append(c)
                if e.target is None and c.source is not None and not _same(c.source, e.source):
                    e.target = c.source
                    e.target_tokens = [c.trigger]
                if fam is not None and e.code in _GENERIC:
                    refined = _refine_by_speech_act(lexicon, fam, c.code)
                    if refined:
                        e.code = refined
        if e.code[:2] in ("12", "08") and e.target is None:
            e.target = _author_of_object(e, lexicon, index)
        if lemma in lexicon.command_verbs and fam in (None, "10") and inner:
            ordered = _merge_order(e, inner, index)
            if ordered:
                removed += inner
                new_group += ordered
                continue
        if lemma in lexicon.participation_verbs and inner and not any(c.dep_ in ("dobj", "obj") for c in e.trigger.children):
            continue  # "helped to plan and carry out killings": the killings
        if fam is None:
            new_group.append(e)
            continue
        acts = inner + [c for c in topics if c.code[:2] not in _SPEECH_ACT_ROOTS and fam in ("02", "10")]
        if fam in ("02", "10") and e.target is None:
            addressed = _addressees(e, lexicon, index)
            if addressed:
                e.target = addressed[0]
                also[id(e.target)] = addressed[1:]
        if fam == "13" and e.target is None:
            e.target = _condition_subject(e, index)
        if not acts:
            # "called for a ceasefire", "its call for the release of hostages": the act named by a noun; a
            # two-word name is more specific than the verb's own pattern ("offered military support": 0332)
            named, specific, noun = _named_act(e, lexicon)
            if named is not None and (e.code in _GENERIC or specific):
                e.code = (lexicon.refine(fam, named) if fam != "13" or named[:2] in _HOSTILE else None) or e.code
                if e.target is None and fam == "03":
                    # "agreed to talks with Hamas", "agreed to mediation by Egypt": the other side of the act named
                    e.target = _counterpart(noun, e, index)
            new_group.append(e)
            continue
        contents = {id(c): _content(lexicon, c.code) for c in acts}
        if fam == "03" and not any(contents[id(c)][:2] in _COOPERATIVE for c in acts):
            # "vowed to crush the rebels": a promise of a hostile act is that act, intended
            if not all(contents[id(c)][:2] in _HOSTILE for c in acts):
                new_group.append(e)
            continue
        derived = e.target is not None and any(h.left_edge.i <= e.target.tok_start <= h.right_edge.i for h in heads)
        for c in acts:
            content = contents[id(c)]
            usable = content[:2] in _HOSTILE if fam == "13" else content[:2] in _COOPERATIVE
            code = e.code
            if usable and e.code in _GENERIC:
                code = lexicon.refine(fam, content) or e.code
            if fam in ("02", "10"):
                target = e.target or (c.source if not _same(c.source, e.source) else None) or c.target
            elif fam == "13" and c.source is not None and e.source is not None and mention_country(c.source) != mention_country(e.source) \
                    and c.trigger.pos_ in ("NOUN", "PROPN"):
                # "warned that it would respond to any Indian strike": a threat against whoever would strike,
                # whose strike stays coded as hypothetical
                target = e.target or c.source
                new_group.append(replace(e, code=code, target=target, target_tokens=[c.trigger]))
                continue
            elif derived:
                # (a target the inner act only implies, "hold a strike": their own government, gives way to a
                # named one: "threatened to strike unless Israel rescinded the annexation")
                target = (c.target if c.target is not None and c.target.form != "implicit" else None) or e.target or c.target
            else:
                target = e.target or c.target
            if _same(target, e.source):
                target = None
            new_group.append(replace(e, code=code, target=target, target_tokens=e.target_tokens or c.target_tokens))
            removed.append(c)
        # what else the complement tells is its content too ("threatened to launch an offensive in its war with
        # Iraq": the war is not a second threat)
        removed += [c for c in all_inner if c not in acts]
    # "said the government and the rebels must reach an agreement": a demand of each
    new_group += [replace(x, target=other) for x in list(new_group) if x.target is not None for other in also.get(id(x.target), ())]
    return new_group, removed


_MUST = {"must", "have", "has", "need", "needs"}
_SHOULD = {"should", "ought"}


def _deontic_family(e: "EventCandidate", heads: list[Token], lexicon: Lexicon) -> str | None:
    """"said that Sudan must return the helicopter": a statement that someone must act is a demand (10);
    that someone should act, an appeal (02)."""
    if e.trigger.lemma_.lower() not in lexicon.reporting_verbs or family(e.code) is not None:
        return None
    for h in heads:
        if h.dep_ != "ccomp" or not any(c.dep_ in ("nsubj", "nsubjpass") for c in h.children):
            continue
        for aux in h.children:
            if aux.dep_ != "aux":
                continue
            if aux.lower_ == "must":
                return "10"
            if aux.lower_ in _SHOULD:
                return "02"
        # "must be ready to mediate", "has to withdraw": the modal sits on the governing "be"/"have"
        if h.lemma_.lower() in ("have", "need") and any(c.dep_ == "xcomp" for c in h.children):
            return "10"
    return None


def _condition(e: "EventCandidate") -> Token | None:
    """The "if"/"unless" clause that conditions an event's clause, if any."""
    for holder in (e.trigger, e.clause, *[c for c in e.trigger.children if c.dep_ == "xcomp"]):
        for c in holder.children:
            if c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in ("if", "unless") for m in c.children):
                return c
    return None


def _condition_subject(e: "EventCandidate", index: "MentionIndex"):
    """"threatened to stop negotiations if the United States goes ahead": the one whose act is the condition."""
    cond = _condition(e)
    if cond is None:
        return None
    for s in cond.children:
        if s.dep_ in ("nsubj", "nsubjpass"):
            found = index.for_argument(s)
            if found is not None and not _same(found, e.source):
                return found
    return None


def _conditional_threats(events: list["EventCandidate"], lexicon: Lexicon, index: "MentionIndex") -> list["EventCandidate"]:
    """"Nigeria will withdraw its force from Chad unless Oueddei arranges a ceasefire": an announced act held
    out on a condition is a threat (13x) toward the one the condition is about, and it is asserted."""
    out = []
    for e in events:
        if e.modality != "intended" or e.source is None or family(e.code) is not None:
            out.append(e)
            continue
        cond = _condition(e)
        if cond is None:
            out.append(e)
            continue
        unless = any(m.lower_ == "unless" for m in cond.children if m.dep_ == "mark")
        if not unless and e.code[:2] not in _HOSTILE:
            out.append(e)
            continue
        code = lexicon.refine("13", e.code) if e.code[:2] in _HOSTILE else None
        if code is None:
            code = "136" if e.code[:3] in ("087", "086") or e.code == "0874" else "130"
        target = e.target or _condition_subject(e, index)
        out.append(replace(e, code=code, target=target, modality="asserted"))
    return out


def _author_of_object(e: "EventCandidate", lexicon: Lexicon, index: "MentionIndex"):
    """"dismissed an appeal from President Gbagbo", "accepted demands from Shona rebels": whoever made the
    appeal or demand the verb answers."""
    from newsevents.events.coder import _situate

    for obj in (c for c in e.trigger.children if c.dep_ in ("dobj", "obj")):
        found = lexicon.nouns.get(obj.lemma_.lower())
        if found is None or found.code[:2] not in _SPEECH_ACT_ROOTS:
            continue
        heads = [c for c in obj.children if c.dep_ in ("poss", "compound", "amod", "nmod")]
        heads += [g for c in obj.children if c.dep_ == "prep" and c.lower_ in ("from", "by", "of") for g in c.children if g.dep_ == "pobj"]
        for h in heads:
            author = index.for_argument(h)
            if author is not None and not _same(author, e.source):
                return _situate(author, e.trigger, e.source, e.attributed_to, index, as_target=True, code=e.code)
    return None


def _counterpart(noun: Token, e: "EventCandidate", index: "MentionIndex"):
    """The other side named on an act noun ("talks with Hamas", "mediation by Egypt"), not the doer itself."""
    from newsevents.events.coder import _prep_objects

    for o in _prep_objects(noun, ("with", "between", "to", "by")):
        found = index.for_argument(o)
        if found is not None and found.coded and not _same(found, e.source):
            return found
    return None


def _named_act(e: "EventCandidate", lexicon: Lexicon) -> tuple[str | None, bool, Token | None]:
    """The code of a trigger noun an appeal, demand, offer or refusal is for ("called for a ceasefire"),
    whether a two-word name gave it ("military aid"), and the noun."""
    from newsevents.events.coder import noun_trigger

    holders = [e.trigger] + ([e.noun] if e.noun is not None else [])
    for h in holders:
        for c in h.children:
            if c.dep_ in ("dobj", "obj") or (c.dep_ == "prep" and c.lower_ in ("for", "to")):
                nouns = [c] if c.dep_ in ("dobj", "obj") else [g for g in c.children if g.dep_ == "pobj"]
                for n in nouns:
                    if n is e.noun:
                        continue
                    found = noun_trigger(n, lexicon)  # "called for military aid": the compound first
                    if found is not None and family(found.code) is None:
                        return found.code, found is not lexicon.nouns.get(n.lemma_.lower()), n
    return None, False, None


def _refine_by_speech_act(lexicon: Lexicon, fam: str, noun_code: str) -> str | None:
    """"rejected an invitation" (036, the intent to meet) -> 125: the noun's own refinement, carried over."""
    for inner, by_family in _content_index(lexicon).items():
        if noun_code in by_family:
            return lexicon.refine(fam, inner)
    return None


_CONTENT_CACHE: dict[int, dict[str, set[str]]] = {}


def _content_index(lexicon: Lexicon) -> dict[str, set[str]]:
    """Inner-act prefix -> the codes that refine to it in any family (for reading a speech-act noun's code)."""
    key = id(lexicon)
    if key not in _CONTENT_CACHE:
        index: dict[str, set[str]] = {}
        for fam, table in (lexicon.complement_codes or {}).items():
            for inner, code in table.items():
                index.setdefault(inner, set()).add(code)
        _CONTENT_CACHE[key] = index
    return _CONTENT_CACHE[key]


def _merge_order(e, inner, index) -> list:
    """"ordered the army to advance": the advance, intended, by the army (of the orderer's country).
    An order to someone else ("ordered Hamas to release the hostages") is left to be read as a demand."""
    out = []
    told = [index.at(c) for c in e.trigger.children if c.dep_ in ("dobj", "obj")]
    told_agent = told[0] if told and told[0] is not None and told[0].entry is not None and told[0].entry.kind == "agent" else None
    for c in inner:
        source = c.source
        if told_agent is not None and (source is None or source.form == "composite" and source.tok_start == told_agent.tok_start):
            source = told_agent  # "ordered troops to withdraw": the troops, of the orderer's country
        if source is not None and mention_country(source) is not None and mention_country(source) != mention_country(e.source):
            return []
        if source is not None and source.entry is not None and source.entry.kind == "agent" and mention_country(e.source):
            source = index.composite(mention_country(e.source), source)
        modality = "intended" if c.modality in ("asserted", "reported") else c.modality
        out.append(replace(c, source=source or e.source, modality=modality))
    return out


def _addressees(e: "EventCandidate", lexicon: Lexicon, index: "MentionIndex") -> list:
    """Whom a demand or appeal is made of when it names no object: the subject of the demanded clause
    ("demanded that Hamas renounce violence"; every one of "the government and the rebels must"), whom what
    is asked for is asked from, or the other side of the cooperation asked for ("called for talks with Kyiv")."""
    from newsevents.events.coder import _expand, _is_bare, _resolve_all, _situate, noun_trigger

    candidates = [s for c in e.trigger.children if c.dep_ == "ccomp" for s in c.children if s.dep_ in ("nsubj", "nsubjpass")]
    # "asked for military aid from Germany", "sought support from Turkey": whom it is asked from
    asked = [c for c in e.trigger.children if c.dep_ in ("dobj", "obj")]
    asked += [g for c in e.trigger.children if c.dep_ == "prep" and c.lower_ == "for" for g in c.children if g.dep_ == "pobj"]
    # "called for the withdrawal of Russian troops", "urged the release of hostages by Hamas": whoever would do
    # the act asked for is asked (what troops withdraw from is only where)
    acts = {a.i: found for a in asked if (found := noun_trigger(a, lexicon)) is not None}
    candidates += [g for a in asked if a.i in acts for p in a.children if p.dep_ == "prep"
                   and (p.lower_ == "by" or (p.lower_ == "of" and acts[a.i].of_is_source)) for g in p.children if g.dep_ == "pobj"]
    candidates += [g for a in asked if not (a.i in acts and acts[a.i].of_is_source)
                   for p in a.children if p.dep_ == "prep" and p.lower_ == "from" for g in p.children if g.dep_ == "pobj"]
    # "urged dialogue with the rebels", "demanded negotiations with Kyiv": a meeting or cooperation asked for
    # is asked of both its sides (a call for sanctions against X is not addressed to X: not taken)
    cooperation = [a for a in asked if (found := noun_trigger(a, lexicon)) is not None and found.code[:2] in _COOPERATIVE]
    candidates += [g for a in cooperation for p in a.children if p.dep_ == "prep" and p.lower_ == "with" for g in p.children if g.dep_ == "pobj"]
    for s in candidates:
        found = [m for m in _resolve_all(_expand([s]), index) if not _same(m, e.source)]
        if found:
            # "the Colombian government and the rebels": the rebels the government faces are its country's
            home = next((mention_country(m) for m in found if m.sector == "GOV" and mention_country(m)), None)
            return [index.composite(home, m) if home and _is_bare(m) else
                    _situate(m, e.trigger, e.source, e.attributed_to, index, as_target=True, code=e.code) for m in found]
    return []
