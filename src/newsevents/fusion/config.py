"""Thresholds and tables that decide when two event mentions tell the same happening.

Everything the fuser compares is set here, so a caller can tighten or loosen fusion without touching code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType

# CAMEO root -> family. Two mentions can fuse only when their roots are in the same family. Roots are
# their own family except where outlets routinely code one act under neighbouring roots:
# - force: 18 assault (bombings, abductions), 19 fight (strikes, shelling, clashes) and 20 mass violence
#   describe one attack differently ("bombed", "attacked", "massacred");
# - cooperation: 05 diplomatic (057 sign an agreement) and 06 material cooperation (a "defence pact" is
#   either).
# 04 (consult) stays apart from 05/06: talks and the deal signed after them are two happenings, and 17
# (coerce: arrests, seizures) stays apart from force: a crackdown and a shooting are two acts.
ROOT_FAMILIES: Mapping[str, str] = MappingProxyType({
    "01": "statement", "02": "appeal", "03": "intent", "04": "consult", "05": "cooperation",
    "06": "cooperation", "07": "aid", "08": "yield", "09": "investigate", "10": "demand",
    "11": "disapprove", "12": "reject", "13": "threaten", "14": "protest", "15": "posture",
    "16": "reduce-relations", "17": "coerce", "18": "force", "19": "force", "20": "force",
})

# CAMEO code prefixes whose source and target may be swapped: acts done together, where outlets name
# either party first ("A met B" / "B hosted A", "A and B signed"). Both mentions must be symmetric.
# 042 make a visit / 043 host a visit are each other's mirror, so all of 04 is symmetric.
SYMMETRIC_CODES: tuple[str, ...] = ("036", "037", "04", "057", "06")

# How much one outlet's mention supports "this happened": an outlet's own assertion counts fully, a
# report it attributes to someone else less, and plans, conditionals and denials hardly at all (they
# fuse only among themselves, see FusionConfig.modality_class).
MODALITY_WEIGHTS: Mapping[str, float] = MappingProxyType({
    "asserted": 1.0, "reported": 0.6, "hypothetical": 0.2, "intended": 0.2, "negated": 0.2,
})

FACTUAL_MODALITIES: frozenset[str] = frozenset({"asserted", "reported"})

# Actor sectors that outlets use for the same people. One outlet's "police" (COP) is another's "security
# forces" (MIL) or "intelligence agents" (SPY); one outlet's "rebels" (REB) are another's "militants" or
# "insurgents" (INS), "separatists" (SEP) or "gunmen" (UAF); the "protesters" (OPP) shot at are another's
# "people" or "civilians" (CVL). Codes whose sectors are in one group agree.
EQUIVALENT_SECTORS: tuple[frozenset[str], ...] = (
    frozenset({"MIL", "COP", "SPY"}),
    frozenset({"REB", "INS", "SEP", "UAF"}),
    frozenset({"OPP", "CVL"}),
)

# In acts of force, coercion and military posture a government acts through its forces: "Ankara's
# warplanes" (TURGOV) and "Turkish jets" (TURMIL) strike the same camps. There the government (GOV) agrees
# with the state's armed sectors; elsewhere it does not (a foreign ministry's talks are not the army's).
STATE_SECTORS: frozenset[str] = frozenset({"GOV", "MIL", "COP", "SPY"})
STATE_ACT_FAMILIES: frozenset[str] = frozenset({"force", "coerce", "posture"})


@dataclass(frozen=True)
class FusionConfig:
    """When two mentions may be fused, and how a fused event's confidence is computed."""

    date_window_days: int = 3  # largest gap in days between two mentions' date intervals
    distance_km: float = 100.0  # largest distance between two city- or place-level locations
    region_km: float = 200.0  # the same when one location is a region or province (its point is its centre)
    root_families: Mapping[str, str] = field(default_factory=lambda: ROOT_FAMILIES)
    symmetric_codes: tuple[str, ...] = SYMMETRIC_CODES
    missing_actor_matches: bool = True  # a missing source or target is compatible with any actor
    equivalent_sectors: tuple[frozenset[str], ...] = EQUIVALENT_SECTORS
    state_sectors: frozenset[str] = STATE_SECTORS
    state_act_families: frozenset[str] = STATE_ACT_FAMILIES
    modality_weights: Mapping[str, float] = field(default_factory=lambda: MODALITY_WEIGHTS)
    outlet_weight: float = 0.5  # how much one independent, asserting outlet adds to the confidence

    def __post_init__(self) -> None:
        if self.date_window_days < 0:
            raise ValueError("date_window_days must be >= 0")
        if self.distance_km < 0 or self.region_km < 0:
            raise ValueError("distances must be >= 0")
        if not 0.0 < self.outlet_weight <= 1.0:
            raise ValueError("outlet_weight must be in (0, 1]")

    def family(self, root: str) -> str:
        """The root's family; a root the table does not list is its own family."""
        return self.root_families.get(root, root)

    def same_sector(self, a: str, b: str, family: str | None = None) -> bool:
        """Whether two sector codes can name the same actors in an act of this family."""
        if a == b or any(a in group and b in group for group in self.equivalent_sectors):
            return True
        return family in self.state_act_families and a in self.state_sectors and b in self.state_sectors

    def is_symmetric(self, code: str) -> bool:
        return code.startswith(self.symmetric_codes)

    def family_has_symmetric(self, family: str) -> bool:
        """Whether any code of this family is symmetric (then candidates are looked up in both roles)."""
        return family in self._symmetric_families

    @cached_property
    def memo(self) -> dict:
        """A cache for comparisons that depend only on this config (see compat.actors_agree)."""
        return {}

    @cached_property
    def _symmetric_families(self) -> frozenset[str]:
        return frozenset(self.family(code[:2]) for code in self.symmetric_codes)

    @staticmethod
    def modality_class(modality: str) -> str:
        """Asserted and reported mentions tell something that happened and fuse together; each other
        modality (hypothetical, intended, negated) fuses only with mentions of the same modality, so a
        threat or a denial never turns into, or strengthens, a happening."""
        return "factual" if modality in FACTUAL_MODALITIES else modality
