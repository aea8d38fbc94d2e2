"""Dates stage: find date expressions in a sentence and resolve them against the publication date."""

from newsevents.dates.parse import DateMention, find_dates, parse_absolute_date

__all__ = ["DateMention", "find_dates", "parse_absolute_date"]
