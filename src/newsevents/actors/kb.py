"""The actor knowledge base, loaded from the TSV files in `newsevents/data/actors/`.

Files (tab-separated, `#` comments, `|` between values of one cell):
- countries.tsv: iso3, name, aliases, adjectives, demonyms, capital, metonyms (`phrase=SECTOR`)
- organizations.tsv: id, name, aliases, code, country, sector, kind
- people.tsv: person_id, name, aliases, country, sector, role, start, end (one row per dated role)
- agents.tsv: phrase, sector, note (generic nouns such as "troops" -> MIL)
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:
    from newsevents.actors.layers import LayerSource


@dataclass(frozen=True)
class Role:
    country: str | None
    sector: str | None
    title: str
    start: date | None
    end: date | None

    def covers(self, when: date) -> bool:
        return (self.start is None or self.start <= when) and (self.end is None or when <= self.end)


@dataclass
class Entry:
    """One thing an alias can mean: a country, an organisation, a person or a generic agent."""

    id: str
    name: str
    kind: str  # country | organization | person | agent
    country: str | None = None
    sector: str | None = None
    code: str | None = None
    roles: list[Role] = field(default_factory=list)

    def role_on(self, when: date | None) -> Role | None:
        """The person's role valid on `when`; the latest role when the date is unknown or between roles."""
        if not self.roles:
            return None
        if when is not None:
            for role in self.roles:
                if role.covers(when):
                    return role
            earlier = [r for r in self.roles if r.start and r.start <= when]
            if earlier:
                return max(earlier, key=lambda r: r.start)  # type: ignore[arg-type, return-value]
            return min(self.roles, key=lambda r: r.start or date.min)
        return max(self.roles, key=lambda r: r.start or date.min)


@dataclass(frozen=True)
class Alias:
    text: str
    entry: Entry
    form: str  # name | alias | adjective | demonym | capital | metonym | surname | agent
    sector: str | None = None  # a metonym's sector ("Pentagon" -> MIL)


@dataclass
class KnowledgeBase:
    entries: dict[str, Entry]
    aliases: list[Alias]

    def country(self, iso3: str) -> Entry | None:
        entry = self.entries.get(iso3)
        return entry if entry and entry.kind == "country" else None


def _rows(name: str) -> Iterator[dict[str, str]]:
    text = resources.files("newsevents.data.actors").joinpath(name).read_text("utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    for lineno, row in enumerate(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE), start=2):
        if None in row or any(v is None for v in row.values()):
            raise ValueError(f"{name}: row {lineno} has the wrong number of columns: {row}")
        yield {k: v.strip() for k, v in row.items()}


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split("|") if part.strip()]


def _date(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


@lru_cache(maxsize=8)
def load_kb(layers: tuple[LayerSource, ...] = ()) -> KnowledgeBase:
    """Our knowledge base; with `layers` (files or stored layers, see layers.py), those on top of it, in order."""
    if not layers:
        return _load_tables()
    from newsevents.actors.layers import apply_layers  # imported here: layers.py builds on this module

    return apply_layers(_load_tables(), layers)


@lru_cache(maxsize=1)
def _load_tables() -> KnowledgeBase:
    entries: dict[str, Entry] = {}
    aliases: list[Alias] = []

    for row in _rows("countries.tsv"):
        entry = Entry(id=row["iso3"], name=row["name"], kind="country", country=row["iso3"], code=row["iso3"])
        entries[entry.id] = entry
        aliases.append(Alias(row["name"], entry, "name"))
        aliases += [Alias(a, entry, "alias") for a in _split(row["aliases"])]
        aliases += [Alias(a, entry, "adjective") for a in _split(row["adjectives"])]
        aliases += [Alias(a, entry, "demonym") for a in _split(row["demonyms"])]
        aliases += [Alias(a, entry, "capital", "GOV") for a in _split(row["capital"])]
        for item in _split(row["metonyms"]):
            phrase, _, sector = item.rpartition("=")
            if phrase:
                aliases.append(Alias(phrase.strip(), entry, "metonym", sector.strip() or None))

    for row in _rows("organizations.tsv"):
        entry = Entry(
            id=row["id"], name=row["name"], kind="organization",
            country=row["country"] or None, sector=row["sector"] or None, code=row["code"] or None,
        )
        entries[entry.id] = entry
        aliases.append(Alias(row["name"], entry, "name"))
        aliases += [Alias(a, entry, "alias") for a in _split(row["aliases"])]

    people: dict[str, Entry] = {}
    for row in _rows("people.tsv"):
        entry = people.get(row["person_id"])
        if entry is None:
            entry = Entry(id=row["person_id"], name=row["name"], kind="person")
            people[entry.id] = entry
            entries[entry.id] = entry
            aliases.append(Alias(row["name"], entry, "name"))
            aliases += [Alias(a, entry, "alias") for a in _split(row["aliases"])]
        entry.roles.append(
            Role(row["country"] or None, row["sector"] or None, row["role"], _date(row["start"]), _date(row["end"]))
        )

    for row in _rows("agents.tsv"):
        phrases = _split(row["phrase"])
        if not phrases:
            continue
        entry = Entry(id=f"agent:{phrases[0]}", name=phrases[0], kind="agent", sector=row["sector"] or None)
        entries.setdefault(entry.id, entry)
        aliases += [Alias(p, entry, "agent") for p in phrases]

    return KnowledgeBase(entries=entries, aliases=aliases)
