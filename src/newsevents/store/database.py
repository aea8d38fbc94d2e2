"""The embedded DuckDB store, written by ingest. Schema in schema.py, documented in docs/schema.md.

Rows are buffered and written per batch as Arrow tables inside one transaction: DuckDB loads an
Arrow table over a hundred times faster than row-by-row inserts. Articles are keyed by the hash of
their clean text and where they were found, so ingesting the same input again adds nothing. Originals
keep a MinHash fingerprint (signature and LSH band keys) so that copies arriving in later runs are
recognised without loading every signature into memory. The batch's events are fused with the stored
ones in the same transaction (fusion_store.py), so the fused tables never lag the events.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from newsevents.fusion import FusionConfig
from newsevents.ingest.dedup import Fingerprint
from newsevents.model import Actor, Article, IngestError, Place, text_id
from newsevents.store.errors import StoreError
from newsevents.store.fusion_store import fuse_new_articles, load_config, refuse_all
from newsevents.store.migrations import migrate
from newsevents.store.schema import DDL, INDEXES, SCHEMA_VERSION

_ACTOR_SIDES = ("source", "target")


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _write_failure(exc: BaseException) -> bool:
    """Whether an error means the disk (or the file system) refused a write."""
    text = str(exc)
    return isinstance(exc, (duckdb.IOException, duckdb.FatalException, OSError)) or any(
        s in text for s in ("No space left", "File too large", "Could not write", "Read-only file system"))


def open_connection(path: str | Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection, or a StoreError that says in one line what is wrong with the file."""
    path = str(path)
    if read_only and not Path(path).exists():
        raise StoreError(f"no database at {path} (create one with `newsevents ingest PATH --db {path}`)")
    try:
        if not read_only:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return duckdb.connect(path, read_only=read_only)
    except duckdb.IOException as exc:
        message = str(exc)
        if "lock" in message.lower():
            raise StoreError(f"{path} is in use by another process (an ingest writing to it?): {message.splitlines()[0]}") from exc
        raise StoreError(f"cannot open database {path}: not a DuckDB database, or damaged ({message.splitlines()[0]})") from exc
    except (duckdb.Error, OSError) as exc:
        raise StoreError(f"cannot open database {path}: {str(exc).splitlines()[0]}") from exc


def schema_version(con: duckdb.DuckDBPyConnection, path: str) -> int | None:
    """The database's schema version; a StoreError when the file is not a newsevents database."""
    try:
        row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except duckdb.CatalogException as exc:
        raise StoreError(f"{path} is not a newsevents database") from exc
    try:
        return int(row[0]) if row else None
    except ValueError:
        return None


def check_version(con: duckdb.DuckDBPyConnection, path: str) -> None:
    version = schema_version(con, path)
    if version == SCHEMA_VERSION:
        return
    if version is not None and version < SCHEMA_VERSION:
        raise StoreError(
            f"{path} has schema version {version}, this newsevents reads version {SCHEMA_VERSION}: "
            f"upgrade it with `newsevents upgrade --db {path}` (keep a copy if an older newsevents still needs it)"
        )
    raise StoreError(f"{path} has schema version {version}, this newsevents reads version {SCHEMA_VERSION}")


