"""Score coded events against sentence or article gold: who did what to whom, at several levels of detail.

Gold files are JSON Lines, told apart by their keys:
- "petrarch": the shared CAMEO sets (../shared/gold/events/*.jsonl): {id, text, date, events: [{source,
  target, code}]}, actor codes in the Phoenix scheme (USAGOV, IMGMUSISI, IGOEUREEC, ---GOV);
- "plover": the same with "scheme": "PLOVER"; `code` is a PLOVER 0.5b1 type, actors come with
  source_sector / target_sector / source_text / target_text;
- "sentences": our own tests/data/gold/events_sentences.jsonl (events carry modality, asserted_by, texts);
- "articles": our own tests/data/gold/events_articles.jsonl (whole pages; events carry their sentence).
A sentence record is one unit and is coded as given (the cleaner is bypassed unless --clean: it exists
to strip page furniture, and it may take a short sentence for a headline); an article is one unit and
goes through the whole pipeline, cleaning included.

Events are unordered (source, target, code) multisets, paired one to one inside a unit by a maximum
bipartite matching. Levels: root (source country, target country, CAMEO root: the headline for CAMEO
gold), code (same with the full code), sector (actor country and sector, and the root), plover (actor
countries and PLOVER type: the headline for PLOVER gold; our type comes from data/ontology/cameo.tsv, a
gold CAMEO code is mapped the same way, PLOVER 0.5b1 gold types through data/evaluate/plover_types.tsv;
codes the table leaves unmapped, roots 01 and 02, compare as their root). Against PLOVER 0.5b1 gold our
code takes the type of the gold's version: 0.5 typed by CAMEO root, and the 2021 mapping moved seven codes
(easing a curfew 0813 was CONCEDE, is RETREAT; sanctions 163 were SANCTION, are COERCE; occupying 192 was
ASSAULT, is COERCE...), listed in data/evaluate/plover_0_5_codes.tsv; the PLOVER score with our 2021 types
is reported beside it. Also: modality and attribution
accuracy over root-matched events (our own gold), a gold-root x predicted-root confusion table (pairs of
the same dyad; "none" for missed and spurious events), actor accuracy (for a gold actor text span: did we
resolve an actor on it with the right country and sector?) and error classes.

Actor codes: a country is the first 3 letters (ISO3), "---" is no country and matches our actors whose
country is null (not an absent actor); sectors are the further groups of 3 letters, any of which may
match our sector; two organisation codes match when one is a prefix of the other (IGO matches IGOEUREEC),
at every level; gold spellings that differ from ours are in data/evaluate/phoenix_codes.tsv. An article's
events are matched across the whole article (the share told in the gold's own sentence is reported), and
its error classes look only at events of the gold's sentence. Timing (ms per unit) covers cleaning where
it runs, parsing and coding, not loading the models.

Conventions: the PETRARCH-derived gold codes a claim made by its speaker as the speaker's speech act
("The US claimed that ISIL attacked Iraq" -> USA->ISIL 112), where we code the claimed event with modality
"reported" and attributed_to. Both conventions are always scored; --petrarch-conventions picks the
headline (auto: on for the shared sets, off for ours). Converting our output to PETRARCH's changes only:
(1) an event of CAMEO root 18-20, reported or intended, whose speaker is named before the event's trigger
and source ("X said/claimed that ..."), becomes the speaker's speech act in place of the event: 015 (claim
responsibility) toward the event's target when the speaker is the event's own source, else 112 (accuse)
toward the event's source; a claim with no source is left as it is; a claim attributed after the event
("..., X said") is left as it is, as PETRARCH codes it; (2) a negated cooperative event (roots 03-08)
becomes a rejection: 03->120, 04->125, 05->120, 06->121, 07->122, 08->124; (3) against PLOVER gold, an
intended event (a plan, "will", "wants to") becomes CAMEO's statement of intent: cooperative roots
04->036, 05->032, 06->031, 07->033, 08->035, and protest or force as a threat: 14->133, 15, 18, 19, 20->138,
16->131, 17->130 (PLOVER's gold codes "Israel will evacuate the settlements" as AGREE and "said they would
boycott all contact" as THREATEN), before (1): "farmers said they would blockade Paris" is their threat; against CAMEO gold only
a plan told by "want to" or "seek to" becomes the statement of intent, as PETRARCH2's verb dictionary codes
those verbs (CAMEO.2.0.txt: WANT [030], SEEK [030]); a bare future, a schedule, a pledge or an announcement
keeps the act's code (ANNOUNCE is 010 there; "hope" is an appeal, HOPE [020]). An earlier version also took
a cooperative act its own doer announces as an intent: that rule rested only on the PETR2 records it was
scored on (it lifted their root F1 from 76.4 to 80.0) and was dropped; (4) an event with no source actor ("ten soldiers were killed") is
dropped: PETRARCH codes none, and the shared sets have 1 in 443 gold events. Converted events are
asserted and keep their actors; several events that are the same PETRARCH event (claims that convert
to one accusation, or a claim converted to the accusation the sentence also codes) count once. Nothing else changes: hypothetical events, denials and other roots keep our coding.

PLOVER gold lists the actors of a reciprocal verb ("X and Y agreed") as X->none and Y->none; in those
records (flagged "reciprocal" in `note`) a gold event with no target also accepts the other listed actors
as its target.

The petrarch2 unit tests and petrarch1 validation records use fictional actors and WEIS or dummy verb
codes: they are skipped with a note unless --dictionary-test is given, and even then their scores measure
dictionary coverage, not coding accuracy.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path

from newsevents.evaluate.files import gold_jsonl_files

HELP = "score coded events (CAMEO root and code, PLOVER, actors, modality) against sentence or article gold"

LEVELS = ("root", "code", "sector", "plover")
CONVENTIONS = ("ours", "petrarch")
ORG_PREFIXES = ("IGO", "NGO", "IMG", "MNC", "MED")
FICTIONAL_FILES = ("petrarch2_unittest", "petrarch1_validation")
# the 12x rejection a negated cooperative root becomes under PETRARCH conventions
NEGATION_CODES = {"03": "120", "04": "125", "05": "120", "06": "121", "07": "122", "08": "124"}
CLAIM_ROOTS = ("18", "19", "20")
# the statement of intent an intended event becomes under PETRARCH conventions
INTENT_CODES = {"04": "036", "05": "032", "06": "031", "07": "033", "08": "035", "14": "133",
                "15": "138", "16": "131", "17": "130", "18": "138", "19": "138", "20": "138"}
CLAIM_MODALITIES = ("reported", "intended")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--show-errors", type=int, default=0, metavar="N", help="list up to N units with errors per file")
    parser.add_argument(
        "--petrarch-conventions", choices=("auto", "on", "off"), default="auto",
        help="which convention is the headline: convert our fronted claims, plans and negated cooperation to "
        "PETRARCH's speech acts before scoring (on), or not (off); auto is on for the shared PETRARCH/PLOVER sets "
        "and off for ours. Both are always reported (default: %(default)s)",
    )
    parser.add_argument(
        "--dictionary-test", action="store_true",
        help="also score the petrarch2 unit-test and petrarch1 validation files (fictional actors, WEIS codes)",
    )
    parser.add_argument("--clean", action="store_true", help="run sentence records through the page cleaner too")


# --- actor codes ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActorKey:
    """An actor reduced to what is compared: country, sectors and organisation."""

    country: str | None  # ISO3, or None: unknown or international
    roles: frozenset[str] | None  # sectors; empty: none (a bare country); None: not specified, any matches
    org: str | None  # organisation code, or a family prefix such as IGO
    code: str  # as written, for display


@dataclass
class CodeTable:
    actors: dict[str, ActorKey]
    countries: dict[str, str | None]  # gold 3-letter country code -> ISO3 or None
    sectors: dict[str, str | None]  # gold role code -> our sector, or None (dropped)
    iso3: frozenset[str]
    unknown: Counter = field(default_factory=Counter)  # codes read with a country we do not know
    read: int = 0  # gold actor codes read


def _tsv_rows(package: str, name: str) -> list[dict[str, str]]:
    text = resources.files(package).joinpath(name).read_text("utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


@lru_cache(maxsize=1)
def _code_table_rows() -> tuple[dict, dict, dict, frozenset]:
    actors: dict[str, ActorKey] = {}
    for row in _tsv_rows("newsevents.data.actors", "organizations.tsv"):
        code = row["code"]
        if code and code not in actors:  # the first row of a code is its main entry (eu before european_parliament)
            actors[code] = ActorKey(row["country"] or None, frozenset({row["sector"]}) if row["sector"] else frozenset(), code, code)
    countries: dict[str, str | None] = {}
    sectors: dict[str, str | None] = {}
    for row in _tsv_rows("newsevents.data.evaluate", "phoenix_codes.tsv"):
        kind, code = row["kind"], row["code"]
        if kind == "actor":
            actors[code] = ActorKey(row["country"] or None, frozenset({row["sector"]}) if row["sector"] else frozenset(), row["org"] or None, code)
        elif kind == "country":
            countries[code] = row["country"] or None
        elif kind == "sector":
            sectors[code] = row["sector"] or None
        else:
            raise ValueError(f"phoenix_codes.tsv: unknown kind {kind!r}")
    iso3 = frozenset(r["iso3"] for r in _tsv_rows("newsevents.data.actors", "countries.tsv"))
    return actors, countries, sectors, iso3


def load_code_table() -> CodeTable:
    actors, countries, sectors, iso3 = _code_table_rows()
    return CodeTable(dict(actors), dict(countries), dict(sectors), iso3)


def _roles(chunks: Iterable[str], table: CodeTable) -> frozenset[str]:
    out = set()
    for chunk in chunks:
        chunk = table.sectors.get(chunk, chunk)
        if chunk:
            out.add(chunk)
    return frozenset(out)


def gold_actor(code: str | None, table: CodeTable, sector: str | None = None) -> ActorKey | None:
    """A gold actor code (plus PLOVER's separate sector field) as an ActorKey; None for an absent actor."""
    if code is None or code == "":
        return None
    code = code.strip()
    table.read += 1
    shown = f"{code}+{sector}" if sector else code
    if sector:
        # PLOVER sectors: a 3-letter role, then ethnic or religious sub-codes; lower-case ones are dropped
        sector_roles = None if sector.strip("*") == "" else _roles(re.findall(r"[A-Z]{3}", sector), table)
    else:
        sector_roles = frozenset()
    if code.startswith('"') or not code.replace("-", "").isalnum():  # an unresolved noun phrase ("INJURY TOLL")
        return ActorKey(None, None, None, shown)
    if code in table.actors:
        known = table.actors[code]
        roles = known.roles if not sector else (known.roles | sector_roles if sector_roles is not None else known.roles)
        return ActorKey(known.country, roles, known.org, shown)
    head, rest = code[:3], code[3:]
    chunks = [rest[i : i + 3] for i in range(0, len(rest), 3)]
    if head in ORG_PREFIXES:
        return ActorKey(None, sector_roles if sector else None, code, shown)
    if head == "---":
        country = None
        roles = _roles(chunks, table) or None  # a bare "---": an actor of unknown country and role
    else:
        if head in table.countries:
            country = table.countries[head]
        else:
            country = head
            if head not in table.iso3:
                table.unknown[head] += 1
        roles = _roles(chunks, table)
    if sector:
        roles = sector_roles if sector_roles is None else (roles | sector_roles)
    return ActorKey(country, roles, None, shown)


def our_actor(actor) -> ActorKey | None:
    """One of our Actor objects as an ActorKey; organisations keep their code, and so does any actor coded as an
    international one (a UN official coded IGO)."""
    if actor is None:
        return None
    code = actor.code or ""
    org = code if code and (actor.kind == "organization" or code[:3] in ORG_PREFIXES) else None
    roles = frozenset({actor.sector}) if actor.sector else frozenset()
    return ActorKey(actor.country, roles, org, actor.code or f"?{actor.text}")


def _orgs_agree(a: str, b: str) -> bool:
    short, long_ = sorted((a, b), key=len)
    return len(short) >= 3 and len(short) % 3 == 0 and long_.startswith(short)


def same_country(gold: ActorKey | None, pred: ActorKey | None) -> bool:
    """The same actor at country level: the same ISO3, the same organisation, or both of unknown country."""
    if gold is None or pred is None:
        return gold is None and pred is None
    if gold.org and pred.org and _orgs_agree(gold.org, pred.org):
        return True
    if gold.country or pred.country:
        return gold.country == pred.country
    return not gold.org and not pred.org


def same_sector(gold: ActorKey | None, pred: ActorKey | None) -> bool:
    """Country level, and the same sector: one of the gold's roles, or none on both sides; an organisation
    matched as such needs no more."""
    if not same_country(gold, pred):
        return False
    if gold is None or pred is None:
        return True
    if gold.org and pred.org and _orgs_agree(gold.org, pred.org):
        return True
    if gold.roles is None:
        return True
    if not gold.roles:
        return not pred.roles
    return bool(gold.roles & (pred.roles or frozenset()))


# --- events -----------------------------------------------------------------------------------------------


@dataclass
class GoldEvent:
    source: ActorKey | None
    target: ActorKey | None
    code: str | None  # CAMEO code, None for PLOVER gold
    plover: str  # PLOVER 2021 type, or "(NN)" for a CAMEO root the table leaves unmapped
    modality: str | None = None
    asserted_by: ActorKey | None = None
    has_asserted_by: bool = False
    source_text: str | None = None
    target_text: str | None = None
    sentence: str | None = None
    alt_targets: tuple[ActorKey, ...] = ()  # PLOVER reciprocal records: the other listed actors

    @property
    def root(self) -> str | None:
        return self.code[:2] if self.code else None

    def label(self) -> str:
        return _label(self.source, self.target, self.code or self.plover)


@dataclass
class PredEvent:
    source: ActorKey | None
    target: ActorKey | None
    code: str
    plover: str
    modality: str
    attributed_to: ActorKey | None
    sentence: str
    origin: str = ""  # how a PETRARCH-convention event was made from ours
    plover_2021: str = ""  # against PLOVER 0.5b1 gold: the 2021 type, when `plover` is the 0.5 one

    @property
    def root(self) -> str:
        return self.code[:2]

    def label(self) -> str:
        extra = f" {self.modality}" if self.modality != "asserted" else ""
        if self.attributed_to:
            extra += f" by {self.attributed_to.code}"
        if self.origin:
            extra += f" [{self.origin}]"
        return _label(self.source, self.target, self.code) + extra


def _label(source: ActorKey | None, target: ActorKey | None, code: str) -> str:
    return f"{source.code if source else '-'}->{target.code if target else '-'} {code}"


@lru_cache(maxsize=1)
def _plover_2021() -> dict[str, str]:
    return {r["plover_0_5"]: r["plover_2021"] for r in _tsv_rows("newsevents.data.evaluate", "plover_types.tsv")}


@lru_cache(maxsize=1)
def _plover_0_5_codes() -> dict[str, str]:
    return {r["code"]: r["plover_0_5"] for r in _tsv_rows("newsevents.data.evaluate", "plover_0_5_codes.tsv")}


def plover_0_5_of(code: str) -> str:
    """The PLOVER 0.5 type of a CAMEO code, in the 2021 names: the type of the gold's own version, which
    assigned types by CAMEO root where the 2021 mapping later moved a few codes (data/evaluate/plover_0_5_codes.tsv)."""
    moved = _plover_0_5_codes()
    for key in (code, code[:3]):
        if key in moved:
            return moved[key]
    return plover_of(code)


def plover_of(code: str) -> str:
    """Our PLOVER type for a CAMEO code (a code missing from the table falls back to its parents)."""
    from newsevents.events.ontology import load_ontology

    table = load_ontology()
    for key in (code, code[:3], code[:2]):
        if key in table:
            return table[key].plover_type or f"({key[:2]})"
    return f"({code[:2]})"


def _target_ok(same: Callable, g: GoldEvent, p: PredEvent) -> bool:
    return same(g.target, p.target) or any(same(t, p.target) for t in g.alt_targets)


def _ok(level: str, g: GoldEvent, p: PredEvent) -> bool:
    if level == "sector":
        actors = same_sector(g.source, p.source) and _target_ok(same_sector, g, p)
        return actors and (g.root == p.root if g.code else g.plover == p.plover)
    if not (same_country(g.source, p.source) and _target_ok(same_country, g, p)):
        return False
    if level == "dyad":
        return True
    if level == "root":
        return g.code is not None and g.root == p.root
    if level == "code":
        return g.code is not None and g.code == p.code
    if level == "plover":
        return g.plover == p.plover
    raise ValueError(level)


def max_matching(n_gold: int, n_pred: int, ok: Callable[[int, int], bool], prefer: Callable[[int, int], tuple] | None = None) -> list[tuple[int, int]]:
    """A maximum one-to-one matching (augmenting paths); each gold item tries its preferred partners first."""
    adjacency = []
    for i in range(n_gold):
        partners = [j for j in range(n_pred) if ok(i, j)]
        if prefer is not None:
            partners.sort(key=lambda j: prefer(i, j))
        adjacency.append(partners)
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in adjacency[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(n_gold):
        augment(i, set())
    return sorted((i, j) for j, i in owner.items())


# --- reading gold -----------------------------------------------------------------------------------------


@dataclass
class Unit:
    id: str
    text: str
    date: str | None
    gold: list[GoldEvent]
    article: bool = False  # a whole page, run through the cleaner
    title: str | None = None
    outlet: str | None = None


def _format_of(record: dict) -> str:
    if record.get("scheme") == "PLOVER":
        return "plover"
    events = record.get("events") or []
    if "published" in record and any("sentence" in e for e in events) or ("published" in record and "title" in record):
        return "articles"
    if "tags" in record or any("modality" in e for e in events):
        return "sentences"
    if "events" in record and "text" in record:
        return "petrarch"
    raise ValueError(f"a record with no events gold: keys {sorted(record)}")


def _gold_event(e: dict, fmt: str, table: CodeTable) -> GoldEvent:
    if fmt == "plover":
        source = gold_actor(e.get("source"), table, e.get("source_sector"))
        target = gold_actor(e.get("target"), table, e.get("target_sector"))
        gold_type = str(e["code"]).upper()
        return GoldEvent(source, target, None, _plover_2021().get(gold_type, gold_type),
                         source_text=e.get("source_text"), target_text=e.get("target_text"))
    code = str(e["code"])
    return GoldEvent(
        gold_actor(e.get("source"), table), gold_actor(e.get("target"), table), code, plover_of(code),
        modality=e.get("modality"), asserted_by=gold_actor(e.get("asserted_by"), table),
        has_asserted_by="asserted_by" in e, source_text=e.get("source_text"), target_text=e.get("target_text"),
        sentence=e.get("sentence"),
    )


def load_units(path: Path, limit: int | None = None, table: CodeTable | None = None) -> tuple[str, list[Unit], CodeTable]:
    """The records of a gold file as Units, the file's format and the code table (with unknown codes counted)."""
    table = table or load_code_table()
    fmt, units = "", []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            if limit is not None and len(units) >= limit:
                break
            record = json.loads(line)
            if record.get("id") == "DOCUMENT" or "text" not in record:
                continue
            fmt = fmt or _format_of(record)
            gold = [_gold_event(e, fmt, table) for e in record.get("events") or []]
            if fmt == "plover" and "reciprocal" in str(record.get("note") or ""):
                for g in gold:
                    if g.target is None:
                        g.alt_targets = tuple(o.source for o in gold if o.source is not None and o.source != g.source)
            if fmt == "articles":
                units.append(Unit(str(record.get("id", n)), record["text"], record.get("published"), gold, True,
                                  record.get("title"), record.get("outlet")))
            else:
                units.append(Unit(str(record.get("id", n)), record["text"], record.get("date") or record.get("published"), gold))
    return fmt or "empty", units, table


def is_dictionary_test(path: Path, table: CodeTable) -> bool:
    """The petrarch unit-test style files: named so, or a third of their actor countries are not real ones."""
    if path.name.startswith(FICTIONAL_FILES):
        return True
    unknown = sum(table.unknown.values())
    return unknown >= 10 and unknown > 0.3 * table.read


# --- predicting -------------------------------------------------------------------------------------------


def predict(units: list[Unit], clean: bool = False, pipeline=None) -> tuple[list, float]:
    """Our Article (or an IngestError) for every unit, and the seconds spent coding them. Articles (and, with
    `clean`, every unit) go through Pipeline.process; sentence records are parsed in one nlp.pipe and
    annotated as given."""
    from newsevents.model import Article, IngestError, RawDocument, text_id
    from newsevents.pipeline import BATCH_SIZE

    pipeline = pipeline or _pipeline()
    started = time.perf_counter()
    results: list = [None] * len(units)
    whole = [i for i, u in enumerate(units) if u.article or clean]
    bare = [i for i, u in enumerate(units) if not (u.article or clean)]
    if whole:
        raws = [RawDocument(origin=units[i].id, content=units[i].text, title=units[i].title, outlet=units[i].outlet,
                            published=units[i].date) for i in whole]
        for i, item in zip(whole, pipeline.process(raws)):
            results[i] = item
    if bare:
        articles = [Article(id=text_id(units[i].text), text=units[i].text, published=units[i].date) for i in bare]
        docs = pipeline.nlp.pipe((a.text for a in articles), batch_size=BATCH_SIZE)
        for i, article, doc in zip(bare, articles, docs):
            try:
                results[i] = pipeline.annotate(article, doc)
            except Exception as exc:  # one coder failure must not stop the evaluation
                results[i] = IngestError(units[i].id, f"internal error while coding ({type(exc).__name__}: {exc})")
    return results, time.perf_counter() - started


_PIPELINE = None


def _pipeline():
    global _PIPELINE
    if _PIPELINE is None:
        from newsevents.pipeline import Pipeline

        _PIPELINE = Pipeline()
        _PIPELINE.nlp("The first text a pipeline parses is slower; this one is not timed.")
    return _PIPELINE


def our_events(article, convention: str, scheme: str = "cameo") -> list[PredEvent]:
    """Our events as PredEvents, in our convention or converted to PETRARCH's (see the module docstring);
    `scheme` is the gold's ("cameo" or "plover"): only PLOVER gold codes a plan as a statement of intent."""
    events = getattr(article, "events", None) or []
    out: list[PredEvent] = []
    converted_keys: set[tuple] = set()
    plain_keys: set[tuple] = set()
    for e in events:
        if convention == "petrarch":
            if e.source is None:
                continue  # PETRARCH codes no event whose source it cannot find
            converted = _to_petrarch(e, intent_as_statement=scheme == "plover")
            pred = converted or PredEvent(our_actor(e.source), our_actor(e.target), e.cameo, e.plover or f"({e.cameo_root})",
                                          e.modality, our_actor(e.attributed_to), e.sentence)
            # "X accused Y of Z": the accusation, and Z converted to X's accusation of Y, are one speech act
            key = (pred.source and pred.source.code, pred.target and pred.target.code, pred.code, e.sentence_start)
            if key in converted_keys or (converted is not None and key in plain_keys):
                continue
            (converted_keys if converted is not None else plain_keys).add(key)
            out.append(pred)
            continue
        out.append(PredEvent(our_actor(e.source), our_actor(e.target), e.cameo, e.plover or f"({e.cameo_root})",
                             e.modality, our_actor(e.attributed_to), e.sentence))
    if scheme == "plover":  # PLOVER 0.5b1 gold: compare in its version's types
        out = [replace(p, plover=plover_0_5_of(p.code), plover_2021=p.plover) for p in out]
    return out


# "wants to", "is seeking to": a plan told by a verb PETRARCH2's verb dictionary codes as a statement of intent
# (03, or 13 for force); "hope" is an appeal there (HOPE [020]), and so not taken
_DESIRE = re.compile(r"\b(?:wants?|wanted|wanting|seeks?|seeking|sought)\s+to\s+"
                     r"(?:\w+\s+)?(?:re-?)?$", re.IGNORECASE)


def _stated_intent(e) -> bool:
    """Under PETRARCH conventions against CAMEO gold, whether a plan is coded as a statement of intent rather
    than as the act: a plan told by "want to" or "seek to", which PETRARCH2's verb dictionary codes 030
    (CAMEO.2.0.txt: WANT [030], SEEK [030]). A bare future ("will supply arms"), a schedule, a pledge or an
    announcement (ANNOUNCE is 010 there) keeps the act's code."""
    if e.modality != "intended" or e.cameo_root not in INTENT_CODES:
        return False
    return bool(_DESIRE.search(e.sentence[: max(e.trigger.start - e.sentence_start, 0)]))


def _same_party(speaker, source) -> bool:
    """Whether the one who tells an event is the one who does it (the same actor or the same code)."""
    return speaker is not None and source is not None and (
        speaker.actor_id == source.actor_id or (speaker.code is not None and speaker.code == source.code))


def _to_petrarch(e, intent_as_statement: bool = True) -> PredEvent | None:
    """The PETRARCH-convention event that replaces one of ours, or None to keep ours as it is."""
    intent_as_statement = intent_as_statement or _stated_intent(e)
    if e.modality == "negated" and e.cameo_root in NEGATION_CODES:
        code = NEGATION_CODES[e.cameo_root]
        return PredEvent(our_actor(e.source), our_actor(e.target), code, plover_of(code), "asserted", None, e.sentence,
                         f"negated {e.cameo}")
    # against PLOVER gold "X said it would blockade Paris" is X's threat, not a claim of the act
    claim = None if intent_as_statement and e.modality == "intended" and e.cameo_root in INTENT_CODES else _claim_to_petrarch(e)
    if claim is not None:
        return claim
    if intent_as_statement and e.modality == "intended" and e.cameo_root in INTENT_CODES:
        code = INTENT_CODES[e.cameo_root]
        return PredEvent(our_actor(e.source), our_actor(e.target), code, plover_of(code), "asserted", None, e.sentence,
                         f"intent of {e.cameo}")
    return None


def _claim_to_petrarch(e) -> PredEvent | None:
    speaker = e.attributed_to
    if speaker is None or e.cameo_root not in CLAIM_ROOTS or e.modality not in CLAIM_MODALITIES or e.source is None:
        return None
    if not (speaker.end <= e.trigger.start and speaker.start <= e.source.start):
        return None  # "..., X said": PETRARCH codes the event itself
    own = (speaker.start < e.source.end and e.source.start < speaker.end) or _same_party(speaker, e.source)
    if own:
        return PredEvent(our_actor(speaker), our_actor(e.target), "015", plover_of("015"), "asserted", None, e.sentence,
                         f"claim of {e.cameo}")
    return PredEvent(our_actor(speaker), our_actor(e.source), "112", plover_of("112"), "asserted", None, e.sentence,
                     f"accusation of {e.cameo}")


# --- scoring ----------------------------------------------------------------------------------------------


def _prf(hit: int, pred: int, gold: int) -> dict[str, float]:
    p = hit / pred if pred else 0.0
    r = hit / gold if gold else 0.0
    return {"tp": hit, "p": round(p, 4), "r": round(r, 4), "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0}


def _prefer(gold: list[GoldEvent], pred: list[PredEvent]) -> Callable[[int, int], tuple]:
    return lambda i, j: (
        not _ok("code", gold[i], pred[j]),
        not _ok("sector", gold[i], pred[j]),
        gold[i].modality is not None and gold[i].modality != pred[j].modality,
        j,
    )


@dataclass
class Tally:
    """Everything counted for one file under one convention."""

    scheme: str  # "cameo" or "plover": what the confusion table and the headline compare
    gold: int = 0
    pred: int = 0
    hits: Counter = field(default_factory=Counter)
    confusion: Counter = field(default_factory=Counter)  # (gold label, predicted label)
    modality: Counter = field(default_factory=Counter)  # (gold, predicted) over matched events
    attribution: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    sentence: Counter = field(default_factory=Counter)  # articles: matched events told in the gold's sentence
    examples: list = field(default_factory=list)

    def add(self, unit: Unit, pred: list[PredEvent], show: int) -> None:
        gold = unit.gold
        self.gold += len(gold)
        self.pred += len(pred)
        for level in LEVELS:
            self.hits[level] += len(max_matching(len(gold), len(pred), lambda i, j, lv=level: _ok(lv, gold[i], pred[j])))
        if self.scheme == "plover":
            # the same, with our codes typed by the 2021 mapping rather than the gold's version (shown beside it)
            as_2021 = [replace(p, plover=p.plover_2021 or p.plover) for p in pred]
            self.hits["plover_2021"] += len(max_matching(len(gold), len(pred), lambda i, j: _ok("plover", gold[i], as_2021[j])))
        head = "root" if self.scheme == "cameo" else "plover"
        pairs = max_matching(len(gold), len(pred), lambda i, j: _ok(head, gold[i], pred[j]), _prefer(gold, pred))
        matched_g = {i for i, _ in pairs}
        matched_p = {j for _, j in pairs}
        label = (lambda e: e.root) if self.scheme == "cameo" else (lambda e: e.plover)
        for i, j in pairs:
            g, p = gold[i], pred[j]
            self.confusion[(label(g), label(p))] += 1
            if g.modality:
                self.modality[(g.modality, p.modality)] += 1
            if g.has_asserted_by:
                kind = "named" if g.asserted_by else "none"
                self.attribution[f"{kind}_total"] += 1
                right = same_country(g.asserted_by, p.attributed_to)
                self.attribution[f"{kind}_right"] += right
            if unit.article and g.sentence:
                self.sentence["matched"] += 1
                self.sentence["same_sentence"] += _norm(p.sentence) in _norm(g.sentence) or _norm(g.sentence) in _norm(p.sentence)
        left_g = [i for i in range(len(gold)) if i not in matched_g]
        left_p = [j for j in range(len(pred)) if j not in matched_p]
        dyad = max_matching(len(left_g), len(left_p), lambda a, b: _ok("dyad", gold[left_g[a]], pred[left_p[b]]))
        dyad_g = {left_g[a] for a, _ in dyad}
        dyad_p = {left_p[b] for _, b in dyad}
        for a, b in dyad:
            self.confusion[(label(gold[left_g[a]]), label(pred[left_p[b]]))] += 1
        for i in left_g:
            if i not in dyad_g:
                self.confusion[(label(gold[i]), "none")] += 1
        for j in left_p:
            if j not in dyad_p:
                self.confusion[("none", label(pred[j]))] += 1
        for i in left_g:
            self.errors[_miss_class(gold[i], [pred[j] for j in left_p], i in dyad_g, bool(pred))] += 1
        for j in left_p:
            self.errors["spurious: a unit with no gold event" if not gold else
                        "spurious: same dyad, other event type (counted above)" if j in dyad_p else "spurious: extra event"] += 1
        if (left_g or left_p) and len(self.examples) < show:
            self.examples.append({
                "id": unit.id, "text": unit.text if len(unit.text) <= 240 else unit.text[:237] + "...",
                "gold": [g.label() for g in gold], "predicted": [p.label() for p in pred],
                "missed": [gold[i].label() for i in left_g], "spurious": [pred[j].label() for j in left_p],
            })

    def report(self) -> dict:
        cameo_only = ("root", "code")
        levels = {lv: _prf(self.hits[lv], self.pred, self.gold) for lv in LEVELS if self.scheme == "cameo" or lv not in cameo_only}
        mod_total = sum(self.modality.values())
        out: dict = {
            "gold": self.gold, "predicted": self.pred, "levels": levels,
            "headline": "root" if self.scheme == "cameo" else "plover",
            "modality": {
                "matched": mod_total,
                "accuracy": round(sum(n for (g, p), n in self.modality.items() if g == p) / mod_total, 4) if mod_total else None,
                "pairs": {f"{g}->{p}": n for (g, p), n in sorted(self.modality.items())},
            },
            "confusion": {f"{g}|{p}": n for (g, p), n in sorted(self.confusion.items())},
            "top_confusions": [
                {"gold": g, "predicted": p, "n": n}
                for (g, p), n in sorted(self.confusion.items(), key=lambda kv: (-kv[1], kv[0])) if g != p
            ][:12],
            "error_classes": dict(self.errors.most_common()),
            "errors": self.examples,
        }
        if self.scheme == "plover":
            out["plover_2021_mapping"] = _prf(self.hits["plover_2021"], self.pred, self.gold)
        if self.attribution:
            a = self.attribution
            out["attribution"] = {
                "named": a["named_total"], "named_right": a["named_right"],
                "none": a["none_total"], "none_right": a["none_right"],
                "accuracy": round((a["named_right"] + a["none_right"]) / (a["named_total"] + a["none_total"]), 4),
            }
        if self.sentence:
            out["same_sentence"] = round(self.sentence["same_sentence"] / self.sentence["matched"], 4)
        return out


def _norm(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def _miss_class(g: GoldEvent, left: list[PredEvent], dyad_matched: bool, any_pred: bool) -> str:
    """Why a gold event found no partner at the headline level."""
    if not any_pred:
        return "missed: nothing coded in the unit"
    if dyad_matched:
        return "missed: same dyad, other event type"
    same_type = [p for p in left if (g.root == p.root if g.code else g.plover == p.plover)]
    if g.sentence:  # in an article, only events told in the gold's sentence say something about this one
        same_type = [p for p in same_type if _norm(p.sentence) in _norm(g.sentence) or _norm(g.sentence) in _norm(p.sentence)]
    if not same_type:
        return "missed: no event of this type" + (" in its sentence" if g.sentence else "")
    if any(same_country(g.target, p.target) and p.source is None for p in same_type):
        return "missed: source absent (type and target right)"
    if any(same_country(g.target, p.target) for p in same_type):
        return "missed: source wrong (type and target right)"
    if any(same_country(g.source, p.source) and p.target is None for p in same_type):
        return "missed: target absent (type and source right)"
    if any(same_country(g.source, p.source) for p in same_type):
        return "missed: target wrong (type and source right)"
    if any(same_country(g.source, p.target) and same_country(g.target, p.source) for p in same_type):
        return "missed: direction reversed"
    return "missed: both actors wrong"


def actor_scores(unit: Unit, article) -> Counter:
    """For each gold actor text span: was an actor of ours found on it, with the right country and sector?"""
    c: Counter = Counter()
    text = getattr(article, "text", None)
    if text is None:
        return c
    ours = list(getattr(article, "actors", []))
    for e in getattr(article, "events", []):
        ours += [a for a in (e.source, e.target, e.attributed_to) if a is not None]
    for g in unit.gold:
        for span, key in ((g.source_text, g.source), (g.target_text, g.target)):
            if not span or key is None:
                continue
            c["spans"] += 1
            start = _find(text, span, g.sentence)
            if start < 0:
                c["not_in_text"] += 1
                continue
            end = start + len(span)
            hits = [our_actor(a) for a in ours if a.start < end and start < a.end]
            c["found"] += bool(hits)
            c["country"] += any(same_country(key, h) for h in hits)
            c["sector"] += any(same_sector(key, h) for h in hits)
    return c


def _find(text: str, span: str, sentence: str | None) -> int:
    if sentence:
        at = text.find(sentence)
        if at >= 0:
            inner = sentence.find(span)
            if inner >= 0:
                return at + inner
    return text.find(span)


def score_file(path: Path, args: argparse.Namespace, pipeline=None) -> dict:
    fmt, units, table = load_units(path, args.limit)
    entry: dict = {"file": str(path), "format": fmt, "units": len(units)}
    if is_dictionary_test(path, table) and not getattr(args, "dictionary_test", False):
        entry["skipped"] = (
            "dictionary test set: fictional actors (Arnor, Gondor...) and WEIS or dummy verb codes, defined only in "
            "the PETRARCH test dictionaries. No accuracy claim is made on it; pass --dictionary-test to run it anyway."
        )
        return entry
    if is_dictionary_test(path, table):
        entry["note"] = "dictionary test set scored on request: these numbers measure dictionary coverage, not coding accuracy"
    clean = bool(getattr(args, "clean", False))
    articles, seconds = predict(units, clean=clean, pipeline=pipeline)
    show = getattr(args, "show_errors", 0) or 0
    scheme = "plover" if fmt == "plover" else "cameo"
    tallies = {c: Tally(scheme) for c in CONVENTIONS}
    actors: Counter = Counter()
    lost = changed = foreign = 0
    for unit, article in zip(units, articles):
        if not hasattr(article, "events"):
            lost += 1
        elif article.language != "en":
            foreign += 1  # taken for another language: kept, not coded
        elif not unit.article and _norm(article.text) != _norm(unit.text):
            changed += 1
        for convention, tally in tallies.items():
            tally.add(unit, our_events(article, convention, scheme), show)
        actors += actor_scores(unit, article)
    setting = getattr(args, "petrarch_conventions", "auto") or "auto"
    petrarch_gold = fmt in ("petrarch", "plover")
    headline = "petrarch" if setting == "on" or (setting == "auto" and petrarch_gold) else "ours"
    entry.update(
        scheme=scheme, headline_convention=headline,
        gold_events=tallies["ours"].gold,
        units_with_gold_events=sum(bool(u.gold) for u in units),
        seconds=round(seconds, 3), ms_per_unit=round(1000 * seconds / len(units), 1) if units else 0.0,
        cleaner="whole pipeline" if clean or fmt == "articles" else "bypassed (sentence records are coded as given)",
        units_lost=lost, units_changed_by_cleaner=changed, units_not_english=foreign,
        conventions={c: t.report() for c, t in tallies.items()},
    )
    if actors["spans"]:
        entry["actors"] = {
            "spans": actors["spans"], "not_in_text": actors["not_in_text"], "found": actors["found"],
            "country_right": actors["country"], "sector_right": actors["sector"],
            "country_accuracy": round(actors["country"] / actors["spans"], 4),
            "sector_accuracy": round(actors["sector"] / actors["spans"], 4),
        }
    if table.unknown:
        entry["unknown_gold_countries"] = dict(table.unknown.most_common())
    return entry


def run(args: argparse.Namespace) -> dict:
    from newsevents.cli import UsageError

    files = []
    for path in gold_jsonl_files(args.gold):
        try:
            files.append(score_file(path, args))
        except (ValueError, KeyError, TypeError, json.JSONDecodeError) as exc:
            raise UsageError(f"{path}: not an events gold file ({type(exc).__name__}: {exc})") from None
    return {"files": files}


# --- the report -------------------------------------------------------------------------------------------


def _pct(x: float | None) -> str:
    return "    -" if x is None else f"{100 * x:5.1f}"


def _confusion_lines(confusion: dict[str, int], scheme: str) -> list[str]:
    cells = {tuple(k.split("|")): n for k, n in confusion.items()}
    labels = sorted({g for g, _ in cells} | {p for _, p in cells}, key=lambda x: (x == "none", x))
    if not labels:
        return []
    short = (lambda x: x) if scheme == "cameo" else (lambda x: x.strip("()")[:4])
    width = max(4, max(len(short(x)) for x in labels) + 1)
    lines = ["  confusion (rows gold, columns predicted; pairs of the same dyad, none = missed / spurious):"]
    lines.append("  " + f"{'':>{width}}" + "".join(f"{short(x):>{width}}" for x in labels))
    for g in labels:
        row = [cells.get((g, p), 0) for p in labels]
        if any(row):
            lines.append("  " + f"{short(g):>{width}}" + "".join(f"{(n or '.'):>{width}}" for n in row))
    return lines


def format_report(report: dict) -> str:
    out: list[str] = []
    for f in report["files"]:
        out.append(f"== {f['file']}  ({f['format']}, {f['units']} units)")
        if "skipped" in f:
            out.append(f"   skipped: {f['skipped']}")
            out.append("")
            continue
        if "note" in f:
            out.append(f"   NOTE: {f['note']}")
        out.append(
            f"   gold events {f['gold_events']} in {f['units_with_gold_events']} units; {f['ms_per_unit']:.1f} ms per unit; "
            f"cleaner: {f['cleaner']}" + (f"; {f['units_lost']} units lost (not coded)" if f["units_lost"] else "")
            + (f"; {f['units_changed_by_cleaner']} changed by it" if f["units_changed_by_cleaner"] else "")
            + (f"; {f['units_not_english']} taken for another language (not coded)" if f["units_not_english"] else "")
        )
        out.append(f"   {'convention':<24}{'pred':>6}  " + "  ".join(f"{lv + ' P   R    F1':<17}" for lv in LEVELS))
        for name in (f["headline_convention"], *[c for c in CONVENTIONS if c != f["headline_convention"]]):
            c = f["conventions"][name]
            cols = []
            for lv in LEVELS:
                m = c["levels"].get(lv)
                cols.append(f"{_pct(m['p'] if m else None)} {_pct(m['r'] if m else None)} {_pct(m['f1'] if m else None)}")
            star = "*" if name == f["headline_convention"] else " "
            out.append(f"  {star}{name + (' (PETRARCH speech acts)' if name == 'petrarch' else ''):<24}{c['predicted']:>6}  " + "  ".join(cols))
        head = f["conventions"][f["headline_convention"]]
        mod = head["modality"]
        extras = []
        if mod["accuracy"] is not None:
            extras.append(f"modality accuracy {_pct(mod['accuracy']).strip()}% of {mod['matched']} matched")
        if "attribution" in head:
            a = head["attribution"]
            extras.append(f"attribution {_pct(a['accuracy']).strip()}% (named {a['named_right']}/{a['named']}, none {a['none_right']}/{a['none']})")
        if "same_sentence" in head:
            extras.append(f"told in the gold's sentence {_pct(head['same_sentence']).strip()}%")
        if "plover_2021_mapping" in head:
            m = head["plover_2021_mapping"]
            extras.append(f"plover with our codes typed by the 2021 mapping, not the gold's 0.5: P {_pct(m['p']).strip()} "
                          f"R {_pct(m['r']).strip()} F1 {_pct(m['f1']).strip()}")
        if "actors" in f:
            a = f["actors"]
            extras.append(f"actor spans {a['spans']}: found {a['found']}, country {_pct(a['country_accuracy']).strip()}%, "
                          f"sector {_pct(a['sector_accuracy']).strip()}%")
        out += [f"   {x}" for x in extras]
        if f.get("unknown_gold_countries"):
            out.append(f"   gold country codes not understood: {f['unknown_gold_countries']}")
        if mod["pairs"]:
            out.append("   modality gold->ours: " + ", ".join(f"{k} {n}" for k, n in mod["pairs"].items() if k.split('->')[0] != k.split('->')[1]))
        out.append("   error classes: " + "; ".join(f"{k} {n}" for k, n in head["error_classes"].items()))
        out += _confusion_lines(head["confusion"], f["scheme"])
        if head["top_confusions"]:
            out.append("   most frequent confusions: " + ", ".join(f"{c['gold']}->{c['predicted']} {c['n']}" for c in head["top_confusions"][:8]))
        for e in head["errors"]:
            out.append(f"   - {e['id']}: {e['text']}")
            out.append(f"       gold: {'; '.join(e['gold']) or '(none)'}")
            out.append(f"       ours: {'; '.join(e['predicted']) or '(none)'}")
        out.append("")
    out.append("* headline convention. Levels: root = source country, target country and CAMEO root (headline for CAMEO gold); "
               "code = full CAMEO code; sector = actor country and sector, and the root (PLOVER type for PLOVER gold); "
               "plover = PLOVER type (headline for PLOVER gold).")
    return "\n".join(out)
