"""`newsevents export`: every format read back and compared with the same rows read from the database
by SQL, filters, the mention level, GeoJSON and GDELT layout, empty results and unwritable outputs."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from newsevents import cli
from newsevents.export import ExportError, export
from newsevents.export import gdelt as gd
from newsevents.store import Store
from newsevents.store.database import open_reader
from newsevents.store.filters import EventFilter

FILTERS = [{}, {"country": "SYR"}, {"root": "19"}, {"asserted_only": True}, {"since": "2100-01-01"}]
FILTER_IDS = ["all", "country-SYR", "root-19", "asserted-only", "nothing"]
FAR = "DATE '9999-12-31'"


@pytest.fixture(scope="module")
def db(tmp_path_factory, sample_articles) -> Path:
    path = tmp_path_factory.mktemp("export") / "news.duckdb"
    store = Store(path, publish_every=None)
    for article in sample_articles:
        store.add(article)
    store.close()
    return path


@pytest.fixture(scope="module")
def con(db):
    connection = open_reader(db)
    yield connection
    connection.close()


def _expected(con, flt: EventFilter, level: str) -> tuple[pa.Schema, list[dict]]:
    """The rows an export should hold, read with our own SQL, in (date, id) order."""
    if level == "fused":
        where, params = flt.where("fused", "f")
        sql = f"SELECT f.* EXCLUDE (actor_keys) FROM fused_events f WHERE {where} ORDER BY coalesce(f.date, {FAR}), f.id"
    else:
        where, params = flt.where("mention", "e")
        sql = ("SELECT e.*, fm.fused_id, a.title AS article_title, a.outlet, a.url, a.published FROM events e"
               " JOIN articles a ON a.id = e.article_id LEFT JOIN fused_mentions fm ON fm.event_id = e.id"
               f" WHERE {where} ORDER BY coalesce(e.date, {FAR}), e.id")
    table = con.sql(sql, params=params).to_arrow_table()
    return table.schema, table.to_pylist()


def _count(con, flt: EventFilter, level: str) -> int:
    table, alias = ("fused_events", "f") if level == "fused" else ("events", "e")
    where, params = flt.where(level, alias)
    return con.execute(f"SELECT count(*) FROM {table} {alias} WHERE {where}", params).fetchall()[0][0]


def _from_text(value: str, t: pa.DataType):
    """A CSV field back to the value of its database type (an unquoted empty field is a null)."""
    if pa.types.is_string(t):
        return value
    if value == "":
        return None
    if pa.types.is_date(t):
        return date.fromisoformat(value)
    if pa.types.is_boolean(t):
        return {"true": True, "false": False}[value]
    if pa.types.is_integer(t):
        return int(value)
    if pa.types.is_floating(t):
        return float(value)
    if pa.types.is_list(t):
        return json.loads(value)
    raise AssertionError(f"unexpected type {t}")


def _same(a, b) -> bool:
    """Equal values of the same type (1 == 1.0 is not enough)."""
    return a == b and type(a) is type(b)


@pytest.fixture(params=list(zip(FILTER_IDS, FILTERS)), ids=FILTER_IDS)
def flt(request) -> EventFilter:
    return EventFilter.parse(**request.param[1])


LEVELS = ["fused", "mention"]


# --- round trips -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("level", LEVELS)
def test_csv_round_trip(con, flt, level, tmp_path):
    out = tmp_path / "out.csv"
    n = export(con, flt, "csv", str(out), level)
    schema, expected = _expected(con, flt, level)
    raw = out.read_bytes()
    assert raw.startswith(b'"id",') and not raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in raw  # RFC 4180 line ends
    with out.open(newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = list(reader)
    assert header == schema.names
    assert n == len(rows) == len(expected) == _count(con, flt, level)
    for got, want in zip(rows, expected):
        for name, text in zip(header, got):
            t = schema.field(name).type
            value = want[name]
            if name == "quantities":
                assert json.loads(text) == json.loads(value), name
            elif pa.types.is_string(t):
                assert text == (value if value is not None else ""), name  # csv cannot tell "" from a null
            else:
                assert _same(_from_text(text, t), value) or (value is None and text == ""), (name, text, value)


@pytest.mark.parametrize("level", LEVELS)
def test_jsonl_round_trip(con, flt, level, tmp_path):
    out = tmp_path / "out.jsonl"
    n = export(con, flt, "jsonl", str(out), level)
    schema, expected = _expected(con, flt, level)
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert n == len(rows) == len(expected) == _count(con, flt, level)
    for got, want in zip(rows, expected):
        assert list(got) == schema.names
        for name in schema.names:
            value = want[name]
            if isinstance(value, date):
                value = value.isoformat()
            if name == "quantities":
                value = json.loads(value) if value is not None else None
                assert isinstance(got[name], list) or got[name] is None
            assert _same(got[name], value), (name, got[name], value)


@pytest.mark.parametrize("level", LEVELS)
def test_parquet_round_trip(con, flt, level, tmp_path):
    out = tmp_path / "out.parquet"
    n = export(con, flt, "parquet", str(out), level)
    schema, expected = _expected(con, flt, level)
    table = pq.read_table(out)
    assert n == table.num_rows == len(expected) == _count(con, flt, level)
    assert table.schema.names == schema.names
    s = table.schema
    assert s.field("date").type == pa.date32()
    assert s.field("goldstein").type == pa.float64() and s.field("location_lat").type == pa.float64()
    assert s.field("quad_class").type == pa.int32() and s.field("location_geonames_id").type == pa.int64()
    if level == "fused":
        assert s.field("first_report").type == pa.date32() and s.field("n_mentions").type == pa.int32()
        assert s.field("factual").type == pa.bool_()
        assert pa.types.is_list(s.field("outlets").type) and s.field("outlets").type.value_type == pa.string()
    else:
        assert s.field("published").type == pa.date32() and s.field("sentence_start").type == pa.int32()
        q = s.field("quantities").type
        assert pa.types.is_list(q) and pa.types.is_struct(q.value_type)
        assert {f.name: f.type for f in q.value_type} == {"value": pa.float64(), "unit": pa.string(), "text": pa.string(),
                                                          "start": pa.int32(), "end": pa.int32()}
    meta = {k.decode(): v.decode() for k, v in s.metadata.items()}
    from newsevents import __version__

    assert meta["newsevents.version"] == __version__ and meta["newsevents.schema_version"] == "3"
    assert meta["newsevents.level"] == level
    assert EventFilter.parse(**json.loads(meta["newsevents.filter"])) == flt
    assert pq.ParquetFile(out).metadata.row_group(0).column(0).compression.lower() == "zstd" if n else True
    for got, want in zip(table.to_pylist(), expected):
        for name in schema.names:
            value = want[name]
            if name == "quantities":
                value = json.loads(value) if value is not None else None
            assert _same(got[name], value), (name, got[name], value)


@pytest.mark.parametrize("level", LEVELS)
def test_geojson_is_valid_and_holds_the_located_rows(con, flt, level, tmp_path):
    out = tmp_path / "out.geojson"
    notes = []
    n = export(con, flt, "geojson", str(out), level, notice=notes.append)
    schema, expected = _expected(con, flt, level)
    doc = json.loads(out.read_text("utf-8"))
    assert doc["type"] == "FeatureCollection" and "crs" not in doc
    located = [r for r in expected if r["location_lat"] is not None and r["location_lon"] is not None]
    assert n == len(doc["features"]) == len(located)
    skipped = len(expected) - len(located)
    assert notes == ([f"{skipped} rows without coordinates left out (a GeoJSON feature needs a point)"] if skipped else [])
    for feature, want in zip(doc["features"], located):
        assert feature["type"] == "Feature" and feature["id"] == want["id"]
        geometry = feature["geometry"]
        assert geometry["type"] == "Point"
        lon, lat = geometry["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        assert (lon, lat) == (want["location_lon"], want["location_lat"])
        props = feature["properties"]
        assert list(props) == [c for c in schema.names if c not in ("location_lat", "location_lon")]
        assert props["date"] == (want["date"].isoformat() if want["date"] else None)
        assert props["cameo"] == want["cameo"] and props["location_name"] == want["location_name"]


# --- GDELT -----------------------------------------------------------------------------------------------


def _gdelt_expected(con, flt) -> list[dict]:
    """Fused events with the first mention's article URL, outlet, text and sentence start."""
    where, params = flt.where("fused", "f")
    sql = (f"SELECT f.*, a.url, a.outlet AS first_outlet, a.text, e.sentence_start FROM fused_events f"
           " JOIN fused_mentions fm ON fm.fused_id = f.id AND fm.position = 0"
           " JOIN events e ON e.id = fm.event_id JOIN articles a ON a.id = fm.article_id"
           f" WHERE {where} ORDER BY coalesce(f.date, {FAR}), f.id")
    return con.sql(sql, params=params).to_arrow_table().to_pylist()


