"""Date expressions in English news, resolved against a reference (publication) date.

Handled: explicit dates ("December 26, 2015", "26 Dec 2015", "December 26", "2015-12-26"), months
("October 2015", "in March"), years ("in 1972"), seasons ("the fall of 2015"), and relative expressions
("yesterday", "last Friday", "on Tuesday", "two days ago", "a fortnight ago", "last week", "last year",
"earlier this month", "over the weekend"). Relative expressions with no reference date stay unresolved;
expressions that name a span coarser than a day resolve to that span's precision, never to an invented day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4, "may": 5,
    "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
    "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a couple of": 2, "a few": 3, "several": 3,
}
SEASON_START = {"spring": 3, "summer": 6, "fall": 9, "autumn": 9, "winter": 12}

_M = r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_D = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_Y = r"(?P<year>(?:1[89]|20)\d{2})"
_WD = r"(?P<weekday>monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_N = r"(?P<n>\d+|a couple of|a few|several|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"

# Ordered: the first pattern to claim a stretch of text wins, so longer forms come first.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(rf"\b{_Y}-(?P<mnum>[01]\d)-(?P<day>[0-3]\d)\b")),
    ("mdy", re.compile(rf"\b{_M}\s+{_D}(?:,\s*|\s+){_Y}\b", re.I)),
    ("dmy", re.compile(rf"\b{_D}\s+(?:of\s+)?{_M},?\s+{_Y}\b", re.I)),
    ("md", re.compile(rf"\b{_M}\s+{_D}\b(?!\s*(?:,\s*)?\d)", re.I)),
    ("dm", re.compile(rf"\b{_D}\s+(?:of\s+)?{_M}\b", re.I)),
    ("season", re.compile(rf"\b(?:the\s+)?(?P<season>spring|summer|fall|autumn|winter)\s+(?:of\s+)?{_Y}\b", re.I)),
    ("my", re.compile(rf"\b{_M},?\s+(?:of\s+)?{_Y}\b", re.I)),
    ("ago", re.compile(rf"\b{_N}\s+(?P<unit>day|week|month|year|fortnight)s?\s+ago\b", re.I)),
    ("fortnight", re.compile(r"\ba\s+fortnight\s+ago\b", re.I)),
    ("rel_day", re.compile(r"\b(?P<word>yesterday|today|tonight|tomorrow|the day before yesterday)\b", re.I)),
    ("weekday", re.compile(rf"\b(?:(?P<which>last|this|next|on|since|past)\s+)?{_WD}(?:'s)?\b", re.I)),
    ("weekend", re.compile(r"\b(?:over\s+|during\s+|at\s+)?(?P<which>the|last|this|next)\s+weekend\b", re.I)),
    ("rel_span", re.compile(r"\b(?P<which>last|this|next|past|earlier this|later this|early this|late last|earlier last)\s+(?P<unit>week|month|year)\b", re.I)),
    ("month", re.compile(rf"\b(?P<prep>in|since|until|by|during|early|late|mid-?|last|this|next)\s+{_M}(?!\s*\d)", re.I)),
    ("year", re.compile(rf"\b(?P<prep>in|since|until|by|during|of|from|early|late|mid-?|before|after)\s+(?:the\s+year\s+)?{_Y}\b(?!\s*%)", re.I)),
]


@dataclass(frozen=True)
class DateMention:
    text: str
    start: int  # offsets relative to the string searched
    end: int
    value: date | None  # None when it cannot be resolved (no reference date)
    precision: str | None  # day | month | year
    future: bool = False


def parse_absolute_date(text: str) -> date | None:
    """A date with day, month and year written out ('Wednesday, November 18, 2015'), else None."""
    for mention in find_dates(text, reference=None):
        if mention.value and mention.precision == "day":
            return mention.value
    return None


def find_dates(text: str, reference: date | None) -> list[DateMention]:
    """All date expressions in `text`, left to right, resolved against `reference` where needed."""
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            span = match.span()
            if any(span[0] < e and s < span[1] for s, e in taken):
                continue
            resolved = _resolve(kind, match, reference)
            if resolved is None:
                continue
            value, precision, future = resolved
            taken.append(span)
            found.append(DateMention(match.group(0), span[0], span[1], value, precision, future))
    found.sort(key=lambda m: m.start)
    return found


def _month(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")[:3] if name.lower().rstrip(".") not in MONTHS else name.lower().rstrip(".")]


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _nearest_year(month: int, day: int, ref: date) -> date | None:
    """A year-less date: the occurrence nearest the reference, leaning to the past as news does."""
    candidates = [_safe_date(ref.year + k, month, day) for k in (-1, 0, 1)]
    candidates = [c for c in candidates if c]
    if not candidates:
        return None
    return min(candidates, key=lambda c: abs((c - ref).days) + (30 if c > ref else 0))


def _resolve(kind: str, m: re.Match[str], ref: date | None) -> tuple[date | None, str | None, bool] | None:
    g = m.groupdict()
    if kind == "iso":
        d = _safe_date(int(g["year"]), int(g["mnum"]), int(g["day"]))
        return (d, "day", False) if d else None
    if kind in ("mdy", "dmy"):
        d = _safe_date(int(g["year"]), _month(g["month"]), int(g["day"]))
        return (d, "day", False) if d else None
    if kind in ("md", "dm"):
        day = int(g["day"])
        if not 1 <= day <= 31 or (g["month"].lower() == "may" and kind == "dm" and day < 1):
            return None
        if g["month"].lower() in ("may", "march") and kind == "md" and not m.group(0)[0].isupper():
            return None  # "may 5" / "march 3" in lower case are verbs with numbers
        if ref is None:
            return (None, None, False)
        d = _nearest_year(_month(g["month"]), day, ref)
        return (d, "day", bool(d and d > ref)) if d else None
    if kind == "season":
        return (date(int(g["year"]), SEASON_START[g["season"].lower()], 1), "year", False)
    if kind == "my":
        return (date(int(g["year"]), _month(g["month"]), 1), "month", False)
    if kind == "year":
        return (date(int(g["year"]), 1, 1), "year", False)
    if kind == "month":
        if g["month"].lower() in ("may", "march") and not m.group("month")[0].isupper():
            return None
        if ref is None:
            return (None, None, False)
        month = _month(g["month"])
        prep = g["prep"].lower()
        year = ref.year
        if prep == "last" or (prep not in ("next",) and month > ref.month):
            year -= 1
        if prep == "next" and month <= ref.month:
            year += 1
        return (date(year, month, 1), "month", prep == "next")
    if ref is None:
        return (None, None, False)
    if kind == "fortnight":
        return (ref - timedelta(days=14), "day", False)
    if kind == "ago":
        n = int(g["n"]) if g["n"].isdigit() else NUMBER_WORDS[g["n"].lower()]
        unit = g["unit"].lower()
        if unit == "day":
            return (ref - timedelta(days=n), "day", False)
        if unit in ("week", "fortnight"):
            return (ref - timedelta(days=(14 if unit == "fortnight" else 7) * n), "day", False)
        if unit == "month":
            y, mo = divmod(ref.year * 12 + ref.month - 1 - n, 12)
            return (date(y, mo + 1, 1), "month", False)
        return (date(ref.year - n, 1, 1), "year", False)
    if kind == "rel_day":
        word = g["word"].lower()
        offset = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1, "the day before yesterday": -2}[word]
        return (ref + timedelta(days=offset), "day", offset > 0)
    if kind == "weekday":
        which = (g["which"] or "").lower()
        target = WEEKDAYS[g["weekday"].lower()]
        if which == "next":
            delta = (target - ref.weekday()) % 7 or 7
            return (ref + timedelta(days=delta), "day", True)
        delta = (ref.weekday() - target) % 7
        if which in ("last", "past") and delta == 0:
            delta = 7
        return (ref - timedelta(days=delta), "day", False)
    if kind == "weekend":
        which = g["which"].lower()
        if which == "next":
            return (ref + timedelta(days=(5 - ref.weekday()) % 7 or 7), "day", True)
        saturday = ref - timedelta(days=(ref.weekday() - 5) % 7)
        if which == "last" and ref.weekday() >= 5:
            saturday -= timedelta(days=7)
        return (saturday, "day", False)
    if kind == "rel_span":
        which, unit = g["which"].lower(), g["unit"].lower()
        step = -1 if which in ("last", "past", "late last", "earlier last") else (1 if which == "next" else 0)
        if unit == "week":
            d = ref + timedelta(days=7 * step)
            return (date(d.year, d.month, 1), "month", step > 0)
        if unit == "month":
            y, mo = divmod(ref.year * 12 + ref.month - 1 + step, 12)
            return (date(y, mo + 1, 1), "month", step > 0)
        return (date(ref.year + step, 1, 1), "year", step > 0)
    return None
