"""`--engine ray`: the same records and database as the local engine; a clear message without Ray.

One Ray session serves the module (starting Ray takes seconds); the CLI joins it instead of starting its own.
The module runs on one pytest-xdist worker, its tests one after another (`xdist_group` with `make test`'s
`--dist loadgroup`), so each worker process starts Ray at most once. Ray 2.60's driver now and then exits
with status 1 inside `ray.shutdown()` (its core worker handles a KillActor request and quick-exits), seen
once in CI as a crashed worker and 5 times in about 75 local runs: always when Ray was shut down right
after a consumer stopped early (actors killed mid-call), and 4 of the 5 times in a process's second or
later Ray session. The engine now waits for its feeder to be gone after an early stop, and the tests end
their session after a whole run."""

from __future__ import annotations

import json
import os
import shutil
import sys

import pytest

from engine_helpers import CORPUS, SAMPLE, db_contents, ingest
from newsevents.cli import main

pytestmark = [
    pytest.mark.filterwarnings("ignore::DeprecationWarning:ray.data.context"),  # Ray's own settings
    pytest.mark.xdist_group("ray"),
]


# Actors inherit the environment Ray starts with, so the crash test's marker is set before Ray starts;
# no other test's input contains it.
POISON = "RAY-TEST-POISON-PILL"


@pytest.fixture(scope="module")
def ray_session(tmp_path_factory):
    pytest.importorskip("ray.data", reason="Ray is not installed (make test installs requirements-ray.lock)")
    import ray

    from newsevents.engines.ray_engine import start_ray
    from newsevents.parallel import POISON_ENV

    saved = os.environ.get(POISON_ENV)
    os.environ[POISON_ENV] = POISON
    try:
        assert start_ray(2, None, str(tmp_path_factory.mktemp("ray")))
    finally:
        if saved is None:
            del os.environ[POISON_ENV]
        else:
            os.environ[POISON_ENV] = saved
    yield
    ray.shutdown()


def test_ray_gives_the_local_engines_records_and_database(ray_session, tmp_path):
    local = ingest(tmp_path, "local")
    code, jsonl, db = ingest(tmp_path, "ray", "--engine", "ray", "--jobs", "2")
    assert code == local[0] == 0
    assert jsonl == local[1]  # samples and seeds: the same records, byte for byte, in input order
    assert db_contents(db) == db_contents(local[2])  # articles, events, fused_events and the rest


def test_a_crash_while_coding_loses_only_its_article(ray_session, tmp_path, capsys):
    """An article that kills the process coding it is reported and skipped; its block's other articles
    are coded one at a time in a new process, and the run goes on."""
    folder = tmp_path / "in"
    folder.mkdir()
    kept = sorted(SAMPLE.glob("*.txt"))[:3]
    for path in kept:
        shutil.copy(path, folder / path.name)
    (folder / "00_poison.txt").write_text(f"Crash test\n\nThe ministry said on Monday that {POISON} was found.\n", encoding="utf-8")
    code, jsonl, db = ingest(tmp_path, "poisoned", "--engine", "ray", "--jobs", "2", paths=[str(folder)])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    (line,) = [l for l in err.splitlines() if "worker crashed" in l]
    assert "00_poison.txt" in line
    local = ingest(tmp_path, "local", paths=[str(folder)])  # one process: no crash hook, the marker is plain text
    expected = [json.loads(l) for l in local[1].decode().splitlines()]
    assert [json.loads(l) for l in jsonl.decode().splitlines()] == [r for r in expected if "00_poison" not in r["path"]]
    errors = db_contents(db)["ingest_errors"]
    assert len(errors) == 1 and "00_poison.txt" in errors[0][0] and "worker crashed" in errors[0][1]


