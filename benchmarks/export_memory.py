"""Export at scale: wall time and peak memory of `newsevents export` on a synthetic database.

    .venv/bin/python benchmarks/export_memory.py [--events 1000000] [--formats parquet,csv,geojson] [--db FILE]

The database is generated with DuckDB SQL over range() straight into articles, events, fused_events and
fused_mentions (four mentions per article, one mention per fused event, 60% located, 1% undated), after
`Store(path).close()` has created the schema and its version. Each export runs in its own subprocess;
its peak RSS comes from os.wait4, which reports that child alone (getrusage(RUSAGE_CHILDREN) keeps the
largest child so far). The database is built in a child process too: on Linux a child's peak RSS starts
from its parent's at fork, so the measuring process must stay small. The first row, an export whose
filter matches nothing, is the fixed cost of starting Python, importing newsevents and opening the
database. Prints numbers; not a test.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CODES = ["RUSMIL", "RUSGOV", "SYRGOV", "SYRMIL", "SYRREB", "USAGOV", "USAMIL", "TURMIL", "TURGOV", "IRNGOV", "IRQGOV",
         "IRQMIL", "AFGGOV", "AFGINSTAL", "AFGCOP", "LBYGOV", "LBYMIL", "EGYGOV", "ISRMIL", "ISRGOV", "UKRGOV", "UKRMIL",
         "FRAGOV", "GBRGOV", "DEUGOV", "CHNGOV", "SAUGOV", "YEMREB", "YEMGOV", "---MIL"]
# code, root, PLOVER, quad class, Goldstein
CAMEO = [("190", "19", "ASSAULT", 4, -10.0), ("195", "19", "ASSAULT", 4, -10.0), ("042", "04", "CONSULT", 1, 1.9),
         ("1731", "17", "COERCE", 4, -5.0), ("111", "11", "DISAPPROVE", 3, -2.0), ("057", "05", "AGREE", 1, 8.0)]
PLACES = [("Aleppo", "SYR", 36.2, 37.16, "city", 170063), ("Iraq", "IRQ", 33.0, 44.0, "country", 99237),
          ("Texas", "USA", 31.25, -99.25, "admin1", 4736286), ("Kabul", "AFG", 34.53, 69.17, "city", 1138958),
          ("Tripoli", "LBY", 32.89, 13.19, "city", 2210247), ("Donetsk Oblast", "UKR", 48.0, 37.8, "admin1", 709716)]


def _sql_list(values) -> str:
    return "[" + ", ".join("NULL" if v is None else f"'{v}'" if isinstance(v, str) else repr(v) for v in values) + "]"


def _pick(column: int, table, expr: str) -> str:
    """SQL choosing field `column` of table row (expr % len(table)), 1-based lists."""
    return f"{_sql_list([row[column] for row in table])}[1 + ({expr}) % {len(table)}]"


def build(db: Path, n: int) -> None:
    import duckdb

    from newsevents.store import Store

    Store(db, publish_every=None).close()  # schema and version
    n_articles = (n + 3) // 4
    days = 6 * 365
    con = duckdb.connect(str(db))
    con.execute("SET enable_progress_bar = false")
    t0 = time.perf_counter()
    con.execute("BEGIN")
    con.execute(f"""
    INSERT INTO articles (id, path, url, title, outlet, authors, published, date_source, date_confidence, language,
                          text_hash, text, removed, n_events, ingested_at)
    SELECT printf('a%015d', i), NULL, 'https://outlet' || (i % 50) || '.example/' || i, 'Story number ' || i,
           'Outlet ' || (i % 50), ['Author ' || (i % 7)], DATE '2015-01-01' + CAST(i * {days} // {n_articles} AS INTEGER),
           'input', 0.9, 'en', printf('%016x', hash(i)),
           repeat('Lead words here. ', 12) || chr(10) || chr(10) || repeat('Body words follow. ', 40), [], 4, now()
    FROM range({n_articles}) t(i)""")
    src, tgt = "i % 30", "(i // 30 + 7) % 30"
    loc = "i % 10"  # 0..5 located, 6..9 not
    con.execute(f"""
    CREATE TEMP TABLE gen AS
    SELECT i, printf('e%015d', i) AS eid, 'fe' || printf('%016x', hash(i)) AS fid, printf('a%015d', i // 4) AS aid,
           CASE WHEN i % 100 = 99 THEN NULL ELSE DATE '2015-01-01' + CAST(i * {days} // {n} AS INTEGER) END AS day,
           {_pick(0, [(c,) for c in CODES], src)} AS s, {_pick(0, [(c,) for c in CODES], tgt)} AS t,
           {_pick(0, CAMEO, "i // 3")} AS cameo, {_pick(1, CAMEO, "i // 3")} AS root, {_pick(2, CAMEO, "i // 3")} AS plover,
           {_pick(3, CAMEO, "i // 3")} AS quad, {_pick(4, CAMEO, "i // 3")} AS goldstein,
           CASE WHEN {loc} < 6 THEN {_pick(0, PLACES, loc)} END AS lname,
           CASE WHEN {loc} < 6 THEN {_pick(1, PLACES, loc)} END AS lcountry,
           CASE WHEN {loc} < 6 THEN {_pick(2, PLACES, loc)} + (i % 97) / 1000.0 END AS lat,
           CASE WHEN {loc} < 6 THEN {_pick(3, PLACES, loc)} - (i % 89) / 1000.0 END AS lon,
           CASE WHEN {loc} < 6 THEN {_pick(4, PLACES, loc)} END AS lfeature,
           CASE WHEN {loc} < 6 THEN {_pick(5, PLACES, loc)} END AS lgeo,
           ['asserted', 'asserted', 'reported', 'negated'][1 + i % 4] AS modality,
           'Sentence ' || i || ': the forces of one side struck, "reportedly", a position of the other.' AS sentence
    FROM range({n}) r(i)""")
    con.execute("""
    INSERT INTO events (id, article_id, sentence, sentence_start, sentence_end, trigger_text, trigger_start, trigger_end,
        source_id, source_name, source_code, source_country, source_sector, source_text, source_start, source_end, source_kind,
        target_id, target_name, target_code, target_country, target_sector, target_text, target_start, target_end, target_kind,
        cameo, cameo_root, cameo_name, goldstein, quad_class, plover, modality, date, date_precision,
        location_name, location_country, location_lat, location_lon, location_feature, location_geonames_id,
        location_text, location_start, location_end, quantities)
    SELECT eid, aid, sentence, (i % 4) * 220, (i % 4) * 220 + length(sentence), 'struck', 10, 16,
        s, s, s, nullif(s[1:3], '---'), s[4:6], s, 0, 5, 'composite',
        t, t, t, nullif(t[1:3], '---'), t[4:6], t, 20, 25, 'composite',
        cameo, root, 'code ' || cameo, goldstein, quad, plover, modality, day, CASE WHEN day IS NOT NULL THEN 'day' END,
        lname, lcountry, lat, lon, lfeature, lgeo, lname, 30, 30 + length(lname),
        CASE WHEN i % 5 = 0 THEN '[{"value": 12.0, "unit": "civilian", "text": "12 civilians", "start": 40, "end": 52}]'
             ELSE '[]' END
    FROM gen""")
    con.execute("""
    INSERT INTO fused_events
    SELECT fid, day, CASE WHEN day IS NOT NULL THEN 'day' END, cameo, root, 'code ' || cameo, goldstein, quad, plover,
        modality, modality = 'asserted',
        s, s, nullif(s[1:3], '---'), s[4:6], t, t, nullif(t[1:3], '---'), t[4:6],
        lname, lcountry, lat, lon, lfeature, lgeo,
        1, 1, 1, ['Outlet ' || ((i // 4) % 50)], day, day, 0.5, eid, sentence,
        '|' || lower(s) || '|' || lower(t) || '|'
    FROM gen""")
    con.execute("INSERT INTO fused_mentions SELECT fid, eid, aid, 0 FROM gen")
    con.execute("COMMIT")
    con.execute("CHECKPOINT")
    con.close()
    print(f"built    {n:,} fused events, {n:,} mentions, {n_articles:,} articles in {time.perf_counter() - t0:.1f} s, "
          f"database {db.stat().st_size / 1e6:,.0f} MB")


def run_export(db: Path, fmt: str, out: Path, extra: list[str]) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB, stderr's last line) of one export in a child process."""
    cmd = [sys.executable, "-m", "newsevents", "export", "--db", str(db), "--format", fmt, "-o", str(out), *extra]
    t0 = time.perf_counter()
    with tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        elapsed = time.perf_counter() - t0
        err.seek(0)
        lines = err.read().strip().splitlines()
    message = lines[-1] if lines else ""
    if proc.returncode != 0:
        message = f"FAILED ({proc.returncode}): {message}"
    return elapsed, usage.ru_maxrss / 1024, message


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000, help="fused events to generate (default: %(default)s)")
    parser.add_argument("--formats", default="parquet,csv,geojson", help="comma-separated formats (default: %(default)s)")
    parser.add_argument("--mentions", action="store_true", help="also export the mention level (--mentions) in each format")
    parser.add_argument("--db", metavar="FILE", help="keep the database here; an existing one is reused")
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_only:
        build(Path(args.db), args.events)
        return
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(args.db) if args.db else Path(tmp) / "bench.duckdb"
        if db.exists():
            print(f"reusing  {db}")
        else:  # in a child: a forked process inherits its parent's peak RSS, so the parent must stay small
            subprocess.run([sys.executable, __file__, "--build-only", "--db", str(db), "--events", str(args.events)], check=True)
        rows, messages = [], []
        secs, peak, _ = run_export(db, "csv", Path(tmp) / "none.csv", ["--since", "9000-01-01"])
        rows.append(("baseline (nothing matches)", secs, peak, 0))
        runs = [(fmt, []) for fmt in args.formats.split(",")]
        if args.mentions:
            runs += [(fmt, ["--mentions"]) for fmt in args.formats.split(",") if fmt != "gdelt"]
        for fmt, extra in runs:
            out = Path(tmp) / f"out.{fmt}"
            secs, peak, message = run_export(db, fmt, out, extra)
            size = out.stat().st_size / 1e6 if out.exists() else 0
            rows.append((f"{fmt}{' --mentions' if extra else ''}", secs, peak, size))
            messages.append(f"{fmt}{' --mentions' if extra else ''}: {message}")
            out.unlink(missing_ok=True)
        print(f"\n{'export':<28} {'seconds':>8} {'peak RSS MB':>12} {'file MB':>9}")
        for name, secs, peak, size in rows:
            print(f"{name:<28} {secs:>8.1f} {peak:>12,.0f} {size:>9,.0f}")
        print("\n" + "\n".join(messages))


if __name__ == "__main__":
    main()
