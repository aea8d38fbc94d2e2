"""JSON Lines: one record per line, read line by line so a file of any size takes constant memory."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import BinaryIO

from newsevents.ingest.encoding import as_utf8, stream_encoding
from newsevents.ingest.fields import record_document
from newsevents.ingest.formats.base import ReadContext
from newsevents.ingest.streams import iter_lines
from newsevents.model import IngestError, RawDocument


def read_jsonl(stream: BinaryIO, ctx: ReadContext) -> Iterator[RawDocument | IngestError]:
    """Yield a document per line; a line that does not parse or is too long is an error of its own."""
    utf8 = as_utf8(stream, stream_encoding(ctx.head))
    for lineno, line in iter_lines(utf8, ctx.limits.max_doc_bytes):
        where = ctx.at(f":{lineno}")
        if line is None:
            yield IngestError(where, f"line {lineno} is over the {ctx.doc_limit} limit; skipped")
            continue
        text = line.decode("utf-8", errors="replace").strip()
        if not text:
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError as exc:
            yield IngestError(where, f"JSON line does not parse ({exc.msg} at column {exc.colno})")
            continue
        except RecursionError:
            yield IngestError(where, "JSON line is nested too deeply")
            continue
        yield record_document(record, where, ctx.path, ctx.fields, "JSON record")
