"""The query store at scale: load, query latency, export and HTTP latency on a synthetic database.

    .venv/bin/python benchmarks/store.py [--events 1000000] [--skip-http] [--skip-export]

1. Load: synthetic articles (10 events each, actors from 40 codes, 60 places, dates over three years,
   arriving in date order as a news feed does) written through `Store.add`, the ingest's own path: rows
   as Arrow batches plus incremental fusion in the same transaction. Reports events/s.
2. Query: p50/p95 over repeated runs of five typical filtered `/events` pages (count + first page).
3. Export: the whole database to Parquet in a subprocess (seconds, peak RSS).
4. HTTP: `newsevents serve` on loopback, 50 concurrent clients for a fixed number of requests; p50/p95.
"""

from __future__ import annotations

import argparse
import random
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CODES = ["RUSMIL", "RUSGOV", "SYRGOV", "SYRMIL", "SYRREB", "USAGOV", "USAMIL", "TURMIL", "TURGOV", "IRNGOV", "IRQGOV",
         "IRQMIL", "AFGGOV", "AFGINSTAL", "AFGCOP", "LBYGOV", "LBYMIL", "EGYGOV", "ISRMIL", "ISRGOV", "UKRGOV", "UKRMIL",
         "FRAGOV", "GBRGOV", "DEUGOV", "CHNGOV", "SAUGOV", "YEMREB", "YEMGOV", "IMGMUSISI", "IMGMUSHEZ", "NGAMIL",
         "SOMGOV", "MLIGOV", "PAKMIL", "INDGOV", "IGOUNO", "IGONAT", "IGOEUR", "LBNGOV"]
ROOTS = [("190", "19", "ASSAULT", 4, -10.0), ("195", "19", "ASSAULT", 4, -10.0), ("042", "04", "CONSULT", 1, 1.9),
         ("173", "17", "COERCE", 4, -5.0), ("111", "11", "DISAPPROVE", 3, -2.0), ("057", "05", "AGREE", 1, 8.0),
         ("070", "07", "AID", 2, 7.0), ("183", "18", "ASSAULT", 4, -10.0), ("130", "13", "THREATEN", 3, -4.4)]


