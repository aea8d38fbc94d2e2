"""Filters (parsing, SQL) and the read queries over a database, checked against independent SQL."""

from __future__ import annotations

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsevents.store import Store, query
from newsevents.store.database import open_reader
from newsevents.store.filters import EventFilter, FilterError


@pytest.fixture(scope="module")
def con(tmp_path_factory, sample_articles):
    db = tmp_path_factory.mktemp("q") / "q.duckdb"
    with Store(db, publish_every=None) as store:
        for a in sample_articles:
            store.add(a)
    connection = open_reader(db)
    yield connection
    connection.close()


# --- parsing --------------------------------------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(EventFilter.NAMES), st.one_of(st.text(max_size=30), st.integers(-5, 30), st.booleans())))
def test_parse_accepts_or_explains_never_crashes(raw):
    try:
        flt = EventFilter.parse(**raw)
    except FilterError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    # what parses, prints back to parameters that parse to the same filter
    assert EventFilter.parse(**flt.as_params()) == flt
    sql, params = flt.where("fused")
    assert sql.count("?") == len(params)
    sql, params = flt.where("mention", "e")
    assert sql.count("?") == len(params)


@settings(max_examples=100, deadline=None)
@given(st.dates(), st.dates(), st.lists(st.integers(1, 20), min_size=1, max_size=4), st.sampled_from(["asserted", "reported,negated"]))
def test_valid_values_round_trip(since, until, roots, modality):
    since, until = min(since, until), max(since, until)
    flt = EventFilter.parse(since=since.isoformat(), until=until.isoformat(), root=",".join(map(str, roots)), modality=modality)
    assert flt.since == since and flt.until == until and set(flt.roots) == {f"{r:02d}" for r in roots}
    assert EventFilter.parse(**flt.as_params()) == flt


@pytest.mark.parametrize("raw, message", [
    ({"root": "99"}, "01 to 20"), ({"country": "Syria"}, "ISO 3166"), ({"bbox": "1,2,3"}, "four numbers"),
    ({"bbox": "0,50,10,40"}, "min_lon"), ({"since": "yesterday"}, "YYYY-MM-DD"), ({"quad": "7"}, "1 to 4"),
    ({"modality": "maybe"}, "asserted"), ({"min_sources": "-1"}, "at least 1"), ({"min_sources": "many"}, "whole number"),
    ({"dyad": "RUS"}, "two actor codes"), ({"source": "' OR 1=1 --"}, "actor code"), ({"asserted_only": "perhaps"}, "true or false"),
    ({"code": "19a"}, "CAMEO code"), ({"actor": "x" * 300}, "too long"), ({"nonsense": "1"}, "unknown filter"),
])
def test_bad_values_are_explained(raw, message):
    with pytest.raises(FilterError, match=message):
        EventFilter.parse(**raw)


def test_asserted_only_narrows_a_modality_list():
    assert EventFilter.parse(asserted_only="true").modality == ("asserted",)
    assert EventFilter.parse(asserted_only="true", modality="asserted,reported").modality == ("asserted",)
    assert EventFilter.parse(asserted_only="true", modality="negated").modality == ("-",)  # nothing matches


# --- queries against independent SQL ---------------------------------------------------------------------

def _count(con, where: str, params=()) -> int:
    return con.execute(f"SELECT count(*) FROM fused_events WHERE {where}", list(params)).fetchone()[0]


@pytest.mark.parametrize("raw, where, params", [
    ({"country": "SYR"}, "'SYR' IN (source_country, target_country, location_country)", []),
    ({"root": "19,18"}, "cameo_root IN ('18', '19')", []),
    ({"code": "19"}, "cameo LIKE '19%'", []),
    ({"quad": "1"}, "quad_class = 1", []),
    ({"asserted_only": "1"}, "modality = 'asserted'", []),
    ({"modality": "negated,hypothetical"}, "modality IN ('negated', 'hypothetical')", []),
    ({"since": "2018-01-01", "until": "2018-12-31"}, "date BETWEEN DATE '2018-01-01' AND DATE '2018-12-31'", []),
    ({"source": "TUR"}, "source_code LIKE 'TUR%'", []),
    ({"dyad": "AFG,AFG"}, "source_code LIKE 'AFG%' AND target_code LIKE 'AFG%'", []),
    ({"bbox": "35,32,42,37.5"}, "location_lon BETWEEN 35 AND 42 AND location_lat BETWEEN 32 AND 37.5", []),
    ({"min_sources": "1"}, "TRUE", []),
    ({"plover": "ASSAULT"}, "plover = 'ASSAULT'", []),
])
def test_filters_agree_with_plain_sql(con, raw, where, params):
    expected = _count(con, where, params)
    page = query.events_page(con, EventFilter.parse(**raw), limit=500)
    assert page["count"] == expected == len(page["events"])
    assert 0 < expected or raw.get("plover")


