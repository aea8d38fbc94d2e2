"""WARC crawls (plain or gzipped; decompression happens before this reader): one document per HTML
response record. Requests, metadata, non-HTML and non-2xx responses are not articles and are passed over.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeadersParserException

from newsevents.ingest.encoding import decode_html
from newsevents.ingest.formats.base import ReadContext
from newsevents.ingest.streams import CHUNK
from newsevents.model import IngestError, RawDocument

_HTML_TYPES = {"text/html", "application/xhtml+xml"}
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([^;\"'\s]+)", re.IGNORECASE)
# What warcio raises for a record whose headers cannot be parsed.
_CORRUPT = (ArchiveLoadFailed, StatusAndHeadersParserException, ValueError, TypeError, IndexError, AssertionError)


def _one_line(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text[:160] or type(exc).__name__


def _drain(record) -> bool:
    """Read what is left of a record; True when the file ended before its Content-Length did."""
    stream = record.raw_stream
    while stream.read(CHUNK):
        pass
    return getattr(stream, "limit", 0) > 0


def _html_document(record, number: int, ctx: ReadContext) -> RawDocument | IngestError | None:
    """The record as an HTML document; None for records that are not HTML pages."""
    http = record.http_headers
    if record.rec_type != "response" or http is None:
        return None
    if not (http.get_statuscode() or "").startswith("2"):
        return None
    content_type = http.get_header("Content-Type") or ""
    if content_type.split(";")[0].strip().lower() not in _HTML_TYPES:
        return None
    where = ctx.at(f"#record-{number}")
    body = record.content_stream().read(ctx.limits.max_doc_bytes + 1)
    if len(body) > ctx.limits.max_doc_bytes:
        return IngestError(where, f"WARC record {number} is over the {ctx.doc_limit} limit; skipped")
    charset = _CHARSET.search(content_type)
    text = decode_html(body, charset.group(1) if charset else None)
    if text is None:
        return IngestError(where, f"WARC record {number} is labelled HTML but holds binary data")
    return RawDocument(
        origin=where,
        content=text,
        kind="html",
        path=ctx.path,
        url=record.rec_headers.get_header("WARC-Target-URI"),
        fetched=record.rec_headers.get_header("WARC-Date"),  # crawl time; clean.py never treats it as published
    )


class _Archive(ArchiveIterator):
    """warcio's iterator, except that a record not followed by the blank lines WARC requires (its
    Content-Length is wrong) is flagged here instead of warcio printing a warning on stderr."""

    misaligned = False

    def _consume_blanklines(self):  # same contract as warcio 1.8.1: (next non-blank line, bytes skipped)
        skipped = 0
        while True:
            line = self.reader.readline()
            if not line:
                return None, skipped
            if line.strip():
                self.misaligned = self.misaligned or skipped == 0
                return line, skipped
            skipped += len(line)


def read_warc(stream: BinaryIO, ctx: ReadContext) -> Iterator[RawDocument | IngestError]:
    """Yield a document per HTML response; stop at the first truncated or unreadable record.

    Each document is held back until the next record has been found, because only then is it known
    whether the record ended where its Content-Length said.
    """
    if not ctx.head.lstrip().startswith(b"WARC/"):  # warcio would take many a text line for an ARC header
        yield IngestError(ctx.origin, "not a WARC file (no WARC record header at the start)")
        return
    archive = _Archive(stream, check_digests=False)
    records = iter(archive)
    pending: RawDocument | IngestError | None = None
    number = 0
    while True:
        number += 1
        try:
            record = next(records, None)
        except _CORRUPT as exc:
            if not archive.misaligned:
                if pending is not None:
                    yield pending
                yield IngestError(ctx.at(f"#record-{number}"), f"WARC record {number} is corrupt ({_one_line(exc)}); the rest of the file is skipped")
                return
            record = None
        if archive.misaligned:
            yield IngestError(ctx.at(f"#record-{number - 1}"), f"WARC record {number - 1} does not end where its Content-Length says; it and the rest of the file are skipped")
            return
        if pending is not None:
            yield pending
            pending = None
        if record is None:
            return
        try:
            pending = _html_document(record, number, ctx)
            truncated = _drain(record)
        except _CORRUPT as exc:
            yield IngestError(ctx.at(f"#record-{number}"), f"WARC record {number} is corrupt ({_one_line(exc)}); the rest of the file is skipped")
            return
        if truncated:
            yield IngestError(ctx.at(f"#record-{number}"), f"WARC record {number} is truncated (the file ends inside it)")
            return
