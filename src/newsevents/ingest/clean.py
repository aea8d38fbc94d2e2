"""Clean a raw document into article text plus metadata.

Plain text is cleaned line by line: known page furniture (comment widgets, share and follow lines,
appeals, pingbacks, credits) is removed on its own, and short furniture-like lines and appeal paragraphs
are removed when they stand among other junk at the head or tail of the page. HTML goes through
trafilatura. Everything removed is listed in `removed`; nothing is dropped silently.
"""

from __future__ import annotations

import dataclasses
import os
import re
import unicodedata
from functools import lru_cache
from importlib import resources

import ftfy
from ftfy.badness import is_bad

from newsevents.ingest.metadata import (
    looks_like_byline,
    looks_like_dateline,
    normalize_date,
    parse_byline,
    split_byline_date,
    date_from_url,
)
from newsevents.ingest.date_check import date_confidence
from newsevents.ingest.language import detect_language
from newsevents.model import Article, IngestError, RawDocument, article_id

_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029]")
_SENTENCE_END = re.compile(r"[.!?…:;\"'”’)\]。！？」]\s*$")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_APPEAL_PRONOUNS = {"we", "our", "us", "you", "your", "you're", "you’re"}
_APPEAL_WORDS = {
    "support", "donate", "donation", "donations", "subscribe", "subscription", "help", "journalism",
    "independent", "contribute", "contribution", "monthly", "membership", "readers", "mission",
}


@lru_cache(maxsize=1)
def _junk_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """boilerplate.txt as two alternations: patterns anchored at the line start (tried once, with
    `match`) and the rest (searched through the line). One regex each instead of one per pattern."""
    text = resources.files("newsevents.data.ingest").joinpath("boilerplate.txt").read_text("utf-8")
    patterns = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    for pattern in patterns:
        re.compile(pattern)  # a broken line is reported on its own, not as part of the alternation
    anchored = [p[1:] for p in patterns if p.startswith("^")]
    floating = [p for p in patterns if not p.startswith("^")]
    return (
        re.compile("|".join(f"(?:{p})" for p in anchored) or r"(?!)", re.IGNORECASE),
        re.compile("|".join(f"(?:{p})" for p in floating) or r"(?!)", re.IGNORECASE),
    )


def normalize_text(text: str) -> str:
    """Repair mojibake, normalise to NFC and unify spaces and line ends; curly quotes stay."""
    if is_bad(text):  # ftfy's full repair is the slowest step of cleaning; most text does not need it
        text = ftfy.fix_text(text, uncurl_quotes=False, fix_line_breaks=True, normalization="NFC")
    text = _LINE_BREAKS.sub("\n", text)
    text = text.replace("\u00a0", " ").replace("\u200b", "").replace("\t", " ")
    return unicodedata.normalize("NFC", text)


def is_junk_line(line: str) -> bool:
    """True for a line that is page furniture wherever it stands."""
    anchored, floating = _junk_patterns()
    line = line.strip()
    return anchored.match(line) is not None or floating.search(line) is not None


def _is_appeal(line: str) -> bool:
    words = [w.lower() for w in _WORD.findall(line)]
    if len(words) < 4:
        return False
    pronouns = sum(w in _APPEAL_PRONOUNS for w in words)
    appeal = len({w for w in words if w in _APPEAL_WORDS})
    return appeal >= 1 and pronouns / len(words) >= 0.06


def _looks_like_title(line: str) -> bool:
    return 3 <= len(line.split()) <= 24 and not _SENTENCE_END.search(line.rstrip("?!"))


def _is_fragment(line: str) -> bool:
    """A short line that does not end like a sentence: a caption, a widget label, a stray word."""
    return len(line.split()) <= 12 and not _SENTENCE_END.search(line)


def clean_document(raw: RawDocument) -> Article | IngestError:
    """Clean one raw document; an `IngestError` when nothing article-like is left.

    The publication date is taken from the first of these that has one: the input record, the page's
    markup (HTML), a dateline or byline in the text, the URL, and for HTML a search of the page's text.
    """
    if raw.kind == "markdown":
        from newsevents.ingest.markdown import markdown_to_text

        content, md_title = markdown_to_text(raw.content)
        raw = dataclasses.replace(raw, content=content, kind="text", title=raw.title or md_title)
    if raw.kind != "html":
        return _finish(_clean_text(raw, raw.content, from_html=False))
    from newsevents.ingest.html import extract_html, html_date

    extracted = extract_html(raw.content, url=raw.url)
    if extracted is None:
        return IngestError(raw.origin, "HTML page has no extractable article text")
    body, meta = extracted
    markup_date = meta.pop("published", None)
    article = _clean_text(raw, body, from_html=True, page_date=markup_date)
    if isinstance(article, Article):
        for key, value in meta.items():
            if value and not getattr(article, key):
                setattr(article, key, value)
        if article.published is None:
            article.published = html_date(raw.content, raw.url, extensive=True)
            article.date_source = "page-text" if article.published else None
    return _finish(article)


def source_key(raw: RawDocument) -> str | None:
    """Where a document was found, independent of the machine: its URL, else its file name and record."""
    if raw.url:
        return raw.url
    if raw.origin.startswith("<"):  # text handed over directly: its content is its identity
        return None
    return os.path.basename(raw.origin)