def synthetic_articles(n_events: int, seed: int = 1):
    """Articles of ten events each, in publication-date order."""
    from newsevents.model import Actor, Article, Event, Place, Span

    rng = random.Random(seed)
    places = [Place(f"Town{i}", 0, 5, f"Town{i}", rng.choice(["SYR", "IRQ", "AFG", "LBY", "YEM", "UKR"]),
                    rng.uniform(10, 50), rng.uniform(20, 70), "city", 100_000 + i) for i in range(60)]
    start = date(2016, 1, 1)
    n_articles = max(1, n_events // 10)
    for i in range(n_articles):
        published = start + timedelta(days=int(i * 1095 / n_articles))
        events = []
        for j in range(10):
            code, root, plover, quad, goldstein = rng.choice(ROOTS)
            s, t = rng.sample(CODES, 2)
            when = published - timedelta(days=rng.randint(0, 3))
            sentence = f"Sentence {j} of article {i}: {s} did {code} to {t}."
            events.append(Event(
                id=f"e{i:07d}{j}", sentence=sentence, sentence_start=j * 80, sentence_end=j * 80 + len(sentence),
                trigger=Span("did", j * 80 + 5, j * 80 + 8),
                source=Actor(s, j * 80, j * 80 + 3, s, s, s[:3] if not s.startswith("IGO") else None, s[3:6], s, "composite"),
                target=Actor(t, j * 80 + 10, j * 80 + 13, t, t, t[:3] if not t.startswith("IGO") else None, t[3:6], t, "composite"),
                cameo=code, cameo_root=root, cameo_name=f"code {code}", goldstein=goldstein, quad_class=quad, plover=plover,
                modality=rng.choice(["asserted", "asserted", "reported", "hypothetical", "negated"]), attributed_to=None,
                date=when.isoformat(), date_precision="day", date_text=None,
                location=rng.choice(places) if rng.random() < 0.7 else None,
            ))
        yield Article(id=f"a{i:08d}", text="x" * 800, url=f"https://outlet{i % 50}.example/{i}", outlet=f"Outlet {i % 50}",
                      published=published.isoformat(), events=events)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load(db: Path, n_events: int) -> None:
    from newsevents.store import Store

    t0 = time.perf_counter()
    with Store(db, batch_size=500) as store:
        for article in synthetic_articles(n_events):
            store.add(article)
    elapsed = time.perf_counter() - t0
    print(f"load     {n_events:,} events through Store.add (with incremental fusion): {elapsed:.1f} s, "
          f"{n_events / elapsed:,.0f} events/s, peak RSS {peak_mb():,.0f} MB, file {db.stat().st_size / 1e6:,.0f} MB")


FILTERS = {
    "country + asserted only": {"country": "SYR", "asserted_only": "true"},
    "root + date month": {"root": "19", "since": "2017-03-01", "until": "2017-03-31"},
    "dyad": {"dyad": "RUS,SYR"},
    "actor code": {"actor": "IMGMUSISI"},
    "bbox + min sources 2": {"bbox": "35,30,45,40", "min_sources": "2"},
}


def queries(db: Path, repeats: int) -> None:
    from newsevents.store import query
    from newsevents.store.filters import EventFilter
    from newsevents.store.reader import Reader

    reader = Reader(db)
    print(f"query    /events page of 50 + total count, {repeats} runs each (ms)")
    for name, raw in FILTERS.items():
        flt = EventFilter.parse(**raw)
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            with reader.cursor() as con:
                page = query.events_page(con, flt, limit=50)
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        print(f"         {name:<26} p50 {statistics.median(times):6.1f}  p95 {times[int(0.95 * (len(times) - 1))]:6.1f}"
              f"  ({page['count']:,} events match)")
    reader.close()


def export(db: Path, tmp: Path) -> None:
    out = tmp / "all.parquet"
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "newsevents", "export", "--db", str(db), "--format", "parquet", "-o", str(out)],
                          capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        print(f"export   failed: {proc.stderr.strip()}")
        return
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"export   all fused events to Parquet: {elapsed:.1f} s, peak RSS {peak:,.0f} MB, file {out.stat().st_size / 1e6:,.0f} MB")


def http(db: Path, clients: int, requests_per_client: int) -> None:
    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "newsevents", "serve", "--db", str(db), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(base + "/stats", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            print("http     server did not start")
            return
        paths = ["/events?country=SYR&asserted_only=true", "/events?root=19&since=2017-03-01&until=2017-03-31",
                 "/timeline?by=month", "/dyads?limit=50", "/events?dyad=RUS,SYR"]
        latencies: list[float] = []
        errors = [0]
        lock = threading.Lock()

        def client(k: int) -> None:
            with httpx.Client(base_url=base, timeout=60) as c:
                for i in range(requests_per_client):
                    t0 = time.perf_counter()
                    r = c.get(paths[(k + i) % len(paths)])
                    ms = (time.perf_counter() - t0) * 1000
                    with lock:
                        latencies.append(ms)
                        errors[0] += r.status_code != 200

        t0 = time.perf_counter()
        threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t0
        latencies.sort()
        print(f"http     {clients} concurrent clients x {requests_per_client} requests: p50 {statistics.median(latencies):.0f} ms,"
              f" p95 {latencies[int(0.95 * (len(latencies) - 1))]:.0f} ms, {len(latencies) / wall:.0f} requests/s, {errors[0]} errors")
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=40)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=10, help="requests per HTTP client")
    parser.add_argument("--skip-export", action="store_true")
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--db", metavar="FILE", help="keep the database here; an existing one is reused, not loaded again")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(args.db) if args.db else Path(tmp) / "bench.duckdb"
        if db.exists():
            print(f"load     reusing {db}")
        else:
            load(db, args.events)
        queries(db, args.repeats)
        if not args.skip_export:
            export(db, Path(tmp))
        if not args.skip_http:
            http(db, args.clients, args.requests)


if __name__ == "__main__":
    main()
