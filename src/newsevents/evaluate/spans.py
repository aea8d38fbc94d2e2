"""Pairing gold and predicted text spans, shared by the evaluators that score spans (dates, places)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol


class HasSpan(Protocol):
    start: int
    end: int


def _same(gold: HasSpan, pred: HasSpan) -> bool:
    return (gold.start, gold.end) == (pred.start, pred.end)


def pair_spans(
    gold: Sequence[Any], pred: Sequence[Any], same: Callable[[Any, Any], bool] = _same
) -> list[tuple[int, int, bool]]:
    """One-to-one (gold index, predicted index, exact) pairs of overlapping spans: exact pairs (`same`)
    first, then each unpaired gold span takes the first unpaired prediction overlapping it."""
    pairs: list[tuple[int, int, bool]] = []
    used_g: set[int] = set()
    used_p: set[int] = set()
    for exact in (True, False):
        for gi, g in enumerate(gold):
            if gi in used_g:
                continue
            for pi, p in enumerate(pred):
                if pi in used_p or not (g.start < p.end and p.start < g.end):
                    continue
                if exact and not same(g, p):
                    continue
                pairs.append((gi, pi, exact))
                used_g.add(gi)
                used_p.add(pi)
                break
    return pairs
