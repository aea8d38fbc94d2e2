"""newsevents: news articles in, coded events out (CAMEO + PLOVER, with actors, places, dates and provenance).

    >>> import newsevents
    >>> doc = newsevents.extract("Russian warplanes struck ISIS positions near Palmyra on Tuesday.", published="2016-03-24")
    >>> doc.events[0].cameo_root
    '19'
"""

from __future__ import annotations

from importlib import metadata

from newsevents.model import Actor, Article, Event, IngestError, Place, Quantity, Span

try:
    __version__ = metadata.version("newsevents")
except metadata.PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = ["Actor", "Article", "Event", "IngestError", "Place", "Quantity", "Span", "__version__", "extract", "extract_files"]

_pipeline = None


def _get_pipeline():
    global _pipeline
    if _pipeline is None:
        from newsevents.pipeline import Pipeline

        _pipeline = Pipeline()
    return _pipeline


def extract(
    text: str,
    *,
    published: str | None = None,
    title: str | None = None,
    url: str | None = None,
    outlet: str | None = None,
    html: bool = False,
) -> Article:
    """Extract one article from its text (or HTML with `html=True`); the same structure as one JSONL record."""
    return _get_pipeline().extract_text(
        text, kind="html" if html else "text", published=published, title=title, url=url, outlet=outlet
    )


def extract_files(*paths: str):
    """Yield an `Article` or an `IngestError` for every input found under `paths` (files, folders, globs)."""
    from newsevents.ingest.readers import iter_documents

    yield from _get_pipeline().process(iter_documents(paths))
