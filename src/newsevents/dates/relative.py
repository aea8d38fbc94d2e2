"""Resolvers for expressions relative to the reference date ("yesterday", "last Friday", "two years ago",
"this week"), durations ("for two years") and vague references ("now", "recently")."""

from __future__ import annotations

import re
from datetime import date, timedelta

from newsevents.dates.calendar import add_months, monday, safe_date, shift, span_start
from newsevents.dates.context import Resolved, chain, deictic, duration_value, group, resolver, squash
from newsevents.dates.lexicon import PARTS_OF_DAY, WEEKDAYS, number_value
from newsevents.dates.spans import season_span


_UNIT_PRECISION = {"day": "day", "week": "day", "fortnight": "day", "month": "month", "year": "year", "decade": "decade", "centurie": "century", "century": "century"}
_UNIT_DAYS = {"day": 1, "week": 7, "fortnight": 14}


def offset(base: date, unit: str, n: int) -> tuple[date | None, str]:
    """`base` moved by n units; days and weeks stay days, longer units become spans of that unit."""
    precision = _UNIT_PRECISION[unit]
    if unit in _UNIT_DAYS:
        return base + timedelta(days=_UNIT_DAYS[unit] * n), "day"
    if unit == "month":
        return add_months(base, n), "month"
    years = {"year": 1, "decade": 10}.get(unit, 100) * n
    target = safe_date(base.year + years, 1, 1) if 1 <= base.year + years <= 9999 else None
    return (span_start(target, precision) if target else None), precision


@resolver("ago")
def _ago(m, ctx):
    unit, direction = group(m, "unit"), squash(group(m, "dir"))
    n = number_value(m["n"])
    backwards = direction in ("ago", "earlier", "before", "previously", "prior")
    if n is None:  # "several years ago": only that it is past
        return Resolved(None, None, "vague", detail="PAST_REF" if backwards else "FUTURE_REF")
    n = int(n)
    if direction in ("before", "after") and re.match(r"\s+(?:the|a|an|his|her|its|their|[A-Z0-9])", ctx.text[m.end() : m.end() + 5]):
        # "three years after the invasion": counted from an event, not a date; the length is what is said
        return Resolved(None, None, "duration", timex_type="DURATION", detail=duration_value(n, unit))
    if direction in ("ago", "from now", "hence"):
        if ctx.reference is None:
            return Resolved(None, _UNIT_PRECISION[unit], "deictic")
        value, precision = offset(ctx.reference, unit, -n if backwards else n)
        return deictic(value, precision, ctx)
    return chain(ctx, _UNIT_PRECISION[unit], lambda a: offset(a.value, unit, -n if backwards else n)[0])


_PART_OFFSET = {"yesterday": -1, "last": -1, "today": 0, "this": 0, "tonight": 0, "tomorrow": 1}


@resolver("part_rel")
def _part_rel(m, ctx):
    word, part = group(m, "word"), group(m, "part")
    if word == "last" and part not in ("night", "evening"):
        return None  # "last morning" is not said
    day = ctx.reference + timedelta(days=_PART_OFFSET[word]) if ctx.reference else None
    return deictic(day, "day", ctx, timex_type="TIME", detail=PARTS_OF_DAY[part])


@resolver("rel_day")
def _rel_day(m, ctx):
    word = squash(m["word"])
    offset = {"the day before yesterday": -2, "the day after tomorrow": 2, "yesterday": -1, "tomorrow": 1}.get(word, 0)
    day = ctx.reference + timedelta(days=offset) if ctx.reference else None
    if word == "tonight":
        return deictic(day, "day", ctx, timex_type="TIME", detail="NI")
    return deictic(day, "day", ctx)


@resolver("weekday")
def _weekday(m, ctx):
    which = squash(group(m, "which"))
    target = WEEKDAYS[group(m, "weekday")]
    part = group(m, "part")
    extra = {"timex_type": "TIME", "detail": PARTS_OF_DAY[part]} if part else {}
    if ctx.reference is None:
        return Resolved(None, "day", "deictic", tense_sensitive=not which, **extra)
    ref = ctx.reference
    back = (ref.weekday() - target) % 7  # days since the last such weekday (0 = today)
    ahead = (target - ref.weekday()) % 7
    if which in ("last", "past", "this past"):
        return deictic(ref - timedelta(days=back or 7), "day", ctx, **extra)
    if which in ("next", "coming", "this coming"):
        return deictic(ref + timedelta(days=ahead or 7), "day", ctx, **extra)
    if which == "this":
        return deictic(monday(ref) + timedelta(days=target), "day", ctx, **extra)
    tense = ctx.tense_for()
    value = ref + timedelta(days=ahead) if tense == "future" else ref - timedelta(days=back)
    return deictic(value, "day", ctx, tense_sensitive=True, **extra)


