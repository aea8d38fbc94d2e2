"""Trigger lexicon (`data/events/triggers.yaml`): which verbs and nouns name which CAMEO events."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from newsevents.events.ontology import load_ontology

DEFAULT_TARGET_PREPS = ("against", "on", "with", "to", "at", "into", "toward", "towards")


@dataclass(frozen=True)
class VerbPattern:
    code: str
    particle: str | None = None
    prep: str | None = None
    object: frozenset[str] | None = None
    target: str = "dobj"  # dobj | prep | none


@dataclass(frozen=True)
class NounTrigger:
    code: str
    target_preps: tuple[str, ...]


@dataclass(frozen=True)
class Lexicon:
    verbs: dict[str, tuple[VerbPattern, ...]]
    nouns: dict[str, NounTrigger]
    light_verbs: frozenset[str]
    reporting_verbs: frozenset[str]
    intent_verbs: frozenset[str]


class LexiconError(ValueError):
    pass


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    raw = yaml.safe_load(resources.files("newsevents.data.events").joinpath("triggers.yaml").read_text("utf-8"))
    codes = load_ontology()
    verbs: dict[str, tuple[VerbPattern, ...]] = {}
    for lemma, patterns in (raw.get("verbs") or {}).items():
        parsed = []
        for p in patterns:
            code = str(p["code"])
            if code not in codes:
                raise LexiconError(f"triggers.yaml: verb '{lemma}' uses unknown CAMEO code {code}")
            obj = p.get("object")
            parsed.append(
                VerbPattern(
                    code=code,
                    particle=p.get("particle"),
                    prep=p.get("prep"),
                    object=frozenset(str(o).lower() for o in obj) if obj else None,
                    target=p.get("target", "prep" if p.get("prep") else "dobj"),
                )
            )
        verbs[str(lemma).lower()] = tuple(parsed)
    nouns = {}
    for lemma, spec in (raw.get("nouns") or {}).items():
        code = str(spec["code"])
        if code not in codes:
            raise LexiconError(f"triggers.yaml: noun '{lemma}' uses unknown CAMEO code {code}")
        nouns[str(lemma).lower()] = NounTrigger(code, tuple(spec.get("target_preps") or ("against", "on")))
    return Lexicon(
        verbs=verbs,
        nouns=nouns,
        light_verbs=frozenset(raw.get("light_verbs") or ()),
        reporting_verbs=frozenset(raw.get("reporting_verbs") or ()),
        intent_verbs=frozenset(raw.get("intent_verbs") or ()),
    )
