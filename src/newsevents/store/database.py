"""The embedded DuckDB store. Schema documented in docs/schema.md.

Rows are buffered and written per batch as Arrow tables inside one transaction: DuckDB loads an
Arrow table over a hundred times faster than row-by-row inserts. Articles are keyed by the hash of
their clean text and where they were found, so ingesting the same input again adds nothing. Originals
keep a MinHash fingerprint (signature and LSH band keys) so that copies arriving in later runs are
recognised without loading every signature into memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from newsevents.ingest.dedup import Fingerprint
from newsevents.model import Actor, Article, IngestError, Place, text_id

SCHEMA_VERSION = 2

_DDL = """
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

_ACTOR_SIDES = ("source", "target")


class StoreError(RuntimeError):
    pass


class Store:
    """An open newsevents database. Use as a context manager, or call `close()`."""

    def __init__(self, path: str | Path, read_only: bool = False, batch_size: int = 256) -> None:
        self.path = str(path)
        if read_only and not Path(self.path).exists():
            raise StoreError(f"no database at {self.path} (create one with `newsevents ingest PATH --db {self.path}`)")
        try:
            if not read_only:
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self.con = duckdb.connect(self.path, read_only=read_only)
        except (duckdb.Error, OSError) as exc:
            raise StoreError(f"cannot open database {self.path}: {exc}") from exc
        self.read_only = read_only
        self.batch_size = batch_size
        self._pending: list[Article] = []
        self._pending_ids: set[str] = set()
        self._errors: list[IngestError] = []
        self._fingerprints: dict[str, Fingerprint] = {}
        self.added = 0  # articles written by this connection
        self.skipped_existing = 0  # articles not written because the database already had them
        if not read_only:
            tables = {r[0] for r in self.con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
            if tables and "meta" not in tables:
                self.con.close()
                raise StoreError(f"{self.path} is not a newsevents database")
            self.con.execute(_DDL)
            self.con.execute(
                "INSERT INTO meta SELECT 'schema_version', ? WHERE NOT EXISTS (SELECT 1 FROM meta WHERE key = 'schema_version')",
                [str(SCHEMA_VERSION)],
            )
        self._check_version()

    def _check_version(self) -> None:
        try:
            row = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except duckdb.CatalogException as exc:
            raise StoreError(f"{self.path} is not a newsevents database") from exc
        if row is None or int(row[0]) != SCHEMA_VERSION:
            self.con.close()
            raise StoreError(f"{self.path} has schema version {row and row[0]}, this newsevents reads version {SCHEMA_VERSION}")

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if not self.read_only:
            self.flush()
        self.con.close()

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
        """Write queued articles not yet in the database; returns how many were new."""
        articles, self._pending, self._pending_ids = self._pending, [], set()
        errors, self._errors = self._errors, []
        fingerprints, self._fingerprints = self._fingerprints, {}
        if not articles and not errors:
            return 0
        ids = [a.id for a in articles]
        existing = {r[0] for r in self.con.execute("SELECT id FROM articles WHERE id IN (SELECT UNNEST(?))", [ids]).fetchall()} if ids else set()
        new = [a for a in articles if a.id not in existing]
        self.skipped_existing += len(articles) - len(new)
        self.added += len(new)
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        self.con.execute("BEGIN TRANSACTION")
        try:
            if new:
                self._insert("articles", _article_rows(new, now))
                self._insert("actor_mentions", [r for a in new for r in _actor_rows(a)])
                self._insert("places", [r for a in new for r in _place_rows(a)])
                self._insert("events", [r for a in new for r in _event_rows(a)])
                kept = [(a.id, fingerprints[a.id]) for a in new if a.id in fingerprints]
                self._insert("article_signatures", [{"article_id": i, "signature": f.signature} for i, f in kept])
                self._insert("article_bands", [{"band": b, "key": k, "article_id": i} for i, f in kept for b, k in f.bands])
            if errors:
                self._insert("ingest_errors", [{"origin": e.origin, "reason": e.reason, "recorded_at": now} for e in errors])
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise
        return len(new)

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

    # -- reading -------------------------------------------------------------------------------

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

    def query_events(
        self,
        actor: str | None = None,
        country: str | None = None,
        root: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int | None = None,
    ) -> tuple[list[str], list[tuple]]:
        """Events matching all the given filters, oldest first; every value is a bound parameter."""
        where, params = [], []
        if actor:
            like = f"%{actor.lower()}%"
            where.append(
                "(lower(source_id) = ? OR lower(target_id) = ? OR lower(source_code) = ? OR lower(target_code) = ?"
                " OR lower(source_name) LIKE ? OR lower(target_name) LIKE ?)"
            )
            params += [actor.lower()] * 4 + [like, like]
        if country:
            where.append("(source_country = ? OR target_country = ? OR location_country = ?)")
            params += [country.upper()] * 3
        if root:
            where.append("cameo_root = ?")
            params.append(root.zfill(2))
        if since:
            where.append("date >= CAST(? AS DATE)")
            params.append(since)
        if until:
            where.append("date <= CAST(? AS DATE)")
            params.append(until)
        sql = (
            "SELECT e.id, e.date, e.source_code, e.source_name, e.source_country, e.cameo, e.cameo_name,"
            " e.target_code, e.target_name, e.target_country,"
            " e.modality, e.goldstein, e.quad_class, e.plover, e.location_name, e.location_country,"
            " e.attributed_name, e.trigger_text, a.outlet, a.title, e.article_id, e.sentence"
            " FROM events e JOIN articles a ON a.id = e.article_id"
        )
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY e.date NULLS LAST, e.article_id, e.trigger_start"
        if limit:
            sql += f" LIMIT {int(limit)}"
        try:
            cur = self.con.execute(sql, params)
        except duckdb.ConversionException as exc:
            raise StoreError(f"bad filter value: {exc}") from exc
        return [d[0] for d in cur.description], cur.fetchall()

    def stats(self) -> dict[str, Any]:
        one = lambda sql: self.con.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "articles": one("SELECT count(*) FROM articles"),
            "events": one("SELECT count(*) FROM events"),
            "errors": one("SELECT count(*) FROM ingest_errors"),
        }

    # -- actor layers (`newsevents dict import --db`): JSON Lines text, applied in position order --------

    def put_actor_layer(self, name: str, content: str, sources: list[str], entries: int) -> None:
        """Store a layer; one of the same name is replaced and keeps its place in the order."""
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        self.con.execute("BEGIN TRANSACTION")
        try:
            row = self.con.execute("SELECT position FROM actor_layers WHERE name = ?", [name]).fetchone()
            position = row[0] if row else self.con.execute("SELECT coalesce(max(position), 0) + 1 FROM actor_layers").fetchone()[0]
            self.con.execute("DELETE FROM actor_layers WHERE name = ?", [name])
            self.con.execute("INSERT INTO actor_layers VALUES (?, ?, ?, ?, ?, ?)", [name, position, sources, entries, now, content])
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise

    def actor_layers(self, content: bool = True) -> list[tuple]:
        """(name, content) of each stored layer in order; with content=False (name, entries, sources, imported_at)."""
        if not self.con.execute("SELECT 1 FROM information_schema.tables WHERE table_name = 'actor_layers'").fetchone():
            return []  # a database written before layers existed, opened read-only
        columns = "name, content" if content else "name, entries, sources, imported_at"
        return self.con.execute(f"SELECT {columns} FROM actor_layers ORDER BY position, name").fetchall()

    def remove_actor_layer(self, name: str) -> bool:
        return bool(self.con.execute("DELETE FROM actor_layers WHERE name = ? RETURNING name", [name]).fetchall())

    def top_dyads(self, n: int = 10) -> list[tuple]:
        return self.con.execute(
            "SELECT source_code, target_code, count(*) AS events, round(avg(goldstein), 2) AS mean_goldstein"
            " FROM events WHERE source_code IS NOT NULL AND target_code IS NOT NULL"
            " GROUP BY 1, 2 ORDER BY events DESC, 1, 2 LIMIT ?",
            [n],
        ).fetchall()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _article_rows(articles: Iterable[Article], now: datetime) -> list[dict[str, Any]]:
    return [
        {
            "id": a.id, "path": a.path, "url": a.url, "title": a.title, "outlet": a.outlet, "authors": a.authors,
            "published": date.fromisoformat(a.published) if a.published else None, "date_source": a.date_source,
            "date_confidence": a.date_confidence, "fetched": a.fetched, "language": a.language,
            "duplicate_of": a.duplicate_of, "text_hash": text_id(a.text), "text": a.text, "removed": a.removed, "n_events": len(a.events), "ingested_at": now,
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
    fields = ("id", "name", "code", "country", "sector", "text", "start", "end")
    if actor is None:
        return {f"{prefix}_{f}": None for f in fields}
    values = (actor.actor_id, actor.name, actor.code, actor.country, actor.sector, actor.text, actor.start, actor.end)
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
            "date_text": e.date_text, "quantities": json.dumps([q.to_dict() for q in e.quantities]),
        }
        for side in _ACTOR_SIDES:
            row.update(_side(side, getattr(e, side)))
        attributed = _side("attributed", e.attributed_to)
        row.update({k: attributed[k] for k in ("attributed_id", "attributed_name", "attributed_code", "attributed_text")})
        row.update(_location(e.location))
        rows.append(row)
    return rows
