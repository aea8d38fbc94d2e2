"""Scaling: the pipeline on 1 and 2 local jobs and on Ray with 1 and 2 workers, against bare `nlp.pipe`.

    .venv/bin/python benchmarks/scale.py [--articles 5000] [--skip-ray] [--out DIR]

The corpus is the bundled sample and ../shared/corpus/seeds, each copy changed so that it is no copy
for the duplicate finder: every sentence of a paragraph is dropped with probability 0.3 (seeded by the
copy's number), an emptied paragraph goes, every number of up to three digits is changed, and a line
naming the copy is added. Two such variants of one short article can still share most of their
5-shingles, so the duplicate finder runs at a Jaccard threshold of 0.95 (about 2% are then copies). Every measurement runs in its own process, started
by this one, so that each reports its own peak memory (ru_maxrss) and its workers' peaks. All engines
run the whole pipeline (read, clean, find copies, parse, code) and serialise each record to JSON as
`extract` does; they must give the same records (checked by a hash of the output).

Also measured: the local 2-job run at half the articles (is memory flat in corpus size?), storing the
records in DuckDB (`Store.add` with fusion, one core), and the bytes per article of the DuckDB file,
of the Ray engine's Parquet shards (one JSON column) and of the tables as typed Parquet (zstd).
Targets: 2 jobs >= 1.7x one job; Ray with 2 workers >= 1.6x one local job.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from newsevents.cli import one_blas_thread  # noqa: E402 - before anything imports numpy

one_blas_thread()

ROOT = Path(__file__).resolve().parents[1]
DEDUP_THRESHOLD = 0.95
WARM_UP = 32  # articles run through the pipeline before timing, in every phase
CORPORA = [ROOT / "samples" / "articles", ROOT.parent / "shared" / "corpus" / "seeds"]
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“‘'])")
_PARAGRAPH = re.compile(r"(<p[^>]*>)(.*?)(</p>)", re.S)
_NUMBER = re.compile(r"(?<![\w.,])((?:January|February|March|April|May|June|July|August|September|October|November|December) )?"
                     r"(\d{1,3})(?![\w.,]\d)")


def _renumber(text: str, rng: random.Random) -> str:
    """Every number of one to three digits replaced by another of as many digits (days of a month stay days)."""
    def swap(m: re.Match) -> str:
        digits = len(m.group(2))
        if m.group(1) or digits == 2 and int(m.group(2)) <= 31:
            return (m.group(1) or "") + str(rng.randint(1, 28))
        return str(rng.randint(10 ** (digits - 1) if digits > 1 else 1, 10 ** digits - 1))
    return _NUMBER.sub(swap, text)


def _thin(text: str, rng: random.Random) -> str:
    """Drop each sentence with probability 0.3 (an emptied paragraph goes) and renumber the rest."""
    kept = [s for s in _SENTENCE_END.split(text) if rng.random() >= 0.3]
    return _renumber(" ".join(kept), rng)


def corpus(n: int):
    """n changed copies of the base documents, generated one at a time (memory does not grow with n)."""
    from newsevents.ingest.readers import iter_documents
    from newsevents.model import RawDocument

    base = [d for d in iter_documents([str(c) for c in CORPORA if c.is_dir()]) if isinstance(d, RawDocument)]
    for i in range(n):
        doc, rng = base[i % len(base)], random.Random(i)
        if doc.kind == "html":
            content = _PARAGRAPH.sub(lambda m: m.group(1) + _thin(m.group(2), rng) + m.group(3), doc.content)
            content = content.replace("</body>", f"<p>Copy {i} of this page.</p></body>", 1)
        else:
            lines = [_thin(line, rng) if len(line) > 80 else line for line in doc.content.split("\n")]
            content = "\n".join(lines) + f"\n\nCopy {i} of this article."
        yield RawDocument(origin=f"{doc.origin}#{i}", content=content, kind=doc.kind, path=doc.path, url=doc.url,
                          title=doc.title, outlet=doc.outlet, authors=list(doc.authors), published=doc.published)


def _max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_phase(phase: str, n: int, out: Path) -> dict:
    """One measurement, in this process."""
    from newsevents.ingest.dedup import DuplicateIndex
    from newsevents.model import Article
    from newsevents.pipeline import BATCH_SIZE, Pipeline

    pipeline = Pipeline()  # loaded before timing, as the CLI does before the first article
    for _ in pipeline.process(corpus(WARM_UP), DuplicateIndex(DEDUP_THRESHOLD)):  # first batches, lazy tables
        pass
    result: dict = {"phase": phase, "articles": n}
    if phase == "bare":
        texts = [a.text for a, needs in pipeline.prepare(corpus(n), DuplicateIndex(DEDUP_THRESHOLD)) if needs]
        start = time.perf_counter()
        for _ in pipeline.nlp.pipe(texts, batch_size=BATCH_SIZE):
            pass
        result.update(seconds=time.perf_counter() - start, coded=len(texts), words=sum(len(t.split()) for t in texts))
        result["parent_mb"] = _max_rss_mb()
        return result
    if phase == "store":
        return store_phase(n, out, result)
    engine, jobs = phase.split("-")
    jobs = int(jobs)
    digest, coded, copies, events, stats = hashlib.sha256(), 0, 0, 0, None
    records = open(out / f"{phase}-{n}.jsonl", "w", encoding="utf-8") if phase == "local-2" else None
    start = time.perf_counter()
    if engine == "local" and jobs == 1:
        items = pipeline.process(corpus(n), DuplicateIndex(DEDUP_THRESHOLD))
    elif engine == "local":
        from newsevents.parallel import PoolStats, process_parallel

        stats = PoolStats()
        items = process_parallel(pipeline, corpus(n), DuplicateIndex(DEDUP_THRESHOLD), jobs, stats=stats)
    else:
        from newsevents.engines.ray_engine import RayStats, process_ray

        stats = RayStats()
        shards = out / f"shards-{phase}-{n}"
        shutil.rmtree(shards, ignore_errors=True)
        items = process_ray(pipeline, corpus(n), DuplicateIndex(DEDUP_THRESHOLD), jobs=jobs, stats=stats, keep_shards=str(shards))
    for item in items:
        line = json.dumps(item.to_dict(), ensure_ascii=False) if isinstance(item, Article) else f"error {item}"
        digest.update(line.encode("utf-8") + b"\n")
        if isinstance(item, Article):
            copies += item.duplicate_of is not None
            coded += item.duplicate_of is None and item.language == "en"
            events += len(item.events)
            if records is not None:
                records.write(line + "\n")
    result["seconds"] = time.perf_counter() - start
    if records is not None:
        records.close()
    result.update(coded=coded, copies=copies, events=events, sha256=digest.hexdigest()[:16], parent_mb=_max_rss_mb())
    if engine == "local" and stats is not None:
        result["worker_mb"] = [kb / 1024 for kb in stats.max_rss_kb]
    elif engine == "local":
        result["worker_mb"] = []
    else:
        result["worker_mb"] = [kb / 1024 for kb in stats.max_rss_kb.values()]
        result["shard_bytes"] = stats.shard_bytes
    return result


def store_phase(n: int, out: Path, result: dict) -> dict:
    """Store the local 2-job records (read back from JSON Lines) in a new database; sizes on disk."""
    import duckdb

    from newsevents.model import Article
    from newsevents.store.database import Store

    records = out / f"local-2-{n}.jsonl"
    db = out / f"store-{n}.duckdb"
    for stale in out.glob(f"store-{n}.duckdb*"):
        stale.unlink()
    articles = [Article.from_dict(json.loads(line)) for line in records.open(encoding="utf-8")]
    start = time.perf_counter()
    with Store(db, publish_every=None) as store:
        for article in articles:
            store.add(article)
    result["seconds"] = time.perf_counter() - start
    result["coded"] = len(articles)
    result["events"] = sum(len(a.events) for a in articles)
    result["db_bytes"] = db.stat().st_size
    con = duckdb.connect(str(db), read_only=True)
    typed = 0
    for table in ("articles", "actor_mentions", "places", "events", "fused_events", "fused_mentions"):
        path = out / f"typed-{table}.parquet"
        con.execute(f"COPY {table} TO '{path}' (FORMAT parquet, COMPRESSION zstd)")
        typed += path.stat().st_size
    con.close()
    result["typed_parquet_bytes"] = typed
    result["parent_mb"] = _max_rss_mb()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--skip-ray", action="store_true")
    parser.add_argument("--out", default=None, help="keep records, shards and databases here (default: a temporary dir)")
    parser.add_argument("--phase", help=argparse.SUPPRESS)  # internal: run one measurement and print it as JSON
    args = parser.parse_args()
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="newsevents-scale-"))
    out.mkdir(parents=True, exist_ok=True)
    if args.phase:
        print(json.dumps(run_phase(args.phase, args.articles, out)))
        return

    n = args.articles
    phases = [("bare", n), ("local-1", n), ("local-2", n), ("local-2", n // 2), ("store", n)]
    if not args.skip_ray:
        phases += [("ray-1", n), ("ray-2", n)]
    results = []
    for phase, count in phases:
        cmd = [sys.executable, __file__, "--phase", phase, "--articles", str(count), "--out", str(out)]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"{phase} failed:\n{done.stderr[-3000:]}")
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        r = results[-1]
        print(f"  {phase} x {count}: {r['seconds']:.1f} s", file=sys.stderr, flush=True)
    report(results, n, out)
    if not args.out:
        shutil.rmtree(out, ignore_errors=True)


def report(results: list[dict], n: int, out: Path) -> None:
    by = {(r["phase"], r["articles"]): r for r in results}
    one = by[("local-1", n)]
    base_rate = n / one["seconds"]
    bare = by[("bare", n)]
    print(f"corpus: samples + seeds changed into {n} articles ({one['coded']} coded, {one['copies']} copies), "
          f"{bare['words'] / max(bare['coded'], 1):.0f} words each; {os.cpu_count()} CPUs")
    print(f"{'run':<26}{'articles/s':>11}{'vs 1 job':>10}{'parent MB':>11}  worker peak MB      output")
    bare_rate = bare["coded"] / bare["seconds"]
    print(f"{'bare nlp.pipe, one core':<26}{bare_rate:>11.2f}{bare_rate / base_rate:>9.2f}x{bare['parent_mb']:>11.0f}  {'-':<19} (coded texts only)")
    for phase, label in (("local-1", "local, 1 job"), ("local-2", "local, 2 jobs"), ("ray-1", "Ray, 1 worker"), ("ray-2", "Ray, 2 workers")):
        r = by.get((phase, n))
        if r is None:
            continue
        rate = n / r["seconds"]
        workers = ", ".join(f"{mb:.0f}" for mb in r["worker_mb"]) or "-"
        print(f"{label:<26}{rate:>11.2f}{rate / base_rate:>9.2f}x{r['parent_mb']:>11.0f}  {workers:<19} {r['sha256']}")
    half = by[("local-2", n // 2)]
    full = by[("local-2", n)]
    print(f"memory, local 2 jobs: {n // 2} articles parent {half['parent_mb']:.0f} MB, workers "
          f"{', '.join(f'{m:.0f}' for m in half['worker_mb'])} MB; {n} articles parent {full['parent_mb']:.0f} MB, workers "
          f"{', '.join(f'{m:.0f}' for m in full['worker_mb'])} MB")
    same = {r["sha256"] for r in results if "sha256" in r and r["articles"] == n}
    print("outputs identical across engines: " + ("yes" if len(same) == 1 else f"NO ({same})"))
    store = by[("store", n)]
    print(f"store (Store.add with fusion, one core): {store['coded'] / store['seconds']:.1f} articles/s, "
          f"{store['events'] / store['seconds']:.0f} events/s; {store['events'] / store['coded']:.1f} events per article")
    print(f"bytes per article: DuckDB file {store['db_bytes'] / n:,.0f}; typed Parquet (zstd) {store['typed_parquet_bytes'] / n:,.0f}", end="")
    if ("ray-2", n) in by:
        print(f"; Ray shards (JSON column) {by[('ray-2', n)]['shard_bytes'] / n:,.0f}")
    else:
        print()
    two = n / full["seconds"] / base_rate
    print(f"targets: 2 jobs {two:.2f}x (>= 1.7)", end="")
    if ("ray-2", n) in by:
        print(f"; Ray 2 workers {n / by[('ray-2', n)]['seconds'] / base_rate:.2f}x (>= 1.6)")
    else:
        print()
    (out / "scale.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    sys.exit(main())
