"""What the people an article names, with their titles, say about when it was written.

"Speaker Ali Larijani" was written while Larijani was a speaker; an article calling two people by
offices they held together only between 2016 and 2020 was written then. A publication date far outside
that window is most likely a scrape date or a "last updated" stamp, and its confidence is lowered.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from newsevents.actors.kb import Role
from newsevents.actors.resolve import ActorMention

TITLE_WINDOW_CHARS = 40  # how far before a name its title may stand ("State Duma Speaker Vyacheslav Volodin")
GRACE = timedelta(days=365)  # a year's slack: articles look back, and offices change hands mid-story
_WORD = re.compile(r"[^\W\d_]+")
_NOT_CURRENT = {"former", "ex", "late", "then", "outgoing", "previous", "erstwhile", "retired"}
_GENERIC = {"of", "the", "and", "for", "to", "in", "de", "state", "national", "deputy", "first", "acting", "general"}


def titled_window(text: str, mentions: list[ActorMention]) -> tuple[date, date] | None:
    """The span of dates when every person named with a title held that title, or None when no
    person is so named or the titles never overlap."""
    start, end = date.min, date.max
    seen = set()
    for mention in mentions:
        entry = mention.entry
        if entry is None or entry.kind != "person" or entry.id in seen or not entry.roles:
            continue
        before = [w.lower() for w in _WORD.findall(text[max(0, mention.start - TITLE_WINDOW_CHARS) : mention.start])][-4:]
        if not before or _NOT_CURRENT & set(before):
            continue
        roles = [r for r in entry.roles if _titled(r, before)]
        if not roles:
            continue
        seen.add(entry.id)
        first = min(r.start or date.min for r in roles)
        last = max(r.end or date.max for r in roles)
        start, end = max(start, first), min(end, last)
    if not seen or start > end:
        return None
    return start, end


def _titled(role: Role, words_before: list[str]) -> bool:
    title_words = {w.lower() for w in _WORD.findall(role.title)} - _GENERIC
    return bool(title_words & set(words_before[-2:]))


def outside_window(published: date, window: tuple[date, date]) -> bool:
    start, end = window
    # an open end (date.max) or start (date.min) has no slack to add: comparing is enough
    return (end < date.max - GRACE and published > end + GRACE) or (start > date.min + GRACE and published < start - GRACE)
