"""`newsevents eval fusion`: B-cubed arithmetic, alignment, the command on a tiny gold, and the synthetic
gold corpus (tests/data/gold/fusion/): its files are consistent, and fusion scores P and R >= 0.90."""

from __future__ import annotations

import importlib.util
import json
import random
import sys
from pathlib import Path

import pytest

from newsevents.cli import main
from newsevents.evaluate import fusion as fz
from newsevents.fusion import Fuser, fuse

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "data" / "gold" / "fusion"


def fz_config():
    from newsevents.fusion import FusionConfig

    return FusionConfig()


@pytest.fixture()
def same_pipeline(pipeline, monkeypatch):
    """The evaluator codes with the test session's pipeline instead of loading its own."""
    monkeypatch.setattr(fz, "_PIPELINE", pipeline)


# --- B-cubed --------------------------------------------------------------------------------------------------


def test_bcubed_perfect_and_degenerate():
    gold = {"a": 1, "b": 1, "c": 2, "d": 2}
    assert fz.bcubed({"a": "x", "b": "x", "c": "y", "d": "y"}, gold) == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    lumped = fz.bcubed({k: "all" for k in gold}, gold)
    assert (lumped["precision"], lumped["recall"]) == (0.5, 1.0)
    apart = fz.bcubed({k: k for k in gold}, gold)
    assert (apart["precision"], apart["recall"]) == (1.0, 0.5)


def test_bcubed_by_hand():
    # gold {a,b,c} {d}; predicted {a,b} {c,d}
    # precision: a 1, b 1, c 1/2, d 1/2 -> 0.75; recall: a 2/3, b 2/3, c 1/3, d 1 -> 2/3
    score = fz.bcubed({"a": 1, "b": 1, "c": 2, "d": 2}, {"a": "g", "b": "g", "c": "g", "d": "h"})
    assert score["precision"] == 0.75 and score["recall"] == pytest.approx(2 / 3, abs=1e-4)
    assert score["f1"] == pytest.approx(2 * 0.75 * (2 / 3) / (0.75 + 2 / 3), abs=1e-4)
    assert fz.bcubed({"z": 1}, {"a": "g"}) == {"precision": 0.0, "recall": 0.0, "f1": 0.0}  # nothing shared


# --- a tiny gold ----------------------------------------------------------------------------------------------

TINY_ARTICLES = [
    {"url": "https://one.example/1", "outlet": "One", "published": "2019-10-02", "title": "Strike",
     "text": "Turkish warplanes struck PKK hideouts near Zakho in northern Iraq on Tuesday. "
             "The weather in the region was mild. Oil prices rose slightly."},
    {"url": "https://two.example/1", "outlet": "Two", "published": "2019-10-03", "title": "Raids",
     "text": "Turkish jets bombed PKK positions near Zakho two days ago. "
             "Kenyan police arrested about 60 protesters in Nairobi on Thursday. Traffic was heavy."},
    {"url": "https://three.example/1", "outlet": "Three", "published": "2019-10-04", "title": "Arrests",
     "text": "Police in Nairobi detained dozens of demonstrators yesterday. The markets were calm. Schools reopened."},
    {"url": "https://three.example/2", "outlet": "Three", "published": "2019-10-09", "title": "Strikes again",
     "text": "Turkish warplanes struck PKK hideouts near Zakho again on Tuesday, a week after the first raid. "
             "The ministry gave no details. Rain is expected."},
]
TINY_GOLD = [
    {"id": "strike", "kind": "happening", "cameo_root": "19", "mentions": [
        {"article": "https://one.example/1", "sentence": "Turkish warplanes struck PKK hideouts near Zakho in northern Iraq on Tuesday.", "trigger": None},
        {"article": "https://two.example/1", "sentence": "Turkish jets bombed PKK positions near Zakho two days ago.", "trigger": None}]},
    {"id": "arrests", "kind": "happening", "cameo_root": "17", "mentions": [
        {"article": "https://two.example/1", "sentence": "Kenyan police arrested about 60 protesters in Nairobi on Thursday.", "trigger": None},
        {"article": "https://three.example/1", "sentence": "Police in Nairobi detained dozens of demonstrators yesterday.", "trigger": None}]},
    {"id": "strike-again", "kind": "distractor", "cameo_root": "19", "mentions": [
        {"article": "https://three.example/2", "sentence": "Turkish warplanes struck PKK hideouts near Zakho again on Tuesday, a week after the first raid.", "trigger": "struck"}]},
]


