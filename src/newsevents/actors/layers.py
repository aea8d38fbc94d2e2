"""User actor layers: entries imported from other dictionaries, laid over our knowledge base.

A layer is JSON Lines. The first line is a header, each further line one entry:

    {"newsevents_layer": 1, "name": "phoenix", "sources": ["Phoenix.agents.txt"], "entries": 2244, "created": "..."}
    {"kind": "person", "id": "phoenix:milo_djukanovic", "name": "Milo Djukanovic", "aliases": ["Milo Djukanovic", "Djukanovic"],
     "country": null, "sector": null, "code": null, "source": "Phoenix.Countries.actors.txt:31709",
     "roles": [{"code": "MNEGOV", "country": "MNE", "sector": "GOV", "start": "2012-12-04", "end": null}]}

Kinds: `country` (the aliases name a country; with a sector, a country institution such as AFGMIL),
`organization`, `person` (dated roles), `agent` (a generic noun with a sector) and `blocked` (PETRARCH's
`[---]`: the phrase is not an actor, and our own alias for it is switched off).

Precedence: layers apply in order over our tables. A phrase a layer defines replaces our alias for the same
phrase (compared as the matcher compares: case-insensitively) unless both mean the same thing, in which case
ours stays; within the layers the last definition of a phrase wins, as in PETRARCH. Everything else of ours
stays. An imported organisation whose code is one of our organisations' codes, or a country we know, is
resolved to our entry, so its actor id stays ours.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from pathlib import Path

from newsevents.actors.kb import Alias, Entry, KnowledgeBase, Role
from newsevents.actors.matcher import AliasMatch, AliasMatcher, fold

LAYER_FORMAT = 1
KINDS = ("country", "organization", "person", "agent", "blocked")


class LayerError(ValueError):
    """A layer that cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class StoredLayer:
    """A layer kept in a database. Equal (and cached) by name and content digest."""

    name: str
    digest: str
    content: str = field(compare=False, repr=False)

    @classmethod
    def of(cls, name: str, content: str) -> "StoredLayer":
        return cls(name, hashlib.sha256(content.encode("utf-8")).hexdigest(), content)


LayerSource = Path | StoredLayer


# -- the file format ---------------------------------------------------------------------------


def layer_text(name: str, sources: list[str], entries: list[dict]) -> str:
    """A layer as JSON Lines text: the header, then one entry per line."""
    created = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    header = {"newsevents_layer": LAYER_FORMAT, "name": name, "sources": sources, "entries": len(entries), "created": created}
    lines = [json.dumps(header, ensure_ascii=False)] + [json.dumps(e, ensure_ascii=False) for e in entries]
    return "\n".join(lines) + "\n"


