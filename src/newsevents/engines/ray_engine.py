"""`--engine ray`: the pipeline on Ray Data, on this machine or a cluster, output identical to one process.

The parent reads, cleans and finds copies (`Pipeline.prepare`) in input order, as every engine does.
Ray Data parses and codes (`Pipeline.code`) in a pool of actors, each with a single-threaded coding
process of its own (`Coder`) that loads spaCy and the knowledge bases once; a crash in it costs only
the article that caused it, as with `--jobs`. The parent takes the coded blocks from Ray Data's
streaming iterator in input order as the actors finish them, writes them as Parquet shards (one JSON
column holding `Article.to_dict()`) and yields their records, which `ingest` stores as usual while the
actors go on coding (reading shards back after the execution left the cores idle at the end of every
segment).
Records that need no coding (copies, other languages, errors) travel through the same dataset
untouched, so the parent holds no more than one segment's fingerprints.

Preparing overlaps coding: the execution starts as soon as a segment's inputs are read (not cleaned),
so its size is known. The dataset holds one row per block of BLOCK_ROWS records, its number, and each
actor takes the block it is given from a small actor (`Feeder`) that a thread of the parent fills as it
prepares the blocks. Preparing everything first left the actors idle for the whole of it (17 s for 5,000
articles, a tenth of the run on two cores); a Ray Data datasource of read tasks fetching the blocks
needs a CPU per read task (those the actors hold) or, with none, starts a worker process per task.

A segment is SEGMENT_ROWS_PER_ACTOR inputs per actor: large, because each execution starts its actors
afresh (a few seconds), and bounded, because the parent holds a segment's raw inputs until they are
prepared, and so that memory does not grow with the corpus (the object store spills to disk beyond its
share of memory).

Local Ray (the default) is started with `num_cpus=jobs`, no dashboard, no usage statistics, its node
address on the loopback interface and its logs in a temporary directory removed afterwards. With
`address`, the run joins that cluster instead: newsevents must be installed on its nodes; the records
come back through Ray's object store, so the nodes need no file system shared with this machine.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import tempfile
import threading
import time
import warnings
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice

from newsevents.model import Article, IngestError, RawDocument

BLOCK_ROWS = 32  # records per block, one actor call: one spaCy batch (pipeline.BATCH_SIZE); small blocks
# share the work out evenly up to the end of a segment
SEGMENT_ROWS_PER_ACTOR = 5_000  # inputs per Ray Data execution, per actor


@dataclass
class RayStats:
    actors: int = 0
    segments: int = 0
    max_rss_kb: dict[int, int] = field(default_factory=dict)  # per actor process id, its peak
    shards: int = 0  # Parquet files written, all segments
    shard_bytes: int = 0  # their size
    rows: int = 0


def _encode(item: Article | IngestError) -> tuple[str, str]:
    if isinstance(item, Article):
        return "article", json.dumps(item.to_dict(), ensure_ascii=False)
    return "error", json.dumps({"origin": item.origin, "reason": item.reason}, ensure_ascii=False)


def _decode(kind: str, record: str) -> Article | IngestError:
    data = json.loads(record)
    return Article.from_dict(data) if kind == "article" else IngestError(data["origin"], data["reason"])


class Coder:
    """A Ray Data actor. Each row it is given numbers a block of prepared records, which it takes from the
    feeder; it has the records marked `code` parsed and coded and passes the others through.

    The parsing and coding run in a process of the actor's own, started afresh (spawn) and never given a
    second thread: a Ray worker runs threads of its own (gRPC, its core worker), and in a process that has
    ever had two threads glibc takes the slow, atomic path of every mutex, which spaCy's compiled parser
    hits each time it takes the GIL back (a tenth more CPU per article, docs/scaling.md). The process is
    newsevents.parallel's worker, so a crash in it costs only the article that caused it, as with --jobs."""

    def __init__(self, layers: tuple = (), feeder=None) -> None:
        from newsevents.parallel import LocalPool

        self.pool = LocalPool(1, layers, start_method="spawn")  # loads the pipeline while the actor waits for blocks
        self.feeder = feeder

    def __call__(self, batch):
        import pyarrow as pa
        import ray

        tables = []
        for number in batch.column("block").to_pylist():
            (ref,) = ray.get(self.feeder.take.remote(number))
            tables.append(self.code(ray.get(ref)))
        return pa.concat_tables(tables)

    def code(self, block):
        import resource

        import pyarrow as pa

        from newsevents.parallel import Chunk

        kinds = block.column("kind").to_pylist()
        records = block.column("record").to_pylist()
        todo = [i for i, flag in enumerate(block.column("code").to_pylist()) if flag]
        items: list = [None] * len(records)  # only the positions in todo go to the coding process
        for i in todo:
            items[i] = _decode("article", records[i])
        for chunk in self.pool.map([Chunk(0, items, todo)]):
            for i in todo:
                kinds[i], records[i] = _encode(chunk.items[i])
        # the actor's peak and its coding process's: what a worker of this engine holds at most
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss + self.pool.stats.max_rss_kb[0]
        return pa.table({
            "seq": block.column("seq"),
            "kind": pa.array(kinds, pa.string()),
            "record": pa.array(records, pa.large_string()),
            "pid": pa.array([os.getpid()] * len(kinds), pa.int64()),
            "max_rss_kb": pa.array([peak] * len(kinds), pa.int64()),
        })


