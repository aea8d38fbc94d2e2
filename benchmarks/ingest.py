"""Ingest speed and memory: reading + cleaning + metadata for text, HTML and WARC input, set against the
NLP time of the same articles, and peak memory while streaming a large JSON Lines file.

    .venv/bin/python benchmarks/ingest.py [--articles 2000] [--jsonl-mb 1024] [--nlp-sample 300]

Articles are generated (invented sentences from templates, page furniture around them) into a temporary
folder, so the numbers do not depend on any corpus. Prints articles/s per format, the ingest cost as a
share of the spaCy parse time per article (target < 10%), and the peak resident memory of a child
process that streams the JSONL file through reading and cleaning (target < 500 MB for 1 GB).
"""

from __future__ import annotations

import argparse
import io
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from newsevents.cli import one_blas_thread  # noqa: E402 - before anything imports numpy

one_blas_thread()

ACTORS = ["Russian warplanes", "the Syrian army", "Turkish troops", "Kurdish fighters", "Ukrainian forces",
          "the Iraqi government", "NATO ministers", "the United Nations envoy", "Iranian officials", "French diplomats",
          "rebel commanders", "the Libyan coast guard", "Israeli aircraft", "Egyptian mediators", "the African Union"]
VERBS = ["struck", "met", "accused", "shelled", "criticised", "praised", "sanctioned", "attacked", "urged", "warned"]
PLACES = ["Aleppo", "Mosul", "Tripoli", "Kharkiv", "Idlib", "Benghazi", "Raqqa", "Donetsk", "Homs", "Sirte", "Gaza"]
TAILS = ["on Tuesday", "last week", "overnight", "on Friday, officials said", "early on Sunday", "two days ago",
         "according to a monitoring group", "in a statement published by the ministry"]
FILLER = ["Residents described long queues for bread and fuel", "The talks are expected to resume next month",
          "Analysts said the move reflected growing pressure at home", "Humanitarian groups called for access to the area",
          "The ministry did not respond to a request for comment", "Prices of staple goods have doubled since spring"]
JUNK_HEAD = ["Home › World › Middle East", "Skip to main content", "Share on Facebook", "Tweet", "Advertisement"]
JUNK_TAIL = ["Related: More coverage of the conflict", "Subscribe to our newsletter for daily updates",
             "Support independent journalism: donate today", "12 Comments", "Post a Comment", "© 2024 Example Media"]


