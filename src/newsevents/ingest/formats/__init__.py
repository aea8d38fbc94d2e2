"""One reader per input format. Each takes a binary stream and a `ReadContext` and yields documents,
or errors for the records it cannot use; it raises `InputError` only to give up on the rest of a file."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import BinaryIO

from newsevents.ingest.formats.base import ReadContext
from newsevents.ingest.formats.delimited import read_delimited
from newsevents.ingest.formats.feeds import read_feed
from newsevents.ingest.formats.jsonarray import read_json
from newsevents.ingest.formats.jsonl import read_jsonl
from newsevents.ingest.formats.single import read_single
from newsevents.ingest.formats.warc import read_warc
from newsevents.model import IngestError, RawDocument

Reader = Callable[[BinaryIO, ReadContext], Iterator[RawDocument | IngestError]]

READERS: dict[str, Reader] = {
    "text": read_single,
    "html": read_single,
    "markdown": read_single,
    "jsonl": read_jsonl,
    "json": read_json,
    "csv": read_delimited,
    "tsv": read_delimited,
    "warc": read_warc,
    "rss": read_feed,
}

__all__ = ["READERS", "ReadContext", "Reader"]
