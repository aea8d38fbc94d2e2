"""`--jobs N`: the same records, byte for byte and in the same order, as one process; a worker that
crashes costs one article; bad values are usage errors."""

from __future__ import annotations

import ctypes
import json
import os
import subprocess
import sys

import pytest

from engine_helpers import CORPUS, SAMPLE, db_contents, ingest
from newsevents import parallel
from newsevents.cli import main


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The corpus ingested by one process: exit code, JSON Lines, database contents."""
    tmp = tmp_path_factory.mktemp("jobs1")
    code, jsonl, db = ingest(tmp, "one", "--jobs", "1")
    assert code == 0 and jsonl.count(b"\n") >= 16
    return code, jsonl, db_contents(db)


@pytest.fixture()
def small_chunks(monkeypatch):
    """Chunks of three articles: many chunks, finishing out of order on two workers."""
    monkeypatch.setattr(parallel, "CHUNK_SIZE", 3)


def test_two_jobs_give_the_same_records_and_database(reference, tmp_path, small_chunks):
    code, jsonl, db = ingest(tmp_path, "two", "--jobs", "2")
    assert code == reference[0]
    assert jsonl == reference[1]  # the same records, byte for byte, in input order
    assert db_contents(db) == reference[2]  # articles, events, fused events, fingerprints, errors


def test_extract_with_jobs_writes_what_ingest_writes(reference, tmp_path, small_chunks):
    out = tmp_path / "extract.jsonl"
    assert main(["extract", *CORPUS, "-o", str(out), "-q", "--jobs", "2"]) == 0
    assert out.read_bytes() == reference[1]


def test_chunks_come_back_in_input_order():
    from newsevents.model import IngestError

    prepared = [(IngestError(f"in{i}", "x"), False) for i in range(10)]
    chunks = list(parallel.chunked(prepared, size=3))
    assert [item.origin for c in chunks for item in c.items] == [f"in{i}" for i in range(10)]
    assert all(not c.todo for c in chunks)


def test_a_crashing_worker_loses_only_its_article(reference, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(parallel, "CHUNK_SIZE", 4)
    monkeypatch.setenv(parallel.POISON_ENV, "Hammam al-Alil")  # 08_iraq_hammam_alil.txt kills its worker
    code, jsonl, db = ingest(tmp_path, "poisoned", "--jobs", "2", paths=[str(SAMPLE)])
    err = capsys.readouterr().err
    assert code == 1  # one input skipped
    assert "Traceback" not in err
    (line,) = [l for l in err.splitlines() if "worker crashed" in l]
    assert "08_iraq_hammam_alil.txt" in line
    records = [json.loads(l) for l in jsonl.decode().splitlines()]
    expected = [json.loads(l) for l in reference[1].decode().splitlines() if json.loads(l)["path"].startswith(str(SAMPLE))]
    assert records == [r for r in expected if "08_iraq" not in r["path"]]  # every other article, as one process codes it
    errors = db_contents(db)["ingest_errors"]
    assert len(errors) == 1 and "08_iraq_hammam_alil.txt" in errors[0][0] and "worker crashed" in errors[0][1]


def test_jobs_0_means_one_worker_per_cpu(monkeypatch, tmp_path):
    seen = {}
    real = parallel.LocalPool.__init__

    def spy(self, jobs, *args, **kwargs):
        seen["jobs"] = jobs
        real(self, jobs, *args, **kwargs)

    monkeypatch.setattr(parallel, "available_cpus", lambda: 3)
    monkeypatch.setattr(parallel.LocalPool, "__init__", spy)
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(SAMPLE / "01_turkey_qandil_strikes.txt"), "-o", str(out), "-q", "--jobs", "0"]) == 0
    assert seen["jobs"] == 3
    assert json.loads(out.read_text())["events"]


@pytest.mark.parametrize("options, message", [
    (["--jobs", "-3"], "--jobs must be 0 (one per CPU) or a positive number"),
    (["--ray-address", "127.0.0.1:6379"], "--ray-address needs --engine ray"),
])
def test_bad_engine_options_are_usage_errors(tmp_path, capsys, options, message):
    code = main(["ingest", str(SAMPLE), "--db", str(tmp_path / "x.duckdb"), "-q", *options])
    err = capsys.readouterr().err
    assert code == 2
    (line,) = err.strip().splitlines()  # one line, no traceback
    assert line.startswith(f"newsevents ingest: error: {message}")


def test_a_worker_that_cannot_start_is_one_clear_error(monkeypatch, tmp_path, capsys):
    def broken(conn, layers):
        conn.send(("failed", "OSError: no model"))
        parallel.os._exit(1)

    monkeypatch.setattr(parallel, "_worker_main", broken)
    code = main(["extract", str(SAMPLE / "01_turkey_qandil_strikes.txt"), "-q", "--jobs", "2"])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert "a worker process could not start (OSError: no model)" in err


def test_a_copy_links_to_the_same_original_whatever_the_hash_seed():
    """Engines run duplicate detection in different processes; with several originals close enough, the
    choice must not follow the set order of the LSH query (it changes with PYTHONHASHSEED)."""
    import os
    import subprocess
    import sys

    script = """
import random
from newsevents.ingest.dedup import DuplicateIndex
from newsevents.model import Article
rng = random.Random(7)
words = lambda n: " ".join(rng.choice(["alpha", "beta", "gamma", "delta", "army", "town", "talks", "strike"]) + str(rng.randint(0, 999)) for _ in range(n))
common = words(80)
originals = [common + " " + words(40) for _ in range(12)]
index = DuplicateIndex(0.57)  # copy ~0.65 like each original, originals ~0.49 alike
ids = [index.original_of(Article(id=f"o{i}", text=t)) for i, t in enumerate(originals)]
copy = Article(id="copy", text=common)
print(sum(i is None for i in ids), index.original_of(copy))
"""
    outputs = set()
    for seed in ("1", "2", "3"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
        outputs.add(done.stdout.strip())
    assert len(outputs) == 1, outputs
    originals, chosen = outputs.pop().split()
    assert int(originals) > 2 and chosen.startswith("o")  # several originals; one of them, always the same


def test_extract_codes_in_a_process_that_never_had_a_second_thread(tmp_path):
    """numpy's OpenBLAS starts threads when imported; the command line sets one BLAS thread first, so
    glibc keeps its single-threaded fast paths (docs/scaling.md: a tenth of the parse time)."""
    from newsevents.cli import BLAS_THREAD_VARIABLES

    script = (
        "import ctypes, sys\n"
        "from newsevents.cli import main\n"
        "code = main(sys.argv[1:])\n"
        "flag = ctypes.c_char.in_dll(ctypes.CDLL(None), '__libc_single_threaded').value\n"
        "print(code, flag == b'\\x01')\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in BLAS_THREAD_VARIABLES}
    try:  # glibc 2.32 and later say whether the process has ever had a second thread
        ctypes.c_char.in_dll(ctypes.CDLL(None), "__libc_single_threaded")
    except (OSError, ValueError, AttributeError):
        pytest.skip("this C library does not say whether the process is single-threaded")
    out = subprocess.run([sys.executable, "-c", script, "extract", str(SAMPLE / "01_turkey_qandil_strikes.txt"),
                          "-o", str(tmp_path / "one.jsonl"), "-q"], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0", "True"]
