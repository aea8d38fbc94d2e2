"""Resolve a matched expression to a span of time: against the reference (publication) date for deictic
expressions ("yesterday"), against the previous resolved date for chains ("the next day").

The resolvers live in explicit.py, spans.py, relative.py and chains.py and register themselves by rule
name; importing them here is what registers them.
"""

from __future__ import annotations

import re

from newsevents.dates import chains, explicit, relative, spans  # noqa: F401  (they register their resolvers)
from newsevents.dates.context import RESOLVERS, Anchor, Context, Resolved

__all__ = ["Anchor", "Context", "Resolved", "resolve"]


def resolve(rule: str, m: re.Match[str], ctx: Context) -> Resolved | None:
    """The span `m` names, or None when it is not a date after all ("February 30")."""
    try:
        return RESOLVERS[rule](m, ctx)
    except (ValueError, OverflowError):  # an impossible date or one beyond year 9999
        return None
