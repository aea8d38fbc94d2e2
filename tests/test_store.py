"""The DuckDB store: bulk writes, idempotence, filters, schema version."""

from __future__ import annotations

import duckdb
import pytest

from newsevents.model import IngestError
from newsevents.store import Store, StoreError


def test_round_trip_and_idempotence(tmp_path, sample_articles):
    db = tmp_path / "s.duckdb"
    articles = list(sample_articles)
    with Store(db, batch_size=5) as store:
        for a in articles + articles[:3]:
            store.add(a)
        store.add_error(IngestError("x.txt", "empty file"))
    assert store.added == 16 and store.skipped_existing == 3
    with Store(db) as store:
        for a in articles:
            store.add(a)
        store.flush()
        assert store.added == 0 and store.skipped_existing == 16
        stats = store.stats()
    assert stats == {"articles": 16, "events": sum(len(a.events) for a in articles), "errors": 1}
    con = duckdb.connect(str(db), read_only=True)
    n_actors = con.execute("SELECT count(*) FROM actor_mentions").fetchone()[0]
    assert n_actors == sum(len(a.actors) for a in articles)
    text, start, end, trigger = con.execute(
        "SELECT a.text, e.trigger_start, e.trigger_end, e.trigger_text FROM events e JOIN articles a ON a.id = e.article_id LIMIT 1"
    ).fetchone()
    assert text[start:end] == trigger
    con.close()


def test_filters(tmp_path, sample_articles):
    db = tmp_path / "f.duckdb"
    with Store(db) as store:
        for a in sample_articles:
            store.add(a)
    with Store(db, read_only=True) as store:
        cols, rows = store.query_events(root="19")
        assert rows and all(r[cols.index("cameo")].startswith("19") for r in rows)
        cols, rows = store.query_events(actor="isis")
        assert rows
        cols, rows = store.query_events(since="2019-01-01", until="2019-12-31")
        assert rows and all(str(r[cols.index("date")]) >= "2019-01-01" for r in rows)
        cols, rows = store.query_events(actor="'; DROP TABLE events; --")
        assert rows == []
        assert store.stats()["events"] > 0
        assert store.top_dyads(3)


def test_foreign_or_newer_database_is_refused(tmp_path):
    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).execute("CREATE TABLE t (x INT)").close()
    with pytest.raises(StoreError, match="not a newsevents database"):
        Store(other, read_only=True)
    db = tmp_path / "v.duckdb"
    Store(db).close()
    con = duckdb.connect(str(db))
    con.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(StoreError, match="schema version 999"):
        Store(db, read_only=True)
    with pytest.raises(StoreError, match="schema version 999"):
        Store(db)  # opening for writing must not overwrite the version either
    with pytest.raises(StoreError, match="not a newsevents database"):
        Store(other)
    with pytest.raises(StoreError, match="no database"):
        Store(tmp_path / "missing.duckdb", read_only=True)
