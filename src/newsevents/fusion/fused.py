"""A fused event: one real-world happening, its mentions, and the values that represent it."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from newsevents.fusion.compat import swapped
from newsevents.fusion.config import FusionConfig
from newsevents.fusion.mention import PRECISION_RANK, Mention
from newsevents.model import Place

# finer first; an unlisted feature (a body of water) ranks between a province and a country
FEATURE_RANK = {"site": 0, "place": 0, "city": 1, "admin2": 2, "region": 2, "admin1": 3, "country": 5, "continent": 6}


@dataclass
class FusedEvent:
    """One happening told by one or more mentions. `mentions` are in canonical order: the first one is
    the mention the id derives from."""

    id: str
    mentions: list[Mention]
    source: str | None
    target: str | None
    cameo: str
    cameo_root: str
    plover: str | None
    date: str | None
    date_precision: str | None
    location: Place | None
    modality: str  # asserted or reported (it happened), or hypothetical | intended | negated
    factual: bool  # its mentions tell it as having happened (asserted or reported)
    articles: int  # distinct articles
    outlets: int  # distinct outlets
    first_report: str | None  # earliest publication date among its articles
    last_report: str | None
    confidence: float  # 0..1, see confidence()
    outlet_names: list[str] = field(default_factory=list)

    @property
    def mention_ids(self) -> list[str]:
        return [m.id for m in self.mentions]

    @property
    def article_ids(self) -> list[str]:
        return sorted({m.article_id for m in self.mentions})

    def to_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items() if k not in ("mentions", "location")}
        out["location"] = self.location.to_dict() if self.location else None
        out["mentions"] = [m.to_dict() for m in self.mentions]
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FusedEvent:
        data = dict(data)
        data["mentions"] = [Mention.from_dict(m) for m in data.get("mentions", [])]
        if data.get("location") is not None:
            data["location"] = Place.from_dict(data["location"])
        return cls(**data)


def fused_id(first: Mention) -> str:
    """Stable id from the cluster's first mention (in canonical order): re-runs over the same articles give
    the same ids, whatever order the articles came in."""
    return "fe" + hashlib.sha256(f"fused:{first.id}".encode()).hexdigest()[:16]


def confidence(mentions: Iterable[Mention], config: FusionConfig) -> float:
    """1 - prod over independent outlets of (1 - outlet_weight * w), w being the outlet's strongest
    modality weight. One outlet asserting it gives 0.5 (default weight), two 0.75, three 0.875; an outlet
    that only reports someone's claim adds less, and plans, conditionals and denials hardly anything."""
    best: dict[str, float] = {}
    for m in mentions:
        w = config.modality_weights.get(m.modality, 0.0)
        best[m.outlet_key] = max(best.get(m.outlet_key, 0.0), w)
    doubt = 1.0
    for w in best.values():
        doubt *= 1.0 - config.outlet_weight * w
    return round(1.0 - doubt, 4)


def _most_specific(codes: list[str], generic: Callable[[str], str] = lambda c: c) -> str | None:
    """The code with most support, where a mention supports every code that equals or refines its own
    (RUS supports RUSMIL): so the most specific code that the mentions agree on wins, then the most
    frequent, then the longer, then the first alphabetically; an actor of known country before one of
    unknown country ("---MIL")."""
    if not codes:
        return None
    exact = Counter(codes)
    bases = Counter(generic(c) for c in codes)

    def rank(code: str) -> tuple:
        g = generic(code)
        support = sum(n for base, n in bases.items() if g.startswith(base))
        return (code.startswith("---"), -support, -exact[code], -len(g), code)

    return min(exact, key=rank)


def _cameo_base(code: str) -> str:
    # "190" is "19, not specified below": it refines nothing beyond its root
    return code[:2] if len(code) == 3 and code.endswith("0") else code


def summarise(mentions: list[Mention], config: FusionConfig) -> FusedEvent:
    """The fused event of a cluster (mentions in canonical order, the first one first)."""
    first = mentions[0]
    sources: list[str] = []
    targets: list[str] = []
    for m in mentions:
        s, t = (m.target, m.source) if m is not first and swapped(first, m, config) else (m.source, m.target)
        sources += [s] if s else []
        targets += [t] if t else []
    cameo = _most_specific([m.cameo for m in mentions], _cameo_base) or first.cameo
    plover = Counter(m.plover for m in mentions if m.cameo == cameo).most_common(1)[0][0]
    dated = [m for m in mentions if m.date]
    date = precision = None
    if dated:
        finest = min(PRECISION_RANK.get(m.date_precision or "day", 3) for m in dated)
        days = Counter(m.date for m in dated if PRECISION_RANK.get(m.date_precision or "day", 3) == finest)
        date = min(days, key=lambda d: (-days[d], d))
        precision = next(m.date_precision for m in dated if m.date == date)
    located = [m.location for m in mentions if m.location is not None]
    location = None
    if located:
        finest_feature = min(FEATURE_RANK.get(p.feature, 4) for p in located)
        names = Counter((p.name, p.country) for p in located if FEATURE_RANK.get(p.feature, 4) == finest_feature)
        chosen = min(names, key=lambda k: (-names[k], k))
        location = next(p for p in located if (p.name, p.country) == chosen)
    modalities = {m.modality for m in mentions}
    factual = config.modality_class(first.modality) == "factual"
    if factual:
        modality = "asserted" if "asserted" in modalities else "reported"
    else:
        modality = first.modality
    published = sorted(m.published for m in mentions if m.published)
    names: dict[str, str] = {}  # outlet key -> the name as first written
    for m in mentions:
        names.setdefault(m.outlet_key, m.outlet or m.outlet_key)
    return FusedEvent(
        id=fused_id(first), mentions=list(mentions),
        source=_most_specific(sources), target=_most_specific(targets),
        cameo=cameo, cameo_root=cameo[:2], plover=plover,
        date=date, date_precision=precision, location=location,
        modality=modality, factual=factual,
        articles=len({m.article_id for m in mentions}), outlets=len(names),
        first_report=published[0] if published else None, last_report=published[-1] if published else None,
        confidence=confidence(mentions, config), outlet_names=sorted(names.values()),
    )
