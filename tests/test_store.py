"""The DuckDB store: bulk writes, idempotence, fused events kept in step, schema versions and migrations,
snapshots for readers. Queries over it: tests/test_query.py."""

from __future__ import annotations

import json
import random

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_fusion import _articles_of, mention_strategy

from newsevents.fusion import fuse
from newsevents.model import IngestError
from newsevents.store import SCHEMA_VERSION, Store, StoreError
from newsevents.store import query
from newsevents.store.database import open_reader
from newsevents.store.reader import Reader, snapshot_path

# The schemas of earlier releases, as they created their databases (for the migration tests).
V1_DDL = """
CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE articles (
    id VARCHAR PRIMARY KEY, path VARCHAR, url VARCHAR, title VARCHAR, outlet VARCHAR, authors VARCHAR[],
    published DATE, date_source VARCHAR, language VARCHAR, text VARCHAR, removed VARCHAR[],
    n_events INTEGER, ingested_at TIMESTAMP
);
CREATE TABLE actor_mentions (
    article_id VARCHAR, start_char INTEGER, end_char INTEGER, text VARCHAR, actor_id VARCHAR, name VARCHAR,
    country VARCHAR, sector VARCHAR, code VARCHAR, kind VARCHAR
);
CREATE TABLE places (
    article_id VARCHAR, start_char INTEGER, end_char INTEGER, text VARCHAR, name VARCHAR, country VARCHAR,
    lat DOUBLE, lon DOUBLE, feature VARCHAR, geonames_id BIGINT
);
CREATE TABLE events (
    id VARCHAR PRIMARY KEY, article_id VARCHAR, sentence VARCHAR, sentence_start INTEGER, sentence_end INTEGER,
    trigger_text VARCHAR, trigger_start INTEGER, trigger_end INTEGER,
    source_id VARCHAR, source_name VARCHAR, source_code VARCHAR, source_country VARCHAR, source_sector VARCHAR,
    source_text VARCHAR, source_start INTEGER, source_end INTEGER,
    target_id VARCHAR, target_name VARCHAR, target_code VARCHAR, target_country VARCHAR, target_sector VARCHAR,
    target_text VARCHAR, target_start INTEGER, target_end INTEGER,
    cameo VARCHAR, cameo_root VARCHAR, cameo_name VARCHAR, goldstein DOUBLE, quad_class INTEGER, plover VARCHAR,
    modality VARCHAR, attributed_id VARCHAR, attributed_name VARCHAR, attributed_code VARCHAR, attributed_text VARCHAR,
    date DATE, date_precision VARCHAR, date_text VARCHAR,
    location_name VARCHAR, location_country VARCHAR, location_lat DOUBLE, location_lon DOUBLE,
    location_feature VARCHAR, location_geonames_id BIGINT, location_text VARCHAR, location_start INTEGER, location_end INTEGER,
    quantities JSON
);
CREATE TABLE ingest_errors (origin VARCHAR, reason VARCHAR, "at" TIMESTAMP);
"""