def test_gdelt_columns_in_their_places(con, flt, tmp_path):
    out = tmp_path / "out.tsv"
    n = export(con, flt, "gdelt", str(out))
    expected = _gdelt_expected(con, flt)
    with out.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert n == len(rows) == len(expected) == _count(con, flt, "fused")
    col = gd.INDEX
    assert len(gd.COLUMNS) == 61
    for got, want in zip(rows, expected):
        assert len(got) == 61
        assert got[col["GlobalEventID"]] == str(int(want["id"][2:15], 16))
        day = want["date"]
        assert got[col["Day"]] == (day.strftime("%Y%m%d") if day else "")
        assert got[col["MonthYear"]] == (day.strftime("%Y%m") if day else "")
        assert got[col["Year"]] == (str(day.year) if day else "")
        if day:
            assert 0 <= float(got[col["FractionDate"]]) - day.year < 1
        assert got[col["Actor1Code"]] == (want["source_code"] or "").removeprefix("---")
        assert got[col["Actor1Name"]] == (want["source_name"] or "").upper()
        assert got[col["Actor1CountryCode"]] == (want["source_country"] or "")
        assert got[col["Actor1Type1Code"]] == (want["source_sector"] or "")
        assert got[col["Actor2Code"]] == (want["target_code"] or "").removeprefix("---")
        assert got[col["Actor2CountryCode"]] == (want["target_country"] or "")
        assert got[col["Actor2Type1Code"]] == (want["target_sector"] or "")
        lead = want["text"].find("\n\n")
        assert got[col["IsRootEvent"]] == str(int(want["sentence_start"] < (lead if lead >= 0 else len(want["text"]))))
        assert got[col["EventCode"]] == want["cameo"] and got[col["EventRootCode"]] == want["cameo_root"]
        assert got[col["EventBaseCode"]] == want["cameo"][:3] and want["cameo"].startswith(want["cameo_root"])
        assert int(got[col["QuadClass"]]) == want["quad_class"] and float(got[col["GoldsteinScale"]]) == want["goldstein"]
        assert int(got[col["NumMentions"]]) == want["n_mentions"] and int(got[col["NumArticles"]]) == want["n_articles"]
        assert int(got[col["NumSources"]]) == want["n_outlets"]
        assert got[col["AvgTone"]] == ""
        assert all(v == "" for v in got[col["Actor1Geo_Type"]:col["ActionGeo_Type"]])  # we place events, not actors
        if want["location_lat"] is not None:
            assert float(got[col["ActionGeo_Lat"]]) == want["location_lat"]
            assert float(got[col["ActionGeo_Long"]]) == want["location_lon"]
            assert got[col["ActionGeo_FeatureID"]] == str(want["location_geonames_id"] or "")
            assert got[col["ActionGeo_CountryCode"]] == gd.countries()[want["location_country"]][0]
            kind = gd.geo_type(want["location_feature"], want["location_country"])
            assert got[col["ActionGeo_Type"]] == (str(kind) if kind else "")
        else:
            assert got[col["ActionGeo_Lat"]] == got[col["ActionGeo_Type"]] == ""
        report = want["first_report"]
        assert got[col["DATEADDED"]] == (report.strftime("%Y%m%d") + "000000" if report else "")
        assert got[col["SOURCEURL"]] == (want["url"] or want["first_outlet"] or "")


