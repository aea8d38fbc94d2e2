"""Ingest readers: discovery of inputs, decoding, format detection and bad inputs."""

from __future__ import annotations

import gzip
import json

from hypothesis import given, settings, strategies as st

from newsevents.ingest.readers import MAX_DOC_BYTES, decode_bytes, detect_format, iter_documents
from newsevents.model import IngestError, RawDocument


def _docs(paths, **kw):
    return list(iter_documents([str(p) for p in paths], **kw))


def test_folder_is_read_recursively_in_stable_order(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text("Second article text here.")
    (tmp_path / "1.txt").write_text("First article text here.")
    (tmp_path / ".hidden").write_text("not an article")
    items = _docs([tmp_path])
    assert [d.content for d in items] == ["First article text here.", "Second article text here."]


def test_glob_and_missing_path(tmp_path):
    (tmp_path / "a.txt").write_text("Alpha text.")
    (tmp_path / "b.md").write_text("Beta text.")
    items = list(iter_documents([str(tmp_path / "*.txt"), str(tmp_path / "nope.txt"), str(tmp_path / "*.xyz")]))
    assert isinstance(items[0], RawDocument) and items[0].content == "Alpha text."
    assert isinstance(items[1], IngestError) and "no such file" in items[1].reason
    assert isinstance(items[2], IngestError) and "no file matches" in items[2].reason


def test_empty_binary_and_oversized_files(tmp_path):
    (tmp_path / "empty.txt").write_text("   \n")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "packed.txt").write_bytes(gzip.compress(b"hello world " * 100))  # compressed, not binary
    big = tmp_path / "big.txt"
    with open(big, "wb") as fh:
        fh.seek(MAX_DOC_BYTES + 10)
        fh.write(b"x")
    items = _docs([tmp_path])
    reasons = {e.origin.rsplit("/", 1)[-1]: e.reason for e in items if isinstance(e, IngestError)}
    assert reasons["empty.txt"] == "empty file"
    assert "binary" in reasons["binary.txt"]
    assert "over the 20 MB limit" in reasons["big.txt"]
    (packed,) = [d for d in items if isinstance(d, RawDocument)]
    assert packed.content.startswith("hello world hello world")


def test_encodings_are_detected():
    text = "Le ministre a déclaré « très préoccupé » par la situation à Alep, selon l’agence."
    assert decode_bytes(text.encode("cp1252", errors="replace")) .startswith("Le ministre a déclaré")
    assert decode_bytes(text.encode("utf-16")) == text
    assert decode_bytes("Москва заявила о новых ударах по позициям боевиков в Сирии".encode("cp1251")).startswith("Москва")
    assert decode_bytes(b"\xef\xbb\xbfUTF-8 with a BOM") == "UTF-8 with a BOM"


def test_jsonl_records_and_broken_line(tmp_path):
    path = tmp_path / "wire.jsonl"
    lines = [
        json.dumps({"title": "A", "text": "Troops moved.", "url": "https://example.org/a", "published": "2016-01-02", "outlet": "Wire"}),
        "{not json",
        json.dumps({"headline": "no text field"}),
        json.dumps({"html": "<html><body><p>Hi</p></body></html>"}),
    ]
    path.write_text("\n".join(lines))
    items = _docs([path])
    assert isinstance(items[0], RawDocument) and items[0].title == "A" and items[0].published == "2016-01-02"
    assert items[0].origin.endswith("wire.jsonl:1")
    assert isinstance(items[1], IngestError) and items[1].origin.endswith(":2") and "does not parse" in items[1].reason
    assert isinstance(items[2], IngestError) and "no text" in items[2].reason
    assert isinstance(items[3], RawDocument) and items[3].kind == "html"


def test_stdin_is_read():
    items = list(iter_documents(["-"], stdin=b"Russia said on Monday it would send more aircraft."))
    assert items[0].origin == "<stdin>" and items[0].content.startswith("Russia said")


def test_kind_detection_by_content():
    assert detect_format(b"<!DOCTYPE html><html></html>", "page.bin") == "html"
    assert detect_format(b"plain words", "x.txt") == "text"
    assert detect_format(b'{"text": "x"}', "data.json") == "jsonl"
    assert detect_format(b'{"text": "x"}', None) == "jsonl"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_decoding_never_raises(data):
    result = decode_bytes(data)
    assert result is None or isinstance(result, str)