V2_DDL = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS articles (
    id VARCHAR PRIMARY KEY, path VARCHAR, url VARCHAR, title VARCHAR, outlet VARCHAR, authors VARCHAR[],
    published DATE, date_source VARCHAR, date_confidence DOUBLE, fetched VARCHAR, language VARCHAR,
    duplicate_of VARCHAR, text_hash VARCHAR, text VARCHAR, removed VARCHAR[], n_events INTEGER, ingested_at TIMESTAMP
);
CREATE TABLE IF NOT EXISTS article_signatures (article_id VARCHAR PRIMARY KEY, signature BLOB);
CREATE TABLE IF NOT EXISTS article_bands (band SMALLINT, key BIGINT, article_id VARCHAR);
CREATE TABLE IF NOT EXISTS actor_mentions (
    article_id VARCHAR, start_char INTEGER, end_char INTEGER, text VARCHAR, actor_id VARCHAR, name VARCHAR,
    country VARCHAR, sector VARCHAR, code VARCHAR, kind VARCHAR
);
CREATE TABLE IF NOT EXISTS places (
    article_id VARCHAR, start_char INTEGER, end_char INTEGER, text VARCHAR, name VARCHAR, country VARCHAR,
    lat DOUBLE, lon DOUBLE, feature VARCHAR, geonames_id BIGINT
);
CREATE TABLE IF NOT EXISTS events (
    id VARCHAR PRIMARY KEY, article_id VARCHAR, sentence VARCHAR, sentence_start INTEGER, sentence_end INTEGER,
    trigger_text VARCHAR, trigger_start INTEGER, trigger_end INTEGER,
    source_id VARCHAR, source_name VARCHAR, source_code VARCHAR, source_country VARCHAR, source_sector VARCHAR,
    source_text VARCHAR, source_start INTEGER, source_end INTEGER,
    target_id VARCHAR, target_name VARCHAR, target_code VARCHAR, target_country VARCHAR, target_sector VARCHAR,
    target_text VARCHAR, target_start INTEGER, target_end INTEGER,
    cameo VARCHAR, cameo_root VARCHAR, cameo_name VARCHAR, goldstein DOUBLE, quad_class INTEGER, plover VARCHAR,
    modality VARCHAR, attributed_id VARCHAR, attributed_name VARCHAR, attributed_code VARCHAR, attributed_text VARCHAR,
    date DATE, date_precision VARCHAR, date_text VARCHAR,
    location_name VARCHAR, location_country VARCHAR, location_lat DOUBLE, location_lon DOUBLE,
    location_feature VARCHAR, location_geonames_id BIGINT, location_text VARCHAR, location_start INTEGER, location_end INTEGER,
    quantities JSON
);
CREATE TABLE IF NOT EXISTS ingest_errors (origin VARCHAR, reason VARCHAR, recorded_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS actor_layers (
    name VARCHAR PRIMARY KEY, position INTEGER, sources VARCHAR[], entries INTEGER, imported_at TIMESTAMP, content VARCHAR
);
"""


def _clusters(con) -> list[tuple[str, tuple[str, ...]]]:
    rows = con.execute("SELECT fused_id, list(event_id ORDER BY position) FROM fused_mentions GROUP BY 1 ORDER BY 1").fetchall()
    return [(fid, tuple(ids)) for fid, ids in rows]


def test_round_trip_and_idempotence(tmp_path, sample_articles):
    db = tmp_path / "s.duckdb"
    articles = list(sample_articles)
    with Store(db, batch_size=5) as store:
        store.begin_run("ingest", ["samples"])
        for a in articles + articles[:3]:
            store.add(a)
        store.add_error(IngestError("x.txt", "empty file"))
        store.end_run()
    assert store.added == 16 and store.skipped_existing == 3
    with Store(db) as store:
        for a in articles:
            store.add(a)
        store.flush()
        assert store.added == 0 and store.skipped_existing == 16
        stats = query.stats(store.con)
    n_events = sum(len(a.events) for a in articles)
    assert stats["articles"] == 16 and stats["mentions"] == n_events and stats["errors"] == 1
    con = open_reader(db)
    assert con.execute("SELECT count(*) FROM actor_mentions").fetchone()[0] == sum(len(a.actors) for a in articles)
    text, start, end, trigger = con.execute(
        "SELECT a.text, e.trigger_start, e.trigger_end, e.trigger_text FROM events e JOIN articles a ON a.id = e.article_id LIMIT 1"
    ).fetchone()
    assert text[start:end] == trigger
    # every date span, actor kind and run id is kept
    for text, start, end, date_text in con.execute(
        "SELECT a.text, e.date_start, e.date_end, e.date_text FROM events e JOIN articles a ON a.id = e.article_id WHERE e.date_text IS NOT NULL"
    ).fetchall():
        assert text[start:end] == date_text
    assert con.execute("SELECT count(*) FROM events WHERE source_code IS NOT NULL AND source_kind IS NULL").fetchone()[0] == 0
    run = con.execute("SELECT status, articles_added, errors, events FROM runs").fetchall()
    assert run == [("finished", 16, 1, n_events)]
    assert con.execute("SELECT count(DISTINCT run_id) FROM articles").fetchone()[0] == 1
    # every mention is in exactly one fused event, and the fused tables agree with fusing in memory
    assert con.execute("SELECT count(*), count(DISTINCT event_id) FROM fused_mentions").fetchone() == (n_events, n_events)
    expected = {e.id: tuple(e.mention_ids) for e in fuse(articles)}
    assert dict(_clusters(con)) == expected
    con.close()


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(mention_strategy, min_size=1, max_size=30, unique_by=lambda m: m.id), st.randoms(use_true_random=False))
def test_incremental_store_fusion_equals_fusing_everything(tmp_path_factory, mentions, rng):
    """Articles stored one batch at a time, in any order, give the fused events of one pass over all."""
    articles = _articles_of(mentions)
    expected = {e.id: tuple(e.mention_ids) for e in fuse(articles)}
    order = list(articles)
    rng.shuffle(order)
    db = tmp_path_factory.mktemp("inc") / "i.duckdb"
    with Store(db, batch_size=rng.choice([1, 2, 3]), publish_every=None) as store:
        for a in order:
            store.add(a)
    con = open_reader(db)
    try:
        assert dict(_clusters(con)) == expected
        n = con.execute("SELECT sum(n_mentions) FROM fused_events").fetchone()[0]
        assert n == len(mentions)
    finally:
        con.close()


def test_fused_rows_carry_names_counts_and_the_first_sentence(tmp_path, sample_articles):
    db = tmp_path / "f.duckdb"
    with Store(db) as store:
        for a in sample_articles:
            store.add(a)
    con = open_reader(db)
    rows = con.execute(
        "SELECT f.source_code, f.source_name, f.n_mentions, f.sentence, e.sentence, f.cameo_name, f.goldstein"
        " FROM fused_events f JOIN events e ON e.id = f.first_mention"
    ).fetchall()
    con.close()
    assert rows
    for code, name, n, sentence, first_sentence, cameo_name, goldstein in rows:
        assert n >= 1 and sentence == first_sentence and cameo_name and -10 <= goldstein <= 10
        assert (code is None) == (name is None)


def test_foreign_corrupt_or_newer_database_is_refused(tmp_path):
    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).execute("CREATE TABLE t (x INT)").close()
    with pytest.raises(StoreError, match="not a newsevents database"):
        Store(other, read_only=True)
    with pytest.raises(StoreError, match="not a newsevents database"):
        Store(other)
    db = tmp_path / "v.duckdb"
    Store(db).close()
    con = duckdb.connect(str(db))
    con.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(StoreError, match="schema version 999"):
        Store(db, read_only=True)
    with pytest.raises(StoreError, match="schema version 999"):
        Store(db)  # opening for writing must not overwrite the version either
    with pytest.raises(StoreError, match="no database"):
        Store(tmp_path / "missing.duckdb", read_only=True)
    junk = tmp_path / "junk.duckdb"
    junk.write_bytes(random.Random(1).randbytes(50_000))
    for read_only in (True, False):
        with pytest.raises(StoreError) as exc:
            Store(junk, read_only=read_only)
        assert "\n" not in str(exc.value) and "junk.duckdb" in str(exc.value)


def _old_database(path, ddl: str, version: int, articles) -> None:
    """A database as an earlier release wrote it, holding these articles' rows."""
    from newsevents.store.database import _actor_rows, _event_rows

    con = duckdb.connect(str(path))
    con.execute(ddl)
    if version > 1:
        con.execute("DELETE FROM meta")
    con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(version)])
    article_cols = [c[0] for c in con.execute("DESCRIBE articles").fetchall()]
    event_cols = [c[0] for c in con.execute("DESCRIBE events").fetchall()]
    for a in articles:
        row = {"id": a.id, "path": a.path, "url": a.url, "title": a.title, "outlet": a.outlet, "authors": a.authors,
               "published": a.published, "date_source": a.date_source, "language": a.language, "text": a.text,
               "removed": a.removed, "n_events": len(a.events), "ingested_at": "2020-01-01 00:00:00"}
        con.execute(f"INSERT INTO articles ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})", list(row.values()))
        for r in _actor_rows(a):
            con.execute(f"INSERT INTO actor_mentions ({', '.join(r)}) VALUES ({', '.join('?' for _ in r)})", list(r.values()))
        for r in _event_rows(a):
            r = {k: v for k, v in r.items() if k in event_cols}
            con.execute(f"INSERT INTO events ({', '.join(r)}) VALUES ({', '.join('?' for _ in r)})", list(r.values()))
    con.execute("INSERT INTO ingest_errors VALUES ('x.txt', 'empty', '2020-01-01 00:00:00')")
    assert set(article_cols) >= {"id", "text"}
    con.close()


