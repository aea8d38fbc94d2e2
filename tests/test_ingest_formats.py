"""Ingest formats: one test per input format the readers recognise, with fixtures written here.

Every article text below is invented for these tests.
"""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import tracemalloc
from pathlib import Path

import pytest

from newsevents.ingest.clean import clean_document
from newsevents.ingest.markdown import markdown_to_text
from newsevents.ingest.readers import FieldMap, detect_format, iter_documents
from newsevents.model import Article, IngestError, RawDocument

BODY = "The river authority opened two flood gates on Thursday after a week of heavy rain, its director said."
BODY2 = "Farmers in the valley moved their herds to higher ground as the water kept rising overnight."


def _read(*paths, **kw) -> list[RawDocument | IngestError]:
    return list(iter_documents([str(p) for p in paths], **kw))


def _docs(*paths, **kw) -> list[RawDocument]:
    items = _read(*paths, **kw)
    assert all(isinstance(i, RawDocument) for i in items), [str(i) for i in items if isinstance(i, IngestError)]
    return items  # type: ignore[return-value]


def _jsonl(records: list[dict]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode()


RECORDS = [
    {"title": "Gates opened", "text": BODY, "url": "https://news.example/a", "published": "2019-05-02", "author": "Ana Ruiz"},
    {"headline": "Herds moved", "maintext": BODY2, "link": "https://news.example/b", "date_publish": "2019-05-03 10:00:00",
     "authors": ["Ben Ode", "Cy Pax"], "source": {"name": "Valley Post"}},
]


# --- whole-file formats ---------------------------------------------------------------------------

def test_plain_text_file(tmp_path):
    (tmp_path / "a.txt").write_text(BODY)
    (doc,) = _docs(tmp_path / "a.txt")
    assert (doc.kind, doc.content, doc.path) == ("text", BODY, str(tmp_path / "a.txt"))


def test_html_file_and_meta_charset(tmp_path):
    page = f'<html><head><meta charset="windows-1251"><title>Т</title></head><body><p>Москва. {BODY}</p></body></html>'
    (tmp_path / "page.htm").write_bytes(page.encode("cp1251"))
    (doc,) = _docs(tmp_path / "page.htm")
    assert doc.kind == "html" and "Москва" in doc.content


def test_html_recognised_by_content_whatever_the_name(tmp_path):
    (tmp_path / "page.bin").write_text(f"<!DOCTYPE html><html><body><p>{BODY}</p></body></html>")
    assert _docs(tmp_path / "page.bin")[0].kind == "html"


MARKDOWN = f"""---
title: "Flood gates opened"
date: 2019-05-02
author: [Ana Ruiz, Ben Ode]
---
<!-- draft note: check the figures -->
# Gates opened on the river

The **river authority** opened two flood gates on Thursday after a week of heavy rain,
its director [told reporters](https://news.example/a "interview") in the _valley_ town.
![a photo of the gates](gates.jpg)

## Farmers move herds

- {BODY2}

```text
gauge level 4.2 m
```
"""


def test_markdown_file_yields_markdown_with_front_matter(tmp_path):
    (tmp_path / "story.md").write_text(MARKDOWN)
    (doc,) = _docs(tmp_path / "story.md")
    assert doc.kind == "markdown" and doc.content == MARKDOWN
    assert (doc.title, doc.published, doc.authors) == ("Flood gates opened", "2019-05-02", ["Ana Ruiz", "Ben Ode"])


def test_markdown_to_text():
    text, title = markdown_to_text(MARKDOWN)
    assert title == "Flood gates opened"  # front matter wins over the first heading
    paragraphs = text.split("\n\n")
    assert paragraphs[0] == (
        "The river authority opened two flood gates on Thursday after a week of heavy rain, "
        "its director told reporters in the valley town."
    )
    assert paragraphs[1:] == ["Farmers move herds", BODY2, "gauge level 4.2 m"]
    for markup in ("**", "](", "![", "```", "<!--", "draft note", "---", "# "):
        assert markup not in text
    assert markdown_to_text("Intro\n=====\n\nBody *one* and snake_case_name.\n")[0] == "Body one and snake_case_name."
    assert markdown_to_text("# Title here\n\nText.")[1] == "Title here"


def test_markdown_is_cleaned_like_text():
    doc = RawDocument(origin="x.md", content=f"# Gates opened\n\nThe **river authority** said on Thursday:\n{BODY}\n", kind="markdown")
    article = clean_document(doc)
    assert isinstance(article, Article)
    assert article.title == "Gates opened" and "**" not in article.text and BODY in article.text


# --- WARC -----------------------------------------------------------------------------------------

def _warc(path: Path, records: list[tuple], gz: bool) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gz)
        for rec_type, uri, content_type, body in records:
            if rec_type == "request":
                http = StatusAndHeaders("GET / HTTP/1.1", [("Host", "news.example")], is_http_request=True)
            else:
                http = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
            record = writer.create_warc_record(uri, rec_type, payload=io.BytesIO(body), http_headers=http,
                                               warc_headers_dict={"WARC-Date": "2020-01-02T03:04:05Z"})
            writer.write_record(record)


