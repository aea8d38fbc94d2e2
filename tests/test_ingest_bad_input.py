"""Ingest bad inputs: each is reported as an IngestError naming the file (and record), never raised,
and what could be read before it is kept. Fixtures are written here; the texts are invented."""

from __future__ import annotations

import builtins
import gzip
import io
import json
import os
import tracemalloc
import zlib

from hypothesis import HealthCheck, given, settings, strategies as st

from newsevents.ingest.limits import MiB, ReadLimits
from newsevents.ingest.readers import FORMATS, iter_documents
from newsevents.model import IngestError, RawDocument

BODY = "The harbour office closed the northern pier on Friday after storm damage, a spokesman said."


def _read(*paths, **kw) -> list[RawDocument | IngestError]:
    return list(iter_documents([str(p) for p in paths], **kw))


def _errors(items) -> list[IngestError]:
    return [i for i in items if isinstance(i, IngestError)]


def _lines(n: int, start: int = 0) -> bytes:
    return "".join(json.dumps({"text": f"{BODY} Item {i}."}) + "\n" for i in range(start, start + n)).encode()


def test_truncated_gzip_keeps_the_complete_records(tmp_path):
    data = gzip.compress(_lines(400))
    path = tmp_path / "dump.jsonl.gz"
    path.write_bytes(data[: len(data) - 40])
    items = _read(path)
    docs = [i for i in items if isinstance(i, RawDocument)]
    assert len(docs) > 300 and docs[0].content.endswith("Item 0.")
    (error,) = _errors(items)
    assert error.origin == str(path) and error.reason == "file is truncated (compressed stream ended early)"
    assert items[-1] is error


def _warc_bytes(pages: list[bytes]) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    for i, body in enumerate(pages):
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(f"https://news.example/{i}", "response", payload=io.BytesIO(body), http_headers=http))
    return out.getvalue()


def test_truncated_warc_record(tmp_path):
    data = _warc_bytes([f"<html><body><p>{BODY} Page {i}.</p></body></html>".encode() * 20 for i in range(3)])
    path = tmp_path / "crawl.warc"
    path.write_bytes(data[: len(data) - 500])  # the file now ends inside the third record
    items = _read(path)
    assert [type(i) for i in items] == [RawDocument, RawDocument, IngestError]
    assert items[2].origin == f"{path}#record-3" and "record 3 is truncated" in items[2].reason


def test_corrupt_warc_record_in_the_middle(tmp_path):
    good = _warc_bytes([b"<html><body><p>First page.</p></body></html>"])
    path = tmp_path / "crawl.warc"
    path.write_bytes(good + b"GARBAGE LINE\r\n\r\n" + good)
    items = _read(path)
    assert isinstance(items[0], RawDocument)
    assert isinstance(items[-1], IngestError) and "#record-2" in items[-1].origin and "corrupt" in items[-1].reason


def test_warc_record_with_a_wrong_length_is_reported_quietly(tmp_path, capfd):
    first, second = (_warc_bytes([f"<html><body><p>{BODY} Page {i}.</p></body></html>".encode()]) for i in (1, 2))
    length = int(second.split(b"Content-Length: ")[1].split(b"\r\n")[0])
    short = second.replace(f"Content-Length: {length}".encode(), f"Content-Length: {length - 9}".encode())
    path = tmp_path / "crawl.warc"
    path.write_bytes(first + short + first)
    items = _read(path)
    assert [type(i) for i in items] == [RawDocument, IngestError]
    assert items[1].origin == f"{path}#record-2" and "Content-Length" in items[1].reason
    assert capfd.readouterr().err == ""  # warcio would print a warning block here


