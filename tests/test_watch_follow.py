"""Continuous input: `newsevents watch` (a folder) and `newsevents follow` (feeds over HTTP).

Every HTTP request goes to a server this file starts on 127.0.0.1; nothing leaves the machine. Timing
tests use a short real interval; backoff and Retry-After use an injected clock, so they take no time.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import date
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest

from newsevents.continuous import ContinuousIngest, StopFlag, stored_urls
from newsevents.ingest.dedup import DuplicateIndex
from newsevents.ingest.follow import FeedFollower, check_url, retry_after, user_agent
from newsevents.ingest.readers import iter_documents
from newsevents.ingest.watch import DirectoryWatcher
from newsevents.model import IngestError, RawDocument
from newsevents.store.database import Store
from newsevents.store.reader import current_snapshot

ROOT = Path(__file__).resolve().parents[1]

STRIKES = (
    "Turkish jets struck PKK camps in northern Iraq on Tuesday, the army said in a statement.\n\n"
    "The strikes destroyed shelters and weapons depots near the Qandil mountains, officials added.\n"
)
SECOND_HALF = (
    "\nIraqi officials condemned the raids and summoned the Turkish ambassador in Baghdad on Wednesday.\n\n"
    "The foreign ministry said the second half of this report arrived later than the first.\n"
)
TALKS = (
    "Egyptian officials hosted Libyan army delegations in Cairo on Sunday for talks on a unified command.\n\n"
    "The delegations signed a document on the structure of a joint military council, the spokesman said.\n"
)
SANCTIONS = (
    "The European Union imposed sanctions on Syrian ministers on Monday over the crackdown on protesters.\n\n"
    "The measures freeze the assets of eleven officials and ban them from travelling to Europe, diplomats said.\n"
)
MILITIA = (
    "The United States sanctioned two Iraqi militia leaders on Friday for attacks on protesters in Baghdad.\n\n"
    "The Treasury said the men ordered snipers to fire on crowds during demonstrations last year.\n"
)


def _wait_for(condition, timeout: float = 30.0, step: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("timed out waiting for a condition")


def _query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


# -- watch -----------------------------------------------------------------------------------------


def test_watcher_takes_a_file_once_it_stops_changing(tmp_path):
    watcher = DirectoryWatcher(str(tmp_path), ignore=lambda p: p.endswith(".duckdb"))
    (tmp_path / "sub").mkdir()
    growing = tmp_path / "sub" / "a.txt"
    growing.write_text("first half")
    for name in (".hidden.txt", "download.part", "notes.txt~", "news.duckdb"):
        (tmp_path / name).write_text("not an input")
    (tmp_path / "empty.txt").touch()
    assert list(watcher.poll()) == []  # seen once: not taken yet
    with growing.open("a") as f:
        f.write(" and the rest")
    assert list(watcher.poll()) == []  # it changed since: still waiting
    assert list(watcher.poll()) == [str(growing)]  # unchanged over a poll: taken
    assert list(watcher.poll()) == []  # taken once
    assert watcher.pending() == 1  # the empty file waits for content
    os.utime(growing, ns=(time.time_ns(), time.time_ns() + 10**9))  # touched: a change, taken again when stable
    assert list(watcher.poll()) == []
    assert list(watcher.poll()) == [str(growing)]


def _watch_loop(store, pipeline, interval: float, publish_every: float = 0.2):
    return ContinuousIngest(
        store, pipeline, "watch", duplicates=lambda: DuplicateIndex(0.8, lookup=store.find_copies),
        publish_every=publish_every, quiet=True, log=sys.stderr,
    )


def test_watch_ingests_files_as_they_arrive(tmp_path, pipeline):
    inbox, db = tmp_path / "inbox", tmp_path / "news.duckdb"
    inbox.mkdir()
    interval, stop = 0.8, StopFlag()
    watcher = DirectoryWatcher(str(inbox))
    def documents():
        for item in watcher.poll():
            yield from [item] if isinstance(item, IngestError) else iter_documents([item])

    store = Store(db, publish_every=None)
    loop = _watch_loop(store, pipeline, interval)
    thread = threading.Thread(target=loop.run, args=([str(inbox)], documents, lambda: interval, stop))
    thread.start()
    try:
        (inbox / "strikes.txt").write_text(STRIKES)
        (inbox / "broken.txt").write_bytes(b"\x00\x01\x02\x03 not text \xff\xfe" * 20)
        halves = inbox / "later" / "iraq.txt"
        halves.parent.mkdir()
        halves.write_text(STRIKES.replace("Turkish jets", "Turkish drones"))
        time.sleep(0.2)  # shorter than the interval: the watcher must wait for the whole file
        with halves.open("a") as f:
            f.write(SECOND_HALF)
        # readers see the batches through the snapshot the loop publishes, while it holds the database
        def in_snapshot():
            snap = current_snapshot(db)
            try:
                return snap is not None and _query(snap, "SELECT count(*) FROM articles")[0][0] == 2
            except duckdb.Error:  # replaced by a newer snapshot meanwhile
                return False

        _wait_for(in_snapshot)
        (inbox / "copy_of_strikes.txt").write_text(STRIKES)  # the same story under another name
        _wait_for(lambda: loop.totals.read == 3)  # the broken file went through the polls since: not read again
    finally:
        stop.set()
        thread.join(30)
    store.close()
    assert not thread.is_alive()
    rows = {Path(r[0]).name: r for r in _query(db, "SELECT path, id, duplicate_of, text, n_events FROM articles")}
    assert set(rows) == {"strikes.txt", "iraq.txt", "copy_of_strikes.txt"}
    assert "second half of this report" in rows["iraq.txt"][3]  # read whole, not half
    assert rows["copy_of_strikes.txt"][2] == rows["strikes.txt"][1]  # a copy, linked, not coded again
    assert rows["copy_of_strikes.txt"][4] == 0 and rows["strikes.txt"][4] > 0
    errors = _query(db, "SELECT origin, reason FROM ingest_errors")
    assert len(errors) == 1 and errors[0][0].endswith("broken.txt") and "binary" in errors[0][1]
    assert _query(db, "SELECT command, status, articles_added, duplicates, errors FROM runs") == [("watch", "finished", 3, 1, 1)]
    assert _query(db, "SELECT count(*) FROM fused_events")[0][0] > 0  # each batch is fused as it is stored


def test_watch_once_and_restart_store_nothing_twice(tmp_path, pipeline, capsys):
    from newsevents.cli import main

    inbox = tmp_path / "inbox"
    db = inbox / "news.duckdb"  # the database, its snapshots and the errors file in the tree are not inputs
    inbox.mkdir()
    (inbox / "talks.txt").write_text(TALKS)
    (inbox / "sanctions.md").write_text("---\ntitle: EU sanctions\ndate: 2011-05-09\n---\n\n" + SANCTIONS)
    argv = ["watch", str(inbox), "--db", str(db), "--once", "--interval", "0.2", "--errors", str(inbox / "errors.jsonl")]
    assert main(argv) == 0
    assert _query(db, "SELECT count(*) FROM articles")[0][0] == 2
    assert main(argv) == 0  # a restart reads the files again and stores nothing new
    assert _query(db, "SELECT count(*) FROM articles")[0][0] == 2
    assert _query(db, "SELECT status, articles_added FROM runs ORDER BY started_at") == [("finished", 2), ("finished", 0)]
    assert "2 already in the database" in capsys.readouterr().err
    assert current_snapshot(db) is not None


def test_watch_stops_cleanly_on_sigterm(tmp_path):
    inbox, db = tmp_path / "inbox", tmp_path / "news.duckdb"
    inbox.mkdir()
    (inbox / "militia.txt").write_text(MILITIA)
    proc = subprocess.Popen(
        [sys.executable, "-m", "newsevents", "watch", str(inbox), "--db", str(db), "--interval", "0.3"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: [lines.append(line) for line in proc.stderr], daemon=True)
    reader.start()
    try:
        _wait_for(lambda: any("1 stored" in line for line in lines) or proc.poll() is not None, timeout=90)
        assert proc.poll() is None, "".join(lines)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    reader.join(5)
    err = "".join(lines)
    assert "stopping (SIGTERM)" in err and "Traceback" not in err
    assert _query(db, "SELECT command, status, articles_added FROM runs") == [("watch", "finished", 1)]
    assert _query(db, "SELECT count(*) FROM articles")[0][0] == 1


def test_watch_usage_errors_are_one_line(tmp_path):
    from newsevents.cli import main

    assert main(["watch", str(tmp_path / "missing"), "--db", str(tmp_path / "x.duckdb")]) == 2
    assert main(["watch", str(tmp_path), "--db", str(tmp_path / "x.duckdb"), "--interval", "0"]) == 2
    assert not (tmp_path / "x.duckdb").exists()


# -- follow: a loopback site -----------------------------------------------------------------------


class Site:
    """Routes for the loopback server: path -> (status, headers, body) or a function of the request."""

    def __init__(self) -> None:
        self.routes: dict[str, object] = {}
        self.requests: list[tuple[float, str, dict[str, str]]] = []  # (arrival, path, headers)
        self.lock = threading.Lock()
        self.active = self.most_active = 0

    def hits(self, path: str) -> int:
        return sum(1 for _, p, _ in self.requests if p == path)

    def last(self, path: str) -> dict[str, str]:
        return [h for _, p, h in self.requests if p == path][-1]


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        site: Site = self.server.site  # type: ignore[attr-defined]
        with site.lock:
            site.requests.append((time.monotonic(), self.path, {k.lower(): v for k, v in self.headers.items()}))
            site.active += 1
            site.most_active = max(site.most_active, site.active)
        try:
            route = site.routes.get(self.path, (404, {}, b"not here"))
            status, headers, body = route(self) if callable(route) else route
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        finally:
            with site.lock:
                site.active -= 1

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.site = Site()  # type: ignore[attr-defined]
    server.site.base = f"http://127.0.0.1:{server.server_address[1]}"  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server.site
    server.shutdown()
    server.server_close()


def _page(title: str, text: str) -> tuple[int, dict, bytes]:
    paragraphs = "".join(f"<p>{p}</p>" for p in text.strip().split("\n\n"))
    html = (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head><body>"
        f"<nav><a href='/'>Home</a> <a href='/world'>World</a></nav><article><h1>{title}</h1>{paragraphs}</article>"
        "<footer>Copyright The Test Gazette</footer></body></html>"
    )
    return 200, {"Content-Type": "text/html; charset=utf-8"}, html.encode("utf-8")


def _conditional(render):
    """A feed route answering If-None-Match / If-Modified-Since as a real server does."""
    def route(request):
        body = render().encode("utf-8")
        etag = '"' + hashlib.sha256(body).hexdigest()[:12] + '"'
        modified = formatdate(1_500_000_000 + len(body), usegmt=True)
        if request.headers.get("If-None-Match") == etag:
            return 304, {"ETag": etag}, b""
        return 200, {"Content-Type": "application/rss+xml", "ETag": etag, "Last-Modified": modified}, body
    return route


def _rss(base: str, items: list[tuple[str, str, str]]) -> str:
    entries = "".join(
        f"<item><title>{t}</title><link>{base}{path}</link><guid>{base}{path}</guid><pubDate>{d}</pubDate></item>"
        for t, path, d in items
    )
    return f"<?xml version='1.0'?><rss version='2.0'><channel><title>Test Gazette</title>{entries}</channel></rss>"


def _atom(base: str, items: list[tuple[str, str, str]]) -> str:
    entries = "".join(
        f"<entry><title>{t}</title><link href='{base}{path}'/><id>urn:test:{path}</id><updated>{d}</updated></entry>"
        for t, path, d in items
    )
    return f"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><title>Atom Test</title>{entries}</feed>"


def test_follow_fetches_new_items_politely_and_stores_them(tmp_path, site, pipeline):
    base, db = site.base, tmp_path / "news.duckdb"
    rss_items = [("Jets strike camps", "/a1.html", "Tue, 08 Mar 2016 10:00:00 GMT"), ("Gone", "/missing.html", "Tue, 08 Mar 2016 11:00:00 GMT")]
    atom_items = [("Cairo talks", "/b1.html", "2017-10-29T09:00:00Z")]
    site.routes.update({
        "/rss.xml": _conditional(lambda: _rss(base, rss_items)),
        "/atom.xml": _conditional(lambda: _atom(base, atom_items)),
        "/a1.html": _page("Jets strike camps", STRIKES),
        "/b1.html": _page("Cairo talks", TALKS),
        "/a2.html": _page("EU sanctions", SANCTIONS),
    })
    feeds = [f"{base}/rss.xml", f"{base}/atom.xml"]
    store = Store(db, publish_every=None)
    try:
        loop = ContinuousIngest(store, pipeline, "follow", duplicates=lambda: DuplicateIndex(0.8, lookup=store.find_copies), quiet=True)
        store.begin_run("follow", feeds)
        follower = FeedFollower(feeds, interval=0, host_delay=0.05, known_urls=lambda urls: stored_urls(store, urls))
        first = loop.ingest(follower.poll())
        assert (first.stored, first.skipped) == (2, 1)  # the 404 is reported, the others stored
        second = loop.ingest(follower.poll())  # nothing changed: two 304s, no page fetched
        assert not second
        for feed in ("/rss.xml", "/atom.xml"):
            sent = site.last(feed)
            assert sent["if-none-match"].startswith('"') and sent["if-modified-since"].endswith("GMT")
        assert [site.hits(p) for p in ("/a1.html", "/b1.html", "/missing.html")] == [1, 1, 1]
        rss_items.insert(0, ("EU sanctions", "/a2.html", "Mon, 09 May 2011 08:00:00 GMT"))
        third = loop.ingest(follower.poll())  # the changed feed is read; only its new item is fetched
        assert third.stored == 1 and site.hits("/a2.html") == 1 and site.hits("/a1.html") == 1
        follower.close()
        # a restart remembers nothing but the database: stored links are not fetched again
        restarted = FeedFollower(feeds, interval=0, host_delay=0.05, known_urls=lambda urls: stored_urls(store, urls))
        assert not [i for i in restarted.poll() if isinstance(i, RawDocument)]
        assert [site.hits(p) for p in ("/a1.html", "/a2.html", "/b1.html")] == [1, 1, 1]
        restarted.close()
        store.end_run()
    finally:
        store.close()
    rows = {r[0]: r[1:] for r in _query(db, "SELECT url, title, published, path, fetched FROM articles")}
    assert set(rows) == {f"{base}/a1.html", f"{base}/b1.html", f"{base}/a2.html"}
    assert rows[f"{base}/a1.html"][:3] == ("Jets strike camps", date(2016, 3, 8), None)  # the item's title and date
    assert rows[f"{base}/b1.html"][1].isoformat() == "2017-10-29" and rows[f"{base}/b1.html"][3]
    errors = _query(db, "SELECT origin, reason FROM ingest_errors")
    assert (f"{base}/missing.html", "page not fetched: HTTP 404 Not Found") in errors
    # politeness: our User-Agent, one request at a time, the host delay between requests
    assert {h["user-agent"] for _, _, h in site.requests} == {user_agent()}
    assert user_agent().startswith("newsevents/") and "(+https://example.invalid/newsevents)" in user_agent()
    assert site.most_active == 1
    times = [t for t, _, _ in site.requests]
    assert min(b - a for a, b in zip(times, times[1:])) >= 0.05 - 0.002


def test_follow_keeps_the_host_delay(site):
    base = site.base
    items = [(f"Item {i}", f"/p{i}.html", "Tue, 08 Mar 2016 10:00:00 GMT") for i in range(3)]
    site.routes["/rss.xml"] = _conditional(lambda: _rss(base, items))
    site.routes.update({f"/p{i}.html": _page(f"Item {i}", STRIKES) for i in range(3)})
    with FeedFollower([f"{base}/rss.xml"], host_delay=0.3) as follower:
        docs = list(follower.poll())
    assert [d.url for d in docs] == [f"{base}/p{i}.html" for i in range(3)]
    times = [t for t, _, _ in site.requests]
    assert len(times) == 4 and min(b - a for a, b in zip(times, times[1:])) >= 0.3 - 0.002


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_follow_backs_off_on_errors_and_obeys_retry_after(site):
    base, clock = site.base, FakeClock()
    answers = [(500, {}, b"oops"), (500, {}, b"oops"), None, (429, {"Retry-After": "7"}, b"slow down"), None]
    feed = _rss(base, [])

    def route(request):
        answer = answers.pop(0) if answers else None
        return answer or (200, {"Content-Type": "application/rss+xml"}, feed.encode())

    site.routes["/rss.xml"] = route
    follower = FeedFollower([f"{base}/rss.xml"], interval=60, host_delay=0, clock=clock, sleep=clock.sleep, random=lambda: 0.5)
    with follower:
        errors = list(follower.poll())
        assert len(errors) == 1 and "HTTP 500" in errors[0].reason and "next try in 2 min" in errors[0].reason
        assert follower.seconds_until_due() == 120  # twice the interval (jitter 1.0 here)
        clock.now += 100
        assert list(follower.poll()) == [] and site.hits("/rss.xml") == 1  # not yet
        clock.now += 20
        assert "failure 2 in a row" in list(follower.poll())[0].reason and site.hits("/rss.xml") == 2
        assert follower.seconds_until_due() == 240  # doubled
        clock.now += 240
        assert list(follower.poll()) == [] and follower.seconds_until_due() == 60  # recovered: the interval again
        clock.now += 60
        assert "HTTP 429" in list(follower.poll())[0].reason
        assert follower.seconds_until_due() == 7  # the server's wish, not our backoff
        clock.now += 6
        list(follower.poll())
        assert site.hits("/rss.xml") == 4
        clock.now += 1
        assert list(follower.poll()) == [] and site.hits("/rss.xml") == 5
    assert not clock.slept or max(clock.slept) <= 7  # nothing ever slept through a whole backoff
    jittered = FeedFollower(["http://127.0.0.1:9/f"], interval=60, max_backoff=3600, random=lambda: 0.0)
    assert jittered.backoff(1) == 90 and jittered.backoff(20) == 3600 * 0.75
    jittered.random = lambda: 1.0
    assert jittered.backoff(1) == 150 and jittered.backoff(20) == 3600  # capped
    jittered.close()
    assert retry_after("120") == 120 and retry_after("soon") is None


def test_follow_reports_bad_pages_and_refuses_other_schemes(site):
    base = site.base
    items = [(name, f"/{name}", "Tue, 08 Mar 2016 10:00:00 GMT") for name in ("pdf", "big", "tofile", "moved", "loop", "slow")]
    site.routes.update({
        "/rss.xml": (200, {"Content-Type": "application/rss+xml"}, _rss(base, items).encode()),
        "/pdf": (200, {"Content-Type": "application/pdf"}, b"%PDF-1.4 not a page"),
        "/big": (200, {"Content-Type": "text/html"}, b"<p>" + b"x" * 5000 + b"</p>"),
        "/tofile": (302, {"Location": "file:///etc/passwd"}, b""),
        "/moved": (301, {"Location": "/final.html"}, b""),
        "/final.html": _page("Moved", TALKS),
        "/loop": (302, {"Location": "/loop"}, b""),
        "/slow": (503, {"Retry-After": "3600"}, b"busy"),
    })
    clock = FakeClock()
    with FeedFollower([f"{base}/rss.xml"], host_delay=0, max_bytes=4000, clock=clock, sleep=clock.sleep) as follower:
        out = {(i.url if isinstance(i, RawDocument) else i.origin): i for i in follower.poll()}
        reasons = {k.rsplit("/", 1)[-1]: v.reason for k, v in out.items() if isinstance(v, IngestError)}
        assert "not an HTML page (Content-Type: application/pdf)" in reasons["pdf"]
        assert "over the 3.9 KB limit" in reasons["big"]
        assert "file: URL; only http and https" in reasons["tofile"]
        assert "more than 5 redirects" in reasons["loop"]
        assert "HTTP 503" in reasons["slow"] and "will try again" in reasons["slow"]
        moved = out[f"{base}/moved"]
        assert isinstance(moved, RawDocument) and moved.kind == "html" and moved.title == "moved" and "Cairo" in moved.content
        assert follower.backlog() == 1  # the 503 page waits for the host's pause to end
        clock.now += 60
        list(follower.poll())
        assert site.hits("/slow") == 1  # still paused: neither page nor feed asked again
    assert site.hits("/tofile") == 1 and site.hits("/loop") == 6
    for url in ("file:///etc/passwd", "ftp://example.invalid/feed", "feed.xml"):
        with pytest.raises(ValueError):
            check_url(url)


def test_follow_refuses_a_file_url_with_exit_code_2(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "newsevents", "follow", "file:///etc/passwd", "--db", str(tmp_path / "x.duckdb")],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )
    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == ["newsevents follow: error: file:///etc/passwd is a file: URL; only http and https URLs are fetched"]
    assert not (tmp_path / "x.duckdb").exists()
    from newsevents.cli import main

    assert main(["follow", "http://127.0.0.1:9/feed.xml", "--db", str(tmp_path / "x.duckdb"), "--interval", "5"]) == 2


def test_follow_command_once_with_max_pages(tmp_path, site, pipeline, capsys):
    from newsevents.cli import main

    base, db = site.base, tmp_path / "news.duckdb"
    stories = [("Jets strike camps", STRIKES), ("Cairo talks", TALKS), ("EU sanctions", SANCTIONS)]
    items = [(title, f"/s{i}.html", "Tue, 08 Mar 2016 10:00:00 GMT") for i, (title, _) in enumerate(stories)]
    site.routes["/rss.xml"] = _conditional(lambda: _rss(base, items))
    site.routes.update({f"/s{i}.html": _page(title, text) for i, (title, text) in enumerate(stories)})
    argv = ["follow", f"{base}/rss.xml", "--db", str(db), "--once", "--interval", "1", "--interval-floor", "0",
            "--host-delay", "0", "--max-pages", "2"]
    assert main(argv) == 0
    assert "1 pages not fetched yet (--max-pages)" in capsys.readouterr().err
    assert _query(db, "SELECT count(*) FROM articles")[0][0] == 2
    assert main(argv) == 0  # a new run: the two stored links are skipped, the third is fetched
    assert _query(db, "SELECT count(*) FROM articles")[0][0] == 3
    assert [site.hits(f"/s{i}.html") for i in range(3)] == [1, 1, 1]
    assert _query(db, "SELECT command, status, articles_added FROM runs ORDER BY started_at") == [("follow", "finished", 2), ("follow", "finished", 1)]