def _page(text: str) -> bytes:
    return f"<html><head><title>Gates</title></head><body><article><p>{text}</p></article></body></html>".encode()


def test_warc_html_responses_only(tmp_path):
    path = tmp_path / "crawl.warc"
    _warc(path, [
        ("response", "https://news.example/a", "text/html; charset=utf-8", _page(BODY)),
        ("response", "https://news.example/logo.png", "image/png", b"\x89PNG\r\n\x1a\n\x00\x00"),
        ("response", "https://news.example/b", "text/html", _page(BODY2)),
    ], gz=False)
    docs = _docs(path)
    assert [d.url for d in docs] == ["https://news.example/a", "https://news.example/b"]
    assert docs[0].origin == f"{path}#record-1" and docs[1].origin == f"{path}#record-3"
    assert all(d.kind == "html" and d.fetched == "2020-01-02T03:04:05Z" and d.published is None for d in docs)
    assert BODY in docs[0].content


def test_warc_gz_skips_requests_and_non_html(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    _warc(path, [
        ("request", "https://news.example/a", None, b""),
        ("response", "https://news.example/a", "text/html; charset=windows-1252", _page("Le ministre a déclaré " + BODY).decode().encode("cp1252")),
        ("response", "https://news.example/feed.json", "application/json", b'{"text": "not a page"}'),
        ("metadata", "https://news.example/a", "application/warc-fields", b"via: test"),
    ], gz=True)
    (doc,) = _docs(path)
    assert doc.origin.endswith("crawl.warc.gz#record-2") and "déclaré" in doc.content
    article = clean_document(doc)
    assert isinstance(article, Article) and BODY in article.text and article.published is None


# --- record formats -------------------------------------------------------------------------------

def test_jsonl_with_default_field_names(tmp_path):
    path = tmp_path / "dump.jsonl"
    path.write_bytes(_jsonl(RECORDS))
    a, b = _docs(path)
    assert (a.origin, a.title, a.url, a.published, a.authors) == (f"{path}:1", "Gates opened", "https://news.example/a", "2019-05-02", ["Ana Ruiz"])
    assert (b.content, b.title, b.url, b.published) == (BODY2, "Herds moved", "https://news.example/b", "2019-05-03 10:00:00")
    assert (b.authors, b.outlet) == (["Ben Ode", "Cy Pax"], "Valley Post")


def test_jsonl_with_a_field_map_and_nested_fields(tmp_path):
    path = tmp_path / "dump.jsonl"
    path.write_bytes(_jsonl([{"payload": {"story": BODY}, "meta": {"when": 1556755200}, "body": "ignored"}]))
    (doc,) = _docs(path, fields=FieldMap(text="payload.story", date="meta.when"))
    assert doc.content == BODY and doc.published == "2019-05-02"


def test_html_field_and_html_in_a_text_field(tmp_path):
    path = tmp_path / "wp.jsonl"
    path.write_bytes(_jsonl([{"raw_html": f"<p>{BODY}</p>"}, {"content": {"rendered": f"<p>{BODY2}</p><p>More.</p>"}}]))
    a, b = _docs(path)
    assert a.kind == "html" and b.kind == "html" and BODY2 in b.content


def test_json_array_streams_records(tmp_path):
    path = tmp_path / "dump.json"
    big = "x" * (3 * 1024 * 1024)  # longer than one read, so a record spans several windows
    records = [RECORDS[0], {"text": BODY2, "notes": big}, RECORDS[1]]
    path.write_text(json.dumps(records, indent=2))
    docs = _docs(path)
    assert [d.content for d in docs] == [BODY, BODY2, BODY2]
    assert [d.origin for d in docs] == [f"{path}#0", f"{path}#1", f"{path}#2"]
    assert detect_format(path.read_bytes()[:100], None) == "json"


def test_json_array_memory_stays_flat(tmp_path):
    path = tmp_path / "many.json"
    with open(path, "w") as fh:
        fh.write("[")
        for i in range(2000):
            fh.write(("," if i else "") + json.dumps({"text": f"{BODY} {i} " * 60, "title": f"Story {i}"}))
        fh.write("]")
    size = path.stat().st_size
    tracemalloc.start()
    try:
        count = sum(1 for item in iter_documents([str(path)]) if isinstance(item, RawDocument))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 2000 and size > 12_000_000 and peak < 4 * 1024 * 1024, (size, peak)


def test_pretty_printed_single_object(tmp_path):
    path = tmp_path / "one.json"
    path.write_text(json.dumps(RECORDS[0], indent=2))
    (doc,) = _docs(path)
    assert doc.content == BODY


def test_csv_with_sniffed_delimiter_and_multiline_field(tmp_path):
    path = tmp_path / "articles.csv"
    path.write_text(f'Title;Text;Date\n"Gates opened";"{BODY}\n\n{BODY2}";2019-05-02\nempty;;\n"Herds moved";"{BODY2}";\n')
    items = _read(path)
    a = items[0]
    assert isinstance(a, RawDocument) and a.title == "Gates opened" and a.content == f"{BODY}\n\n{BODY2}" and a.published == "2019-05-02"
    assert a.origin == f"{path}:2"
    assert isinstance(items[1], IngestError) and items[1].origin == f"{path}:5" and "no text" in items[1].reason
    assert isinstance(items[2], RawDocument) and items[2].origin == f"{path}:6" and items[2].title == "Herds moved"


def test_tsv_with_a_chosen_text_column(tmp_path):
    path = tmp_path / "articles.tsv"
    path.write_text(f"id\tstory\theadline\n1\t{BODY}\tGates, opened\n")
    (doc,) = _docs(path, fields=FieldMap(text="story"))
    assert doc.content == BODY and doc.title == "Gates, opened"


RSS = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Valley Post</title>
  <link>https://news.example/</link>
  <item>
    <title>Gates opened</title>
    <link>https://news.example/a</link>
    <pubDate>Thu, 02 May 2019 18:30:00 +0200</pubDate>
    <dc:creator>Ana Ruiz</dc:creator>
    <description>Short teaser&nbsp;only.</description>
    <content:encoded><![CDATA[<p>{BODY}</p><p>{BODY2}</p>]]></content:encoded>
  </item>
  <item>
    <title>Herds moved</title>
    <guid>https://news.example/b</guid>
    <pubDate>not a date</pubDate>
    <description>{BODY2}</description>
  </item>
</channel>
</rss>
"""


def test_rss_items(tmp_path):
    path = tmp_path / "feed.rss"
    path.write_text(RSS)
    a, b = _docs(path)
    assert (a.origin, a.kind, a.title, a.url, a.published, a.authors, a.outlet) == (
        f"{path}#item-1", "html", "Gates opened", "https://news.example/a", "2019-05-02", ["Ana Ruiz"], "Valley Post")
    assert BODY in a.content
    assert (b.kind, b.content, b.url, b.published) == ("text", BODY2, "https://news.example/b", "not a date")
    article = clean_document(a)
    assert isinstance(article, Article) and BODY in article.text


ATOM = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Valley Post</title>
  <entry>
    <title>Gates opened</title>
    <link rel="alternate" href="https://news.example/a"/>
    <updated>2019-05-04T08:00:00Z</updated>
    <published>2019-05-02T23:30:00-05:00</published>
    <author><name>Ana Ruiz</name></author>
    <summary>Teaser.</summary>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>{BODY}</p><p>{BODY2}</p></div></content>
  </entry>
  <entry>
    <title>Herds moved</title>
    <updated>2019-05-03</updated>
    <summary type="html">&lt;p&gt;{BODY2}&lt;/p&gt;&lt;p&gt;More.&lt;/p&gt;</summary>
  </entry>
</feed>
"""


def test_atom_entries(tmp_path):
    path = tmp_path / "feed.xml"
    path.write_text(ATOM)
    a, b = _docs(path)
    assert (a.title, a.url, a.published, a.authors, a.outlet, a.kind) == (
        "Gates opened", "https://news.example/a", "2019-05-02", ["Ana Ruiz"], "Valley Post", "html")
    assert f"<p>{BODY}</p>" in a.content and "xmlns" not in a.content.split(">", 1)[1]
    assert (b.published, b.kind) == ("2019-05-03", "html") and BODY2 in b.content


# --- compression, stdin, overrides ------------------------------------------------------------------

@pytest.mark.parametrize("suffix,compress", [(".gz", gzip.compress), (".bz2", bz2.compress), (".xz", lzma.compress)])
def test_compressed_jsonl(tmp_path, suffix, compress):
    path = tmp_path / f"dump.jsonl{suffix}"
    path.write_bytes(compress(_jsonl(RECORDS)))
    assert [d.content for d in _docs(path)] == [BODY, BODY2]


def test_compression_is_recognised_by_magic_bytes(tmp_path):
    path = tmp_path / "dump.dat"  # neither the name nor the extension says gzip or JSON Lines
    path.write_bytes(gzip.compress(_jsonl(RECORDS)))
    assert [d.origin for d in _docs(path)] == [f"{path}:1", f"{path}:2"]


def test_stdin_any_format_and_compressed():
    (doc,) = list(iter_documents(["-"], stdin=BODY.encode()))
    assert (doc.origin, doc.path, doc.content) == ("<stdin>", None, BODY)
    docs = list(iter_documents(["-"], stdin=io.BytesIO(gzip.compress(_jsonl(RECORDS)))))
    assert [d.origin for d in docs] == ["<stdin>:1", "<stdin>:2"]
    docs = list(iter_documents(["-"], stdin=RSS.encode()))
    assert [d.title for d in docs] == ["Gates opened", "Herds moved"]
    (doc,) = list(iter_documents(["-"], stdin=f"[Valley Post] {BODY}".encode()))
    assert doc.kind == "text"  # a bracket that starts prose is not JSON


def test_format_override_on_a_misnamed_file(tmp_path):
    path = tmp_path / "export.txt"
    path.write_bytes(_jsonl(RECORDS))
    (as_text,) = _docs(path)
    assert as_text.kind == "text" and as_text.content.startswith('{"title"')
    assert [d.content for d in _docs(path, format="jsonl")] == [BODY, BODY2]
    with pytest.raises(ValueError):
        _read(path, format="docx")


def test_detect_format():
    assert detect_format(b"WARC/1.1\r\n", "notes.txt") == "warc"
    assert detect_format(b'<?xml version="1.0"?>\n<!-- c --><rss version="2.0">', None) == "rss"
    assert detect_format(b'<feed xmlns="http://www.w3.org/2005/Atom">', "x.txt") == "rss"
    assert detect_format(b"<!DOCTYPE html><html>", "page.bin") == "html"
    assert detect_format(b"plain words", "x.txt") == "text"
    assert detect_format(b'{"text": "x"}\n{"text": "y"}\n', "data.json") == "jsonl"
    assert detect_format(b'{"text": "x"}', None) == "jsonl"
    assert detect_format(b'[{"text": "x"}]', "data.jsonl") == "json"
    assert detect_format(b'{"text": "x"}', "x.txt") == "text"
    assert detect_format(b"---\ntitle: x\n---\nBody", None) == "markdown"
    assert detect_format(b"a,b\n1,2\n", "t.csv.gz") == "csv"
    assert detect_format(b"x", "crawl.warc.gz") == "warc"
    assert detect_format("# Título\n".encode("utf-16"), None) == "markdown"


def test_cli_input_options_reach_the_reader(tmp_path, monkeypatch):
    from newsevents import cli
    from newsevents.ingest.sniff import FORMATS

    assert cli.INPUT_FORMATS == ("auto", *FORMATS)
    seen = {}

    def fake_iter_documents(paths, stdin=None, *, format=None, fields=None, limits=None):
        seen.update(paths=paths, format=format, fields=fields)
        return iter(())

    class NoPipeline:  # the options are under test here, not the NLP
        def process(self, items, duplicates=None):
            return iter(items)

    monkeypatch.setattr("newsevents.ingest.readers.iter_documents", fake_iter_documents)
    monkeypatch.setattr("newsevents.pipeline.Pipeline", NoPipeline)
    args = ["extract", str(tmp_path), "--format", "csv", "--text-field", "story", "--title-field", "head",
            "--url-field", "link", "--date-field", "when", "--html-field", "page", "-q"]
    assert cli.main(args) == 0
    assert seen["format"] == "csv"
    assert seen["fields"] == FieldMap(text="story", html="page", title="head", url="link", date="when")
    args = cli.build_parser().parse_args(["ingest", str(tmp_path), "--format", "auto"])
    assert cli._input_options(args) == {"format": None, "fields": FieldMap()}
