"""Recognise gzip, bzip2 and xz by their magic bytes and decompress as a stream, with a bomb guard."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import zlib
from typing import BinaryIO

from newsevents.ingest.limits import InputError, ReadLimits, size_text
from newsevents.ingest.streams import CHUNK

_MAGIC = (
    (b"\x1f\x8b\x08", "gzip"),  # with its only compression method, deflate
    (b"\xfd7zXZ\x00", "xz"),
)
# Containers we recognise only to say clearly that they are not read.
_UNSUPPORTED = (
    (b"PK\x03\x04", "zip archives"),
    (b"(\xb5/\xfd", "zstd-compressed files"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archives"),
)
COMPRESSED_SUFFIXES = {".gz": "gzip", ".gzip": "gzip", ".bz2": "bzip2", ".xz": "xz"}


def detect_compression(head: bytes) -> str | None:
    """'gzip', 'bzip2', 'xz' or None from the first bytes of an input."""
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    if head.startswith(b"BZh") and len(head) > 3 and head[3] in b"123456789":  # then the block size
        return "bzip2"
    return None


def unsupported_container(head: bytes) -> str | None:
    """A name for an archive format we do not open ('zip archives'), or None."""
    for magic, name in _UNSUPPORTED:
        if head.startswith(magic):
            return name
    return None


class _Counting(io.RawIOBase):
    """Counts the compressed bytes taken from the input, for the compression-ratio check."""

    def __init__(self, inner: BinaryIO) -> None:
        self._inner = inner
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        data = self._inner.read(len(buffer))
        buffer[: len(data)] = data
        self.count += len(data)
        return len(data)


class _Guarded(io.RawIOBase):
    """Decompressed bytes, stopped with an `InputError` at the size or ratio limit or on broken data.

    Decompressor errors are turned into `InputError` here, once, so format readers (and warcio, which
    reads EOFError as a clean end of archive) never mistake a truncated file for a complete one.
    """

    def __init__(self, decompressed: BinaryIO, counted: _Counting, limits: ReadLimits) -> None:
        self._inner = decompressed
        self._counted = counted
        self._limits = limits
        self.total = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        try:
            data = self._inner.read1(len(buffer))  # one step: data before a failure is never dropped
        except EOFError:
            raise InputError("file is truncated (compressed stream ended early)") from None
        except (OSError, zlib.error, lzma.LZMAError, ValueError) as exc:
            if isinstance(exc, OSError) and exc.errno is not None:  # the disk, not the data
                raise InputError(f"cannot read: {exc.strerror or exc}") from None
            raise InputError(f"compressed data is corrupt ({exc})") from None
        n = len(data)
        buffer[:n] = data
        self.total += n
        limits = self._limits
        if self.total > limits.max_decompressed_bytes:
            raise InputError(
                f"decompresses to over {size_text(limits.max_decompressed_bytes)} (possible decompression bomb); stopped"
            )
        if self.total > limits.ratio_min_bytes and self.total > limits.max_ratio * max(self._counted.count, 1):
            raise InputError(
                f"compression ratio over {limits.max_ratio:.0f}:1 after {size_text(self.total)} "
                "(possible decompression bomb); stopped"
            )
        return n


def decompress(stream: BinaryIO, method: str, limits: ReadLimits) -> io.BufferedReader:
    """A buffered stream of the decompressed bytes of `stream`, compressed with `method`."""
    counted = _Counting(stream)
    source = io.BufferedReader(counted)
    opener = {"gzip": gzip.GzipFile, "bzip2": bz2.BZ2File, "xz": lzma.LZMAFile}[method]
    inner = opener(fileobj=source, mode="rb") if method == "gzip" else opener(source, mode="rb")
    return io.BufferedReader(_Guarded(inner, counted, limits), buffer_size=CHUNK)
