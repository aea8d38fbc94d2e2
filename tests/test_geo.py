"""Place recognition and resolution with article context."""

from __future__ import annotations

from newsevents.geo.gazetteer import key_variants, load_gazetteer, place_key


def _places(extract, text):
    return {p.text: p for p in extract(text).places}


def test_context_decides_between_homonyms(extract):
    syria = _places(extract, "Syrian troops and Russian jets fought ISIS around Palmyra, east of Homs in Syria.")
    assert syria["Palmyra"].country == "SYR"
    us = _places(extract, "The county fair in Palmyra, New York drew farmers from across the United States.")
    assert us["Palmyra"].country == "USA"
    libya = _places(extract, "Fighting in Libya: LNA forces shelled Tripoli as the Libyan government appealed for help.")
    assert libya["Tripoli"].country == "LBY"
    lebanon = _places(extract, "In Lebanon, the army deployed in Tripoli after clashes between Lebanese gunmen.")
    assert lebanon["Tripoli"].country == "LBN"


def test_actor_metonyms_are_not_places(extract):
    places = _places(extract, "Moscow said on Friday that talks would take place in Moscow next week.")
    assert len([p for p in extract("Moscow said on Friday that talks would take place in Moscow next week.").places]) == 1
    assert places["Moscow"].country == "RUS"


def test_region_words_and_features(extract):
    places = _places(extract, "Rebels advanced in Idlib province in northern Syria.")
    assert places["Idlib"].feature == "region"
    assert places["Syria"].feature == "country"


def test_transliteration_keys():
    assert place_key("Al-Qaryatayn") == "al qaryatayn"
    assert "qaryatayn" in key_variants("al-Qaryatayn")
    gaz = load_gazetteer()
    assert any(c.country == "SYR" for c in gaz.lookup("Tadmur"))
    assert any(c.country == "SYR" for c in gaz.lookup("al-Qaryatayn"))


def test_countries_sit_at_their_geonames_points():
    from newsevents.actors.kb import load_kb
    from newsevents.geo.gazetteer import country_points, load_gazetteer

    points = country_points()
    assert {e.id for e in load_kb().entries.values() if e.kind == "country"} <= set(points)
    gazetteer = load_gazetteer()
    russia = next(e for e in gazetteer.lookup("Russia") if e.feature == "country")
    assert (russia.lat, russia.lon) == (60.0, 100.0)  # not the mean of its towns, 2,000 km west
    usa = next(e for e in gazetteer.lookup("United States") if e.feature == "country")
    assert abs(usa.lat - 39.76) < 0.01 and abs(usa.lon + 98.5) < 0.01
