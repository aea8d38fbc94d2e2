"""Upgrading a database written by an older newsevents, one version step at a time, in one transaction.

Each step takes a connection whose database is at version N and leaves it at N + 1 (the caller sets the
version). A read-only open never migrates: it says which command upgrades the file.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from newsevents.store.schema import DDL


def _v1_to_v2(con: duckdb.DuckDBPyConnection) -> None:
    """Version 2 added duplicate detection and date confidence."""
    for column, kind in (("date_confidence", "DOUBLE"), ("fetched", "VARCHAR"), ("duplicate_of", "VARCHAR"), ("text_hash", "VARCHAR")):
        con.execute(f"ALTER TABLE articles ADD COLUMN IF NOT EXISTS {column} {kind}")
    con.execute("UPDATE articles SET text_hash = left(sha256(text), 16)")  # == model.text_id
    columns = {r[0] for r in con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'ingest_errors'").fetchall()}
    if "at" in columns:  # early version-1 files; later ones already said recorded_at
        con.execute("ALTER TABLE ingest_errors RENAME COLUMN \"at\" TO recorded_at")
    con.execute("CREATE TABLE IF NOT EXISTS article_signatures (article_id VARCHAR PRIMARY KEY, signature BLOB)")
    con.execute("CREATE TABLE IF NOT EXISTS article_bands (band SMALLINT, key BIGINT, article_id VARCHAR)")
    from newsevents.ingest.dedup import fingerprint  # the stored articles become findable originals

    rows = con.execute("SELECT id, text FROM articles").fetchall()
    for article_id, text in rows:
        fp = fingerprint(text or "")
        con.execute("INSERT INTO article_signatures VALUES (?, ?)", [article_id, fp.signature])
        con.executemany("INSERT INTO article_bands VALUES (?, ?, ?)", [[b, k, article_id] for b, k in fp.bands])


def _v2_to_v3(con: duckdb.DuckDBPyConnection) -> None:
    """Version 3 added fused events, runs, actor kinds and date spans; the stored events are fused here."""
    for table, column, kind in (
        ("articles", "run_id", "VARCHAR"), ("ingest_errors", "run_id", "VARCHAR"),
        ("events", "source_kind", "VARCHAR"), ("events", "target_kind", "VARCHAR"),
        ("events", "attributed_start", "INTEGER"), ("events", "attributed_end", "INTEGER"),
        ("events", "date_start", "INTEGER"), ("events", "date_end", "INTEGER"),
    ):
        con.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} {kind}")
    # kinds and spans were not stored before: take them from the actor mentions at the same offsets
    for side in ("source", "target"):
        con.execute(
            f"UPDATE events e SET {side}_kind = m.kind FROM actor_mentions m"
            f" WHERE m.article_id = e.article_id AND m.start_char = e.{side}_start AND m.end_char = e.{side}_end"
        )
    con.execute(
        "UPDATE events e SET date_start = e.sentence_start + strpos(e.sentence, e.date_text) - 1,"
        " date_end = e.sentence_start + strpos(e.sentence, e.date_text) - 1 + length(e.date_text)"
        " WHERE e.date_text IS NOT NULL AND strpos(e.sentence, e.date_text) > 0"
    )
    con.execute(DDL)  # the new tables
    from newsevents.store.fusion_store import refuse_all

    refuse_all(con)


# version N -> the step that makes it N + 1
STEPS: dict[int, Callable[[duckdb.DuckDBPyConnection], None]] = {1: _v1_to_v2, 2: _v2_to_v3}


def migrate(con: duckdb.DuckDBPyConnection, version: int, target: int) -> list[int]:
    """Run every step from `version` to `target` inside one transaction; return the versions passed."""
    passed = []
    con.execute("BEGIN TRANSACTION")
    try:
        while version < target:
            STEPS[version](con)
            version += 1
            passed.append(version)
        con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(version)])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return passed
