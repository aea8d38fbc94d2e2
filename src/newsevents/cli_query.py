"""The commands that read a database: events, actors, dyads, timeline, stats, sql, export and serve, plus
the two that maintain one: fuse and upgrade. Registered by cli.build_parser; errors are cli.UsageError."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from typing import Any

from newsevents.cli import EXIT_OK, UsageError, _add_layer_option, _layer_actor, _actor_layers

DB_HELP = "database file (default: %(default)s)"


def add_filter_options(p: argparse.ArgumentParser) -> None:
    """The event filters of docs/api.md, as options; they combine with AND."""
    g = p.add_argument_group("filters (combined with AND)")
    g.add_argument("--actor", metavar="X", help="source or target: actor code (RUSMIL), id (isis) or part of a name (putin)")
    g.add_argument("--source", metavar="CODE", help="source actor code starts with CODE (RUS matches RUSMIL)")
    g.add_argument("--target", metavar="CODE", help="target actor code starts with CODE")
    g.add_argument("--dyad", metavar="A,B", help="A and B, in either direction (codes, e.g. RUS,IMGMUSISI)")
    g.add_argument("--country", metavar="ISO3", help="source, target or location country")
    g.add_argument("--root", metavar="NN[,NN]", help="CAMEO root(s), 01-20")
    g.add_argument("--code", metavar="CODE", help="CAMEO code starts with CODE (190, 1951)")
    g.add_argument("--plover", metavar="TYPE[,TYPE]", help="PLOVER event type(s): ASSAULT, COERCE, CONSULT, ...")
    g.add_argument("--quad", metavar="N[,N]", help="quad class(es): 1 verbal cooperation ... 4 material conflict")
    g.add_argument("--modality", metavar="M[,M]", help="asserted, reported, hypothetical, intended, negated")
    g.add_argument("--asserted-only", action="store_true", help="only what the text asserts happened")
    g.add_argument("--since", metavar="YYYY-MM-DD", help="event date on or after")
    g.add_argument("--until", metavar="YYYY-MM-DD", help="event date on or before")
    g.add_argument("--place", metavar="NAME", help="the location's name, or the words that named it, contain NAME")
    g.add_argument("--bbox", metavar="W,S,E,N", help="location inside min_lon,min_lat,max_lon,max_lat")
    g.add_argument("--min-sources", metavar="N", help="reported by at least N distinct articles")
    g.add_argument("-q", "--text", dest="q", metavar="TEXT", help="a sentence telling the event contains TEXT")


def filter_from_args(args: argparse.Namespace):
    from newsevents.store.filters import EventFilter, FilterError

    raw = {name: getattr(args, name, None) for name in EventFilter.NAMES}
    try:
        return EventFilter.parse(**raw)
    except FilterError as exc:
        raise UsageError(str(exc)) from None


def _db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", default="newsevents.duckdb", metavar="FILE", help=DB_HELP)


def _fmt(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("table", "csv", "jsonl"), default="table", help="output format (default: %(default)s)")


def add_commands(sub) -> None:
    p = sub.add_parser(
        "events", help="list stored events (one per real-world happening), filtered",
        description="List fused events (one per happening, with how many articles and outlets told it), oldest "
        "first; with --mentions, the sentence-level mentions instead.",
    )
    _db(p)
    add_filter_options(p)
    p.add_argument("--mentions", action="store_true", help="list sentence-level mentions, with their provenance")
    p.add_argument("--limit", type=int, default=100, metavar="N", help="at most N rows (default: %(default)s; 0: all)")
    _fmt(p)
    _add_layer_option(p, "with a layer (and the database's own), --actor may be any name of a person or organisation it defines")
    p.set_defaults(func=cmd_events)

    for name, helptext in (("actors", "actors by the number of events they take part in"),
                           ("dyads", "directed source-target pairs by number of events")):
        p = sub.add_parser(name, help=helptext, description=helptext[0].upper() + helptext[1:] + ", under the filters.")
        _db(p)
        add_filter_options(p)
        p.add_argument("--limit", type=int, default=30, metavar="N", help="at most N rows (default: %(default)s)")
        _fmt(p)
        p.set_defaults(func=cmd_actors if name == "actors" else cmd_dyads)

    p = sub.add_parser("timeline", help="events per day, week or month", description="Fused events per period, by quad class.")
    _db(p)
    add_filter_options(p)
    p.add_argument("--by", choices=("day", "week", "month", "year"), default="month", help="period (default: %(default)s)")
    _fmt(p)
    p.set_defaults(func=cmd_timeline)

    p = sub.add_parser("stats", help="what a database holds", description="Counts of articles, events, mentions, actors and errors.")
    _db(p)
    add_filter_options(p)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser(
        "sql", help="run a read-only SQL query",
        description="Run one SQL statement on a read-only connection (tables in docs/schema.md). Statements that "
        "would change the database fail; reading or writing other files is disabled.",
    )
    _db(p)
    p.add_argument("statement", metavar="SQL", help="one SQL statement, e.g. \"SELECT cameo_root, count(*) FROM fused_events GROUP BY 1\"")
    p.add_argument("--limit", type=int, default=1000, metavar="N", help="at most N rows (default: %(default)s; 0: all)")
    _fmt(p)
    p.set_defaults(func=cmd_sql)

    p = sub.add_parser(
        "fuse", help="fuse every stored event again (e.g. with new thresholds)",
        description="Re-cluster all stored mentions into fused events. New thresholds are kept in the database "
        "and used by later ingests.",
    )
    _db(p)
    p.add_argument("--date-window", type=int, metavar="DAYS", help="largest gap between two mentions' dates")
    p.add_argument("--distance-km", type=float, metavar="KM", help="largest distance between two town-level locations")
    p.add_argument("--region-km", type=float, metavar="KM", help="the same when one location is a region or province")
    p.set_defaults(func=cmd_fuse)

    p = sub.add_parser("upgrade", help="upgrade a database written by an older newsevents", description="Migrate a database to this version's schema, in one transaction.")
    _db(p)
    p.set_defaults(func=cmd_upgrade)

    p = sub.add_parser(
        "export", help="export events to CSV, JSON Lines, Parquet, GDELT-style TSV or GeoJSON",
        description="Stream the matching events to a file (memory stays flat). By default one row per fused event; "
        "--mentions gives one row per sentence-level mention. Column mappings: docs/export.md.",
    )
    _db(p)
    add_filter_options(p)
    p.add_argument("--format", required=True, choices=("csv", "jsonl", "parquet", "gdelt", "geojson"), help="file format")
    p.add_argument("--mentions", action="store_true", help="one row per mention instead of per fused event")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="output file (- for standard output, not for parquet)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser(
        "serve", help="serve the HTTP API and the dashboard",
        description="Serve the read-only HTTP API (docs/api.md) and the offline dashboard for a database. Binds to "
        "loopback unless told otherwise.",
    )
    _db(p)
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default: %(default)s)")
    p.add_argument("--port", type=int, default=8000, help="port (default: %(default)s)")
    p.add_argument("--allow-extract", action="store_true", help="enable POST /extract (runs the pipeline on posted text)")
    p.set_defaults(func=cmd_serve)


# --- output -----------------------------------------------------------------------------------------------


def _flatten(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in row.items():
        if isinstance(v, dict):
            out.update(_flatten(v, f"{prefix}{k}_"))
        elif isinstance(v, list):
            out[prefix + k] = json.dumps(v, ensure_ascii=False, default=str)
        else:
            out[prefix + k] = v
    return out


def _emit(rows: list[dict[str, Any]], fmt: str, columns: list[str] | None = None) -> None:
    if fmt == "jsonl":
        for r in rows:
            print(json.dumps(r, ensure_ascii=False, default=str))
        return
    flat = [_flatten(r) for r in rows]
    columns = columns or (list(flat[0]) if flat else [])
    if fmt == "csv":
        writer = csv.DictWriter(sys.stdout, columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(flat)
    else:
        from newsevents.cli import _print_table

        _print_table(columns, [tuple(r.get(c) for c in columns) for r in flat])


def _reader(args: argparse.Namespace):
    from newsevents.store.database import open_reader

    return open_reader(args.db)


EVENT_TABLE = ["date", "source_code", "cameo", "cameo_name", "target_code", "modality", "location_name", "articles", "outlets", "sentence"]
MENTION_TABLE = ["date", "source_code", "cameo", "target_code", "modality", "attributed_to_name", "location_name", "outlet", "sentence"]


def cmd_events(args: argparse.Namespace) -> int:
    from newsevents.store import query
    from newsevents.store.database import Store

    if args.actor or args.actors_layer:  # a name a stored or given actor layer defines becomes that entry's id
        with Store(args.db, read_only=True) as store:
            layers = _actor_layers(args, store)
        if args.actor:
            args.actor = _layer_actor(args.actor, layers)
    flt = filter_from_args(args)
    con = _reader(args)
    try:
        if args.mentions:
            rows = query.mentions(con, flt, args.limit or None)
            columns = MENTION_TABLE
        else:
            rows = []
            cursor = None
            while True:
                page = query.events_page(con, flt, min(args.limit or query.MAX_PAGE, query.MAX_PAGE), cursor)
                rows += page["events"]
                cursor = page["next_cursor"]
                if not cursor or (args.limit and len(rows) >= args.limit):
                    break
            rows = rows[: args.limit] if args.limit else rows
            columns = EVENT_TABLE
    finally:
        con.close()
    _emit(rows, args.format, columns if args.format == "table" else None)
    return EXIT_OK


def cmd_actors(args: argparse.Namespace) -> int:
    from newsevents.store import query

    con = _reader(args)
    try:
        rows = query.actors(con, filter_from_args(args), args.limit)
    finally:
        con.close()
    _emit(rows, args.format)
    return EXIT_OK


def cmd_dyads(args: argparse.Namespace) -> int:
    from newsevents.store import query

    con = _reader(args)
    try:
        rows = query.dyads(con, filter_from_args(args), args.limit)
    finally:
        con.close()
    _emit(rows, args.format, ["source_code", "source_name", "target_code", "target_name", "events", "mentions", "mean_goldstein"] if args.format == "table" else None)
    return EXIT_OK


def cmd_timeline(args: argparse.Namespace) -> int:
    from newsevents.store import query

    con = _reader(args)
    try:
        rows = query.timeline(con, filter_from_args(args), args.by)
    finally:
        con.close()
    _emit(rows, args.format)
    return EXIT_OK


def cmd_stats(args: argparse.Namespace) -> int:
    from newsevents.store import query

    con = _reader(args)
    try:
        stats = query.stats(con, filter_from_args(args))
    finally:
        con.close()
    if args.json:
        print(json.dumps(stats, ensure_ascii=False))
        return EXIT_OK
    for key, value in stats.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k} {v}" for k, v in value.items()) or "-"
        print(f"{key:>15}  {value}")
    return EXIT_OK


def cmd_sql(args: argparse.Namespace) -> int:
    from newsevents.store import query

    con = _reader(args)
    try:
        con.execute("SET enable_external_access = false")  # read-only means no other files either
        columns, rows = query.read_only_sql(con, args.statement, args.limit or None)
    except Exception as exc:
        from newsevents.store.errors import StoreError

        if isinstance(exc, StoreError):
            raise UsageError(str(exc)) from None
        raise
    finally:
        con.close()
    _emit([dict(zip(columns, r)) for r in rows], args.format, columns)
    return EXIT_OK


def cmd_fuse(args: argparse.Namespace) -> int:
    import dataclasses

    from newsevents.store.database import Store

    with Store(args.db) as store:
        changes = {k: v for k, v in (("date_window_days", args.date_window), ("distance_km", args.distance_km), ("region_km", args.region_km)) if v is not None}
        try:
            config = dataclasses.replace(store.fusion_config, **changes)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        n = store.refuse(config)
        mentions = store.con.execute("SELECT count(*) FROM fused_mentions").fetchone()[0]
    print(f"newsevents fuse: {mentions} mentions fused into {n} events", file=sys.stderr)
    return EXIT_OK


def cmd_upgrade(args: argparse.Namespace) -> int:
    from pathlib import Path

    from newsevents.store.database import Store
    from newsevents.store.schema import SCHEMA_VERSION

    if not Path(args.db).exists():
        raise UsageError(f"no database at {args.db}")
    with Store(args.db) as store:
        done = store.upgraded
    if done:
        print(f"newsevents upgrade: {args.db} upgraded to schema version {done[-1]}", file=sys.stderr)
    else:
        print(f"newsevents upgrade: {args.db} is already at schema version {SCHEMA_VERSION}", file=sys.stderr)
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from newsevents.export import ExportError, export

    flt = filter_from_args(args)
    con = _reader(args)
    try:
        n = export(con, flt, args.format, args.output, level="mention" if args.mentions else "fused")
    except ExportError as exc:
        raise UsageError(str(exc)) from None
    finally:
        con.close()
    if args.output != "-":
        print(f"newsevents export: {n} rows written to {args.output}", file=sys.stderr)
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from newsevents.api.serve import serve

    return serve(args.db, host=args.host, port=args.port, allow_extract=args.allow_extract)