def test_not_a_warc_when_forced(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text(BODY)
    (error,) = _read(path, format="warc")
    assert error.origin == str(path) and "not a WARC file" in error.reason


def test_malformed_json_line_in_the_middle(tmp_path):
    path = tmp_path / "dump.jsonl"
    path.write_bytes(_lines(2) + b'{"text": "broken\n' + b"[1, 2]\n" + _lines(2, start=2))
    items = _read(path)
    assert [type(i).__name__ for i in items] == ["RawDocument"] * 2 + ["IngestError"] * 2 + ["RawDocument"] * 2
    assert items[2].origin == f"{path}:3" and "does not parse" in items[2].reason
    assert items[3].origin == f"{path}:4" and "not an object" in items[3].reason


def test_malformed_json_array_keeps_earlier_records(tmp_path):
    path = tmp_path / "dump.json"
    path.write_text('[{"text": "One article."}, {"text": "Two articles."} {"text": "lost"}]')
    items = _read(path)
    assert [d.content for d in items[:2]] == ["One article.", "Two articles."]
    assert isinstance(items[2], IngestError) and "malformed after record 1" in items[2].reason
    path.write_text('[{"text": "One article."}, {"text": "Two')
    items = _read(path)
    assert isinstance(items[1], IngestError) and items[1].origin == f"{path}#1"


def test_csv_without_a_text_column_is_one_error(tmp_path):
    path = tmp_path / "table.csv"
    path.write_text("id,headline,when\n" + "".join(f"{i},Title {i},2020-01-0{i}\n" for i in range(1, 8)))
    (error,) = _read(path)
    assert error.origin == str(path)
    assert "no text column" in error.reason and "'id', 'headline', 'when'" in error.reason


def test_csv_row_over_the_limit_is_skipped(tmp_path):
    path = tmp_path / "table.csv"
    path.write_text(f'text\n"{BODY}"\n"{"x" * 5000}"\n"{BODY} Again."\n')
    items = _read(path, limits=ReadLimits(max_doc_bytes=1000))
    assert [type(i).__name__ for i in items] == ["RawDocument", "IngestError", "RawDocument"]
    assert items[1].origin == f"{path}:3" and "over the" in items[1].reason


def test_html_without_body_is_yielded_for_cleaning_to_reject(tmp_path):
    path = tmp_path / "empty.html"
    path.write_text("<html><head><title>Nothing here</title></head></html>")
    (doc,) = _read(path)
    assert isinstance(doc, RawDocument) and doc.kind == "html"


def test_a_200_mb_line_is_skipped_in_flat_memory(tmp_path):
    path = tmp_path / "huge.jsonl"
    block = b"y" * MiB
    with open(path, "wb") as fh:
        fh.write(json.dumps({"text": "Before the long line."}).encode() + b"\n")
        fh.write(b'{"text": "')
        for _ in range(200):
            fh.write(block)
        fh.write(b'"}\n')
        fh.write(json.dumps({"text": "After the long line."}).encode() + b"\n")
    tracemalloc.start()
    try:
        items = _read(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [type(i).__name__ for i in items] == ["RawDocument", "IngestError", "RawDocument"]
    assert items[1].origin == f"{path}:2" and "line 2 is over the 20 MB limit" in items[1].reason
    assert items[2].content == "After the long line."
    assert peak < 50 * MiB, f"peak {peak / MiB:.0f} MB"


def test_oversized_whole_file(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text(BODY * 100)
    (error,) = _read(path, limits=ReadLimits(max_doc_bytes=1000))
    assert "over the 1000 bytes limit" in error.reason
    gz = tmp_path / "big.txt.gz"
    gz.write_bytes(gzip.compress((BODY * 100).encode()))
    (error,) = _read(gz, limits=ReadLimits(max_doc_bytes=1000))
    assert "once decompressed over the 1000 bytes limit" in error.reason


def test_legacy_encodings_are_decoded(tmp_path):
    russian = "Министерство обороны заявило в пятницу, что войска отошли от границы."
    french = "Le ministère a déclaré vendredi que les troupes s’étaient retirées de la frontière."
    (tmp_path / "ru.txt").write_bytes(russian.encode("cp1251"))
    (tmp_path / "fr.txt").write_bytes(french.replace("’", "'").encode("latin-1"))
    (tmp_path / "utf16.txt").write_bytes(french.encode("utf-16"))
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + french.encode())
    (tmp_path / "ru.jsonl").write_bytes(json.dumps({"text": russian}, ensure_ascii=False).encode("cp1251") + b"\n")
    (tmp_path / "utf16.jsonl").write_bytes((json.dumps({"text": french}, ensure_ascii=False) + "\n").encode("utf-16"))
    (tmp_path / "utf16.csv").write_bytes(f'title,text\nX,"{french}"\n'.encode("utf-16"))
    docs = {os.path.basename(d.origin): d.content for d in _read(tmp_path)}
    assert docs["ru.txt"] == russian and docs["ru.jsonl:1"] == russian
    assert docs["fr.txt"] == french.replace("’", "'")
    assert docs["utf16.txt"] == french and docs["bom.txt"] == french
    assert docs["utf16.jsonl:1"] == french and docs["utf16.csv:2"] == french


def _bomb_gzip(path, mib: int, prefix: bytes = b"") -> None:
    """`mib` MiB of spaces, gzip-compressed as a stream: the file is small, its content is not.
    (Zeros would be rejected sooner, as binary.)"""
    squeeze = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b" " * MiB
    with open(path, "wb") as fh:
        fh.write(squeeze.compress(prefix))
        for _ in range(mib):
            fh.write(squeeze.compress(block))
        fh.write(squeeze.flush())


def test_gzip_bomb_is_stopped(tmp_path):
    path = tmp_path / "bomb.jsonl.gz"
    _bomb_gzip(path, 64, prefix=_lines(3))
    items = _read(path, limits=ReadLimits(max_decompressed_bytes=16 * MiB))
    assert [type(i).__name__ for i in items] == ["RawDocument"] * 3 + ["IngestError"]
    assert items[-1].origin == str(path) and "decompresses to over 16 MB" in items[-1].reason
    items = _read(path, limits=ReadLimits(ratio_min_bytes=4 * MiB, max_ratio=100))
    assert items[-1].origin == str(path) and "compression ratio over 100:1" in items[-1].reason


def test_unreadable_file_in_a_folder(tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_text(BODY)
    (tmp_path / "b.txt").write_text(BODY + " Second.")
    (tmp_path / "c.txt").write_text(BODY + " Third.")
    real_open = builtins.open
    locked = str(tmp_path / "b.txt")

    def fake_open(file, *args, **kwargs):  # tests run as root, where chmod 000 does not stop reading
        if str(file) == locked:
            raise PermissionError(13, "Permission denied", file)
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", fake_open)
    items = _read(tmp_path)
    assert [type(i).__name__ for i in items] == ["RawDocument", "IngestError", "RawDocument"]
    assert items[1].origin == locked and items[1].reason == "cannot read: Permission denied"


def test_unreadable_subfolder(tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_text(BODY)
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "b.txt").write_text(BODY)
    (tmp_path / "z.txt").write_text(BODY + " Last.")
    real_scandir = os.scandir
    locked = str(tmp_path / "locked")

    def fake_scandir(path="."):
        if str(path) == locked:
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", fake_scandir)
    items = _read(tmp_path)
    assert [type(i).__name__ for i in items] == ["RawDocument", "IngestError", "RawDocument"]
    assert items[1].origin == locked and "cannot read folder" in items[1].reason


def test_symlink_loops_neither_hang_nor_repeat(tmp_path):
    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "a.txt").write_text(BODY)
    (root / "sub" / "up").symlink_to(root)  # a loop back to the top
    (root / "sub" / "self").symlink_to(root / "sub")
    (root / "alias.txt").symlink_to(root / "sub" / "a.txt")  # a second name for a file the walk reaches
    (root / "itself").symlink_to(root / "itself")  # a link to itself cannot be followed at all
    outside = tmp_path / "outside.txt"
    outside.write_text(BODY + " Outside.")
    (root / "sub" / "out.txt").symlink_to(outside)
    items = _read(root)
    docs = [os.path.relpath(i.origin, root) for i in items if isinstance(i, RawDocument)]
    assert docs == [os.path.join("sub", "a.txt"), os.path.join("sub", "out.txt")]
    (error,) = _errors(items)
    assert error.origin.endswith("itself") and "cannot read" in error.reason


def test_unsupported_archive_and_binary(tmp_path):
    (tmp_path / "a.zip").write_bytes(b"PK\x03\x04" + bytes(100))
    (tmp_path / "b.jsonl").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "c.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    reasons = {os.path.basename(e.origin): e.reason for e in _read(tmp_path)}
    assert "zip archives are not read" in reasons["a.zip"]
    assert reasons["b.jsonl"] == "binary file, not text"
    assert "corrupt" in reasons["c.gz"] or "truncated" in reasons["c.gz"]


def test_feed_with_entity_declarations_is_refused(tmp_path):
    path = tmp_path / "feed.xml"
    path.write_text('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
                    "<rss><channel><item><description>&b;</description></item></channel></rss>")
    (error,) = _read(path)
    assert "declares its own entities" in error.reason


def test_broken_feed_keeps_earlier_items(tmp_path):
    path = tmp_path / "feed.rss"
    path.write_text(f"<rss><channel><item><description>{BODY}</description></item><item><description>oops</item></channel></rss>")
    items = _read(path)
    assert isinstance(items[0], RawDocument) and items[0].content == BODY
    assert isinstance(items[1], IngestError) and items[1].origin == f"{path}#item-2" and "does not parse" in items[1].reason


_MAGIC = st.sampled_from([b"", b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff", b"BZh9", b"\xfd7zXZ\x00", b"WARC/1.0\r\n",
                          b"<rss><channel><item>", b"[{", b'{"text":', b"\xff\xfe", b"---\n", b"text,title\n"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_MAGIC, st.binary(max_size=600), st.sampled_from((None, *FORMATS)))
def test_any_bytes_never_raise(magic, data, format):
    for item in iter_documents(["-"], stdin=magic + data, format=format, limits=ReadLimits(max_doc_bytes=256)):
        assert isinstance(item, (RawDocument, IngestError))
        if isinstance(item, IngestError):
            assert item.origin.startswith("<stdin>") and "\n" not in item.reason


def test_csv_reading_never_lowers_the_process_wide_field_limit(tmp_path):
    import csv

    before = csv.field_size_limit()
    path = tmp_path / "table.csv"
    path.write_text(f'text\n"{BODY}"\n')
    _read(path, limits=ReadLimits(max_doc_bytes=100))
    assert csv.field_size_limit() >= before  # other code in the process reads its own CSV files
