"""Size limits for reading, and the internal error a reader raises to give up on a whole input."""

from __future__ import annotations

from dataclasses import dataclass

MiB = 1024 * 1024
GiB = 1024 * MiB
MAX_DOC_BYTES = 20 * MiB


@dataclass(frozen=True)
class ReadLimits:
    """How much a reader may take in before it refuses an input.

    `max_doc_bytes` bounds one document: a whole .txt/.html/.md file, one JSON line, one CSV row, one WARC
    record or one feed item. The other three guard against decompression bombs: a hard cap on the bytes a
    compressed input may expand to, and a ratio check that only starts once `ratio_min_bytes` have come
    out, since small files legitimately compress very well.
    """

    max_doc_bytes: int = MAX_DOC_BYTES
    max_decompressed_bytes: int = 8 * GiB
    max_ratio: float = 1000.0
    ratio_min_bytes: int = 100 * MiB


class InputError(Exception):
    """Raised inside a reader when the rest of an input cannot be read; becomes one `IngestError`.

    Deliberately not an OSError or EOFError: warcio and the stdlib treat those as "no more data", which
    would turn a truncated or hostile file into a silent early end.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def size_text(n: int) -> str:
    """Bytes as the short human figure used in error messages: '20 MB', '8 GB', '512 KB'."""
    for unit, size in (("GB", GiB), ("MB", MiB), ("KB", 1024)):
        if n >= size:
            value = n / size
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{n} bytes"
