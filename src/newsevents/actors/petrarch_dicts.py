"""Read PETRARCH2 / TABARI actor and agent dictionaries, and turn them into layer entries.

Every line of a dictionary ends up in exactly one state: blank, comment, macro (an agents file's
`!PERSON! = ...`), entry (used for an entry, perhaps with a warning) or error (not used). Each warning
and error is a `Problem` naming the file and line; reading never raises on bad content. The formats
are those of PETRARCH2's `dictionaries.rst` and the TABARI manual:

    AFGHANISTAN_  [AFG]              an actor with its code
    +AFGHAN_                         a synonym of the actor above
    MOHAMMAD_ZAHIR_SHAH_  # comment  an actor whose codes follow on their own lines:
        [AFGGOV 331108-730717]       a code for a date range (YYMMDD or YYYYMMDD), `<date` before,
        [AFGELI >730717]             `>date` from, no date: the default
    CATTLE!PERSON! {} [~AGR]         an agent: macros, `{plural}` (`{}` none), `[~CODE]` or `[CODE~]`
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from itertools import product
from pathlib import Path
from typing import Literal

Severity = Literal["warning", "error"]  # warning: the line was used as the message says; error: it was not
LineState = Literal["blank", "comment", "macro", "entry", "error"]

MAX_BYTES = 64 * 1024 * 1024  # a dictionary larger than this is not a dictionary
TWO_DIGIT_PIVOT = 30  # TABARI's YYMMDD: 00-29 are 20YY, 30-99 are 19YY (Phoenix spans 1897-2014)


class UnusableInput(Exception):
    """The file cannot be read as a dictionary at all (missing, a folder, binary, too large)."""


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    severity: Severity  # warning: the line was used as the message says; error: (part of) it was not
    message: str
    text: str  # the line as written (stripped, cut at 200 characters)
    end_line: int | None = None  # the last line the problem covers (an entry, an unclosed comment)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.severity}: {self.message}"

    def to_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "end_line": self.end_line or self.line,
                "severity": self.severity, "message": self.message, "text": self.text}


@dataclass(frozen=True)
class Code:
    """One `[CODE date]` restriction of an actor; start and end are inclusive, None is open."""

    code: str
    start: date | None = None
    end: date | None = None
    line: int = 0

    @property
    def dated(self) -> bool:
        return self.start is not None or self.end is not None


@dataclass
class ActorRecord:
    phrase: str  # words separated by single spaces, as written (PETRARCH files are upper case)
    synonyms: list[str]
    codes: list[Code]
    line: int
    last_line: int


@dataclass
class AgentRecord:
    phrases: list[str]  # every form: singular, plural, macro expansions
    code: str  # the role code without its `~` (GOV, GOVAGR, IGO)
    prefix: bool  # `[IGO~]`: PETRARCH puts the code before the actor's, not after
    line: int


@dataclass
class ParsedFile:
    path: str
    kind: Literal["actors", "agents"]
    actors: list[ActorRecord] = field(default_factory=list)
    agents: list[AgentRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    states: list[LineState] = field(default_factory=list)  # states[i] is line i + 1

    @property
    def name(self) -> str:
        return Path(self.path).name

    def count(self, state: LineState) -> int:
        return sum(1 for s in self.states if s == state)


# -- reading files -----------------------------------------------------------------------------


def parse_file(path: str | Path, kind: Literal["auto", "actors", "agents"] = "auto") -> ParsedFile:
    """Parse one dictionary file; raises UnusableInput when it cannot be read at all."""
    p = Path(path)
    if not p.exists():
        raise UnusableInput(f"{path}: no such file")
    if not p.is_file():
        raise UnusableInput(f"{path}: not a file")
    try:
        if p.stat().st_size > MAX_BYTES:
            raise UnusableInput(f"{path}: {p.stat().st_size:,} bytes, too large for a dictionary")
        data = p.read_bytes()
    except OSError as exc:
        raise UnusableInput(f"{path}: cannot read ({exc.strerror})") from exc
    if b"\x00" in data[:65536]:
        raise UnusableInput(f"{path}: binary file (NUL bytes), not a dictionary")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # older TABARI files are Latin-1/cp1252
    if not text.strip():
        raise UnusableInput(f"{path}: empty file")
    return parse_text(text, str(path), kind)


def parse_text(text: str, path: str = "<text>", kind: Literal["auto", "actors", "agents"] = "auto") -> ParsedFile:
    """Parse dictionary text; `kind` auto decides from its codes (`[~GOV]` marks an agents file)."""
    # only line feeds end lines (not str.splitlines' \x1c or \x85), so numbers match an editor's
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if kind == "auto":
        kind = "agents" if _looks_like_agents(text) else "actors"
    out = ParsedFile(path=path, kind=kind, states=["blank"] * len(lines))
    reader = _AgentReader(out) if kind == "agents" else _ActorReader(out)
    in_comment = 0  # line where an open `<!-- ... -->` block started
    for i, raw in enumerate(lines, start=1):
        stripped = raw.strip()
        if in_comment:
            out.states[i - 1] = "comment"
            if "-->" in stripped:
                in_comment = 0
            continue
        if stripped.startswith("<!"):  # the XML-style comments of PETRARCH's validation files
            out.states[i - 1] = "comment"
            if "-->" not in stripped:
                in_comment = i
            continue
        body = _strip_comment(raw)
        if not body.strip():
            out.states[i - 1] = "blank" if not stripped else "comment"
            continue
        body = _clean_characters(body, out, i, raw)
        reader.line(i, body, raw)
    reader.finish()
    out.problems.sort(key=lambda p: p.line)
    if in_comment:
        out.problems.append(Problem(
            out.name, in_comment, "error", "comment `<!--` is never closed: every line after it was skipped",
            lines[in_comment - 1].strip()[:200], len(lines),
        ))
        for j in range(in_comment - 1, len(lines)):
            out.states[j] = "error"
    return out


def _looks_like_agents(text: str) -> bool:
    codes = re.findall(r"\[([^\]\n]*)[\]}]", text)
    agent = sum(1 for c in codes if "~" in c)
    return agent * 2 > len(codes) or re.search(r"^\s*!\w+!\s*=", text, re.M) is not None


def _strip_comment(line: str) -> str:
    """Cut `#` (PETRARCH) and `;` (TABARI) comments."""
    for mark in ("#", ";"):
        cut = line.find(mark)
        if cut >= 0:
            line = line[:cut]
    return line


def _clean_characters(body: str, out: ParsedFile, lineno: int, raw: str) -> str:
    bad = {ch for ch in body if ch != "\t" and unicodedata.category(ch) == "Cc"}
    if bad:
        names = ", ".join(f"U+{ord(ch):04X}" for ch in sorted(bad))
        _problem(out, lineno, "warning", f"control character {names} removed", raw)
        body = "".join(ch for ch in body if ch not in bad)
    if "\ufffd" in body:
        _problem(out, lineno, "warning", "contains U+FFFD, a character lost in an earlier conversion; kept as written", raw)
    return body


def _problem(out: ParsedFile, lineno: int, severity: Severity, message: str, raw: str) -> None:
    out.problems.append(Problem(out.name, lineno, severity, message, raw.strip()[:200]))


def _phrase(text: str) -> str:
    """`AL-QAEDA_IN_IRAQ_` -> `AL-QAEDA IN IRAQ`: `_` and runs of blanks become one space."""
    return " ".join(text.replace("_", " ").split())


# -- codes and dates ---------------------------------------------------------------------------

_CODE = re.compile(r"^(?:---|[A-Z0-9]{2,})[A-Z0-9]*$")
_RESTRICTION = re.compile(r"^(?:(?P<op>[<>])\s*(?P<one>\d+)|(?P<start>\d+)\s*-\s*(?P<end>\d+)|(?P<bare>\d+))$")
_BRACKET = re.compile(r"\[([^\[\]{}]*)([\]}])")


def read_date(text: str) -> date | None:
    """YYYYMMDD or YYMMDD (TABARI's two-digit years); None when it is neither or no real date."""
    if not text.isdigit() or len(text) not in (6, 8):
        return None
    if len(text) == 6:
        yy = int(text[:2])
        year, rest = (2000 + yy if yy < TWO_DIGIT_PIVOT else 1900 + yy), text[2:]
    else:
        year, rest = int(text[:4]), text[4:]
    try:
        return date(year, int(rest[:2]), int(rest[2:]))
    except ValueError:
        return None


def _brackets(text: str, out: ParsedFile, lineno: int, raw: str) -> list[str]:
    """The contents of each `[...]` in `text`; `[...}` is read with a warning, stray text is reported."""
    found = []
    for m in _BRACKET.finditer(text):
        if m.group(2) == "}":
            _problem(out, lineno, "warning", f"code [{m.group(1).strip()}}} closed with '}}'; read as [{m.group(1).strip()}]", raw)
        found.append(m.group(1))
    rest = _BRACKET.sub(" ", text).strip()
    if "[" in rest:
        _problem(out, lineno, "error", f"a '[' is never closed; {rest[:60]!r} not used", raw)
    elif rest:
        _problem(out, lineno, "warning", f"text outside the code brackets ignored: {rest[:60]!r}", raw)
    return found


def _read_code(content: str, out: ParsedFile, lineno: int, raw: str) -> Code | None:
    """`USAGOV 20170120-20210120`, `USABUS <20170120`, `EGYGOV > 140608`, `AFG` -> a Code, else a problem."""
    m = re.match(r"\s*([^\s<>]*)\s*(.*)$", content)
    code, restriction = (m.group(1), m.group(2).strip()) if m else ("", "")
    if not code:
        _problem(out, lineno, "error", f"no code in [{content.strip()}]", raw)
        return None
    if code != code.upper():
        _problem(out, lineno, "warning", f"lower-case code {code} read as {code.upper()}", raw)
        code = code.upper()
    if "/" in code:  # TABARI's alternatives (`[FRO/BIL]`); our entries carry one code
        first = code.split("/")[0]
        _problem(out, lineno, "warning", f"alternative codes {code}: only the first, {first}, is used", raw)
        code = first
    if not _CODE.match(code):
        _problem(out, lineno, "error", f"{code!r} is not an actor code (letters and digits, or ---)", raw)
        return None
    if len(code) % 3 and not code.startswith("---"):
        _problem(out, lineno, "warning", f"code {code} is not made of 3-letter pieces; kept as written", raw)
    if not restriction:
        return Code(code, line=lineno)
    m = _RESTRICTION.match(restriction)
    if m is None:
        _problem(out, lineno, "error", f"date restriction {restriction!r} of {code} is not <date, >date or date-date; code not used", raw)
        return None
    texts = [t for t in m.group("one", "start", "end", "bare") if t]
    dates = [read_date(t) for t in texts]
    for t, d in zip(texts, dates):
        if d is None:
            _problem(out, lineno, "error", f"date {t} of {code} is not YYMMDD or YYYYMMDD; code not used", raw)
            return None
    if m.group("op") == "<":
        return Code(code, None, dates[0], lineno)
    if m.group("op") == ">":
        return Code(code, dates[0], None, lineno)
    if m.group("bare"):
        _problem(out, lineno, "warning", f"date {texts[0]} of {code} has no <, > or range; read as from {dates[0]}", raw)
        return Code(code, dates[0], None, lineno)
    if dates[0] > dates[1]:
        _problem(out, lineno, "error", f"date range {restriction} of {code} ends before it starts; code not used", raw)
        return None
    return Code(code, dates[0], dates[1], lineno)


# -- actors ------------------------------------------------------------------------------------


class _ActorReader:
    def __init__(self, out: ParsedFile) -> None:
        self.out = out
        self.current: ActorRecord | None = None
        self.lines: list[int] = []  # lines of the current record
        self.coded = False  # a code (usable or not) was written for the current record

    def line(self, lineno: int, body: str, raw: str) -> None:
        out, text = self.out, body.strip()
        if text.startswith("["):  # a code line (PETRARCH wants a leading tab; TABARI did not)
            if self.current is None:
                _problem(out, lineno, "error", "code line with no actor above it", raw)
                out.states[lineno - 1] = "error"
                return
            codes = [c for b in _brackets(text, out, lineno, raw) if (c := _read_code(b, out, lineno, raw))]
            self.current.codes += codes
            self.coded = True
            self._take(lineno, bool(codes))
            return
        phrase_text, _, code_text = text.partition("[")
        code_text = "[" + code_text if code_text else ""
        if any(ch in phrase_text for ch in "]{}"):
            _problem(out, lineno, "error", "unbalanced brackets in the phrase", raw)
            out.states[lineno - 1] = "error"
            return
        synonym = phrase_text.startswith("+")
        phrase = _phrase(phrase_text[1:] if synonym else phrase_text)
        if not any(ch.isalnum() for ch in phrase):
            _problem(out, lineno, "error", "no phrase before the code", raw)
            out.states[lineno - 1] = "error"
            return
        codes = [c for b in _brackets(code_text, out, lineno, raw) if (c := _read_code(b, out, lineno, raw))] if code_text else []
        if synonym and self.current is None:
            _problem(out, lineno, "error", "synonym (+) with no actor above it", raw)
            out.states[lineno - 1] = "error"
            return
        if synonym and codes:
            _problem(out, lineno, "warning", "a synonym cannot carry its own code; its code is added to the whole entry", raw)
        # A primary phrase right under one that has no code yet joins it: PETRARCH gives the whole run
        # the codes that follow (LEONID_BREZHNEV_ / SECRETARY_BREZHNEV / [RUSGOV 641014-821110]).
        if synonym or (self.current is not None and not self.coded):
            assert self.current is not None
            if not synonym and codes:
                _problem(out, lineno, "warning", f"{self.current.phrase!r} above has no code of its own; as in PETRARCH it shares this line's code", raw)
            self.current.synonyms.append(phrase)
            self.current.codes += codes
        else:
            self.finish()
            self.current = ActorRecord(phrase, [], codes, lineno, lineno)
        self.coded = self.coded or bool(code_text)
        self._take(lineno, True)

    def _take(self, lineno: int, used: bool) -> None:
        self.lines.append(lineno)
        self.out.states[lineno - 1] = "entry" if used else "error"
        assert self.current is not None
        self.current.last_line = lineno

    def finish(self) -> None:
        record, self.current, self.coded = self.current, None, False
        lines, self.lines = self.lines, []
        if record is None:
            return
        if not record.codes:
            span = f"line {record.line}" if record.line == record.last_line else f"lines {record.line}-{record.last_line}"
            self.out.problems.append(Problem(
                self.out.name, record.line, "error",
                f"actor {record.phrase!r} has no usable code ({span}); not imported (write [---] to mean 'do not code')",
                record.phrase, record.last_line,
            ))
            for n in lines:
                self.out.states[n - 1] = "error"
            return
        defaults = [c for c in record.codes if not c.dated]
        for extra in defaults[1:]:
            if extra.code != defaults[0].code:
                self.out.problems.append(Problem(
                    self.out.name, extra.line, "warning",
                    f"second undated code {extra.code} of {record.phrase!r}: the first, {defaults[0].code}, is the default; this one is not used",
                    extra.code,
                ))
        self.out.actors.append(record)


# -- agents ------------------------------------------------------------------------------------

_MACRO_DEF = re.compile(r"^!([^!\s=]+)!\s*=\s*(.*)$")
_MACRO_USE = re.compile(r"!([^!\s]+)!")
_AGENT_CODE = re.compile(r"^\s*(~\s*[A-Z0-9]+|[A-Z0-9]+\s*~)\s*$", re.I)


class _AgentReader:
    def __init__(self, out: ParsedFile) -> None:
        self.out = out
        self.macros: dict[str, list[str]] = {}

    def finish(self) -> None:
        pass

    def line(self, lineno: int, body: str, raw: str) -> None:
        out, text = self.out, body.strip()
        state: LineState = "error"
        m = _MACRO_DEF.match(text)
        if m:
            items = [_phrase(x) for x in m.group(2).split(",") if _phrase(x)]
            if items:
                self.macros[m.group(1).upper()] = items
                state = "macro"
            else:
                _problem(out, lineno, "error", f"macro !{m.group(1)}! has no values", raw)
        else:
            record = self._agent(lineno, text, raw)
            if record is not None:
                out.agents.append(record)
                state = "entry"
        out.states[lineno - 1] = state

    def _agent(self, lineno: int, text: str, raw: str) -> AgentRecord | None:
        out = self.out
        cut = min((i for i in (text.find("{"), text.find("[")) if i >= 0), default=len(text))
        phrase_text, rest = text[:cut], text[cut:]
        plural: str | None = None
        if rest.startswith("{"):
            close = rest.find("}")
            if close < 0:
                _problem(out, lineno, "error", "plural `{` is never closed", raw)
                return None
            plural, rest = _phrase(rest[1:close]), rest[close + 1 :]
        contents = _brackets(rest, out, lineno, raw)
        if not contents:
            _problem(out, lineno, "error", "agent has no [~CODE]", raw)
            return None
        if len(contents) > 1:
            _problem(out, lineno, "warning", "several codes on one agent line: only the first is used", raw)
        m = _AGENT_CODE.match(contents[0])
        if m is None:
            bare = contents[0].strip().upper()
            if not re.fullmatch(r"[A-Z0-9]{3,}", bare):
                _problem(out, lineno, "error", f"[{contents[0].strip()}] is not an agent code ([~XXX] or [XXX~])", raw)
                return None
            _problem(out, lineno, "warning", f"agent code [{bare}] has no ~; read as [~{bare}]", raw)
            code, prefix = bare, False
        else:
            token = m.group(1).replace(" ", "").upper()
            code, prefix = token.strip("~"), token.endswith("~")
        phrases = self._expand(_phrase(phrase_text), plural, lineno, raw)
        if not phrases:
            return None
        return AgentRecord(phrases, code, prefix, lineno)

    def _expand(self, phrase: str, plural: str | None, lineno: int, raw: str) -> list[str]:
        """The singular with its plural, or every macro substitution (which get no plural, as in PETRARCH)."""
        if not any(ch.isalnum() for ch in phrase):
            _problem(self.out, lineno, "error", "no phrase before the code", raw)
            return []
        names = _MACRO_USE.findall(phrase)
        if not names:
            forms = [phrase]
            if plural is None:
                forms.append(plural_of(phrase))
            elif plural:
                forms.append(plural)
            return _unique(forms)
        missing = sorted({n for n in names if n.upper() not in self.macros})
        if missing:
            _problem(self.out, lineno, "error", f"undefined macro {', '.join(f'!{n}!' for n in missing)}", raw)
            return []
        if plural:
            _problem(self.out, lineno, "warning", "a {plural} on a line with a macro is ignored; the macro gives the forms", raw)
        pieces = _MACRO_USE.split(phrase)  # text, name, text, name, ... text
        options = [[p] if i % 2 == 0 else self.macros[p.upper()] for i, p in enumerate(pieces)]
        return _unique(" ".join("".join(choice).split()) for choice in product(*options))


def plural_of(phrase: str) -> str:
    """The regular plural of a phrase's last word as PETRARCH makes it (+S, Y -> IES, SS -> SSES), with English's
    own exceptions: a vowel before the Y keeps it (DAYS), and -ES also follows S, X, Z, CH and SH."""
    head, _, last = phrase.rpartition(" ")
    up = last.upper()
    if up.endswith("Y") and len(up) > 1 and up[-2] not in "AEIOU":
        last = last[:-1] + ("ies" if last[-1].islower() else "IES")
    elif up.endswith(("S", "X", "Z", "CH", "SH")):
        last += "es" if last[-1].islower() else "ES"
    else:
        last += "s" if last[-1:].islower() else "S"
    return f"{head} {last}" if head else last


def _unique(items) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))


