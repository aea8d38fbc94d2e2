"""RSS 2.0 (and 1.0) and Atom feeds: one document per item or entry, parsed as a stream.

Only the item being read is held in memory: finished items are removed from the tree. No external
entity or DTD is ever fetched, and a feed that declares entities of its own is refused (entity
expansion attacks); the HTML entity names that invalid feeds often use (`&nbsp;`) are known.
"""

from __future__ import annotations

import html
import html.entities
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import BinaryIO

from newsevents.ingest.fields import looks_like_html
from newsevents.ingest.formats.base import ReadContext
from newsevents.ingest.limits import InputError
from newsevents.ingest.streams import prepend, read_fully, read_some
from newsevents.model import IngestError, RawDocument

_ITEMS = ("item", "entry")
_CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"
_DC = "{http://purl.org/dc/elements/1.1/}"
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
_XML_DECLARATION = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*<\?xml[^>]*\?>")
_HTML_ENTITIES = {name: chr(code) for name, code in html.entities.name2codepoint.items()}
_XML_PREDEFINED = {"amp", "lt", "gt", "quot", "apos"}
_DOCTYPE = (
    "<!DOCTYPE feed ["
    + "".join(f'<!ENTITY {name} "&#{code};">' for name, code in html.entities.name2codepoint.items() if name not in _XML_PREDEFINED)
    + "]>"
).encode("ascii")


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def feed_date(value: str | None) -> str | None:
    """An RSS (RFC 822) or Atom (ISO 8601) date -> 'YYYY-MM-DD'; the text unchanged when unparseable."""
    if not value or not value.strip():
        return None
    value = value.strip()
    try:
        return parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError, IndexError, OverflowError):
        pass
    try:
        return datetime.fromisoformat(value).date().isoformat()
    except ValueError:
        return value


class _ItemBudget:
    """Passes the feed to the parser and stops it when one item grows past the document limit: the
    parser gathers an element's text before it reports anything, so the check has to sit here."""

    def __init__(self, stream: BinaryIO, limit: int, limit_text: str) -> None:
        self._stream = stream
        self._limit = limit
        self._limit_text = limit_text
        self._count = 0
        self._item: tuple[int, int] | None = None  # (item number, byte count where it started)

    def begin_item(self, number: int) -> None:
        self._item = (number, self._count)

    def end_item(self) -> None:
        self._item = None

    def read(self, n: int = -1) -> bytes:
        data = read_some(self._stream, n if n > 0 else 1 << 16)
        self._count += len(data)
        if self._item and self._count - self._item[1] > self._limit:
            raise InputError(f"feed item {self._item[0]} is over the {self._limit_text} limit; the rest of the file is skipped")
        return data


def _with_entities(stream: BinaryIO) -> BinaryIO:
    """The feed with the HTML entity names (`&nbsp;`, `&eacute;`) declared, when it has no doctype:
    invalid but common in feeds, and fatal to an XML parser that does not know them. Each expands to
    one character reference, so nothing can grow. A feed with its own doctype naming an external DTD
    gets them from the parser's entity table instead (the DTD itself is never fetched)."""
    start = read_fully(stream, 65536)
    if b"<!DOCTYPE" in start[:4096].upper() or start.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in start[:64]:
        return prepend(start, stream)
    declaration = _XML_DECLARATION.match(start)
    cut = declaration.end() if declaration else 0
    return prepend(start[:cut] + _DOCTYPE + start[cut:], stream)


def _text(elem: ET.Element | None) -> str | None:
    if elem is None:
        return None
    text = "".join(elem.itertext()).strip()
    return text or None


def _markup(elem: ET.Element) -> str:
    """Inline XHTML content (Atom type="xhtml") back to HTML, without namespace prefixes."""
    parts = [html.escape(elem.text or "", quote=False)]
    for child in elem:
        tag = _local(child.tag)
        attrs = "".join(f' {_local(k)}="{html.escape(v)}"' for k, v in child.attrib.items())
        parts.append(f"<{tag}{attrs}>{_markup(child)}</{tag}>{html.escape(child.tail or '', quote=False)}")
    return "".join(parts)


def _children(item: ET.Element) -> dict[str, list[ET.Element]]:
    found: dict[str, list[ET.Element]] = {}
    for child in item:
        tag = child.tag if isinstance(child.tag, str) else ""
        key = "content:encoded" if tag == _CONTENT_ENCODED else f"dc:{_local(tag)}" if tag.startswith(_DC) else _local(tag)
        found.setdefault(key, []).append(child)
    return found


def _link(children: dict[str, list[ET.Element]]) -> str | None:
    for elem in children.get("link", []):
        if elem.text and elem.text.strip():  # RSS
            return elem.text.strip()
        if elem.get("href") and elem.get("rel", "alternate") == "alternate":  # Atom
            return elem.get("href")
    guid = children.get("guid", [None])[0]
    if guid is not None and (guid.text or "").startswith("http") and guid.get("isPermaLink", "true") != "false":
        return guid.text.strip()  # type: ignore[union-attr]
    return None


