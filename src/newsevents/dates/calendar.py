"""Calendar arithmetic on spans: a span is (first day, precision), as every DateMention stores it."""

from __future__ import annotations

from datetime import date, timedelta

# Every precision a mention can carry, finest first. `value` is always the first day of the span.
PRECISIONS = ("day", "weekend", "week", "month", "quarter", "season", "half", "year", "decade", "century")


def safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def add_months(d: date, n: int) -> date:
    """The first day of the month `n` months after `d`'s month."""
    y, m = divmod(d.year * 12 + d.month - 1 + n, 12)
    return date(y, m + 1, 1)


def monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def span_start(d: date, precision: str) -> date:
    """The first day of the span of `precision` that holds `d`."""
    if precision == "day":
        return d
    if precision == "weekend":
        return monday(d) + timedelta(days=5)
    if precision == "week":
        return monday(d)
    if precision == "month":
        return d.replace(day=1)
    if precision == "quarter":
        return date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)
    if precision == "half":
        return date(d.year, 1 if d.month <= 6 else 7, 1)
    if precision == "season":
        # December belongs to that year's winter; January and February to the previous year's.
        if d.month in (1, 2):
            return date(d.year - 1, 12, 1)
        return date(d.year, 3 * (d.month // 3), 1)
    if precision == "year":
        return date(d.year, 1, 1)
    if precision == "decade":
        return date(max(d.year // 10 * 10, 1), 1, 1)
    if precision == "century":
        return date(max(d.year // 100 * 100, 1), 1, 1)
    raise ValueError(precision)


def span_end(start: date, precision: str) -> date:
    """The last day of the span that begins on `start`."""
    months = {"month": 1, "quarter": 3, "season": 3, "half": 6, "year": 12, "decade": 120, "century": 1200}
    if precision == "day":
        return start
    if precision == "weekend":
        return start + timedelta(days=1)
    if precision == "week":
        return start + timedelta(days=6)
    if start.year + months[precision] // 12 > 9999:
        return date(9999, 12, 31)
    return add_months(start, months[precision]) - timedelta(days=1)


def shift(start: date, precision: str, n: int) -> date | None:
    """The span `n` units of `precision` after (n < 0: before) the span that begins on `start`."""
    try:
        if precision == "day":
            return start + timedelta(days=n)
        if precision in ("week", "weekend"):
            return start + timedelta(days=7 * n)
        months = {"month": 1, "quarter": 3, "season": 3, "half": 6, "year": 12, "decade": 120, "century": 1200}
        return add_months(start, months[precision] * n)
    except (OverflowError, ValueError):
        return None


def nearest(candidates: list[date], ref: date, tense: str | None, future_penalty: int = 30) -> date | None:
    """The candidate a reader means: the last one not after `ref` for the past tense, the first one not
    before it for the future; with no tense, the nearest one, leaning to the past as news does."""
    if not candidates:
        return None
    if tense == "past":
        past = [c for c in candidates if c <= ref]
        if past:
            return max(past)
    if tense == "future":
        ahead = [c for c in candidates if c >= ref]
        if ahead:
            return min(ahead)
    return min(candidates, key=lambda c: abs((c - ref).days) + (future_penalty if c > ref else 0))


def coarse(value: date | None, precision: str | None) -> tuple[date | None, str | None]:
    """The span in the event data model's precisions (day, month, year): the finest one that holds the whole
    span, with `value` still its first day. Spans longer than a year have no such precision: (None, None)."""
    if value is None or precision is None:
        return None, None
    if precision == "day":
        return value, "day"
    if precision in ("decade", "century"):
        return None, None
    end = span_end(value, precision)
    if (end.year, end.month) == (value.year, value.month):
        return value, "month"
    if end.year == value.year:
        return value, "year"
    return None, None  # a week or winter that straddles New Year
