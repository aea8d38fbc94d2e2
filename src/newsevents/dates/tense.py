"""Tense hints. A bare "Friday" or "in March" names a past or a coming occurrence depending on the verb:
"met on Friday" vs "will meet on Friday". The pipeline knows the verb (`verb_tense` on a spaCy token); the
resolver alone guesses from the words around the expression (`guess_tense`)."""

from __future__ import annotations

import re
from typing import Literal

Tense = Literal["past", "future"]

_FUTURE = re.compile(
    r"(?:will|shall|'ll|wo\s*n[o']?t|going\s+to|gonna|(?:is|are|was|were|be)\s+(?:due|set|scheduled|expected|slated|poised|to)"
    r"|due\s+to|scheduled\s+(?:to|for)|planned\s+for|expected\s+to|set\s+to|slated\s+to|plans?\s+to|planning\s+to"
    r"|intends?\s+to|aims?\s+to|hopes?\s+to|upcoming|forthcoming|would|'d"
    # the present tense of a timetable: "the summit opens on Monday"
    r"|opens|begins|starts|resumes|convenes|kicks\s+off|takes\s+place|arrives|departs|expires|reopens)(?![\w'])",
    re.I,
)
_PAST = re.compile(
    r"(?:was|were|had|did|said|told|came|went|made|took|gave|met|held|left|fell|rose|began|saw|won|lost|fought"
    r"|struck|hit|shot|sent|spent|brought|led|ran|found|got|became|broke|kept|paid|sold|stood|ended|began|flew|"
    r"announced|\w{3,}ed)",
    re.I,
)
_SENTENCE_END = re.compile(r"[.!?]\s|\n")
_CLAUSE_WORDS = 10  # how far from the expression a cue may stand
# A preposition right before the expression says more than any verb: "closed until Friday", "since Monday".
_PREP_FUTURE = re.compile(
    r"\b(?:until|till|by|starting|ahead\s+of|as\s+early\s+as"
    r"|(?:postponed|delayed|moved|pushed\s+back|rescheduled|deferred|put\s+off|brought\s+forward)\s+(?:to|until|till))\s+(?:on\s+)?$",
    re.I,
)
_STRONG_PAST = {"had", "was", "were", "did", "'d"}
_PREP_PAST = re.compile(r"\b(?:since|as\s+of)\s+(?:on\s+)?$", re.I)


def guess_tense(text: str, start: int, end: int) -> Tense | None:
    """The tense of the clause around text[start:end], from the words of its sentence: a preposition before
    it ("until Friday"), else the nearest tense cue on either side, the left one on a tie."""
    window = text[max(0, start - 300) : start]
    if _PREP_PAST.search(window[-30:]):
        return "past"
    if _PREP_FUTURE.search(window[-30:]):
        # "closed until Friday" lies ahead, unless a past auxiliary says otherwise ("had left by Friday")
        if re.search(r"(?:postponed|delayed|moved|back|rescheduled|deferred|off|forward)\s+\w+\s+(?:on\s+)?$", window[-40:], re.I):
            return "future"  # "was postponed to October": the new date lies ahead
        clause = re.split(r"[.!?;]\s", window)[-1].split()[-8:]
        return "past" if _STRONG_PAST & {w.lower().strip(_STRIP) for w in clause} else "future"
    left_bound = max((m.end() for m in _SENTENCE_END.finditer(text, max(0, start - 300), start)), default=max(0, start - 300))
    right = _SENTENCE_END.search(text, end)
    right_bound = right.start() if right else min(len(text), end + 300)
    left = text[left_bound:start].split()[-_CLAUSE_WORDS:]
    after = text[end:right_bound].split()[:_CLAUSE_WORDS]
    best: tuple[int, int, Tense] | None = None  # (distance in words, side: 0 left / 1 right, tense)
    for distance, word_index, side, words in _positions(left, after):
        tense = _cue(words, word_index)
        if tense:
            best = (distance, side, tense)
            break
    return best[2] if best else None


def _positions(left: list[str], after: list[str]):
    """Word positions by distance from the expression, left before right at the same distance."""
    for distance in range(max(len(left), len(after))):
        if distance < len(left):
            yield distance, len(left) - 1 - distance, 0, left
        if distance < len(after):
            yield distance, distance, 1, after


_STRIP = ",;:\"'()"
# Words between an auxiliary and its participle: "will have been held", "was not formally signed".
_VERB_GROUP = {"be", "been", "being", "have", "has", "had", "not", "n't", "also", "still", "already", "never",
               "formally", "officially", "likely", "reportedly", "jointly", "finally", "just", "then"}
_PRESENT_AUX = {"is", "are", "am", "'s", "'re", "gets", "get"}


def _cue(words: list[str], i: int) -> Tense | None:
    """The tense word i signals, looking at it and the word after it (for "going to", "is due"); a past
    participle takes the tense of its auxiliary ("will be held" is future, "is held" has none)."""
    word = words[i].strip(_STRIP)
    pair = " ".join(words[i : i + 2]).strip(_STRIP)
    future = _FUTURE.match(pair)
    if _FUTURE.fullmatch(word) or future and future.end() > len(word):
        return "future"
    if not _PAST.fullmatch(word):
        return None
    j = i - 1
    while j >= 0 and words[j].strip(_STRIP).lower() in _VERB_GROUP:
        j -= 1
    head = words[j].strip(_STRIP).lower() if j >= 0 else ""
    if j < i - 1 and (_FUTURE.fullmatch(head) or head == "to"):
        return "future"  # "will be held", "to be signed"
    if head in _PRESENT_AUX:
        return None  # "is held every year"
    return "past"


_FUTURE_AUX = {"will", "shall", "'ll", "wo", "ll"}
_FUTURE_HEADS = {"plan", "expect", "schedule", "intend", "aim", "hope", "prepare", "set", "due", "want", "seek"}


def verb_tense(token) -> Tense | None:
    """The tense of a spaCy verb token: "future" for will/shall or a verb planned ahead ("plans to meet"),
    "past" for a past-tense verb or auxiliary, None for the present or anything unclear."""
    auxes = [c for c in token.children if c.dep_ in ("aux", "auxpass")]
    words = {a.lower_ for a in auxes}
    if words & _FUTURE_AUX or "going" in words:
        return "future"
    if token.dep_ == "xcomp" and token.head.lemma_ in _FUTURE_HEADS:
        return "future"
    if token.tag_ == "VBD" or any(a.tag_ == "VBD" for a in auxes):
        return "past"
    if token.tag_ == "VBN" and words & {"has", "have", "had"}:
        return "past"
    return None
