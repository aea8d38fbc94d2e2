"""The HTTP API of docs/api.md over one database, and the dashboard's files.

Handlers are plain `def`: DuckDB blocks, so FastAPI runs them in its thread pool, each request on a
cursor of its own from one shared Reader (which follows the snapshots an ingest publishes).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

import duckdb
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, field_validator
from starlette.datastructures import Headers
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from newsevents.api import docs_page
from newsevents.store import query
from newsevents.store.errors import StoreError
from newsevents.store.filters import EventFilter, FilterError
from newsevents.store.reader import Reader

# Same origin only, no inline script or style: the dashboard (ui/static) loads nothing from elsewhere.
# img-src allows data: for the page's empty favicon; frame-ancestors only works as a header.
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": CSP,
    "Referrer-Policy": "no-referrer",
}
MAX_EXTRACT_CHARS = 100_000
# Bytes of a POST /extract body: room for the text even when every character is an escaped surrogate pair
# ("\ud83d\udd25", 12 bytes), and for the title; a larger body is refused before it is all in memory.
MAX_EXTRACT_BYTES = 12 * MAX_EXTRACT_CHARS + 64_000
EXTRACT_WAIT = 300.0  # seconds a request waits for the pipeline before being told it is busy
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "::1", "[::1]"]
LIMIT_HELP = "how many to return"  # module level: the handlers' annotations are evaluated here

DESCRIPTION = (
    "Read-only access to a newsevents database: fused events, their mentions and articles, actors, dyads, a "
    "timeline, map features and counts. Every response is JSON (UTF-8) unless said otherwise. The filters "
    'combine with AND; a malformed value is answered with 422 and {"detail": [...]}.\n'
    "The full reference, with every object's fields, is docs/api.md."
)


# --- responses -------------------------------------------------------------------------------------------


def _json_default(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


class Json(JSONResponse):
    """JSON without FastAPI's per-value encoding pass: the query layer already returns plain values."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"), default=_json_default).encode("utf-8")


class GeoJson(Json):
    media_type = "application/geo+json"


def _error(status: int, loc: list[str], msg: str) -> Json:
    """An error in the shape of FastAPI's own validation errors."""
    return Json({"detail": [{"loc": loc, "msg": msg, "type": "value_error"}]}, status_code=status)


class SecurityHeaders:
    """Adds SECURITY_HEADERS to every HTTP response (a plain ASGI wrapper: it never buffers bodies)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in SECURITY_HEADERS.items()]
        self.names = {k for k, _ in self.headers}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in self.names]
                message = {**message, "headers": kept + self.headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Refuses a POST body over `limit` bytes to `path` with a JSON 413, before it is all in memory.
    (Starlette's own limit answers in plain text; every answer of ours is JSON.)"""

    def __init__(self, app: ASGIApp, path: str, limit: int) -> None:
        self.app, self.path, self.limit = app, path, limit

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = f"the request body is over {self.limit:,} bytes: the text may have at most {MAX_EXTRACT_CHARS:,} characters"
        await Json({"detail": message}, status_code=413)(scope, receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != self.path or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, receive, send)
            return
        body, more = bytearray(), True
        while more:  # the handler reads the whole body anyway: read it here, counting
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.limit:
                await self._refuse(scope, receive, send)
                return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": bytes(body), "more_body": False}

        await self.app(scope, replay, send)