class Store:
    """An open newsevents database. Use as a context manager, or call `close()`.

    Opening for writing creates a new database or upgrades an older one in place (one transaction);
    read-only opens never change the file."""

    def __init__(self, path: str | Path, read_only: bool = False, batch_size: int = 256, publish_every: float | None = 60.0) -> None:
        self.path = str(path)
        self.publish_every = publish_every  # seconds between snapshots for readers (reader.py); None: never
        self._published = time.monotonic()
        self.con = open_connection(self.path, read_only)
        self.read_only = read_only
        self.batch_size = batch_size
        self._pending: list[Article] = []
        self._pending_ids: set[str] = set()
        self._errors: list[IngestError] = []
        self._fingerprints: dict[str, Fingerprint] = {}
        self.added = 0  # articles written by this connection
        self.skipped_existing = 0  # articles not written because the database already had them
        self.upgraded: list[int] = []  # schema versions this open migrated through
        self.run_id: str | None = None
        self._run_counts = {"articles_added": 0, "duplicates": 0, "errors": 0, "events": 0}
        try:
            if not read_only:
                self._prepare()
            check_version(self.con, self.path)
        except StoreError:
            self.con.close()
            raise
        self.fusion_config: FusionConfig = load_config(self.con)

    def _prepare(self) -> None:
        tables = {r[0] for r in self.con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if tables and "meta" not in tables:
            raise StoreError(f"{self.path} is not a newsevents database")
        if not tables:
            self.con.execute(DDL)
            self.con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
        version = schema_version(self.con, self.path)
        if version is not None and version < SCHEMA_VERSION:
            try:
                self.upgraded = migrate(self.con, version, SCHEMA_VERSION)
            except duckdb.Error as exc:
                reason = str(exc).splitlines()[0]
                raise StoreError(f"cannot upgrade {self.path} from schema version {version}: {reason} (the file is unchanged)") from exc
        if version == SCHEMA_VERSION or self.upgraded:
            self.con.execute(INDEXES)
            # We hold the only write lock, so a run still marked running was stopped (killed, crashed):
            # its committed batches are stored, the rest will be when its command runs again.
            self.con.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            if not self.read_only:
                self.flush()
                if self.publish_every is not None:
                    self.publish()
        finally:
            try:
                self.con.close()
            except duckdb.Error:
                pass  # after a fatal write error there is nothing left to close cleanly

    def publish(self) -> None:
        """Publish the committed state as the snapshot readers use (see reader.py)."""
        from newsevents.store.reader import publish_snapshot

        try:
            publish_snapshot(self.con, self.path)
        except duckdb.Error as exc:
            if _write_failure(exc):
                raise self._write_error(exc) from exc
            raise
        self._published = time.monotonic()

    def _write_error(self, exc: BaseException) -> StoreError:
        reason = str(exc).splitlines()[0]
        return StoreError(
            f"cannot write to {self.path}: {reason}. Every batch before this one is stored; free some space"
            " (or choose another --db) and run the same command again to resume."
        )

    # -- runs ----------------------------------------------------------------------------------

    def begin_run(self, command: str, inputs: list[str]) -> str:
        """Record a run (ingest): what it read, when; articles and errors it stores carry its id."""
        from newsevents import __version__

        self.run_id = uuid.uuid4().hex[:16]
        self.con.execute(
            "INSERT INTO runs (id, command, inputs, version, started_at, status) VALUES (?, ?, ?, ?, ?, 'running')",
            [self.run_id, command, inputs, __version__, _now()],
        )
        return self.run_id

    def end_run(self, status: str = "finished") -> None:
        if self.run_id is None:
            return
        self.flush()
        self.con.execute("UPDATE runs SET finished_at = ?, status = ? WHERE id = ?", [_now(), status, self.run_id])

    def _journal(self, counts: dict[str, int]) -> None:
        if self.run_id is not None:
            self.con.execute(
                "UPDATE runs SET articles_added = ?, duplicates = ?, errors = ?, events = ? WHERE id = ?",
                [counts["articles_added"], counts["duplicates"], counts["errors"], counts["events"], self.run_id],
            )

    # -- writing -------------------------------------------------------------------------------

    def add(self, article: Article, fingerprint: Fingerprint | None = None) -> None:
        """Queue an article (and, for an original, its duplicate fingerprint) for the next bulk write;
        one already stored or queued is not added again."""
        if article.id in self._pending_ids:
            self.skipped_existing += 1
            return
        if fingerprint is not None:
            self._fingerprints[article.id] = fingerprint
        self._pending.append(article)
        self._pending_ids.add(article.id)
        if len(self._pending) >= self.batch_size:
            self.flush()

    def add_error(self, error: IngestError) -> None:
        self._errors.append(error)

    def flush(self) -> int:
        """Write queued articles not yet in the database, and fuse their events; returns how many were new."""
        articles, self._pending, self._pending_ids = self._pending, [], set()
        errors, self._errors = self._errors, []
        fingerprints, self._fingerprints = self._fingerprints, {}
        if not articles and not errors:
            return 0
        ids = [a.id for a in articles]
        existing = {r[0] for r in self.con.execute("SELECT id FROM articles WHERE id IN (SELECT UNNEST(?))", [ids]).fetchall()} if ids else set()
        new = [a for a in articles if a.id not in existing]
        now = _now()
        self.con.execute("BEGIN TRANSACTION")
        try:
            if new:
                self._insert("articles", _article_rows(new, now, self.run_id))
                self._insert("actor_mentions", [r for a in new for r in _actor_rows(a)])
                self._insert("places", [r for a in new for r in _place_rows(a)])
                self._insert("events", [r for a in new for r in _event_rows(a)])
                kept = [(a.id, fingerprints[a.id]) for a in new if a.id in fingerprints]
                self._insert("article_signatures", [{"article_id": i, "signature": f.signature} for i, f in kept])
                self._insert("article_bands", [{"band": b, "key": k, "article_id": i} for i, f in kept for b, k in f.bands])
                fuse_new_articles(self.con, new, self.fusion_config)
            if errors:
                self._insert("ingest_errors", [{"origin": e.origin, "reason": e.reason, "recorded_at": now, "run_id": self.run_id} for e in errors])
            counts = dict(self._run_counts)
            counts["articles_added"] += len(new)
            counts["duplicates"] += sum(1 for a in new if a.duplicate_of)
            counts["events"] += sum(len(a.events) for a in new)
            counts["errors"] += len(errors)
            self._journal(counts)  # the run's progress commits with the batch it counts
            self.con.execute("COMMIT")
        except Exception as exc:
            try:
                self.con.execute("ROLLBACK")
            except duckdb.Error:
                pass  # a fatal error has already ended the transaction and the connection
            if _write_failure(exc):
                raise self._write_error(exc) from exc
            raise
        self.skipped_existing += len(articles) - len(new)
        self.added += len(new)
        self._run_counts = counts
        if self.publish_every is not None and time.monotonic() - self._published > self.publish_every:
            self.publish()
        return len(new)

    def refuse(self, config: FusionConfig | None = None) -> int:
        """Fuse every stored event again, under `config` (kept for later runs) or the database's own."""
        self.flush()
        self.con.execute("BEGIN TRANSACTION")
        try:
            count = refuse_all(self.con, config or self.fusion_config)
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise
        self.fusion_config = load_config(self.con)
        return count

    def _insert(self, table: str, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        columns = [c[0] for c in self.con.execute(f"DESCRIBE {table}").fetchall()]
        arrow = pa.Table.from_pylist(rows)
        self.con.register("_batch", arrow)
        try:
            self.con.execute(f"INSERT INTO {table} SELECT {', '.join(_quote(c) for c in columns)} FROM _batch")
        finally:
            self.con.unregister("_batch")

    # -- reading during ingest -----------------------------------------------------------------

    def find_copies(self, text_hash: str, bands: list[tuple[int, int]]) -> tuple[str | None, list[tuple[str, bytes]]]:
        """Stored originals an article may copy: one with the same text, and those sharing an LSH band."""
        exact = self.con.execute(
            "SELECT id FROM articles WHERE text_hash = ? AND duplicate_of IS NULL ORDER BY ingested_at LIMIT 1", [text_hash]
        ).fetchone()
        near = self.con.execute(
            "SELECT DISTINCT s.article_id, s.signature FROM article_bands b JOIN article_signatures s USING (article_id)"
            " WHERE (b.band, b.key) IN (SELECT (UNNEST(?), UNNEST(?)))",
            [[b for b, _ in bands], [k for _, k in bands]],
        ).fetchall() if bands else []
        return (exact[0] if exact else None), [(i, bytes(sig)) for i, sig in near]

    # -- actor layers (`newsevents dict import --db`): JSON Lines text, applied in position order --------

    def put_actor_layer(self, name: str, content: str, sources: list[str], entries: int) -> None:
        """Store a layer; one of the same name is replaced and keeps its place in the order."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            row = self.con.execute("SELECT position FROM actor_layers WHERE name = ?", [name]).fetchone()
            position = row[0] if row else self.con.execute("SELECT coalesce(max(position), 0) + 1 FROM actor_layers").fetchone()[0]
            self.con.execute("DELETE FROM actor_layers WHERE name = ?", [name])
            self.con.execute("INSERT INTO actor_layers VALUES (?, ?, ?, ?, ?, ?)", [name, position, sources, entries, _now(), content])
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise

    def actor_layers(self, content: bool = True) -> list[tuple]:
        """(name, content) of each stored layer in order; with content=False (name, entries, sources, imported_at)."""
        columns = "name, content" if content else "name, entries, sources, imported_at"
        return self.con.execute(f"SELECT {columns} FROM actor_layers ORDER BY position, name").fetchall()

    def remove_actor_layer(self, name: str) -> bool:
        return bool(self.con.execute("DELETE FROM actor_layers WHERE name = ? RETURNING name", [name]).fetchall())


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _article_rows(articles: Iterable[Article], now: datetime, run_id: str | None) -> list[dict[str, Any]]:
    return [
        {
            "id": a.id, "path": a.path, "url": a.url, "title": a.title, "outlet": a.outlet, "authors": a.authors,
            "published": date.fromisoformat(a.published) if a.published else None, "date_source": a.date_source,
            "date_confidence": a.date_confidence, "fetched": a.fetched, "language": a.language,
            "duplicate_of": a.duplicate_of, "text_hash": text_id(a.text), "text": a.text, "removed": a.removed, "n_events": len(a.events), "ingested_at": now, "run_id": run_id,
        }
        for a in articles
    ]


def _actor_rows(a: Article) -> list[dict[str, Any]]:
    return [
        {"article_id": a.id, "start_char": m.start, "end_char": m.end, "text": m.text, "actor_id": m.actor_id,
         "name": m.name, "country": m.country, "sector": m.sector, "code": m.code, "kind": m.kind}
        for m in a.actors
    ]


def _place_rows(a: Article) -> list[dict[str, Any]]:
    return [
        {"article_id": a.id, "start_char": p.start, "end_char": p.end, "text": p.text, "name": p.name, "country": p.country,
         "lat": p.lat, "lon": p.lon, "feature": p.feature, "geonames_id": p.geonames_id}
        for p in a.places
    ]


def _side(prefix: str, actor: Actor | None) -> dict[str, Any]:
    fields = ("id", "name", "code", "country", "sector", "text", "start", "end", "kind")
    if actor is None:
        return {f"{prefix}_{f}": None for f in fields}
    values = (actor.actor_id, actor.name, actor.code, actor.country, actor.sector, actor.text, actor.start, actor.end, actor.kind)
    return {f"{prefix}_{f}": v for f, v in zip(fields, values)}


def _location(place: Place | None) -> dict[str, Any]:
    fields = ("name", "country", "lat", "lon", "feature", "geonames_id", "text", "start", "end")
    if place is None:
        return {f"location_{f}": None for f in fields}
    values = (place.name, place.country, place.lat, place.lon, place.feature, place.geonames_id, place.text, place.start, place.end)
    return {f"location_{f}": v for f, v in zip(fields, values)}


def _event_rows(a: Article) -> list[dict[str, Any]]:
    rows = []
    for e in a.events:
        row = {
            "id": e.id, "article_id": a.id, "sentence": e.sentence, "sentence_start": e.sentence_start,
            "sentence_end": e.sentence_end, "trigger_text": e.trigger.text, "trigger_start": e.trigger.start,
            "trigger_end": e.trigger.end, "cameo": e.cameo, "cameo_root": e.cameo_root, "cameo_name": e.cameo_name,
            "goldstein": e.goldstein, "quad_class": e.quad_class, "plover": e.plover, "modality": e.modality,
            "date": date.fromisoformat(e.date) if e.date else None, "date_precision": e.date_precision,
            "date_text": e.date_text, "date_start": e.date_start, "date_end": e.date_end, "quantities": json.dumps([q.to_dict() for q in e.quantities]),
        }
        for side in _ACTOR_SIDES:
            row.update(_side(side, getattr(e, side)))
        attributed = _side("attributed", e.attributed_to)
        row.update({k: attributed[k] for k in ("attributed_id", "attributed_name", "attributed_code", "attributed_text", "attributed_start", "attributed_end")})
        row.update(_location(e.location))
        rows.append(row)
    return rows


def open_reader(path: str | Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to a newsevents database of this schema version (StoreError otherwise)."""
    con = open_connection(path, read_only=True)
    try:
        check_version(con, str(path))
    except StoreError:
        con.close()
        raise
    return con