def _finish(article: Article | IngestError) -> Article | IngestError:
    if isinstance(article, Article):
        article.date_confidence = date_confidence(article.published, article.date_source, article.text)
        article.language = detect_language(article.text)
    return article


def _clean_text(raw: RawDocument, content: str, from_html: bool, page_date: str | None = None) -> Article | IngestError:
    lines = [line.strip() for line in normalize_text(content).split("\n")]
    keep = [bool(line) for line in lines]
    removed_idx: set[int] = set()
    meta: dict[str, object] = {"title": raw.title, "outlet": raw.outlet, "authors": list(raw.authors)}
    published = normalize_date(raw.published) if raw.published else None
    date_source = "input" if published else None
    if published is None and page_date:
        published, date_source = page_date, "html"

    nonempty = [i for i, line in enumerate(lines) if line]
    for i in nonempty:
        if is_junk_line(lines[i]):
            removed_idx.add(i)

    # Metadata lines at the head of a scraped page: dateline, byline, title.
    head = [i for i in nonempty if i not in removed_idx][:6]
    title_idx = None
    for i in head:
        line = lines[i]
        if looks_like_dateline(line):
            if published is None:
                published, date_source = normalize_date(line), "dateline"
            keep[i] = False
        elif looks_like_byline(line):
            authors, outlet = parse_byline(line)
            byline_date = split_byline_date(line)[1]
            if published is None and byline_date:
                published, date_source = byline_date, "byline"
            meta["authors"] = meta["authors"] or authors
            meta["outlet"] = meta["outlet"] or outlet
            keep[i] = False
        elif title_idx is None and not from_html and _looks_like_title(line):
            title_idx = i
        elif len(line.split()) <= 2 and _is_fragment(line):
            continue  # a label or photo credit, removed below
        else:
            break
    if title_idx is not None:
        if not meta["title"]:
            meta["title"] = lines[title_idx]
            keep[title_idx] = False
        elif lines[title_idx] == meta["title"]:
            keep[title_idx] = False

    # A one- or two-word line near the top of a page is a label or a photo credit, not article text.
    for i in [i for i in nonempty if keep[i] and i not in removed_idx][:6]:
        if len(lines[i].split()) <= 2 and _is_fragment(lines[i]):
            removed_idx.add(i)

    if not from_html:  # trafilatura has already cut the page down to its main block
        _remove_junk_neighbourhoods(lines, keep, removed_idx)

    body_lines = [lines[i] for i in range(len(lines)) if keep[i] and i not in removed_idx]
    if not body_lines and title_idx is not None and not keep[title_idx]:
        body_lines = [lines[title_idx]]  # a lone headline-like line is the text, not a title
    text = _join_paragraphs(body_lines)
    if not text or len(_WORD.findall(text)) < 3:
        return IngestError(raw.origin, "no article text left after cleaning")
    if published is None and raw.url:
        published, date_source = date_from_url(raw.url), "url"
        date_source = date_source if published else None
    return Article(
        id=article_id(text, source_key(raw)),
        text=text,
        path=raw.path,
        url=raw.url,
        title=meta["title"],  # type: ignore[arg-type]
        outlet=meta["outlet"],  # type: ignore[arg-type]
        authors=meta["authors"],  # type: ignore[arg-type]
        published=published,
        date_source=date_source,
        fetched=raw.fetched,
        removed=[lines[i] for i in sorted(removed_idx)],
    )


def _remove_junk_neighbourhoods(lines: list[str], keep: list[bool], removed: set[int]) -> None:
    """Remove fragments and appeals that stand next to junk at the head or tail of the page.

    Such lines (captions, "Pixabay", a donation paragraph) cannot be told from content on their own;
    standing among furniture, outside the run of article paragraphs, they can. Repeated until nothing
    changes, since each removal can expose a neighbour.
    """
    nonempty = [i for i, line in enumerate(lines) if line and keep[i]]
    changed = True
    while changed:
        changed = False
        paragraphs = [i for i in nonempty if i not in removed and not _is_fragment(lines[i]) and len(lines[i].split()) >= 12]
        if not paragraphs:
            return
        first_par, last_par = paragraphs[0], _last_article_paragraph(lines, paragraphs)
        live = [i for i in nonempty if i not in removed]
        for pos, i in enumerate(live):
            junk_before = pos == 0 or _gap_has_junk(live[pos - 1], i, removed)
            junk_after = pos == len(live) - 1 or _gap_has_junk(i, live[pos + 1], removed)
            at_edge = i <= first_par or i >= last_par
            if at_edge and (junk_before or junk_after) and (_is_fragment(lines[i]) or _is_appeal(lines[i])):
                removed.add(i)
                changed = True


def _gap_has_junk(a: int, b: int, removed: set[int]) -> bool:
    return any(j in removed for j in range(a + 1, b))


def _last_article_paragraph(lines: list[str], paragraphs: list[int]) -> int:
    """The last paragraph that is not an appeal to readers."""
    for i in reversed(paragraphs):
        if not _is_appeal(lines[i]):
            return i
    return paragraphs[-1]


def _join_paragraphs(lines: list[str]) -> str:
    return "\n\n".join(line for line in lines if line)
