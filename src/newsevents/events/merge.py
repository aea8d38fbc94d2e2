"""One event per real happening in an article.

News retells: a lede says "Russian jets struck Idlib on Tuesday", the third paragraph "the strikes hit a
market and a clinic", a later one "Russia's strikes on Idlib killed 12". Coded sentence by sentence these
are three events; they are one happening told three times. `merge_article_events` keeps the first
telling and records every telling's provenance (the trigger span and the sentence it is in), so that a
consumer counts happenings while an analyst can still read each mention.

Two events are tellings of one happening when all of these hold:
- they are told in different sentences (two acts in one sentence are two acts);
- they have the same source actor (same actor id, or same country and sector) and the same target
  country or organisation, or one telling leaves the target out ("the strikes killed 12");
- they have the same CAMEO root and compatible codes: equal, or one is the root's generic code
  ("190" retells "195");
- their modalities agree: a denial or a hypothesis is not a telling of an asserted act; reported and
  asserted tellings of one act are compatible;
- their dates are compatible: both explicit and different ("on Tuesday" vs "on Friday") means two acts;
- their places are compatible: both located in different countries means two acts.
The kept event takes the most specific code and, when the first telling named no target, the target of
a later telling; an asserted telling makes a reported one asserted.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, replace

from newsevents.model import Actor, Event, Span

_COMPATIBLE_MODALITIES = ({"asserted", "reported"}, {"intended"}, {"hypothetical"}, {"negated"})


@dataclass
class EventMention:
    """Where one telling of a happening is in the text."""

    trigger: Span
    sentence_start: int
    sentence_end: int


def _actor_key(a: Actor | None):
    if a is None:
        return None
    if a.kind in ("organization", "person"):
        return a.actor_id
    return (a.country, a.sector) if a.country else a.actor_id


def _target_key(a: Actor | None):
    if a is None:
        return None
    if a.kind == "organization":
        return a.actor_id
    return a.country or a.actor_id


def _codes_compatible(a: str, b: str) -> bool:
    if a[:2] != b[:2]:
        return False
    if a == b:
        return True
    generic = {a[:2], a[:2] + "0"}
    return a in generic or b in generic


def _modalities_compatible(a: str, b: str) -> bool:
    return any(a in group and b in group for group in _COMPATIBLE_MODALITIES)


def same_happening(first: Event, later: Event) -> bool:
    if first.sentence_start == later.sentence_start:
        return False
    if first.source is None or later.source is None or _actor_key(first.source) != _actor_key(later.source):
        return False
    t1, t2 = _target_key(first.target), _target_key(later.target)
    if t1 is not None and t2 is not None and t1 != t2:
        return False
    if not _codes_compatible(first.cameo, later.cameo) or not _modalities_compatible(first.modality, later.modality):
        return False
    if first.date_text and later.date_text and first.date and later.date and first.date != later.date:
        return False
    c1 = first.location.country if first.location else None
    c2 = later.location.country if later.location else None
    return not (c1 and c2 and c1 != c2)


def _mention(e: Event) -> EventMention:
    return EventMention(Span(e.trigger.text, e.trigger.start, e.trigger.end), e.sentence_start, e.sentence_end)


def _specific(a: str, b: str) -> str:
    return a if len(a) > len(b) or (len(a) == len(b) and not a.endswith("0")) else b


def merge_article_events(events: list[Event]) -> tuple[list[Event], dict[str, list[EventMention]]]:
    """The article's happenings, in text order, and each kept event's tellings by event id (its own first).

    When `Event` has a `mentions` field, it is filled too."""
    kept: list[Event] = []
    mentions: dict[str, list[EventMention]] = {}
    for e in events:
        home = next((k for k in kept if same_happening(k, e)), None)
        if home is None:
            kept.append(e)
            mentions[e.id] = [_mention(e)]
            continue
        mentions[home.id].append(_mention(e))
        i = kept.index(home)
        updated = home
        code = _specific(home.cameo, e.cameo)
        if code != home.cameo:
            updated = replace(updated, cameo=code, cameo_name=e.cameo_name, goldstein=e.goldstein, quad_class=e.quad_class, plover=e.plover)
        if updated.target is None and e.target is not None:
            updated = replace(updated, target=e.target)
        if updated.modality == "reported" and e.modality == "asserted":
            updated = replace(updated, modality="asserted")
        if not updated.quantities and e.quantities:
            updated = replace(updated, quantities=list(e.quantities))
        kept[i] = updated
    if any(f.name == "mentions" for f in dataclasses.fields(Event)):
        for e in kept:
            e.mentions = [m.trigger for m in mentions[e.id]]  # type: ignore[attr-defined]
    return kept, mentions
