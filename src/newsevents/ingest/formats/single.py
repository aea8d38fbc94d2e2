"""Whole-file formats: one document per .txt, .html or .md file, capped at `max_doc_bytes`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from newsevents.ingest.encoding import decode_bytes, decode_html
from newsevents.ingest.formats.base import ReadContext
from newsevents.ingest.limits import size_text
from newsevents.ingest.markdown import front_matter_fields, split_front_matter
from newsevents.ingest.streams import read_capped
from newsevents.model import IngestError, RawDocument


def read_single(stream: BinaryIO, ctx: ReadContext) -> Iterator[RawDocument | IngestError]:
    """Yield the file as one text, html or markdown document."""
    cap = ctx.limits.max_doc_bytes
    if ctx.size is not None and ctx.size > cap:  # say how big without reading it
        yield IngestError(ctx.origin, f"file is {size_text(ctx.size)}, over the {ctx.doc_limit} limit")
        return
    data = read_capped(stream, cap)
    if data is None:
        where = "once decompressed " if ctx.compressed else ""
        yield IngestError(ctx.origin, f"file is {where}over the {ctx.doc_limit} limit")
        return
    if not data.strip():
        yield IngestError(ctx.origin, "empty file")
        return
    text = decode_html(data) if ctx.format == "html" else decode_bytes(data)
    if text is None:
        yield IngestError(ctx.origin, "binary file, not text")
        return
    doc = RawDocument(origin=ctx.origin, content=text, kind=ctx.format, path=ctx.path)  # type: ignore[arg-type]
    if ctx.format == "markdown":
        meta = front_matter_fields(split_front_matter(text)[0])
        doc.title, doc.published, doc.authors = meta["title"], meta["published"], meta["authors"]  # type: ignore[assignment]
    yield doc
