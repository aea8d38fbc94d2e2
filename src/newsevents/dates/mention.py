"""DateMention: one temporal expression found in a text, with the span of time it resolves to."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from newsevents.dates.calendar import coarse
from newsevents.dates.lexicon import LEAD_PREPS

_LEAD = re.compile(rf"^{LEAD_PREPS}\s+", re.I)


@dataclass(frozen=True)
class DateMention:
    """A date expression. `value` is the first day of the span it names, at `precision`:
    day | weekend | week | month | quarter | season | half | year | decade | century. `value` is None when
    the expression cannot be resolved (a relative one with no reference date, a chain with nothing before it).
    `precision` is None only for the vague references (PRESENT_REF ...) and durations of `find_timexes`."""

    text: str
    start: int  # offsets into the string searched; text == searched[start:end]
    end: int
    value: date | None
    precision: str | None
    future: bool = False  # the span lies after the reference date
    anchor: date | None = None  # what a relative expression was resolved against: the reference or an earlier date
    kind: str = "absolute"  # absolute | deictic (relative to the reference) | chain (relative to an earlier date) | vague | duration
    tense_sensitive: bool = False  # a bare "Friday", "in March": the verb's tense picks the occurrence
    timex_type: str = "DATE"  # TimeML type: DATE | TIME | DURATION
    detail: str | None = None  # TimeML extras: part of day (MO), a reference (PRESENT_REF) or a duration (P2Y)

    @property
    def extent(self) -> tuple[int, int]:
        """The TimeML extent: the mention without a leading preposition ("on Tuesday" -> "Tuesday")."""
        lead = _LEAD.match(self.text)
        return (self.start + lead.end(), self.end) if lead and lead.end() < len(self.text) else (self.start, self.end)

    @property
    def extent_text(self) -> str:
        s, e = self.extent
        return self.text[s - self.start : e - self.start]

    def event_date(self) -> tuple[date | None, str | None]:
        """(value, precision) in the event data model, whose precisions are day | month | year only."""
        return coarse(self.value, self.precision)
