"""The HTTP API (docs/api.md) over the sample corpus plus a few articles of our own, checked against
independent SQL on the same database."""

from __future__ import annotations

import concurrent.futures
import importlib.util
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import warnings
from pathlib import Path

import duckdb
import pytest

from newsevents.api import create_app
from newsevents.api import docs_page
from newsevents.api.app import CSP, MAX_EXTRACT_CHARS
from newsevents.store import Store
from newsevents.store.errors import StoreError

with warnings.catch_warnings():
    # Starlette 1.10 prefers httpx2 for its test client; httpx (pinned) still works.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[1]
XSS = "<script>alert(1)</script>"
GONDAR = ("Ethiopian troops attacked rebel camps near Gondar on Sunday, the regional government said.\n\n"
          f"A statement posted on a rebel website, {XSS}, called the attack a massacre.\n")
GONDAR_AGAIN = "Ethiopian troops attacked rebel camps near Gondar on Sunday, officials in Amhara said."
LATE = "Iranian officials met Iraqi ministers in Baghdad on Monday to discuss border security."
HAS_UI = importlib.util.find_spec("newsevents.ui") is not None
ORDER = "ORDER BY coalesce(f.date, DATE '9999-12-31'), f.id"
EVENT_KEYS = {"id", "date", "date_precision", "cameo", "cameo_root", "cameo_name", "goldstein", "quad_class", "plover",
              "modality", "factual", "source", "target", "location", "mentions", "articles", "outlets", "first_report",
              "last_report", "confidence", "sentence"}
MENTION_KEYS = {"id", "article_id", "article_title", "outlet", "url", "published", "sentence", "sentence_start",
                "sentence_end", "trigger", "source", "target", "attributed_to", "cameo", "modality", "date",
                "date_precision", "date_text", "date_start", "date_end", "location", "quantities"}
ENDPOINTS = {"/events", "/events/{event_id}", "/articles/{article_id}", "/actors", "/dyads", "/timeline",
             "/places.geojson", "/stats"}


# --- fixtures --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def extra_articles(pipeline):
    """An article carrying markup, and a second outlet's report of its event (so min_sources=2 finds it)."""
    first = pipeline.extract_text(GONDAR, published="2019-05-06", title="Clash near Gondar <b>live</b>",
                                  outlet="Addis Wire", url="https://addis.example/gondar")
    second = pipeline.extract_text(GONDAR_AGAIN, published="2019-05-06", title="Gondar attack", outlet="Horn Daily",
                                   url="https://horn.example/gondar")
    assert first.events and second.events, "the extra articles should be coded"
    return first, second


@pytest.fixture(scope="module")
def db(tmp_path_factory, sample_articles, extra_articles) -> Path:
    path = tmp_path_factory.mktemp("api") / "news.duckdb"
    with Store(path) as store:  # closing publishes the snapshot the server reads
        for article in [*sample_articles, *extra_articles]:
            store.add(article)
    return path


@pytest.fixture(scope="module")
def con(db):
    """An independent read-only connection for the SQL the answers are checked against."""
    connection = duckdb.connect(str(db), read_only=True)
    yield connection
    connection.close()


def _sql(con, sql: str, params=()) -> list:
    return con.execute(sql, list(params)).fetchall()


@pytest.fixture(scope="module")
def app(db):
    application = create_app(str(db))
    yield application
    application.state.reader.close()


@pytest.fixture(scope="module")
def client(app):
    return TestClient(app)


@pytest.fixture(scope="module")
def total(con) -> int:
    return _sql(con, "SELECT count(*) FROM fused_events")[0][0]


@pytest.fixture(scope="module")
def xss_article(con) -> str:
    (article_id,) = _sql(con, "SELECT id FROM articles WHERE contains(text, ?)", [XSS])[0]
    return article_id


def _json(response, status: int = 200):
    assert response.status_code == status, response.text
    assert response.headers["content-type"].split(";")[0] == "application/json"
    return response.json()


def _geojson(response):
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == "application/geo+json"
    return response.json()


def _all_events(client, **params) -> list[dict]:
    out, cursor = [], None
    while True:
        page = _json(client.get("/events", params={**params, "limit": 500, **({"cursor": cursor} if cursor else {})}))
        out += page["events"]
        cursor = page["next_cursor"]
        if cursor is None:
            return out


# --- shapes ----------------------------------------------------------------------------------------------


