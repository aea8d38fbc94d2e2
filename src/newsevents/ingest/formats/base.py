"""What every format reader is told about the input it reads."""

from __future__ import annotations

from dataclasses import dataclass

from newsevents.ingest.fields import FieldMap
from newsevents.ingest.limits import ReadLimits, size_text


@dataclass(frozen=True)
class ReadContext:
    origin: str  # the file path as given, or "<stdin>"; record origins add ":line" or "#..." to it
    path: str | None  # RawDocument.path: None for standard input
    format: str  # one of sniff.FORMATS
    head: bytes  # the first bytes of the (decompressed) input, already used to sniff it
    fields: FieldMap
    limits: ReadLimits
    size: int | None = None  # bytes on disk, when known and not compressed
    compressed: bool = False

    def at(self, where: str) -> str:
        """The origin of one record: `at(":12")` -> 'wire.jsonl:12'."""
        return f"{self.origin}{where}"

    @property
    def doc_limit(self) -> str:
        return size_text(self.limits.max_doc_bytes)
