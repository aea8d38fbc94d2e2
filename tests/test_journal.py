"""Runs that survive faults: a real kill -9 in the middle of an ingest, then the same command again, stores
every article exactly once; a write that fails (file size limit standing in for a full disk) says so."""

from __future__ import annotations

import json
import os
import random
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src")}

ACTORS = ["Turkish jets", "Russian warplanes", "The Syrian army", "Iraqi forces", "Afghan police", "Egyptian officials",
          "The United Nations", "French diplomats", "Israeli aircraft", "Kurdish fighters", "Libyan militias", "Iranian envoys"]
ACTS = ["struck positions near", "shelled villages outside", "held talks in", "sent aid convoys to", "accused rebels in",
        "met officials in", "withdrew troops from", "besieged the town of", "condemned the attack in", "evacuated civilians from"]
PLACES = ["Aleppo", "Mosul", "Kabul", "Sirte", "Idlib", "Kandahar", "Raqqa", "Benghazi", "Homs", "Tikrit", "Hama", "Herat"]
DAYS = ["on Monday", "on Tuesday", "on Wednesday", "last week", "on Friday", "yesterday"]


def _corpus(path: Path, n: int) -> None:
    """n short, distinct articles as JSON Lines (varied enough not to be near-duplicates of each other)."""
    rng = random.Random(5)
    with path.open("w") as out:
        for i in range(n):
            sentences = [f"{rng.choice(ACTORS)} {rng.choice(ACTS)} {rng.choice(PLACES)} {rng.choice(DAYS)}, report {i} said."
                         for _ in range(rng.randint(1, 3))]
            words = " ".join(rng.sample(PLACES + ACTORS, 6))
            out.write(json.dumps({"url": f"https://wire.example/{i}", "published": "2016-03-10",
                                  "text": " ".join(sentences) + f" Background: {words} ({i})."}) + "\n")


def _ingest(corpus: Path, db: Path, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "newsevents", "ingest", str(corpus), "--db", str(db), "-q"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV, **kw)


def test_kill_9_then_the_same_command_stores_every_article_once(tmp_path):
    corpus, db = tmp_path / "corpus.jsonl", tmp_path / "j.duckdb"
    _corpus(corpus, 5000)
    proc = _ingest(corpus, db)
    wal = Path(str(db) + ".wal")
    deadline = time.monotonic() + 240
    # wait until a few batches (256 articles each) have been committed to the log, then kill without warning
    while time.monotonic() < deadline and (not wal.exists() or wal.stat().st_size < 3_000_000) and proc.poll() is None:
        time.sleep(0.2)
    assert proc.poll() is None, "the ingest finished before it could be killed: make the corpus larger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL

    con = duckdb.connect(str(db), read_only=True)  # replays the log: every committed batch, nothing half-written
    stored_before = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert con.execute("SELECT status, articles_added FROM runs").fetchall() == [("running", stored_before)]
    assert con.execute("SELECT count(*) FROM events e LEFT JOIN fused_mentions f ON f.event_id = e.id WHERE f.event_id IS NULL").fetchone()[0] == 0
    con.close()
    assert 0 < stored_before < 5000

    again = _ingest(corpus, db)
    out, err = again.communicate(timeout=900)
    assert again.returncode == 0, err
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*), count(DISTINCT id), count(DISTINCT url) FROM articles").fetchone() == (5000, 5000, 5000)
        runs = con.execute("SELECT status, articles_added FROM runs ORDER BY started_at").fetchall()
        assert runs == [("interrupted", stored_before), ("finished", 5000 - stored_before)]
        # every event once, every event in exactly one fused event
        n_events = con.execute("SELECT count(*) FROM events").fetchone()[0]
        assert n_events == con.execute("SELECT sum(n_events) FROM articles").fetchone()[0] > 0
        assert con.execute("SELECT count(*), count(DISTINCT event_id) FROM fused_mentions").fetchone() == (n_events, n_events)
    finally:
        con.close()


def test_a_failed_write_says_what_happened_and_keeps_earlier_batches(tmp_path):
    corpus, db = tmp_path / "corpus.jsonl", tmp_path / "full.duckdb"
    _corpus(corpus, 1500)

    def small_disk() -> None:  # files may not grow past 3 MB: writing the database fails as on a full disk
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (3_000_000, 3_000_000))

    proc = _ingest(corpus, db, preexec_fn=small_disk)
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 2, err
    assert "Traceback" not in err
    message = [line for line in err.splitlines() if "error" in line]
    assert message and "cannot write to" in message[0] and "run the same command again" in message[0]


def test_unwritable_database_path_is_one_line(tmp_path):
    (tmp_path / "afile").write_text("x")
    corpus = tmp_path / "c.jsonl"
    _corpus(corpus, 2)
    proc = _ingest(corpus, tmp_path / "afile" / "db.duckdb")
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 2 and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and "db.duckdb" in err
