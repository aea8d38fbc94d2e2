"""`--engine ray`: the pipeline on Ray Data, on this machine or a cluster, output identical to one process.

The parent reads, cleans and finds copies (`Pipeline.prepare`) in input order, as every engine does,
and puts the prepared records into Ray's object store in blocks of BLOCK_ROWS rows. One Ray Data
execution per segment of the corpus then parses and codes them (`Pipeline.code`) in a pool of actors,
each of which loads spaCy and the knowledge bases once, and writes the records as Parquet shards (one
JSON column holding `Article.to_dict()`). The parent reads the shards back in input order and yields the
records, which `ingest` stores as usual. Records that need no coding (copies, other languages, errors)
travel through the same dataset untouched, so the parent holds no more than one segment's fingerprints.

A segment is SEGMENT_ROWS inputs: large, because each execution starts its actors afresh (a few seconds),
and bounded, so that memory does not grow with the corpus (the object store spills to disk beyond its
share of memory).

Local Ray (the default) is started with `num_cpus=jobs`, no dashboard, no usage statistics, its node
address on the loopback interface and its logs in a temporary directory removed afterwards. With
`address`, the run joins that cluster instead: newsevents must be installed on its nodes, and the shard
directory (under TMPDIR) must be one that the nodes and this machine share.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import tempfile
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from newsevents.model import Article, IngestError, RawDocument

BATCH_ROWS = 32  # rows per actor call: one spaCy batch (pipeline.BATCH_SIZE)
BLOCK_ROWS = BATCH_ROWS  # rows per block put into the object store: a block goes to one actor, so small
# blocks share the work out evenly up to the end of a segment
SEGMENT_ROWS = 50_000  # inputs per Ray Data execution


@dataclass
class RayStats:
    actors: int = 0
    segments: int = 0
    max_rss_kb: dict[int, int] = field(default_factory=dict)  # per actor process id, its peak
    shard_bytes: int = 0  # Parquet written, all segments
    rows: int = 0


def _encode(item: Article | IngestError) -> tuple[str, str]:
    if isinstance(item, Article):
        return "article", json.dumps(item.to_dict(), ensure_ascii=False)
    return "error", json.dumps({"origin": item.origin, "reason": item.reason}, ensure_ascii=False)


def _decode(kind: str, record: str) -> Article | IngestError:
    data = json.loads(record)
    return Article.from_dict(data) if kind == "article" else IngestError(data["origin"], data["reason"])


class Coder:
    """A Ray Data actor: one Pipeline per actor; codes the rows marked `code`, passes the others through."""

    def __init__(self, layers: tuple = ()) -> None:
        from newsevents.pipeline import Pipeline

        self.pipeline = Pipeline(layers)

    def __call__(self, batch):
        import resource

        import pyarrow as pa

        kinds = batch.column("kind").to_pylist()
        records = batch.column("record").to_pylist()
        todo = [i for i, flag in enumerate(batch.column("code").to_pylist()) if flag]
        articles = [_decode("article", records[i]) for i in todo]
        for i, (_, result) in zip(todo, self.pipeline.code(articles)):
            kinds[i], records[i] = _encode(result)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return pa.table({
            "seq": batch.column("seq"),
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
    context.execution_options.preserve_order = True  # shards come out in input order: reading back streams
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


def _blocks(prepared: Iterator[tuple[Article | IngestError, bool]], first_seq: int, limit: int):
    """Prepared records as Arrow tables of BLOCK_ROWS rows, at most `limit` rows in all."""
    import pyarrow as pa

    seq, rows = first_seq, {"seq": [], "code": [], "kind": [], "record": []}
    for result, needs_coding in prepared:
        kind, record = _encode(result)
        for key, value in (("seq", seq), ("code", needs_coding), ("kind", kind), ("record", record)):
            rows[key].append(value)
        seq += 1
        if len(rows["seq"]) == BLOCK_ROWS or seq - first_seq == limit:
            yield pa.table({"seq": pa.array(rows["seq"], pa.int64()), "code": pa.array(rows["code"], pa.bool_()),
                            "kind": pa.array(rows["kind"], pa.string()), "record": pa.array(rows["record"], pa.large_string())})
            rows = {k: [] for k in rows}
            if seq - first_seq == limit:
                return
    if rows["seq"]:
        yield pa.table({"seq": pa.array(rows["seq"], pa.int64()), "code": pa.array(rows["code"], pa.bool_()),
                        "kind": pa.array(rows["kind"], pa.string()), "record": pa.array(rows["record"], pa.large_string())})


def _read_back(shard_dir: str, first_seq: int, count: int, stats: RayStats) -> Iterator[Article | IngestError]:
    """The shards' records in input order (each shard is in order; shards are ordered by their first row)."""
    import pyarrow.parquet as pq

    shards = []
    for name in os.listdir(shard_dir):
        if name.endswith(".parquet"):
            path = os.path.join(shard_dir, name)
            stats.shard_bytes += os.path.getsize(path)
            seqs = pq.read_table(path, columns=["seq"]).column("seq")
            if len(seqs):
                shards.append((seqs[0].as_py(), path))
    expected = first_seq
    for _, path in sorted(shards):
        table = pq.read_table(path).sort_by("seq")
        for seq, kind, record, pid, peak in zip(*(table.column(c).to_pylist() for c in ("seq", "kind", "record", "pid", "max_rss_kb"))):
            if seq != expected:
                raise RuntimeError(f"Ray returned record {seq} where {expected} was due (shards overlap or are missing)")
            expected += 1
            stats.max_rss_kb[pid] = max(stats.max_rss_kb.get(pid, 0), peak)
            yield _decode(kind, record)
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
    segment_rows = segment_rows or SEGMENT_ROWS
    work = tempfile.mkdtemp(prefix="newsevents-ray-")
    try:
        started = start_ray(jobs or available_cpus(), address, os.path.join(work, "ray"))
        try:
            _quiet_ray()
            actors = jobs or (int(ray.cluster_resources().get("CPU", 1)) if address else available_cpus())
            stats.actors = actors
            prepared = pipeline.prepare(items, duplicates)
            first = 0
            while True:
                refs, count = [], 0
                for block in _blocks(prepared, first, segment_rows):
                    refs.append(ray.put(block))
                    count += block.num_rows
                if not refs:
                    return
                shard_dir = os.path.join(keep_shards or work, f"segment-{stats.segments:05d}")
                dataset = ray.data.from_arrow_refs(refs).map_batches(
                    Coder, fn_constructor_args=(tuple(pipeline.actor_layers),), batch_size=BATCH_ROWS,
                    batch_format="pyarrow", compute=ray.data.ActorPoolStrategy(size=actors), num_cpus=1,
                    zero_copy_batch=True,
                )
                # writing is light: it must not wait for a CPU the actors hold
                dataset.write_parquet(shard_dir, min_rows_per_file=1024, ray_remote_args={"num_cpus": 0})
                del refs, dataset
                stats.segments += 1
                stats.rows += count
                yield from _read_back(shard_dir, first, count, stats)
                if not keep_shards:
                    shutil.rmtree(shard_dir, ignore_errors=True)
                first += count
        finally:
            if started:
                ray.shutdown()
    finally:
        shutil.rmtree(work, ignore_errors=True)
