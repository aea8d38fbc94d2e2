"""`--jobs N`: the pipeline on N local worker processes, output identical to one process.

The parent reads, cleans and finds copies (`Pipeline.prepare`) in input order: duplicate detection and
the run's repeated-line counts depend on that order, and they cost about 2% of an article's time. Runs of
prepared articles go out in chunks to workers that parse and code them (`Pipeline.code`); results come
back per chunk and leave in input order. At most a window of chunks is in flight, so memory does not
grow with the corpus.

Workers are our own processes, one pipe each, so the parent always knows which chunk a worker held. A
worker that dies (a crash in native code, the OOM killer) costs only the article that killed it: the
parent starts a new worker and retries the dead worker's chunk one article at a time; an article that
kills a worker on its own becomes an `IngestError` ("worker crashed while processing…") and the run
goes on.

Start method: fork, after the parent has loaded the pipeline. A new worker is ready in milliseconds
instead of the ~2.5 s a spawned one needs to import spaCy and load the model, knowledge base and
gazetteer, and the loaded tables stay shared copy-on-write (the parent freezes its objects for the
garbage collector before forking, so collections in the worker do not copy them). Workers never touch
what else the parent holds (the DuckDB connection, its threads, open output files) and always leave
with `os._exit`, so no inherited handler runs in them. docs/scaling.md has the measurements.

Test hook: with NEWSEVENTS_TEST_POISON=<text> in the environment, a worker that is handed an article
whose text contains <text> exits at once (`os._exit(1)`), as a crash would. Tests use it; nothing
else should set it.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import resource
import signal
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import wait

from newsevents.model import Article, IngestError, RawDocument

POISON_ENV = "NEWSEVENTS_TEST_POISON"
CHUNK_SIZE = 32  # articles to code per chunk: one spaCy batch (pipeline.BATCH_SIZE)
MAX_CHUNK_ITEMS = 256  # a chunk also closes after this many inputs, coded or not (long runs of copies)
START_METHOD = "fork"


class WorkerError(RuntimeError):
    """The workers cannot run at all (one failed while starting)."""


def available_cpus() -> int:
    """CPUs this process may run on (its affinity mask, which containers and taskset narrow)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


@dataclass
class Chunk:
    """A stretch of prepared input: every result in input order, and which of them still need coding."""

    seq: int
    items: list[Article | IngestError]
    todo: list[int]  # positions in items of the articles to parse and code
    left: int = 0  # of todo, not coded yet


def chunked(prepared: Iterable[tuple[Article | IngestError, bool]], size: int | None = None) -> Iterator[Chunk]:
    """Group `Pipeline.prepare` output into chunks of up to `size` articles to code (default CHUNK_SIZE)."""
    size, max_items = size or CHUNK_SIZE, max(size or CHUNK_SIZE, MAX_CHUNK_ITEMS)
    seq, items, todo = 0, [], []
    for result, needs_coding in prepared:
        if needs_coding:
            todo.append(len(items))
        items.append(result)
        if len(todo) >= size or len(items) >= max_items:
            yield Chunk(seq, items, todo, len(todo))
            seq, items, todo = seq + 1, [], []
    if items:
        yield Chunk(seq, items, todo, len(todo))


def crashed(article: Article, how: str) -> IngestError:
    return IngestError(article.path or article.id, f"worker crashed while processing article {article.id} ({how}); skipped")


# -- the worker process ------------------------------------------------------------------------

_INHERITED = None  # the parent's Pipeline, seen by forked workers


def _poisoned(articles: list[Article], marker: str | None) -> Iterator[Article]:
    for article in articles:
        if marker and marker in article.text:
            os._exit(1)  # the test hook (module docstring): die as a crash would
        yield article