def test_gdelt_country_codes_are_fips(con, tmp_path):
    out = tmp_path / "syr.tsv"
    export(con, EventFilter.parse(country="SYR"), "gdelt", str(out))
    rows = [line.split("\t") for line in out.read_text("utf-8").splitlines()]
    located = [r for r in rows if r[gd.INDEX["ActionGeo_FullName"]].endswith("Syria")]
    assert located and all(r[gd.INDEX["ActionGeo_CountryCode"]] == "SY" for r in located)
    assert gd.countries()["GBR"][0] == "UK" and gd.countries()["IRQ"][0] == "IZ" and gd.countries()["RUS"][0] == "RS"


def test_gdelt_helpers():
    assert gd.global_event_id("fe0123456789abcdef") == 0x0123456789abc < 2 ** 52
    assert gd.global_event_id("fe0123456789abcdef") == gd.global_event_id("fe0123456789abcdef")
    assert 0 <= gd.global_event_id("not-ours") < 2 ** 52
    assert gd.fraction_date(date(2016, 1, 1)) == "2016.0027" and gd.fraction_date(date(2016, 12, 31)) == "2016.9890"
    assert [gd.geo_type(f, c) for f, c in [("country", "USA"), ("admin1", "USA"), ("city", "USA"), ("city", "SYR"),
                                             ("admin1", "SYR"), ("site", "LBY"), ("water", None)]] == [1, 2, 3, 4, 5, 4, None]
    fields = gd.row({"id": "fe0000000000000001", "date": None, "cameo": None, "cameo_root": None, "goldstein": None,
                     "quad_class": None, "source_code": "---MIL", "source_name": "army\tunit", "source_country": None,
                     "source_sector": "MIL", "target_code": None, "target_name": None, "target_country": None,
                     "target_sector": None, "location_name": None, "location_country": None, "location_lat": None,
                     "location_lon": None, "location_feature": None, "location_geonames_id": None, "n_mentions": 1,
                     "n_articles": 1, "n_outlets": 0, "first_report": None, "first_url": None, "first_outlet": None,
                     "in_lead": None})
    assert len(fields) == 61 and fields[5:7] == ["MIL", "ARMY\tUNIT"]
    text = gd.line(fields)
    assert text.endswith("\n") and text.count("\t") == 60 and text.split("\t")[6] == "ARMY UNIT"