@resolver("weekend")
def _weekend(m, ctx):
    which = squash(m["which"])
    if which in ("that", "the previous", "the following", "the next"):
        step = {"that": 0, "the previous": -1}.get(which, 1)
        return chain(ctx, "weekend", lambda a: shift(span_start(a.value, "weekend"), "weekend", step))
    if ctx.reference is None:
        return Resolved(None, "weekend", "deictic", tense_sensitive=which == "the")
    ref = ctx.reference
    this = span_start(ref, "weekend")  # the Saturday of the reference's Monday-to-Sunday week
    latest = this if ref >= this else this - timedelta(days=7)  # the latest weekend begun by the reference
    if which in ("last", "past"):
        return deictic(this - timedelta(days=7), "weekend", ctx)
    if which == "this past":
        return deictic(latest, "weekend", ctx)
    if which in ("next", "coming"):
        return deictic(this if ref < this else this + timedelta(days=7), "weekend", ctx)
    if which == "this":
        return deictic(this, "weekend", ctx)
    return deictic(this if ctx.tense_for() == "future" else latest, "weekend", ctx, tense_sensitive=True)


_STEP = {
    "last": -1, "past": -1, "this past": -1, "previous": -1, "the previous": -1, "the preceding": -1,
    "this": 0, "current": 0, "the current": 0, "next": 1, "coming": 1, "this coming": 1,
}
_SEASONS = ("spring", "summer", "fall", "autumn", "winter")


@resolver("rel_span", "rel_span_mod")
def _rel_span(m, ctx):
    which, unit = squash(m["which"]), group(m, "unit")
    step = _STEP[which]
    if unit in _SEASONS:
        return season_span("this" if step == 0 else ("last" if step < 0 else "next"), unit, ctx)
    if which in ("the previous", "the preceding"):  # relative to the story's time, the reference if none
        return chain(ctx, unit, lambda a: shift(span_start(a.value, unit), unit, -1), fallback=True)
    if ctx.reference is None:
        return Resolved(None, unit, "deictic")
    return deictic(shift(span_start(ctx.reference, unit), unit, step), unit, ctx)


@resolver("pos_of")
def _pos_of(m, ctx):
    unit = group(m, "unit")
    return deictic(span_start(ctx.reference, unit) if ctx.reference else None, unit, ctx)


@resolver("duration")
def _duration_rule(m, ctx):
    if re.match(r"[\s-]+old\b", ctx.text[m.end() : m.end() + 6], re.I) or m.group(0).lower().endswith("old"):
        return None  # ages are not about when things happen
    return Resolved(None, None, "duration", timex_type="DURATION", detail=duration_value(number_value(m["n"]), m["unit"]))


@resolver("vague_duration")
def _vague_duration(m, ctx):
    return Resolved(None, None, "duration", timex_type="DURATION", detail=duration_value(None, m["unit"]))


@resolver("past_span")
def _past_span(m, ctx):
    which, unit = squash(m["which"]), group(m, "unit").rstrip("s")
    unit = "century" if unit in ("centurie", "centuries") else unit
    n = number_value(m["n"]) if m["n"] else None
    if m["n"] is None and which in ("the last", "the final") and unit in ("week", "month", "year", "quarter", "decade"):
        # "the last week": the previous week, a date; "over the last week" is a duration
        if ctx.reference is None:
            return Resolved(None, unit, "deictic")
        return deictic(shift(span_start(ctx.reference, unit), unit, -1), unit, ctx)
    if m["n"] is None and which in ("the first", "the final", "the last"):
        return None
    return Resolved(None, None, "duration", timex_type="DURATION", detail=duration_value(1 if m["n"] is None else n, unit))


_VAGUE = {
    "now": "PRESENT_REF", "nowadays": "PRESENT_REF", "presently": "PRESENT_REF",
    "at present": "PRESENT_REF", "these days": "PRESENT_REF", "the time being": "PRESENT_REF",
    "at the moment": "PRESENT_REF", "current": "PRESENT_REF", "recently": "PAST_REF", "lately": "PAST_REF",
    "the past": "PAST_REF", "soon": "FUTURE_REF",
}


@resolver("vague")
def _vague(m, ctx):
    word = squash(m.group(0))
    if word == "the other day":  # a day, but which one is not said: recognised, left unresolved
        return Resolved(None, "day", "deictic", ctx.reference, detail="PAST_REF")
    ref = _VAGUE.get(word) or ("FUTURE_REF" if "future" in word or "term" in word else "PRESENT_REF")
    return Resolved(None, None, "vague", ctx.reference, detail=ref)