def test_ray_extract_on_small_segments(ray_session, tmp_path, monkeypatch):
    """Several segments (one Ray Data execution each) still give one ordered stream."""
    from newsevents.engines import ray_engine

    monkeypatch.setattr(ray_engine, "SEGMENT_ROWS_PER_ACTOR", 5)  # 10 inputs a segment with 2 actors
    monkeypatch.setattr(ray_engine, "BLOCK_ROWS", 2)
    one, ray = tmp_path / "one.jsonl", tmp_path / "ray.jsonl"
    assert main(["extract", str(SAMPLE), "-o", str(one), "-q"]) == 0
    assert main(["extract", str(SAMPLE), "-o", str(ray), "-q", "--engine", "ray", "--jobs", "2"]) == 0
    assert ray.read_bytes() == one.read_bytes()


def test_without_ray_the_message_says_how_to_install_it(monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now fails as if it were not installed
    monkeypatch.setitem(sys.modules, "ray.data", None)
    code = main(["ingest", *CORPUS, "--db", str(tmp_path / "x.duckdb"), "-q", "--engine", "ray"])
    err = capsys.readouterr().err
    assert code == 2
    (line,) = err.strip().splitlines()
    assert line.startswith("newsevents ingest: error: --engine ray needs Ray, which is not installed")
    assert "pip install -r requirements-ray.lock" in line


def test_an_unreachable_cluster_is_one_clear_error(tmp_path, capsys):
    pytest.importorskip("ray.data", reason="Ray is not installed (make test installs requirements-ray.lock)")
    import socket

    with socket.socket() as s:  # a loopback port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = main(["ingest", str(SAMPLE), "--db", str(tmp_path / "x.duckdb"), "-q", "--engine", "ray",
                 "--ray-address", f"127.0.0.1:{port}"])
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and line.startswith(f"newsevents ingest: error: cannot reach a Ray cluster at 127.0.0.1:{port}")


def test_a_failure_while_preparing_is_raised_not_waited_for(ray_session, monkeypatch):
    """The execution waits for blocks the parent prepares in a thread: if that thread fails, the run
    must stop with its error, not hang waiting for blocks that never come."""
    from newsevents.engines.ray_engine import process_ray
    from newsevents.ingest.readers import iter_documents
    from newsevents.pipeline import Pipeline

    pipeline = Pipeline()
    prepare = pipeline.prepare

    def failing(items, duplicates=None):
        for n, pair in enumerate(prepare(items, duplicates)):
            if n == 5:
                raise OSError("disk went away")
            yield pair

    monkeypatch.setattr(pipeline, "prepare", failing)
    with pytest.raises(OSError, match="disk went away"):
        list(process_ray(pipeline, iter_documents([str(SAMPLE)]), jobs=2))


def test_records_stream_through_parquet_shards_in_order(ray_session, tmp_path, monkeypatch):
    """The parent writes each shard before it lets the shard's records go: the shards hold every record
    yielded, in input order; and a consumer that stops early does not leave the run hanging."""
    import json

    import pyarrow.parquet as pq

    from newsevents.engines import ray_engine
    from newsevents.ingest.readers import iter_documents
    from newsevents.pipeline import Pipeline

    monkeypatch.setattr(ray_engine, "BLOCK_ROWS", 2)
    monkeypatch.setattr(ray_engine, "SHARD_ROWS", 5)
    pipeline, stats = Pipeline(), ray_engine.RayStats()
    # the early stop first: the module's Ray session then ends after a whole run, not right after actors
    # were killed mid-call (see the module docstring)
    first = next(iter(ray_engine.process_ray(pipeline, iter_documents([str(SAMPLE)]), jobs=2)))
    records = list(ray_engine.process_ray(pipeline, iter_documents([str(SAMPLE)]), jobs=2, stats=stats, keep_shards=str(tmp_path)))
    assert first.id == records[0].id
    shards = sorted(tmp_path.glob("segment-*/*.parquet"))
    assert len(shards) == stats.shards >= 3
    stored = [json.loads(r) for path in shards for r in pq.read_table(path).column("record").to_pylist()]
    assert [r["id"] for r in stored] == [r.id for r in records]