# -- conversion to layer entries ---------------------------------------------------------------

# CAMEO's 3-letter actor types (the role or sector pieces of a code), its regions and religions.
# These are public CAMEO code lists (CAMEO manual; GDELT's lookup tables), not dictionary content.
CAMEO_TYPES = frozenset(
    "COP GOV INS JUD MIL OPP REB SEP SPY UAF AGR BUS CRM CVL DEV EDU ELI ENV HLH HRI LAB LEG MED REF MOD RAD "
    "AMN IRC GRP UNO PKO UIS IGO IMG INT MNC NGM NGO SET".split()
)
CAMEO_REGIONS = frozenset(
    "WSB BAG GZS AFR ASA BLK CRB CAU CFR CAS CEU EIN EAF EEU EUR LAM MEA MDT NAF NMR PGS SCN SAM SAS SEA SAF WAF WST".split()
)
CAMEO_RELIGIONS = frozenset(
    "ADR ALE ATH BAH BUD CHR CON CPT CTH DOX DRZ HIN HSD ITR JAN JEW JHW LDS MOS MRN NRM PAG PRO SFI SHI SHN SIK "
    "SUN TAO UDX ZRO".split()
)
ORG_PREFIXES = frozenset({"IGO", "NGO", "IMG", "MNC", "NGM"})  # international actors: no country
# the types that are a role (our `sector`); the others (UNO, PKO, IRC ...) name a group inside a code
ROLE_TYPES = CAMEO_TYPES - ORG_PREFIXES - {"AMN", "IRC", "GRP", "UNO", "PKO", "INT"}
# CAMEO country spellings that differ from the ISO3 codes of our countries.tsv
CAMEO_COUNTRIES = {"TMP": "TLS", "ROM": "ROU", "USR": "SUN", "KSV": "XKX", "ZAR": "COD"}
PREFIX_SECTORS = {"MNC": "BUS"}  # our tables code companies BUS
STATE_SECTORS = frozenset({"GOV", "MIL", "LEG", "JUD", "COP", "SPY"})


