"""Finding the mentions that may be linked to one mention (see compat.linked) without looking at all of them.

A mention is filed under (CAMEO family, modality class, role, the country its actor is pinned to, date
precision), once for its source and once for its target, in a list sorted by the first day of its date.
Two linked mentions of different articles share a family and a modality class, and at least one side
matches concretely (both actors pinned to one country, possibly swapped for symmetric codes: see
compat.anchor), so looking up the new mention's own keys and a date range in each list finds every
candidate: the cost is the number of candidates, not the corpus size. (Mentions of the same article are
found through the article, by the fuser.)
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterator

from newsevents.fusion.compat import anchor
from newsevents.fusion.config import FusionConfig
from newsevents.fusion.mention import PRECISION_SPAN, Mention


class CandidateIndex:
    def __init__(self, config: FusionConfig) -> None:
        self.config = config
        self._lists: dict[tuple, list[tuple[int, str]]] = {}

    def _keys(self, m: Mention) -> list[tuple]:
        family = self.config.family(m.cameo_root)
        cls = self.config.modality_class(m.modality)
        precision = m.date_precision if m.date_precision in PRECISION_SPAN else "day"
        keys = []
        for role, code in (("s", m.source), ("t", m.target)):
            pin = anchor(code, m)
            if pin is not None:
                keys.append((family, cls, role, pin, precision))
        return keys

    def add(self, m: Mention) -> None:
        if m.interval is None:
            return  # undated mentions fuse with nothing
        for key in self._keys(m):
            insort(self._lists.setdefault(key, []), (m.interval[0], m.id))

    def remove(self, m: Mention) -> None:
        if m.interval is None:
            return
        for key in self._keys(m):
            items = self._lists.get(key)
            if items is None:
                continue
            i = bisect_left(items, (m.interval[0], m.id))
            if i < len(items) and items[i] == (m.interval[0], m.id):
                del items[i]

    def candidates(self, m: Mention) -> Iterator[str]:
        """Ids of indexed mentions that may be concretely linked to m (a superset; m itself included)."""
        if m.interval is None:
            return
        family = self.config.family(m.cameo_root)
        cls = self.config.modality_class(m.modality)
        source, target = anchor(m.source, m), anchor(m.target, m)
        wanted = [("s", source), ("t", target)]
        if self.config.family_has_symmetric(family):
            wanted += [("t", source), ("s", target)]
        window = self.config.date_window_days
        lo, hi = m.interval
        seen: set[str] = set()
        for role, pin in wanted:
            if pin is None:
                continue
            for precision, span in PRECISION_SPAN.items():
                items = self._lists.get((family, cls, role, pin, precision))
                if not items:
                    continue
                # an indexed interval starting at s ends by s + span: it can be within the window of
                # [lo, hi] only if s >= lo - window - span and s <= hi + window
                i = bisect_left(items, (lo - window - span,))
                while i < len(items) and items[i][0] <= hi + window:
                    mid = items[i][1]
                    if mid not in seen:
                        seen.add(mid)
                        yield mid
                    i += 1
