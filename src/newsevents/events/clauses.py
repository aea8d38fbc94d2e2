"""Which clause an event is told in, and what that says about coding it.

A sentence tells its news in its main clauses; the other clauses mostly give background or detail:
- a relative clause ("the group that has seized parts of Iraq", "prisoners who were arrested in 2019")
  describes a participant, not the news: not coded; neither is a reduced relative ("a convoy bound for
  Gaza") unless it names its agent ("a missile fired by the Houthis at Riyadh");
- a participial clause ("..., killing eight people", "..., saying it had lost all trust", "..., offering
  support") adds detail to the main act: not coded;
- a purpose clause ("rallied in Cairo to demand the president's resignation", "blocked roads to pressure
  Warsaw") tells what the main act is for: the main act takes its target from it (a protest is aimed at
  whoever it makes demands of) and, for a protest, its refined code (1411 demonstrate for a change of
  leadership); the purpose itself is not coded;
- finite temporal, causal and conditional clauses ("after Berlin closed the consulates", "if Israel
  invades") tell events of their own and are coded, with their modality.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from spacy.tokens import Token

from newsevents.events.complements import has_to

if TYPE_CHECKING:
    from newsevents.events.coder import EventCandidate

def _same(a, b) -> bool:
    return a is not None and b is not None and (a is b or (a.entry is b.entry and a.sector == b.sector))


# nouns whose "to"-clause tells what they are about ("a plan to strike", "an ultimatum to disarm")
_CONTENT_NOUNS = {
    "plan", "decision", "attempt", "effort", "bid", "move", "agreement", "deal", "promise", "pledge", "offer", "proposal",
    "request", "order", "call", "appeal", "ultimatum", "threat", "warning", "right", "permission", "authority", "mandate",
    "mission", "campaign", "readiness", "willingness", "intention", "vow", "commitment", "failure", "refusal", "way",
    "opportunity", "chance", "deadline", "resolution", "law", "bill", "motion", "initiative", "operation", "demand",
    "invitation", "obligation", "pressure", "license", "licence", "approval", "go-ahead", "green", "power", "ability",
    "capacity", "capability", "need", "reason", "time", "bid", "scheme", "program", "programme", "strategy", "attempts",
}

# nouns for what someone issues or sends: a participle on them tells what its author says ("issued a
# statement calling on all parties to de-escalate")
DOCUMENT_NOUNS = {"statement", "letter", "declaration", "resolution", "communique", "message", "note", "report", "appeal",
                   "warning", "ultimatum", "decree", "order", "memo", "memorandum", "press release", "release", "notice"}
ISSUING_VERBS = {"issue", "send", "publish", "release", "adopt", "sign", "deliver", "write", "pen", "circulate", "present",
                 "submit", "make", "put", "post", "read", "hand", "file", "lodge"}


def issued_document(noun: Token) -> bool:
    """"issued a statement", "sent a letter": a document its issuer speaks through."""
    return noun.lemma_.lower() in DOCUMENT_NOUNS and noun.dep_ in ("dobj", "obj") and noun.head.lemma_.lower() in ISSUING_VERBS


_SPEECH_ACT_ROOTS = {"02", "03", "10", "11", "12", "13"}
_PROTEST_BASES = {"141", "142", "143", "144", "145"}


def clause_kind(trigger: Token) -> tuple[str, Token | None]:
    """The kind of the nearest non-main clause above the trigger ("main", "relative", "participle",
    "purpose", "finite") and that clause's head."""
    tok = trigger
    for _ in range(16):
        if tok.head.i == tok.i:
            return "main", None
        dep = tok.dep_
        if dep in ("relcl", "acl") and has_to(tok):
            if tok.head.lemma_.lower() in _CONTENT_NOUNS:
                return "main", None  # "an ultimatum to disarm", "plans to sell arms": the noun's content
            # "rallied for a 17th day to demand...", "boycotted classes to demand...": a purpose the parser
            # hung on a noun of the main clause
            return "purpose", tok
        if dep in ("relcl", "acl") and any(c.dep_ == "mark" and c.lower_ == "that" for c in tok.children) and tok.head.pos_ == "NOUN":
            if not any(c.dep_ in ("nsubj", "nsubjpass", "dobj") and c.lower_ in ("that", "which", "who") for c in tok.children):
                return "main", None  # "speculation that Egypt could send troops": the noun's content
        if dep == "relcl":
            if _about_a_person(tok):
                return "main", None  # "Guterres, who was visiting Tripoli, ...": news about a participant
            return "relative", tok
        if dep == "acl":
            if tok.tag_ == "VBG" and issued_document(tok.head):
                return "main", None  # "a statement calling on all parties to de-escalate": what the statement says
            if tok.tag_ == "VBN" and any(c.dep_ == "agent" for c in tok.children):
                return "detail", tok  # "a missile fired by the Houthis": news when the sentence tells nothing else
            if tok.tag_ == "VBN" and _existential(tok.head):
                return "main", None  # "there were ten soldiers killed in Ukraine": the participle is the news
            return "relative", tok
        if dep == "advcl":
            marks = {c.lower_ for c in tok.children if c.dep_ == "mark"}
            if has_to(tok) and not marks - {"to", "in", "order", "so", "as"}:
                return "purpose", tok
            if not marks and tok.tag_ in ("VBG", "VBN"):
                return "participle", tok
            return "finite", tok
        tok = tok.head
    return "main", None


