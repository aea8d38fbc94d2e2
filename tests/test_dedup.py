"""Exact and near-duplicate detection, within a run and across runs against the store."""

from __future__ import annotations

import pytest

from newsevents.ingest.dedup import DuplicateIndex
from newsevents.model import Article, article_id
from newsevents.store.database import Store

STORY = (
    "Turkish warplanes struck Kurdish militants in northern Iraq on Saturday, the army said. "
    "Government forces and rebel fighters agreed on Sunday to a ceasefire around the northern town of Karvel, "
    "after three weeks of shelling that emptied its market and closed both of its hospitals. The deal, brokered "
    "by envoys from two neighbouring states, provides for the withdrawal of heavy weapons to twenty kilometres "
    "from the town and for monitors to be deployed along the river within ten days. Aid agencies said convoys "
    "carrying food and medicine were waiting at the border and could move as soon as the guns fell silent."
)


def _article(text: str, key: str) -> Article:
    return Article(id=article_id(text, key), text=text)


def test_exact_copy_points_at_the_first_seen():
    index = DuplicateIndex()
    first, copy = _article(STORY, "a.txt"), _article(STORY, "b.txt")
    assert first.id != copy.id
    assert index.original_of(first) is None
    assert index.original_of(copy) == first.id


def test_syndicated_copy_with_small_edits_is_near_duplicate():
    index = DuplicateIndex(threshold=0.7)
    edited = STORY.replace("on Sunday", "late on Sunday").replace("Aid agencies said", "Aid agencies told reporters")
    assert index.original_of(_article(STORY, "a")) is None
    assert index.original_of(_article(edited + " Copyright Example Wire.", "b")) == article_id(STORY, "a")


def test_different_story_on_the_same_topic_is_not_a_duplicate():
    index = DuplicateIndex()
    other = (
        "Rebel fighters shelled the northern town of Karvel on Monday, a day after agreeing to a ceasefire, "
        "and government aircraft answered with strikes on their positions in the hills, residents said. "
        "The envoys who brokered the deal called both sides to a meeting on Wednesday."
    )
    assert index.original_of(_article(STORY, "a")) is None
    assert index.original_of(_article(other, "b")) is None


def test_threshold_is_validated():
    with pytest.raises(ValueError):
        DuplicateIndex(threshold=1.5)


def test_copies_are_found_across_runs_through_the_store(tmp_path):
    db = tmp_path / "d.duckdb"
    with Store(db) as store:
        index = DuplicateIndex(lookup=store.find_copies)
        original = _article(STORY, "a")
        assert index.original_of(original) is None
        store.add(original, index.take_fingerprint(original.id))
    edited = STORY.replace("on Sunday", "on Sunday evening")
    with Store(db) as store:
        index = DuplicateIndex(lookup=store.find_copies)  # a new run: nothing in memory
        same_input_again = _article(STORY, "a")
        assert index.original_of(same_input_again) is None  # itself, not a copy: the store skips it
        assert index.original_of(_article(STORY, "elsewhere.txt")) == original.id
        assert index.original_of(_article(edited, "c")) == original.id


def test_cli_links_copies_and_codes_them_once(tmp_path, extract):
    from newsevents.cli import main

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(STORY, encoding="utf-8")
    (folder / "b.txt").write_text("Share this article\n\n" + STORY + "\n\nSubscribe to our newsletter", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(folder), "-o", str(out), "-q"]) == 0
    import json

    first, second = [json.loads(line) for line in out.read_text().splitlines()]
    assert first["duplicate_of"] is None and first["events"]
    assert second["duplicate_of"] == first["id"] and second["events"] == []
    assert main(["extract", str(folder), "-o", str(out), "-q", "--keep-duplicates"]) == 0
    assert all(json.loads(line)["duplicate_of"] is None for line in out.read_text().splitlines())


def test_band_keys_keep_the_layout_databases_hold():
    """Stored band keys stay valid: our bands are datasketch's MinHashLSH bands for the same parameters."""
    from datasketch import MinHashLSH

    from newsevents.ingest.dedup import BAND_RANGES, BANDS, NUM_PERM, ROWS

    assert BAND_RANGES == list(MinHashLSH(num_perm=NUM_PERM, params=(BANDS, ROWS)).hashranges)


def test_the_index_holds_a_few_kilobytes_per_original_and_no_fingerprints_without_a_store():
    import gc
    import random
    import tracemalloc

    rng = random.Random(7)
    words = STORY.split()
    texts = [" ".join(rng.sample(words, len(words))) for _ in range(300)]  # shuffled: no two alike
    articles = [_article(t, f"n{i}") for i, t in enumerate(texts)]
    index = DuplicateIndex()
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        originals = sum(index.original_of(a) is None for a in articles)
        gc.collect()
        per_original = (tracemalloc.get_traced_memory()[0] - before) / originals
    finally:
        tracemalloc.stop()
    assert originals == 300
    assert per_original < 6000, per_original  # 4.7 KB here; MinHash objects, datasketch's LSH and fingerprints took 16 KB
    assert index.take_fingerprint(articles[0].id) is None
    kept, original = DuplicateIndex(fingerprints=True), _article(STORY, "a")
    assert kept.original_of(original) is None
    assert kept.take_fingerprint(original.id) is not None
