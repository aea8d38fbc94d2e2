"""Resolvers for chains: expressions counted from the previous date in the text ("the next day", "that
week", "the same period last year")."""

from __future__ import annotations

import re
from datetime import date, timedelta

from newsevents.dates.calendar import add_months, safe_date, shift, span_start
from newsevents.dates.context import Anchor, Resolved, chain, duration_value, group, resolver, season_chain, squash
from newsevents.dates.lexicon import PARTS_OF_DAY, SEASON_START, WEEKDAYS



_CHAIN_UNITS = {"day": "day", "week": "week", "month": "month", "year": "year", "morning": "day", "afternoon": "day", "evening": "day", "night": "day"}


def _chain_part(unit: str) -> dict:
    return {"timex_type": "TIME", "detail": PARTS_OF_DAY[unit]} if unit in PARTS_OF_DAY else {}


@resolver("chain_same", "the_day")
def _chain_same(m, ctx):
    unit = group(m, "unit") or "day"
    precision = _CHAIN_UNITS[unit]
    r = chain(ctx, precision, lambda a: a.value, fallback=True)
    return Resolved(r.value, r.precision, r.kind, r.anchor, **_chain_part(unit))


_DURATION_PREPS = re.compile(r"\b(?:over|in|within|during|for|throughout)\s+$", re.I)


@resolver("chain_rel", "chain_rel_post")
def _chain_rel(m, ctx):
    unit = group(m, "unit")
    which = squash(m["which"]) + " " + squash(group(m, "dir"))
    backwards = any(w in which for w in ("previous", "preceding", "prior", "before", "earlier"))
    if unit in SEASON_START:
        return season_chain(ctx, SEASON_START[unit], -1 if backwards else 1)
    if not backwards and "the next" in which and unit != "day" and _DURATION_PREPS.search(ctx.text[max(0, m.start() - 12) : m.start()]):
        # "over the next week" is a stretch of time ahead, not a date
        return Resolved(None, None, "duration", timex_type="DURATION", detail=duration_value(1, unit))
    precision = _CHAIN_UNITS[unit]
    step = -1 if backwards else 1
    r = chain(ctx, precision, lambda a: shift(span_start(a.value, precision), precision, step))
    return Resolved(r.value, r.precision, r.kind, r.anchor, **_chain_part(unit))


@resolver("same_period")
def _same_period(m, ctx):
    """"the same period last year": the span of the story's latest date, a year earlier."""
    anchor = next((a for a in reversed(ctx.history) if a.precision != "year"), None)
    if anchor is None:
        return Resolved(None, None, "chain")
    value = add_months(anchor.value, -12) if anchor.precision != "day" else safe_date(anchor.value.year - 1, anchor.value.month, anchor.value.day)
    return Resolved(span_start(value, anchor.precision) if value else None, anchor.precision, "chain", anchor.value)


@resolver("chain_weekday")
def _chain_weekday(m, ctx):
    target = WEEKDAYS[group(m, "weekday")]
    backwards = group(m, "which") in ("previous", "preceding", "prior")

    def move(a: Anchor) -> date:
        if backwards:
            return a.value - timedelta(days=(a.value.weekday() - target) % 7 or 7)
        return a.value + timedelta(days=(target - a.value.weekday()) % 7 or 7)

    return chain(ctx, "day", move)
