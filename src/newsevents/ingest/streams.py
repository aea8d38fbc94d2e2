"""Binary stream helpers: look at the first bytes without losing them, bounded reads, bounded lines."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import BinaryIO

from newsevents.ingest.limits import InputError

CHUNK = 256 * 1024  # read size and buffer size: large enough to be fast, small next to any limit


def read_some(stream: BinaryIO, n: int) -> bytes:
    """Up to `n` bytes with one read of the layer below, where the stream allows it.

    A buffered `read(n)` gathers several reads and drops what it gathered if a later one raises; with
    one read per call, everything before a truncated or hostile stream's error reaches the reader.
    """
    read1 = getattr(stream, "read1", None)
    return read1(n) if read1 is not None else stream.read(n)


class _Replay(io.RawIOBase):
    """Gives back `head` (bytes already taken from `inner` to sniff it), then the rest of `inner`;
    an error met while taking the head is raised only once the head has been read."""

    def __init__(self, head: bytes, inner: BinaryIO, error: InputError | None = None) -> None:
        self._head = memoryview(head)
        self._inner = inner
        self._error = error

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        if self._error is not None:
            raise self._error
        data = read_some(self._inner, len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _take(stream: BinaryIO, n: int) -> tuple[bytes, InputError | None]:
    """Up to `n` bytes (short only at the end of the stream), and the error that cut them short."""
    parts: list[bytes] = []
    got = 0
    try:
        while got < n:
            data = read_some(stream, n - got)
            if not data:
                break
            parts.append(data)
            got += len(data)
    except InputError as exc:
        return b"".join(parts), exc
    return b"".join(parts), None


def read_fully(stream: BinaryIO, n: int) -> bytes:
    """Up to `n` bytes: short only at the end of the stream (a pipe or decompressor may return less)."""
    data, error = _take(stream, n)
    if error is not None:
        raise error
    return data


def prepend(data: bytes, stream: BinaryIO, error: InputError | None = None) -> io.BufferedReader:
    """A buffered stream of `data` followed by the rest of `stream` (or by `error`)."""
    return io.BufferedReader(_Replay(data, stream, error), buffer_size=CHUNK)


def peek(stream: BinaryIO, n: int) -> tuple[bytes, io.BufferedReader]:
    """The first `n` bytes of `stream`, and a buffered stream that still starts at byte 0.

    If the stream fails within those bytes (a truncated gzip), the bytes before the failure are still
    given, and the error is raised to whoever reads past them.
    """
    head, error = _take(stream, n)
    if error is not None and not head:
        raise error
    return head, prepend(head, stream, error)


def read_capped(stream: BinaryIO, cap: int) -> bytes | None:
    """The whole stream, or None once it is longer than `cap` (without reading further than cap+1)."""
    data = read_fully(stream, cap + 1)
    return None if len(data) > cap else data


def iter_lines(stream: BinaryIO, max_bytes: int, chunk: int = CHUNK) -> Iterator[tuple[int, bytes | None]]:
    """Yield (line number, line without its end) from a binary stream; None for a line over `max_bytes`.

    An over-long line is read in chunks and thrown away up to its newline, so a 200 MB line costs at
    most `max_bytes` of memory and the lines after it are still read.
    """
    lineno = 0
    pending = bytearray()
    skipping = False
    while True:
        block = read_some(stream, chunk)
        if not block:
            break
        start = 0
        while (nl := block.find(b"\n", start)) >= 0:
            lineno += 1
            if skipping:
                yield lineno, None
                skipping = False
            elif pending:
                pending += block[start:nl]
                yield lineno, (bytes(pending) if len(pending) <= max_bytes else None)
                pending = bytearray()
            else:
                yield lineno, (block[start:nl] if nl - start <= max_bytes else None)
            start = nl + 1
        if not skipping and start < len(block):
            pending += block[start:]
            if len(pending) > max_bytes:
                skipping, pending = True, bytearray()
    if skipping or pending:
        yield lineno + 1, (None if skipping else bytes(pending))