def _quiet_ray() -> None:
    """Ray Data's progress bars and per-execution log lines would bury the CLI's own messages."""
    import ray.data

    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.execution_options.preserve_order = True  # blocks come out in input order: the parent streams them
    for name in ("ray", "ray.data", "ray.data._internal"):
        logging.getLogger(name).setLevel(logging.ERROR)
    # a segment smaller than the actor pool (a small input) is fine, not worth a warning
    warnings.filterwarnings("ignore", message="The minimum number of concurrent actors", category=UserWarning)


@contextmanager
def _stderr_to(path: str):
    """Send file descriptor 2 (native code writes there too) to `path` for a while."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(path, "ab") as sink:
            os.dup2(sink.fileno(), 2)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


def start_ray(jobs: int, address: str | None, log_dir: str | None) -> bool:
    """Connect to Ray (start it locally unless `address`); False when a session was already running."""
    import ray

    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # never report usage to Ray's servers
    # Ray's C++ core logs a notice on every actor pool start (constructor arguments in the object store)
    os.environ.setdefault("RAY_BACKEND_LOG_LEVEL", "fatal")
    if ray.is_initialized():
        return False
    with _stderr_to(os.path.join(log_dir, "driver.log") if log_dir else os.devnull):  # start-up chatter of Ray's C++ core
        if address:
            ray.init(address=address, logging_level=logging.ERROR, log_to_driver=False)
        else:
            ray.init(
                num_cpus=jobs, include_dashboard=False, _temp_dir=log_dir, _node_ip_address="127.0.0.1",
                logging_level=logging.ERROR, log_to_driver=False,
            )
    return True


def _table(rows: dict[str, list]):
    import pyarrow as pa

    return pa.table({"seq": pa.array(rows["seq"], pa.int64()), "code": pa.array(rows["code"], pa.bool_()),
                     "kind": pa.array(rows["kind"], pa.string()), "record": pa.array(rows["record"], pa.large_string())})


def _blocks(prepared: Iterator[tuple[Article | IngestError, bool]], first_seq: int):
    """Prepared records as Arrow tables of BLOCK_ROWS rows."""
    seq, rows = first_seq, {"seq": [], "code": [], "kind": [], "record": []}
    for result, needs_coding in prepared:
        kind, record = _encode(result)
        for key, value in (("seq", seq), ("code", needs_coding), ("kind", kind), ("record", record)):
            rows[key].append(value)
        seq += 1
        if len(rows["seq"]) == BLOCK_ROWS:
            yield _table(rows)
            rows = {k: [] for k in rows}
    if rows["seq"]:
        yield _table(rows)


@lru_cache(maxsize=None)
def _feeder_class():
    """`Feeder`, defined on first use: Ray is optional, so nothing at import time may need it."""
    import asyncio

    import ray

    @ray.remote(num_cpus=0)
    class Feeder:
        """Hands the parent's prepared blocks, by number, to the coding actors waiting for them."""

        def __init__(self) -> None:
            self.blocks: dict = {}
            self.failure: str | None = None
            self.changed: asyncio.Condition | None = None

        def _condition(self) -> asyncio.Condition:
            if self.changed is None:  # made inside the actor's event loop
                self.changed = asyncio.Condition()
            return self.changed

        async def put(self, index: int, boxed_ref: list) -> None:
            async with self._condition():  # the ref stays boxed: a bare one would be resolved on the way in
                self.blocks[index] = boxed_ref[0]
                self.changed.notify_all()

        async def fail(self, reason: str) -> None:
            async with self._condition():
                self.failure = reason
                self.changed.notify_all()

        async def take(self, index: int) -> list:
            async with self._condition():
                await self.changed.wait_for(lambda: index in self.blocks or self.failure is not None)
                if index not in self.blocks:
                    raise RuntimeError(f"the parent stopped preparing records: {self.failure}")
                return [self.blocks.pop(index)]

    return Feeder


