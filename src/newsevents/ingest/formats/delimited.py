"""CSV and TSV with a header row: one document per row, the text in a column named like a text field."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import BinaryIO

from newsevents.ingest.encoding import as_utf8, stream_encoding
from newsevents.ingest.fields import FieldMap, lookup, record_document
from newsevents.ingest.formats.base import ReadContext
from newsevents.ingest.streams import iter_lines
from newsevents.model import IngestError, RawDocument

_DELIMITERS = (",", "\t", ";", "|")


def sniff_delimiter(header: str) -> str:
    """The delimiter of a header row: the candidate that occurs most often outside quotes."""
    outside = "".join(part for i, part in enumerate(header.split('"')) if i % 2 == 0)
    counts = {d: outside.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


class _Lines:
    """Text lines for csv.reader, with over-long lines replaced by an empty line and remembered, so a
    200 MB line costs no memory and the rows around it are still read."""

    def __init__(self, stream: BinaryIO, max_bytes: int) -> None:
        self._lines = iter_lines(stream, max_bytes)
        self.too_long: set[int] = set()

    def __iter__(self) -> Iterator[str]:
        for lineno, line in self._lines:
            if line is None:
                self.too_long.add(lineno)
                yield "\n"
            else:
                yield line.decode("utf-8", errors="replace") + "\n"


def _text_columns(header: list[str], fields: FieldMap) -> list[str]:
    probe = {name: "x" for name in header}
    return [name for role in ("text", "html") for name in fields.candidates(role) if lookup(probe, name)]


def read_delimited(stream: BinaryIO, ctx: ReadContext) -> Iterator[RawDocument | IngestError]:
    """Yield a document per row; one error for the whole file when no column holds text."""
    lines = _Lines(as_utf8(stream, stream_encoding(ctx.head)), ctx.limits.max_doc_bytes)
    rows_source = iter(lines)
    header_line = next(rows_source, "")
    delimiter = "\t" if ctx.format == "tsv" else sniff_delimiter(header_line)
    # The csv module's field limit (128 KB) would cut long articles. It is process-wide, so it is only
    # ever raised, to the document cap; rows are held to the cap below.
    csv.field_size_limit(max(csv.field_size_limit(), min(ctx.limits.max_doc_bytes, 2**31 - 1)))
    try:
        header = [name.strip().lstrip("\ufeff") for name in next(csv.reader([header_line.rstrip("\r\n")], delimiter=delimiter), [])]
    except csv.Error as exc:
        yield IngestError(ctx.origin, f"header row does not parse ({exc})")
        return
    if 1 in lines.too_long or not any(header):
        yield IngestError(ctx.origin, "no header row (a CSV/TSV file must start with its column names)")
        return
    if not _text_columns(header, ctx.fields):
        looked_for = ", ".join(ctx.fields.candidates("text") + ctx.fields.candidates("html"))
        columns = ", ".join(repr(h) for h in header[:30]) + (", ..." if len(header) > 30 else "")
        yield IngestError(ctx.origin, f"no text column (looked for: {looked_for}); the file has: {columns}")
        return
    reader = csv.reader(rows_source, delimiter=delimiter)
    last_line = 1
    while True:
        start = last_line + 1
        try:
            row = next(reader, None)
        except csv.Error as exc:
            last_line = 1 + reader.line_num
            yield IngestError(ctx.at(f":{start}"), f"CSV row does not parse ({exc})")
            continue
        if row is None:
            return
        last_line = 1 + reader.line_num  # the header line was read before this reader started
        if any(n in lines.too_long for n in range(start, last_line + 1)) or sum(map(len, row)) > ctx.limits.max_doc_bytes:
            yield IngestError(ctx.at(f":{start}"), f"row at line {start} is over the {ctx.doc_limit} limit; skipped")
            continue
        if not any(cell.strip() for cell in row):
            continue
        record = dict(zip(header, row))
        yield record_document(record, ctx.at(f":{start}"), ctx.path, ctx.fields, "CSV row")
