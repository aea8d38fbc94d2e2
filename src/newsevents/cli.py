"""The `newsevents` command line.

Exit codes: 0 every input processed, 1 some inputs were skipped (each named on stderr), 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path

EXIT_OK, EXIT_SKIPPED, EXIT_USAGE = 0, 1, 2
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def one_blas_thread() -> None:
    """One BLAS thread unless the user asks for more; call it before numpy is first imported. The command
    line parallelises by processes (--jobs), spaCy's small matrices gain nothing from BLAS threads, and a
    process that has ever had a second thread parses about a tenth slower (docs/scaling.md)."""
    for variable in BLAS_THREAD_VARIABLES:
        os.environ.setdefault(variable, "1")


class UsageError(Exception):
    pass


def _version() -> str:
    from newsevents import __version__

    return __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsevents",
        description="Turn news articles into coded event data: who did what to whom, when, where, how sure, "
        "and according to whom (CAMEO + PLOVER), fully offline.",
        epilog="Run `newsevents COMMAND --help` for a command's options. Docs: README.md and docs/schema.md. "
        "Exit codes: 0 every input processed, 1 some inputs skipped (each named on stderr), 2 usage error.",
    )
    parser.add_argument("--version", action="version", version=f"newsevents {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    inputs_help = "files, folders (searched recursively), glob patterns, or - for standard input"
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary")
    common.add_argument("--errors", metavar="FILE", help="also write every skipped input and why to FILE as JSON Lines")
    common.add_argument(
        "--dedup-threshold", type=float, default=0.8, metavar="J",
        help="a text this similar (estimated Jaccard of word 5-shingles) to an earlier one is a copy: "
        "kept, linked by duplicate_of, not coded again (default: %(default)s)",
    )
    common.add_argument("--keep-duplicates", action="store_true", help="code every copy as an article of its own")
    _add_layer_option(common)

    p = sub.add_parser(
        "extract", parents=[common], help="extract articles and their events to JSON Lines (no database)",
        description="Run the whole pipeline and write one JSON object per article (the contract in docs/schema.md). "
        "Inputs may be text, HTML or Markdown files, JSON Lines, JSON arrays, CSV/TSV, WARC crawls or RSS/Atom "
        "feeds, each also gzip, bzip2 or xz compressed; the format is recognised from the content.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help=inputs_help)
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    _add_input_options(p)
    _add_engine_options(p)
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser(
        "ingest", parents=[common], help="extract articles and store them in a DuckDB database",
        description="Run the pipeline and store articles, actors, places and events in an embedded DuckDB file. "
        "An article already in the database (same clean text) is not stored again.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help=inputs_help)
    p.add_argument("--db", default="newsevents.duckdb", metavar="FILE", help="database file (default: %(default)s)")
    p.add_argument("--jsonl", metavar="FILE", help="also write the extracted records to FILE as JSON Lines")
    _add_input_options(p)
    _add_engine_options(p)
    p.set_defaults(func=cmd_ingest)

    from newsevents.cli_continuous import add_follow_command, add_watch_command

    add_watch_command(sub, common)  # newsevents watch DIR: files as they arrive
    add_follow_command(sub, common)  # newsevents follow URL...: RSS/Atom feeds and their pages

    from newsevents.cli_query import add_commands

    add_commands(sub)

    p = sub.add_parser(
        "dict", help="import PETRARCH/TABARI actor and agent dictionaries as a user layer",
        description="Read PETRARCH2/TABARI .actors and .agents dictionaries into a layer over our actor knowledge base: "
        "a JSON Lines file for --actors-layer, or a layer stored in a database that every later run on it uses. "
        "Exit codes: 0 every line read, 1 some lines reported (the layer is still written), 2 unusable input.",
    )
    actions = p.add_subparsers(dest="dict_action", metavar="ACTION", required=True, help="import, list or remove")
    k = actions.add_parser("import", help="parse dictionaries and write or store the layer", description=p.description)
    k.add_argument("files", nargs="+", metavar="FILE", help="dictionary files (.actors or .agents format, recognised by their codes)")
    k.add_argument("--layer", metavar="OUT", help="write the layer to OUT as JSON Lines")
    k.add_argument("--db", metavar="DB", help="store the layer in database DB; later runs on DB use it")
    k.add_argument("--name", help="layer name and prefix of its entry ids (default: the name of OUT, else petrarch)")
    k.add_argument("--kind", choices=("auto", "actors", "agents"), default="auto", help="dictionary format (default: %(default)s)")
    k.add_argument("--problems", metavar="FILE", help="also write every problem as JSON Lines")
    k.add_argument("-q", "--quiet", action="store_true", help="no summary")
    k.set_defaults(func=cmd_dict_import)
    k = actions.add_parser("list", help="list the layers stored in a database, in the order they apply")
    k.add_argument("--db", required=True, metavar="DB", help="database file")
    k.set_defaults(func=cmd_dict_list)
    k = actions.add_parser("remove", help="remove a stored layer")
    k.add_argument("name", metavar="NAME", help="the layer's name (see dict list)")
    k.add_argument("--db", required=True, metavar="DB", help="database file")
    k.set_defaults(func=cmd_dict_remove)

    p = sub.add_parser(
        "eval", help="score the system against gold-standard files",
        description="Score one stage against gold data and print precision, recall, F1 and the set's own metrics. "
        "Each kind reads the formats described in the README of the matching ../shared/gold/ folder.",
    )
    kinds = p.add_subparsers(dest="eval_kind", metavar="KIND", required=True, help="what to score")
    for kind, module in EVALUATORS.items():
        evaluator = _evaluator(module)
        k = kinds.add_parser(kind, help=evaluator.HELP, description=evaluator.__doc__)
        k.add_argument("gold", nargs="+", metavar="GOLD", help="gold file(s) or folder(s)")
        k.add_argument("--json", metavar="FILE", help="also write the full report to FILE as JSON")
        k.add_argument("--limit", type=int, metavar="N", help="score only the first N records of each file")
        evaluator.add_arguments(k)
        k.set_defaults(func=cmd_eval, evaluator=evaluator)
    return parser


# eval KIND -> module in newsevents.evaluate. Each module has HELP, a docstring, add_arguments(parser)
# and run(args) -> dict (the report), and format_report(report) -> str. Modules import lazily.
EVALUATORS = {
    "extraction": "newsevents.evaluate.extraction",
    "dates": "newsevents.evaluate.dates",
    "geo": "newsevents.evaluate.geo",
    "events": "newsevents.evaluate.events",
    "fusion": "newsevents.evaluate.fusion",
}


def _evaluator(module: str):
    import importlib

    return importlib.import_module(module)


def main(argv: list[str] | None = None) -> int:
    one_blas_thread()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return args.func(args)
    except UsageError as exc:
        print(f"newsevents {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("newsevents: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:  # the last resort: a message, never a traceback
        from newsevents.nlp.model import ModelMissingError
        from newsevents.store.database import StoreError

        if isinstance(exc, (StoreError, ModelMissingError, OSError)):
            print(f"newsevents {args.command}: error: {exc}", file=sys.stderr)
            return EXIT_USAGE if isinstance(exc, StoreError) else EXIT_SKIPPED
        print(f"newsevents {args.command}: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        if os.environ.get("NEWSEVENTS_DEBUG"):
            raise
        return EXIT_SKIPPED


def _duplicate_index(args: argparse.Namespace, store=None):
    """The run's duplicate finder (also searching the database's originals), or None with --keep-duplicates."""
    from newsevents.ingest.dedup import DuplicateIndex

    if args.keep_duplicates:
        return None
    if not 0.0 < args.dedup_threshold <= 1.0:
        raise UsageError(f"--dedup-threshold must be in (0, 1], not {args.dedup_threshold}")
    return DuplicateIndex(args.dedup_threshold, lookup=store.find_copies if store is not None else None)


# The input formats of newsevents.ingest.sniff.FORMATS, listed here so building the parser imports nothing.
INPUT_FORMATS = ("auto", "text", "html", "markdown", "jsonl", "json", "csv", "tsv", "warc", "rss")


def _add_input_options(p: argparse.ArgumentParser) -> None:
    """--format and the --*-field options of the commands that read articles."""
    group = p.add_argument_group("input format")
    group.add_argument(
        "--format", choices=INPUT_FORMATS, default="auto",
        help="read every input as this format instead of recognising each one (default: %(default)s)",
    )
    for role, what in (("text", "article text"), ("html", "page HTML"), ("title", "title"), ("url", "URL"), ("date", "publication date")):
        group.add_argument(
            f"--{role}-field", metavar="NAME",
            help=f"JSON field or CSV column with the {what} (default: the usual names; a.b for a nested field)",
        )


def _add_layer_option(p: argparse.ArgumentParser, what: str = "layered over our actor knowledge base for this run") -> None:
    p.add_argument(
        "--actors-layer", action="append", default=[], metavar="FILE",
        help=f"an actor layer written by `newsevents dict import --layer` (repeatable, applied in order), {what}",
    )


def _add_engine_options(p: argparse.ArgumentParser) -> None:
    """--jobs, --engine, --ray-address: where parsing and coding run (newsevents.engines); the output is the same."""
    group = p.add_argument_group("parallel runs (the output is the same as with one process)")
    group.add_argument(
        "--jobs", type=int, metavar="N",
        help="parse and code in N worker processes (0: one per CPU; default 1; with --engine ray: N actors, default one per CPU)",
    )
    group.add_argument("--engine", choices=("local", "ray"), default="local",
                       help="local processes, or Ray Data (needs Ray: pip install -r requirements-ray.lock) (default: %(default)s)")
    group.add_argument("--ray-address", metavar="ADDR", help="run on this Ray cluster instead of starting Ray on this machine")


def _engine(args: argparse.Namespace):
    """The run's engine from its options (a UsageError for bad ones)."""
    from newsevents.engines import EngineError, choose

    try:
        return choose(getattr(args, "jobs", None), getattr(args, "engine", "local"), getattr(args, "ray_address", None))
    except EngineError as exc:
        raise UsageError(str(exc)) from None