def test_events_page_shape(client, con, total):
    page = _json(client.get("/events"))
    assert set(page) == {"events", "count", "next_cursor"}
    assert page["count"] == total and len(page["events"]) == min(50, total)
    for event in page["events"]:
        assert EVENT_KEYS <= set(event)
        for side in ("source", "target"):
            assert event[side] is None or {"code", "name", "country", "sector"} <= set(event[side])
        assert event["location"] is None or {"name", "country", "lat", "lon", "feature"} <= set(event["location"])
        assert event["quad_class"] in (None, 1, 2, 3, 4) and event["modality"] in (
            "asserted", "reported", "hypothetical", "intended", "negated")
    first = page["events"][0]
    row = _sql(con, "SELECT id, CAST(date AS VARCHAR), cameo, n_mentions, n_articles, source_code FROM fused_events f "
                    f"{ORDER} LIMIT 1")[0]
    assert (first["id"], first["date"], first["cameo"], first["mentions"], first["articles"],
            (first["source"] or {}).get("code")) == row


def test_event_detail_has_mentions_with_offsets_into_their_articles(client, con):
    (event_id,) = _sql(con, "SELECT id FROM fused_events ORDER BY n_mentions DESC, id LIMIT 1")[0]
    event = _json(client.get(f"/events/{event_id}"))
    assert EVENT_KEYS | {"mentions_detail", "outlet_names"} <= set(event)
    expected = [r[0] for r in _sql(con, "SELECT event_id FROM fused_mentions WHERE fused_id = ? ORDER BY position", [event_id])]
    assert [m["id"] for m in event["mentions_detail"]] == expected and len(expected) == event["mentions"] >= 2
    assert len(set(event["outlet_names"])) <= event["outlets"]  # articles with no outlet and no URL are unnamed
    for mention in event["mentions_detail"]:
        assert MENTION_KEYS <= set(mention)
        text = _json(client.get(f"/articles/{mention['article_id']}"))["text"]
        trigger = mention["trigger"]
        assert text[trigger["start"]:trigger["end"]] == trigger["text"]
        assert text[mention["sentence_start"]:mention["sentence_end"]] == mention["sentence"]
        for side in ("source", "target"):
            span = mention[side]
            if span and span.get("start") is not None:
                assert text[span["start"]:span["end"]] == span["text"]


def test_an_event_two_outlets_report(client, con):
    found = _json(client.get("/events", params={"q": "attacked rebel camps near Gondar", "min_sources": 2}))["events"]
    assert len(found) == 1
    event = _json(client.get(f"/events/{found[0]['id']}"))
    assert event["articles"] == event["outlets"] == 2 and event["outlet_names"] == ["Addis Wire", "Horn Daily"]
    assert {m["outlet"] for m in event["mentions_detail"]} == {"Addis Wire", "Horn Daily"}


def test_article_is_data_not_markup(client, xss_article):
    response = client.get(f"/articles/{xss_article}")
    article = _json(response)
    assert {"id", "title", "outlet", "url", "authors", "published", "language", "duplicate_of", "text", "actors",
            "places", "events"} <= set(article)
    assert "path" not in article  # where the ingest read it is none of a client's business
    assert XSS in article["text"] and article["title"] == "Clash near Gondar <b>live</b>"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert json.loads(response.content)["text"] == article["text"]  # a JSON string, whatever it holds
    assert article["events"] and all(e["fused_id"] for e in article["events"])
    for actor in article["actors"]:
        assert {"text", "start", "end", "code", "name", "kind"} <= set(actor)
        assert article["text"][actor["start"]:actor["end"]] == actor["text"]
    for place in article["places"]:
        assert {"text", "start", "end", "name", "country", "lat", "lon", "feature"} <= set(place)


def test_actors_and_dyads(client, con):
    actors = _json(client.get("/actors", params={"limit": 5}))["actors"]
    assert len(actors) == 5
    for a in actors:
        assert set(a) == {"code", "name", "country", "sector", "events", "as_source", "as_target"}
        assert a["events"] == a["as_source"] + a["as_target"]
        assert a["as_source"] == _sql(con, "SELECT count(*) FROM fused_events WHERE source_code = ?", [a["code"]])[0][0]
        assert a["as_target"] == _sql(con, "SELECT count(*) FROM fused_events WHERE target_code = ?", [a["code"]])[0][0]
    assert [a["events"] for a in actors] == sorted((a["events"] for a in actors), reverse=True)
    dyads = _json(client.get("/dyads"))["dyads"]
    pairs = _sql(con, "SELECT count(*) FROM (SELECT DISTINCT source_code, target_code FROM fused_events"
                      " WHERE source_code IS NOT NULL AND target_code IS NOT NULL)")[0][0]
    assert len(dyads) == min(100, pairs)
    for d in dyads:
        assert set(d) == {"source", "target", "events", "mentions", "mean_goldstein"}
        assert set(d["source"]) == set(d["target"]) == {"code", "name", "country"}
        n, mentions = _sql(con, "SELECT count(*), sum(n_mentions) FROM fused_events WHERE source_code = ? AND target_code = ?",
                           [d["source"]["code"], d["target"]["code"]])[0]
        assert (d["events"], d["mentions"]) == (n, mentions)
    assert [d["events"] for d in dyads] == sorted((d["events"] for d in dyads), reverse=True)


