"""The event coder on constructed sentences: roles, voice, light verbs, modality, attribution, dates."""

from __future__ import annotations

import pytest


def _events(extract, text, published="2016-03-24"):
    return extract(text, published=published).events


def _find(events, root):
    return [e for e in events if e.cameo_root == root]


def test_active_voice_source_and_target(extract):
    (e,) = _find(_events(extract, "Russian warplanes bombed ISIS positions near Palmyra on Tuesday."), "19")
    assert (e.source.code, e.target.actor_id) == ("RUSMIL", "isis")
    assert e.modality == "asserted"
    assert e.date == "2016-03-22" and e.date_precision == "day" and e.date_text == "on Tuesday"
    assert e.location.country == "SYR"
    assert e.goldstein < 0 and e.quad_class == 4 and e.plover == "ASSAULT"


def test_passive_voice(extract):
    (e,) = _find(_events(extract, "The Turkish convoy was attacked by PKK militants near Hakkari."), "19")
    assert e.source.actor_id == "pkk" and e.target.country == "TUR"


def test_light_verb_takes_the_noun_code(extract):
    events = _events(extract, "Turkey launched airstrikes against the PKK in northern Iraq yesterday.")
    (e,) = _find(events, "19")
    assert e.cameo.startswith("19") and e.source.country == "TUR" and e.target.actor_id == "pkk"
    assert e.date == "2016-03-23"


def test_modalities(extract):
    cases = {
        "Russia did not bomb Raqqa last week.": "negated",
        "Russia could strike ISIS in Libya.": "hypothetical",
        "Russia plans to strike ISIS in Libya.": "intended",
        "Russia will strike ISIS in Libya.": "intended",
        "Russia is going to strike ISIS in Libya.": "intended",
        "The Kremlin said that Russian jets had bombed ISIS in Syria.": "reported",
        "Russian jets bombed ISIS in Syria.": "asserted",
        # when the reporting verb's own act happened is the narrator's, what its complement tells is the speaker's
        "Chad announced sanctions a day after Sudanese jets bombed Adre.": "asserted",
        "Chad said Sudan imposed sanctions after Sudanese jets bombed Adre.": "reported",
    }
    for text, modality in cases.items():
        fights = _find(_events(extract, text), "19")
        assert fights, text
        assert fights[0].modality == modality, text


def test_attribution(extract):
    (e,) = _find(_events(extract, "The Kremlin said that Russian jets had bombed ISIS in Syria."), "19")
    assert e.attributed_to is not None and e.attributed_to.code == "RUSGOV"
    (e,) = _find(_events(extract, "According to the Syrian Observatory for Human Rights, Turkish jets struck the YPG."), "19")
    assert e.modality == "reported" and e.attributed_to is not None


def test_framing_statement_is_not_coded_twice(extract):
    events = _events(extract, "The Kremlin said that Russian jets had bombed ISIS in Syria.")
    assert not _find(events, "01")


def test_reciprocal_parties(extract):
    events = _find(_events(extract, "Saudi Arabia and Egypt signed agreements on investment on Wednesday."), "05")
    assert {(e.source.country, e.target.country) for e in events} == {("SAU", "EGY"), ("EGY", "SAU")}


def test_diplomacy(extract):
    (e,) = _find(_events(extract, "Putin met Erdogan in Sochi on Monday."), "04")
    assert {e.source.code, e.target.code} == {"RUSGOV", "TURGOV"}
    (e,) = _find(_events(extract, "The United States imposed sanctions on Iran."), "16")
    assert (e.source.country, e.target.country) == ("USA", "IRN")


def test_place_as_target(extract):
    (e,) = _find(_events(extract, "Libyan National Army aircraft struck Mitiga airport in Tripoli."), "19")
    assert e.target is not None and e.target.country == "LBY"


def test_quantities(extract):
    (e,) = [x for x in _events(extract, "Turkish jets struck PKK camps, killing at least 30 militants.") if x.quantities]
    q = e.quantities[0]
    assert (q.value, q.unit) == (30, "militant")


def test_offsets_point_into_the_text(extract):
    article = extract("Russian warplanes bombed ISIS positions near Palmyra on Tuesday, the ministry said.")
    for e in article.events:
        assert article.text[e.trigger.start : e.trigger.end] == e.trigger.text
        assert article.text[e.sentence_start : e.sentence_end] == e.sentence
        for actor in (e.source, e.target):
            if actor is not None:
                assert article.text[actor.start : actor.end] == actor.text


@pytest.mark.parametrize("text", ["", "The weather was nice.", "Nothing happened in the report at all today."])
def test_no_events_without_triggers(extract, text):
    if not text:
        with pytest.raises(ValueError):
            extract(text)
        return
    assert extract(text).events == []
