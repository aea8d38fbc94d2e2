"""Turn paths (files, folders, globs, `-`) into raw documents, reporting unreadable inputs as errors.

Readers never raise for a bad input: they yield an `IngestError` in its place so one broken file in a
folder of thousands is reported and the rest are still processed.
"""

from __future__ import annotations

import glob
import json
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from charset_normalizer import from_bytes

from newsevents.model import IngestError, RawDocument

MAX_FILE_BYTES = 20 * 1024 * 1024
TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson", ".json"}
# Field names that news dumps commonly use, most specific first.
TEXT_FIELDS = ("text", "content", "body", "article", "maintext")
HTML_FIELDS = ("html", "raw_html")
DATE_FIELDS = ("published", "date", "date_publish", "publish_date", "pubdate", "published_at")


def expand_paths(paths: Iterable[str]) -> Iterator[str | IngestError]:
    """Yield input files in a stable order: folders recursively, globs expanded, `-` kept as stdin."""
    for raw in paths:
        if raw == "-":
            yield raw
            continue
        if any(ch in raw for ch in "*?[") and not os.path.exists(raw):
            matches = sorted(glob.glob(raw, recursive=True))
            if not matches:
                yield IngestError(raw, "no file matches this pattern")
            for match in matches:
                yield from _expand_one(Path(match))
            continue
        yield from _expand_one(Path(raw))


def _expand_one(path: Path) -> Iterator[str | IngestError]:
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        yield from (str(p) for p in files)
    elif path.is_file():
        yield str(path)
    elif path.exists():
        yield IngestError(str(path), "not a regular file")
    else:
        yield IngestError(str(path), "no such file or folder")


def iter_documents(paths: Iterable[str], stdin: bytes | None = None) -> Iterator[RawDocument | IngestError]:
    """Read every input into `RawDocument`s (several per JSON Lines file), or errors in their place."""
    for item in expand_paths(paths):
        if isinstance(item, IngestError):
            yield item
            continue
        try:
            if item == "-":
                data = stdin if stdin is not None else sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
                yield from _documents_from_bytes("<stdin>", None, data)
            else:
                yield from _read_file(item)
        except OSError as exc:
            yield IngestError(item, f"cannot read: {exc.strerror or exc}")


def _read_file(path: str) -> Iterator[RawDocument | IngestError]:
    size = os.path.getsize(path)
    if size > MAX_FILE_BYTES:
        yield IngestError(path, f"file is {size / 1e6:.1f} MB, over the {MAX_FILE_BYTES // (1024 * 1024)} MB limit")
        return
    with open(path, "rb") as fh:
        data = fh.read()
    yield from _documents_from_bytes(path, path, data)


def _documents_from_bytes(origin: str, path: str | None, data: bytes) -> Iterator[RawDocument | IngestError]:
    if len(data) > MAX_FILE_BYTES:
        yield IngestError(origin, f"input is over the {MAX_FILE_BYTES // (1024 * 1024)} MB limit")
        return
    if not data.strip():
        yield IngestError(origin, "empty file")
        return
    text = decode_bytes(data)
    if text is None:
        yield IngestError(origin, "binary file, not text")
        return
    kind = detect_kind(path, text)
    if kind == "jsonl":
        yield from _records_from_json(origin, path, text)
    else:
        yield RawDocument(origin=origin, content=text, kind=kind, path=path)


def decode_bytes(data: bytes) -> str | None:
    """Decode text whatever its encoding; None for binary data."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    if b"\x00" in data[:8192]:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    matches = list(from_bytes(data[:200_000]))
    if not matches:
        return None
    # Ties are common between single-byte code pages that share most letters (cp1250 and cp1252 on
    # French text); among equally good guesses take the encoding most used for news text.
    best = matches[0]
    tied = [m for m in matches if abs(m.chaos - best.chaos) < 1e-3 and abs(m.coherence - best.coherence) < 1e-3]
    candidates = [c for m in tied for c in m.could_be_from_charset] or [best.encoding]
    encoding = min(candidates, key=_preference)
    text = data.decode(encoding, errors="replace")
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\t\n\r\f")
    return None if controls > 0.05 * min(len(text), 8192) else text


_PREFERRED = ("utf_8", "cp1252", "latin_1", "cp1251", "koi8_r", "cp1256", "cp1250", "iso8859_15", "cp1254")


def _preference(encoding: str) -> int:
    return _PREFERRED.index(encoding) if encoding in _PREFERRED else len(_PREFERRED)


def detect_kind(path: str | None, text: str) -> str:
    """'html', 'jsonl' or 'text': by extension, falling back on what the content looks like."""
    suffix = Path(path).suffix.lower() if path else ""
    head = text.lstrip()[:512].lower()
    if suffix in HTML_SUFFIXES or head.startswith(("<!doctype html", "<html")):
        return "html"
    if suffix in JSONL_SUFFIXES or (suffix not in TEXT_SUFFIXES and head.startswith(("{", "["))):
        return "jsonl"
    if not path and head.startswith("{") and head.rstrip().endswith("}"):
        return "jsonl"
    return "text"


def _records_from_json(origin: str, path: str | None, text: str) -> Iterator[RawDocument | IngestError]:
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            records = json.loads(stripped)
        except json.JSONDecodeError as exc:
            yield IngestError(origin, f"invalid JSON array: {exc.msg} at line {exc.lineno}")
            return
        for i, record in enumerate(records):
            yield _record_document(f"{origin}#{i}", path, record)
        return
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield IngestError(f"{origin}:{lineno}", f"JSON line does not parse ({exc.msg})")
            continue
        yield _record_document(f"{origin}:{lineno}", path, record)


def _record_document(origin: str, path: str | None, record: object) -> RawDocument | IngestError:
    if not isinstance(record, dict):
        return IngestError(origin, "JSON record is not an object")
    content, kind = None, "text"
    for name in TEXT_FIELDS:
        if isinstance(record.get(name), str) and record[name].strip():
            content = record[name]
            break
    else:
        for name in HTML_FIELDS:
            if isinstance(record.get(name), str) and record[name].strip():
                content, kind = record[name], "html"
                break
    if content is None:
        fields = ", ".join(TEXT_FIELDS + HTML_FIELDS)
        return IngestError(origin, f"JSON record has no text (looked for: {fields})")
    published = next((str(record[n]) for n in DATE_FIELDS if record.get(n)), None)
    authors = record.get("authors") or record.get("author") or []
    if isinstance(authors, str):
        authors = [authors]
    return RawDocument(
        origin=origin,
        content=content,
        kind=kind,
        path=path,
        url=_str_or_none(record.get("url")),
        title=_str_or_none(record.get("title")),
        outlet=_str_or_none(record.get("outlet") or record.get("source") or record.get("sitename")),
        authors=[str(a) for a in authors if a],
        published=published,
    )


def _str_or_none(value: object) -> str | None:
    return str(value) if value not in (None, "") else None
