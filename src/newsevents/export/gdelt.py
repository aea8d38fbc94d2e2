"""GDELT 2.0 Events-style rows: 61 tab-separated columns, no header, one row per fused event.
docs/export.md says, column by column, what fills each one and why the others stay empty."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

import pyarrow as pa

from newsevents.export.writers import Writer, python_rows

COLUMNS = (
    "GlobalEventID", "Day", "MonthYear", "Year", "FractionDate",
    "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1KnownGroupCode", "Actor1EthnicCode",
    "Actor1Religion1Code", "Actor1Religion2Code", "Actor1Type1Code", "Actor1Type2Code", "Actor1Type3Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2KnownGroupCode", "Actor2EthnicCode",
    "Actor2Religion1Code", "Actor2Religion2Code", "Actor2Type1Code", "Actor2Type2Code", "Actor2Type3Code",
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    "Actor1Geo_Type", "Actor1Geo_FullName", "Actor1Geo_CountryCode", "Actor1Geo_ADM1Code", "Actor1Geo_ADM2Code",
    "Actor1Geo_Lat", "Actor1Geo_Long", "Actor1Geo_FeatureID",
    "Actor2Geo_Type", "Actor2Geo_FullName", "Actor2Geo_CountryCode", "Actor2Geo_ADM1Code", "Actor2Geo_ADM2Code",
    "Actor2Geo_Lat", "Actor2Geo_Long", "Actor2Geo_FeatureID",
    "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_ADM1Code", "ActionGeo_ADM2Code",
    "ActionGeo_Lat", "ActionGeo_Long", "ActionGeo_FeatureID",
    "DATEADDED", "SOURCEURL",
)
INDEX = {name: i for i, name in enumerate(COLUMNS)}

# The columns GDELT rows need, plus three from the first mention: its article's URL and outlet (SOURCEURL)
# and whether its sentence starts in the article's first paragraph (IsRootEvent). The joins run once in
# the query, not per batch: a lookup per batch would scan the mentions table again for every batch.
_LEAD_END = "CASE WHEN strpos(text, chr(10) || chr(10)) > 0 THEN strpos(text, chr(10) || chr(10)) - 1 ELSE length(text) END"
SQL = f"""
SELECT f.id, f.date, f.cameo, f.cameo_root, f.goldstein, f.quad_class,
       f.source_code, f.source_name, f.source_country, f.source_sector,
       f.target_code, f.target_name, f.target_country, f.target_sector,
       f.location_name, f.location_country, f.location_lat, f.location_lon, f.location_feature, f.location_geonames_id,
       f.n_mentions, f.n_articles, f.n_outlets, f.first_report,
       first_article.url AS first_url, first_article.outlet AS first_outlet,
       first_mention.sentence_start < first_article.lead_end AS in_lead
FROM fused_events f
LEFT JOIN events first_mention ON first_mention.id = f.first_mention
LEFT JOIN (SELECT id, url, outlet, {_LEAD_END} AS lead_end FROM articles) first_article
       ON first_article.id = first_mention.article_id
WHERE {{where}} ORDER BY coalesce(f.date, ?), f.id
"""

_FE_ID = re.compile(r"^fe([0-9a-f]{16})$")
_SPACE = re.compile(r"[\t\r\n]+")


def global_event_id(event_id: str) -> int:
    """The first 13 hex digits of our id's hash part as a number: stable, and below 2**52 so exact where
    numbers are doubles (R, JavaScript). Ids of another shape are hashed with SHA-256 first."""
    m = _FE_ID.match(event_id)
    digits = m.group(1) if m else hashlib.sha256(event_id.encode()).hexdigest()
    return int(digits[:13], 16)


@lru_cache(maxsize=1)
def countries() -> dict[str, tuple[str, str]]:
    """ISO3 -> (FIPS 10-4 code, name), from data/export/iso3_fips.tsv."""
    text = resources.files("newsevents.data.export").joinpath("iso3_fips.tsv").read_text("utf-8")
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#") or line.startswith("iso3\t"):
            continue
        iso3, fips, name = line.split("\t")
        out[iso3] = (fips, name)
    return out


def geo_type(feature: str | None, country: str | None) -> int | None:
    """GDELT's 1 country, 2 US state, 3 US city, 4 world city, 5 world state, from our feature."""
    us = country == "USA"
    if feature == "country":
        return 1
    if feature == "admin1":
        return 2 if us else 5
    if feature in ("city", "site", "admin2"):  # point-like places, finer than a first-level division
        return 3 if us else 4
    return None  # regions, continents, seas: GDELT has no type for them


