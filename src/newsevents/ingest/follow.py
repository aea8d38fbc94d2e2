"""Follow RSS/Atom feeds over HTTP and fetch the page of every new item (`newsevents follow`).

Polite by construction: one request at a time (so at most one per host), a minimum delay between two
requests to the same host, a descriptive User-Agent, conditional requests (ETag / Last-Modified: an
unchanged feed costs a 304), Retry-After obeyed on 429 and 503, and exponential backoff with jitter for a
feed that keeps failing. Only http and https are fetched, redirects included; bodies are capped.

Items are remembered by guid and link in memory; across restarts, items whose link the database already
holds (`known_urls`) are not fetched again. The clock, sleep and random source are injectable for tests.
"""

from __future__ import annotations

import io
import random as _random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import httpx

from newsevents.ingest.encoding import decode_html
from newsevents.ingest.fields import FieldMap, looks_like_html
from newsevents.ingest.formats.base import ReadContext
from newsevents.ingest.formats.feeds import FeedEntry, read_feed_entries
from newsevents.ingest.limits import MAX_DOC_BYTES, InputError, ReadLimits, size_text
from newsevents.model import IngestError, RawDocument

HOMEPAGE = "https://example.invalid/newsevents"
DEFAULT_INTERVAL = 300.0
DEFAULT_HOST_DELAY = 1.0
DEFAULT_TIMEOUT = 30.0
MAX_BACKOFF = 3600.0  # a failing feed is still tried at least hourly (or every interval, if longer)
MAX_RETRY_AFTER = 86400.0  # a server asking for more than a day gets a day
MAX_REDIRECTS = 5
MAX_PAGE_ATTEMPTS = 3  # a page failing for a passing reason (timeout, 5xx, 429) is tried this often
PAGE_TYPES = ("text/html", "application/xhtml+xml")
FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"
_REDIRECTS = (301, 302, 303, 307, 308)
_CHUNK = 65536


def user_agent() -> str:
    from newsevents import __version__

    return f"newsevents/{__version__} (+{HOMEPAGE})"


def check_url(url: str) -> str:
    """The URL if it is an absolute http(s) URL with a host; ValueError (one line) otherwise."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise ValueError(f"{url} is not a valid URL ({exc})") from None
    if parts.scheme.lower() not in ("http", "https"):
        what = f"a {parts.scheme}: URL" if parts.scheme else "not an absolute URL"
        raise ValueError(f"{url} is {what}; only http and https URLs are fetched")
    if not parts.hostname:
        raise ValueError(f"{url} has no host")
    return url


def _host(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port or ''}".lower()


def _when(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


class FetchError(Exception):
    """A request that gave nothing usable. `transient`: worth trying again later; `retry_after`: the
    seconds the server asked us to wait (429/503)."""

    def __init__(self, reason: str, transient: bool = False, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.transient = transient
        self.retry_after = retry_after


@dataclass
class Fetched:
    url: str  # after redirects
    status: int  # 2xx or 304
    headers: httpx.Headers
    body: bytes


class HostThrottle:
    """Spaces requests to one host: the next starts `delay` seconds after the previous one ended, or
    later when the host asked for a pause (Retry-After)."""

    def __init__(self, delay: float, clock: Callable[[], float], sleep: Callable[[float], None]) -> None:
        self.delay = delay
        self.clock = clock
        self.sleep = sleep
        self._ready: dict[str, float] = {}

    def ready_at(self, host: str) -> float:
        return self._ready.get(host, float("-inf"))

    def wait(self, host: str) -> None:
        pause = self.ready_at(host) - self.clock()
        if pause > 0:
            self.sleep(pause)

    def done(self, host: str) -> None:
        self._ready[host] = max(self.ready_at(host), self.clock() + self.delay)

    def defer(self, host: str, until: float) -> None:
        self._ready[host] = max(self.ready_at(host), until)


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds a Retry-After header asks for (delta seconds or an HTTP date), or None."""
    if not value or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    seconds = (when - (now or datetime.now(timezone.utc))).total_seconds()
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


