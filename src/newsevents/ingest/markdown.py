"""Markdown to plain text: paragraphs kept, markup dropped, the first `# heading` taken as the title.

Not a Markdown renderer: it only has to leave the words an article reader would see, one paragraph per
block, so that cleaning can treat the result like any scraped text. Soft-wrapped lines of a paragraph
are joined, since cleaning judges text line by line.
"""

from __future__ import annotations

import re
from datetime import date, datetime

import yaml

_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^\s{0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT_H1 = re.compile(r"^\s{0,3}=+[ \t]*$")
_SETEXT_H2 = re.compile(r"^\s{0,3}-+[ \t]*$")
_RULE = re.compile(r"^\s{0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")
_REF_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S+")
_QUOTE = re.compile(r"^\s{0,3}(?:>\s?)+")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>~|<])")

_INLINE = (
    (re.compile(r"!\[[^\]]*\]\((?:[^()\s]|\([^()]*\))*(?:\s+\"[^\"]*\")?\)"), ""),  # image
    (re.compile(r"!\[[^\]]*\]\[[^\]]*\]"), ""),  # reference image
    (re.compile(r"\[([^\]]+)\]\((?:[^()\s]|\([^()]*\))*(?:\s+\"[^\"]*\")?\)"), r"\1"),  # link
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # reference link
    (re.compile(r"<((?:https?|mailto):[^>\s]+)>"), r"\1"),  # autolink
    (re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>"), ""),  # inline HTML tag
    (re.compile(r"(`+)(.+?)\1"), r"\2"),  # inline code
    (re.compile(r"(\*\*\*|___)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"\*(?=\S)(.+?)(?<=\S)\*"), r"\1"),
    (re.compile(r"(?<![\w])_(?=\S)(.+?)(?<=\S)_(?![\w])"), r"\1"),  # not inside snake_case words
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"\1"),
)
# Escaped characters are parked in the private-use area while emphasis is stripped, then restored.
_PARK = 0xE000


def split_front_matter(source: str) -> tuple[dict[str, object], str]:
    """YAML front matter at the very top (`---` ... `---`) as a dict, and the document after it."""
    match = _FRONT_MATTER.match(source[:65536])
    if not match:
        return {}, source
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        return {}, source
    if not isinstance(meta, dict):  # a rule and some text between two rules, not front matter
        return {}, source
    return meta, source[match.end():]


def _scalar(value: object) -> str | None:
    # Only plain scalars: YAML aliases can build huge nested values that must not be stringified.
    if isinstance(value, (datetime, date)):
        return value.isoformat()[:10]
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        text = str(value).strip()
        return text or None
    return None


def front_matter_fields(meta: dict[str, object]) -> dict[str, object]:
    """title, published and authors from front matter, where present."""
    lowered = {str(k).lower(): v for k, v in meta.items()}
    title = _scalar(lowered.get("title"))
    published = next((d for k in ("date", "published", "pubdate", "publish_date") if (d := _scalar(lowered.get(k)))), None)
    raw_authors = lowered.get("authors", lowered.get("author"))
    items = raw_authors if isinstance(raw_authors, list) else [raw_authors]
    authors = [a for a in (_scalar(v) for v in items[:50]) if a]
    return {"title": title, "published": published, "authors": authors}


def _inline(text: str) -> str:
    text = _ESCAPED.sub(lambda m: chr(_PARK + ord(m.group(1))), text)
    for pattern, replacement in _INLINE:
        text = pattern.sub(replacement, text)
    text = re.sub("[\ue000-\ue07f]", lambda m: chr(ord(m.group(0)) - _PARK), text)
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def markdown_to_text(source: str) -> tuple[str, str | None]:
    """(plain text with one paragraph per block, title): the title is the front matter's, else the first
    level-one heading, which is then left out of the text."""
    meta, body = split_front_matter(source)
    title = front_matter_fields(meta)["title"] if meta else None
    heading_taken = False
    blocks: list[str] = []  # paragraphs, headings, list items and code lines, each one line of text
    paragraph: list[str] = []  # soft-wrapped lines of the current paragraph, joined with spaces
    fence: str | None = None

    def end_paragraph() -> None:
        if paragraph:
            line = _inline(" ".join(paragraph))
            if line:
                blocks.append(line)
            paragraph.clear()

    def add_block(text: str) -> None:
        end_paragraph()
        text = _inline(text)
        if text:
            blocks.append(text)

    for raw_line in _COMMENT.sub("", body).splitlines():
        fence_match = _FENCE.match(raw_line)
        if fence is not None:
            if fence_match and fence_match.group(1)[0] == fence[0] and len(fence_match.group(1)) >= len(fence):
                fence = None
            elif raw_line.strip():
                blocks.append(raw_line.strip())  # code keeps its own lines, unparsed
            continue
        if fence_match:
            end_paragraph()
            fence = fence_match.group(1)
            continue
        line = _QUOTE.sub("", raw_line)
        if not line.strip():
            end_paragraph()
            continue
        heading = _ATX.match(line)
        if heading:
            text = _inline(heading.group(2) or "")
            end_paragraph()
            if len(heading.group(1)) == 1 and not heading_taken:
                heading_taken = True
                title = title or text or None
                continue
            if text:
                blocks.append(text)
            continue
        if paragraph and len(paragraph) == 1 and (_SETEXT_H1.match(line) or _SETEXT_H2.match(line)):
            text = _inline(paragraph.pop())
            if _SETEXT_H1.match(line) and not heading_taken:
                heading_taken = True
                title = title or text or None
            elif text:
                blocks.append(text)
            continue
        if _RULE.match(line) or _TABLE_RULE.match(line) or _REF_DEFINITION.match(line):
            end_paragraph()
            continue
        item = _LIST_ITEM.match(line)
        if item:
            add_block(line[item.end():])
            continue
        stripped = line.strip().strip("|").strip() if line.lstrip().startswith("|") else line.strip()
        paragraph.append(stripped.rstrip("\\").rstrip())
        if line.endswith("  ") or line.rstrip().endswith("\\"):
            end_paragraph()  # a hard line break: the next line starts a new line of text
    end_paragraph()
    return "\n\n".join(blocks), title
