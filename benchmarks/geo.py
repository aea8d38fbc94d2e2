"""Geoparsing costs: gazetteer build and load time and memory, and place finding against the spaCy parse.

    .venv/bin/python benchmarks/geo.py [--articles 300] [--corpus DIR]

Each figure comes from a fresh child process, so that memory is the process's own (VmHWM) and the load
is a real cold start from the cache file. Targets: load < 2 s, < 300 MB; places < 10% of the NLP time.
The corpus defaults to ../shared/corpus/seeds (else the bundled sample), repeated to the article count.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_LOAD = """
import json, time
t0 = time.perf_counter()
from newsevents.geo.gazetteer import load_gazetteer
t1 = time.perf_counter()
g = load_gazetteer()
t2 = time.perf_counter()
hwm = next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM'))
print(json.dumps({"import_s": t1 - t0, "load_s": t2 - t1, "entries": len(g), "names": len(g.tables.index), "peak_mb": hwm / 1024}))
"""

_PLACES = """
import json, sys, time
from collections import Counter
from newsevents.actors.resolve import find_actors
from newsevents.geo.gazetteer import load_gazetteer
from newsevents.geo.places import find_places
from newsevents.nlp.model import load_nlp
texts = json.load(open(sys.argv[1]))
nlp = load_nlp(); gaz = load_gazetteer()
list(nlp.pipe(texts[:5]))
t0 = time.process_time(); docs = list(nlp.pipe(texts)); parse = time.process_time() - t0
focus = [Counter(a.country for a in (m.to_actor(None) for m in find_actors(d)) if a.country) for d in docs]
t0 = time.process_time(); found = sum(len(find_places(d, gaz, f)) for d, f in zip(docs, focus)); places = time.process_time() - t0
print(json.dumps({"articles": len(texts), "parse_ms": 1000 * parse / len(texts), "places_ms": 1000 * places / len(texts), "places": found}))
"""


def _child(code: str, *args: str, env: dict | None = None) -> dict:
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--corpus", default=None)
    args = parser.parse_args()

    from newsevents.ingest.clean import clean_document
    from newsevents.ingest.readers import iter_documents
    from newsevents.model import Article, RawDocument

    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    with tempfile.TemporaryDirectory() as cache:
        cold = _child(_LOAD, env=dict(env, NEWSEVENTS_CACHE_DIR=cache))
        warm = _child(_LOAD, env=dict(env, NEWSEVENTS_CACHE_DIR=cache))
    print(f"gazetteer: {warm['entries']:,} places under {warm['names']:,} names")
    print(f"  first use (build + cache): {cold['load_s']:.1f} s, peak {cold['peak_mb']:.0f} MB")
    print(f"  later loads: {warm['load_s']:.2f} s (+{warm['import_s']:.2f} s imports), peak {warm['peak_mb']:.0f} MB  [targets < 2 s, < 300 MB]")

    corpus = args.corpus or str(ROOT.parent / "shared" / "corpus" / "seeds")
    if not Path(corpus).is_dir():
        corpus = str(ROOT / "samples" / "articles")
    texts = []
    for raw in iter_documents([corpus]):
        if isinstance(raw, RawDocument):
            article = clean_document(raw)
            if isinstance(article, Article):
                texts.append(article.text)
    texts = [f"{texts[i % len(texts)]}\n\nCopy {i}." for i in range(args.articles)]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(texts, fh)
    try:
        r = _child(_PLACES, fh.name, env=env)
    finally:
        os.unlink(fh.name)
    share = 100 * r["places_ms"] / r["parse_ms"]
    print(f"places on {r['articles']} articles ({r['places']:,} found): parse {r['parse_ms']:.1f} ms/article, "
          f"places {r['places_ms']:.2f} ms/article = {share:.1f}% of the parse  [target < 10%]")


if __name__ == "__main__":
    main()
