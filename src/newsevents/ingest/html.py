"""HTML pages: main text and metadata through trafilatura, publication date through htmldate."""

from __future__ import annotations

import logging
from datetime import date

import trafilatura
from htmldate import find_date

from newsevents.ingest.metadata import normalize_date

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)

# When precision mode keeps less than this share of what the balanced mode finds, it has dropped
# article paragraphs along with the furniture (pages whose body is split into several blocks), and
# the balanced extraction is the better text.
PRECISION_KEEPS_AT_LEAST = 0.5
# Precision mode loses a body only on pages where it finds little; a longer text is not checked
# against a second extraction, which would cost half as much again.
CHECK_BALANCED_BELOW = 1500


def _date_params(extensive: bool) -> dict[str, object]:
    return {"original_date": True, "extensive_search": extensive, "max_date": date.today().isoformat()}


def _extract(html: str, url: str | None, with_metadata: bool, **options):
    try:
        return trafilatura.bare_extraction(
            html, url=url, with_metadata=with_metadata, include_comments=False, include_tables=True,
            date_extraction_params=_date_params(extensive=False), **options,
        )
    except Exception:  # trafilatura raises assorted lxml errors on broken markup; it has no text then
        return None


def extract_html(html: str, url: str | None = None) -> tuple[str, dict[str, object]] | None:
    """Return (main text with one paragraph per line, metadata) or None when the page has no text.

    `published` in the metadata comes from the page's markup only; see `html_date` for the rest.
    """
    precise = _extract(html, url, with_metadata=True, favor_precision=True)
    text = (precise.text if precise is not None else None) or ""
    if len(text) < CHECK_BALANCED_BELOW:
        # Metadata does not depend on the mode: it is read once, from the first run.
        balanced = _extract(html, url, with_metadata=False, fast=True)
        if balanced is not None and len(text) < PRECISION_KEEPS_AT_LEAST * len(balanced.text or ""):
            text = balanced.text or ""
    if not text.strip():
        return None
    doc = precise if precise is not None else _metadata_only(html, url)
    if doc is None:
        return text, {"url": url}
    authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
    return text, {
        "title": doc.title or None,
        "outlet": doc.sitename or None,
        "authors": authors,
        "url": doc.url or url,
        # htmldate on the page as served: trafilatura hands it a tree it has already cleaned, which
        # loses a date now and then.
        "published": html_date(html, url, extensive=False),
    }


def html_date(html: str, url: str | None, extensive: bool) -> str | None:
    """The publication date htmldate finds: in the markup only (meta tags, JSON-LD, <time>, the URL),
    or, `extensive`, also by searching the page's whole text (the last resort). A 1 January found
    by the text search is nearly always a bare year (a copyright line, an archive heading) rather than
    a publication day, so it is not returned."""
    try:
        found = find_date(html, url=url, **_date_params(extensive=extensive))
    except Exception:
        return None
    if not found or (extensive and found.endswith("-01-01")):
        return None
    return normalize_date(found)


def _metadata_only(html: str, url: str | None):
    try:
        return trafilatura.extract_metadata(html, default_url=url, date_config=_date_params(extensive=False))
    except Exception:
        return None
