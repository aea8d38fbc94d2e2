"""Trigger lexicon (`data/events/triggers.yaml`): which verbs and nouns name which CAMEO events."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from newsevents.events.ontology import load_ontology

DEFAULT_TARGET_PREPS = ("against", "on", "with", "to", "at", "into", "toward", "towards")
ANY = "*"  # `xcomp: any` / `object: any` in triggers.yaml: there is one, whatever it is ("declined to resign")


@dataclass(frozen=True)
class VerbPattern:
    code: str
    particle: str | None = None
    prep: str | None = None
    object: frozenset[str] | None = None  # ANY: any object
    target: str = "dobj"  # dobj | prep | none
    xcomp: frozenset[str] | None = None  # the lemma of the verb's "to"-clause ("ordered X to leave"); ANY: any lemma
    pobj: frozenset[str] | None = None  # the object of `prep` ("pulled out of the deal")
    giver: str | None = None  # a preposition whose object does the act, the subject receiving it ("received arms from Iran")


@dataclass(frozen=True)
class NounTrigger:
    code: str
    target_preps: tuple[str, ...]
    of_is_source: bool = False  # "the withdrawal of French troops": the "of" phrase does the act


@dataclass(frozen=True)
class Lexicon:
    verbs: dict[str, tuple[VerbPattern, ...]]
    nouns: dict[str, NounTrigger]
    light_verbs: frozenset[str]
    reporting_verbs: frozenset[str]
    intent_verbs: frozenset[str]
    command_verbs: frozenset[str] = frozenset()
    attempt_verbs: frozenset[str] = frozenset()
    in_light_verbs: frozenset[str] = frozenset()
    participation_verbs: frozenset[str] = frozenset()
    symmetric: frozenset[str] = frozenset()
    aerial_agents: frozenset[str] = frozenset()
    unattributed_weapons: frozenset[str] = frozenset()
    measure_nouns: frozenset[str] = frozenset()
    # bombs that are no military ordnance, words that make them ordnance, and the refined bombing codes
    bomb_words: frozenset[str] = frozenset()
    ordnance_words: frozenset[str] = frozenset()
    bombing_codes: dict[str, str] | None = None
    state_verbs: frozenset[str] = frozenset()
    on_states: dict[str, str] | None = None  # "on strike", "on high alert": the state's code
    # family ("02", "03", "10", "12", "13") -> code prefix of the act the complement tells -> refined code
    complement_codes: dict[str, dict[str, str]] | None = None
    nominalizations: dict[str, str] | None = None  # "suspension" -> "suspend": coded by the verb's object patterns
    not_events: frozenset[str] = frozenset()  # "trade war": two words that name no event
    undergone_with_possessive: frozenset[str] = frozenset()  # "Israel's destruction": the possessor undergoes it

    def refine(self, family: str, inner_code: str) -> str | None:
        """The code of an appeal, intent, demand, rejection or threat whose content is an act coded `inner_code`
        ("urged Iran to free X": family 02, inner 0841 -> 0253); None when the table has no entry."""
        table = (self.complement_codes or {}).get(family) or {}
        for n in range(len(inner_code), 1, -1):
            found = table.get(inner_code[:n])
            if found is not None:
                return found
        return None


class LexiconError(ValueError):
    pass


# lists of verbs with a role of their own; a `same_as` alias joins those its base is in
_VERB_SETS = ("light_verbs", "reporting_verbs", "intent_verbs", "command_verbs", "in_light_verbs", "participation_verbs", "symmetric",
              "attempt_verbs", "state_verbs")


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
            xcomp = p.get("xcomp")
            pobj = p.get("pobj")
            parsed.append(
                VerbPattern(
                    code=code,
                    particle=p.get("particle"),
                    prep=p.get("prep"),
                    object=frozenset({ANY}) if obj == "any" else frozenset(str(o).lower() for o in obj) if obj else None,
                    target=p.get("target", "prep" if p.get("prep") and not p.get("pobj") else "dobj"),
                    xcomp=frozenset({ANY}) if xcomp == "any" else frozenset(str(o).lower() for o in xcomp) if xcomp else None,
                    pobj=frozenset(str(o).lower() for o in pobj) if pobj else None,
                    giver=p.get("giver"),
                )
            )
        verbs[str(lemma).lower()] = tuple(parsed)
    sets = {key: set(raw.get(key) or ()) for key in _VERB_SETS}
    for alias, base in (raw.get("same_as") or {}).items():
        alias, base = str(alias).lower(), str(base).lower()
        if alias in verbs or any(alias in members for members in sets.values()):
            raise LexiconError(f"triggers.yaml: same_as '{alias}' is an entry of its own already")
        if base not in verbs and not any(base in members for members in sets.values()):
            raise LexiconError(f"triggers.yaml: same_as '{alias}' names '{base}', which is no verb here")
        if base in verbs:
            verbs[alias] = verbs[base]
        for members in sets.values():
            if base in members:
                members.add(alias)
    nominalizations = {str(n).lower(): str(v).lower() for n, v in (raw.get("nominalizations") or {}).items()}
    for noun, verb in nominalizations.items():
        if verb not in verbs:
            raise LexiconError(f"triggers.yaml: nominalization '{noun}' names '{verb}', which is no verb here")
    nouns = {}
    for lemma, spec in (raw.get("nouns") or {}).items():
        code = str(spec["code"])
        if code not in codes:
            raise LexiconError(f"triggers.yaml: noun '{lemma}' uses unknown CAMEO code {code}")
        nouns[str(lemma).lower()] = NounTrigger(code, tuple(spec.get("target_preps") or ("against", "on")), bool(spec.get("of_is_source")))
    return Lexicon(
        verbs=verbs,
        nouns=nouns,
        **{key: frozenset(members) for key, members in sets.items()},
        aerial_agents=frozenset(raw.get("aerial_agents") or ()),
        unattributed_weapons=frozenset(raw.get("unattributed_weapons") or ()),
        measure_nouns=frozenset(raw.get("measure_nouns") or ()),
        **_bombings(raw.get("bombings") or {}, codes),
        on_states=_coded_words(raw.get("on_states") or {}, codes, "on_states"),
        complement_codes=_complement_codes(raw.get("complement_codes") or {}, codes),
        nominalizations=nominalizations,
        not_events=frozenset(str(w).lower() for w in raw.get("not_events") or ()),
        undergone_with_possessive=frozenset(str(w).lower() for w in raw.get("undergone_with_possessive") or ()),
    )


def _coded_words(raw: dict, codes, table: str) -> dict[str, str]:
    out = {str(word).lower(): str(code) for word, code in raw.items()}
    for word, code in out.items():
        if code not in codes:
            raise LexiconError(f"triggers.yaml: {table} code for '{word}' is unknown CAMEO code {code}")
    return out


def _bombings(raw: dict, codes) -> dict:
    refined = _coded_words(raw.get("codes") or {}, codes, "bombings")
    return {"bomb_words": frozenset(raw.get("bombs") or ()), "ordnance_words": frozenset(raw.get("ordnance") or ()),
            "bombing_codes": refined}


def _complement_codes(raw: dict, codes) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for inner, by_family in raw.items():
        for family, code in (by_family or {}).items():
            code = str(code)
            if code not in codes:
                raise LexiconError(f"triggers.yaml: complement_codes {inner}/{family} uses unknown CAMEO code {code}")
            out.setdefault(str(family), {})[str(inner)] = code
    return out