def test_gdelt_refuses_the_mention_level(con, tmp_path):
    with pytest.raises(ExportError, match="GDELT rows are events"):
        export(con, EventFilter(), "gdelt", str(tmp_path / "m.tsv"), level="mention")
    assert not list(tmp_path.iterdir())


# --- levels, filters, schema -----------------------------------------------------------------------------


def test_filters_narrow_the_export(con, tmp_path):
    out = tmp_path / "syr.jsonl"
    export(con, EventFilter.parse(country="SYR", root="19"), "jsonl", str(out))
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert rows and all("SYR" in (r["source_country"], r["target_country"], r["location_country"]) for r in rows)
    assert all(r["cameo_root"] == "19" for r in rows)
    out = tmp_path / "asserted.jsonl"
    export(con, EventFilter.parse(asserted_only=True), "jsonl", str(out), level="mention")
    assert all(json.loads(line)["modality"] == "asserted" for line in out.read_text("utf-8").splitlines())


def test_mentions_carry_their_fused_event_and_article(con, tmp_path):
    out = tmp_path / "m.jsonl"
    export(con, EventFilter(), "jsonl", str(out), level="mention")
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    links = dict(con.execute("SELECT event_id, fused_id FROM fused_mentions").fetchall())
    assert rows and all(r["fused_id"] == links[r["id"]] for r in rows)
    assert all({"article_title", "outlet", "url", "published", "sentence", "trigger_text"} <= set(r) for r in rows)


