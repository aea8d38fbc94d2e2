"""The commands for input that keeps coming: `watch` (a folder) and `follow` (RSS/Atom feeds over HTTP).
Registered by cli.build_parser; the loop is newsevents.continuous, the sources newsevents.ingest.watch
and newsevents.ingest.follow. Both run until interrupted (exit 0 on a clean stop), or once with --once
(exit 0, or 1 when some inputs were skipped, as `ingest`)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator

from newsevents.cli import EXIT_OK, EXIT_SKIPPED, UsageError, _actor_layers, _add_input_options, _duplicate_index, _input_options

DB_HELP = "database file (default: %(default)s)"


def add_watch_command(sub, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "watch", parents=[common], help="ingest files as they arrive in a folder, until interrupted",
        description="Poll a folder (recursively) and ingest every file that appears or changes, once it has stopped "
        "growing (same size and time on two polls in a row), into a DuckDB database. Runs until Ctrl-C or SIGTERM, "
        "which finish the current batch and end the run cleanly (exit 0). Hidden and temporary files (.part, .tmp, "
        "~) are skipped; a file that fails is reported once and read again only when it changes.",
    )
    p.add_argument("folder", metavar="DIR", help="the folder to watch")
    p.add_argument("--db", default="newsevents.duckdb", metavar="FILE", help=DB_HELP)
    p.add_argument("--interval", type=float, default=2.0, metavar="SECONDS", help="seconds between polls (default: %(default)s)")
    p.add_argument("--once", action="store_true", help="ingest the files that are there and stable over one interval, then exit")
    _add_input_options(p)
    p.set_defaults(func=cmd_watch)


def add_follow_command(sub, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "follow", parents=[common], help="poll RSS/Atom feeds and ingest the page of every new item",
        description="Poll RSS/Atom feeds over HTTP and ingest the linked page of every new item (with the item's "
        "title, date and URL) into a DuckDB database, politely: conditional requests (ETag, Last-Modified), one "
        "request at a time with a pause between two to the same host, Retry-After obeyed, backoff on errors. "
        "User-Agent: newsevents/VERSION (+https://example.invalid/newsevents). Runs until Ctrl-C or SIGTERM (exit 0).",
    )
    p.add_argument("urls", nargs="+", metavar="URL", help="feed URLs (http or https)")
    p.add_argument("--db", default="newsevents.duckdb", metavar="FILE", help=DB_HELP)
    p.add_argument("--interval", type=float, default=300.0, metavar="SECONDS", help="seconds between polls of a feed (default: %(default)s)")
    p.add_argument(
        "--interval-floor", type=float, default=30.0, metavar="SECONDS",
        help="the shortest --interval allowed (default: %(default)s); lower it only for feeds you serve yourself, as tests do",
    )
    p.add_argument("--once", action="store_true", help="poll every feed once, fetch the new pages, then exit")
    p.add_argument("--max-pages", type=int, metavar="N", help="fetch at most N pages per feed and poll; the rest wait for the next poll")
    p.add_argument("--host-delay", type=float, default=1.0, metavar="SECONDS", help="pause between two requests to one host (default: %(default)s)")
    p.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS", help="timeout of a request (default: %(default)s)")
    p.set_defaults(func=cmd_follow)


def cmd_watch(args: argparse.Namespace) -> int:
    from newsevents.ingest.readers import iter_documents
    from newsevents.ingest.watch import DirectoryWatcher
    from newsevents.model import IngestError

    if not os.path.isdir(args.folder):
        raise UsageError(f"{args.folder} is not a folder" if os.path.exists(args.folder) else f"no such folder: {args.folder}")
    if not args.interval > 0:
        raise UsageError(f"--interval must be more than 0 seconds, not {args.interval}")
    options = _input_options(args)
    # the database, its snapshots and the errors file may lie in the watched tree: never read them as input
    db = os.path.abspath(args.db)
    errors = os.path.abspath(args.errors) if args.errors else None

    def ignore(path: str) -> bool:
        path = os.path.abspath(path)
        return path in (db, errors) or path.startswith(db + ".")  # .wal, .snapshot, .snapshot.N

    watcher = DirectoryWatcher(args.folder, ignore=ignore)

    def documents() -> Iterator:
        for item in watcher.poll():
            yield from [item] if isinstance(item, IngestError) else iter_documents([item], **options)

    def left() -> str | None:
        return f"{watcher.pending()} files still changing, left for the next run" if watcher.pending() else None

    # --once: the first poll only notes each file's size and time; the second takes those that kept them
    return _run(args, "watch", [args.folder], documents, lambda: args.interval, args.interval, 2 if args.once else None, left)


def cmd_follow(args: argparse.Namespace) -> int:
    from newsevents.continuous import stored_urls
    from newsevents.ingest import follow

    for url in args.urls:
        try:
            follow.check_url(url)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    if args.interval_floor < 0:
        raise UsageError(f"--interval-floor must be 0 or more, not {args.interval_floor}")
    if args.interval < args.interval_floor or not args.interval > 0:
        raise UsageError(f"--interval must be at least {args.interval_floor:g} seconds (polite polling), not {args.interval:g}")
    if args.max_pages is not None and args.max_pages < 1:
        raise UsageError(f"--max-pages must be 1 or more, not {args.max_pages}")
    if args.host_delay < 0 or not args.timeout > 0:
        raise UsageError("--host-delay must be 0 or more and --timeout more than 0")
    state: dict = {}

    def start(store, stop) -> None:
        state["follower"] = follow.FeedFollower(
            args.urls, interval=args.interval, host_delay=args.host_delay, timeout=args.timeout, max_pages=args.max_pages,
            known_urls=lambda urls: stored_urls(store, urls), stop=lambda: bool(stop),
        )

    def left() -> str | None:
        waiting = state["follower"].backlog()
        return f"{waiting} pages not fetched yet (--max-pages), left for the next run" if waiting else None

    try:
        return _run(
            args, "follow", list(args.urls), lambda: state["follower"].poll(), lambda: state["follower"].seconds_until_due(),
            min(args.interval, 60.0), 1 if args.once else None, left, start,
        )
    finally:
        if "follower" in state:
            state["follower"].close()


def _run(
    args: argparse.Namespace, command: str, inputs: list[str], poll: Callable, wait: Callable[[], float],
    publish_every: float, rounds: int | None, left: Callable[[], str | None], start: Callable | None = None,
) -> int:
    """Open the store, set up the pipeline, and run the loop under the signal handlers."""
    from newsevents.continuous import ContinuousIngest, StopFlag, stop_on_signals
    from newsevents.pipeline import Pipeline
    from newsevents.store.database import Store

    stop = StopFlag()
    with stop_on_signals(stop), Store(args.db, publish_every=None) as store, _errors_file(args.errors) as errors:
        if store.upgraded and not args.quiet:
            print(f"newsevents: upgraded {args.db} to schema version {store.upgraded[-1]}", file=sys.stderr)
        _duplicate_index(args, store)  # a bad --dedup-threshold is a usage error before any work
        layers = _actor_layers(args, store)
        pipeline = Pipeline(layers) if layers else Pipeline()
        if start is not None:
            start(store, stop)
        loop = ContinuousIngest(
            store, pipeline, command, duplicates=lambda: _duplicate_index(args, store), publish_every=publish_every,
            errors=errors, quiet=args.quiet,
        )
        if not args.quiet:
            what = "once" if rounds else f"every {args.interval:g} s until Ctrl-C or SIGTERM"
            print(f"newsevents {command}: polling {', '.join(inputs)} {what}; database {os.path.abspath(args.db)}", file=sys.stderr)
        totals = loop.run(inputs, poll, wait, stop, rounds)
        if not args.quiet:
            note = left()
            print(f"newsevents {command}: in all {totals.summary()}" + (f"; {note}" if note else ""), file=sys.stderr)
    return EXIT_SKIPPED if rounds and totals.skipped else EXIT_OK


def _errors_file(path: str | None):
    """--errors, appended to: a restarted watcher or follower keeps what the earlier runs reported."""
    from contextlib import nullcontext
    from pathlib import Path

    if not path:
        return nullcontext(None)
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return open(path, "a", encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from exc