def _authors(children: dict[str, list[ET.Element]]) -> list[str]:
    names = []
    for elem in children.get("dc:creator", []) + children.get("author", []):
        name = _text(elem.find("{http://www.w3.org/2005/Atom}name")) or _text(elem)
        if name:
            # RSS <author> is "email (Name)": keep the name
            match = re.fullmatch(r"\S+@\S+\s*\((.+)\)", name)
            names.append(match.group(1).strip() if match else name)
    return names


def _content(children: dict[str, list[ET.Element]]) -> str | None:
    for key in ("content:encoded", "content", "description", "summary"):
        for elem in children.get(key, []):
            if elem.get("type") == "xhtml":
                value = _markup(elem).strip()
            else:
                value = (elem.text or "").strip()
            if value:
                return value
    return None


def _item_document(item: ET.Element, where: str, outlet: str | None, ctx: ReadContext) -> RawDocument | IngestError:
    children = _children(item)
    content = _content(children)
    if not content:
        return IngestError(where, "feed item has no text (no content, description or summary)")
    dates = [_text(e) for key in ("pubDate", "published", "dc:date", "updated") for e in children.get(key, [])]
    return RawDocument(
        origin=where,
        content=content,
        kind="html" if looks_like_html(content) else "text",
        path=ctx.path,
        url=_link(children),
        title=_text(children.get("title", [None])[0]),
        outlet=outlet,
        authors=_authors(children),
        published=feed_date(next((d for d in dates if d), None)),
    )


def read_feed(stream: BinaryIO, ctx: ReadContext) -> Iterator[RawDocument | IngestError]:
    """Yield a document per item or entry; stop with an error where the XML breaks."""
    for item in _items(stream, ctx):
        yield item if isinstance(item, IngestError) else _item_document(*item, ctx)


@dataclass(frozen=True)
class FeedEntry:
    """What `newsevents follow` needs of an item to fetch its page: where it points, and its metadata."""

    origin: str  # the feed's origin and the item's number, as in ingest_errors
    link: str | None
    guid: str | None
    title: str | None
    published: str | None


def read_feed_entries(stream: BinaryIO, ctx: ReadContext) -> Iterator[FeedEntry | IngestError]:
    """Yield each item's link, guid, title and date, with or without content; errors as `read_feed`."""
    for item in _items(stream, ctx):
        if isinstance(item, IngestError):
            yield item
            continue
        elem, where, _ = item
        children = _children(elem)
        dates = [_text(e) for key in ("pubDate", "published", "dc:date", "updated") for e in children.get(key, [])]
        yield FeedEntry(
            origin=where,
            link=_link(children),
            guid=_text(children.get("guid", children.get("id", [None]))[0]),
            title=_text(children.get("title", [None])[0]),
            published=feed_date(next((d for d in dates if d), None)),
        )


def _items(stream: BinaryIO, ctx: ReadContext) -> Iterator[tuple[ET.Element, str, str | None] | IngestError]:
    """(item element, its origin, the feed's title) per item or entry, parsed as a stream; the element
    is only valid until the next one is asked for."""
    if _ENTITY_DECLARATION.search(ctx.head):
        yield IngestError(ctx.origin, "XML declares its own entities, which are not read (possible entity expansion attack)")
        return
    source = _ItemBudget(_with_entities(stream), ctx.limits.max_doc_bytes, ctx.doc_limit)
    parser = ET.XMLParser(target=ET.TreeBuilder())
    parser.entity.update(_HTML_ENTITIES)
    stack: list[ET.Element] = []  # the open elements, root first
    item_depth: int | None = None  # where in the stack the open item is
    number, outlet = 0, None
    try:
        for event, elem in ET.iterparse(source, events=("start", "end"), parser=parser):
            name = _local(elem.tag)
            if event == "start":
                if not stack and name not in ("rss", "feed", "RDF"):
                    yield IngestError(ctx.origin, f"XML root is <{name}>, not an RSS or Atom feed")
                    return
                if name in _ITEMS and item_depth is None:
                    item_depth = len(stack)
                    source.begin_item(number + 1)
                stack.append(elem)
                continue
            stack.pop()
            if item_depth is not None and len(stack) > item_depth:
                continue  # a part of the open item, read when the item ends
            if name in _ITEMS:
                number += 1
                item_depth = None
                source.end_item()
                yield elem, ctx.at(f"#item-{number}"), outlet
            elif name == "title" and stack and _local(stack[-1].tag) in ("channel", "feed") and outlet is None:
                outlet = _text(elem)
            if stack:
                stack[-1].remove(elem)  # keep memory flat: the tree never holds more than one item
    except ET.ParseError as exc:
        yield IngestError(ctx.at(f"#item-{number + 1}"), f"XML does not parse after item {number} ({exc}); the rest of the file is skipped")