class Fetcher:
    """GETs one URL at a time through `client`: http(s) only, every redirect checked and counted, each
    hop spaced by the throttle, the body read up to `max_bytes`."""

    def __init__(self, client: httpx.Client, throttle: HostThrottle, max_bytes: int = MAX_DOC_BYTES) -> None:
        self.client = client
        self.throttle = throttle
        self.max_bytes = max_bytes

    def get(self, url: str, headers: dict[str, str]) -> Fetched:
        for _ in range(MAX_REDIRECTS + 1):
            try:
                check_url(url)
            except ValueError as exc:
                raise FetchError(f"redirected to a URL that is not fetched: {exc}") from None
            host = _host(url)
            self.throttle.wait(host)
            try:
                result = self._request(url, headers)
            finally:
                self.throttle.done(host)
            if isinstance(result, Fetched):
                return result
            url = result  # a redirect
        raise FetchError(f"more than {MAX_REDIRECTS} redirects")

    def _request(self, url: str, headers: dict[str, str]) -> Fetched | str:
        try:
            with self.client.stream("GET", url, headers=headers) as response:
                status = response.status_code
                if status in _REDIRECTS:
                    location = response.headers.get("location")
                    if not location:
                        raise FetchError(f"HTTP {status} redirect without a Location")
                    return urljoin(url, location)
                if status == 304:
                    return Fetched(url, status, response.headers, b"")
                if status >= 400 or status < 200:
                    wait = retry_after(response.headers.get("retry-after")) if status in (429, 503) else None
                    transient = status in (408, 425, 429) or status >= 500
                    raise FetchError(f"HTTP {status} {response.reason_phrase}".rstrip(), transient, wait)
                return Fetched(url, status, response.headers, self._body(response))
        except httpx.TimeoutException:
            raise FetchError("timed out", transient=True) from None
        except httpx.HTTPError as exc:  # connection refused, reset, bad gzip, TLS
            detail = " ".join(str(exc).split())[:200] or type(exc).__name__
            raise FetchError(f"request failed ({detail})", transient=isinstance(exc, httpx.TransportError)) from None
        except httpx.InvalidURL as exc:
            raise FetchError(f"invalid URL ({exc})") from None

    def _body(self, response: httpx.Response) -> bytes:
        limit = size_text(self.max_bytes)
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError(f"body is {size_text(int(declared))}, over the {limit} limit")
        data = bytearray()
        for chunk in response.iter_bytes(_CHUNK):  # decoded: a gzip bomb stops at the cap too
            data += chunk
            if len(data) > self.max_bytes:
                raise FetchError(f"body is over the {limit} limit")
        return bytes(data)


@dataclass
class _Pending:
    entry: FeedEntry
    link: str
    attempts: int = 0


@dataclass
class FeedState:
    url: str
    etag: str | None = None
    last_modified: str | None = None
    due: float = float("-inf")  # when to poll next (clock seconds)
    failures: int = 0  # failed polls in a row
    seen: set[str] = field(default_factory=set)  # guids and links of items taken (fetched, queued or reported)
    backlog: list[_Pending] = field(default_factory=list)  # items waiting for their page to be fetched


