"""`newsevents eval extraction`: the metric arithmetic, and floors on our fixtures and the shared sets."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from newsevents.cli import main
from newsevents.evaluate import extraction

GOLD = Path(__file__).parent / "data" / "gold"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "gold" / "extraction"


def test_shingle_metric_arithmetic():
    gold = "one two three four five six"  # shingles: 1234 2345 3456
    assert extraction.shingle_match(gold, gold) == (1.0, 0.0, 0.0)
    tp, fp, fn = extraction.shingle_match(gold, "one two three four five")  # 1234 2345
    assert (tp, fp, fn) == pytest.approx((2 / 3, 0.0, 1 / 3))
    p, r, f1 = extraction.body_scores([(2 / 3, 0.0, 1 / 3), (0.0, 0.0, 1.0)])
    assert (p, r) == pytest.approx((0.5, 1 / 3)) and f1 == pytest.approx(0.4)
    assert extraction.shingle_match("", "") == (0.0, 0.0, 0.0)


def test_segments_arithmetic():
    seg = extraction.Segments()
    seg.add("Alpha beta. Gamma &amp; delta.", include=["alpha  beta", "gamma & delta", "missing"], exclude=["beta. gamma", "leave a reply"])
    scores = seg.scores()
    assert (scores["tp"], scores["fn"], scores["fp"], scores["tn"]) == (2, 1, 1, 1)
    assert scores["precision"] == pytest.approx(2 / 3) and scores["junk_excluded"] == pytest.approx(0.5)


def _run(paths, tmp_path, *extra):
    out = tmp_path / "r.json"
    assert main(["eval", "extraction", *map(str, paths), "--json", str(out), *extra]) == 0
    return {Path(f["file"]).name: f["systems"] for f in json.loads(out.read_text())["files"]}


def test_our_fixtures(tmp_path, capsys):
    report = _run([GOLD / "extraction_html.jsonl", GOLD / "scraped_text"], tmp_path)
    html, text = report["extraction_html.jsonl"], report["scraped_text"]
    assert html["newsevents"]["body"]["f1"] >= 0.96 and html["newsevents"]["published"]["accuracy"] >= 0.9
    assert "trafilatura" in html  # the baseline is measured in the same run
    assert text["newsevents"]["body"]["f1"] >= 0.95 and text["newsevents"]["segments"]["junk_excluded"] >= 0.9
    assert "body F1" in capsys.readouterr().out


@pytest.mark.skipif(not SHARED.is_dir(), reason="shared gold not present")
def test_shared_sets_floors(tmp_path):
    report = _run([SHARED / "zyte_article_benchmark.jsonl", SHARED / "htmldate_pubdate_sample.jsonl"], tmp_path, "--limit", "60", "--no-baseline")
    zyte, dates = report["zyte_article_benchmark.jsonl"], report["htmldate_pubdate_sample.jsonl"]
    assert zyte["newsevents"]["body"]["f1"] >= 0.95
    assert dates["newsevents"]["published"]["accuracy"] >= 0.9


def test_missing_gold_is_a_usage_error(tmp_path, capsys):
    assert main(["eval", "extraction", str(tmp_path / "nope.jsonl")]) == 2
    assert "gold file not found" in capsys.readouterr().err