def sentence(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return (f"{rng.choice(ACTORS).capitalize()} {rng.choice(VERBS)} {rng.choice(ACTORS)} near {rng.choice(PLACES)} "
                f"{rng.choice(TAILS)}, and it was not clear whether there would be more of this in the days to come.")
    return (f"{rng.choice(FILLER)}, {rng.choice(['a spokesman said', 'reporters were told', 'witnesses said'])}, "
            f"but few of those who spoke to us were sure that it would make much of a difference for them.")


def article(i: int, rng: random.Random) -> dict[str, str]:
    # about 700 words, the length of a typical news article
    paragraphs = [" ".join(sentence(rng) for _ in range(rng.randint(2, 4))) + f" (Report {i}.)" for _ in range(rng.randint(5, 8))]
    day = f"2019-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    return {"title": f"Fighting flares near {rng.choice(PLACES)} as talks stall ({i})", "body": paragraphs, "date": day}


def as_text(a: dict) -> str:
    return "\n".join(JUNK_HEAD + [a["title"], f"By Jane Example, The Example Herald – {a['date']}", ""]
                     + [p + "\n" for p in a["body"]] + JUNK_TAIL)


def as_html(a: dict) -> str:
    nav = "".join(f"<li><a href='/s{k}'>Section {k}</a></li>" for k in range(12))
    body = "".join(f"<p>{p}</p>" for p in a["body"])
    side = "".join(f"<li><a href='/a{k}'>Most read story number {k}</a></li>" for k in range(8))
    return (f"<!doctype html><html><head><title>{a['title']}</title>"
            f"<meta property='article:published_time' content='{a['date']}T08:00:00Z'></head><body>"
            f"<header><ul>{nav}</ul></header><main><article><h1>{a['title']}</h1><p class='byline'>By Jane Example</p>"
            f"{body}</article><aside><h3>Most read</h3><ul>{side}</ul></aside></main>"
            f"<footer><p>Subscribe to our newsletter</p><p>© 2024 Example Media</p></footer></body></html>")


def write_corpus(folder: Path, n: int) -> dict[str, list[str]]:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    rng = random.Random(7)
    (folder / "text").mkdir()
    (folder / "html").mkdir()
    arts = [article(i, rng) for i in range(n)]
    for i, a in enumerate(arts):
        (folder / "text" / f"{i:05d}.txt").write_text(as_text(a), encoding="utf-8")
        (folder / "html" / f"{i:05d}.html").write_text(as_html(a), encoding="utf-8")
    with open(folder / "crawl.warc.gz", "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for i, a in enumerate(arts):
            payload = as_html(a).encode("utf-8")
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            record = writer.create_warc_record(f"https://example.org/news/{i}", "response", payload=io.BytesIO(payload), http_headers=headers)
            writer.write_record(record)
    return {"text": [str(folder / "text")], "html": [str(folder / "html")], "warc": [str(folder / "crawl.warc.gz")]}


def time_ingest(paths: list[str]) -> tuple[float, int, list[str]]:
    from newsevents.ingest.clean import clean_document
    from newsevents.ingest.readers import iter_documents
    from newsevents.model import Article, RawDocument

    start = time.perf_counter()
    texts = []
    for doc in iter_documents(paths):
        if isinstance(doc, RawDocument):
            cleaned = clean_document(doc)
            if isinstance(cleaned, Article):
                texts.append(cleaned.text)
    return time.perf_counter() - start, len(texts), texts


def write_jsonl(path: Path, megabytes: int) -> int:
    rng = random.Random(11)
    target, written, n = megabytes * 1024 * 1024, 0, 0
    with open(path, "w", encoding="utf-8") as fh:
        while written < target:
            a = article(n, rng)
            line = json.dumps({"title": a["title"], "text": "\n\n".join(a["body"]), "published": a["date"],
                               "url": f"https://example.org/{n}"}) + "\n"
            fh.write(line)
            written += len(line.encode("utf-8"))
            n += 1
    return n


def child_stream(path: str) -> None:
    """Run in a subprocess: stream the file through reading and cleaning, print count and peak RSS."""
    start = time.perf_counter()
    seconds, count, _ = 0.0, 0, None
    from newsevents.ingest.clean import clean_document
    from newsevents.ingest.readers import iter_documents
    from newsevents.model import Article, RawDocument

    for doc in iter_documents([path]):
        if isinstance(doc, RawDocument) and isinstance(clean_document(doc), Article):
            count += 1
    seconds = time.perf_counter() - start
    print(json.dumps({"articles": count, "seconds": seconds, "peak_mb": peak_rss_mb()}))


def peak_rss_mb() -> float:
    """This process's peak resident memory. Linux's VmHWM starts afresh at exec; ru_maxrss does not (it
    keeps the high-water mark of the parent that forked us, here one holding a spaCy model)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--jsonl-mb", type=int, default=1024, help="size of the JSON Lines file for the memory run (0: skip)")
    parser.add_argument("--nlp-sample", type=int, default=300, help="articles parsed by spaCy to price the NLP stage")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_stream(args.child)
        return

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        inputs = write_corpus(folder, args.articles)
        print(f"generated {args.articles} articles as text, HTML and one WARC.gz in {time.perf_counter() - start:.1f} s")

        from newsevents.nlp.model import load_nlp

        nlp = load_nlp()
        time_ingest(inputs["text"][:1])  # warm-up: lazy imports, patterns, language models
        results = {}
        for kind, paths in inputs.items():
            seconds, count, texts = time_ingest(paths)
            results[kind] = (seconds, count)
            print(f"{kind:>5}: {count} articles in {seconds:.2f} s = {count / seconds:,.0f} articles/s, "
                  f"{1000 * seconds / max(count, 1):.2f} ms/article")
            if kind == "text":
                sample = texts[: args.nlp_sample]
        start = time.perf_counter()
        for _ in nlp.pipe(sample, batch_size=32):
            pass
        nlp_ms = 1000 * (time.perf_counter() - start) / len(sample)
        words = sum(len(t.split()) for t in sample) / len(sample)
        print(f"spaCy parse: {nlp_ms:.1f} ms/article (on {len(sample)} of the cleaned texts, {words:.0f} words each)")
        for kind, (seconds, count) in results.items():
            share = 1000 * seconds / max(count, 1) / nlp_ms
            print(f"{kind:>5}: ingest = {100 * share:.1f}% of the parse time per article (target < 10%)")

        if args.jsonl_mb:
            path = folder / "big.jsonl"
            start = time.perf_counter()
            n = write_jsonl(path, args.jsonl_mb)
            print(f"wrote {path.stat().st_size / 2**20:,.0f} MB JSON Lines ({n:,} records) in {time.perf_counter() - start:.1f} s")
            out = subprocess.run([sys.executable, __file__, "--child", str(path)], capture_output=True, text=True, check=True)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"streamed it through reading + cleaning: {r['articles']:,} articles in {r['seconds']:.0f} s "
                  f"({r['articles'] / r['seconds']:,.0f}/s), peak memory {r['peak_mb']:.0f} MB (target < 500 MB)")


if __name__ == "__main__":
    main()
