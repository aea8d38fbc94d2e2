"""`newsevents export`: the events matching a filter, streamed to CSV, JSON Lines, Parquet, GDELT-style
TSV or GeoJSON (docs/export.md).

Rows are read from the database a batch at a time and written as they come, so memory does not grow
with the number of events: the query's sort and joins run under a fixed DuckDB memory budget and spill
to disk beyond it.
"""

from __future__ import annotations

import atexit
import itertools
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa

from newsevents.export import gdelt
from newsevents.export.target import STDOUT, ExportError, check_target, open_target
from newsevents.export.writers import WRITERS
from newsevents.store.filters import EventFilter

__all__ = ["FORMATS", "LEVELS", "ExportError", "export"]

FORMATS = ("csv", "jsonl", "parquet", "gdelt", "geojson")
LEVELS = ("fused", "mention")
BATCH_ROWS = 10_000
MEMORY_BUDGET_MB = 256  # DuckDB's budget for the query; doubled up to MAX_MEMORY_MB when a query needs more
MAX_MEMORY_MB = 4096
INTERNAL_COLUMNS = ("actor_keys",)  # the actor filter's search column: no data of its own
_FAR = date(9999, 12, 31)  # undated events sort last, as in the query layer
_WRITERS = {**WRITERS, "gdelt": gdelt.GdeltWriter}


def _stderr(message: str) -> None:
    print(f"newsevents export: {message}", file=sys.stderr)


def export(con: duckdb.DuckDBPyConnection, flt: EventFilter, fmt: str, output: str, level: str = "fused",
           notice: Callable[[str], None] | None = _stderr) -> int:
    """Write the events matching `flt` (fused events, or mentions with level "mention") to `output`
    ("-": standard output) in `fmt`; returns the number of rows written. Raises ExportError with a
    one-line message when the export cannot be done; `notice` hears about rows a format had to leave out."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; formats are {', '.join(FORMATS)}")
    if level not in LEVELS:
        raise ExportError(f"unknown level {level!r}; levels are {', '.join(LEVELS)}")
    if not output:
        raise ExportError("no output given: a file name, or - for standard output")
    if fmt == "parquet" and output == STDOUT:
        raise ExportError("Parquet cannot go to standard output (readers need to seek in the file): give a file name with -o")
    if fmt == "gdelt" and level == "mention":
        raise ExportError("GDELT rows are events, not mentions: export --format gdelt without --mentions "
                          "(or the mentions as csv, jsonl, parquet or geojson)")
    check_target(output, _database_path(con))
    metadata = _metadata(flt, level, fmt)
    with open_target(output) as sink, _memory_budget(con) as budget:
        schema, batches = _batches_within_budget(con, flt, fmt, level, budget)
        writer = _WRITERS[fmt](sink, schema, metadata)
        written = 0
        try:
            for batch in batches:
                written += writer.write(batch)
        except duckdb.Error as exc:
            raise ExportError(_db_message(exc)) from None
        writer.close()
    if writer.skipped and notice:
        notice(f"{writer.skipped} rows without coordinates left out (a GeoJSON feature needs a point)")
    return written


def _metadata(flt: EventFilter, level: str, fmt: str) -> dict[str, str]:
    from newsevents import __version__
    from newsevents.store.schema import SCHEMA_VERSION

    return {"newsevents.version": __version__, "newsevents.schema_version": str(SCHEMA_VERSION),
            "newsevents.level": level, "newsevents.format": fmt,
            "newsevents.filter": json.dumps(flt.as_params(), sort_keys=True, ensure_ascii=False)}


def _database_path(con: duckdb.DuckDBPyConnection) -> str | None:
    try:
        rows = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()
    except duckdb.Error:
        return None
    return rows[0][0] if rows and rows[0][0] else None


def _db_message(exc: duckdb.Error) -> str:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"reading the database failed: {first}"


# --- reading ---------------------------------------------------------------------------------------------


def _sql_batches(con, flt: EventFilter, fmt: str, level: str) -> Iterator[pa.RecordBatch]:
    """The rows to export, batch by batch, in the query layer's order (date, then id; undated last)."""
    if fmt == "gdelt":
        where, params = flt.where("fused", "f")
        reader = con.cursor().sql(gdelt.SQL.format(where=where), params=params + [_FAR]).to_arrow_reader(BATCH_ROWS)
        yield _empty(reader.schema)  # the schema, even when nothing matches
        yield from reader
        return
    from newsevents.store.query import stream

    yield _empty_batch(con, level)
    for batch in stream(con, flt, level, BATCH_ROWS):
        keep = [n for n in batch.schema.names if n not in INTERNAL_COLUMNS]
        yield batch.select(keep) if len(keep) < batch.num_columns else batch


