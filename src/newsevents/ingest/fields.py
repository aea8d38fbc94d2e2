"""Which fields of a JSON record or CSV row hold the text and the metadata, and how to read them.

Dumps from different crawlers name the same thing differently (`text`, `maintext`, `body`; `published`,
`date_publish`), and some nest it (`{"source": {"name": ...}}`, `{"content": {"rendered": ...}}`).
`FieldMap` names the fields explicitly; a role left as None is found among the usual names.
Matching is case-insensitive, and a name may be a dotted path (`source.name`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone

from newsevents.model import IngestError, RawDocument

DEFAULT_FIELDS: dict[str, tuple[str, ...]] = {
    "text": ("text", "content", "body", "article", "maintext"),
    "html": ("html", "raw_html"),
    "title": ("title", "headline"),
    "url": ("url", "link"),
    "date": ("published", "date", "date_publish", "publish_date", "pubdate", "published_at"),
    "author": ("authors", "author"),
    "outlet": ("outlet", "source", "sitename", "source_domain"),
    "fetched": ("fetched", "date_download", "fetched_at", "crawled_at"),
}
# Inside a nested object, where the value itself usually is.
_INNER_KEYS = ("name", "title", "text", "value", "rendered", "content", "body", "url", "href", "$date", "date")
_HTML_TAG = re.compile(r"</?(?:p|div|br|span|a|h[1-6]|ul|ol|li|strong|em|b|i|img|figure|blockquote|article|section|table)\b[^>]*>", re.IGNORECASE)


@dataclass(frozen=True)
class FieldMap:
    """Field (or CSV column) names for each role; None means "look for the usual names"."""

    text: str | None = None
    html: str | None = None
    title: str | None = None
    url: str | None = None
    date: str | None = None
    author: str | None = None
    outlet: str | None = None

    def candidates(self, role: str) -> tuple[str, ...]:
        chosen = getattr(self, role, None)
        return (chosen,) if chosen else DEFAULT_FIELDS[role]

    def content_roles(self) -> tuple[str, str]:
        """Which of text and html to try first: html only when it alone was named explicitly."""
        return ("html", "text") if self.html and not self.text else ("text", "html")


def looks_like_html(text: str) -> bool:
    """True when a text field actually holds markup (a feed description, WordPress `content.rendered`)."""
    # two tags, not one: prose can quote a stray "<b>", markup never has just one
    return len(_HTML_TAG.findall(text[:20000])) >= 2


class _LowerKeys(dict):
    """A record whose top-level keys are lower-cased: one dict lookup per name, no scan."""


def _get(mapping: Mapping, key: str) -> object:
    if isinstance(mapping, _LowerKeys):
        return mapping.get(key.lower())
    if key in mapping:
        return mapping[key]
    lowered = key.lower()
    return next((v for k, v in mapping.items() if isinstance(k, str) and k.lower() == lowered), None)


def lookup(record: Mapping, name: str) -> object:
    """`record[name]`, case-insensitive, following dots into nested objects; None when absent."""
    whole = _get(record, name)  # a column may be called "source.name" itself
    if whole is not None or "." not in name:
        return whole
    value: object = record
    for part in name.split("."):
        if not isinstance(value, Mapping):
            return None
        value = _get(value, part)
        if value is None:
            return None
    return value


def flatten(value: object, joiner: str | None = None, depth: int = 0) -> str | None:
    """A field's value as one string: nested objects reduced to their main value, lists joined with
    `joiner` (text paragraphs) or, without one, reduced to their first usable element (a URL, a title)."""
    if value is None or isinstance(value, bool) or depth > 6:  # deeper nesting is not a field value
        return None
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, Mapping):
        for key in _INNER_KEYS:
            inner = lookup(value, key)
            if inner is not None:
                return flatten(inner, joiner, depth + 1)
        return None
    if isinstance(value, (list, tuple)):
        parts = (flatten(v, joiner, depth + 1) for v in value)
        if joiner is None:
            return next((p for p in parts if p), None)
        found = [p for p in parts if p]
        return joiner.join(found) if found else None
    return None


def _first(record: Mapping, names: Iterable[str], joiner: str | None = None) -> str | None:
    for name in names:
        value = flatten(lookup(record, name), joiner)
        if value:
            return value
    return None


def _date(record: Mapping, names: Iterable[str]) -> str | None:
    for name in names:
        value = lookup(record, name)
        if isinstance(value, Mapping):
            value = next((lookup(value, k) for k in ("$date", "date", "value") if lookup(value, k) is not None), None)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if date := _epoch_date(value):
                return date
            continue
        text = flatten(value)
        if text:
            return text.strip()
    return None


def _epoch_date(value: float) -> str | None:
    """Unix time in seconds or milliseconds -> 'YYYY-MM-DD'; None for numbers that are not plausible."""
    seconds = value / 1000 if value > 1e11 else value
    if not 1e8 < seconds < 4.2e9:  # 1973..2103: anything else is a year, an id or garbage
        return None
    return datetime.fromtimestamp(seconds, tz=timezone.utc).date().isoformat()


def _authors(record: Mapping, names: Iterable[str]) -> list[str]:
    for name in names:
        value = lookup(record, name)
        items = value if isinstance(value, (list, tuple)) else [value]
        authors = [a.strip() for a in (flatten(v) for v in items) if a and a.strip()]
        if authors:
            return authors
    return []


def record_document(record: object, origin: str, path: str | None, fields: FieldMap, what: str) -> RawDocument | IngestError:
    """One JSON record or CSV row (as a dict) -> a RawDocument, or an error naming what was looked for."""
    if not isinstance(record, Mapping):
        return IngestError(origin, f"{what} is not an object")
    # Lower-case the top-level keys once, so each of the ~20 names tried is one dict lookup; where two
    # keys differ only in case the first one wins.
    record = _LowerKeys((k.lower() if isinstance(k, str) else k, v) for k, v in reversed(list(record.items())))
    content, kind = None, "text"
    for role in fields.content_roles():
        content = _first(record, fields.candidates(role), joiner="\n\n")
        if content:
            kind = "html" if role == "html" or looks_like_html(content) else "text"
            break
    if not content:
        names = ", ".join(fields.candidates("text") + fields.candidates("html"))
        return IngestError(origin, f"{what} has no text (looked for: {names})")
    return RawDocument(
        origin=origin,
        content=content,
        kind=kind,  # type: ignore[arg-type]
        path=path,
        url=_first(record, fields.candidates("url")),
        title=_first(record, fields.candidates("title")),
        outlet=_first(record, fields.candidates("outlet")),
        authors=_authors(record, fields.candidates("author")),
        published=_date(record, fields.candidates("date")),
        fetched=_date(record, DEFAULT_FIELDS["fetched"]),
    )