@pytest.mark.parametrize("version", [1, 2])
def test_older_database_is_upgraded_in_place(tmp_path, sample_articles, version):
    articles = list(sample_articles)[:6]
    db = tmp_path / f"v{version}.duckdb"
    _old_database(db, V1_DDL if version == 1 else V2_DDL, version, articles)
    # read-only opens never change the file, and say how to upgrade it
    with pytest.raises(StoreError, match=f"schema version {version}.*newsevents upgrade --db"):
        Store(db, read_only=True)
    with Store(db) as store:
        assert store.upgraded == list(range(version + 1, SCHEMA_VERSION + 1))
    con = open_reader(db)
    try:
        n_events = sum(len(a.events) for a in articles)
        assert con.execute("SELECT count(*) FROM events").fetchone()[0] == n_events
        assert con.execute("SELECT count(*) FROM fused_mentions").fetchone()[0] == n_events
        assert dict(_clusters(con)) == {e.id: tuple(e.mention_ids) for e in fuse(articles)}
        assert con.execute("SELECT count(*) FROM ingest_errors WHERE recorded_at IS NOT NULL").fetchone()[0] == 1
        # the kinds and date spans earlier versions did not keep are recovered from the stored rows
        assert con.execute("SELECT count(*) FROM events WHERE source_code IS NOT NULL AND source_kind IS NULL").fetchone()[0] == 0
        for text, start, end, date_text in con.execute(
            "SELECT a.text, e.date_start, e.date_end, e.date_text FROM events e JOIN articles a ON a.id = e.article_id WHERE e.date_text IS NOT NULL"
        ).fetchall():
            assert start is not None and text[start:end] == date_text
        if version == 1:  # text hashes and fingerprints computed: copies arriving later are recognised
            assert con.execute("SELECT count(*) FROM articles WHERE text_hash IS NULL").fetchone()[0] == 0
            assert con.execute("SELECT count(*) FROM article_signatures").fetchone()[0] == len(articles)
    finally:
        con.close()
    from newsevents.ingest.dedup import DuplicateIndex

    if version > 1:
        return  # (our version-2 rows here have no fingerprints; a real version-2 ingest wrote them)
    with Store(db) as store:  # a copy of a stored article is found through the migrated fingerprints
        index = DuplicateIndex(lookup=store.find_copies)
        copy = articles[0].__class__(id="copy-of-0", text=articles[0].text + " Extra words.")
        assert index.original_of(copy) == articles[0].id


