"""One event per real happening: tellings of the same act in several sentences of an article merge."""

from __future__ import annotations

from newsevents.events.merge import merge_article_events, same_happening
from newsevents.model import Actor, Event, Place, Span


def _actor(code: str, country: str | None, sector: str | None = None, kind: str = "country", start: int = 0) -> Actor:
    return Actor(code, start, start + len(code), code, code, country, sector, code, kind)


def _event(n, sentence_start, code, source, target, modality="asserted", date=None, date_text=None, place=None):
    return Event(
        id=f"e{n}", sentence=f"s{sentence_start}", sentence_start=sentence_start, sentence_end=sentence_start + 50,
        trigger=Span("struck", sentence_start + 5, sentence_start + 11), source=source, target=target, cameo=code,
        cameo_root=code[:2], cameo_name=code, goldstein=-10.0, quad_class=4, plover="ASSAULT", modality=modality,
        attributed_to=None, date=date, date_precision="day" if date else None, date_text=date_text, location=place,
    )


RUS = _actor("RUSMIL", "RUS", "MIL", "composite")
SYR = _actor("SYR", "SYR")
SYRHLH = _actor("SYRHLH", "SYR", "HLH", "composite")
TUR = _actor("TUR", "TUR")


def _place(country):
    return Place(country, 0, 3, country, country, 0.0, 0.0, "city")


def test_retold_strike_is_one_event_with_every_mention():
    events = [
        _event(1, 0, "195", RUS, SYR, date="2016-03-22", date_text="on Tuesday"),
        _event(2, 100, "190", RUS, SYRHLH, modality="reported"),
        _event(3, 200, "195", RUS, None),
    ]
    kept, mentions = merge_article_events(events)
    assert [e.id for e in kept] == ["e1"]
    assert [m.sentence_start for m in mentions["e1"]] == [0, 100, 200]
    assert kept[0].cameo == "195"


def test_the_more_specific_code_and_a_missing_target_are_taken_from_a_retelling():
    kept, _ = merge_article_events([_event(1, 0, "190", RUS, None), _event(2, 100, "195", RUS, SYR)])
    assert (kept[0].cameo, kept[0].target.code) == ("195", "SYR")


def test_acts_in_one_sentence_stay_apart():
    kept, _ = merge_article_events([_event(1, 0, "195", RUS, SYR), _event(2, 0, "190", RUS, SYR)])
    assert len(kept) == 2


def test_different_dates_places_targets_codes_and_modalities_stay_apart():
    first = _event(1, 0, "195", RUS, SYR, date="2016-03-22", date_text="on Tuesday", place=_place("SYR"))
    assert not same_happening(first, _event(2, 100, "195", RUS, SYR, date="2016-03-25", date_text="on Friday"))
    assert not same_happening(first, _event(2, 100, "195", RUS, SYR, place=_place("IRQ")))
    assert not same_happening(first, _event(2, 100, "195", RUS, TUR))
    assert not same_happening(first, _event(2, 100, "194", RUS, SYR))
    assert not same_happening(first, _event(2, 100, "195", RUS, SYR, modality="negated"))
    assert same_happening(first, _event(2, 100, "195", RUS, SYR, modality="reported"))


def test_an_asserted_retelling_makes_a_reported_event_asserted():
    kept, _ = merge_article_events([_event(1, 0, "195", RUS, SYR, modality="reported"), _event(2, 100, "195", RUS, SYR)])
    assert kept[0].modality == "asserted"
