"""Find knowledge-base aliases in text with one Aho-Corasick pass (pyahocorasick).

Matching is case-insensitive with two guards that keep common words from matching names: an alias
written in capitals of up to five letters ("IS", "US", "UN") must match exactly, and an alias that
starts with a capital ("Turkey", "Chad", "Jordan") must start with a capital in the text too.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick

from newsevents.actors.kb import Alias, KnowledgeBase

# apostrophes are unified; hyphens and dashes read as spaces, so "Kim Jong Un" finds "Kim Jong-un" and
# "al Qaeda" finds "al-Qaeda"
_FOLD = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "–": " ", "—": " ", "‐": " ", "-": " "})
_DASHES = "-–—‐"
_KIND_RANK = {"person": 0, "organization": 1, "country": 2, "agent": 3}
_NEGATING_PREFIX = re.compile(r"(?:^|[^a-z])(?:post|anti|pro|ex|non|neo|pan)$")


def fold(text: str) -> str:
    """Lower-case, unify apostrophes, read dashes as spaces and drop accents ("Orbán" = "Orban") without changing the
    length of the text."""
    folded = text.translate(_FOLD)
    lowered = folded.lower()
    if len(lowered) != len(folded):
        lowered = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in folded)
    if not lowered.isascii():
        lowered = "".join(_base_letter(ch) for ch in lowered)
    return lowered


@lru_cache(maxsize=4096)
def _base_letter(ch: str) -> str:
    if ch.isascii():
        return ch
    base = unicodedata.normalize("NFD", ch)[0]
    return base if len(base) == 1 and base.isalpha() else ch


@dataclass(frozen=True)
class AliasMatch:
    start: int
    end: int
    alias: Alias


class AliasMatcher:
    def __init__(self, kb: KnowledgeBase) -> None:
        self._automaton = ahocorasick.Automaton()
        table: dict[str, list[Alias]] = {}
        for alias in kb.aliases:
            key = fold(alias.text)
            if len(key) >= 2:
                table.setdefault(key, []).append(alias)
        for key, aliases in table.items():
            aliases.sort(key=lambda a: (_KIND_RANK.get(a.entry.kind, 9), a.form != "name"))
            self._automaton.add_word(key, (len(key), aliases))
        self._automaton.make_automaton()

    def find(self, text: str) -> list[AliasMatch]:
        """Non-overlapping matches, longest first, on word boundaries."""
        folded = fold(text)
        candidates: list[AliasMatch] = []
        for end_idx, (length, aliases) in self._automaton.iter(folded):
            start, end = end_idx - length + 1, end_idx + 1
            if (start > 0 and folded[start - 1].isalnum()) or (end < len(folded) and folded[end].isalnum()):
                continue
            if start > 1 and text[start - 1] in _DASHES and _NEGATING_PREFIX.search(folded, 0, start - 1):
                continue  # "post-Soviet", "anti-Assad": about the actor, not the actor
            surface = text[start:end]
            for alias in aliases:
                if _case_ok(alias.text, surface):
                    candidates.append(AliasMatch(start, end, alias))
                    break
        candidates.sort(key=lambda m: (-(m.end - m.start), m.start))
        taken = bytearray(len(text))
        chosen = []
        for match in candidates:
            if any(taken[match.start : match.end]):
                continue
            taken[match.start : match.end] = b"\x01" * (match.end - match.start)
            chosen.append(match)
        chosen.sort(key=lambda m: m.start)
        return chosen


def _case_ok(alias: str, surface: str) -> bool:
    letters = [c for c in alias if c.isalpha()]
    if letters and all(c.isupper() for c in letters) and len(letters) <= 5:
        return [c for c in surface if c.isalpha()] == letters
    if alias[:1].isupper():
        return surface[:1].isupper()
    return True