def _write(folder: Path, articles: list[dict], gold: list[dict]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "articles.jsonl").write_text("".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8")
    (folder / "gold.jsonl").write_text("".join(json.dumps(g) + "\n" for g in gold), encoding="utf-8")
    return folder


def test_tiny_gold_through_the_command(tmp_path, same_pipeline, capsys):
    folder = _write(tmp_path / "tiny", TINY_ARTICLES, TINY_GOLD)
    assert main(["eval", "fusion", str(folder), "--json", str(tmp_path / "report.json")]) == 0
    printed = capsys.readouterr().out
    assert "*fusion" in printed and "singletons" in printed and "dyad-root" in printed
    (report,) = json.loads((tmp_path / "report.json").read_text())["files"]
    assert (report["articles"], report["happenings"], report["distractors"], report["gold_mentions"]) == (4, 2, 1, 5)
    assert report["gold_mentions_extracted"] + report["coder_misses"] == 5
    assert report["gold_mentions_extracted"] >= 4
    # the strike a week later stays apart; the two tellings of each happening fuse
    assert report["fusion"]["precision"] == 1.0 and report["fusion"]["recall"] == 1.0
    assert report["baselines"]["singletons"]["recall"] < 1.0
    assert report["baselines"]["dyad_root"]["precision"] < 1.0  # the strike and its distractor share a dyad
    assert report["incremental_equals_batch"]


def test_gold_file_beside_its_articles_and_thresholds(tmp_path, same_pipeline):
    folder = _write(tmp_path / "tiny", TINY_ARTICLES, TINY_GOLD)
    import argparse

    args = argparse.Namespace(gold=[str(folder / "gold.jsonl")], articles=None, window=0, distance=None, show_errors=5, limit=None)
    (report,) = fz.run(args)["files"]
    assert report["config"]["date_window_days"] == 0
    # with no window, "two days ago" against "on Tuesday" still matches (same day); nothing else changes
    assert report["fusion"]["recall"] == 1.0
    assert "misses" in report and "splits" in report


def test_alignment_by_sentence_and_kind(pipeline):
    from newsevents.model import RawDocument

    text = ("Russia expelled two Norwegian diplomats on Tuesday, accusing them of spying. "
            "Norway said it regretted the decision.")
    (article,) = pipeline.process([RawDocument(origin="x", content=text, url="https://n.example/1", published="2019-10-23")])
    gold = [fz.GoldMention("expulsion", "https://n.example/1",
                           "Russia expelled two Norwegian diplomats on Tuesday, accusing them of spying.", None, "16")]
    by_kind, lost = fz.align([article], gold, fz_config())
    by_sentence, _ = fz.align([article], gold)
    assert not lost
    kinds = {e.id: e.cameo_root for e in article.events}
    assert all(kinds[e] == "16" for e in by_kind)  # "accusing" (11) is another act of the sentence
    assert len(by_sentence) >= len(by_kind) >= 1
    missing = fz.GoldMention("x", "https://n.example/1", "A sentence that is not there.", None, None)
    assert fz.align([article], [missing])[1] == [0]


def test_missing_files_are_usage_errors(tmp_path, capsys):
    (tmp_path / "gold.jsonl").write_text("{}\n", encoding="utf-8")
    assert main(["eval", "fusion", str(tmp_path)]) == 2
    assert "articles.jsonl" in capsys.readouterr().err


# --- the synthetic gold corpus --------------------------------------------------------------------------------


def _build_module():
    sys.path.insert(0, str(GOLD))
    try:
        spec = importlib.util.spec_from_file_location("make_fusion_corpus", GOLD / "make_corpus.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(GOLD))


def test_gold_files_are_built_from_their_source():
    articles, gold = _build_module().build()
    on_disk = [json.loads(line) for line in (GOLD / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    assert articles == on_disk
    assert gold == [json.loads(line) for line in (GOLD / "gold.jsonl").read_text(encoding="utf-8").splitlines()]


def test_gold_corpus_shape():
    gold = [json.loads(line) for line in (GOLD / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    articles = {a["url"]: a for a in map(json.loads, (GOLD / "articles.jsonl").read_text(encoding="utf-8").splitlines())}
    happenings = [g for g in gold if g["kind"] == "happening"]
    assert len(happenings) >= 40
    assert all(2 <= g["outlets"] <= 5 for g in happenings)
    assert {g["distractor_of"] for g in gold if g["kind"] == "distractor"} <= {g["id"] for g in happenings}
    for g in gold:
        for m in g["mentions"]:
            assert m["sentence"] in articles[m["article"]]["text"]
    # happenings told with relative and explicit dates
    sentences = " ".join(m["sentence"] for g in gold for m in g["mentions"])
    for expression in ("yesterday", "two days ago", "on Tuesday", "last Friday", "on October"):
        assert expression in sentences


@pytest.fixture(scope="module")
def gold_report(pipeline):
    saved, fz._PIPELINE = fz._PIPELINE, pipeline
    try:
        report = fz.score(GOLD / "gold.jsonl", GOLD / "articles.jsonl", fz_config(), show=1000)
        articles = fz.read_articles(GOLD / "articles.jsonl")
    finally:
        fz._PIPELINE = saved
    return report, articles


def test_fusion_on_the_synthetic_gold(gold_report):
    report, _ = gold_report
    assert report["happenings"] >= 40 and report["articles"] >= 100
    # the coder extracts most gold mentions (its misses are counted apart, not in the fusion scores)
    assert report["gold_mentions_extracted"] >= 0.85 * report["gold_mentions"]
    assert report["fusion"]["precision"] >= 0.90
    assert report["fusion"]["recall"] >= 0.90
    assert report["fusion"]["f1"] > report["baselines"]["dyad_root"]["f1"] + 0.15
    assert report["fusion"]["f1"] > report["baselines"]["singletons"]["f1"] + 0.30
    assert report["incremental_equals_batch"]


def test_synthetic_gold_fuses_the_same_in_any_article_order(gold_report):
    _, articles = gold_report
    expected = sorted(sorted(e.mention_ids) for e in fuse(articles))
    ids = sorted(e.id for e in fuse(articles))
    rng = random.Random(11)
    for _ in range(5):
        order = list(articles)
        rng.shuffle(order)
        fuser = Fuser()
        for article in order:
            fuser.add(article)
        assert sorted(sorted(e.mention_ids) for e in fuser.events()) == expected
        assert sorted(e.id for e in fuser.events()) == ids
