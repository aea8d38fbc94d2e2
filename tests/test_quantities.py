"""Number parsing: property tests and examples."""

from __future__ import annotations

from hypothesis import given, strategies as st

from newsevents.events.quantities import parse_number


def test_examples():
    assert parse_number("10,000") == 10000
    assert parse_number("$10 billion") == 1e10
    assert parse_number("at least 900") == 900
    assert parse_number("twenty-five") == 25
    assert parse_number("2.5 million") == 2.5e6
    assert parse_number("several") is None


@given(st.integers(min_value=0, max_value=10**12))
def test_formatted_integers_round_trip(n):
    assert parse_number(f"{n:,}") == n
    assert parse_number(str(n)) == n


@given(st.text(max_size=60))
def test_never_raises(text):
    value = parse_number(text)
    assert value is None or value >= 0