def test_text_actor_and_place_filters_reach_the_mentions(con):
    taliban = query.events_page(con, EventFilter.parse(actor="taliban"), limit=500)
    assert taliban["count"] > 0
    ids = {r[0] for r in con.execute(
        "SELECT fm.fused_id FROM fused_mentions fm JOIN events e ON e.id = fm.event_id"
        " WHERE e.source_id = 'taliban' OR e.target_id = 'taliban' OR e.source_code = 'AFGINSTAL' OR e.target_code = 'AFGINSTAL'"
    ).fetchall()}
    assert {e["id"] for e in taliban["events"]} >= ids
    q = query.events_page(con, EventFilter.parse(q="airstrike"), limit=500)
    assert all(any("airstrike" in m["sentence"].lower() for m in query.event_detail(con, e["id"])["mentions_detail"]) for e in q["events"])
    injected = query.events_page(con, EventFilter.parse(actor="' OR 1=1; DROP TABLE events; --"))
    assert injected["count"] == 0 and con.execute("SELECT count(*) FROM events").fetchone()[0] > 0


def test_cursor_pages_walk_every_event_once_in_order(con):
    total = _count(con, "TRUE")
    seen, cursor = [], None
    while True:
        page = query.events_page(con, EventFilter(), limit=7, cursor=cursor)
        assert page["count"] == total
        seen += [(e["date"] or "9999", e["id"]) for e in page["events"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == total == len(set(seen)) and seen == sorted(seen)
    with pytest.raises(FilterError):
        query.events_page(con, EventFilter(), cursor="not-a-cursor")
    assert len(query.events_page(con, EventFilter(), limit=10**6)["events"]) <= query.MAX_PAGE


def test_detail_article_and_aggregates(con):
    first = query.events_page(con, EventFilter(), limit=1)["events"][0]
    detail = query.event_detail(con, first["id"])
    assert len(detail["mentions_detail"]) == first["mentions"]
    for m in detail["mentions_detail"]:
        article = query.article_detail(con, m["article_id"])
        text = article["text"]
        assert text[m["trigger"]["start"]:m["trigger"]["end"]] == m["trigger"]["text"]
        assert text[m["sentence_start"]:m["sentence_end"]] == m["sentence"]
        if m["date_start"] is not None:
            assert text[m["date_start"]:m["date_end"]] == m["date_text"]
        for side in ("source", "target"):
            if m[side] and m[side]["start"] is not None:
                assert text[m[side]["start"]:m[side]["end"]] == m[side]["text"]
        assert all(text[a["start"]:a["end"]] == a["text"] for a in article["actors"])
        assert all(text[p["start"]:p["end"]] == p["text"] for p in article["places"])
        assert any(e["id"] == m["id"] and e["fused_id"] == first["id"] for e in article["events"])
    assert query.event_detail(con, "nope") is None and query.article_detail(con, "nope") is None
    total = _count(con, "TRUE")
    assert sum(b["events"] for b in query.timeline(con, EventFilter(), "month")) == _count(con, "date IS NOT NULL")
    for by in ("day", "week", "year"):
        assert sum(b["events"] for b in query.timeline(con, EventFilter(), by)) == _count(con, "date IS NOT NULL")
    weeks = query.timeline(con, EventFilter(), "week")
    from datetime import date

    assert all(date.fromisoformat(w["period"]).weekday() == 0 for w in weeks)
    dyads = query.dyads(con, EventFilter(), 1000)
    assert sum(d["events"] for d in dyads) == _count(con, "source_code IS NOT NULL AND target_code IS NOT NULL")
    actors = query.actors(con, EventFilter(), 1000)
    assert sum(a["as_source"] for a in actors) == _count(con, "source_code IS NOT NULL")
    stats = query.stats(con)
    assert stats["events"] == total and stats["mentions"] == con.execute("SELECT count(*) FROM events").fetchone()[0]
    features = query.geojson_features(con, EventFilter())
    assert len(features) == _count(con, "location_lat IS NOT NULL")
    assert all(-180 <= f["geometry"]["coordinates"][0] <= 180 and -90 <= f["geometry"]["coordinates"][1] <= 90 for f in features)
    with pytest.raises(FilterError):
        query.timeline(con, EventFilter(), "fortnight")


def test_streams_are_batched_and_complete(con):
    batches = list(query.stream(con, EventFilter(), "fused", batch_rows=10))
    assert sum(b.num_rows for b in batches) == _count(con, "TRUE") and max(b.num_rows for b in batches) <= 10
    mentions = list(query.stream(con, EventFilter.parse(root="19"), "mention", batch_rows=10))
    assert sum(b.num_rows for b in mentions) == con.execute("SELECT count(*) FROM events WHERE cameo_root = '19'").fetchone()[0]


def test_sql_is_read_only(con):
    cols, rows = query.read_only_sql(con, "SELECT count(*) AS n FROM articles")
    assert cols == ["n"] and rows[0][0] > 0
    from newsevents.store import StoreError

    with pytest.raises(StoreError, match="read-only"):
        query.read_only_sql(con, "DROP TABLE events")
    with pytest.raises(StoreError, match="SQL error"):
        query.read_only_sql(con, "SELEC 1")
    assert isinstance(con, duckdb.DuckDBPyConnection)