class _Preparer(threading.Thread):
    """Prepares a segment's inputs in order and hands each block to the feeder as soon as it is full."""

    def __init__(self, pipeline, inputs: deque, duplicates, first_seq: int, feeder) -> None:
        super().__init__(name="newsevents-ray-prepare", daemon=True)
        self.pipeline, self.inputs, self.duplicates = pipeline, inputs, duplicates
        self.first_seq, self.feeder = first_seq, feeder
        self.error: BaseException | None = None
        self.stop = threading.Event()  # the execution failed or its consumer stopped: preparing more is wasted

    def _drain(self):
        while self.inputs:  # each raw input is let go once prepared
            yield self.inputs.popleft()

    def run(self) -> None:
        import ray

        try:
            prepared = self.pipeline.prepare(self._drain(), self.duplicates)
            for index, block in enumerate(_blocks(prepared, self.first_seq)):
                if self.stop.is_set():
                    return
                self.feeder.put.remote(index, [ray.put(block)])
        except BaseException as exc:  # the execution is waiting for blocks: it must hear of it
            self.error = exc
            self.feeder.fail.remote(f"{type(exc).__name__}: {exc}")


def _kill_and_wait(actor, timeout: float = 10.0) -> None:
    """Kill an actor and wait (a bounded while) until Ray reports it dead: `ray.kill` only asks, and a
    session shut down while kills are still on their way has seen Ray's driver exit with status 1."""
    import ray

    ray.kill(actor)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:  # a call still answered comes before the kill took effect
            ray.get(actor.__ray_ready__.remote(), timeout=max(deadline - time.monotonic(), 0.01))
        except Exception:  # RayActorError: it is dead (or the wait timed out: we go on anyway)
            return
        time.sleep(0.05)


SHARD_ROWS = 1024  # records per Parquet shard the parent writes