class FeedFollower:
    """Polls `urls` and fetches the pages of their new items. `poll()` does one round: the feeds that are
    due, then the pages of their new items (at most `max_pages` per feed and round; the rest wait for
    the next round). `seconds_until_due()` says when the next round has work."""

    def __init__(
        self,
        urls: Iterable[str],
        *,
        interval: float = DEFAULT_INTERVAL,
        host_delay: float = DEFAULT_HOST_DELAY,
        timeout: float = DEFAULT_TIMEOUT,
        max_pages: int | None = None,
        max_bytes: int = MAX_DOC_BYTES,
        max_backoff: float = MAX_BACKOFF,
        known_urls: Callable[[list[str]], set[str]] | None = None,
        stop: Callable[[], bool] | None = None,
        client: httpx.Client | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        random: Callable[[], float] = _random.random,
    ) -> None:
        self.feeds = [FeedState(check_url(u)) for u in dict.fromkeys(urls)]
        self.interval = interval
        self.max_pages = max_pages
        self.max_bytes = max_bytes
        self.max_backoff = max_backoff
        self.known_urls = known_urls or (lambda urls: set())
        self.stop = stop or (lambda: False)
        self.clock = clock
        self.random = random
        self._own_client = client is None
        self.client = client or httpx.Client(
            timeout=httpx.Timeout(timeout), follow_redirects=False, headers={"User-Agent": user_agent()}
        )
        self.throttle = HostThrottle(host_delay, clock, sleep)
        self.fetcher = Fetcher(self.client, self.throttle, max_bytes)

    def close(self) -> None:
        if self._own_client:
            self.client.close()

    def __enter__(self) -> "FeedFollower":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def backlog(self) -> int:
        """Items found in feeds whose pages are not fetched yet."""
        return sum(len(f.backlog) for f in self.feeds)

    def seconds_until_due(self) -> float:
        """Seconds until a feed is due (pages left waiting are fetched in the rounds that feeds start)."""
        due = min((self._due(f) for f in self.feeds), default=self.clock() + self.interval)
        return max(0.0, due - self.clock())

    def _due(self, feed: FeedState) -> float:
        # a host that asked for a pause (Retry-After on one of its pages) is not asked for its feed either
        return max(feed.due, self.throttle.ready_at(_host(feed.url)) - self.throttle.delay)

    # -- one round --------------------------------------------------------------------------------

    def poll(self) -> Iterator[RawDocument | IngestError]:
        """One round: poll every due feed, then fetch the waiting pages; stops early when `stop()`."""
        for feed in self.feeds:
            if self.stop():
                return
            if self._due(feed) <= self.clock():
                yield from self._poll_feed(feed)
        yield from self._fetch_pages()

    def _poll_feed(self, feed: FeedState) -> Iterator[IngestError]:
        headers = {"Accept": FEED_ACCEPT}
        if feed.etag:
            headers["If-None-Match"] = feed.etag
        if feed.last_modified:
            headers["If-Modified-Since"] = feed.last_modified
        try:
            fetched = self.fetcher.get(feed.url, headers)
        except FetchError as exc:
            yield IngestError(feed.url, self._failed(feed, exc))
            return
        feed.etag = fetched.headers.get("etag") or feed.etag
        feed.last_modified = fetched.headers.get("last-modified") or feed.last_modified
        if fetched.status == 304:
            self._succeeded(feed)
            return
        entries, errors = self._entries(feed.url, fetched.body)
        if errors and not entries:
            feed.etag = feed.last_modified = None  # a broken feed must be read whole next time
            yield IngestError(errors[0].origin, self._failed(feed, FetchError(errors[0].reason)))
            return
        yield from errors  # a feed broken after some items: those items count
        self._succeeded(feed)
        yield from self._take(feed, entries, complete=not errors)

    def _succeeded(self, feed: FeedState) -> None:
        feed.failures = 0
        feed.due = self.clock() + self.interval

    def _failed(self, feed: FeedState, exc: FetchError) -> str:
        """Schedule the next attempt (the server's Retry-After, else backoff) and say why and when."""
        feed.failures += 1
        if exc.retry_after is not None:
            delay = exc.retry_after
            self.throttle.defer(_host(feed.url), self.clock() + delay)  # its pages wait as well
        else:
            delay = self.backoff(feed.failures)
        feed.due = self.clock() + delay
        return f"feed failed: {exc.reason} (failure {feed.failures} in a row; next try in {_when(delay)})"

    def backoff(self, failures: int) -> float:
        """Seconds before the next try after `failures` failures in a row: doubling from twice the interval,
        capped at `max_backoff` (or the interval, if longer), times a jitter of 0.75-1.25 so that many
        feeds failing together do not retry together."""
        base = min(self.max_backoff, self.interval * 2 ** min(failures, 30))
        return max(self.interval, min(self.max_backoff, base * (0.75 + 0.5 * self.random())))

    def _entries(self, url: str, body: bytes) -> tuple[list[FeedEntry], list[IngestError]]:
        ctx = ReadContext(origin=url, path=None, format="rss", head=body[:65536], fields=FieldMap(), limits=ReadLimits(max_doc_bytes=self.max_bytes))
        entries: list[FeedEntry] = []
        errors: list[IngestError] = []
        if not body.strip():
            return [], [IngestError(url, "empty response, not a feed")]
        try:
            for item in read_feed_entries(io.BytesIO(body), ctx):
                (errors if isinstance(item, IngestError) else entries).append(item)
        except InputError as exc:  # an item over the size limit: the items before it count
            errors.append(IngestError(url, exc.reason))
        except Exception as exc:  # a reader bug must cost one poll of one feed, not the run
            errors.append(IngestError(url, f"feed could not be read ({type(exc).__name__}: {exc})"))
        return entries, errors

    def _take(self, feed: FeedState, entries: list[FeedEntry], complete: bool) -> Iterator[IngestError]:
        """Queue the items not seen before; report those without a usable link once."""
        present: set[str] = set()
        fresh: list[tuple[FeedEntry, str, set[str]]] = []
        for entry in entries:
            link = urljoin(feed.url, entry.link) if entry.link else None
            keys = {k for k in (entry.guid, link) if k} or {f"{entry.title}|{entry.published}"}
            present |= keys
            if keys & feed.seen:
                continue
            feed.seen |= keys
            if link is None:
                yield IngestError(entry.origin, "feed item has no link to a page")
                continue
            try:
                check_url(link)
            except ValueError as exc:
                yield IngestError(entry.origin, f"item link not fetched: {exc}")
                continue
            fresh.append((entry, link, keys))
        stored = self.known_urls([link for _, link, _ in fresh]) if fresh else set()
        feed.backlog += [_Pending(entry, link) for entry, link, _ in fresh if link not in stored]
        if complete:  # memory follows the feed: an item that left it is not coming back
            feed.seen = present | {k for p in feed.backlog for k in (p.entry.guid, p.link) if k}

    def _fetch_pages(self) -> Iterator[RawDocument | IngestError]:
        """Fetch waiting pages, the host ready soonest first, so that one slow host does not hold up
        the others; pages of a host that asked for a pause wait for a later round."""
        budget = {id(f): self.max_pages if self.max_pages is not None else float("inf") for f in self.feeds}
        tried: set[int] = set()  # a page that failed for a passing reason waits for the next round
        while not self.stop():
            now = self.clock()
            choices = [
                (self.throttle.ready_at(_host(p.link)), i, f, p)
                for i, f in enumerate(self.feeds) if budget[id(f)] > 0
                for p in f.backlog if id(p) not in tried
            ]
            choices = [c for c in choices if c[0] <= now + self.throttle.delay]
            if not choices:
                return
            _, _, feed, pending = min(choices, key=lambda c: (c[0], c[1]))
            feed.backlog.remove(pending)
            budget[id(feed)] -= 1
            tried.add(id(pending))
            yield self._fetch_page(feed, pending)

    def _fetch_page(self, feed: FeedState, pending: _Pending) -> RawDocument | IngestError:
        link = pending.link
        try:
            fetched = self.fetcher.get(link, {"Accept": PAGE_ACCEPT})
            return self._page(fetched, pending)
        except Exception as exc:
            if not isinstance(exc, FetchError):  # the last resort: one page lost, not the run
                return IngestError(link, f"page not fetched: internal error ({type(exc).__name__}: {exc})")
            pending.attempts += 1
            if exc.retry_after is not None:
                self.throttle.defer(_host(link), self.clock() + exc.retry_after)
            if exc.transient and pending.attempts < MAX_PAGE_ATTEMPTS:
                feed.backlog.append(pending)
                return IngestError(link, f"page not fetched: {exc.reason} (attempt {pending.attempts} of {MAX_PAGE_ATTEMPTS}; will try again)")
            return IngestError(link, f"page not fetched: {exc.reason}")

    def _page(self, fetched: Fetched, pending: _Pending) -> RawDocument:
        content_type = fetched.headers.get("content-type", "")
        media = content_type.split(";")[0].strip().lower()
        if fetched.status == 304 or not fetched.body.strip():
            raise FetchError("empty response")
        if media and media not in PAGE_TYPES:
            raise FetchError(f"not an HTML page (Content-Type: {media})")
        charset = None
        for param in content_type.split(";")[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "charset":
                charset = value.strip().strip("\"'")
        text = decode_html(fetched.body, charset)
        if text is None or (not media and not looks_like_html(text)):
            raise FetchError("not an HTML page")
        return RawDocument(
            origin=pending.link,
            content=text,
            kind="html",
            url=pending.link,
            title=pending.entry.title,
            published=pending.entry.published,
            fetched=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