@pytest.mark.parametrize("by", ["day", "week", "month"])
def test_timeline(client, con, by):
    from datetime import date

    body = _json(client.get("/timeline", params={"by": by}))
    assert body["by"] == by
    buckets = body["buckets"]
    periods = [b["period"] for b in buckets]
    assert periods == sorted(periods) and len(set(periods)) == len(periods)
    for b in buckets:
        assert set(b) == {"period", "events", "mentions", "quad"} and set(b["quad"]) == {"1", "2", "3", "4"}
        day = date.fromisoformat(b["period"])
        assert by != "week" or day.weekday() == 0
        assert by != "month" or day.day == 1
    dated, mentions = _sql(con, "SELECT count(*), sum(n_mentions) FROM fused_events WHERE date IS NOT NULL")[0]
    assert sum(b["events"] for b in buckets) == dated
    assert sum(b["mentions"] for b in buckets) == mentions
    quads = dict(_sql(con, "SELECT quad_class, count(*) FROM fused_events WHERE date IS NOT NULL GROUP BY 1"))
    for q in "1234":
        assert sum(b["quad"][q] for b in buckets) == quads.get(int(q), 0)


def test_places_geojson_is_rfc7946(client, con):
    collection = _geojson(client.get("/places.geojson"))
    assert collection["type"] == "FeatureCollection" and set(collection) == {"type", "features"}
    located = _sql(con, "SELECT count(*) FROM fused_events WHERE location_lat IS NOT NULL AND location_lon IS NOT NULL")[0][0]
    assert len(collection["features"]) == located > 0
    for feature in collection["features"]:
        assert feature["type"] == "Feature" and isinstance(feature["id"], str)
        geometry = feature["geometry"]
        assert geometry["type"] == "Point" and len(geometry["coordinates"]) == 2
        lon, lat = geometry["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        props = feature["properties"]
        assert "location" not in props and {"place", "country"} <= set(props)
        assert EVENT_KEYS - {"location"} <= set(props)
        row = _sql(con, "SELECT location_lon, location_lat, location_name FROM fused_events WHERE id = ?", [feature["id"]])[0]
        assert (lon, lat, props["place"]) == row
    assert len(_geojson(client.get("/places.geojson", params={"limit": 3}))["features"]) == 3


def test_stats(client, con, total):
    stats = _json(client.get("/stats"))
    assert {"articles", "events", "mentions", "errors", "actors", "first_date", "last_date", "by_root", "by_modality",
            "schema_version"} <= set(stats)
    assert stats["articles"] == _sql(con, "SELECT count(*) FROM articles")[0][0]
    assert stats["events"] == total and sum(stats["by_root"].values()) == total
    assert stats["mentions"] == _sql(con, "SELECT sum(n_mentions) FROM fused_events")[0][0]
    assert stats["by_modality"] == dict(_sql(con, "SELECT modality, count(*) FROM fused_events GROUP BY 1"))
    assert (stats["first_date"], stats["last_date"]) == tuple(
        _sql(con, "SELECT CAST(min(date) AS VARCHAR), CAST(max(date) AS VARCHAR) FROM fused_events")[0])
    assert stats["schema_version"] == int(_sql(con, "SELECT value FROM meta WHERE key = 'schema_version'")[0][0])
    narrowed = _json(client.get("/stats", params={"root": "19"}))
    assert narrowed["articles"] == stats["articles"] and narrowed["events"] < total  # articles ignore the filters


# --- filters ---------------------------------------------------------------------------------------------

_MENTIONS_WHERE = "f.id IN (SELECT fm.fused_id FROM fused_mentions fm JOIN events e ON e.id = fm.event_id WHERE {})"
_ACTOR = _MENTIONS_WHERE.format(" OR ".join(
    f"contains(lower(e.{side}_{field}), ?)" for side in ("source", "target") for field in ("code", "id", "name")))

# (query parameters, the same question in SQL written here, its parameters)
FILTER_CASES = {
    "country": ({"country": "syr"}, "(f.source_country = 'SYR' OR f.target_country = 'SYR' OR f.location_country = 'SYR')", []),
    "root": ({"root": "19"}, "f.cameo_root = '19'", []),
    "roots": ({"root": "4,19"}, "f.cameo_root IN ('04', '19')", []),
    "code": ({"code": "190"}, "f.cameo LIKE '190%'", []),
    "plover": ({"plover": "assault,coerce"}, "f.plover IN ('ASSAULT', 'COERCE')", []),
    "quad": ({"quad": "4"}, "f.quad_class = 4", []),
    "quads": ({"quad": "1,3"}, "f.quad_class IN (1, 3)", []),
    "modality": ({"modality": "asserted,reported"}, "f.modality IN ('asserted', 'reported')", []),
    "asserted_only": ({"asserted_only": "true"}, "f.modality = 'asserted'", []),
    "since": ({"since": "2017-01-01"}, "f.date >= DATE '2017-01-01'", []),
    "until": ({"until": "2016-12-31"}, "f.date <= DATE '2016-12-31'", []),
    "since_until": ({"since": "2016-03-01", "until": "2016-12-31"}, "f.date BETWEEN DATE '2016-03-01' AND DATE '2016-12-31'", []),
    "actor_name": ({"actor": "Iraq"}, _ACTOR, ["iraq"] * 6),
    "actor_code": ({"actor": "USAGOV"}, _ACTOR, ["usagov"] * 6),
    "source": ({"source": "irq"}, "f.source_code LIKE 'IRQ%'", []),
    "target": ({"target": "IRQGOV"}, "f.target_code LIKE 'IRQGOV%'", []),
    "dyad": ({"dyad": "IRQGOV,FRA"}, "((f.source_code LIKE 'IRQGOV%' AND f.target_code LIKE 'FRA%')"
                                     " OR (f.source_code LIKE 'FRA%' AND f.target_code LIKE 'IRQGOV%'))", []),
    "place": ({"place": "Mosul"}, "(contains(lower(f.location_name), 'mosul') OR "
                                  + _MENTIONS_WHERE.format("contains(lower(e.location_text), 'mosul')") + ")", []),
    "bbox": ({"bbox": "35,32,48,38"}, "f.location_lon BETWEEN 35 AND 48 AND f.location_lat BETWEEN 32 AND 38", []),
    "min_sources": ({"min_sources": "2"}, "f.n_articles >= 2", []),
    "q": ({"q": "Attacked"}, _MENTIONS_WHERE.format("contains(lower(e.sentence), 'attacked')"), []),
    "combined": ({"country": "IRQ", "root": "19", "asserted_only": "1"},
                 "'IRQ' IN (f.source_country, f.target_country, f.location_country) AND f.cameo_root = '19'"
                 " AND f.modality = 'asserted'", []),
}


@pytest.mark.parametrize("name", list(FILTER_CASES))
def test_every_filter_narrows_and_agrees_with_sql(client, con, total, name):
    params, where, args = FILTER_CASES[name]
    expected = [r[0] for r in _sql(con, f"SELECT f.id FROM fused_events f WHERE {where} {ORDER}", args)]
    assert 0 < len(expected) < total, f"{name}: the sample should have some but not all events ({len(expected)})"
    page = _json(client.get("/events", params={**params, "limit": 500}))
    assert page["count"] == len(expected)
    assert [e["id"] for e in page["events"]] == expected
    located = set(r[0] for r in _sql(con, f"SELECT f.id FROM fused_events f WHERE {where} AND f.location_lat IS NOT NULL", args))
    features = _geojson(client.get("/places.geojson", params=params))
    assert {f["id"] for f in features["features"]} == located
    dated = _sql(con, f"SELECT count(*) FROM fused_events f WHERE {where} AND f.date IS NOT NULL", args)[0][0]
    assert sum(b["events"] for b in _json(client.get("/timeline", params=params))["buckets"]) == dated
    assert _json(client.get("/stats", params=params))["events"] == len(expected)
    sides = _sql(con, f"SELECT count(source_code) + count(target_code) FROM fused_events f WHERE {where}", args)[0][0]
    assert sum(a["events"] for a in _json(client.get("/actors", params={**params, "limit": 10000}))["actors"]) == sides


def test_like_wildcards_are_literal(client, con):
    """A % or _ in a filter is a character of the text, not a wildcard."""
    for value in ("%", "_"):
        expected = _sql(con, "SELECT count(*) FROM fused_events f WHERE " + _MENTIONS_WHERE.format(f"contains(e.sentence, '{value}')"))[0][0]
        assert _json(client.get("/events", params={"q": value}))["count"] == expected
    assert _json(client.get("/events", params={"place": "%"}))["count"] == 0


# --- paging ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("params, where", [
    ({}, "TRUE"),
    ({"country": "IRQ"}, "'IRQ' IN (f.source_country, f.target_country, f.location_country)"),
    ({"quad": "1,2"}, "f.quad_class IN (1, 2)"),
])
def test_cursor_walks_every_event_once_in_order(client, con, params, where):
    expected = [r[0] for r in _sql(con, f"SELECT f.id FROM fused_events f WHERE {where} {ORDER}")]
    seen, cursor, pages = [], None, 0
    while True:
        query = {**params, "limit": 7, **({"cursor": cursor} if cursor else {})}
        page = _json(client.get("/events", params=query))
        assert page["count"] == len(expected)  # the same on every page
        assert len(page["events"]) <= 7
        seen += [e["id"] for e in page["events"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
        assert len(page["events"]) == 7
    assert seen == expected
    assert pages == max(1, -(-len(expected) // 7))


@pytest.fixture(scope="module")
def big_client(db, tmp_path_factory):
    """A copy of the database with every fused event six times over, more than one full page."""
    path = tmp_path_factory.mktemp("big") / "big.duckdb"
    shutil.copyfile(db, path)
    with duckdb.connect(str(path)) as connection:
        connection.execute("INSERT INTO fused_events SELECT f.* REPLACE (f.id || '-' || CAST(t.r AS VARCHAR) AS id)"
                           " FROM fused_events f, range(1, 6) AS t(r)")
        n = connection.execute("SELECT count(*) FROM fused_events").fetchone()[0]
    application = create_app(str(path))
    yield TestClient(application), n
    application.state.reader.close()


def test_limit_is_capped_at_500(big_client):
    client, n = big_client
    assert n > 500
    page = _json(client.get("/events", params={"limit": 100000}))
    assert len(page["events"]) == 500 and page["count"] == n and page["next_cursor"]
    walked = _all_events(client)
    assert len(walked) == len({e["id"] for e in walked}) == n


# --- bad input -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path, params", [
    ("/events", {"since": "2016-13-45"}),
    ("/events", {"until": "yesterday"}),
    ("/events", {"root": "99"}),
    ("/events", {"bbox": "35,32,42"}),
    ("/events", {"bbox": "0,50,10,40"}),
    ("/events", {"quad": "7"}),
    ("/events", {"modality": "maybe"}),
    ("/events", {"cursor": "not-a-cursor!"}),
    ("/events", {"cursor": "WyJ4Il0"}),  # valid base64 of a JSON list that is no cursor
    ("/events", {"cursor": "x" * 600}),
    ("/events", {"min_sources": "-1"}),
    ("/events", {"min_sources": "many"}),
    ("/events", {"limit": "abc"}),
    ("/events", {"limit": "0"}),
    ("/events", {"country": "Syria"}),
    ("/events", {"dyad": "RUS"}),
    ("/events", {"asserted_only": "perhaps"}),
    ("/events", {"since": "2016-05-01", "until": "2016-01-01"}),
    ("/events", {"q": "x" * 201}),
    ("/timeline", {"by": "hour"}),
    ("/actors", {"code": "19a"}),
    ("/dyads", {"plover": "NOT A TYPE!"}),
    ("/places.geojson", {"limit": "-5"}),
    ("/stats", {"source": "' OR 1=1 --"}),
])
def test_malformed_parameters_are_422_json(client, path, params):
    body = _json(client.get(path, params=params), 422)
    assert isinstance(body["detail"], list) and body["detail"]
    for error in body["detail"]:
        assert {"loc", "msg", "type"} <= set(error)
        assert error["loc"][0] == "query" and isinstance(error["msg"], str) and error["msg"]
    filter_names = set(params)
    assert body["detail"][0]["loc"][-1] in filter_names | {"query"}


@pytest.mark.parametrize("params", [
    {"actor": "' OR 1=1 --"},
    {"actor": "x'); DROP TABLE events; --"},
    {"country": "SYR' --"},
    {"q": "'; DROP TABLE fused_events; --"},
    {"place": "' OR '1'='1"},
    {"source": "RUS'); DELETE FROM articles; --"},
    {"plover": "ASSAULT') OR ('1'='1"},
    {"dyad": "RUS,SYR' OR 1=1"},
    {"actor": "\x00"},
])
def test_injection_strings_are_data(client, con, params):
    before = _sql(con, "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM events), (SELECT count(*) FROM fused_events)")
    stats_before = _json(client.get("/stats"))
    response = client.get("/events", params=params)
    assert response.status_code in (200, 422), response.text
    if response.status_code == 200:
        assert response.json()["count"] == 0
    assert _sql(con, "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM events), (SELECT count(*) FROM fused_events)") == before
    assert _json(client.get("/stats")) == stats_before


def test_unknown_ids_are_404_json(client):
    for path in ("/events/fe0000000000000000", "/articles/0000000000000000", "/events/' OR 1=1 --", "/no-such-endpoint"):
        body = _json(client.get(path), 404)
        assert isinstance(body["detail"], str)
    assert _json(client.get("/events/nope"), 404) == {"detail": "no event nope"}


# --- /extract --------------------------------------------------------------------------------------------


def test_extract_is_absent_by_default(client):
    assert _json(client.post("/extract", json={"text": "Turkish jets struck PKK camps."}), 404)
    assert "/extract" not in client.get("/openapi.json").json()["paths"]


@pytest.fixture(scope="module")
def extract_client(db, pipeline):
    application = create_app(str(db), allow_extract=True)
    application.state.extractor.factory = lambda: pipeline  # the session's pipeline: no second load
    yield TestClient(application), application
    application.state.reader.close()


def test_extract_runs_the_pipeline(extract_client):
    client, application = extract_client
    assert application.state.extractor.pipeline is None  # loaded on first use, not at start
    text = "Turkish jets struck PKK camps in northern Iraq on Tuesday, the army said."
    article = _json(client.post("/extract", json={"text": text, "published": "2016-03-09", "title": "Raids"}))
    assert application.state.extractor.pipeline is not None
    assert article["text"] == text and article["published"] == "2016-03-09" and article["title"] == "Raids"
    assert {"id", "actors", "places", "events", "language"} <= set(article)
    (event,) = [e for e in article["events"] if e["trigger"]["text"] == "struck"]
    assert event["cameo_root"] == "19" and event["source"]["code"] == "TURMIL" and event["date"] == "2016-03-08"
    assert text[event["trigger"]["start"]:event["trigger"]["end"]] == "struck"
    # no publication date is fine too
    assert _json(client.post("/extract", json={"text": text}))["events"]


def test_extract_limits_and_validation(extract_client):
    client, _ = extract_client
    too_long = _json(client.post("/extract", json={"text": "a" * (MAX_EXTRACT_CHARS + 1)}), 413)
    assert "100,000" in too_long["detail"]
    huge = json.dumps({"text": "a" * 3_000_000}).encode()
    assert "bytes" in _json(client.post("/extract", content=huge, headers={"content-type": "application/json"}), 413)["detail"]
    chunked = client.post("/extract", content=iter([huge[i:i + 65536] for i in range(0, len(huge), 65536)]),
                          headers={"content-type": "application/json"})  # no Content-Length: counted as it comes
    assert "content-length" not in chunked.request.headers
    assert _json(chunked, 413)["detail"]
    # Escaped astral characters take 12 bytes each: the byte limit leaves room for them, the character rule answers.
    escaped = json.dumps({"text": "\N{FIRE}" * (MAX_EXTRACT_CHARS + 1)})
    assert len(escaped) > 1_200_000
    assert "characters" in _json(client.post("/extract", content=escaped, headers={"content-type": "application/json"}), 413)["detail"]
    for body in ({}, {"title": "no text"}, {"text": 42}, {"text": "x", "published": "2016-02-30"},
                 {"text": "x", "published": "28/03/2016"}, {"text": "x", "unknown": 1}):
        detail = _json(client.post("/extract", json=body), 422)["detail"]
        assert isinstance(detail, list) and detail[0]["msg"]
    assert _json(client.post("/extract", content=b"not json", headers={"content-type": "application/json"}), 422)
    assert client.get("/extract").status_code == 405


def test_extract_loads_once_and_runs_one_at_a_time(db):
    state = {"loads": 0, "running": 0, "most": 0}
    guard = threading.Lock()

    class SlowPipeline:
        def extract_text(self, text, **meta):
            with guard:
                state["running"] += 1
                state["most"] = max(state["most"], state["running"])
            time.sleep(0.05)
            with guard:
                state["running"] -= 1
            from newsevents.model import Article

            return Article(id="x", text=text)

    def factory():
        state["loads"] += 1
        time.sleep(0.1)
        return SlowPipeline()

    application = create_app(str(db), allow_extract=True)
    application.state.extractor.factory = factory
    client = TestClient(application)
    try:
        with concurrent.futures.ThreadPoolExecutor(6) as pool:
            codes = list(pool.map(lambda i: client.post("/extract", json={"text": f"text {i}"}).status_code, range(12)))
    finally:
        application.state.reader.close()
    assert codes == [200] * 12
    assert state["loads"] == 1 and state["most"] == 1


# --- opening a database ----------------------------------------------------------------------------------


def _foreign(path: Path) -> None:
    with duckdb.connect(str(path)) as connection:
        connection.execute("CREATE TABLE t (x INTEGER)")


def _corrupt(path: Path) -> None:
    path.write_bytes(os.urandom(64 * 1024))


@pytest.mark.parametrize("make, message", [
    (None, "no database"),
    (_corrupt, "cannot open database"),
    (lambda p: p.write_text("hello\n"), "cannot open database"),
    (_foreign, "not a newsevents database"),
    ("v999", "schema version 999"),
])
def test_unreadable_databases_raise_one_line_store_errors(tmp_path, db, make, message):
    path = tmp_path / "x.duckdb"
    if make == "v999":
        shutil.copyfile(db, path)
        with duckdb.connect(str(path)) as connection:
            connection.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    elif make is not None:
        make(path)
    with pytest.raises(StoreError) as info:
        create_app(str(path))
    assert message in str(info.value) and "\n" not in str(info.value)


def test_serve_on_a_missing_database_exits_2_with_one_line(tmp_path):
    run = subprocess.run([sys.executable, "-m", "newsevents", "serve", "--db", str(tmp_path / "missing.duckdb")],
                         capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("newsevents serve: error: no database at"), run.stderr
    assert "Traceback" not in run.stderr and run.stdout == ""


def test_serve_explains_a_snapshot_it_cannot_write(db, tmp_path, monkeypatch, capsys):
    from newsevents.api.serve import serve
    from newsevents.store import reader

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    path = tmp_path / "plain.duckdb"
    shutil.copyfile(db, path)  # no snapshot yet: the server would make one beside it
    monkeypatch.setattr(reader, "_copy_and_point", refuse)
    assert serve(str(path), port=8125) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("newsevents serve: error: cannot prepare a snapshot") and "Permission denied" in err[0]


def test_serve_warns_off_loopback_and_limits_hosts_on_it(db, monkeypatch, capsys):
    import uvicorn

    from newsevents.api import serve as serve_module

    calls = []

    def fake_run(app, **kw):  # instead of serving: ask the app as clients with these Host names would
        hosts = ("127.0.0.1:8124", "localhost:8124", "[::1]:8124", "rebound.example", "news.example", "127.0.0.1.evil.example")
        calls.append((kw, {h: TestClient(app, base_url=f"http://{h}").get("/stats").status_code for h in hosts}))

    monkeypatch.setattr(uvicorn, "run", fake_run)
    monkeypatch.setattr(serve_module, "can_listen", lambda host, port: None)  # bind nothing in this test
    assert serve_module.serve(str(db), host="0.0.0.0", port=8123) == 0
    out = capsys.readouterr()
    assert "warning" in out.err and "not a loopback address" in out.err and "http://0.0.0.0:8123/" in out.out
    assert calls[-1][0] == {"host": "0.0.0.0", "port": 8123, "log_level": "warning"}
    assert set(calls[-1][1].values()) == {200}  # bound to every address: any Host name

    assert serve_module.serve(str(db), host="127.0.0.1", port=8124) == 0
    out = capsys.readouterr()
    assert out.err == "" and "http://127.0.0.1:8124/" in out.out
    assert calls[-1][1] == {"127.0.0.1:8124": 200, "localhost:8124": 200, "[::1]:8124": 200, "rebound.example": 400,
                            "news.example": 400, "127.0.0.1.evil.example": 400}
    assert serve_module.serve(str(db), port=0) == 2
    assert "--port" in capsys.readouterr().err


def test_other_host_names_get_a_json_400(db):
    from newsevents.api.app import LOOPBACK_HOSTS

    application = create_app(str(db), allowed_hosts=LOOPBACK_HOSTS)
    try:
        response = TestClient(application, base_url="http://rebound.example").get("/events")
        assert "127.0.0.1" in _json(response, 400)["detail"]
        assert response.headers["x-content-type-options"] == "nosniff"
        assert TestClient(application, base_url="http://127.0.0.1").get("/events").status_code == 200
    finally:
        application.state.reader.close()


def test_is_loopback():
    from newsevents.api.serve import is_loopback

    assert all(is_loopback(h) for h in ("127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "192.168.1.10", "8.8.8.8"))


# --- documentation ---------------------------------------------------------------------------------------


def test_openapi_lists_every_endpoint_and_filter(client, extract_client):
    spec = _json(client.get("/openapi.json"))
    assert set(spec["paths"]) == ENDPOINTS
    for path in ("/events", "/actors", "/dyads", "/timeline", "/places.geojson", "/stats"):
        names = {p["name"] for p in spec["paths"][path]["get"]["parameters"]}
        assert {"actor", "source", "target", "dyad", "country", "root", "code", "plover", "quad", "modality",
                "asserted_only", "since", "until", "place", "bbox", "min_sources", "q"} <= names
    with_extract = _json(extract_client[0].get("/openapi.json"))
    assert set(with_extract["paths"]) == ENDPOINTS | {"/extract"}


def test_docs_page_works_offline(client):
    response = client.get("/docs")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = response.text
    for path in ENDPOINTS:
        assert f"<code>{path}</code>" in page
    assert "<script" not in page.lower()
    links = re.findall(r'(?:href|src)="([^"]*)"', page)
    assert links and all(link.startswith(("/", "#")) for link in links), links  # nothing from elsewhere
    style = client.get("/docs/style.css")
    assert style.status_code == 200 and style.headers["content-type"].startswith("text/css")
    assert client.get("/redoc").status_code == 404


def test_docs_page_escapes_everything():
    spec = {"info": {"title": "<script>alert(1)</script>", "description": "<img src=x onerror=alert(2)>"},
            "paths": {"/a<b>": {"get": {"summary": "<i>s</i>", "description": "\"'&",
                                        "parameters": [{"name": "<xp>", "in": "query", "description": "<xu>d</xu>",
                                                        "schema": {"type": "string", "default": "<xq>"}, "examples": ["<xe>"]}],
                                        "responses": {"200": {"description": "<ok>"}}}}}}
    page = docs_page.render(spec, "/openapi.json", "/docs/style.css")
    for raw in ("<script>", "<img", "<i>", "<xp>", "<xu>", "<xq>", "<xe>", "<ok>", "<b>"):
        assert raw not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&quot;&#x27;&amp;" in page


# --- headers and the dashboard ---------------------------------------------------------------------------


def test_security_headers_on_every_response(client):
    for path, status in (("/events", 200), ("/stats?root=99", 422), ("/events/nope", 404), ("/docs", 200),
                         ("/openapi.json", 200)):
        response = client.get(path)
        assert response.status_code == status
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["content-security-policy"] == CSP
    assert "default-src 'self'" in CSP and "script-src 'self'" in CSP and "unsafe-inline" not in CSP


@pytest.mark.skipif(not HAS_UI, reason="newsevents.ui (the dashboard) is not installed")
def test_dashboard_is_served_and_fits_the_csp(client):
    from newsevents.ui import STATIC_DIR

    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.headers["content-security-policy"] == CSP
    html = page.text
    # What the CSP forbids must not be in the page: inline scripts, inline styles, inline handlers.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html, re.I)
    assert not re.search(r"<style\b|\sstyle=|\son[a-z]+=", html, re.I)
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html, re.I)
    script = client.get("/static/app.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert script.headers["x-content-type-options"] == "nosniff"
    assert client.get("/static/style.css").headers["content-type"].startswith("text/css")
    for name in ("index.html", "app.js", "style.css"):
        assert client.get(f"/static/{name}").content == (STATIC_DIR / name).read_bytes()
    assert client.get("/static/no-such-file.js").status_code == 404
    assert client.get("/static/../world.py").status_code == 404
    assert client.get("/static/%2e%2e/world.py").status_code == 404


@pytest.mark.skipif(not HAS_UI, reason="newsevents.ui (the dashboard) is not installed")
def test_world_outlines(client):
    world = _json(client.get("/world.json"))
    assert world["type"] == "FeatureCollection" and len(world["features"]) > 200


def test_without_the_ui_the_api_still_works(db, monkeypatch):
    monkeypatch.setitem(sys.modules, "newsevents.ui", None)  # as if the package were missing
    application = create_app(str(db))
    try:
        client = TestClient(application)
        assert _json(client.get("/"), 503)["detail"]
        assert _json(client.get("/world.json"), 503)["detail"]
        assert client.get("/static/app.js").status_code == 404
        assert client.get("/stats").status_code == 200
    finally:
        application.state.reader.close()


# --- snapshots and concurrency ---------------------------------------------------------------------------


def test_keeps_answering_while_an_ingest_writes(db, tmp_path, pipeline):
    path = tmp_path / "live.duckdb"
    shutil.copyfile(db, path)
    application = create_app(str(path))
    try:
        client = TestClient(application)
        before = _json(client.get("/stats"))["articles"]
        late = pipeline.extract_text(LATE, published="2019-01-07", url="https://late.example/1")
        store = Store(path)  # the writer holds the file; the server reads its snapshot
        try:
            store.add(late)
            store.flush()
            assert _json(client.get("/stats"))["articles"] == before
        finally:
            store.close()  # publishes a new snapshot
        deadline = time.monotonic() + 10
        while _json(client.get("/stats"))["articles"] == before and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _json(client.get("/stats"))["articles"] == before + 1
        assert _json(client.get(f"/articles/{late.id}"))["text"] == LATE
    finally:
        application.state.reader.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_concurrent_requests_on_a_real_server(app, client):
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback only, never a proxy
    base = f"http://127.0.0.1:{port}"
    paths = ["/events?limit=20&country=IRQ", "/timeline?by=week"]
    expected = {p: client.get(p).json() for p in paths}

    def worker(n: int) -> list[tuple[int, bool]]:
        out = []
        for i in range(10):
            path = paths[(n + i) % 2]
            with opener.open(base + path, timeout=30) as response:
                out.append((response.status, json.loads(response.read()) == expected[path]))
        return out

    try:
        deadline = time.monotonic() + 20
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.started
        with concurrent.futures.ThreadPoolExecutor(20) as pool:
            results = [r for rs in pool.map(worker, range(20)) for r in rs]
    finally:
        server.should_exit = True
        thread.join(timeout=15)
    assert len(results) == 200 and all(status == 200 and same for status, same in results)
