"""The gazetteer's storage: column arrays plus a name index, compact enough to unpickle in well under a
second (arrays unpickle as raw bytes; a dataclass per place would not)."""

from __future__ import annotations

import re
import unicodedata
from array import array
from dataclasses import dataclass, field

SMALL_PLACE = 50_000  # people: smaller towns count only where the article is (geo.places)
FEATURES = ("country", "admin1", "admin2", "city", "continent", "region", "water", "base", "crossing")
_ARTICLES = ("al ", "el ", "ad ", "ar ", "as ", "an ", "at ", "az ", "ash ", "ed ", "es ")


def place_key(name: str) -> str:
    """Fold a place name for lookup: no accents, case, apostrophes or hyphens."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.lower().replace("’", "'").replace("‘", "'").replace("'", "").replace("`", "")
    text = re.sub(r"[-‐–—_.]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def key_variants(name: str) -> list[str]:
    """The name's key, and without an Arabic article ("al-Qaryatayn" is also "Qaryatayn")."""
    key = place_key(name)
    out = [key]
    for article in _ARTICLES:
        if key.startswith(article) and len(key) > len(article) + 2:
            out.append(key[len(article):])
    return out


@dataclass
class Tables:
    names: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)  # ISO3, "" for continents and seas
    lat: array = field(default_factory=lambda: array("f"))
    lon: array = field(default_factory=lambda: array("f"))
    population: array = field(default_factory=lambda: array("q"))
    feature: array = field(default_factory=lambda: array("b"))  # index into FEATURES
    geonames_id: array = field(default_factory=lambda: array("q"))  # 0 when unknown
    admin1: array = field(default_factory=lambda: array("i"))  # row of the first-level division, -1
    capitals: set[int] = field(default_factory=set)  # rows of national capitals: news names them most
    index: dict[str, int | tuple[int, ...]] = field(default_factory=dict)
