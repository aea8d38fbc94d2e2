"""The event filters shared by `newsevents events`, `export` and the HTTP API, parsed and checked in one
place and turned into a parameterised SQL condition (a value never becomes SQL text)."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from newsevents.model import MODALITIES

_CODE = re.compile(r"^[A-Z0-9-]{3,15}$")
_ISO3 = re.compile(r"^[A-Z]{3}$")


class FilterError(ValueError):
    """A filter value that cannot be used; the message names the filter and says what is expected."""


@dataclass(frozen=True)
class EventFilter:
    actor: str | None = None
    source: str | None = None
    target: str | None = None
    dyad: tuple[str, str] | None = None
    country: str | None = None
    roots: tuple[str, ...] = ()
    code: str | None = None
    plover: tuple[str, ...] = ()
    quad: tuple[int, ...] = ()
    modality: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None
    place: str | None = None
    bbox: tuple[float, float, float, float] | None = None
    min_sources: int | None = None
    q: str | None = None

    NAMES = ("actor", "source", "target", "dyad", "country", "root", "code", "plover", "quad", "modality",
             "asserted_only", "since", "until", "place", "bbox", "min_sources", "q")

    @classmethod
    def parse(cls, **raw: Any) -> EventFilter:
        """Build a filter from user strings (CLI options, query parameters); None and "" mean unset.
        Raises FilterError for a malformed value."""
        unknown = set(raw) - set(cls.NAMES)
        if unknown:
            raise FilterError(f"unknown filter {sorted(unknown)[0]!r}; filters are {', '.join(cls.NAMES)}")
        v = {k: (x.strip() if isinstance(x, str) else x) for k, x in raw.items() if x not in (None, "", False)}
        out: dict[str, Any] = {}
        if "actor" in v:
            out["actor"] = _text("actor", v["actor"])
        for side in ("source", "target"):
            if side in v:
                out[side] = _code(side, v[side])
        if "dyad" in v:
            parts = [p.strip() for p in str(v["dyad"]).split(",")]
            if len(parts) != 2 or not all(parts):
                raise FilterError(f"dyad must be two actor codes separated by a comma (RUS,SYR), not {v['dyad']!r}")
            out["dyad"] = (_code("dyad", parts[0]), _code("dyad", parts[1]))
        if "country" in v:
            country = str(v["country"]).upper()
            if not _ISO3.match(country):
                raise FilterError(f"country must be an ISO 3166 alpha-3 code such as SYR, not {v['country']!r}")
            out["country"] = country
        if "root" in v:
            roots = []
            for part in _list(v["root"]):
                if not part.isdigit() or not 1 <= int(part) <= 20:
                    raise FilterError(f"root must be CAMEO roots from 01 to 20, not {part!r}")
                roots.append(part.zfill(2))
            out["roots"] = tuple(roots)
        if "code" in v:
            code = str(v["code"])
            if not re.fullmatch(r"\d{2,4}", code):
                raise FilterError(f"code must be a CAMEO code of 2 to 4 digits, not {code!r}")
            out["code"] = code
        if "plover" in v:
            out["plover"] = tuple(p.upper() for p in _list(v["plover"]))
            if any(not re.fullmatch(r"[A-Z_]{2,30}", p) for p in out["plover"]):
                raise FilterError(f"plover must be PLOVER event types such as ASSAULT, not {v['plover']!r}")
        if "quad" in v:
            quads = []
            for part in _list(v["quad"]):
                if part not in ("1", "2", "3", "4"):
                    raise FilterError(f"quad must be quad classes 1 to 4, not {part!r}")
                quads.append(int(part))
            out["quad"] = tuple(quads)
        modality = set(_list(v["modality"])) if "modality" in v else set()
        bad = modality - set(MODALITIES)
        if bad:
            raise FilterError(f"modality must be among {', '.join(MODALITIES)}, not {sorted(bad)[0]!r}")
        if _flag(v.get("asserted_only")):
            modality = {"asserted"} if not modality or "asserted" in modality else {"-"}  # "-": matches nothing
        out["modality"] = tuple(sorted(modality))
        for name in ("since", "until"):
            if name in v:
                out[name] = _date(name, v[name])
        if out.get("since") and out.get("until") and out["since"] > out["until"]:
            raise FilterError(f"since ({out['since']}) is after until ({out['until']})")
        if "place" in v:
            out["place"] = _text("place", v["place"])
        if "bbox" in v:
            out["bbox"] = _bbox(v["bbox"])
        if "min_sources" in v:
            try:
                n = int(v["min_sources"])
            except (TypeError, ValueError):
                raise FilterError(f"min_sources must be a whole number, not {v['min_sources']!r}") from None
            if n < 1:
                raise FilterError(f"min_sources must be at least 1, not {n}")
            out["min_sources"] = n
        if "q" in v:
            out["q"] = _text("q", v["q"])
        return cls(**out)

    def as_params(self) -> dict[str, str]:
        """The filter as query parameters (the inverse of parse), for links and cursors."""
        out: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value in (None, ()):
                continue
            key = "root" if f.name == "roots" else f.name
            if isinstance(value, tuple):
                value = ",".join(str(x) for x in value)
            out[key] = str(value)
        return out

    def where(self, level: str = "fused", alias: str = "f") -> tuple[str, list[Any]]:
        """A SQL condition on `fused_events AS alias` (level "fused") or `events AS alias` (level
        "mention"), and its parameters. Both tables name their columns alike."""
        a = alias
        conds: list[str] = []
        params: list[Any] = []
        if self.actor:
            value = self.actor.lower()
            # names and ids of every mention's actors: a person's name ("putin") is on the mentions
            if level == "fused":
                # actor_keys holds "|code|id|name|" of every mention's actors, lower case
                conds.append(f"contains({a}.actor_keys, ?)")
                params.append(value)
            else:
                # contains(), not LIKE: a % or _ in the user's text is a character, not a wildcard
                conds.append(
                    f"(lower({a}.source_code) = ? OR lower({a}.target_code) = ? OR contains(lower({a}.source_name), ?)"
                    f" OR contains(lower({a}.target_name), ?) OR lower({a}.source_id) = ? OR lower({a}.target_id) = ?"
                    f" OR contains(lower({a}.source_text), ?) OR contains(lower({a}.target_text), ?))"
                )
                params += [value] * 8
        if self.source:
            conds.append(f"starts_with({a}.source_code, ?)")
            params.append(self.source)
        if self.target:
            conds.append(f"starts_with({a}.target_code, ?)")
            params.append(self.target)
        if self.dyad:
            x, y = self.dyad
            conds.append(
                f"((starts_with({a}.source_code, ?) AND starts_with({a}.target_code, ?))"
                f" OR (starts_with({a}.source_code, ?) AND starts_with({a}.target_code, ?)))"
            )
            params += [x, y, y, x]
        if self.country:
            conds.append(f"(? IN ({a}.source_country, {a}.target_country, {a}.location_country))")
            params.append(self.country)
        if self.roots:
            conds.append(f"{a}.cameo_root IN (SELECT UNNEST(?))")
            params.append(list(self.roots))
        if self.code:
            conds.append(f"starts_with({a}.cameo, ?)")
            params.append(self.code)
        if self.plover:
            conds.append(f"{a}.plover IN (SELECT UNNEST(?))")
            params.append(list(self.plover))
        if self.quad:
            conds.append(f"{a}.quad_class IN (SELECT UNNEST(?))")
            params.append(list(self.quad))
        if self.modality:
            conds.append(f"{a}.modality IN (SELECT UNNEST(?))")
            params.append(list(self.modality))
        if self.since:
            conds.append(f"{a}.date >= ?")
            params.append(self.since)
        if self.until:
            conds.append(f"{a}.date <= ?")
            params.append(self.until)
        if self.place:
            value = self.place.lower()
            if level == "fused":
                conds.append(
                    f"(contains(lower({a}.location_name), ?) OR {a}.id IN (SELECT fm.fused_id FROM fused_mentions fm"
                    " JOIN events e ON e.id = fm.event_id WHERE contains(lower(e.location_text), ?)))"
                )
            else:
                conds.append(f"(contains(lower({a}.location_name), ?) OR contains(lower({a}.location_text), ?))")
            params += [value, value]
        if self.bbox:
            w, s, e, n = self.bbox
            conds.append(f"{a}.location_lat BETWEEN ? AND ?")
            params += [s, n]
            if w <= e:
                conds.append(f"{a}.location_lon BETWEEN ? AND ?")
                params += [w, e]
            else:  # a box across the antimeridian
                conds.append(f"({a}.location_lon >= ? OR {a}.location_lon <= ?)")
                params += [w, e]
        if self.min_sources:
            if level == "fused":
                conds.append(f"{a}.n_articles >= ?")
            else:
                conds.append(
                    f"{a}.id IN (SELECT fm.event_id FROM fused_mentions fm JOIN fused_events f2 ON f2.id = fm.fused_id"
                    " WHERE f2.n_articles >= ?)"
                )
            params.append(self.min_sources)
        if self.q:
            value = self.q.lower()
            if level == "fused":
                conds.append(
                    f"{a}.id IN (SELECT fm.fused_id FROM fused_mentions fm JOIN events e ON e.id = fm.event_id"
                    " WHERE contains(lower(e.sentence), ?))"
                )
            else:
                conds.append(f"contains(lower({a}.sentence), ?)")
            params.append(value)
        return (" AND ".join(conds) if conds else "TRUE"), params


def _list(value: Any) -> list[str]:
    items = value if isinstance(value, (list, tuple)) else str(value).split(",")
    return [str(x).strip() for x in items if str(x).strip()]


def _flag(value: Any) -> bool:
    if isinstance(value, bool) or value is None:
        return bool(value)
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise FilterError(f"asserted_only must be true or false, not {value!r}")


def _text(name: str, value: Any) -> str:
    text = str(value)
    if len(text) > 200:
        raise FilterError(f"{name} is too long ({len(text)} characters, at most 200)")
    return text


def _code(name: str, value: Any) -> str:
    code = str(value).upper()
    if not _CODE.match(code):
        raise FilterError(f"{name} must be an actor code such as RUS, RUSMIL or IMGMUSISI, not {value!r}")
    return code


def _date(name: str, value: Any) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise FilterError(f"{name} must be a date YYYY-MM-DD, not {value!r}") from None


def _bbox(value: Any) -> tuple[float, float, float, float]:
    parts = _list(value)
    try:
        w, s, e, n = (float(p) for p in parts)
    except ValueError:
        raise FilterError(f"bbox must be four numbers min_lon,min_lat,max_lon,max_lat, not {value!r}") from None
    if not (-180 <= w <= 180 and -180 <= e <= 180 and -90 <= s <= n <= 90):
        raise FilterError(f"bbox must be min_lon,min_lat,max_lon,max_lat within -180..180 and -90..90, not {value!r}")
    return (w, s, e, n)
