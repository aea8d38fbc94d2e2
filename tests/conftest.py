"""Shared fixtures. The spaCy model, knowledge base and gazetteer load once per test process."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"
SAMPLE = ROOT / "samples" / "articles"


@pytest.fixture(scope="session")
def pipeline():
    from newsevents.pipeline import Pipeline

    return Pipeline()


@pytest.fixture(scope="session")
def nlp():
    from newsevents.nlp import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def seed_articles(pipeline):
    if not SEEDS.is_dir():
        pytest.skip("../shared/corpus/seeds is not beside this checkout")
    from newsevents.ingest.readers import iter_documents

    return list(pipeline.process(iter_documents([str(SEEDS)])))


@pytest.fixture(scope="session")
def sample_articles(pipeline):
    from newsevents.ingest.readers import iter_documents

    return list(pipeline.process(iter_documents([str(SAMPLE)])))


@pytest.fixture()
def extract(pipeline):
    def run(text: str, published: str | None = "2016-03-24", **meta):
        return pipeline.extract_text(text, published=published, **meta)

    return run