def _actor_layers(args: argparse.Namespace, store=None) -> tuple:
    """The run's actor layers: the database's own (`dict import --db`), then each --actors-layer; all read now."""
    from newsevents.actors.kb import load_kb
    from newsevents.actors.layers import LayerError, StoredLayer

    layers = [StoredLayer.of(name, text) for name, text in store.actor_layers()] if store is not None else []
    layers += [Path(p).resolve() for p in args.actors_layer]
    try:
        if layers:
            load_kb(tuple(layers))  # a bad layer is a usage error, not a failure on every article
    except LayerError as exc:
        raise UsageError(str(exc)) from None
    return tuple(layers)


def _input_options(args: argparse.Namespace) -> dict:
    """iter_documents keyword arguments from the input options."""
    from newsevents.ingest.fields import FieldMap

    fields = FieldMap(text=args.text_field, html=args.html_field, title=args.title_field, url=args.url_field, date=args.date_field)
    return {"format": None if args.format == "auto" else args.format, "fields": fields}


def _run_pipeline(args: argparse.Namespace, duplicates=None, layers: tuple = ()) -> Iterator:
    """Yield Articles and IngestErrors; errors are printed to stderr (and written to --errors) as they happen."""
    from newsevents.ingest.readers import iter_documents
    from newsevents.model import IngestError
    from newsevents.pipeline import Pipeline

    from newsevents import engines

    engine = _engine(args)
    pipeline = Pipeline(layers) if layers else Pipeline()
    show = not args.quiet and sys.stderr.isatty()
    progress = None
    if show:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=True)
    with progress or nullcontext(), (_open_output(args.errors) if args.errors else nullcontext()) as errors:
        task = progress.add_task("articles", total=None) if progress else None
        for item in engines.run(engine, pipeline, iter_documents(args.paths, **_input_options(args)), duplicates):
            if isinstance(item, IngestError):
                print(f"newsevents: skipped {item.origin}: {item.reason}", file=sys.stderr)
                if errors is not None:
                    errors.write(json.dumps({"origin": item.origin, "reason": item.reason}, ensure_ascii=False) + "\n")
            if progress is not None:
                progress.advance(task)
            yield item


