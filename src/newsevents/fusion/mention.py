"""One event mention as the fuser sees it: what is compared, plus where it was read (provenance)."""

from __future__ import annotations

import calendar
from dataclasses import asdict, dataclass
from datetime import date
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from newsevents.model import Article, Event, Place

PRECISION_RANK = {"day": 0, "month": 1, "year": 2}
# the longest date interval of each precision, in days beyond its first day
PRECISION_SPAN = {"day": 0, "month": 30, "year": 365}


@dataclass(frozen=True)
class Mention:
    """A sentence-level event (an `Event` of one `Article`), flattened. Offsets index the article's text."""

    id: str  # the Event's id
    article_id: str
    outlet: str | None
    url: str | None
    published: str | None  # the article's publication date, YYYY-MM-DD
    sentence_start: int
    sentence_end: int
    trigger_text: str
    trigger_start: int
    trigger_end: int
    source: str | None  # CAMEO-style actor code
    target: str | None
    cameo: str
    cameo_root: str
    plover: str | None
    modality: str
    date: str | None  # first day of the event's date interval
    date_precision: str | None  # day | month | year
    location: Place | None = None

    @classmethod
    def from_event(cls, article: Article, event: Event) -> Mention:
        return cls(
            id=event.id, article_id=article.id, outlet=article.outlet, url=article.url, published=article.published,
            sentence_start=event.sentence_start, sentence_end=event.sentence_end,
            trigger_text=event.trigger.text, trigger_start=event.trigger.start, trigger_end=event.trigger.end,
            source=event.source.code if event.source else None, target=event.target.code if event.target else None,
            cameo=event.cameo, cameo_root=event.cameo_root, plover=event.plover, modality=event.modality,
            date=event.date, date_precision=event.date_precision, location=event.location,
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Mention:
        data = dict(data)
        if data.get("location") is not None:
            data["location"] = Place.from_dict(data["location"])
        return cls(**data)

    # --- derived values (cached: a frozen dataclass keeps them in its __dict__) ---------------------------

    @cached_property
    def interval(self) -> tuple[int, int] | None:
        """The event's date as an interval of day ordinals, from its precision: a month-precision date
        covers its whole month, a year-precision one its year. None when undated."""
        if not self.date:
            return None
        try:
            first = date.fromisoformat(self.date[:10])
        except ValueError:
            return None
        if self.date_precision == "month":
            last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
            return first.replace(day=1).toordinal(), last.toordinal()
        if self.date_precision == "year":
            return date(first.year, 1, 1).toordinal(), date(first.year, 12, 31).toordinal()
        return first.toordinal(), first.toordinal()

    @cached_property
    def outlet_key(self) -> str:
        """Who published it, for counting independent outlets: the outlet's name, else the URL's host,
        else the article itself (an article of unknown origin is counted as its own outlet)."""
        if self.outlet and self.outlet.strip():
            return self.outlet.strip().casefold()
        if self.url:
            host = urlsplit(self.url).hostname or ""
            if host:
                return host.removeprefix("www.")
        return f"article:{self.article_id}"

    @cached_property
    def order_key(self) -> tuple:
        """The canonical order in which mentions are clustered (see fuser.py). Mentions are taken by the
        last day their date can be, so an imprecise one ("in March") comes after the precise mentions it
        could join and picks the best of them; on the same day, the most informative come first (day
        precision, a known place, an asserted fact, both actors), then a stable tie-break."""
        interval = self.interval
        return (
            interval[1] if interval else 0,
            PRECISION_RANK.get(self.date_precision or "day", 3),
            self.location is None,
            self.modality != "asserted",
            (self.source is None) + (self.target is None),
            self.published or "",
            self.article_id,
            self.sentence_start,
            self.trigger_start,
            self.id,
        )


def mentions_of(article: Article) -> list[Mention]:
    """The article's events as mentions. A copy of another article (`duplicate_of`) adds none: it is the
    same report again, not another outlet's account."""
    if article.duplicate_of:
        return []
    return [Mention.from_event(article, e) for e in article.events]