@dataclass(frozen=True)
class CodeReading:
    """What a Phoenix code means in our model."""

    code: str
    country: str | None
    sector: str | None
    organization: bool  # the code names a group (IGOUNO, AFGINSTAL), not just country + roles
    unknown_country: str | None = None  # a country piece our knowledge base does not know


@dataclass
class CodeReader:
    """Reads codes against the countries we know and the spelling table of `data/evaluate/phoenix_codes.tsv`."""

    countries: frozenset[str]
    country_spellings: dict[str, str | None] = field(default_factory=dict)
    sector_spellings: dict[str, str | None] = field(default_factory=dict)

    def read(self, code: str) -> CodeReading:
        pieces = [code[i : i + 3] for i in range(0, len(code) - len(code) % 3, 3)] or [code]
        head, rest = pieces[0], pieces[1:]
        country: str | None = None
        unknown = None
        sector: str | None = None
        organization = len(code) % 3 != 0
        if head == "---":
            pass
        elif head in ORG_PREFIXES:
            sector, organization = PREFIX_SECTORS.get(head, head), True
        elif head in CAMEO_TYPES or head in CAMEO_RELIGIONS:
            rest = pieces
        elif head in self.countries or head in CAMEO_REGIONS or head in self.country_spellings or head in CAMEO_COUNTRIES:
            country = self.country_spellings.get(head, CAMEO_COUNTRIES.get(head, head))
        elif re.fullmatch(r"[A-Z]{3}", head):
            country = unknown = head  # kept as written: the user's own country code
        else:
            organization = True  # `G77`: a name, not a country
        for piece in rest:
            piece = self.sector_spellings.get(piece, piece)
            if piece is None:
                continue  # a place piece such as GZA: no role
            if piece in ROLE_TYPES:
                sector = sector or piece
            else:
                organization = True  # a group (TAL, HMS), religion or country piece: keep the whole code
        return CodeReading(code, country, sector, organization or country is None, unknown)

    def role(self, code: str) -> str | None:
        """An agent code's sector: its first CAMEO type piece (GOVAGR -> GOV), else its first piece as written."""
        pieces = [code[i : i + 3] for i in range(0, len(code) - len(code) % 3, 3)]
        for piece in pieces:
            piece = self.sector_spellings.get(piece, piece)
            if piece in ROLE_TYPES or piece in ORG_PREFIXES:
                return PREFIX_SECTORS.get(piece, piece)
        return pieces[0] if pieces and re.fullmatch(r"[A-Z]{3}", pieces[0]) else None


