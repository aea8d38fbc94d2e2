"""The row formats: CSV, JSON Lines, Parquet and GeoJSON, each fed Arrow record batches one at a time
(column mappings in docs/export.md). A writer holds at most one batch (Parquet: one row group)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any, BinaryIO

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

# newsevents.model.Quantity as a Parquet type; the database keeps quantities as JSON text
QUANTITIES = pa.list_(pa.struct([
    ("value", pa.float64()), ("unit", pa.string()), ("text", pa.string()), ("start", pa.int32()), ("end", pa.int32()),
]))
JSON_TEXT_COLUMNS = ("quantities",)  # strings holding JSON: parsed for JSON Lines, GeoJSON and Parquet
PARQUET_ROW_GROUP = 100_000
_to_json = json.JSONEncoder(ensure_ascii=False).encode  # one encoder: json.dumps with options builds one per call


def _nested(t: pa.DataType) -> bool:
    return pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_struct(t) or pa.types.is_map(t)


def _loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def python_rows(batch: pa.RecordBatch) -> Iterator[dict[str, Any]]:
    """The batch's rows as dicts of JSON values: dates as ISO text, JSON-text columns parsed."""
    columns: dict[str, list[Any]] = {}
    for name, col in zip(batch.schema.names, batch.columns):
        if pa.types.is_date(col.type) or pa.types.is_timestamp(col.type):
            col = col.cast(pa.string())
        values = col.to_pylist()  # column by column: much faster than building dicts in Arrow
        columns[name] = [_loads(v) for v in values] if name in JSON_TEXT_COLUMNS else values
    names = list(columns)
    for values in zip(*columns.values()):
        yield dict(zip(names, values))


class Writer:
    """Base: `write(batch)` returns the rows it wrote; `close()` finishes the file."""

    def __init__(self, sink: BinaryIO, schema: pa.Schema, metadata: dict[str, str]) -> None:
        self.sink = sink
        self.schema = schema
        self.metadata = metadata
        self.skipped = 0  # rows the format cannot hold (GeoJSON: no coordinates)

    def write(self, batch: pa.RecordBatch) -> int:
        raise NotImplementedError

    def close(self) -> None:
        pass


class CsvWriter(Writer):
    """RFC 4180 through Arrow's CSV writer: header, CRLF line ends, strings quoted (so "" is an empty
    string and an empty field a null), lists as JSON text."""

    def __init__(self, sink, schema, metadata) -> None:
        super().__init__(sink, schema, metadata)
        self.out_schema = pa.schema([pa.field(f.name, pa.string()) if _nested(f.type) else f for f in schema])
        options = pacsv.WriteOptions(include_header=True, eol="\r\n", quoting_style="needed")
        self.writer = pacsv.CSVWriter(sink, self.out_schema, write_options=options)

    def write(self, batch: pa.RecordBatch) -> int:
        columns = []
        for field, col in zip(batch.schema, batch.columns):
            if _nested(field.type):
                col = pa.array([None if v is None else _to_json(v) for v in col.to_pylist()], pa.string())
            columns.append(col)
        self.writer.write_batch(pa.RecordBatch.from_arrays(columns, schema=self.out_schema))
        return batch.num_rows

    def close(self) -> None:
        self.writer.close()


class JsonlWriter(Writer):
    def write(self, batch: pa.RecordBatch) -> int:
        lines = [_to_json(row) + "\n" for row in python_rows(batch)]
        self.sink.write("".join(lines).encode("utf-8"))
        return len(lines)


class GeoJsonWriter(Writer):
    """An RFC 7946 FeatureCollection written piece by piece: the opening, each feature as its batch
    comes, the closing. Rows without valid WGS84 coordinates are skipped and counted."""

    LAT, LON = "location_lat", "location_lon"

    def __init__(self, sink, schema, metadata) -> None:
        super().__init__(sink, schema, metadata)
        self.first = True
        self.sink.write(b'{"type": "FeatureCollection", "features": [\n')

    def write(self, batch: pa.RecordBatch) -> int:
        parts = []
        for row in python_rows(batch):
            lat, lon = row.pop(self.LAT, None), row.pop(self.LON, None)
            if lat is None or lon is None or not (math.isfinite(lat) and math.isfinite(lon)) \
                    or not (-90 <= lat <= 90 and -180 <= lon <= 180):
                self.skipped += 1
                continue
            feature = {"type": "Feature", "id": row.get("id"),
                       "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": row}
            parts.append(("" if self.first else ",\n") + _to_json(feature))
            self.first = False
        self.sink.write("".join(parts).encode("utf-8"))
        return len(parts)

    def close(self) -> None:
        self.sink.write(b"\n]}\n")


class ParquetWriter(Writer):
    """Typed columns as the database gives them (DATE as date32, INTEGER as int32, lists as lists),
    quantities as a list of structs, zstd-compressed, with the export's provenance as key/value metadata.
    Batches are gathered into row groups of about PARQUET_ROW_GROUP rows."""

    def __init__(self, sink, schema, metadata) -> None:
        super().__init__(sink, schema, metadata)
        fields = [pa.field(f.name, QUANTITIES) if f.name in JSON_TEXT_COLUMNS else f for f in schema]
        self.out_schema = pa.schema(fields, metadata=metadata)
        self.writer = pq.ParquetWriter(sink, self.out_schema, compression="zstd")
        self.pending: list[pa.RecordBatch] = []
        self.pending_rows = 0

    def write(self, batch: pa.RecordBatch) -> int:
        columns = []
        for field, col in zip(batch.schema, batch.columns):
            if field.name in JSON_TEXT_COLUMNS:
                col = pa.array([_loads(v) for v in col.to_pylist()], QUANTITIES)
            columns.append(col)
        self.pending.append(pa.RecordBatch.from_arrays(columns, schema=self.out_schema))
        self.pending_rows += batch.num_rows
        if self.pending_rows >= PARQUET_ROW_GROUP:
            self._flush()
        return batch.num_rows

    def _flush(self) -> None:
        if self.pending:
            self.writer.write_table(pa.Table.from_batches(self.pending, self.out_schema), row_group_size=self.pending_rows)
        self.pending, self.pending_rows = [], 0

    def close(self) -> None:
        self._flush()
        self.writer.close()


WRITERS: dict[str, type[Writer]] = {"csv": CsvWriter, "jsonl": JsonlWriter, "geojson": GeoJsonWriter, "parquet": ParquetWriter}
