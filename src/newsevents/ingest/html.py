"""HTML pages: main text and metadata through trafilatura (which uses htmldate for the date)."""

from __future__ import annotations

import logging

import trafilatura

from newsevents.ingest.metadata import normalize_date

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)


def extract_html(html: str, url: str | None = None) -> tuple[str, dict[str, object]] | None:
    """Return (main text with one paragraph per line, metadata) or None when the page has no text."""
    try:
        doc = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=False, favor_precision=True
        )
    except Exception:  # trafilatura raises assorted lxml errors on broken markup; it has no text then
        doc = None
    if doc is None or not (doc.text or "").strip():
        return None
    published = normalize_date(doc.date) if doc.date else None
    authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
    meta = {
        "title": doc.title or None,
        "outlet": doc.sitename or None,
        "authors": authors,
        "url": doc.url or url,
        "published": published,
    }
    return doc.text, meta
