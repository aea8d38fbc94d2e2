"""The data model shared by every stage: one `Article` holds everything extracted from one text.

Each class mirrors one object of the JSON Lines contract (docs/schema.md) and converts to and from
plain dicts with `to_dict()` / `from_dict()`. All `start`/`end` offsets index into `Article.text`.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

Modality = Literal["asserted", "reported", "hypothetical", "intended", "negated"]
MODALITIES: tuple[str, ...] = ("asserted", "reported", "hypothetical", "intended", "negated")
DatePrecision = Literal["day", "month", "year"]


class _Record:
    """Dict conversion for the dataclasses below (nested records and lists of records)."""

    _nested: ClassVar[dict[str, type]] = {}
    _nested_lists: ClassVar[dict[str, type]] = {}

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if isinstance(value, _Record):
                value = value.to_dict()
            elif isinstance(value, list):
                value = [v.to_dict() if isinstance(v, _Record) else v for v in value]
            out[f.name] = value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        kwargs: dict[str, Any] = {}
        names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        for key, value in data.items():
            if key not in names:
                continue
            if key in cls._nested and value is not None:
                value = cls._nested[key].from_dict(value)
            elif key in cls._nested_lists:
                value = [cls._nested_lists[key].from_dict(v) for v in value or []]
            kwargs[key] = value
        return cls(**kwargs)


@dataclass
class Span(_Record):
    text: str
    start: int
    end: int


@dataclass
class Actor(_Record):
    """A mention of an actor, resolved to a knowledge-base entry and a CAMEO-style code."""

    text: str
    start: int
    end: int
    actor_id: str  # KB id: ISO3 for a country, an organisation or person id, or country+sector composite
    name: str
    country: str | None  # ISO3
    sector: str | None  # CAMEO type code (GOV, MIL, REB, IGO, ...)
    code: str  # CAMEO-style actor code: country + sector, or an organisation's code
    kind: str  # country | organization | person | agent | composite


@dataclass
class Place(_Record):
    text: str
    start: int
    end: int
    name: str
    country: str | None  # ISO3; null for continents and seas
    lat: float
    lon: float
    feature: str  # country | admin1 | admin2 | region | city | continent | water | site
    geonames_id: int | None = None


@dataclass
class Quantity(_Record):
    value: float
    unit: str
    text: str
    start: int
    end: int


@dataclass
class Event(_Record):
    id: str
    sentence: str
    sentence_start: int
    sentence_end: int
    trigger: Span
    source: Actor | None
    target: Actor | None
    cameo: str
    cameo_root: str
    cameo_name: str
    goldstein: float
    quad_class: int
    plover: str | None
    modality: Modality
    attributed_to: Actor | None
    date: str | None
    date_precision: DatePrecision | None
    date_text: str | None  # the expression the date came from; null when it defaulted to publication
    location: Place | None
    quantities: list[Quantity] = field(default_factory=list)
    date_start: int | None = None  # offsets of date_text in the article text
    date_end: int | None = None

    _nested = {"trigger": Span, "source": Actor, "target": Actor, "attributed_to": Actor, "location": Place}
    _nested_lists = {"quantities": Quantity}


@dataclass
class Article(_Record):
    id: str
    text: str
    path: str | None = None
    url: str | None = None
    title: str | None = None
    outlet: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None  # YYYY-MM-DD
    date_source: str | None = None  # where `published` came from: input, html, dateline, byline, url
    date_confidence: float | None = None  # 0..1; low when the date disagrees with the dates the text talks about
    fetched: str | None = None
    language: str = "en"  # ISO 639-1, "und" when undetermined; only "en" is coded
    duplicate_of: str | None = None  # id of the article this one copies (exactly or nearly); not coded again
    removed: list[str] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    _nested_lists = {"actors": Actor, "places": Place, "events": Event}


def text_id(text: str) -> str:
    """A hash of the clean text: equal for exact copies wherever they were found."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def article_id(text: str, source_key: str | None) -> str:
    """Stable id of one copy of an article: its clean text plus where it was found (URL, or the file
    and record), so re-reading the same input gives the same id while a copy found elsewhere gets its
    own id and points at the original through `duplicate_of`."""
    if not source_key:
        return text_id(text)
    return hashlib.sha256(f"{source_key}\n{text}".encode("utf-8")).hexdigest()[:16]


@dataclass
class RawDocument:
    """What a reader hands to cleaning: raw content plus whatever metadata the container carried."""

    origin: str  # file path, "path#line" for a record inside a file, or "<stdin>"
    content: str
    kind: Literal["text", "html", "markdown"] = "text"
    path: str | None = None
    url: str | None = None
    title: str | None = None
    outlet: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    fetched: str | None = None  # when a crawler fetched the page (WARC-Date); never a publication date


@dataclass
class IngestError:
    """One input that could not be processed; reported and skipped."""

    origin: str
    reason: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.reason}"