def test_failed_upgrade_leaves_the_file_unchanged(tmp_path, sample_articles, monkeypatch):
    db = tmp_path / "v2.duckdb"
    _old_database(db, V2_DDL, 2, list(sample_articles)[:2])
    from newsevents.store import migrations

    def broken(con):
        con.execute("ALTER TABLE articles ADD COLUMN half_done INTEGER")
        raise duckdb.ConversionException("simulated failure")

    monkeypatch.setitem(migrations.STEPS, 2, broken)
    with pytest.raises(StoreError, match="cannot upgrade .* from schema version 2.*unchanged"):
        Store(db)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == "2"
    assert "half_done" not in [c[0] for c in con.execute("DESCRIBE articles").fetchall()]
    con.close()


WRITER = """
import json, sys, time, pathlib
from newsevents.model import Article
from newsevents.store import Store
db, source, marker = sys.argv[1:4]
articles = [Article.from_dict(json.loads(line)) for line in open(source)]
store = Store(db, batch_size=1, publish_every=0)  # holds the file, as a long ingest does
pathlib.Path(marker).write_text("open")
for a in articles:
    store.add(a)  # batch_size=1: stored, fused and published one by one
    time.sleep(0.2)
pathlib.Path(marker).write_text("written")
time.sleep(3)
store.close()
"""


def test_reader_keeps_answering_while_an_ingest_writes(tmp_path, sample_articles):
    import subprocess
    import sys
    import time

    articles = list(sample_articles)
    db = tmp_path / "live.duckdb"
    with Store(db) as store:
        for a in articles[:8]:
            store.add(a)
    assert snapshot_path(db).exists()
    reader = Reader(db)
    source, marker = tmp_path / "rest.jsonl", tmp_path / "marker"
    source.write_text("".join(json.dumps(a.to_dict()) + "\n" for a in articles[8:]))
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(db), str(source), str(marker)])
    try:
        deadline = time.monotonic() + 60
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        with pytest.raises(StoreError, match="in use by another process"):
            open_reader(db)  # the database itself is locked by the writer...
        seen = []
        while time.monotonic() < deadline:
            with reader.cursor() as con:  # ...its snapshot is not: every read answers
                seen.append(query.stats(con)["articles"])
            if seen[-1] == 16:
                break
            time.sleep(0.1)
        assert seen[0] >= 8 and seen[-1] == 16 and seen == sorted(seen)
        assert marker.read_text() == "written" or writer.poll() is None  # read while the writer still held the file
    finally:
        writer.wait(timeout=60)
        reader.close()
    assert writer.returncode == 0


def test_reader_refuses_bad_databases_in_one_line(tmp_path):
    with pytest.raises(StoreError, match="no database"):
        Reader(tmp_path / "missing.duckdb")
    junk = tmp_path / "junk.duckdb"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(StoreError) as exc:
        Reader(junk)
    assert "\n" not in str(exc.value)
