"""Resolvers for dates written out: full dates, year-less days, holidays, months and seasons of a year,
years, decades and centuries."""

from __future__ import annotations

from datetime import date

from newsevents.dates.calendar import nearest, safe_date
from newsevents.dates.context import Context, Resolved, deictic, group, resolver, squash
from newsevents.dates.lexicon import HOLIDAYS, SEASON_START, month_number



@resolver("iso")
def _iso(m, ctx):
    d = safe_date(int(m["year"]), int(m["mnum"]), int(m["day"]))
    return Resolved(d, "day") if d and d.year >= 1000 else None


@resolver("slash")
def _slash(m, ctx):
    month, day, year = int(m["mnum"]), int(m["day"]), int(m["year"])
    if month > 12 >= day:  # 26/12/2015 is day first
        month, day = day, month
    if year < 100:
        pivot = (ctx.reference.year % 100 + 10) if ctx.reference else 30
        year += 2000 if year <= pivot else 1900
    d = safe_date(year, month, day)
    return Resolved(d, "day") if d else None


@resolver("mdy", "dmy")
def _full(m, ctx):
    d = safe_date(int(m["year"]), month_number(m["month"]), int(m["day"]))
    return Resolved(d, "day") if d else None


@resolver("md", "dm")
def _month_day(m, ctx):
    return _yearless(month_number(m["month"]), int(m["day"]), ctx)


def _yearless(month: int, day: int, ctx: Context) -> Resolved | None:
    if not 1 <= day <= 31 or safe_date(2016, month, day) is None:
        return None
    if ctx.reference is None:
        return Resolved(None, "day", "deictic", tense_sensitive=True)
    ref = ctx.reference
    candidates = [d for k in (-1, 0, 1) if (d := safe_date(ref.year + k, month, day))]
    return deictic(nearest(candidates, ref, ctx.future_only()), "day", ctx, tense_sensitive=True)


@resolver("holiday")
def _holiday(m, ctx):
    key = squash(m["holiday"]).replace("new years", "new year's").replace("valentines", "valentine's")
    month, day = HOLIDAYS[key]
    if m["year"]:
        return Resolved(date(int(m["year"]), month, day), "day")
    return _yearless(month, day, ctx)


@resolver("season_year")
def _season_year(m, ctx):
    return Resolved(date(int(m["year"]), SEASON_START[group(m, "season")], 1), "season")


@resolver("month_year")
def _month_year(m, ctx):
    return Resolved(date(int(m["year"]), month_number(m["month"]), 1), "month")


@resolver("fiscal")
def _fiscal(m, ctx):
    return Resolved(date(int(m["year"]), 1, 1), "year", detail="FY")


@resolver("two_digit_year")
def _two_digit_year(m, ctx):
    yy = int(m["yy"])
    pivot = ctx.reference.year if ctx.reference else 2030
    year = 2000 + yy if 2000 + yy <= pivot else 1900 + yy
    return Resolved(date(year, 1, 1), "year")


@resolver("year")
def _year(m, ctx):
    return Resolved(date(int(m["year"]), 1, 1), "year")


@resolver("decade")
def _decade(m, ctx):
    if m["dec"]:
        year = int(m["dec"])
    else:
        short = int(m["short"])
        pivot = ctx.reference.year if ctx.reference else 2030
        year = 2000 + short if 2000 + short <= pivot else 1900 + short
    return Resolved(date(year, 1, 1), "decade")


_CENTURY_WORDS = {"eighteenth": 18, "nineteenth": 19, "twentieth": 20, "twenty-first": 21}


@resolver("century")
def _century(m, ctx):
    c = int(m["c"]) if m["c"] else _CENTURY_WORDS[group(m, "cw")]
    return Resolved(date(max(1, (c - 1) * 100), 1, 1), "century") if 1 <= c <= 21 else None
