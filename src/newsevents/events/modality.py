"""How sure the text is that an event happened, and who says so.

Checked from the trigger up through the verbs that govern it, strongest first: negation ("did not
strike", "no airstrikes"), hypothesis (modal verbs, "if"-clauses, questions), intention ("will",
"plans to", "vowed to"), report ("X said that ...", "according to X"). Otherwise the text asserts it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from spacy.tokens import Token

from newsevents.events.lexicon import Lexicon

if TYPE_CHECKING:
    from newsevents.events.coder import MentionIndex

_HYPOTHETICAL_MODALS = {"could", "might", "may", "would", "should", "can", "must", "ought"}
_FUTURE_MODALS = {"will", "shall", "'ll", "wo"}
_CONDITIONAL_MARKS = {"if", "unless", "whether", "lest"}
_NEGATIONS = {"not", "n't", "never", "no", "without"}
# verbs whose complement did not happen ("failed to reach agreement", "refrained from striking",
# "prevented the army from entering")
_NEGATING_VERBS = {"fail", "refrain", "abstain", "neglect", "omit", "prevent"}
# prepositions that introduce what is taken for granted around an act, not what the act's clause asserts
_CIRCUMSTANCE_PREPS = {"despite", "after", "following", "amid", "since", "before", "over", "because", "during"}
# marks of a clause that tells when or why the act of its governing verb happened
_TIME_MARKS = {"after", "before", "when", "while", "since", "as", "until", "once", "because"}
_CHAIN_DEPS = {"xcomp", "conj", "ccomp", "advcl", "relcl", "acl", "pcomp", "pobj", "prep", "dobj", "nsubj", "nsubjpass", "attr", "parataxis", "oprd"}


def _governors(trigger: Token) -> list[Token]:
    """The trigger and the heads above it, up to the root of the sentence."""
    chain = [trigger]
    current = trigger
    while current.head.i != current.i and current.dep_ in _CHAIN_DEPS and len(chain) < 12:
        current = current.head
        chain.append(current)
    return chain


def modality_of(trigger: Token, lexicon: Lexicon, index: "MentionIndex"):
    chain = _governors(trigger)
    # The clause of the trigger itself: the trigger (or, for a noun, its verb) and the verbs it is
    # an xcomp/conj of; negation and modals beyond a clause boundary belong to another claim.
    clause: list[Token] = []
    if trigger.pos_ in ("NOUN", "PROPN") and trigger.dep_ == "pobj" and trigger.head.lower_ in _CIRCUMSTANCE_PREPS:
        chain = [trigger]  # "did not release him despite an ECOWAS ultimatum": the ultimatum was given
    for tok in chain:
        clause.append(tok)
        if tok.i != trigger.i and tok.pos_ in ("VERB", "AUX") and tok.dep_ not in ("xcomp", "conj", "aux"):
            break
        if tok.pos_ in ("VERB", "AUX") and tok.dep_ == "relcl":
            break  # "a helicopter that was captured last week": the relative clause tells its own facts

    attributed = None
    reported = False
    intended = False
    for tok in chain[1:]:
        child_of = chain[chain.index(tok) - 1]
        lemma = tok.lemma_.lower()
        # "accused Iran of attacking tankers": the accused act is the accuser's claim
        told = child_of.dep_ in ("ccomp", "xcomp", "parataxis", "advcl", "dobj", "conj") or (child_of.dep_ == "prep" and child_of.lower_ == "of")
        if lemma in lexicon.reporting_verbs and child_of.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in _TIME_MARKS
                                                                                for m in child_of.children):
            break  # "announced sanctions a day after the jet shot down a helicopter": the narrator tells when
        if lemma in lexicon.reporting_verbs and told:
            if not reported:
                reported = True
                subjects = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")]
                for subj in subjects:
                    attributed = index.for_argument(subj) or index.at(subj)
                    if attributed:
                        break
            break
        if child_of.dep_ == "xcomp" and (lemma in lexicon.intent_verbs or (lemma == "go" and tok.tag_ == "VBG")):
            intended = True  # "plans to strike", "is going to strike"
    attributed = attributed or _according_to(trigger, index)
    reported = reported or attributed is not None

    if any(tok.lemma_.lower() in _NEGATING_VERBS and tok.pos_ == "VERB" for tok in clause[1:]):
        return "negated", attributed
    for tok in clause:
        for child in tok.children:
            if child.dep_ == "neg" or (child.dep_ == "det" and child.lower_ == "no" and tok.i == trigger.i):
                return "negated", attributed
    conditional = any(child.dep_ == "mark" and child.lower_ in _CONDITIONAL_MARKS for tok in clause for child in tok.children) or any(
        c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in _CONDITIONAL_MARKS for m in c.children) for tok in clause for c in tok.children
    )
    for tok in clause:
        for child in tok.children:
            if child.dep_ == "aux" and child.lower_ == "would" and not conditional and _reported_future(tok):
                return "intended", attributed  # "announced that Britain would send tanks": will, told in the past
            if child.dep_ == "aux" and child.lower_ in _HYPOTHETICAL_MODALS:
                return "hypothetical", attributed
            if child.dep_ == "mark" and child.lower_ in _CONDITIONAL_MARKS:
                return "hypothetical", attributed
    sent = trigger.sent
    if sent.text.rstrip().endswith("?") and trigger in clause and clause[-1].dep_ == "ROOT":
        return "hypothetical", attributed
    for tok in clause:
        for child in tok.children:
            if child.dep_ == "aux" and child.lower_ in _FUTURE_MODALS:
                return "intended", attributed
    if intended:
        return "intended", attributed
    if reported:
        return "reported", attributed
    return "asserted", attributed


# verbs after which "would" is only the past of "will": the speaker tells a plan or a decision
_FUTURE_IN_PAST = {"say", "announce", "tell", "state", "confirm", "declare", "add", "insist", "reiterate", "pledge", "promise",
                   "vow", "decide", "agree", "report", "write", "indicate", "disclose", "reveal", "explain", "assert", "stress"}


def _reported_future(verb: Token) -> bool:
    """Whether the verb carrying "would" heads the complement of a reporting verb in the past ("said it
    would", "told him that France would"), where "would" is the future of the time of speaking."""
    top = verb
    while top.dep_ in ("conj", "xcomp") and top.head.i != top.i:
        top = top.head
    if top.dep_ != "ccomp":
        return False
    speech = top.head
    return speech.lemma_.lower() in _FUTURE_IN_PAST and speech.tag_ in ("VBD", "VBN")


def _according_to(trigger: Token, index: "MentionIndex"):
    sent = trigger.sent
    for tok in sent:
        if tok.lower_ == "according" and tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].lower_ == "to":
            for obj in tok.doc[tok.i + 1].children:
                if obj.dep_ == "pobj":
                    return index.for_argument(obj) or index.at(obj)
            nxt = tok.i + 2
            if nxt < sent.end:
                return index.at(tok.doc[nxt]) or (index.at(tok.doc[nxt + 1]) if nxt + 1 < sent.end else None)
    return None
