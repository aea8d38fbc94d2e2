"""What resolvers share: the context of an expression, what a resolver returns, and the helpers for
spans, durations and chains. Resolvers register themselves by rule name with @resolver."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from newsevents.dates.calendar import PRECISIONS, span_end, span_start
from newsevents.dates.tense import Tense


@dataclass(frozen=True)
class Anchor:
    """A date chains can start from: an earlier mention's span, or one given by the caller."""

    value: date
    precision: str
    end: int = -1  # where its expression ends in the text (-1: given by the caller)
    explicit: bool = False  # written with its year ("July 2014"), not worked out from the reference


@dataclass
class Context:
    text: str
    reference: date | None
    tense: Tense | None  # the caller's hint; None = guess from the words around each expression
    history: list[Anchor]  # the resolved dates before the expression, latest last
    guess: Callable[[], Tense | None]  # lazily guessed tense for this expression

    def tense_for(self) -> Tense | None:
        return self.tense if self.tense is not None else self.guess()

    def future_only(self) -> Tense | None:
        """The tense for choosing a year-less day ("on March 3"): the caller's tense, else only a guessed
        future. A wrong past cue would move a date a few days ahead back by a whole year."""
        if self.tense is not None:
            return self.tense
        return "future" if self.guess() == "future" else None


@dataclass(frozen=True)
class Resolved:
    value: date | None
    precision: str | None
    kind: str = "absolute"
    anchor: date | None = None
    tense_sensitive: bool = False
    timex_type: str = "DATE"
    detail: str | None = None


Resolver = Callable[[re.Match[str], Context], "Resolved | None"]
RESOLVERS: dict[str, Resolver] = {}  # rule name (patterns.RULES) -> resolver


def resolver(*names: str) -> Callable[[Resolver], Resolver]:
    """Register the decorated function as the resolver of the rules `names`."""

    def register(fn: Resolver) -> Resolver:
        for name in names:
            RESOLVERS[name] = fn
        return fn

    return register


def deictic(value: date | None, precision: str, ctx: Context, **kw) -> Resolved:
    """An expression relative to the reference date: unresolved without one."""
    if ctx.reference is None:
        return Resolved(None, precision, "deictic", None, **kw)
    return Resolved(value, precision, "deictic", ctx.reference, **kw)


def group(m: re.Match[str], name: str) -> str:
    return (m.groupdict().get(name) or "").lower()


def squash(s: str) -> str:
    return " ".join(s.lower().split())


def nearest_span(starts: list[date], precision: str, ref: date, tense: Tense | None) -> date:
    """The span (by first day) a reader means when no year is given: the one holding the reference, else the
    nearest, leaning to the past; a tense picks the last finished or the next one."""
    for s in starts:
        if s <= ref <= span_end(s, precision):
            return s
    if tense == "past":
        past = [s for s in starts if span_end(s, precision) < ref]
        if past:
            return max(past)
    if tense == "future":
        ahead = [s for s in starts if s > ref]
        if ahead:
            return min(ahead)
    # With no tense: the nearest span, a future one counted twice as far plus a month, because news
    # mostly reports what has happened ("in January" in September is this January, "in June" in May is
    # probably this June).
    return min(starts, key=lambda s: 2 * (s - ref).days + 30 if s > ref else (ref - span_end(s, precision)).days)


_DURATION_UNIT = {
    "second": "TS", "minute": "TM", "hour": "TH", "day": "D", "week": "W", "fortnight": "W", "month": "M",
    "quarter": "Q", "year": "Y", "decade": "DE", "centurie": "CE", "century": "CE",
}


def duration_value(n: int | float | None, unit: str) -> str:
    unit = unit.lower().rstrip("s") if unit.lower() != "centuries" else "centurie"
    code = _DURATION_UNIT[unit]
    if n is None:
        amount = "X"
    else:
        n = n * 2 if unit == "fortnight" else n
        amount = str(int(n)) if float(n).is_integer() else str(n)
    return f"PT{amount}{code[1]}" if code.startswith("T") else f"P{amount}{code}"


def fine_enough(anchor: Anchor, precision: str) -> bool:
    if anchor.precision == "weekend" and precision == "week":
        return True
    return PRECISIONS.index(anchor.precision) <= PRECISIONS.index(precision)


def chain_anchor(history: list[Anchor], precision: str) -> Anchor | None:
    """The date a chain counts from: the latest one precise enough. Coarser dates after it are passed over
    when they are comparisons ("up 3% from a year ago ... later in the day"), but an explicit date that does
    not hold it moves the story on ("in May 2014 ... in 2015 ... the next day": which day is not said)."""
    moved_on: list[Anchor] = []  # explicit coarser dates after the candidate
    for anchor in reversed(history):
        if fine_enough(anchor, precision):
            holds = all(a.value <= anchor.value <= span_end(a.value, a.precision) for a in moved_on)
            return anchor if holds else None
        if anchor.explicit:
            moved_on.append(anchor)
    return None


def chain(ctx: Context, precision: str, move: Callable[[Anchor], date | None], fallback: bool = False) -> Resolved:
    """Resolve against the previous date in the text (see _chain_anchor); unresolved when there is none.
    With `fallback`, the reference date stands in for a missing previous date."""
    anchor = chain_anchor(ctx.history, precision)
    if anchor is None and fallback and ctx.reference is not None:
        anchor = Anchor(ctx.reference, "day")
    if anchor is None:
        return Resolved(None, precision, "chain")
    value = move(anchor)
    return Resolved(span_start(value, precision) if value else None, precision, "chain", anchor.value)


def season_chain(ctx: Context, first_month: int, step: int) -> Resolved:
    """"that summer" (step 0), "the following spring" (1), "the previous winter" (-1), against the latest
    earlier date of any precision: a year is precise enough to place a season after or before it."""
    if not ctx.history:
        return Resolved(None, "season", "chain")
    anchor = ctx.history[-1]
    start, end = anchor.value, span_end(anchor.value, anchor.precision)
    starts = [date(y, first_month, 1) for y in range(start.year - 2, end.year + 3)]
    if step > 0:
        value = min(s for s in starts if s > end)
    elif step < 0:
        value = max(s for s in starts if span_end(s, "season") < start)
    else:
        value = date(start.year, first_month, 1)
    return Resolved(value, "season", "chain", anchor.value)
