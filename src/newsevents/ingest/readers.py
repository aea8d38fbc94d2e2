"""Turn paths (files, folders, globs, `-`) into raw documents, reporting unreadable inputs as errors.

Readers never raise for a bad input: they yield an `IngestError` in its place so one broken file in a
folder of thousands is reported and the rest are still processed. Every input is streamed: it is
decompressed if its first bytes say so (gzip, bzip2, xz), its format is recognised from the content
(see `sniff`), and the reader for that format takes it one record at a time.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from typing import BinaryIO

from newsevents.ingest.compression import decompress, detect_compression, unsupported_container
from newsevents.ingest.encoding import decode_bytes, looks_binary
from newsevents.ingest.fields import FieldMap
from newsevents.ingest.formats import READERS, ReadContext
from newsevents.ingest.limits import MAX_DOC_BYTES, InputError, ReadLimits
from newsevents.ingest.sniff import FORMATS, SINGLE_DOCUMENT_FORMATS, detect_format
from newsevents.ingest.sources import STDIN, expand_paths
from newsevents.ingest.streams import peek
from newsevents.model import IngestError, RawDocument

__all__ = [
    "FORMATS", "MAX_DOC_BYTES", "FieldMap", "ReadLimits",
    "decode_bytes", "detect_format", "expand_paths", "iter_documents",
]

HEAD_BYTES = 65536
STDIN_ORIGIN = "<stdin>"


def iter_documents(
    paths: Iterable[str],
    stdin: bytes | BinaryIO | None = None,
    *,
    format: str | None = None,
    fields: FieldMap | None = None,
    limits: ReadLimits | None = None,
) -> Iterator[RawDocument | IngestError]:
    """Read every input into `RawDocument`s (one per record of a JSONL/JSON/CSV/WARC/feed file), or
    errors in their place.

    `stdin` is what `-` reads (bytes or a binary stream; standard input by default). `format` forces
    one of `FORMATS` for every input instead of recognising each; `fields` names the fields of JSON
    and CSV records; `limits` bounds document and decompressed sizes.
    """
    if format in (None, "auto"):
        format = None
    elif format not in FORMATS:
        raise ValueError(f"unknown input format {format!r}; choose from: auto, {', '.join(FORMATS)}")
    fields = fields or FieldMap()
    limits = limits or ReadLimits()
    for item in expand_paths(paths):
        if isinstance(item, IngestError):
            yield item
        else:
            yield from _read_input(item, stdin, format, fields, limits)


def _read_input(
    item: str, stdin: bytes | BinaryIO | None, format: str | None, fields: FieldMap, limits: ReadLimits
) -> Iterator[RawDocument | IngestError]:
    """One file or stdin, with every failure turned into an error for it (records already read stay)."""
    origin = STDIN_ORIGIN if item == STDIN else item
    try:
        with ExitStack() as stack:
            if item == STDIN:
                raw: BinaryIO = io.BytesIO(stdin) if isinstance(stdin, bytes) else stdin or sys.stdin.buffer
                size = len(stdin) if isinstance(stdin, bytes) else None
                path = None
            else:
                raw = stack.enter_context(open(item, "rb"))
                size = os.fstat(raw.fileno()).st_size
                path = item
            yield from _read_stream(raw, origin, path, size, format, fields, limits)
    except InputError as exc:
        yield IngestError(origin, exc.reason)
    except OSError as exc:
        yield IngestError(origin, f"cannot read: {exc.strerror or exc}")
    except MemoryError:
        yield IngestError(origin, "ran out of memory while reading")
    except Exception as exc:  # the last resort: a reader bug must cost one input, not the run
        detail = " ".join(str(exc).split())[:200]
        yield IngestError(origin, f"could not be read ({type(exc).__name__}: {detail})")


def _read_stream(
    raw: BinaryIO, origin: str, path: str | None, size: int | None, format: str | None, fields: FieldMap, limits: ReadLimits
) -> Iterator[RawDocument | IngestError]:
    magic, stream = peek(raw, 8)
    container = unsupported_container(magic)
    if container:
        yield IngestError(origin, f"{container} are not read; unpack the archive first")
        return
    method = detect_compression(magic)
    if method:
        stream, size = decompress(stream, method, limits), None
    head, stream = peek(stream, HEAD_BYTES)
    if not head.strip(b" \t\r\n\x0b\x0c\xef\xbb\xbf\xfe\xff"):
        yield IngestError(origin, "empty file" if not method else "empty file once decompressed")
        return
    chosen = format or detect_format(head, path)
    # Whole-file formats judge size and binary content themselves, over the whole file.
    if chosen not in SINGLE_DOCUMENT_FORMATS and chosen != "warc" and looks_binary(head):
        yield IngestError(origin, "binary file, not text")
        return
    ctx = ReadContext(origin=origin, path=path, format=chosen, head=head, fields=fields, limits=limits,
                      size=size, compressed=method is not None)
    produced = False
    for item in READERS[chosen](stream, ctx):
        produced = True
        yield item
    if not produced:
        yield IngestError(origin, f"no articles found (read as {chosen})")
