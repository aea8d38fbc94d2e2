"""Helpers for tests/test_parallel.py and tests/test_ray_engine.py: run the CLI, read a database back."""

from __future__ import annotations

from pathlib import Path

import duckdb

from newsevents.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "articles"
SEEDS = ROOT.parent / "shared" / "corpus" / "seeds"
CORPUS = [str(SAMPLE)] + ([str(SEEDS)] if SEEDS.is_dir() else [])

# Columns that say when or in which run a row was written, not what it holds.
_RUN_COLUMNS = {"ingested_at", "run_id", "recorded_at"}
TABLES = ("articles", "actor_mentions", "places", "events", "fused_events", "fused_mentions", "article_signatures",
          "article_bands", "ingest_errors")


def ingest(tmp_path: Path, name: str, *options: str, paths: list[str] = CORPUS) -> tuple[int, bytes, Path]:
    """`newsevents ingest PATHS --db … --jsonl …` in this process: exit code, JSON Lines bytes, database."""
    db, jsonl = tmp_path / f"{name}.duckdb", tmp_path / f"{name}.jsonl"
    code = main(["ingest", *paths, "--db", str(db), "--jsonl", str(jsonl), "-q", *options])
    return code, jsonl.read_bytes(), db


def db_contents(path: Path) -> dict[str, list[tuple]]:
    """Every stored row of the tables the pipeline writes, in a fixed order, without run bookkeeping."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        out = {}
        for table in TABLES:
            columns = [c[0] for c in con.execute(f"DESCRIBE {table}").fetchall() if c[0] not in _RUN_COLUMNS]
            select = ", ".join(f'"{c}"' for c in columns)
            out[table] = con.execute(f"SELECT {select} FROM {table} ORDER BY ALL").fetchall()
        return out
    finally:
        con.close()
