"""Dates stage: find date expressions in a sentence and resolve them against the publication date.

parse.py runs the rules (patterns.py) over a text and resolves what they match, left to right
(resolve.py: explicit.py, spans.py, relative.py, chains.py), guessing the tense of bare weekdays and
months (tense.py). A DateMention holds the span it names as (first day, precision); timex.py writes that
as a TimeML value for evaluation (newsevents eval dates).
"""

from newsevents.dates.mention import DateMention
from newsevents.dates.parse import find_dates, find_timexes, parse_absolute_date, with_tense
from newsevents.dates.tense import guess_tense, verb_tense
from newsevents.dates.timex import to_timex_value

__all__ = [
    "DateMention", "find_dates", "find_timexes", "guess_tense", "parse_absolute_date", "to_timex_value",
    "verb_tense", "with_tense",
]
