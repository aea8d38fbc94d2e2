"""PETRARCH/TABARI dictionaries: parsing every line, conversion to our model, the layer over our knowledge base,
`newsevents dict` and `--actors-layer`, and the seeds coded with the Phoenix dictionaries on."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from newsevents.actors.kb import load_kb
from newsevents.actors.layers import LayerMatcher, StoredLayer, apply_layers, layer_text, read_layer
from newsevents.actors.matcher import AliasMatcher
from newsevents.actors.petrarch_dicts import CodeReader, convert, display, parse_file, parse_text, plural_of, read_date
from newsevents.cli import main

SHARED = Path(__file__).resolve().parents[2] / "shared"
PHOENIX = SHARED / "reference" / "petrarch2-dictionaries"
VALIDATE = SHARED / "reference" / "petrarch2-test-dictionaries"
SEEDS = SHARED / "corpus" / "seeds"
PHOENIX_FILES = ["Phoenix.Countries.actors.txt", "Phoenix.International.actors.txt", "Phoenix.MilNonState.actors.txt", "Phoenix.agents.txt"]

needs_phoenix = pytest.mark.skipif(not PHOENIX.is_dir(), reason="../shared/reference/petrarch2-dictionaries is not beside this checkout")


def _countries() -> frozenset[str]:
    return frozenset(e.id for e in load_kb().entries.values() if e.kind == "country")


def _entries(text: str, layer: str = "t") -> list[dict]:
    return convert([parse_text(text, "t.txt")], layer, CodeReader(_countries())).entries


# -- every line of the Phoenix dictionaries ----------------------------------------------------

# file: (entries, problems); each problem is listed on stderr by `dict import` with its line
PHOENIX_COUNTS = {
    "Phoenix.Countries.actors.txt": (18352, 15),
    "Phoenix.International.actors.txt": (7838, 10),
    "Phoenix.MilNonState.actors.txt": (1021, 0),
    "Phoenix.agents.txt": (2244, 2),
}


def _independent_content_lines(path: Path) -> tuple[int, set[int]]:
    """Line count and the lines with content, by a reading that shares no code with the parser."""
    lines = path.read_bytes().decode("utf-8").split("\n")
    if lines[-1] == "":
        lines.pop()
    content, in_comment = set(), False
    for n, line in enumerate(lines, start=1):
        s = line.strip()
        if in_comment or s.startswith("<!"):
            in_comment = (in_comment or s.startswith("<!")) and "-->" not in s
            continue
        if line.split("#")[0].split(";")[0].strip():
            content.add(n)
    return len(lines), content


@needs_phoenix
@pytest.mark.parametrize("name", PHOENIX_FILES)
def test_every_phoenix_line_is_parsed_or_reported(name):
    path = PHOENIX / name
    parsed = parse_file(path)
    entries, problems = PHOENIX_COUNTS[name]
    assert len(parsed.agents if name.endswith("agents.txt") else parsed.actors) == entries
    assert len(parsed.problems) == problems
    n_lines, content = _independent_content_lines(path)
    assert len(parsed.states) == n_lines
    for n in content:
        assert parsed.states[n - 1] in ("entry", "macro", "error"), (n, parsed.states[n - 1])
    for n, state in enumerate(parsed.states, start=1):
        if state in ("entry", "macro", "error"):
            assert n in content
    spans = [(p.line, p.end_line or p.line) for p in parsed.problems if p.severity == "error"]
    for n, state in enumerate(parsed.states, start=1):
        if state == "error":
            assert any(a <= n <= b for a, b in spans), f"line {n} not used and not reported"
    assert all(p.file == name and p.line >= 1 for p in parsed.problems)


@needs_phoenix
def test_known_phoenix_problems_carry_their_line_numbers():
    parsed = parse_file(PHOENIX / "Phoenix.Countries.actors.txt")
    by_line = {p.line: p for p in parsed.problems}
    assert by_line[2039].severity == "error" and "9008223" in by_line[2039].message  # a 7-digit date
    assert by_line[31715].severity == "warning" and "2012-12-04" in by_line[31715].message  # a bare date: from
    assert by_line[745].severity == "warning" and "U+001A" in by_line[745].message  # a stray control byte
    assert by_line[18007].end_line == 18010 and "DAVID CAMERON" in by_line[18007].message  # its only code was bad


def test_validation_dictionaries_parse():
    if not VALIDATE.is_dir():
        pytest.skip("../shared/reference/petrarch2-test-dictionaries is not beside this checkout")
    actors = parse_file(VALIDATE / "PETR.Validate.actors.txt")
    agents = parse_file(VALIDATE / "PETR.Validate.agents.txt")
    assert actors.kind == "actors" and agents.kind == "agents"
    gollum = next(a for a in actors.actors if a.phrase == "GOLLUM")
    assert [c.code for c in gollum.codes] == ["HOB", "HOBGOV", "HOBREB"]  # "< 950601", "19950601 - 19990815", "> 990816"
    assert gollum.codes[1].start == date(1995, 6, 1) and gollum.codes[1].end == date(1999, 8, 15)
    assert {p.line for p in actors.problems if p.severity == "error"} == {112}  # ISILDUR [+++]
    walks = next(a for a in agents.agents if "SILLY WALKS" in a.phrases[0])
    assert walks.phrases == ["MINISTER OF SILLY WALKS", "MINISTERS OF SILLY WALKS", "MINISTRY OF SILLY WALKS", "MINISTRIES OF SILLY WALKS"]


# -- the tricky line forms -----------------------------------------------------------------------


def test_dates_and_code_forms():
    assert read_date("331108") == date(1933, 11, 8) and read_date("081201") == date(2008, 12, 1)
    assert read_date("20170120") == date(2017, 1, 20) and read_date("2004017") is None and read_date("20171301") is None
    parsed = parse_text(
        "DONALD_TRUMP_ [USABUS <20170120] [USAGOV 20170120-20210120]\n"
        "+TRUMP_\n"
        "\t[USAELI]\n"
        "ABDEL_FATTAH_EL-SISI  # a comment\n"
        "\t[EGYMIL 120812-140326]\n"
        "\t[EGYGOV > 140608]\n",
        "t.txt",
    )
    trump, sisi = parsed.actors
    assert trump.phrase == "DONALD TRUMP" and trump.synonyms == ["TRUMP"]
    assert [(c.code, c.start, c.end) for c in trump.codes] == [
        ("USABUS", None, date(2017, 1, 20)), ("USAGOV", date(2017, 1, 20), date(2021, 1, 20)), ("USAELI", None, None)]
    assert (sisi.codes[1].code, sisi.codes[1].start, sisi.codes[1].end) == ("EGYGOV", date(2014, 6, 8), None)
    assert parsed.problems == [] and parsed.states == ["entry"] * 6


def test_comments_blanks_and_phrases():
    parsed = parse_text(
        "<!-- header -->\n<!--\nmulti-line\n-->\n# a comment\n\n   \n"
        "AFGHANISTAN_  [AFG]   # trailing comment\n+AFGHAN_ \n"
        "JAMES_BYRNES_  ; TABARI comment\n    [USAELI 18970101-450703]\n"
        "RADAGAST THE_BROWN  [RAD]\n",
        "t.txt",
    )
    assert parsed.states == ["comment"] * 5 + ["blank", "blank"] + ["entry"] * 5
    assert [a.phrase for a in parsed.actors] == ["AFGHANISTAN", "JAMES BYRNES", "RADAGAST THE BROWN"]
    assert parsed.actors[1].codes[0].end == date(1945, 7, 3)


def test_primary_phrases_without_a_code_share_the_next_codes():
    parsed = parse_text("LEONID_BREZHNEV_\nSECRETARY_BREZHNEV\n\t[RUSGOV 641014-821110]\nYURY_ANDROPOV_\n\t[RUSGOV 821112-840209]\n")
    brezhnev, andropov = parsed.actors
    assert brezhnev.synonyms == ["SECRETARY BREZHNEV"] and brezhnev.codes[0].code == "RUSGOV"
    assert andropov.phrase == "YURY ANDROPOV" and parsed.problems == []


def test_agents_plurals_macros_and_code_forms():
    parsed = parse_text(
        "!PERSON! = MAN, MEN, WOMAN\n"
        "FARMER [~AGR]\nPOLICE {} [~COP]\nATTORNEY_GENERAL {ATTORNEYS_GENERAL} [~GOVATG]\n"
        "MILITARY_AUTHORITY [~MIL]\nCONGRESS [~LEG]\nCONGRESS!PERSON! [~LEG]\n"
        "PEACEKEEPING_TROOPS {} [IGO~]\nDEPARMENT_OF_ENVIRONMENT [~ENV}\nPOLICE_CHIEF [ ~COP]\n",
        "t.agents",
    )
    assert parsed.kind == "agents" and parsed.states[0] == "macro"
    forms = {a.phrases[0]: (a.phrases, a.code, a.prefix) for a in parsed.agents}
    assert forms["FARMER"] == (["FARMER", "FARMERS"], "AGR", False)
    assert forms["POLICE"][0] == ["POLICE"]
    assert forms["ATTORNEY GENERAL"][0] == ["ATTORNEY GENERAL", "ATTORNEYS GENERAL"]
    assert forms["MILITARY AUTHORITY"][0][1] == "MILITARY AUTHORITIES" and forms["CONGRESS"][0][1] == "CONGRESSES"
    assert forms["CONGRESSMAN"][0] == ["CONGRESSMAN", "CONGRESSMEN", "CONGRESSWOMAN"]  # no plural after a macro
    assert forms["PEACEKEEPING TROOPS"] == (["PEACEKEEPING TROOPS"], "IGO", True)
    assert forms["POLICE CHIEF"][1] == "COP"
    (warning,) = parsed.problems
    assert warning.line == 9 and warning.severity == "warning" and "[~ENV}" in warning.message
    assert plural_of("AUTHORITY") == "AUTHORITIES" and plural_of("BOSS") == "BOSSES" and plural_of("DAY") == "DAYS"


def test_malformed_lines_are_reported_with_their_numbers():
    text = (
        "+ORPHAN_SYNONYM\n"                      # 1: a synonym before any actor
        "[USAGOV]\n"                              # 2: a code before any actor
        "GOOD_ACTOR [USAGOV]\n"                   # 3
        "BAD_DATE\n\t[USAGOV 20171301-20180101]\n"  # 4-5: a month 13, and nothing else: the entry goes too
        "+FAEROYENE]_\n"                          # 6: a stray bracket
        "ISILDUR [+++]\n"                         # 7: not a code
        "LORIEN [ELR/GAL]\n"                      # 8: alternatives, the first is used
        "PALESTINIAN [pse]\n"                     # 9: lower case, read as PSE
        "REVERSED\n\t[EGYGOV 20121207-20120802]\n\t[EGYGOV]\n"  # 10-12: a range that ends before it starts
        "\t[EGYMIL 20120101\n"                  # 13: never closed
    )
    parsed = parse_text(text, "bad.actors")
    errors = {p.line for p in parsed.problems if p.severity == "error"}
    warnings = {p.line for p in parsed.problems if p.severity == "warning"}
    assert errors == {1, 2, 4, 5, 6, 7, 11, 13} and warnings == {8, 9}
    assert [i + 1 for i, s in enumerate(parsed.states) if s == "error"] == [1, 2, 4, 5, 6, 7, 11, 13]
    assert [a.phrase for a in parsed.actors] == ["GOOD ACTOR", "LORIEN", "PALESTINIAN", "REVERSED"]
    assert parsed.actors[-1].codes[0].code == "EGYGOV" and not parsed.actors[-1].codes[0].dated
    assert all(p.file == "bad.actors" for p in parsed.problems)
    unclosed = parse_text("A [USA]\n<!-- never closed\nB [GBR]\n", "c.txt")
    assert unclosed.problems[-1].line == 2 and unclosed.problems[-1].end_line == 3 and unclosed.states[2] == "error"
    agents = parse_text("!PERSON! = MAN\nWATER!PERSONS! [~GOV]\nISLAMIC_EXTREMIST\nFARMER [~AGR]\n", "a.agents")
    assert {p.line: p.severity for p in agents.problems} == {2: "error", 3: "error"}


# -- conversion ----------------------------------------------------------------------------------


def test_conversion_to_our_model():
    entries = {e["name"]: e for e in _entries(
        "AFGHANISTAN_ [AFG]\n+KABUL_\n"
        "AFGHAN_NATIONAL_ARMY [AFGMIL]\n"
        "ADEN_ABYAN_ISLAMIC_ARMY_(AAIA)_ [YEMREB]\n"
        "THE_ISLAMIC_STATE\n+DAESH_\n\t[IMGMUSISI >20130408]\n"
        "BAN_KI-MOON\n\t[IGOUNO >20070101]\n\t[KORGOV 20040117-20061201]\n"
        "MONTENEGRO_ [MNE]\n\t[YUG <060603]\n"
        "INDIAN_OCEAN [---]\n"
        "KINAKUTA_ [KNT]\n"
    )}
    assert entries["Afghanistan"]["kind"] == "country" and entries["Afghanistan"]["aliases"] == ["Afghanistan", "Kabul"]
    army = entries["Afghan National Army"]
    assert (army["kind"], army["country"], army["sector"], army["code"]) == ("country", "AFG", "MIL", "AFGMIL")
    aaia = entries["Aden Abyan Islamic Army (AAIA)"]
    assert (aaia["kind"], aaia["country"], aaia["sector"]) == ("organization", "YEM", "REB")
    assert "Aden Abyan Islamic Army" in aaia["aliases"]
    isis = entries["the Islamic State"]
    assert (isis["kind"], isis["code"], isis["sector"]) == ("organization", "IMGMUSISI", "IMG")
    ban = entries["Ban Ki-moon"]
    assert ban["kind"] == "person" and [(r["country"], r["sector"], r["start"]) for r in ban["roles"]] == [
        (None, "IGO", "2007-01-01"), ("KOR", "GOV", "2004-01-17")]
    assert entries["Montenegro"]["kind"] == "country" and entries["Montenegro"]["code"] == "MNE"  # a place, not a person
    assert entries["Indian Ocean"]["kind"] == "blocked"
    assert entries["Kinakuta"]["country"] == "KNT"  # a code we do not know, kept as written
    assert display("UN") == "UN" and display("PKK") == "PKK" and display("IRAN") == "Iran" and display("U.S. ARMY") == "U.S. Army"
    (agent,) = _entries("!MINIST! = MINISTER, MINISTRY\n!MINIST! FOR_LIVESTOCK [~GOVAGR]\n")
    assert agent["kind"] == "agent" and agent["sector"] == "GOV" and agent["aliases"] == ["minister for livestock", "ministry for livestock"]


# -- the layer over our knowledge base -----------------------------------------------------------


def test_default_knowledge_base_is_unchanged():
    assert load_kb(()) is load_kb()
    assert type(AliasMatcher(load_kb())) is AliasMatcher


def test_layer_precedence(tmp_path):
    base = load_kb()
    kremlin = next(a for a in base.aliases if a.text == "Kremlin")
    entries = _entries(
        "KREMLIN [RUSMIL]\n"          # collides with ours (RUS GOV): the user's entry wins
        "PENTAGON [USAMIL]\n"         # means what ours means: ours stays
        "INDIAN_OCEAN [---]\n"        # switches off "Indian" inside "Indian Ocean"
        "PASCAL_KOUPAKI_\n\t[BENGOVDEV >060801]\n"
        "THE_ISLAMIC_STATE [IMGMUSISI]\n",  # our organisation's code: resolved to our entry
        "mine",
    )
    path = tmp_path / "mine.jsonl"
    path.write_text(layer_text("mine", ["t.txt"], entries))
    header, rows = read_layer(path)
    assert header["name"] == "mine" and len(rows) == len(entries)
    kb = apply_layers(base, (path,))
    assert next(a for a in base.aliases if a.text == "Kremlin") is kremlin  # ours is not touched
    assert len(kb.aliases) > len(base.aliases) - 2
    by_text = {a.text: a for a in kb.aliases}
    assert by_text["Kremlin"].sector == "MIL" and sum(a.text == "Kremlin" for a in kb.aliases) == 1
    assert by_text["Pentagon"] is next(a for a in base.aliases if a.text == "Pentagon")
    assert by_text["the Islamic State"].entry.id == next(a for a in base.aliases if a.text == "ISIS").entry.id
    matches = LayerMatcher(kb).find("Pascal Koupaki flew over the Indian Ocean.")
    assert [(m.alias.entry.id, m.alias.entry.roles[0].sector) for m in matches] == [("mine:pascal_koupaki", "GOV")]
    assert "Indian" in [m.alias.text for m in AliasMatcher(base).find("Pascal Koupaki flew over the Indian Ocean.")]
    stored = StoredLayer.of("mine", path.read_text())
    assert stored == StoredLayer.of("mine", path.read_text()) and len(apply_layers(base, (stored,)).aliases) == len(kb.aliases)


def test_a_broken_layer_is_named_with_its_line(tmp_path):
    path = tmp_path / "broken.jsonl"
    path.write_text('{"newsevents_layer": 1, "name": "b"}\n{"kind": "planet", "id": "x", "name": "x", "aliases": ["x"]}\n')
    assert main(["extract", str(tmp_path), "--actors-layer", str(path), "-q"]) == 2
    with pytest.raises(ValueError, match=r"broken.jsonl:2: kind must be"):
        read_layer(path)


# -- the command line ----------------------------------------------------------------------------

CLEAN = "AFGHANISTAN_ [AFG]\n+AFGHAN_\nPASCAL_KOUPAKI_\n\t[BENGOVDEV >060801]\n"


def test_dict_import_exit_codes(tmp_path, capsys):
    (tmp_path / "clean.actors").write_text(CLEAN)
    (tmp_path / "bad.actors").write_text(CLEAN + "ISILDUR [+++]\n")
    (tmp_path / "binary.actors").write_bytes(bytes(range(256)) * 8)
    layer = tmp_path / "out" / "clean.jsonl"
    assert main(["dict", "import", str(tmp_path / "clean.actors"), "--layer", str(layer)]) == 0
    out, err = capsys.readouterr()
    assert "2 entries (country 1, person 1)" in out and "problems: 0" in out and err == ""
    assert json.loads(layer.read_text().splitlines()[0])["name"] == "clean"
    problems = tmp_path / "problems.jsonl"
    assert main(["dict", "import", str(tmp_path / "bad.actors"), "--layer", str(tmp_path / "bad.jsonl"), "--problems", str(problems)]) == 1
    out, err = capsys.readouterr()
    assert "bad.actors:5: error:" in err and (tmp_path / "bad.jsonl").exists()
    assert [json.loads(line)["line"] for line in problems.read_text().splitlines()] == [5, 5]
    for args in (["missing.actors"], ["binary.actors"], ["clean.actors", "--layer", str(tmp_path)]):
        target = [] if "--layer" in args else ["--layer", str(tmp_path / "x.jsonl")]
        assert main(["dict", "import", *(str(tmp_path / a) if a.endswith(".actors") else a for a in args), *target]) == 2
        err = capsys.readouterr().err
        assert "error:" in err and "Traceback" not in err
    assert main(["dict", "import", str(tmp_path / "clean.actors")]) == 2  # no --layer and no --db
    assert "--layer OUT, --db DB" in capsys.readouterr().err


def test_dict_layers_in_a_database(tmp_path, capsys):
    (tmp_path / "clean.actors").write_text(CLEAN)
    db = str(tmp_path / "n.duckdb")
    assert main(["dict", "import", str(tmp_path / "clean.actors"), "--db", db, "--name", "mine", "-q"]) == 0
    assert main(["dict", "import", str(tmp_path / "clean.actors"), "--db", db, "--name", "other", "-q"]) == 0
    assert main(["dict", "list", "--db", db]) == 0
    out = capsys.readouterr().out
    assert out.index("1. mine: 2 entries") < out.index("2. other: 2 entries")
    from newsevents.store.database import Store

    with Store(db, read_only=True) as store:
        assert [name for name, _ in store.actor_layers()] == ["mine", "other"]
    assert main(["dict", "remove", "other", "--db", db]) == 0
    assert main(["dict", "remove", "other", "--db", db]) == 2
    capsys.readouterr()
    article = tmp_path / "a.txt"
    article.write_text("Pascal Koupaki criticized Nigeria on Monday, the minister's office said.\n")
    assert main(["ingest", str(article), "--db", db, "-q"]) == 0  # the stored layer is used by itself
    assert main(["events", "--db", db, "--actor", "Koupaki", "--format", "jsonl"]) == 0
    (event,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert event["source"]["code"] == "BENGOV" and event["source"]["name"] == "Pascal Koupaki"
    assert main(["events", "--db", db, "--actors-layer", str(tmp_path / "missing.jsonl")]) == 2


# -- end to end: the seeds with the Phoenix layer on ---------------------------------------------


@pytest.fixture(scope="module")
def phoenix_layer(tmp_path_factory):
    if not PHOENIX.is_dir():
        pytest.skip("../shared/reference/petrarch2-dictionaries is not beside this checkout")
    layer = tmp_path_factory.mktemp("layers") / "phoenix.jsonl"
    code = main(["dict", "import", *(str(PHOENIX / f) for f in PHOENIX_FILES), "--layer", str(layer), "-q"])
    assert code == 1  # 27 lines reported, the layer written all the same
    return layer


def test_seeds_coded_with_the_phoenix_layer(phoenix_layer, pipeline):
    if not SEEDS.is_dir():
        pytest.skip("../shared/corpus/seeds is not beside this checkout")
    from newsevents.ingest.readers import iter_documents
    from newsevents.model import Article
    from newsevents.pipeline import Pipeline

    layered = Pipeline((phoenix_layer,))
    articles = [a for a in layered.process(iter_documents([str(SEEDS)])) if isinstance(a, Article)]
    assert len(articles) == 5 and sum(len(a.events) for a in articles) >= 20
    assert all(a.events for a in articles)
    sentence = "Beninese minister Pascal Koupaki criticized Nigeria on Monday, and the Aden Abyan Islamic Army attacked Yemeni troops."
    ours = {a.text: a for a in pipeline.extract_text(sentence, published="2009-05-04").actors}
    theirs = {a.text: a for a in layered.extract_text(sentence, published="2009-05-04").actors}
    assert "Pascal Koupaki" not in ours or ours["Pascal Koupaki"].code is None  # known to the layer only
    koupaki = theirs["Pascal Koupaki"]
    assert (koupaki.actor_id, koupaki.kind, koupaki.code) == ("phoenix:pascal_koupaki", "person", "BENGOV")
    aaia = theirs["Aden Abyan Islamic Army"]
    assert (aaia.kind, aaia.code) == ("organization", "YEMREB")
    events = layered.extract_text(sentence, published="2009-05-04").events
    assert any(e.source and e.source.actor_id == "phoenix:pascal_koupaki" for e in events)