def _stream(dataset, shard_dir: str, first_seq: int, count: int, stats: RayStats) -> Iterator[Article | IngestError]:
    """The coded records in input order as the actors finish them, each shard of SHARD_ROWS records
    written to `shard_dir` before its records are let go."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    os.makedirs(shard_dir, exist_ok=True)
    expected, pending = first_seq, []

    def flush():
        table = pa.concat_tables(pending)
        path = os.path.join(shard_dir, f"{stats.shards:06d}.parquet")
        pq.write_table(table, path)
        stats.shards += 1
        stats.shard_bytes += os.path.getsize(path)
        pending.clear()
        return table

    def records(table):
        nonlocal expected
        for seq, kind, record, pid, peak in zip(*(table.column(c).to_pylist() for c in ("seq", "kind", "record", "pid", "max_rss_kb"))):
            if seq != expected:
                raise RuntimeError(f"Ray returned record {seq} where {expected} was due (blocks overlap or are missing)")
            expected += 1
            stats.max_rss_kb[pid] = max(stats.max_rss_kb.get(pid, 0), peak)
            yield _decode(kind, record)

    # preserve_order: the blocks come in input order, each as soon as it and those before it are coded
    blocks = iter(dataset.iter_batches(batch_size=None, batch_format="pyarrow", prefetch_batches=0))
    try:
        for block in blocks:
            pending.append(block)
            if sum(b.num_rows for b in pending) >= SHARD_ROWS:
                yield from records(flush())
    finally:
        blocks.close()  # a consumer that stopped early: the execution stops now, before its feeder goes
    if pending:
        yield from records(flush())
    if expected != first_seq + count:
        raise RuntimeError(f"Ray returned {expected - first_seq} of {count} records")


def process_ray(
    pipeline, items: Iterable[RawDocument | IngestError], duplicates=None, jobs: int = 0, address: str | None = None,
    segment_rows: int | None = None, stats: RayStats | None = None, keep_shards: str | None = None,
) -> Iterator[Article | IngestError]:
    """`pipeline.process(items, duplicates)` on Ray Data: the same records in the same order.

    `jobs` actors (0: one per CPU of this machine, or of the cluster). `keep_shards`: a directory to
    keep each segment's Parquet shards in (benchmarks measure them); by default they are removed."""
    import ray
    import ray.data

    from newsevents.parallel import available_cpus

    stats = stats if stats is not None else RayStats()
    work = tempfile.mkdtemp(prefix="newsevents-ray-")
    try:
        started = start_ray(jobs or available_cpus(), address, os.path.join(work, "ray"))
        try:
            _quiet_ray()
            actors = jobs or (int(ray.cluster_resources().get("CPU", 1)) if address else available_cpus())
            stats.actors = actors
            segment_rows = segment_rows or SEGMENT_ROWS_PER_ACTOR * actors
            items, first = iter(items), 0
            while True:
                inputs = deque(islice(items, segment_rows))  # read, not cleaned: cheap, and now they are counted
                if not inputs:
                    return
                count = len(inputs)
                feeder = _feeder_class().remote()
                preparer = _Preparer(pipeline, inputs, duplicates, first, feeder)
                preparer.start()
                shard_dir = os.path.join(keep_shards or work, f"segment-{stats.segments:05d}")
                blocks = -(-count // BLOCK_ROWS)
                # one row per block: the actors take the blocks themselves, as the parent finishes them
                dataset = ray.data.from_items([{"block": n} for n in range(blocks)], override_num_blocks=blocks).map_batches(
                    Coder, fn_constructor_args=(tuple(pipeline.actor_layers), feeder), batch_size=1,
                    batch_format="pyarrow", num_cpus=1,
                    # one call at a time: each actor has one coding process
                    compute=ray.data.ActorPoolStrategy(size=actors, max_concurrent_calls_per_actor=1),
                )
                try:
                    yield from _stream(dataset, shard_dir, first, count, stats)
                except BaseException as exc:  # the execution failed, or the consumer stopped early
                    preparer.stop.set()
                    preparer.join()
                    if preparer.error is not None and not isinstance(exc, GeneratorExit):
                        raise preparer.error from None  # the cause, rather than Ray's report of an actor failing
                    raise
                finally:
                    preparer.join()
                    _kill_and_wait(feeder)
                del dataset
                stats.segments += 1
                stats.rows += count
                if not keep_shards:
                    shutil.rmtree(shard_dir, ignore_errors=True)
                first += count
        finally:
            if started:
                ray.shutdown()
    finally:
        shutil.rmtree(work, ignore_errors=True)