def default_reader(countries: frozenset[str]) -> CodeReader:
    """A CodeReader with the Phoenix spellings the evaluator also uses (JAP -> JPN, PPL -> CVL ...)."""
    import csv
    from importlib import resources

    reader = CodeReader(countries)
    try:
        text = resources.files("newsevents.data.evaluate").joinpath("phoenix_codes.tsv").read_text("utf-8")
    except (FileNotFoundError, ModuleNotFoundError):
        return reader
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    for row in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE):
        if row.get("kind") == "country":
            reader.country_spellings[row["code"]] = row["country"] or None
        elif row.get("kind") == "sector":
            reader.sector_spellings[row["code"]] = row["sector"] or None
    return reader


def display(phrase: str, agent: bool = False) -> str:
    """The alias as our matcher wants it. PETRARCH phrases are upper case and match in any case; ours
    match case-insensitively except that a capitalised alias needs a capital in the text and a short
    all-capitals one must match exactly. Agents become lower case; names are capitalised word by word
    (initials such as U.S. and a bracketed (AAIA) stay, a leading "the" is lower case); a single short word
    (IS, US, UN, IRA) or one without vowels (PKK, UNHCR) stays an acronym."""
    if agent:
        return phrase.lower()
    letters = [c for c in phrase if c.isalpha()]
    if " " not in phrase and letters and (len(letters) <= 3 or not any(c in "AEIOUYaeiouy" for c in letters)):
        return phrase.upper()
    words = [w.upper() if "." in w or w.startswith("(") else w[:1].upper() + w[1:].lower() for w in phrase.split(" ")]
    if len(words) > 1 and words[0] == "The":
        words[0] = "the"  # "THE_UNITED_NATIONS_" must match "the United Nations" mid-sentence too
    return " ".join(words)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "x"


