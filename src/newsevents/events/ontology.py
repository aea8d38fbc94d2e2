"""The CAMEO code table (`data/ontology/cameo.tsv`): names, Goldstein values, quad classes, PLOVER."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class CameoCode:
    code: str
    name: str
    goldstein: float
    quad_class: int
    plover_type: str | None
    plover_mode: str | None
    plover_context: tuple[str, ...]

    @property
    def root(self) -> str:
        return self.code[:2]


@lru_cache(maxsize=1)
def load_ontology() -> dict[str, CameoCode]:
    text = resources.files("newsevents.data.ontology").joinpath("cameo.tsv").read_text("utf-8")
    table = {}
    for row in csv.DictReader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE):
        table[row["code"]] = CameoCode(
            code=row["code"],
            name=row["name"],
            goldstein=float(row["goldstein"]),
            quad_class=int(row["quad_class"]),
            plover_type=row["plover_type"] or None,
            plover_mode=row["plover_mode"] or None,
            plover_context=tuple(c for c in row["plover_context"].split("|") if c),
        )
    return table
