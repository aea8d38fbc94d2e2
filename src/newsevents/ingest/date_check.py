"""How far to trust a publication date: its source, checked against the dates the text itself gives.

A page date can be the scrape date, a "last updated" stamp or a template's copyright year. Articles talk
mostly about the recent past, so a date far after every date the text mentions, or well before most of
them, is flagged with a low confidence instead of being trusted blindly.
"""

from __future__ import annotations

from datetime import date, timedelta
from statistics import median_low

from newsevents.ingest.metadata import full_dates

# Prior trust by where the date came from (see clean_document for the order they are tried in).
SOURCE_CONFIDENCE = {"input": 0.9, "html": 0.9, "byline": 0.85, "dateline": 0.85, "url": 0.75, "page-text": 0.5}
TOO_LATE = timedelta(days=365)  # published this long after the latest date in the text
TOO_EARLY = timedelta(days=180)  # published this long before most dates in the text
DISAGREEMENT_FACTOR = 0.3
# The dates an article is about are in its first paragraphs; reading further only costs time.
SAMPLE_CHARS = 3000


def date_confidence(published: str | None, source: str | None, text: str) -> float | None:
    """A 0..1 confidence for `published`, or None when there is no date."""
    if not published:
        return None
    confidence = SOURCE_CONFIDENCE.get(source or "", 0.5)
    try:
        pub = date.fromisoformat(published)
    except ValueError:
        return round(confidence * DISAGREEMENT_FACTOR, 2)
    mentioned = sorted(full_dates(text[:SAMPLE_CHARS]))
    if mentioned and (pub - mentioned[-1] > TOO_LATE or median_low(mentioned) - pub > TOO_EARLY):
        confidence *= DISAGREEMENT_FACTOR
    return round(confidence, 2)
