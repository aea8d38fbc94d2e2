"""Date expressions resolved against the publication date; property tests for the parser."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings, strategies as st

from newsevents.dates import DateMention, find_dates, find_timexes, parse_absolute_date, to_timex_value, with_tense
from newsevents.dates.calendar import PRECISIONS, coarse, span_end, span_start

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
        ("over the weekend", date(2015, 11, 14), "weekend"),
        ("on November 2", date(2015, 11, 2), "day"),
        ("on 2 November", date(2015, 11, 2), "day"),
        ("they fought in January", date(2015, 1, 1), "month"),
        ("they fought in December", date(2014, 12, 1), "month"),
        ("they will vote in December", date(2015, 12, 1), "month"),
        ("In October 2015", date(2015, 10, 1), "month"),
        ("in 1972", date(1972, 1, 1), "year"),
        ("a 1972 treaty", date(1972, 1, 1), "year"),
        ("the fall of 2015", date(2015, 9, 1), "season"),
        ("last month", date(2015, 10, 1), "month"),
        ("last year", date(2014, 1, 1), "year"),
        ("this week", date(2015, 11, 16), "week"),
        ("last week", date(2015, 11, 9), "week"),
        ("next month", date(2015, 12, 1), "month"),
        ("two years ago", date(2013, 1, 1), "year"),
        ("earlier this month", date(2015, 11, 1), "month"),
        ("on March 3, 2011", date(2011, 3, 3), "day"),
        ("2016-03-27", date(2016, 3, 27), "day"),
        ("26 Dec 2015", date(2015, 12, 26), "day"),
        ("the third quarter of 2015", date(2015, 7, 1), "quarter"),
        ("the 1990s", date(1990, 1, 1), "decade"),
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
    assert [m.precision for m in found] == ["day", "day"]
    assert find_dates("on 12 March 2016", None)[0].value == date(2016, 3, 12)
    assert find_dates("Exports fell last year and in March.", None)[0].value is None


def test_the_other_day_is_recognised_but_not_resolved():
    (m,) = find_dates("The minister said the other day that talks had stalled.", REF)
    assert (m.text, m.value, m.precision) == ("the other day", None, "day")
    assert to_timex_value(m) == "PAST_REF"


def test_not_dates():
    assert find_dates("the 10,000 troops and 25 aircraft", REF) == []
    assert find_dates("Russia may 5 times increase", REF) == []
    assert find_dates("we march on", REF) == []
    for text in ("May said the talks failed.", "the March 8 movement", "F-16 jets", "Resolution 2254", "45%",
                 "it paid $2015", "at 1900 GMT", "Some 1500 people fled.", "the Arab Spring", "the fall of Aleppo",
                 "in their 80s", "Flight 1972 landed", "Bloody Sunday", "June Carter sang"):
        assert find_dates(text, REF) == [], text


def test_chains_follow_the_previous_date():
    text = "On December 25, 2015, the rebels attacked; the very next day they withdrew, and two days later they returned."
    found = find_dates(text, None)
    assert [(m.text, m.value) for m in found] == [
        ("On December 25, 2015", date(2015, 12, 25)),
        ("the very next day", date(2015, 12, 26)),
        ("two days later", date(2015, 12, 28)),
    ]
    assert found[1].kind == "chain" and found[1].anchor == date(2015, 12, 25)
    week = find_dates("The ceasefire began on March 1, 2016. The following week, fighting resumed.", None)[1]
    assert (week.value, week.precision) == (date(2016, 3, 7), "week")
    before = find_dates("He resigned on June 9, 2017; the day before, he had met the president.", None)[1]
    assert before.value == date(2017, 6, 8)


def test_chains_with_nothing_before_them_stay_unresolved_unless_anchored():
    (m,) = find_dates("The next day, the rebels retreated.", REF)
    assert m.value is None and m.kind == "chain"
    (m,) = find_dates("The next day, the rebels retreated.", REF, anchor=date(2015, 11, 2))
    assert m.value == date(2015, 11, 3)
    # a month is too coarse for "the next day"; the chain skips back to a day it can count from
    text = "On 2 May 2014 the siege began; in 2015 it ended. The next day the army left."
    assert find_dates(text, None)[-1].value is None
    # a comparison or a date that holds it does not move the story on
    text = "Shares rose on 2 May 2014, up 3% from a year ago, and fell the next day."
    assert find_dates(text, REF)[-1].value == date(2014, 5, 3)
    text = "On 2 May 2014, the worst day of 2014, the siege began; the next day it ended."
    assert find_dates(text, REF)[-1].value == date(2014, 5, 3)


def test_tense_picks_the_occurrence_of_a_bare_weekday():
    assert find_dates("The ministers will meet on Friday.", REF)[0].value == date(2015, 11, 20)
    assert find_dates("The ministers met on Friday.", REF)[0].value == date(2015, 11, 13)
    assert find_dates("The election will be held on Saturday.", REF)[0].value == date(2015, 11, 21)
    assert find_dates("The border stays closed until Friday.", REF)[0].value == date(2015, 11, 20)
    assert find_dates("Troops had withdrawn by Friday.", REF)[0].value == date(2015, 11, 13)
    # the caller's tense (the pipeline's verb) overrides the guess
    assert find_dates("on Friday", REF, tense="future")[0].value == date(2015, 11, 20)
    assert find_dates("will meet on Friday", REF, tense="past")[0].value == date(2015, 11, 13)


def test_with_tense_re_resolves_only_tense_sensitive_mentions():
    (friday,) = find_dates("on Friday", REF)
    assert friday.tense_sensitive and friday.value == date(2015, 11, 13)
    moved = with_tense(friday, "future")
    assert (moved.value, moved.text, moved.future) == (date(2015, 11, 20), "on Friday", True)
    (fixed,) = find_dates("last Friday", REF)
    assert with_tense(fixed, "future") == fixed
    assert with_tense(friday, None) == friday


def test_future_is_flagged():
    nxt = find_dates("talks next Monday", REF)[0]
    assert nxt.value == date(2015, 11, 23) and nxt.future


def test_absolute_date_for_datelines():
    assert parse_absolute_date("Wednesday, November 18, 2015") == REF
    assert parse_absolute_date("Tuesday") is None
    assert parse_absolute_date("November 18") is None


def test_extent_drops_the_preposition_and_keeps_modifiers():
    (m,) = find_dates("It happened on Tuesday.", REF)
    assert (m.text, m.extent_text) == ("on Tuesday", "Tuesday")
    (m,) = find_dates("It was dissolved at the end of last year.", REF)
    assert (m.text, m.extent_text, m.value) == ("at the end of last year", "the end of last year", date(2014, 1, 1))
    (m,) = find_dates("Prices fell in early 2009.", REF)
    assert m.extent_text == "early 2009"


@pytest.mark.parametrize(
    ("text", "timex"),
    [
        ("on March 22, 2013", "2013-03-22"),
        ("in October 2015", "2015-10"),
        ("in 1972", "1972"),
        ("this week", "2015-W47"),
        ("over the weekend", "2015-W46-WE"),
        ("the summer of 2013", "2013-SU"),
        ("last winter", "2014-WI"),
        ("the first quarter of 2009", "2009-Q1"),
        ("the first half of 2009", "2009-H1"),
        ("fiscal 2008", "FY2008"),
        ("the 1990s", "199"),
        ("the 20th century", "19"),
        ("Friday morning", "2015-11-13TMO"),
        ("now", "PRESENT_REF"),
        ("recently", "PAST_REF"),
        ("in the future", "FUTURE_REF"),
        ("for two years", "P2Y"),
        ("nearly five months", "P5M"),
        ("for several years", "PXY"),
        ("three hours", "PT3H"),
    ],
)
def test_timex_values(text, timex):
    found = find_timexes(text, REF)
    assert found, text
    assert to_timex_value(found[0]) == timex


def test_timex_of_unresolved_mentions_has_placeholders():
    assert to_timex_value(find_dates("on Tuesday", None)[0]) == "XXXX-XX-XX"
    assert to_timex_value(find_dates("next month", None)[0]) == "XXXX-XX"


def test_durations_and_references_are_not_event_dates():
    text = "Now, after two years of talks, the deal was signed on Tuesday."
    assert [m.kind for m in find_timexes(text, REF)] == ["vague", "duration", "deictic"]
    assert [m.text for m in find_dates(text, REF)] == ["on Tuesday"]


@pytest.mark.parametrize(
    ("value", "precision", "expected"),
    [
        (date(2015, 11, 14), "day", (date(2015, 11, 14), "day")),
        (date(2015, 11, 16), "week", (date(2015, 11, 16), "month")),  # Mon 16 - Sun 22 November
        (date(2015, 11, 30), "week", (date(2015, 11, 30), "year")),  # runs into December
        (date(2015, 12, 28), "week", (None, None)),  # runs into 2016
        (date(2015, 9, 1), "season", (date(2015, 9, 1), "year")),
        (date(2015, 12, 1), "season", (None, None)),  # winter straddles New Year
        (date(2015, 7, 1), "quarter", (date(2015, 7, 1), "year")),
        (date(2015, 1, 1), "year", (date(2015, 1, 1), "year")),
        (date(1990, 1, 1), "decade", (None, None)),
        (None, "day", (None, None)),
    ],
)
def test_event_dates_use_the_data_models_precisions(value, precision, expected):
    mention = DateMention("x", 0, 1, value, precision)
    assert mention.event_date() == expected
    assert coarse(value, precision) == expected


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(2, 1, 1), max_value=date(9998, 12, 31)), st.sampled_from(PRECISIONS))
def test_spans_hold_the_day_they_were_made_from(d, precision):
    start = span_start(d, precision)
    if precision == "weekend":  # a weekday is in no weekend: it gets the weekend of its week
        assert start.weekday() == 5 and start.isocalendar()[:2] == d.isocalendar()[:2]
    elif d.year >= 100:
        assert start <= d <= span_end(start, precision)


_DATE_WORDS = st.sampled_from([
    "on", "in", "last", "next", "this", "the", "following", "day", "week", "month", "year", "ago", "later",
    "earlier", "Friday", "March", "May", "December 26", "2015", "'89", "the 1990s", "quarter", "spring", "fall",
    "weekend", "yesterday", "now", "two", "a fortnight", "9/11/2001", "2015-12-26", "mid-", "early", ",", ".",
    "before", "after", "that", "same", "will", "was", "until", "morning", "the other day", "Christmas", "Q3",
])


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200), st.dates(min_value=date(1950, 1, 1), max_value=date(2049, 12, 31)))
def test_parser_never_raises_and_offsets_hold(text, ref):
    for m in find_dates(text, ref):
        assert text[m.start : m.end] == m.text
        assert m.precision in PRECISIONS


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(st.text(max_size=200), st.lists(_DATE_WORDS, max_size=25).map(" ".join)),
    st.one_of(st.none(), st.dates()),
    st.sampled_from([None, "past", "future"]),
    st.one_of(st.none(), st.dates()),
)
def test_any_text_never_raises_and_offsets_slice_to_the_text(text, ref, tense, anchor):
    """Any text, any reference date (down to year 1 and up to 9999), tense and anchor: no exception, and
    every mention's offsets and extent slice back to its text."""
    for m in find_timexes(text, ref, tense=tense, anchor=anchor):
        assert text[m.start : m.end] == m.text
        s, e = m.extent
        assert m.start <= s < e == m.end and text[s:e] == m.extent_text
        assert isinstance(to_timex_value(m), str)
        assert with_tense(m, tense).text == m.text
    assert all(m.kind not in ("vague", "duration") for m in find_dates(text, ref, tense=tense, anchor=anchor))


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
        ahead = find_dates(f"They will meet on {name}.", ref)[0].value
        assert 0 <= (ahead - ref).days < 7 and ahead.strftime("%A") == name