def read_layer(source: LayerSource) -> tuple[dict, list[dict]]:
    """The header and the entries of a layer; LayerError names the line of anything malformed."""
    if isinstance(source, StoredLayer):
        label, text = f"stored layer {source.name!r}", source.content
    else:
        label = str(source)
        try:
            text = Path(source).read_text("utf-8")
        except FileNotFoundError:
            raise LayerError(f"{label}: no such layer file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise LayerError(f"{label}: cannot read the layer ({exc})") from None
    header: dict = {}
    entries: list[dict] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise LayerError(f"{label}:{lineno}: not JSON ({exc.msg})") from None
        if not isinstance(row, dict):
            raise LayerError(f"{label}:{lineno}: a layer line must be a JSON object")
        if "newsevents_layer" in row:
            if row["newsevents_layer"] != LAYER_FORMAT:
                raise LayerError(f"{label}: layer format {row['newsevents_layer']!r}; this newsevents reads format {LAYER_FORMAT}")
            header = row
            continue
        problem = _invalid(row)
        if problem:
            raise LayerError(f"{label}:{lineno}: {problem}")
        entries.append(row)
    if not header and not entries:
        raise LayerError(f"{label}: empty layer")
    return header, entries


def _invalid(row: dict) -> str | None:
    kind = row.get("kind")
    if kind not in KINDS:
        return f"kind must be one of {', '.join(KINDS)}, not {kind!r}"
    aliases = row.get("aliases")
    if not isinstance(aliases, list) or not aliases or not all(isinstance(a, str) and a.strip() for a in aliases):
        return "aliases must be a non-empty list of phrases"
    if not isinstance(row.get("id"), str) or not isinstance(row.get("name"), str):
        return "id and name must be strings"
    if kind == "country" and not isinstance(row.get("country"), str):
        return "a country entry needs its country code"
    if kind == "person":
        roles = row.get("roles")
        if not isinstance(roles, list) or not roles:
            return "a person needs roles"
        for role in roles:
            try:
                _date(role.get("start")), _date(role.get("end"))
            except (AttributeError, TypeError, ValueError):
                return f"bad role {role!r} (start and end are YYYY-MM-DD or null)"
    return None


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


# -- laying layers over our knowledge base -----------------------------------------------------


def apply_layers(base: KnowledgeBase, sources: tuple[LayerSource, ...]) -> KnowledgeBase:
    """Our knowledge base with the layers on top; `base` itself is not changed."""
    entries = dict(base.entries)
    our_orgs: dict[str, Entry] = {}
    for entry in base.entries.values():
        if entry.kind == "organization" and entry.code:
            our_orgs.setdefault(entry.code, entry)  # the first row of a code is its main entry
    user: dict[str, Alias] = {}
    for source in sources:
        for row in read_layer(source)[1]:
            for alias in _aliases(row, entries, our_orgs):
                key = fold(alias.text)
                user.pop(key, None)  # the last definition wins
                user[key] = alias
    kept: list[Alias] = []
    ours_stay: set[str] = set()
    spelling: dict[str, str] = {}
    for alias in base.aliases:
        key = fold(alias.text)
        spelling.setdefault(key, alias.text)
        theirs = user.get(key)
        if theirs is None:
            kept.append(alias)
        elif _same(alias, theirs):
            kept.append(alias)
            ours_stay.add(key)
    # a replaced phrase keeps our spelling: PETRARCH's upper case would make "IRAN" match only in capitals
    added = [replace(a, text=spelling.get(k, a.text)) for k, a in user.items() if k not in ours_stay]
    return KnowledgeBase(entries=entries, aliases=kept + added)


def _same(ours: Alias, theirs: Alias) -> bool:
    """Both aliases code the phrase alike: the same entry and sector, or agents of the same sector."""
    if ours.entry is theirs.entry and ours.sector == theirs.sector:
        return True
    return ours.entry.kind == theirs.entry.kind == "agent" and ours.entry.sector == theirs.entry.sector


def _aliases(row: dict, entries: dict[str, Entry], our_orgs: dict[str, Entry]) -> list[Alias]:
    kind, names = row["kind"], row["aliases"]
    if kind == "country":
        iso = row["country"]
        entry = entries.get(iso)
        if entry is None or entry.kind != "country":
            entry = Entry(id=iso, name=iso, kind="country", country=iso, code=iso)  # a code we do not know (DDR, KNT)
            entries[iso] = entry
        if entry.name == iso and not row.get("sector"):
            entry.name = row["name"]  # only ever an entry this function created
        sector = row.get("sector")
        return [Alias(n, entry, "metonym" if sector else "alias", sector) for n in names]
    if kind == "organization" and row.get("code") in our_orgs:
        entry = our_orgs[row["code"]]
    elif kind == "person":
        roles = [Role(r.get("country"), r.get("sector"), r.get("code") or "", _date(r.get("start")), _date(r.get("end"))) for r in row["roles"]]
        entry = Entry(id=row["id"], name=row["name"], kind="person", roles=roles)
    else:
        entry = Entry(
            id=row["id"], name=row["name"], kind=kind, country=row.get("country"), sector=row.get("sector"),
            code=row.get("code") if kind == "organization" else None,
        )
    entries.setdefault(entry.id, entry)
    if kind == "agent":
        return [Alias(n, entry, "agent") for n in names]
    return [Alias(n, entry, "name" if n == row["name"] else "alias") for n in names]


class LayerMatcher(AliasMatcher):
    """The matcher over a layered knowledge base: a `blocked` phrase is matched (so that nothing shorter
    inside it matches, "Indian" in "Indian Ocean") and then dropped."""

    def find(self, text: str) -> list[AliasMatch]:
        return [m for m in super().find(text) if m.alias.entry.kind != "blocked"]
