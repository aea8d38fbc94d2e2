"""Clean a raw document into article text plus metadata.

Plain text is read by `layout`: the page's head and tail around the article's paragraphs are furniture
apart from the title, byline and dateline, which become metadata, and known widget lines go wherever
they stand. HTML goes through trafilatura first. Everything removed is listed in `removed`; nothing is
dropped silently.
"""

from __future__ import annotations

import dataclasses
import os
import re
import unicodedata

import ftfy
from ftfy.badness import is_bad

from newsevents.ingest.date_check import date_confidence
from newsevents.ingest.language import detect_language
from newsevents.ingest.layout import CorpusLines, read_layout
from newsevents.ingest.metadata import dateline_date, date_from_url, normalize_date, parse_byline, split_byline_date
from newsevents.model import Article, IngestError, RawDocument, article_id

_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029]")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def normalize_text(text: str) -> str:
    """Repair mojibake, normalise to NFC and unify spaces and line ends; curly quotes stay."""
    if not text.isascii() and is_bad(text):  # ftfy's full repair is the slowest step of cleaning; most text does not need it
        text = ftfy.fix_text(text, uncurl_quotes=False, fix_line_breaks=True, normalization="NFC")
    text = _LINE_BREAKS.sub("\n", text)
    text = text.replace("\u00a0", " ").replace("\u200b", "").replace("\t", " ")
    return unicodedata.normalize("NFC", text)


def clean_document(raw: RawDocument, corpus: CorpusLines | None = None) -> Article | IngestError:
    """Clean one raw document; an `IngestError` when nothing article-like is left.

    The publication date is taken from the first of these that has one: the input record, the page's
    markup (HTML), a dateline or byline in the text, the URL, and for HTML a search of the page's text.
    """
    if raw.kind == "markdown":
        from newsevents.ingest.markdown import markdown_to_text

        content, md_title = markdown_to_text(raw.content)
        raw = dataclasses.replace(raw, content=content, kind="text", title=raw.title or md_title)
    if raw.kind != "html":
        return _finish(_clean_text(raw, raw.content, from_html=False, corpus=corpus))
    from newsevents.ingest.html import extract_html, html_date

    extracted = extract_html(raw.content, url=raw.url)
    if extracted is None:
        return IngestError(raw.origin, "HTML page has no extractable article text")
    body, meta = extracted
    markup_date = meta.pop("published", None)
    # the page's own title, so that a copy of it atop the extracted text leaves as metadata
    raw = dataclasses.replace(raw, title=raw.title or meta.pop("title", None))
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


def _clean_text(
    raw: RawDocument, content: str, from_html: bool, page_date: str | None = None, corpus: CorpusLines | None = None
) -> Article | IngestError:
    lines = [line.strip() for line in normalize_text(content).split("\n")]
    layout = read_layout(lines, known_title=raw.title, whole_page=not from_html, corpus=corpus)
    title, outlet, authors = raw.title, raw.outlet, list(raw.authors)
    published = normalize_date(raw.published) if raw.published else None
    date_source = "input" if published else None
    if published is None and page_date:
        published, date_source = page_date, "html"
    for i in layout.bylines:
        head, byline_date = split_byline_date(lines[i])
        names, byline_outlet = parse_byline(head)
        authors, outlet = authors or names, outlet or byline_outlet
        if published is None and byline_date:
            published, date_source = byline_date, "byline"
    for i in layout.datelines:
        if published is None:
            published, date_source = dateline_date(lines[i]), "dateline"
    if layout.title is not None and not title:
        title = lines[layout.title]

    body_lines = [lines[i] for i in layout.body]
    if not body_lines and layout.title is not None:
        body_lines = [lines[layout.title]]  # a lone headline-like line is the text, not a title
    text = _join_paragraphs(body_lines)
    if not text or len(_WORD.findall(text)) < 3:
        return IngestError(raw.origin, "no article text left after cleaning")
    if published is None and raw.url:
        published = date_from_url(raw.url)
        date_source = "url" if published else None
    return Article(
        id=article_id(text, source_key(raw)),
        text=text,
        path=raw.path,
        url=raw.url,
        title=title,
        outlet=outlet,
        authors=authors,
        published=published,
        date_source=date_source,
        fetched=raw.fetched,
        removed=[lines[i] for i in layout.removed],
    )


def _join_paragraphs(lines: list[str]) -> str:
    return "\n\n".join(line for line in lines if line)