def _open_output(path: str | None):
    if not path:
        return nullcontext(sys.stdout)
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return open(path, "w", encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from exc


def cmd_extract(args: argparse.Namespace) -> int:
    from newsevents.model import Article

    skipped = written = 0
    with _open_output(args.output) as out:
        for item in _run_pipeline(args, _duplicate_index(args), _actor_layers(args)):
            if isinstance(item, Article):
                out.write(json.dumps(item.to_dict(), ensure_ascii=False) + "\n")
                written += 1
            else:
                skipped += 1
    if not args.quiet and args.output:
        print(f"newsevents: {written} articles written to {args.output}, {skipped} inputs skipped", file=sys.stderr)
    return EXIT_SKIPPED if skipped else EXIT_OK


def cmd_ingest(args: argparse.Namespace) -> int:
    from newsevents.model import Article
    from newsevents.store.database import Store

    read = skipped = events = copies = 0
    with Store(args.db) as store, _open_output(args.jsonl) if args.jsonl else nullcontext() as jsonl:
        if store.upgraded and not args.quiet:
            print(f"newsevents: upgraded {args.db} to schema version {store.upgraded[-1]}", file=sys.stderr)
        store.begin_run("ingest", [str(p) for p in args.paths])
        duplicates = _duplicate_index(args, store)
        for item in _run_pipeline(args, duplicates, _actor_layers(args, store)):
            if isinstance(item, Article):
                read += 1
                events += len(item.events)
                copies += item.duplicate_of is not None
                store.add(item, duplicates.take_fingerprint(item.id) if duplicates is not None else None)
                if jsonl is not None and not (duplicates is not None and duplicates.already_stored(item.id)):
                    jsonl.write(json.dumps(item.to_dict(), ensure_ascii=False) + "\n")
            else:
                skipped += 1
                store.add_error(item)
        store.end_run()
        if not args.quiet:
            _print_summary(store, args, read, skipped, events, copies)
    return EXIT_SKIPPED if skipped else EXIT_OK


def _print_summary(store, args: argparse.Namespace, read: int, skipped: int, events: int, copies: int) -> None:
    from rich.console import Console
    from rich.table import Table

    # the summary goes to the terminal, or to stderr when stdout is a pipe or a file
    console = Console() if sys.stdout.isatty() else Console(stderr=True, soft_wrap=True)
    from newsevents.store import query

    totals = query.stats(store.con)
    console.print(
        f"[bold]newsevents ingest[/bold]: {read} articles read, {store.added} stored "
        f"({store.skipped_existing} already in the database; {copies} copies of earlier articles, not coded again), "
        f"{skipped} inputs skipped, {events} events coded"
    )
    table = Table(title="Top dyads in the database", show_lines=False)
    for col in ("source", "target", "events", "mean Goldstein"):
        table.add_column(col, justify="right" if col in ("events", "mean Goldstein") else "left")
    for d in query.dyads(store.con, query.EventFilter(), 10):
        table.add_row(d["source"]["code"], d["target"]["code"], str(d["events"]), f"{d['mean_goldstein']:+.2f}")
    console.print(table)
    console.print(
        f"database: {os.path.abspath(args.db)} ({totals['articles']} articles, {totals['mentions']} event mentions"
        f" fused into {totals['events']} events)"
    )
    if args.jsonl:
        console.print(f"JSON Lines: {os.path.abspath(args.jsonl)}")
    if args.errors:
        console.print(f"skipped inputs: {os.path.abspath(args.errors)}")


def _layer_actor(actor: str, layers: tuple) -> str:
    """A name a layer gives one of its own people or organisations, as that entry's id; else `actor` unchanged."""
    if not layers:
        return actor
    from newsevents.actors.kb import load_kb
    from newsevents.actors.matcher import fold

    ours, key = load_kb().entries, fold(actor)
    for alias in load_kb(layers).aliases:
        if alias.entry.kind in ("person", "organization") and alias.entry.id not in ours and fold(alias.text) == key:
            return alias.entry.id
    return actor


def cmd_dict_import(args: argparse.Namespace) -> int:
    from newsevents.actors.layers import layer_text
    from newsevents.actors.petrarch_dicts import UnusableInput, import_dictionaries

    if not (args.layer or args.db):
        raise UsageError("say where the layer goes: --layer OUT, --db DB, or both")
    name = args.name or (Path(args.layer).name.split(".")[0] if args.layer else "petrarch")
    try:
        result = import_dictionaries(args.files, name, args.kind)
    except UnusableInput as exc:
        raise UsageError(str(exc)) from None
    entries = result.conversion.entries
    if not entries:
        raise UsageError(f"no dictionary entries in {', '.join(args.files)}: is this a PETRARCH/TABARI .actors or .agents file?")
    problems = result.problems
    for problem in problems[:50]:
        print(f"newsevents dict: {problem}", file=sys.stderr)
    if len(problems) > 50:
        print(f"newsevents dict: ... {len(problems) - 50} more problems" + (f" (all in {args.problems})" if args.problems else " (--problems FILE lists them all)"), file=sys.stderr)
    if args.problems:
        with _open_output(args.problems) as out:
            out.writelines(json.dumps(p.to_dict(), ensure_ascii=False) + "\n" for p in problems)
    sources = [str(Path(f)) for f in args.files]
    text = layer_text(name, sources, entries)
    if args.layer:
        with _open_output(args.layer) as out:
            out.write(text)
    if args.db:
        from newsevents.store.database import Store

        with Store(args.db) as store:
            store.put_actor_layer(name, text, sources, len(entries))
    if not args.quiet:
        _print_import_summary(result, args)
    return EXIT_SKIPPED if problems else EXIT_OK


def _print_import_summary(result, args: argparse.Namespace) -> None:
    kinds = ", ".join(f"{k} {n:,}" for k, n in sorted(result.kinds().items(), key=lambda kv: (-kv[1], kv[0])))
    errors = sum(p.severity == "error" for p in result.problems)
    print(f"newsevents dict import: layer {result.name!r}, {len(result.conversion.entries):,} entries ({kinds})")
    for f in result.files:
        used = f.count("entry") + f.count("macro")
        print(f"  {f.name}: {len(f.states):,} lines, {f.kind} format, {len(f.actors or f.agents):,} entries from {used:,} lines, "
              f"{f.count('error')} lines not used, {len(f.problems)} problems")
    print(f"problems: {len(result.problems)} ({errors} errors: lines or codes not used; {len(result.problems) - errors} warnings)")
    unknown = result.conversion.unknown_countries
    if unknown:
        shown = ", ".join(f"{c} ({n})" for c, n in sorted(unknown.items(), key=lambda kv: -kv[1]))
        print(f"country codes our knowledge base does not know, kept as written: {shown}")
    for where, what in ((args.layer, "layer written to"), (args.db, "stored in database")):
        if where:
            print(f"{what} {os.path.abspath(where)}")


def cmd_dict_list(args: argparse.Namespace) -> int:
    from newsevents.store.database import Store

    with Store(args.db, read_only=True) as store:
        layers = store.actor_layers(content=False)
    if not layers:
        print(f"no actor layers in {args.db}")
    for position, (name, entries, sources, imported) in enumerate(layers, start=1):
        print(f"{position}. {name}: {entries:,} entries, imported {imported:%Y-%m-%d %H:%M} UTC from {', '.join(sources or [])}")
    return EXIT_OK


def cmd_dict_remove(args: argparse.Namespace) -> int:
    from newsevents.store.database import Store

    with Store(args.db) as store:
        if not store.remove_actor_layer(args.name):
            raise UsageError(f"no actor layer named {args.name!r} in {args.db}")
    print(f"removed actor layer {args.name!r} from {args.db}")
    return EXIT_OK


def cmd_eval(args: argparse.Namespace) -> int:
    for path in args.gold:
        if not Path(path).exists():
            raise UsageError(f"gold file not found: {path}")
    report = args.evaluator.run(args)
    print(args.evaluator.format_report(report))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return EXIT_OK


def _print_table(columns: list[str], rows: list[tuple], caption: str | None = None) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=False, caption=caption or f"{len(rows)} rows")
    for name in columns:
        table.add_column(name.replace("_", " "), overflow="fold")
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    Console(width=None if sys.stdout.isatty() else 200).print(table)


if __name__ == "__main__":
    sys.exit(main())