def _existential(noun: Token) -> bool:
    """The noun "there is" introduces: "there were ten soldiers …"."""
    return noun.dep_ == "attr" and noun.head.lemma_ == "be" and any(c.dep_ == "expl" for c in noun.head.children)


def _about_a_person(relcl: Token) -> bool:
    """A non-restrictive clause on a named participant, set off by a comma ("Guterres, who was visiting
    Tripoli, ...", "Saudi Arabia, which has been holding talks with the Houthis, ..."): it tells what the
    participant did or will do."""
    head = relcl.head
    who = head.pos_ == "PROPN" and any(c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in ("who", "which") for c in relcl.children)
    comma = head.i + 1 < len(head.doc) and any(t.text == "," for t in head.doc[head.right_edge.i - (head.right_edge.i - head.i) : relcl.left_edge.i])
    return who and comma


def filter_clauses(events: list["EventCandidate"]) -> list["EventCandidate"]:
    kinds = {id(e): clause_kind(e.trigger) for e in events}
    out = []
    purposes: list[tuple["EventCandidate", Token]] = []
    participles: list[tuple["EventCandidate", Token]] = []
    details: list["EventCandidate"] = []
    for e in events:
        kind, head = kinds[id(e)]
        if kind == "relative":
            continue
        if kind == "participle":
            if e.code[:2] in _SPEECH_ACT_ROOTS and e.target is not None:
                out.append(e)  # "issued a statement calling on all Libyan parties to de-escalate": the appeal
            else:
                participles.append((e, head))
            continue
        if kind == "purpose":
            purposes.append((e, head))
            continue
        if kind == "detail":
            details.append(e)
            continue
        out.append(e)
    if not any(e.code[:2] != "01" for e in out):
        out += details  # nothing but a framing statement: the detail is the news
    for p, head in participles:
        # "made a rare trip abroad, travelling to Russia by train": the detail may name the main act's target
        for i, e in enumerate(out):
            if (e.trigger.i == head.head.i or (e.noun is not None and e.noun.i == head.head.i)) and e.target is None \
                    and p.target is not None and p.code[:2] == e.code[:2] and (p.source is None or _same(p.source, e.source)):
                out[i] = replace(e, target=p.target, target_tokens=p.target_tokens)
    for p, head in purposes:
        anchor = head.head
        while anchor.pos_ not in ("VERB", "AUX") and anchor.head.i != anchor.i:
            anchor = anchor.head
        mains = [e for e in out if (e.trigger.i == anchor.i or (e.noun is not None and e.noun.i == anchor.i)) and e.code[:2] != "01"]
        if not mains:
            out.append(p)  # "gathered in Cairo to demand...": nothing else is coded, the demand is the news
            continue
        main_ids = {id(e) for e in mains}
        for i, e in enumerate(out):
            if id(e) not in main_ids:
                continue
            target = e.target
            if target is None:
                # a demand made of someone ("to demand the resignation of the president") is aimed at them
                target = p.target if p.target is not None else None
            code = e.code
            if code[:3] in _PROTEST_BASES and len(code) == 3 and len(p.code) == 4 and p.code[:3] in ("104", "024"):
                code = code + p.code[3]  # "rallied ... to demand the president's resignation" -> 1411
            if target is not e.target or code != e.code:
                if target is not None and e.source is not None and target.entry is e.source.entry and target.sector == e.source.sector:
                    target = e.target
                out[i] = replace(e, target=target, code=code, target_tokens=e.target_tokens or p.target_tokens)
    return out
