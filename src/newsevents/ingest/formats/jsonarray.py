"""JSON arrays of records (and files of concatenated or pretty-printed objects), parsed incrementally.

`json.load` would hold the whole array in memory. Instead records are decoded one at a time with
`JSONDecoder.raw_decode` from a window of text that is refilled as it is used up; the window only grows
for a record that does not fit, and never past `max_doc_bytes`.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from typing import BinaryIO

from newsevents.ingest.encoding import as_utf8, stream_encoding
from newsevents.ingest.fields import record_document
from newsevents.ingest.formats.base import ReadContext
from newsevents.ingest.streams import CHUNK, read_some
from newsevents.model import IngestError, RawDocument

_WHITESPACE = " \t\r\n\ufeff"


class _Window:
    """The not yet parsed text of a stream: `text[pos:]`, refilled from the stream on demand."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.text = ""
        self.pos = 0
        self.eof = False

    def more(self, at_least: int = CHUNK) -> bool:
        """Append at least `at_least` characters (fewer at the end); False when nothing was left."""
        if self.eof:
            return False
        self.text, self.pos = self.text[self.pos:], 0  # drop what was parsed before growing
        added = 0
        while added < at_least:
            data = read_some(self._stream, max(at_least - added, CHUNK))
            chunk = self._decoder.decode(data, final=not data)
            self.text += chunk
            added += len(chunk)
            if not data:
                self.eof = True
                break
        return added > 0

    def skip(self, chars: str) -> str | None:
        """Move past any of `chars`; the next character, or None at the end of the stream."""
        while True:
            while self.pos < len(self.text) and self.text[self.pos] in chars:
                self.pos += 1
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self.more():
                return None

    @property
    def pending(self) -> int:
        return len(self.text) - self.pos


def _maybe_incomplete(exc: json.JSONDecodeError, window: _Window) -> bool:
    """Whether a parse error could just mean the record continues past the window."""
    return exc.msg.startswith("Unterminated string") or exc.pos >= len(window.text) - 16


def read_json(stream: BinaryIO, ctx: ReadContext) -> Iterator[RawDocument | IngestError]:
    """Yield a document per element of a top-level array, or per top-level object."""
    window = _Window(as_utf8(stream, stream_encoding(ctx.head)))
    decoder = json.JSONDecoder()
    cap = ctx.limits.max_doc_bytes
    first = window.skip(_WHITESPACE)
    in_array = first == "["
    if in_array:
        window.pos += 1
    index = 0
    while True:
        where = ctx.at(f"#{index}")
        following = window.skip(_WHITESPACE + ("," if in_array and index else ""))
        if following is None:
            if in_array:
                yield IngestError(where, f"JSON array ends early, after record {index - 1}; the file is truncated")
            return
        if in_array and following == "]":
            return
        try:
            value, end = decoder.raw_decode(window.text, window.pos)
            if end == len(window.text) and not window.eof:  # a number may go on in the next chunk
                raise json.JSONDecodeError("value may continue", window.text, end)
        except json.JSONDecodeError as exc:
            if not window.eof and window.pending <= cap and _maybe_incomplete(exc, window):
                window.more(max(window.pending, CHUNK))  # doubling keeps re-parsing linear
                continue
            if window.pending > cap:
                reason = f"record {index} is over the {ctx.doc_limit} limit; the rest of the file is skipped"
            else:
                reason = f"JSON does not parse at record {index} ({exc.msg}); the rest of the file is skipped"
            yield IngestError(where, reason)
            return
        except RecursionError:
            yield IngestError(where, f"record {index} is nested too deeply; the rest of the file is skipped")
            return
        if end - window.pos > cap:
            yield IngestError(where, f"record {index} is over the {ctx.doc_limit} limit")
        else:
            yield record_document(value, where, ctx.path, ctx.fields, "JSON record")
        window.pos = end
        index += 1
        if in_array:
            after = window.skip(_WHITESPACE)
            if after not in (",", "]", None):
                yield IngestError(ctx.at(f"#{index}"), f"JSON array is malformed after record {index - 1} (expected ',' or ']'); the rest of the file is skipped")
                return
