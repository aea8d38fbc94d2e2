"""Resolvers for parts of a year named without their year ("the fourth quarter", "in March", "the spring"):
the occurrence nearest the reference date, the one the verb's tense points to, or the story's year."""

from __future__ import annotations

import re
from datetime import date

from newsevents.dates.calendar import shift, span_end, span_start
from newsevents.dates.context import Context, Resolved, deictic, group, nearest_span, resolver, season_chain, squash
from newsevents.dates.lexicon import ORDINALS, SEASON_START, month_number



def _year_of(rel: str, year: str | None, ctx: Context) -> tuple[int | None, str]:
    """The year a "... of 2009" / "... of last year" phrase names, and how it was found."""
    if year:
        return int(year), "absolute"
    if not rel:
        return None, ""
    if ctx.reference is None:
        return None, "deictic"
    step = {"this": 0, "the current": 0, "the same": 0, "last": -1, "the previous": -1, "the past": -1, "next": 1}[squash(rel)]
    return ctx.reference.year + step, "deictic"


def _part_of_year(m, ctx, index: int, size: int, precision: str, last_means_previous: bool) -> Resolved | None:
    """Quarter or half number `index` (1-based) of a year named in the match, or nearest the reference."""
    year, how = _year_of(group(m, "rel"), m.groupdict().get("year"), ctx)
    if year is not None:
        return Resolved(date(year, size * (index - 1) + 1, 1), precision, how, ctx.reference if how == "deictic" else None)
    if how == "deictic" or ctx.reference is None:
        return Resolved(None, precision, "deictic", tense_sensitive=True)
    ref = ctx.reference
    if last_means_previous:  # "the last quarter": the one before the current one
        return deictic(shift(span_start(ref, precision), precision, -1), precision, ctx)
    candidates = [date(ref.year + k, size * (index - 1) + 1, 1) for k in (-1, 0, 1)]
    return deictic(nearest_span(candidates, precision, ref, ctx.tense_for()), precision, ctx, tense_sensitive=True)


@resolver("quarter")
def _quarter(m, ctx):
    word = group(m, "ord")
    index = {"1st": 1, "2nd": 2, "3rd": 3, "4th": 4}.get(word) or ORDINALS[word]
    bare_last = word == "last" and not m["year"] and not m["rel"]
    return _part_of_year(m, ctx, index, 3, "quarter", bare_last)


@resolver("q_year")
def _q_year(m, ctx):
    return Resolved(date(int(m["year"]), 3 * int(m["q"][1]) - 2, 1), "quarter")


@resolver("half")
def _half(m, ctx):
    index = 1 if group(m, "h") in ("first", "1st") else 2
    return _part_of_year(m, ctx, index, 6, "half", False)


@resolver("month")
def _month(m, ctx):
    month = month_number(m["month"])
    which = squash(group(m, "which"))
    if ctx.reference is None:
        return Resolved(None, "month", "deictic", tense_sensitive=not which)
    ref = ctx.reference
    starts = [date(ref.year + k, month, 1) for k in (-1, 0, 1)]
    if which in ("last", "past", "this past"):
        value = max(s for s in starts if span_end(s, "month") < ref)
    elif which in ("next", "coming", "this coming"):
        value = min(s for s in starts if s > ref)
    elif which == "this":
        value = date(ref.year, month, 1)
    else:
        story = story_year(m, ctx, month)
        if story is not None:  # "in July 2014 and again in December": the story's year
            return Resolved(date(story, month, 1), "month", "chain", ctx.history[-1].value)
        return deictic(nearest_span(starts, "month", ref, ctx.tense_for()), "month", ctx, tense_sensitive=True)
    return deictic(value, "month", ctx)


def story_year(m: re.Match[str], ctx: Context, month: int) -> int | None:
    """The year of an explicit date earlier in the same sentence, when a bare month follows it in that year
    and nothing says the month is ahead of the reference."""
    if not ctx.history or ctx.tense_for() == "future":
        return None
    last = ctx.history[-1]
    if not last.explicit or last.precision not in ("day", "month") or last.end < 0 or month < last.value.month:
        return None
    if re.search(r"[.!?](?:\s|$)|\n", ctx.text[last.end : m.start()]):
        return None
    return last.value.year


@resolver("season")
def _season(m, ctx):
    return season_span(group(m, "which"), group(m, "season"), ctx)


def season_span(which: str, season: str, ctx: Context) -> Resolved:
    first_month = SEASON_START[season]
    if which == "that":
        return season_chain(ctx, first_month, 0)
    if ctx.reference is None:
        return Resolved(None, "season", "deictic", tense_sensitive=which in ("", "the"))
    ref = ctx.reference
    starts = [date(ref.year + k, first_month, 1) for k in (-2, -1, 0, 1)]
    if which in ("last", "past"):
        value = max(s for s in starts if span_end(s, "season") < ref)
    elif which in ("next", "coming"):
        value = min(s for s in starts if s > ref)
    elif which == "this":
        value = nearest_span(starts, "season", ref, None)
    else:
        return deictic(nearest_span(starts, "season", ref, ctx.tense_for()), "season", ctx, tense_sensitive=True)
    return deictic(value, "season", ctx)