@pytest.mark.parametrize("level", LEVELS)
def test_empty_schema_matches_the_stream(con, level):
    from newsevents.export import INTERNAL_COLUMNS, _empty_batch
    from newsevents.store.query import stream

    first = next(iter(stream(con, EventFilter(), level, 10)))
    keep = [f for f in first.schema if f.name not in INTERNAL_COLUMNS]
    assert _empty_batch(con, level).schema.equals(pa.schema(keep))


def test_empty_results_write_valid_empty_files(con, tmp_path):
    nothing = EventFilter.parse(since="2100-01-01")
    for fmt in ("csv", "jsonl", "parquet", "gdelt", "geojson"):
        assert export(con, nothing, fmt, str(tmp_path / f"empty.{fmt}")) == 0
    csv_lines = (tmp_path / "empty.csv").read_text("utf-8").splitlines()
    assert len(csv_lines) == 1 and csv_lines[0].startswith('"id","date"')
    assert json.loads((tmp_path / "empty.geojson").read_text("utf-8")) == {"type": "FeatureCollection", "features": []}
    table = pq.read_table(tmp_path / "empty.parquet")
    assert table.num_rows == 0 and table.schema.field("date").type == pa.date32() and "outlets" in table.schema.names
    assert (tmp_path / "empty.jsonl").read_bytes() == b"" and (tmp_path / "empty.gdelt").read_bytes() == b""


def test_settings_are_restored_and_oom_is_retried(con, tmp_path, monkeypatch):
    import newsevents.export as ex

    before = con.execute("SELECT current_setting('memory_limit'), current_setting('temp_directory')").fetchall()[0]
    real = ex._sql_batches
    calls = []

    def flaky(*args):
        calls.append(con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0])
        if len(calls) == 1:  # fails as the query would: when its first batch is asked for
            def failing():
                raise duckdb.OutOfMemoryException("Out of Memory Error: could not allocate block")
                yield
            return failing()
        return real(*args)

    monkeypatch.setattr(ex, "_sql_batches", flaky)
    assert export(con, EventFilter(), "csv", str(tmp_path / "a.csv")) == _count(con, EventFilter(), "fused")
    assert len(calls) == 2 and calls[0] != calls[1]  # the second try had a bigger budget
    after = con.execute("SELECT current_setting('memory_limit'), current_setting('temp_directory')").fetchall()[0]
    assert after == before


# --- outputs and errors ----------------------------------------------------------------------------------


def test_private_spill_folder_when_the_database_folder_is_read_only(con, tmp_path, monkeypatch):
    import newsevents.export as ex

    before = con.execute("SELECT current_setting('temp_directory')").fetchall()[0][0]
    seen = []
    real = ex._sql_batches

    def spy(*args):
        seen.append(con.execute("SELECT current_setting('temp_directory')").fetchall()[0][0])
        return real(*args)

    monkeypatch.setattr(ex, "_writable", lambda folder: False)
    monkeypatch.setattr(ex, "_sql_batches", spy)
    export(con, EventFilter(), "csv", str(tmp_path / "a.csv"))
    assert seen and "newsevents-export-" in seen[0] and not Path(seen[0]).exists()  # used, then removed
    assert con.execute("SELECT current_setting('temp_directory')").fetchall()[0][0] == before


