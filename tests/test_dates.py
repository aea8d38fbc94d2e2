"""Date expressions resolved against the publication date; property tests for the parser."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings, strategies as st

from newsevents.dates.parse import find_dates, parse_absolute_date

REF = date(2015, 11, 18)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "value", "precision"),
    [
        ("yesterday's confirmation", date(2015, 11, 17), "day"),
        ("last Friday's attacks", date(2015, 11, 13), "day"),
        ("on Monday", date(2015, 11, 16), "day"),
        ("on Wednesday", date(2015, 11, 18), "day"),
        ("last Wednesday", date(2015, 11, 11), "day"),
        ("a fortnight ago", date(2015, 11, 4), "day"),
        ("three days ago", date(2015, 11, 15), "day"),
        ("over the weekend", date(2015, 11, 14), "day"),
        ("the very next day (December 26)", date(2015, 12, 26), "day"),
        ("on November 2", date(2015, 11, 2), "day"),
        ("on 2 November", date(2015, 11, 2), "day"),
        ("in January", date(2015, 1, 1), "month"),
        ("in December", date(2014, 12, 1), "month"),
        ("In October 2015", date(2015, 10, 1), "month"),
        ("in 1972", date(1972, 1, 1), "year"),
        ("the fall of 2015", date(2015, 9, 1), "year"),
        ("last month", date(2015, 10, 1), "month"),
        ("last year", date(2014, 1, 1), "year"),
        ("earlier this month", date(2015, 11, 1), "month"),
        ("on March 3, 2011", date(2011, 3, 3), "day"),
        ("2016-03-27", date(2016, 3, 27), "day"),
    ],
)
def test_expressions(text, value, precision):
    found = find_dates(text, REF)
    assert found, text
    assert (found[0].value, found[0].precision) == (value, precision)
    assert text[found[0].start : found[0].end] == found[0].text


def test_relative_dates_stay_unresolved_without_publication_date():
    found = find_dates("Yesterday the army said it struck on Tuesday", None)
    assert found and all(m.value is None for m in found)
    assert find_dates("on 12 March 2016", None)[0].value == date(2016, 3, 12)


def test_not_dates():
    assert find_dates("the 10,000 troops and 25 aircraft", REF) == []
    assert find_dates("Russia may 5 times increase", REF) == []
    assert find_dates("we march on", REF) == []


def test_future_is_flagged():
    nxt = find_dates("talks next Monday", REF)[0]
    assert nxt.value == date(2015, 11, 23) and nxt.future


def test_absolute_date_for_datelines():
    assert parse_absolute_date("Wednesday, November 18, 2015") == REF
    assert parse_absolute_date("Tuesday") is None


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200), st.dates(min_value=date(1950, 1, 1), max_value=date(2049, 12, 31)))
def test_parser_never_raises_and_offsets_hold(text, ref):
    for m in find_dates(text, ref):
        assert text[m.start : m.end] == m.text
        assert m.precision in ("day", "month", "year")


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)))
def test_written_dates_round_trip(d):
    for text in (d.strftime("%B %-d, %Y"), d.strftime("%-d %B %Y"), d.strftime("%d %b %Y"), d.isoformat()):
        found = find_dates(f"It happened on {text}.", None)
        assert found and found[0].value == d and found[0].precision == "day", text


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2049, 12, 31)), st.integers(min_value=1, max_value=30))
def test_days_ago_is_exact_and_weekdays_are_in_the_past_week(ref, n):
    assert find_dates(f"{n} days ago", ref)[0].value == ref - timedelta(days=n)
    for name in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"):
        value = find_dates(f"on {name}", ref)[0].value
        assert 0 <= (ref - value).days < 7 and value.strftime("%A") == name
