"""Bulk write speed of the DuckDB store: rows per second for articles, actor mentions, places and events.

    .venv/bin/python benchmarks/store_writes.py [--copies 300]

The bundled sample is extracted once, then written `--copies` times under fresh article ids, so the
numbers measure the store alone, not the pipeline.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=300)
    args = parser.parse_args()

    import newsevents
    from newsevents.model import Article
    from newsevents.store import Store

    base = [a for a in newsevents.extract_files(str(ROOT / "samples" / "articles")) if isinstance(a, Article)]
    articles = []
    for i in range(args.copies):
        for a in base:
            copy = dataclasses.replace(a, id=f"{i:06x}{a.id[6:]}")
            copy.events = [dataclasses.replace(e, id=f"{i:06x}{e.id[6:]}") for e in a.events]
            articles.append(copy)
    rows = sum(1 + len(a.actors) + len(a.places) + len(a.events) for a in articles)
    n_events = sum(len(a.events) for a in articles)
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        with Store(Path(tmp) / "bench.duckdb", batch_size=500) as store:
            for a in articles:
                store.add(a)
        elapsed = time.perf_counter() - start
    print(f"{len(articles):,} articles, {n_events:,} events, {rows:,} rows in all, written in {elapsed:.2f} s")
    print(f"store writes: {rows / elapsed:,.0f} rows/s ({len(articles) / elapsed:,.0f} articles/s)")


if __name__ == "__main__":
    sys.exit(main())