@dataclass
class Conversion:
    entries: list[dict]  # layer entries (see layers.py)
    unknown_countries: dict[str, int] = field(default_factory=dict)  # country code -> entries using it


def convert(parsed: list[ParsedFile], layer: str, reader: CodeReader) -> Conversion:
    """Layer entries (plain dicts, the layer file's lines) from parsed dictionaries, in file order."""
    result = Conversion([])
    ids: set[str] = set()

    def new_id(name: str) -> str:
        base = f"{layer}:{slug(name)}"
        candidate, n = base, 1
        while candidate in ids:
            n += 1
            candidate = f"{base}_{n}"
        ids.add(candidate)
        return candidate

    def note(reading: CodeReading) -> None:
        if reading.unknown_country:
            result.unknown_countries[reading.unknown_country] = result.unknown_countries.get(reading.unknown_country, 0) + 1

    for pf in parsed:
        for rec in pf.actors:
            result.entries.append(_actor_entry(rec, new_id(rec.phrase), pf.name, reader, note))
        for agent in pf.agents:
            marked = f"{agent.code}~" if agent.prefix else f"~{agent.code}"
            result.entries.append({
                "kind": "agent", "id": new_id("agent " + agent.phrases[0]), "name": agent.phrases[0].lower(),
                "aliases": _unique(display(p, agent=True) for p in agent.phrases), "country": None,
                "sector": reader.role(agent.code), "code": marked, "source": f"{pf.name}:{agent.line}",
            })
    return result


