"""Checks for the CAMEO ontology table ``src/newsevents/data/ontology/cameo.tsv``.

Two groups of tests:

1. Structural checks that always run (header, column count, unique codes, root and
   parent codes exist, quad class follows the root, Goldstein range, PLOVER vocabulary).
2. Checks against the public reference tables in ``/work/shared/reference`` (GDELT's
   CAMEO lookup tables and PLOVER's ``CAMEO2PLOVER-2021.txt``). Those files only sit
   beside checkouts, so these tests are skipped when the folder is missing. Every
   difference from the references must be listed in ``DELIBERATE_DIFFERENCES``; any
   other difference fails, and so does a listed difference that no longer occurs.

The reference files are only read here; nothing from them is copied into the project.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

TABLE_PATH = Path(__file__).parents[1] / "src/newsevents/data/ontology/cameo.tsv"
REFERENCE_DIR = Path(__file__).parents[2] / "shared/reference"
GDELT_EVENTCODES = REFERENCE_DIR / "gdelt-cameo-lookups/CAMEO.eventcodes.txt"
GDELT_GOLDSTEIN = REFERENCE_DIR / "gdelt-cameo-lookups/CAMEO.goldsteinscale.txt"
PLOVER_MAPPING = REFERENCE_DIR / "plover/CAMEO2PLOVER-2021.txt"

HEADER = [
    "code",
    "name",
    "goldstein",
    "quad_class",
    "plover_type",
    "plover_mode",
    "plover_context",
]

PLOVER_TYPES = {
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
}

# CAMEO roots PLOVER drops entirely (no mapping lines; PLOVER columns stay empty).
PLOVER_DROPPED_ROOTS = {"01", "02"}

# Every known, intended difference between cameo.tsv and the reference tables.
# Key: (kind, CAMEO code). Kinds:
#   "missing_in_gdelt"   - code is in our table but not in GDELT's eventcodes/goldstein tables
#   "missing_in_table"   - code is in a reference table but deliberately not in ours
#   "plover_choice"      - PLOVER gives several different lines for the code; the reason
#                          names the one we use (the test checks ours is one of them)
#   "plover_inherited"   - no PLOVER line for the code; we use the root's type
# (no "plover_inherited" rows are needed at present: every GDELT code outside roots 01
# and 02 has its own PLOVER line.)
DELIBERATE_DIFFERENCES: dict[tuple[str, str], str] = {
    ("missing_in_gdelt", "106"): (
        "CAMEO 106 'Demand meeting, negotiation' is a real CAMEO code (PLOVER maps it to "
        "REQUEST, meet, diplomatic). GDELT's lookup tables lost its row: the text "
        "'106:[-5.0] Demand withdrawal' is glued onto the end of the 1056 line of "
        "CAMEO.eventcodes.txt and the row is absent from CAMEO.goldsteinscale.txt. Our "
        "Goldstein value -5.0 is the one embedded there (checked below)."
    ),
    ("missing_in_table", "1213"): (
        "PLOVER's table has a line for 1213 'Reject judicial cooperation', but CAMEO "
        "defines only 1211 and 1212 under 121 and GDELT has no 1213, so it is not a "
        "CAMEO code."
    ),
    ("missing_in_table", "1214"): (
        "PLOVER's table has a line for 1214 'Reject intelligence cooperation', but CAMEO "
        "defines only 1211 and 1212 under 121 and GDELT has no 1214, so it is not a "
        "CAMEO code."
    ),
    ("plover_choice", "08"): (
        "PLOVER splits CAMEO root 08 YIELD into two root lines, '08: CONCEDE' (heading "
        "080-083x) and '08: RETREAT' (heading 084-087x). A root row can hold one type; we "
        "use CONCEDE, the type of 080 'Yield, not specified below'. The sub-codes carry "
        "their own CONCEDE/RETREAT lines unchanged."
    ),
}

# The line we use where PLOVER gives several (see the "plover_choice" entries above).
PLOVER_CHOSEN_TYPE = {"08": "CONCEDE"}

QUAD_CLASS_BY_ROOT = {f"{r:02d}": (1 if r <= 5 else 2 if r <= 8 else 3 if r <= 13 else 4)
                      for r in range(1, 21)}


# --------------------------------------------------------------------------- loading


def _read_table() -> tuple[list[str], list[list[str]]]:
    with TABLE_PATH.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert rows, f"{TABLE_PATH} is empty"
    return rows[0], rows[1:]


def _table_by_code() -> dict[str, dict[str, str]]:
    _, rows = _read_table()
    return {row[0]: dict(zip(HEADER, row)) for row in rows}


def _require_reference() -> None:
    if not REFERENCE_DIR.is_dir():
        pytest.skip(f"shared reference folder not available: {REFERENCE_DIR}")


def _read_gdelt_two_columns(path: Path) -> dict[str, str]:
    """``code<TAB>value`` rows after a one-line header, as a dict (codes stay strings)."""
    text = path.read_text(encoding="utf-8", errors="replace")
    lines = text.splitlines()
    result: dict[str, str] = {}
    for line in lines[1:]:
        if not line.strip():
            continue
        code, _, value = line.partition("\t")
        code = code.strip()
        assert code not in result, f"{path.name}: duplicate code {code}"
        result[code] = value
    return result


def _context_tuple(raw: str, sep: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in raw.split(sep) if part.strip())


def _read_plover_mapping() -> dict[str, list[tuple[str, str, tuple[str, ...]]]]:
    """Parse CAMEO2PLOVER-2021.txt into code -> distinct (type, mode, contexts) lines.

    Format: four ``#`` header lines, then ``CODE: TYPE, mode, context[; context] # comment``
    lines (mode/context may be blank or missing, root lines are ``NN: TYPE``), blank lines
    between sections, and a final ``~~~~~`` line.
    """
    lines = PLOVER_MAPPING.read_text(encoding="utf-8").splitlines()
    assert all(line.startswith("#") for line in lines[:4]), "expected 4 '#' header lines"
    mapping: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {}
    saw_end = False
    for number, line in enumerate(lines[4:], start=5):
        stripped = line.strip()
        if stripped.startswith("~~~~~"):
            saw_end = True
            break
        if not stripped or stripped.startswith("#"):
            continue
        body = stripped.split("#", 1)[0]
        code, colon, rest = body.partition(":")
        assert colon, f"line {number}: no ':' in {line!r}"
        code = code.strip()
        assert re.fullmatch(r"\d{2,4}", code), f"line {number}: bad code {code!r}"
        parts = [part.strip() for part in rest.split(",")]
        assert 1 <= len(parts) <= 3, f"line {number}: unexpected fields in {line!r}"
        parts += [""] * (3 - len(parts))
        entry = (parts[0], parts[1], _context_tuple(parts[2], ";"))
        entries = mapping.setdefault(code, [])
        if entry not in entries:  # e.g. 175 is listed twice with identical content
            entries.append(entry)
    assert saw_end, "PLOVER mapping file has no closing '~~~~~' line"
    return mapping


def _our_plover(row: dict[str, str]) -> tuple[str, str, tuple[str, ...]]:
    return (row["plover_type"], row["plover_mode"], _context_tuple(row["plover_context"], "|"))


def _differences_of(kind: str) -> dict[str, str]:
    return {code: reason for (k, code), reason in DELIBERATE_DIFFERENCES.items() if k == kind}


def _assert_only_documented(kind: str, found: set[str]) -> None:
    documented = set(_differences_of(kind))
    undocumented = sorted(found - documented)
    stale = sorted(documented - found)
    assert not undocumented, f"undocumented {kind} differences: {undocumented}"
    assert not stale, f"documented {kind} differences that no longer occur: {stale}"


# ------------------------------------------------------------------ structural checks


def test_header() -> None:
    header, _ = _read_table()
    assert header == HEADER


def test_every_row_has_seven_columns() -> None:
    _, rows = _read_table()
    bad = [(i + 2, row) for i, row in enumerate(rows) if len(row) != len(HEADER)]
    assert not bad, f"rows without {len(HEADER)} columns (line, row): {bad[:5]}"


def test_codes_are_well_formed_and_unique() -> None:
    _, rows = _read_table()
    codes = [row[0] for row in rows]
    assert all(re.fullmatch(r"\d{2,4}", code) for code in codes), [
        c for c in codes if not re.fullmatch(r"\d{2,4}", c)
    ]
    duplicates = sorted({c for c in codes if codes.count(c) > 1})
    assert not duplicates, f"duplicate codes: {duplicates}"


def test_all_twenty_roots_present() -> None:
    table = _table_by_code()
    assert {c for c in table if len(c) == 2} == set(QUAD_CLASS_BY_ROOT)


def test_roots_and_parents_exist() -> None:
    table = _table_by_code()
    missing_root = sorted(c for c in table if c[:2] not in table)
    assert not missing_root, f"codes whose root is missing: {missing_root}"
    missing_parent = sorted(c for c in table if len(c) == 4 and c[:3] not in table)
    assert not missing_parent, f"four-digit codes whose three-digit parent is missing: {missing_parent}"


def test_quad_class_follows_root() -> None:
    table = _table_by_code()
    wrong = sorted(
        code for code, row in table.items()
        if row["quad_class"] != str(QUAD_CLASS_BY_ROOT.get(code[:2]))
    )
    assert not wrong, f"codes with a wrong quad_class: {wrong}"


def test_goldstein_in_range_with_one_decimal() -> None:
    table = _table_by_code()
    for code, row in table.items():
        value = row["goldstein"]
        assert re.fullmatch(r"-?\d{1,2}\.\d", value), f"{code}: goldstein {value!r}"
        assert -10.0 <= float(value) <= 10.0, f"{code}: goldstein {value} out of range"


def test_names_are_clean() -> None:
    table = _table_by_code()
    for code, row in table.items():
        name = row["name"]
        assert name and name == name.strip(), f"{code}: empty or padded name {name!r}"
        assert "  " not in name, f"{code}: double space in {name!r}"
        assert name.isascii() and '"' not in name, f"{code}: non-ASCII or quote in {name!r}"
        if len(code) == 2:
            assert name == name.upper(), f"root {code} name should be upper case: {name!r}"
    # GDELT's file carries a mis-encoded name for 044; ours must not.
    assert table["044"]["name"] == "Meet at a third location"


def test_plover_columns_well_formed() -> None:
    table = _table_by_code()
    for code, row in table.items():
        ptype, mode, context = row["plover_type"], row["plover_mode"], row["plover_context"]
        if code[:2] in PLOVER_DROPPED_ROOTS:
            assert (ptype, mode, context) == ("", "", ""), f"{code}: PLOVER drops root {code[:2]}"
            continue
        assert ptype in PLOVER_TYPES, f"{code}: unknown PLOVER type {ptype!r}"
        for value in (mode, context):
            assert value == value.strip() and "\t" not in value, f"{code}: padded {value!r}"
        assert all(re.fullmatch(r"[a-z_-]+", c) for c in context.split("|") if context), (
            f"{code}: bad PLOVER context {context!r}"
        )
        if len(code) == 2:
            assert mode == context == "", f"root {code} should carry the PLOVER type only"


# ------------------------------------------------------------------ reference checks


def test_codes_match_gdelt() -> None:
    _require_reference()
    ours = set(_table_by_code())
    names = _read_gdelt_two_columns(GDELT_EVENTCODES)
    goldstein = _read_gdelt_two_columns(GDELT_GOLDSTEIN)
    assert set(names) == set(goldstein), "GDELT eventcodes and goldstein tables disagree"
    gdelt = set(names)
    _assert_only_documented("missing_in_gdelt", ours - gdelt)
    # Codes that only PLOVER has are "missing_in_table" too, so check GDELT's part here.
    documented_missing = set(_differences_of("missing_in_table"))
    undocumented = sorted((gdelt - ours) - documented_missing)
    assert not undocumented, f"GDELT codes missing from our table: {undocumented}"


def test_goldstein_matches_gdelt() -> None:
    _require_reference()
    table = _table_by_code()
    gdelt = _read_gdelt_two_columns(GDELT_GOLDSTEIN)
    wrong = {
        code: (row["goldstein"], gdelt[code].strip())
        for code, row in table.items()
        if code in gdelt and float(row["goldstein"]) != float(gdelt[code])
    }
    assert not wrong, f"Goldstein values differing from GDELT (ours, GDELT): {wrong}"


def test_goldstein_of_code_106_matches_embedded_gdelt_value() -> None:
    _require_reference()
    table = _table_by_code()
    text = GDELT_EVENTCODES.read_text(encoding="utf-8", errors="replace")
    match = re.search(r"(?<!\d)106:\[(-?\d+(?:\.\d+)?)\]", text)
    assert match, "the '106:[...]' fragment is no longer in GDELT's table; revisit code 106"
    assert float(table["106"]["goldstein"]) == float(match.group(1))


def test_plover_matches_2021_mapping() -> None:
    _require_reference()
    table = _table_by_code()
    mapping = _read_plover_mapping()

    # Codes PLOVER maps that are not in our table.
    _assert_only_documented("missing_in_table", set(mapping) - set(table) | (
        set(_read_gdelt_two_columns(GDELT_EVENTCODES)) - set(table)
    ))

    wrong: dict[str, tuple] = {}
    ambiguous: set[str] = set()
    inherited: set[str] = set()
    for code, row in table.items():
        ours = _our_plover(row)
        lines = mapping.get(code)
        if lines is None:
            if code[:2] in PLOVER_DROPPED_ROOTS:
                if ours != ("", "", ()):
                    wrong[code] = (ours, "PLOVER drops this root")
                continue
            if ours == ("", "", ()):
                continue
            inherited.add(code)
            root_types = {entry[0] for entry in mapping.get(code[:2], [])}
            if ours[0] not in root_types or ours[1:] != ("", ()):
                wrong[code] = (ours, f"inherited type must be the root's, one of {root_types}")
            continue
        if len(lines) > 1:
            ambiguous.add(code)
            if ours not in lines or ours[0] != PLOVER_CHOSEN_TYPE.get(code):
                wrong[code] = (ours, lines, f"chosen: {PLOVER_CHOSEN_TYPE.get(code)}")
        elif ours != lines[0]:
            wrong[code] = (ours, lines[0])
    assert not wrong, f"PLOVER columns differing from CAMEO2PLOVER-2021 (ours, theirs): {wrong}"
    _assert_only_documented("plover_choice", ambiguous)
    assert set(PLOVER_CHOSEN_TYPE) == ambiguous, "PLOVER_CHOSEN_TYPE must cover plover_choice codes"
    _assert_only_documented("plover_inherited", inherited)


def test_deliberate_differences_are_explained() -> None:
    kinds = {"missing_in_gdelt", "missing_in_table", "plover_choice", "plover_inherited"}
    for (kind, code), reason in DELIBERATE_DIFFERENCES.items():
        assert kind in kinds, f"unknown difference kind {kind!r}"
        assert re.fullmatch(r"\d{2,4}", code)
        assert reason.strip(), f"{kind} {code}: no reason given"