class AllowedHosts:
    """Answers only requests whose Host header names one of `hosts` (a JSON 400 otherwise)."""

    def __init__(self, app: ASGIApp, hosts: list[str]) -> None:
        self.app = app
        self.hosts = {h.lower() for h in hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # no websocket routes here; lifespan passes through
            await self.app(scope, receive, send)
            return
        header = Headers(scope=scope).get("host", "").strip().lower()
        # "[::1]:8000" keeps its brackets; "localhost:8000" loses its port
        host = header[: header.find("]") + 1] if header.startswith("[") else header.rsplit(":", 1)[0]
        if host in self.hosts:
            await self.app(scope, receive, send)
            return
        message = f"this server answers requests addressed to {', '.join(sorted(self.hosts))} only"
        await Json({"detail": message}, status_code=400)(scope, receive, send)


# --- filters ---------------------------------------------------------------------------------------------


def event_filter(
    actor: Annotated[str | None, Query(description="source or target: actor code, actor id, or part of its name (case-insensitive)", examples=["RUSMIL"])] = None,
    source: Annotated[str | None, Query(description="the source actor code starts with this (a country code matches all its sectors)", examples=["RUS"])] = None,
    target: Annotated[str | None, Query(description="the target actor code starts with this", examples=["USAGOV"])] = None,
    dyad: Annotated[str | None, Query(description="both actors, in either direction: two codes separated by a comma", examples=["RUS,SYR"])] = None,
    country: Annotated[str | None, Query(description="source, target or location country (ISO 3166 alpha-3)", examples=["SYR"])] = None,
    root: Annotated[str | None, Query(description="CAMEO root(s), 01-20, separated by commas", examples=["18,19"])] = None,
    code: Annotated[str | None, Query(description="the CAMEO code starts with this", examples=["190"])] = None,
    plover: Annotated[str | None, Query(description="PLOVER event type(s), separated by commas", examples=["ASSAULT,COERCE"])] = None,
    quad: Annotated[str | None, Query(description="quad class(es), 1-4, separated by commas", examples=["3,4"])] = None,
    modality: Annotated[str | None, Query(description="modality of the fused event: asserted, reported, hypothetical, intended, negated", examples=["asserted,reported"])] = None,
    asserted_only: Annotated[str | None, Query(description="true: only what the text asserts happened (modality=asserted)", examples=["true"])] = None,
    since: Annotated[str | None, Query(description="event date on or after (YYYY-MM-DD)", examples=["2016-03-01"])] = None,
    until: Annotated[str | None, Query(description="event date on or before (YYYY-MM-DD)", examples=["2016-03-31"])] = None,
    place: Annotated[str | None, Query(description="the location's name, or the text that named it, contains this", examples=["Palmyra"])] = None,
    bbox: Annotated[str | None, Query(description="min_lon,min_lat,max_lon,max_lat: the location lies inside", examples=["35,32,42,37.5"])] = None,
    min_sources: Annotated[str | None, Query(description="reported by at least this many distinct articles", examples=["2"])] = None,
    q: Annotated[str | None, Query(description="the event's sentence(s) contain this text", examples=["airstrike"])] = None,
) -> EventFilter:
    """The filters of docs/api.md, parsed in one place (store/filters.py) like the CLI's."""
    return EventFilter.parse(
        actor=actor, source=source, target=target, dyad=dyad, country=country, root=root, code=code, plover=plover,
        quad=quad, modality=modality, asserted_only=asserted_only, since=since, until=until, place=place, bbox=bbox,
        min_sources=min_sources, q=q,
    )


Filters = Annotated[EventFilter, Depends(event_filter)]
_PARAMS = set(EventFilter.NAMES) | {"cursor", "by", "limit"}


def _filter_error_loc(message: str) -> list[str]:
    # FilterError messages start with the parameter they are about ("root must be ..."); point at it.
    first = message.split(" ", 1)[0]
    return ["query", first] if first in _PARAMS else ["query"]


# --- /extract --------------------------------------------------------------------------------------------


class ExtractRequest(BaseModel):
    """An article to run the pipeline on."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(description=f"the article's text, at most {MAX_EXTRACT_CHARS:,} characters (413 above)")
    published: str | None = Field(
        None, description="publication date, which relative dates are resolved against", examples=["2016-03-28"],
        pattern=r"^\d{4}-\d{2}-\d{2}$",
    )
    title: str | None = Field(None, max_length=1000, description="the article's title")

    @field_validator("published")
    @classmethod
    def _real_date(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                date.fromisoformat(value)
            except ValueError:
                raise ValueError(f"published must be a real date YYYY-MM-DD, not {value!r}") from None
        return value


def _load_pipeline():
    from newsevents.pipeline import Pipeline

    return Pipeline()


class Extractor:
    """The pipeline, loaded on first use (seconds, and a few hundred MB) and run by one request at a time
    (spaCy and the coders keep per-run state)."""

    def __init__(self, factory: Callable[[], Any] = _load_pipeline) -> None:
        self.factory = factory
        self.pipeline: Any = None
        self.lock = threading.Lock()

    def extract(self, text: str, published: str | None, title: str | None) -> dict[str, Any]:
        if not self.lock.acquire(timeout=EXTRACT_WAIT):
            raise HTTPException(503, "the extraction pipeline is busy with other requests: try again later")
        try:
            if self.pipeline is None:
                try:
                    self.pipeline = self.factory()
                except (ImportError, OSError) as exc:
                    raise HTTPException(503, f"the extraction pipeline cannot load: {str(exc).splitlines()[0]}") from exc
            try:
                article = self.pipeline.extract_text(text, published=published, title=title)
            except ValueError as exc:  # the input gave no article (empty after cleaning, ...)
                raise HTTPException(422, [{"loc": ["body", "text"], "msg": str(exc), "type": "value_error"}]) from exc
            return article.to_dict()
        finally:
            self.lock.release()


# --- the dashboard ---------------------------------------------------------------------------------------


def _static_dir() -> Path | None:
    """The dashboard's files, or None when the ui package is not there (the API works without it)."""
    try:
        from newsevents.ui import STATIC_DIR
    except ImportError:
        return None
    return STATIC_DIR if (STATIC_DIR / "index.html").is_file() else None


# --- the app ---------------------------------------------------------------------------------------------


def create_app(db_path: str, allow_extract: bool = False, *, allowed_hosts: list[str] | None = None) -> FastAPI:
    """The API over the database at `db_path`. Raises StoreError (one line) when it cannot be read.

    `allowed_hosts` limits the Host header the server answers (serve() passes the loopback names when
    it binds to loopback, which stops DNS-rebinding pages from reading the API); None answers any."""
    from newsevents import __version__

    reader = Reader(db_path)
    extractor = Extractor() if allow_extract else None
    app = FastAPI(
        title="newsevents API", version=__version__, description=DESCRIPTION,
        docs_url=None, redoc_url=None, openapi_url="/openapi.json", default_response_class=Json,
        # FastAPI's OpenTelemetry hooks stay off: nothing about a request may leave this machine.
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False, "auto_configure": False},
    )
    app.state.reader = reader
    app.state.extractor = extractor
    if extractor is not None:
        app.add_middleware(BodyLimit, path="/extract", limit=MAX_EXTRACT_BYTES)
    if allowed_hosts is not None:
        app.add_middleware(AllowedHosts, hosts=allowed_hosts)
    app.add_middleware(SecurityHeaders)  # added last, so outermost: the others' answers get the headers too

    @app.exception_handler(FilterError)
    def _filter_error(request: Request, exc: FilterError) -> Json:
        return _error(422, _filter_error_loc(str(exc)), str(exc))

    @app.exception_handler(StoreError)
    def _store_error(request: Request, exc: StoreError) -> Json:
        return Json({"detail": str(exc).splitlines()[0]}, status_code=503)

    @app.exception_handler(Exception)
    def _unexpected(request: Request, exc: Exception) -> Json:
        # A bug of ours: the client gets JSON naming the kind of error; the server's log has the traceback.
        return Json({"detail": f"internal error ({type(exc).__name__})"}, status_code=500)

    @app.exception_handler(duckdb.Error)
    def _db_error(request: Request, exc: duckdb.Error) -> Json:
        return Json({"detail": f"database error: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"}, status_code=500)

    @app.get("/events", summary="Fused events, a page at a time", tags=["events"], description=(
        "Fused events (one per real-world happening), ordered by date then id (undated last): "
        '{"events": [EVENT, ...], "count": N, "next_cursor": "..." or null}. count is the number matching the '
        "filters (all pages); pass next_cursor back as cursor for the next page."))
    def events(
        flt: Filters,
        limit: Annotated[int, Query(ge=1, description=f"page size; at most {query.MAX_PAGE} (a larger value is lowered)")] = 50,
        cursor: Annotated[str | None, Query(max_length=500, description="next_cursor of the previous page")] = None,
    ) -> Json:
        with reader.cursor() as con:
            return Json(query.events_page(con, flt, min(limit, query.MAX_PAGE), cursor))

    @app.get("/events/{event_id}", summary="One fused event with its mentions", tags=["events"], description=(
        "EVENT plus mentions_detail (each mention with its provenance, offsets into its article's text) and "
        "outlet_names. 404 for an unknown id."), responses={404: {"description": "no such event"}})
    def event(event_id: str) -> Json:
        with reader.cursor() as con:
            found = query.event_detail(con, event_id)
        if found is None:
            raise HTTPException(404, f"no event {event_id}")
        return Json(found)

    @app.get("/articles/{article_id}", summary="One article with its actors, places and events", tags=["articles"],
             description="The clean text is returned as data: a client must escape it. 404 for an unknown id.",
             responses={404: {"description": "no such article"}})
    def article(article_id: str) -> Json:
        with reader.cursor() as con:
            found = query.article_detail(con, article_id)
        if found is None:
            raise HTTPException(404, f"no article {article_id}")
        found.pop("path", None)  # where the ingesting machine read it: not part of the API, and not the client's business
        return Json(found)

    @app.get("/actors", summary="Actors by number of fused events", tags=["aggregates"], description=(
        'Actors by the number of fused events they take part in: {"actors": [{code, name, country, sector, events, '
        "as_source, as_target}]}."))
    def actors(flt: Filters, limit: Annotated[int, Query(ge=1, description=LIMIT_HELP + " (at most 10,000)")] = 100) -> Json:
        with reader.cursor() as con:
            return Json({"actors": query.actors(con, flt, min(limit, 10_000))})

    @app.get("/dyads", summary="Directed actor pairs, most events first", tags=["aggregates"], description=(
        '{"dyads": [{source: {code, name, country}, target: {...}, events, mentions, mean_goldstein}]}.'))
    def dyads(flt: Filters, limit: Annotated[int, Query(ge=1, description=LIMIT_HELP + " (at most 10,000)")] = 100) -> Json:
        with reader.cursor() as con:
            return Json({"dyads": query.dyads(con, flt, min(limit, 10_000))})

    @app.get("/timeline", summary="Fused events per period", tags=["aggregates"], description=(
        '{"by": "day", "buckets": [{period, events, mentions, quad: {"1".."4"}}]} in date order; period is the '
        "first day of the bucket (ISO weeks start on Monday). Undated events are left out."))
    def timeline(
        flt: Filters,
        by: Annotated[Literal["day", "week", "month", "year"], Query(description="bucket size")] = "day",
    ) -> Json:
        with reader.cursor() as con:
            return Json({"by": by, "buckets": query.timeline(con, flt, by)})

    @app.get("/places.geojson", summary="Located fused events as GeoJSON", tags=["aggregates"], response_class=GeoJson,
             description=("An RFC 7946 FeatureCollection of Point features ([lon, lat]); properties are EVENT without "
                          "location, plus place and country. Content type application/geo+json."),
             responses={200: {"content": {"application/geo+json": {}}, "description": "a FeatureCollection"}})
    def places(flt: Filters, limit: Annotated[int, Query(ge=1, description=LIMIT_HELP + " (at most 100,000)")] = 5000) -> GeoJson:
        with reader.cursor() as con:
            features = query.geojson_features(con, flt, min(limit, 100_000))
        return GeoJson({"type": "FeatureCollection", "features": features})

    @app.get("/stats", summary="Counts", tags=["aggregates"], description=(
        "Articles, events, mentions, errors, actors, the date range, events by CAMEO root and by modality, and the "
        "schema version (articles and errors ignore the filters)."))
    def stats(flt: Filters) -> Json:
        with reader.cursor() as con:
            return Json(query.stats(con, flt))

    if extractor is not None:

        @app.post("/extract", summary="Run the pipeline on posted text", tags=["extract"],
                  description=(f"Returns the article record of docs/schema.md. At most {MAX_EXTRACT_CHARS:,} characters "
                               "of text (413 above). Runs one request at a time."),
                  responses={413: {"description": "the text is too long"}})
        def extract(body: ExtractRequest) -> Json:
            if len(body.text) > MAX_EXTRACT_CHARS:
                raise HTTPException(413, f"text is {len(body.text):,} characters long, at most {MAX_EXTRACT_CHARS:,} are accepted")
            return Json(extractor.extract(body.text, body.published, body.title))

    # -- documentation without a CDN --

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(docs_page.render(app.openapi(), "/openapi.json", "/docs/style.css"))

    @app.get("/docs/style.css", include_in_schema=False)
    def docs_style() -> Response:
        return Response(docs_page.STYLE, media_type="text/css")

    # -- the dashboard --

    static = _static_dir()
    if static is not None:
        app.mount("/static", StaticFiles(directory=static), name="static")

    @app.get("/", include_in_schema=False)
    def dashboard() -> Response:
        if static is None:
            return Json({"detail": "the dashboard is not installed (newsevents.ui is missing)"}, status_code=503)
        return FileResponse(static / "index.html", media_type="text/html; charset=utf-8")

    @app.get("/world.json", include_in_schema=False)
    def world() -> Response:
        try:
            from newsevents.ui import world_geojson

            data = world_geojson()
        except (ImportError, OSError, ValueError) as exc:
            return Json({"detail": f"the country outlines are not available: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"},
                        status_code=503)
        return Response(data, media_type="application/json")

    return app