def fraction_date(day: date) -> str:
    """YYYY.FFFF with FFFF = ((month - 1) * 30 + day) / 365, GDELT's approximation, in 0..0.9999."""
    return f"{day.year + ((day.month - 1) * 30 + day.day) / 365:.4f}"


def _text(value: Any) -> str:
    if value is None:
        return ""
    return repr(value) if isinstance(value, float) else str(value)


def _actor(code: str | None, name: str | None, country: str | None, sector: str | None) -> list[str]:
    if code and code.startswith("---"):  # our agent without a country ("---MIL"); GDELT writes just the role
        code = code[3:] or None
    return [code or "", name.upper() if name else "", country or "", "", "", "", "", sector or "", "", ""]


def row(r: dict[str, Any]) -> list[str]:
    """One fused event (a row of SQL, dates as ISO text) as the 61 GDELT fields."""
    out = [""] * len(COLUMNS)
    out[0] = str(global_event_id(r["id"]))
    day = r["date"]
    if day:  # ISO text: cut, not parsed, for speed
        out[1:5] = [day[:4] + day[5:7] + day[8:10], day[:4] + day[5:7], day[:4], fraction_date(date.fromisoformat(day))]
    out[5:15] = _actor(r["source_code"], r["source_name"], r["source_country"], r["source_sector"])
    out[15:25] = _actor(r["target_code"], r["target_name"], r["target_country"], r["target_sector"])
    if r["in_lead"] is not None:
        out[25] = "1" if r["in_lead"] else "0"
    cameo = r["cameo"]
    out[26:34] = [cameo or "", cameo[:3] if cameo else "", r["cameo_root"] or "", _text(r["quad_class"]),
                  _text(r["goldstein"]), _text(r["n_mentions"]), _text(r["n_outlets"]), _text(r["n_articles"])]
    lat, lon = r["location_lat"], r["location_lon"]
    if r["location_name"] is not None or lat is not None:
        iso3 = r["location_country"]
        fips, country_name = countries().get(iso3, ("", None)) if iso3 else ("", None)
        kind = geo_type(r["location_feature"], iso3)
        name = r["location_name"]
        if kind == 1:
            full = country_name or name or ""
        else:
            full = ", ".join(p for p in (name, country_name or iso3) if p)
        out[51:59] = [_text(kind), full, fips, fips if kind == 1 else "", "", _text(lat), _text(lon),
                      _text(r["location_geonames_id"])]
    report = r["first_report"]
    if report:
        out[59] = report[:4] + report[5:7] + report[8:10] + "000000"
    out[60] = r["first_url"] or r["first_outlet"] or ""
    return out


def line(fields: list[str]) -> str:
    """The fields tab-separated; a tab or line break inside a field (a name, a URL) becomes a space, since it
    would shift every column after it. Checked on the joined line: most lines need no cleaning."""
    text = "\t".join(fields)
    if text.count("\t") != len(fields) - 1 or "\n" in text or "\r" in text:
        text = "\t".join(_SPACE.sub(" ", f) for f in fields)
    return text + "\n"


class GdeltWriter(Writer):
    """Rows of SQL (see SQL above) to GDELT lines."""

    def write(self, batch: pa.RecordBatch) -> int:
        lines = [line(row(r)) for r in python_rows(batch)]
        self.sink.write("".join(lines).encode("utf-8"))
        return len(lines)