def _max_rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _worker_main(conn, layers: tuple) -> None:
    """Build (or inherit) the pipeline, then code each list of articles received until None arrives."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's: it stops the workers
    status = 0
    try:
        if _INHERITED is not None:
            pipeline = _INHERITED
        else:
            from newsevents.pipeline import Pipeline

            pipeline = Pipeline(layers)
        conn.send(("ready", _max_rss_kb()))
        marker = os.environ.get(POISON_ENV) or None
        while (articles := conn.recv()) is not None:
            results = [result for _, result in pipeline.code(_poisoned(articles, marker))]
            conn.send(("done", results, _max_rss_kb()))
    except (EOFError, BrokenPipeError):
        pass  # the parent has gone
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which decides
        status = 1
        try:
            conn.send(("failed", f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}"))
        except Exception:
            pass
    os._exit(status)  # never run the handlers a forked worker inherited (DuckDB, open files)


# -- the parent's side -------------------------------------------------------------------------


@dataclass
class _Task:
    chunk: Chunk
    positions: list[int]


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: object
    ready: bool = False
    task: _Task | None = None
    failure: str | None = None
    max_rss_kb: int = 0


@dataclass
class PoolStats:
    crashes: int = 0
    restarts: int = 0
    max_rss_kb: list[int] = field(default_factory=list)  # per worker slot, the largest seen


class LocalPool:
    """N worker processes that code chunks of articles; `map` hands chunks back in input order."""

    def __init__(self, jobs: int, layers: tuple = (), pipeline=None, start_method: str = START_METHOD) -> None:
        if jobs < 1:
            raise ValueError("a pool needs at least one worker")
        self.layers = tuple(layers)
        self.pipeline = pipeline  # inherited by forked workers; spawned ones build their own
        self.ctx = multiprocessing.get_context(start_method)
        self.start_method = start_method
        self.stats = PoolStats(max_rss_kb=[0] * jobs)
        self.workers: list[_Worker] = []
        for _ in range(jobs):
            self.workers.append(self._start())

    def _start(self) -> _Worker:
        global _INHERITED
        parent_conn, child_conn = self.ctx.Pipe()
        process = self.ctx.Process(target=_worker_main, args=(child_conn, self.layers), name="newsevents-worker", daemon=True)
        if self.start_method == "fork":
            _INHERITED = self.pipeline
            gc.collect()
            gc.freeze()  # the worker's collector then leaves the inherited objects, and their pages, alone
        try:
            process.start()
        finally:
            if self.start_method == "fork":
                gc.unfreeze()
                _INHERITED = None
        child_conn.close()  # so that the parent sees EOF when the worker dies
        return _Worker(process, parent_conn)

    def __enter__(self) -> "LocalPool":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close(graceful=exc[0] is None)

    def close(self, graceful: bool = True) -> None:
        """Stop every worker: ask them to finish (graceful), else terminate them."""
        for w in self.workers:
            if graceful and w.process.is_alive():
                try:
                    w.conn.send(None)
                except OSError:
                    pass
        for w in self.workers:
            w.process.join(timeout=10 if graceful else 0)
            if w.process.is_alive():
                w.process.terminate()
                w.process.join(timeout=5)
            w.conn.close()
        self.workers = []

    def map(self, chunks: Iterable[Chunk], window: int | None = None) -> Iterator[Chunk]:
        """Code every chunk's `todo` articles in the workers; yield the chunks, done, in input order.

        At most `window` chunks (default: two per worker, plus one) are read ahead of the one awaited."""
        window = window or 2 * len(self.workers) + 1
        source = iter(chunks)
        pending: deque[Chunk] = deque()  # read, not yet handed back
        queue: deque[_Task] = deque()  # waiting for a worker
        exhausted = False
        while True:
            while not exhausted and len(pending) < window:
                chunk = next(source, None)
                if chunk is None:
                    exhausted = True
                    break
                chunk.left = len(chunk.todo)
                pending.append(chunk)
                if chunk.todo:
                    queue.append(_Task(chunk, list(chunk.todo)))
            self._dispatch(queue)
            if pending and pending[0].left == 0:
                yield pending.popleft()
                continue
            if not pending:
                return
            self._wait(queue)

    def _dispatch(self, queue: deque[_Task]) -> None:
        for slot, w in enumerate(self.workers):
            if not queue:
                return
            if w.ready and w.task is None:
                task = queue.popleft()
                try:
                    w.conn.send([task.chunk.items[i] for i in task.positions])
                    w.task = task
                except OSError:  # it died idle: not the articles' fault
                    queue.appendleft(task)
                    self._died(slot, queue)

    def _wait(self, queue: deque[_Task]) -> None:
        """Block until a worker reports or dies, and act on it."""
        watched = {}
        for slot, w in enumerate(self.workers):
            watched[w.conn] = slot
            watched[w.process.sentinel] = slot
        for slot in sorted({watched[obj] for obj in wait(list(watched))}):
            self._poll(slot, queue)

    def _poll(self, slot: int, queue: deque[_Task]) -> None:
        w = self.workers[slot]
        try:
            while w.conn.poll():
                self._handle(slot, w, w.conn.recv())
        except (EOFError, OSError):
            self._died(slot, queue)
            return
        if not w.process.is_alive():
            self._died(slot, queue)

    def _handle(self, slot: int, w: _Worker, message: tuple) -> None:
        kind = message[0]
        if kind == "ready":
            w.ready = True
            w.max_rss_kb = message[1]
        elif kind == "done":
            task, w.task = w.task, None
            for position, result in zip(task.positions, message[1]):
                task.chunk.items[position] = result
            task.chunk.left -= len(task.positions)
            w.max_rss_kb = message[2]
        elif kind == "failed":
            w.failure = message[1]
        self.stats.max_rss_kb[slot] = max(self.stats.max_rss_kb[slot], w.max_rss_kb)

    def _died(self, slot: int, queue: deque[_Task]) -> None:
        """A worker is gone: blame or retry what it held, and start another in its place."""
        w = self.workers[slot]
        w.process.join(timeout=5)
        code = w.process.exitcode
        how = w.failure or (f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}")
        w.conn.close()
        if not w.ready:
            raise WorkerError(f"a worker process could not start ({how})")
        task = w.task
        if task is not None:
            self.stats.crashes += 1
            if len(task.positions) > 1:  # which article was it? retry each alone, first in line
                queue.extendleft(_Task(task.chunk, [p]) for p in reversed(task.positions))
            else:
                (position,) = task.positions
                task.chunk.items[position] = crashed(task.chunk.items[position], how)
                task.chunk.left -= 1
        self.stats.restarts += 1
        self.workers[slot] = self._start()


def process_parallel(
    pipeline, items: Iterable[RawDocument | IngestError], duplicates=None, jobs: int = 2, start_method: str = START_METHOD,
    stats: PoolStats | None = None,
) -> Iterator[Article | IngestError]:
    """`pipeline.process(items, duplicates)` on `jobs` worker processes: the same results in the same order.

    `pipeline` prepares in the parent (and, forked, is the workers' pipeline). `stats`, if given, is filled
    with the pool's crash, restart and memory counts when the run ends."""
    with LocalPool(jobs, pipeline.actor_layers, pipeline, start_method) as pool:
        try:
            for chunk in pool.map(chunked(pipeline.prepare(items, duplicates))):
                yield from chunk.items
        finally:
            if stats is not None:
                stats.__dict__.update(pool.stats.__dict__)
