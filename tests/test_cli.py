"""The command line: every subcommand, bad inputs, exit codes, and no tracebacks."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from newsevents.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[1]
GOOD = "Russian warplanes bombed ISIS positions near Palmyra on Tuesday, the Syrian army said.\n"


@pytest.fixture()
def bad_inputs(tmp_path):
    """One good article beside every kind of bad input the CLI must survive."""
    (tmp_path / "good.txt").write_text(GOOD)
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "latin1.txt").write_bytes(
        "Les forces turques ont frappé mardi des positions du PKK près de Qandil, dans le nord de l’Irak, "
        "a déclaré l’armée dans un communiqué publié après une réunion du conseil de sécurité à Ankara.".encode("cp1252")
    )
    big = tmp_path / "huge.txt"
    with open(big, "wb") as fh:
        fh.seek(21 * 1024 * 1024)
        fh.write(b"x")
    (tmp_path / "broken.html").write_text("<html><head><title>x</title></head><body><div><script>var a = 1;</script></div")
    (tmp_path / "records.jsonl").write_text(json.dumps({"text": GOOD, "published": "2016-03-24"}) + "\n{oops\n")
    return tmp_path


def test_extract_with_bad_inputs(bad_inputs, capsys):
    code = main(["extract", str(bad_inputs), str(bad_inputs / "missing.txt"), "-q"])
    out, err = capsys.readouterr()
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 1
    assert "Traceback" not in err
    texts = [r["text"] for r in records]
    assert sum(GOOD.strip() in t for t in texts) == 2  # good.txt and the good JSON line
    assert any("frappé" in t for t in texts) and any(r["language"] == "fr" for r in records)
    for name, reason in {
        "missing.txt": "no such file",
        "empty.txt": "empty file",
        "binary.txt": "binary",
        "huge.txt": "limit",
        "broken.html": "HTML page has no extractable article text",
        "records.jsonl:2": "does not parse",
    }.items():
        lines = [line for line in err.splitlines() if name in line]
        assert len(lines) == 1 and reason in lines[0], (name, err)
    assert len(err.strip().splitlines()) == 6


def test_extract_to_file_and_stdin(tmp_path, monkeypatch, capsys):
    out = tmp_path / "out" / "a.jsonl"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(GOOD.encode())))
    assert main(["extract", "-", "-o", str(out), "-q"]) == 0
    (record,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert record["events"] and record["path"] is None


def test_ingest_is_idempotent_and_events_query(tmp_path, capsys):
    db = tmp_path / "n.duckdb"
    sample = str(ROOT / "samples" / "articles")
    assert main(["ingest", sample, "--db", str(db), "-q"]) == 0
    assert main(["ingest", sample, "--db", str(db), "--jsonl", str(tmp_path / "x.jsonl")]) == 0
    err = capsys.readouterr().err
    # the second run recognises every article as stored: nothing is parsed, coded or written again
    assert "16 articles read, 0 stored (16 already in the database; 0 copies" in err and "0 events coded" in err
    assert (tmp_path / "x.jsonl").read_text() == ""
    assert main(["stats", "--db", str(db), "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["articles"] == 16 and stats["mentions"] > 50 and 0 < stats["events"] <= stats["mentions"]

    # fused events (the default) and sentence-level mentions, under the same filters
    assert main(["events", "--db", str(db), "--format", "jsonl", "--root", "19", "--country", "SYR", "--limit", "0"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows and all(r["cameo"].startswith("19") for r in rows)
    assert all("SYR" in [(r[k] or {}).get("country") for k in ("source", "target", "location")] for r in rows)
    assert main(["events", "--db", str(db), "--format", "jsonl", "--root", "19", "--country", "SYR", "--mentions", "--limit", "0"]) == 0
    mentions = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(mentions) >= len(rows) and {m["fused_id"] for m in mentions} >= {r["id"] for r in rows}

    assert main(["events", "--db", str(db), "--format", "csv", "--actor", "pkk", "--since", "2016-01-01", "--until", "2016-12-31"]) == 0
    table = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert table and all("2016-01-01" <= row["date"] <= "2016-12-31" for row in table)
    assert all("PKK" in (row["source_code"] + row["target_code"]) or "pkk" in row["sentence"].lower() for row in table)

    assert main(["events", "--db", str(db), "--limit", "3"]) == 0
    assert "3 rows" in capsys.readouterr().out
    for command in (["actors"], ["dyads"], ["timeline", "--by", "week"], ["stats"]):
        assert main([*command, "--db", str(db), "--format", "csv"] if command[0] != "stats" else [*command, "--db", str(db)]) == 0, command
        assert capsys.readouterr().out.strip()
    assert main(["timeline", "--db", str(db), "--by", "month", "--format", "jsonl", "--asserted-only"]) == 0
    months = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert months and all(m["period"].endswith("-01") for m in months)

    # sql is read-only: reading works, writing and reaching other files do not
    assert main(["sql", "--db", str(db), "SELECT count(*) AS n FROM fused_events", "--format", "csv"]) == 0
    assert int(capsys.readouterr().out.split()[1]) == stats["events"]
    assert main(["sql", "--db", str(db), "DELETE FROM events"]) == 2
    assert "read-only" in capsys.readouterr().err
    assert main(["sql", "--db", str(db), "COPY events TO '" + str(tmp_path / "leak.csv") + "'"]) == 2
    assert not (tmp_path / "leak.csv").exists()
    assert main(["stats", "--db", str(db), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["mentions"] == stats["mentions"]

    # re-fusing with the same thresholds gives the same events; new thresholds are kept
    assert main(["fuse", "--db", str(db)]) == 0
    assert f"into {stats['events']} events" in capsys.readouterr().err
    assert main(["fuse", "--db", str(db), "--date-window", "-1"]) == 2


def test_usage_errors(tmp_path, capsys):
    assert main(["events", "--db", str(tmp_path / "none.duckdb")]) == 2
    assert "no database" in capsys.readouterr().err
    db = tmp_path / "n.duckdb"
    (tmp_path / "a.txt").write_text(GOOD)
    main(["ingest", str(tmp_path / "a.txt"), "--db", str(db), "-q"])
    assert main(["events", "--db", str(db), "--root", "99"]) == 2
    assert main(["events", "--db", str(db), "--since", "yesterday"]) == 2
    assert main(["events", "--db", str(db), "--bbox", "1,2,3"]) == 2
    assert main(["events", "--db", str(db), "--country", "Syria"]) == 2
    assert main(["events", "--db", str(db), "--since", "2017-01-01", "--until", "2016-01-01"]) == 2
    err = capsys.readouterr().err
    assert "bbox must be four numbers" in err and "ISO 3166" in err and "after until" in err
    assert main(["sql", "--db", str(db), "SELEC nonsense"]) == 2
    assert "SQL error" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["frobnicate"])
    assert exc.value.code == 2
    assert main([]) == 2


def test_help_is_complete(capsys):
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert set(sub.choices) == {
        "extract", "ingest", "events", "actors", "dyads", "timeline", "stats", "sql", "fuse", "upgrade", "export",
        "serve", "watch", "follow", "eval", "dict",
    }
    for name, subparser in sub.choices.items():
        text = subparser.format_help()
        for action in subparser._actions:
            assert action.help, (name, action.dest)
        assert "usage:" in text
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.startswith("newsevents ")


def test_real_process_never_shows_a_traceback(bad_inputs, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.run(
        [sys.executable, "-m", "newsevents", "ingest", str(bad_inputs), "--db", str(tmp_path / "d.duckdb")],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "skipped" in proc.stderr
    # good.txt and the good JSON line have the same clean text: both stored, the second as a copy, coded once
    assert "3 articles read, 3 stored (0 already in the database; 1 copies of earlier articles" in proc.stdout + proc.stderr
    proc = subprocess.run([sys.executable, "-m", "newsevents", "events", "--db", str(tmp_path / "nope" / "x.duckdb")],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