def _actor_entry(rec: ActorRecord, entry_id: str, file: str, reader: CodeReader, note) -> dict:
    names = _unique(display(p) for p in _with_short_forms([rec.phrase, *rec.synonyms]))
    base = {"id": entry_id, "name": names[0], "aliases": names, "source": f"{file}:{rec.line}"}
    real = [c for c in rec.codes if c.code != "---"]
    if not real:
        return {"kind": "blocked", **base, "country": None, "sector": None, "code": "---"}
    dated = [c for c in real if c.dated]
    default = [c for c in real if not c.dated][:1]  # an undated code is the default; PETRARCH uses the first
    readings = {c.code: reader.read(c.code) for c in real}
    if len(readings) == 1 and readings[real[0].code].organization:
        # one organisation code, however dated (THE_ISLAMIC_STATE [IMGMUSISI >20130408]): with a single code
        # our roles would give it at every date anyway, and as an organisation it keeps its whole code
        dated, default = [], real[:1]
    elif dated and not any(r.sector for r in readings.values()):
        # dated codes without any role are a place whose country changed (MONTENEGRO [YUG <060603] [MNE >060603]):
        # our countries carry no dates, so it takes its default or else its latest code
        dated, default = [], default or [max(dated, key=lambda c: (c.end or date.max, c.start or date.min))]
    if dated:  # dated codes: a person's roles, tried in the order written, then the default
        roles = []
        for c in dated + default:
            reading = readings[c.code]
            note(reading)
            roles.append({
                "code": c.code, "country": reading.country, "sector": reading.sector,
                "start": c.start.isoformat() if c.start else None, "end": c.end.isoformat() if c.end else None,
            })
        return {"kind": "person", **base, "country": None, "sector": None, "code": None, "roles": roles}
    reading = readings[default[0].code]
    note(reading)
    # country + a state role (AFGMIL, USAGOV) is an institution, like our "Pentagon"; country + any other
    # role (MEXREB, USABUS) names a group of its own, which keeps its name as an organisation
    group = reading.organization or (reading.sector is not None and reading.sector not in STATE_SECTORS)
    kind = "organization" if group else "country"
    return {"kind": kind, **base, "country": reading.country, "sector": reading.sector, "code": reading.code}