def test_missing_directories_are_created_and_files_replaced(con, tmp_path):
    out = tmp_path / "a" / "b" / "events.csv"
    export(con, EventFilter(), "csv", str(out))
    assert out.exists()
    out.write_text("old")
    export(con, EventFilter(), "csv", str(out))
    assert out.read_text("utf-8").startswith('"id"')
    assert [p.name for p in out.parent.iterdir()] == ["events.csv"]  # no temporary file left


def test_a_failed_export_leaves_no_file(con, tmp_path, monkeypatch):
    from newsevents.export import writers

    def full(self, batch):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writers.JsonlWriter, "write", full)
    out = tmp_path / "events.jsonl"
    with pytest.raises(ExportError, match="No space left on device"):
        export(con, EventFilter(), "jsonl", str(out))
    assert not list(tmp_path.iterdir())
    out.write_text("previous export")
    with pytest.raises(ExportError):
        export(con, EventFilter(), "jsonl", str(out))
    assert out.read_text() == "previous export" and [p.name for p in tmp_path.iterdir()] == ["events.jsonl"]


@pytest.mark.parametrize("fmt, output, message", [
    ("csv", "{tmp}/file.txt/out.csv", "file.txt is a file, not a folder"),
    ("csv", "{tmp}/file.txt/deeper/out.csv", "file.txt is a file, not a folder"),
    ("csv", "{tmp}", "is a directory"),
    ("parquet", "-", "standard output"),
    ("xlsx", "{tmp}/out.xlsx", "unknown format"),
    ("csv", "{db}", "over the database"),
])
def test_unusable_outputs_are_refused(con, db, tmp_path, fmt, output, message):
    (tmp_path / "file.txt").write_text("a file, not a folder")
    with pytest.raises(ExportError, match=message):
        export(con, EventFilter(), fmt, output.format(tmp=tmp_path, db=db))
    assert db.stat().st_size > 0


def test_read_only_directory(con, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as root: permissions do not stop us writing")
        with pytest.raises(ExportError, match="cannot write"):
            export(con, EventFilter(), "csv", str(folder / "out.csv"))
    finally:
        folder.chmod(0o755)


def test_permission_denied_is_explained(con, db, tmp_path, monkeypatch, capsys):
    from newsevents.export import target

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(target.os, "open", denied)  # what a read-only folder does to anyone but root
    with pytest.raises(ExportError, match="cannot write .*: Permission denied"):
        export(con, EventFilter(), "csv", str(tmp_path / "out.csv"))
    assert cli.main(["export", "--db", str(db), "--format", "gdelt", "-o", str(tmp_path / "out.tsv")]) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"newsevents export: error: cannot write {tmp_path / 'out.tsv'}: Permission denied"


def test_cli_exits_2_with_one_line(db, tmp_path, capsys):
    (tmp_path / "file.txt").write_text("x")
    code = cli.main(["export", "--db", str(db), "--format", "csv", "-o", str(tmp_path / "file.txt" / "out.csv")])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert err.startswith("newsevents export: error: cannot write") and "is a file, not a folder" in err
    code = cli.main(["export", "--db", str(db), "--format", "parquet", "-o", "-"])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and "standard output" in err


def test_cli_subprocess_to_stdout_and_refusal(db, con, tmp_path):
    run = [sys.executable, "-m", "newsevents", "export", "--db", str(db)]
    proc = subprocess.run(run + ["--format", "jsonl", "--root", "19", "-o", "-"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.splitlines()) == _count(con, EventFilter.parse(root="19"), "fused") > 0
    (tmp_path / "file.txt").write_text("x")
    proc = subprocess.run(run + ["--format", "geojson", "-o", str(tmp_path / "file.txt" / "x.geojson")],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
    proc = subprocess.run(run + ["--format", "geojson", "-o", str(tmp_path / "ok.geojson")], capture_output=True, text=True)
    assert proc.returncode == 0 and "without coordinates left out" in proc.stderr and "rows written" in proc.stderr
    assert json.loads((tmp_path / "ok.geojson").read_text())["features"]