def _empty_batch(con, level: str) -> pa.RecordBatch:
    """The columns stream() yields, with no rows: a file's schema when nothing matches. Kept in step with
    query.stream's SELECT (a test compares the two)."""
    if level == "fused":
        sql = "SELECT f.* FROM fused_events f LIMIT 0"
    else:
        sql = ("SELECT e.*, fm.fused_id, a.title AS article_title, a.outlet, a.url, a.published FROM events e"
               " JOIN articles a ON a.id = e.article_id LEFT JOIN fused_mentions fm ON fm.event_id = e.id LIMIT 0")
    schema = con.cursor().sql(sql).to_arrow_table().schema
    keep = [f for f in schema if f.name not in INTERNAL_COLUMNS]
    return _empty(pa.schema(keep))


def _empty(schema: pa.Schema) -> pa.RecordBatch:
    return pa.RecordBatch.from_pylist([], schema=schema)


def _batches_within_budget(con, flt, fmt, level, budget) -> tuple[pa.Schema, Iterator[pa.RecordBatch]]:
    """The schema and the batches. The query sorts (and joins) every matching row before the first one
    comes out; when that does not fit DuckDB's budget, it runs again with twice the budget, so that a big
    export is slower rather than impossible."""
    while True:
        batches = _sql_batches(con, flt, fmt, level)
        try:
            schema = next(batches).schema
            first = next(batches, None)  # runs the query up to its first rows
        except duckdb.OutOfMemoryException as exc:
            if not budget.grow():
                raise ExportError(f"{_db_message(exc)} (with {budget.mb} MB for DuckDB)") from None
            continue
        except duckdb.Error as exc:
            raise ExportError(_db_message(exc)) from None
        return schema, (batches if first is None else itertools.chain([first], batches))


class _Budget:
    def __init__(self, con, mb: int | None) -> None:
        self.con, self.mb = con, mb

    def grow(self) -> bool:
        if self.mb is None or self.mb >= MAX_MEMORY_MB:
            return False
        self.mb *= 2
        return _set(self.con, "memory_limit", f"{self.mb}MB")


def _set(con, name: str, value: str) -> bool:
    try:
        con.execute(f"SET {name} = '{value.replace(chr(39), chr(39) * 2)}'")
        return True
    except duckdb.Error:
        return False


def _setting(con, name: str) -> str | None:
    return con.execute("SELECT current_setting(?)", [name]).fetchall()[0][0]


def _restore(con, name: str, old: str | None) -> bool:
    """Put a setting back. RESET first: DuckDB prints sizes rounded ("18.8 GiB"), so setting the printed
    value again would not give back the default."""
    try:
        con.execute(f"RESET {name}")
    except duckdb.Error:
        pass
    return _setting(con, name) == old or (old is not None and _set(con, name, old))


def _writable(folder: str) -> bool:
    path = Path(folder)
    return os.access(path if path.exists() else path.parent, os.W_OK)


@contextmanager
def _memory_budget(con) -> Iterator[_Budget]:
    """Bound DuckDB's memory for the export, spilling to disk beyond it: into DuckDB's own temporary folder
    beside the database, or into one of ours when that folder cannot be written (a read-only share).
    The connection's settings are put back afterwards."""
    old_limit, old_temp = _setting(con, "memory_limit"), _setting(con, "temp_directory")
    spill = None
    if old_temp and not _writable(old_temp):
        spill = tempfile.mkdtemp(prefix="newsevents-export-")
        if not _set(con, "temp_directory", spill):  # DuckDB keeps a folder it has already used
            shutil.rmtree(spill, ignore_errors=True)
            spill = None
    # a limit below what DuckDB already holds (a busy shared connection) is refused: then run unbounded
    budget = _Budget(con, MEMORY_BUDGET_MB if _set(con, "memory_limit", f"{MEMORY_BUDGET_MB}MB") else None)
    try:
        yield budget
    finally:
        _restore(con, "memory_limit", old_limit)
        if spill:
            if _restore(con, "temp_directory", old_temp):
                shutil.rmtree(spill, ignore_errors=True)
            else:  # still DuckDB's until the connection closes
                atexit.register(shutil.rmtree, spill, True)
