"""Decide an input's format from its first bytes, then its file name, then weaker hints in the content.

Unambiguous signatures (a WARC header, an RSS/Atom or HTML root element) win over the file name, so a
crawl saved as `.txt` is still read as a crawl. The name decides next. Hints that plain prose could also
show (a leading `{`, a `# heading`) are only used when the name says nothing.
"""

from __future__ import annotations

import json
import re
from pathlib import PurePath

from newsevents.ingest.compression import COMPRESSED_SUFFIXES
from newsevents.ingest.encoding import bom_encoding

FORMATS = ("text", "html", "markdown", "jsonl", "json", "csv", "tsv", "warc", "rss")
# The kind of RawDocument each whole-file format yields.
SINGLE_DOCUMENT_FORMATS = {"text", "html", "markdown"}

_SUFFIXES = {
    ".txt": "text", ".text": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".md": "markdown", ".markdown": "markdown",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json",
    ".csv": "csv", ".tsv": "tsv", ".tab": "tsv",
    ".warc": "warc",
    ".rss": "rss", ".atom": "rss", ".xml": "rss",
}
_FIRST_ELEMENT = re.compile(rb"\s*<([A-Za-z][\w:.-]*)")
_SKIP_MARKUP = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)", re.DOTALL | re.IGNORECASE)
_MARKDOWN_START = re.compile(rb"(?:---[ \t]*\r?\n|#{1,6}[ \t]+\S)")


def suffix_format(name: str | None) -> str | None:
    """The format a file name announces (`crawl.warc.gz` -> 'warc'), or None."""
    if not name or name == "-":
        return None
    path = PurePath(name)
    suffix = path.suffix.lower()
    if suffix in COMPRESSED_SUFFIXES:
        suffix = PurePath(path.stem).suffix.lower()
    return _SUFFIXES.get(suffix)


def _as_utf8(head: bytes) -> bytes:
    codec = bom_encoding(head)
    if codec is None:
        return head
    return head.decode(codec, errors="replace").encode("utf-8")


def _markup_root(lead: bytes) -> str | None:
    """'rss', 'html' or 'xml' for content that starts with markup, by its first element."""
    if not lead.startswith(b"<"):
        return None
    if lead[:15].lower().startswith(b"<!doctype html"):
        return "html"
    pos = 0
    while match := _SKIP_MARKUP.match(lead, pos):
        if match.end() == pos:
            break
        pos = match.end()
    element = _FIRST_ELEMENT.match(lead, pos)
    if not element:
        return None
    name = element.group(1).lower()
    if name in (b"rss", b"feed", b"rdf:rdf"):
        return "rss"
    if name in (b"html", b"head", b"body"):
        return "html"
    return "xml"


_ARRAY_OF_OBJECTS = re.compile(rb"\[\s*[{\]]")
_OBJECT = re.compile(rb'\{\s*["}]')


def _json_flavour(lead: bytes) -> str | None:
    """'json' for an array of objects or a pretty-printed object, 'jsonl' for one object per line,
    else None (prose may start with a bracket: "[Reuters] ...")."""
    if _ARRAY_OF_OBJECTS.match(lead):
        return "json"
    if not _OBJECT.match(lead):
        return None
    first_line = lead.split(b"\n", 1)[0].strip()
    if first_line == b"{":
        return "json"
    try:
        json.loads(first_line)
    except (ValueError, RecursionError):
        # an object that does not close on its first line: pretty-printed, unless the line was cut short
        return "jsonl" if b"\n" not in lead else "json"
    return "jsonl"


def detect_format(head: bytes, name: str | None = None) -> str:
    """One of FORMATS for an (already decompressed) input whose first bytes are `head`."""
    lead = _as_utf8(head).lstrip()
    if lead.startswith(b"WARC/"):
        return "warc"
    root = _markup_root(lead)
    if root in ("rss", "html"):
        return root
    by_name = suffix_format(name)
    if by_name == "json":
        return _json_flavour(lead) or "json"
    if by_name == "jsonl" and _ARRAY_OF_OBJECTS.match(lead):
        return "json"
    if by_name:
        return by_name
    flavour = _json_flavour(lead)
    if flavour:
        return flavour
    if _MARKDOWN_START.match(lead):
        return "markdown"
    return "text"
