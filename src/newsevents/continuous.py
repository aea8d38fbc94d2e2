"""The loop behind `watch` and `follow`: poll a source, ingest what it found as one batch, wait, repeat.

`ContinuousIngest` owns the pipeline and the store's run. Every batch goes through the pipeline with a
fresh duplicate index (the store's lookup finds the originals of earlier batches, so memory stays flat
however long the run) and is flushed (stored and fused) at its end; the snapshot readers use is
published after a batch once `publish_every` seconds have passed since the last one, and also during the
wait, so that a batch is never left unpublished. SIGINT and SIGTERM set a stop flag: the current batch
is finished and stored, the run is ended as finished; a second signal stops at once.
"""

from __future__ import annotations

import json
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TextIO

from newsevents.ingest.dedup import DuplicateIndex
from newsevents.model import Article, IngestError, RawDocument

TICK = 0.2  # seconds: how quickly a wait notices a stop request


class StopFlag:
    """Asked to stop: by a signal (see `stop_on_signals`) or by another thread."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self.reason: str | None = None

    def set(self, reason: str = "asked to stop") -> None:
        self.reason = self.reason or reason
        self._event.set()

    def __bool__(self) -> bool:
        return self._event.is_set()

    def sleep(self, seconds: float, tick: Callable[[], None] = lambda: None, sleep: Callable[[float], None] = time.sleep) -> None:
        """Wait `seconds`, or less if asked to stop; `tick()` runs between short naps."""
        deadline = time.monotonic() + seconds
        while not self and (left := deadline - time.monotonic()) > 0:
            sleep(min(TICK, left))  # short naps, not Event.wait: a signal handler may not touch its lock
            tick()


@contextmanager
def stop_on_signals(stop: StopFlag) -> Iterator[StopFlag]:
    """SIGINT and SIGTERM set `stop`; a second one raises KeyboardInterrupt. Only the main thread can
    install handlers: elsewhere (tests) the flag is set by hand."""
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def handler(signum: int, frame: object) -> None:
        if stop:
            raise KeyboardInterrupt
        stop.set(signal.Signals(signum).name)  # nothing printed here: the handler may interrupt a write

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


@dataclass
class Counts:
    read: int = 0  # articles out of the pipeline
    stored: int = 0  # new in the database
    copies: int = 0  # of those, copies of earlier articles
    known: int = 0  # already in the database
    skipped: int = 0  # inputs or records reported as errors
    events: int = 0

    def add(self, other: "Counts") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def __bool__(self) -> bool:
        return bool(self.read or self.skipped)

    def summary(self) -> str:
        return (
            f"{self.read} articles read, {self.stored} stored ({self.copies} copies of earlier articles), "
            f"{self.known} already in the database, {self.skipped} inputs skipped, {self.events} events coded"
        )


def stored_urls(store, urls: list[str]) -> set[str]:
    """Which of `urls` the database holds an article from."""
    if not urls:
        return set()
    rows = store.con.execute("SELECT DISTINCT url FROM articles WHERE url IN (SELECT UNNEST(?))", [urls]).fetchall()
    return {r[0] for r in rows}


class ContinuousIngest:
    """Ingests batch after batch into `store` as one run of `command`.

    `duplicates()` makes the duplicate index of a batch (None keeps every copy); `errors` is an open
    JSON Lines file for the reported inputs; `log` gets one line per batch unless `quiet`.
    """

    def __init__(
        self,
        store,
        pipeline,
        command: str,
        *,
        duplicates: Callable[[], DuplicateIndex | None] = lambda: None,
        publish_every: float = 2.0,
        errors: TextIO | None = None,
        quiet: bool = False,
        log: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.pipeline = pipeline
        self.command = command
        self.duplicates = duplicates
        self.publish_every = publish_every
        self.errors = errors
        self.quiet = quiet
        self.log = log or sys.stderr
        self.clock = clock
        self.totals = Counts()
        self._unpublished = False
        self._published_at = float("-inf")

    def _say(self, message: str) -> None:
        print(f"{time.strftime('%H:%M:%S')} newsevents {self.command}: {message}", file=self.log, flush=True)

    def ingest(self, items: Iterable[RawDocument | IngestError]) -> Counts:
        """Run one batch through the pipeline into the store, flush it (stored and fused), publish if due."""
        counts = Counts()
        duplicates = self.duplicates()
        added, known = self.store.added, self.store.skipped_existing
        for item in self.pipeline.process(items, duplicates):
            if isinstance(item, Article):
                counts.read += 1
                counts.events += len(item.events)
                if item.path and item.path == item.url:
                    item.path = None  # a page fetched over HTTP has no file; the pipeline names its origin
                self.store.add(item, duplicates.take_fingerprint(item.id) if duplicates is not None else None)
                counts.copies += item.duplicate_of is not None
            else:
                counts.skipped += 1
                print(f"newsevents: skipped {item.origin}: {item.reason}", file=self.log, flush=True)
                if self.errors is not None:
                    self.errors.write(json.dumps({"origin": item.origin, "reason": item.reason}, ensure_ascii=False) + "\n")
                self.store.add_error(item)
            if self.store.added != added:  # the store wrote a full batch of its own: let readers see it
                self._unpublished = True
                self.maybe_publish()
        self.store.flush()
        if self.errors is not None:
            self.errors.flush()
        counts.stored = self.store.added - added
        counts.known = self.store.skipped_existing - known
        self._unpublished |= bool(counts)
        self.maybe_publish()
        self.totals.add(counts)
        if counts and not self.quiet:
            self._say(counts.summary())
        return counts

    def maybe_publish(self, force: bool = False) -> None:
        """Publish a snapshot for readers if something was stored since the last one and it is time."""
        if self._unpublished and (force or self.clock() - self._published_at >= self.publish_every):
            self.store.publish()
            self._published_at = self.clock()
            self._unpublished = False

    def run(
        self,
        inputs: list[str],
        poll: Callable[[], Iterable[RawDocument | IngestError]],
        wait: Callable[[], float],
        stop: StopFlag,
        rounds: int | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> Counts:
        """Poll, ingest, wait `wait()` seconds, and again, until `stop` (or after `rounds` polls). The run
        is recorded in the runs table; a clean stop ends it as finished."""
        self.store.begin_run(self.command, inputs)
        self._unpublished = True
        self.maybe_publish(force=True)  # readers (serve) can open the database from the start
        done = 0
        while not stop:
            self.ingest(_until(poll(), stop))
            done += 1
            if rounds is not None and done >= rounds:
                break
            stop.sleep(wait(), tick=self.maybe_publish, sleep=sleep)
        if stop and not self.quiet:
            self._say(f"stopping ({stop.reason})")
        self.store.end_run("finished")
        self._unpublished = True
        self.maybe_publish(force=True)
        return self.totals


def _until(items: Iterable, stop: StopFlag) -> Iterator:
    """The items, up to a stop request: what was read before it is still processed and stored."""
    for item in items:
        if stop:
            return
        yield item