def _with_short_forms(phrases: list[str]) -> list[str]:
    """Each phrase, and before it is ever matched, the same without a trailing "(ACRONYM)": PETRARCH's parser
    never sees the brackets, so ADEN_ABYAN_ISLAMIC_ARMY_(AAIA)_ could only match as ADEN ABYAN ISLAMIC ARMY."""
    out = []
    for phrase in phrases:
        out.append(phrase)
        short = re.sub(r"\s*\([^()]*\)$", "", phrase)
        if short != phrase and any(ch.isalnum() for ch in short):
            out.append(short)
    return out


# -- the whole import --------------------------------------------------------------------------


@dataclass
class ImportResult:
    name: str
    files: list[ParsedFile]
    conversion: Conversion

    @property
    def problems(self) -> list[Problem]:
        return [p for f in self.files for p in f.problems]

    def kinds(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for entry in self.conversion.entries:
            counts[entry["kind"]] = counts.get(entry["kind"], 0) + 1
        return counts


def import_dictionaries(paths: list[str | Path], name: str, kind: Literal["auto", "actors", "agents"] = "auto") -> ImportResult:
    """Parse every file (UnusableInput if one cannot be read at all) and convert them into one layer."""
    from newsevents.actors.kb import load_kb

    parsed = [parse_file(p, kind) for p in paths]
    countries = frozenset(e.id for e in load_kb().entries.values() if e.kind == "country")
    return ImportResult(name, parsed, convert(parsed, name, default_reader(countries)))
