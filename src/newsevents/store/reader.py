"""Read access for long-lived readers (the HTTP server) that must keep working while an ingest writes.

DuckDB lets one process write a database file, or many processes read it, never both at once. So a
reader does not hold the file an ingest writes to: it reads a snapshot, a copy that the writer
publishes after each run (and every `publish_every` seconds of a long run) by writing the copy beside
the database and pointing `DB.snapshot` at it with an atomic rename. The reader reopens when the
pointer names a newer snapshot. With no snapshot yet (a database written before snapshots existed), the reader makes
one itself when no writer holds the file.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from newsevents.store.database import open_reader
from newsevents.store.errors import StoreError

CHECK_EVERY = 1.0  # seconds between looks for a newer snapshot
KEEP = 2  # snapshot files kept: the newest, and the one before for readers that are just switching


def snapshot_path(db: str | Path) -> Path:
    """The pointer file naming the current snapshot. Each snapshot has a name of its own because DuckDB
    shares one open instance per path within a process: reopening a replaced file under the same name
    would show the old data."""
    db = Path(db)
    return db.with_name(db.name + ".snapshot")


def current_snapshot(db: str | Path) -> Path | None:
    pointer = snapshot_path(db)
    try:
        name = pointer.read_text("utf-8").strip()
    except OSError:
        return None
    path = pointer.with_name(name)
    return path if name and path.exists() else None


def _copy_and_point(db: Path, wal: bool) -> Path:
    """Copy the database to a new snapshot file, then point readers at it (an atomic rename)."""
    pointer = snapshot_path(db)
    target = pointer.with_name(f"{pointer.name}.{time.time_ns()}")
    partial = target.with_name(target.name + ".partial")
    try:
        return _copy(db, wal, pointer, target, partial)
    except OSError as exc:
        raise StoreError(f"cannot write the snapshot readers use beside {db}: {exc.strerror or exc}") from exc


def _copy(db: Path, wal: bool, pointer: Path, target: Path, partial: Path) -> Path:
    try:
        shutil.copyfile(db, partial)
        if wal and Path(str(db) + ".wal").exists():  # an unclean stop left committed work in the log
            shutil.copyfile(Path(str(db) + ".wal"), Path(str(target) + ".wal"))
        os.replace(partial, target)
        tmp_pointer = pointer.with_name(pointer.name + f".{os.getpid()}.tmp")
        tmp_pointer.write_text(target.name, "utf-8")
        os.replace(tmp_pointer, pointer)
    finally:
        if partial.exists():
            partial.unlink()
    old = sorted(p for p in pointer.parent.glob(pointer.name + ".*") if p.suffix[1:].isdigit())
    for stale in old[:-KEEP]:
        for path in (stale, Path(str(stale) + ".wal")):
            path.unlink(missing_ok=True)  # a reader still holding it keeps reading: POSIX unlinks lazily
    return target


def publish_snapshot(con: duckdb.DuckDBPyConnection, db: str | Path) -> Path:
    """Publish the database's committed state for readers. Called by the writer, which holds the file, so
    nothing changes during the copy; the checkpoint puts every committed write into the file itself."""
    con.execute("CHECKPOINT")
    return _copy_and_point(Path(db), wal=False)


def _snapshot_from_idle_database(db: Path) -> Path:
    """Make a snapshot of a database no writer holds: the read-only open keeps writers out meanwhile."""
    con = open_reader(db)
    try:
        return _copy_and_point(db, wal=True)
    finally:
        con.close()


class Reader:
    """Thread-safe read-only access to a database's latest published state. Raises StoreError at
    construction when the database is missing, corrupt, of another version, or not ours."""

    def __init__(self, db: str | Path, use_snapshot: bool = True) -> None:
        self.db = Path(db)
        self.use_snapshot = use_snapshot
        self._lock = threading.Lock()
        self._checked = 0.0
        self._con: duckdb.DuckDBPyConnection | None = None
        self._source_path: Path | None = None
        self._active: dict[int, int] = {}  # id(connection) -> cursors in use
        self._retired: list[duckdb.DuckDBPyConnection] = []  # replaced, closed once their cursors are done
        self._open()

    def _source(self) -> Path:
        if not self.use_snapshot:
            return self.db
        if not self.db.exists():
            raise StoreError(f"no database at {self.db} (create one with `newsevents ingest PATH --db {self.db}`)")
        snap = current_snapshot(self.db)
        if snap is not None and snap.stat().st_mtime >= self.db.stat().st_mtime:
            return snap
        try:  # no snapshot, or the database changed since (a writer that stopped before publishing)
            return _snapshot_from_idle_database(self.db)
        except StoreError as exc:
            if "in use" not in str(exc):
                raise
            if snap is not None:
                return snap  # a writer is at work: serve what it last published
            raise StoreError(f"{self.db} is being written and has no snapshot yet: wait for the ingest to store its first batch") from exc

    def _open(self) -> None:
        source = self._source()
        con = open_reader(source)
        old, self._con = self._con, con
        self._source_path = source
        if old is not None:
            self._retired.append(old)
            self._close_idle()

    def _close_idle(self) -> None:
        for con in list(self._retired):
            if not self._active.get(id(con)):
                self._retired.remove(con)
                self._active.pop(id(con), None)
                con.close()

    def _refresh(self) -> None:
        now = time.monotonic()
        if not self.use_snapshot or now - self._checked < CHECK_EVERY:
            return
        self._checked = now
        latest = current_snapshot(self.db)
        if latest is not None and latest != self._source_path:
            try:
                self._open()
            except StoreError:
                pass  # keep serving the snapshot we have

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor of its own for one request (DuckDB cursors are per-thread)."""
        with self._lock:
            self._refresh()
            if self._con is None:
                raise StoreError(f"{self.db}: the reader is closed")
            con = self._con
            cur = con.cursor()
            self._active[id(con)] = self._active.get(id(con), 0) + 1
        try:
            yield cur
        finally:
            cur.close()
            with self._lock:
                self._active[id(con)] -= 1
                self._close_idle()

    def close(self) -> None:
        with self._lock:
            for con in [self._con, *self._retired]:
                if con is not None:
                    con.close()
            self._con, self._retired = None, []
