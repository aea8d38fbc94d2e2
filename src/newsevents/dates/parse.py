"""Date expressions in English news, resolved against a reference (publication) date.

Handled: explicit dates ("December 26, 2015", "26 Dec 2015", "2015-12-26", "12/26/2015"), months and seasons
("October 2015", "in March", "the fall of 2015"), years, decades and centuries ("1972", "the 1990s"), quarters
and halves ("the third quarter of 2009"), holidays with a fixed date, expressions relative to the reference
("yesterday", "last Friday", "a fortnight ago", "over the weekend", "earlier this month", "next year") and
chains relative to the previous date in the text ("the next day", "two days later", "the following week").
`find_timexes` also returns durations ("two years") and vague references ("now", "recently") for evaluation.

Relative expressions with no reference date stay unresolved (value None); an expression naming a span
coarser than a day keeps that precision, never an invented day.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from itertools import chain

from newsevents.dates.mention import DateMention
from newsevents.dates.patterns import ANCHORS, GATES, MODIFIER_BEFORE, PREPOSITION_BEFORE, RULES
from newsevents.dates.resolve import Anchor, Context, resolve
from newsevents.dates.tense import Tense, guess_tense

_NOT_EVENT_DATES = ("vague", "duration")
_SPANS_WITH_MODIFIERS = ("week", "month", "quarter", "season", "half", "year", "decade", "century")


def find_dates(
    text: str, reference: date | None, *, tense: Tense | None = None, anchor: DateMention | date | None = None
) -> list[DateMention]:
    """The date expressions in `text`, left to right, resolved against `reference` where needed.

    `tense` ("past" / "future") overrides the tense guessed from the words around a bare weekday or month.
    `anchor` is where chains ("the next day") start when no date precedes them in `text`: the last date
    of the previous sentence, say. Durations and vague references ("now") are left out; see find_timexes."""
    return [m for m in find_timexes(text, reference, tense=tense, anchor=anchor) if m.kind not in _NOT_EVENT_DATES]


def find_timexes(
    text: str, reference: date | None, *, tense: Tense | None = None, anchor: DateMention | date | None = None
) -> list[DateMention]:
    """Every temporal expression: the dates of find_dates, plus durations and PRESENT/PAST/FUTURE_REF."""
    low = text.lower()
    passed = {gate: any(word in low for word in words) for gate, words in GATES.items()}
    if not any(passed.values()):
        return []  # most sentences with no date hold none of the gate words: no pattern runs
    claimed = bytearray(len(text))
    matches: list[tuple[int, int, str, re.Match[str]]] = []
    windows: dict[str, list[tuple[int, int]]] = {}
    for rule in RULES:
        if not all(passed[g] for g in rule.needs):
            continue
        if rule.anchor is None:
            found_matches: Iterable[re.Match[str]] = rule.pattern.finditer(text)
        else:
            if rule.anchor not in windows:
                windows[rule.anchor] = _windows(text, ANCHORS[rule.anchor])
            found_matches = chain.from_iterable(rule.pattern.finditer(text, lo, hi) for lo, hi in windows[rule.anchor])
        for m in found_matches:
            s, e = m.span()
            if s == e or claimed.find(1, s, e) != -1:
                continue
            if rule.guard is not None and not rule.guard(m, text):
                continue
            claimed[s:e] = b"\x01" * (e - s)
            matches.append((s, e, rule.name, m))
    matches.sort(key=lambda x: x[0])

    first = _as_anchor(anchor)
    history = [first] if first else []
    found: list[DateMention] = []
    for s, e, name, m in matches:
        ctx = Context(text, reference, tense, history, lambda s=s, e=e: guess_tense(text, s, e))
        r = resolve(name, m, ctx)
        if r is None:
            continue
        s = _extend_left(text, s, r.precision, claimed)
        found.append(
            DateMention(text[s:e], s, e, r.value, r.precision, bool(r.value and reference and r.value > reference),
                        r.anchor, r.kind, r.tense_sensitive, r.timex_type, r.detail)
        )
        if r.value is not None and r.precision is not None:
            history.append(Anchor(r.value, r.precision, e, r.kind == "absolute"))
    return found


def with_tense(mention: DateMention, tense: Tense | None) -> DateMention:
    """The mention re-resolved for the tense of its verb ("will meet on Friday" -> the coming Friday).
    Only bare weekdays, months and year-less dates depend on it; others come back unchanged."""
    if tense is None or not mention.tense_sensitive or mention.anchor is None:
        return mention
    for m in find_dates(mention.text, mention.anchor, tense=tense):
        if (m.start, m.end) == (0, len(mention.text)):
            return replace(mention, value=m.value, future=m.value is not None and m.value > mention.anchor)
    return mention


def parse_absolute_date(text: str) -> date | None:
    """A date with day, month and year written out ('Wednesday, November 18, 2015'), else None."""
    for mention in find_dates(text, reference=None):
        if mention.value and mention.precision == "day" and mention.kind == "absolute":
            return mention.value
    return None


# How far a match may reach around its anchor word ("the very same afternoon", "December 26, 2015 ,").
_BEFORE, _AFTER = 80, 60


def _windows(text: str, anchor: re.Pattern[str]) -> list[tuple[int, int]]:
    """Merged stretches of text around each occurrence of `anchor`."""
    out: list[tuple[int, int]] = []
    for a in anchor.finditer(text):
        lo, hi = max(0, a.start() - _BEFORE), min(len(text), a.end() + _AFTER)
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out


def _as_anchor(anchor: DateMention | date | None) -> Anchor | None:
    if isinstance(anchor, DateMention):
        return Anchor(anchor.value, anchor.precision) if anchor.value and anchor.precision else None
    return Anchor(anchor, "day") if anchor is not None else None


def _extend_left(text: str, start: int, precision: str | None, claimed: bytearray) -> int:
    """Take in a modifier that belongs to the TimeML extent ("early 2009", "the end of March") and then a
    preposition the event record shows ("on Tuesday"), unless another expression holds those words."""
    window = max(0, start - 40)
    if precision in _SPANS_WITH_MODIFIERS:
        mod = MODIFIER_BEFORE.search(text, window, start)
        if mod and claimed.find(1, mod.start(), start) == -1:
            start = mod.start()
    prep = PREPOSITION_BEFORE.search(text, max(0, start - 12), start)
    if prep and claimed.find(1, prep.start(), start) == -1:
        start = prep.start()
    return start
