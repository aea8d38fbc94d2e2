"""Throughput of `extract` against bare spaCy `nlp.pipe` on the same texts, in one run, on one core.

    .venv/bin/python benchmarks/throughput.py [--articles 500] [--corpus DIR]

The corpus defaults to ../shared/corpus/seeds (else the bundled sample), repeated to the article count.
Each article gets a unique suffix line so no stage can reuse work between copies. Prints articles/s and
words/s for both, and their ratio (target: >= 0.8, i.e. everything beyond the parse costs at most a quarter);
then, on a sample of parsed articles, the actor and event stages alone against the parse (target: < 20%).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from newsevents.cli import one_blas_thread  # noqa: E402 - before anything imports numpy

one_blas_thread()

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--corpus", default=None)
    parser.add_argument("--rounds", type=int, default=2, help="timed rounds of each; the best is reported")
    parser.add_argument("--stage-sample", type=int, default=150, help="parsed articles the stage costs are measured on")
    args = parser.parse_args()

    from newsevents.ingest.clean import clean_document
    from newsevents.ingest.readers import iter_documents
    from newsevents.model import Article, RawDocument
    from newsevents.pipeline import Pipeline

    corpus = args.corpus or str(ROOT.parent / "shared" / "corpus" / "seeds")
    if not Path(corpus).is_dir():
        corpus = str(ROOT / "samples" / "articles")
    base = [d for d in iter_documents([corpus]) if isinstance(d, RawDocument)]
    raws = []
    for i in range(args.articles):
        d = base[i % len(base)]
        raws.append(RawDocument(origin=f"{d.origin}#{i}", content=d.content + f"\n\nCopy {i} of the article.", kind=d.kind, path=d.path))

    pipeline = Pipeline()  # loads model, knowledge base, lexicon and gazetteer before timing
    for _ in pipeline.process(raws[: len(base)]):  # warm-up: first batches and lazy imports
        pass
    clean_texts = []
    for raw in raws:
        cleaned = clean_document(raw)
        clean_texts.append(cleaned.text if isinstance(cleaned, Article) else "")
    words = sum(len(t.split()) for t in clean_texts)

    def run_bare() -> float:
        start = time.perf_counter()
        for _ in pipeline.nlp.pipe(clean_texts, batch_size=32):
            pass
        return time.perf_counter() - start

    def run_extract() -> tuple[float, int]:
        start = time.perf_counter()
        n_events = 0
        for item in pipeline.process(raws):
            if isinstance(item, Article):
                n_events += len(item.events)
        return time.perf_counter() - start, n_events

    bare = min(run_bare() for _ in range(args.rounds))
    results = [run_extract() for _ in range(args.rounds)]
    full, n_events = min(results)

    n = len(raws)
    print(f"corpus: {corpus} repeated to {n} articles, {words:,} words (clean text); one core")
    print(f"bare nlp.pipe : {n / bare:8.1f} articles/s {words / bare:10,.0f} words/s  ({bare:.2f} s)")
    print(f"extract       : {n / full:8.1f} articles/s {words / full:10,.0f} words/s  ({full:.2f} s, {n_events} events)")
    print(f"ratio extract/bare: {bare / full:.3f}  (target >= 0.8)")
    parse_ms, stages_ms, annotate_ms = stage_costs(pipeline, clean_texts[: args.stage_sample])
    print(f"parse {parse_ms:.1f} ms/article; actors + events {stages_ms:.1f} ms = {100 * stages_ms / parse_ms:.1f}% of the parse "
          f"(target < 20%); all of annotate (with places and dates) {annotate_ms:.1f} ms = {100 * annotate_ms / parse_ms:.1f}%")


def stage_costs(pipeline, texts: list[str]) -> tuple[float, float, float]:
    """Milliseconds per article of the parse, of actor resolution plus event coding, and of `annotate`."""
    from newsevents.actors.resolve import find_actors
    from newsevents.events.coder import MentionIndex, code_sentence_events
    from newsevents.model import Article

    start = time.perf_counter()
    docs = list(pipeline.nlp.pipe(texts, batch_size=32))
    parse = time.perf_counter() - start
    start = time.perf_counter()
    for doc in docs:
        index = MentionIndex(find_actors(doc, pipeline.actor_layers))
        for sent in doc.sents:
            code_sentence_events(sent, index, pipeline.lexicon)
    stages = time.perf_counter() - start
    start = time.perf_counter()
    for i, (text, doc) in enumerate(zip(texts, docs)):
        pipeline.annotate(Article(id=str(i), text=text, published="2020-01-01"), doc)
    annotate = time.perf_counter() - start
    n = max(len(texts), 1)
    return 1000 * parse / n, 1000 * stages / n, 1000 * annotate / n


if __name__ == "__main__":
    sys.exit(main())
