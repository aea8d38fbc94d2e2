"""Score toponym recognition and resolution (geoparsing) against gold sets such as LGL, GeoWebNews,
GeoVirus and WikToR, with a population baseline measured in the same run.

Gold files are JSON Lines, one document each: {"id", "text", "toponyms": [{"start", "end", "text", "lat",
"lon", "geonameid"?, "type"?, "fcode"?}]} (the format of ../shared/gold/geo/README.md; other keys are
ignored). Every text is parsed once with the pipeline's spaCy model (nlp.pipe, raw text: gold offsets index
it, so the text is not cleaned first).

End to end (the default): the pipeline's own places (Pipeline.annotate on the parsed text, no publication
date) against the gold toponyms.
- Recognition: precision, recall and F1 of spans, exact (same offsets) and overlap (any shared character;
  the headline, as in most of the literature: our recogniser leaves "County" out of "Fulton County").
  Gold and predicted spans are paired one to one, exact pairs first. Gold toponyms without coordinates
  count here. WikToR annotates one target name per article, so only its recall is reported.
- Resolution, over the correctly recognised (overlap-paired) toponyms that have gold coordinates: ours,
  and the population baseline on the same predicted spans.
With --gold-spans: the gold spans are resolved in their document (newsevents.geo.resolve_spans: the
pipeline's ranking and context, the actors' countries plus the unambiguous gold names), as Mordecai3 and
CamCoder report resolution. A gold toponym the resolver finds no candidate for counts as an error of
20,039 km; "resolved" says how many got an answer.

Resolution metrics, over the n scored toponyms with great-circle error e_i in km (haversine, mean Earth
radius 6,371.0088 km, e capped at 20,039 km):
- acc@161: share with e_i <= 161 km (100 miles);
- mean and median error in km;
- AUC: y_i = ln(1 + e_i) / ln(20039), sorted ascending; AUC = sum over i = 1..n-1 of (y_i + y_(i+1)) / 2,
  divided by n - 1 (the trapezoid rule over unit steps, Gritta et al. 2018; n = 1: y_1). 0 is perfect.
Population baseline: the most populous gazetteer candidate for the span's name (the same lookup text as
ours: "Fulton County" -> "Fulton"; a country outranks every town). GeoWebNews-style typed gold also gets a
"Literal" row (only `type == "Literal"` toponyms; a prediction on a toponym of another type is neither
right nor wrong there) and recall by type. Every error is put in a class (why it failed); --show-errors N
lists examples. Published figures for the sets are printed beside ours (not measured here).
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from newsevents.evaluate.files import gold_jsonl_files
from newsevents.evaluate.spans import pair_spans
from newsevents.geo.tables import SMALL_PLACE

HELP = "score toponym recognition and resolution (acc@161, AUC) against LGL/GeoWebNews/GeoVirus/WikToR-style gold"

EARTH_RADIUS_KM = 6371.0088
MAX_ERROR_KM = 20039.0  # the normaliser of the AUC in the literature (about half the equator)
ACC_KM = 161.0
_SUBJECT_DEPS = {"nsubj", "nsubjpass", "poss", "csubj"}

# Published figures for orientation, not measured here (from the issue that asked for this evaluator).
ANCHORS: dict[str, list[tuple[str, str, str]]] = {
    "lgl": [("Mordecai3", "gold-spans acc@161", "82.7"), ("CamCoder", "gold-spans acc@161", "76"),
            ("population baseline", "gold-spans acc@161", "70")],
    "geowebnews": [("Mordecai3", "gold-spans acc@161", "94.1")],
    "geovirus": [("CamCoder", "gold-spans acc@161", "82"), ("population baseline", "gold-spans acc@161", "80")],
    "wiktor": [("CamCoder", "gold-spans acc@161", "65"), ("population baseline", "gold-spans acc@161", "22")],
}
E2E_ANCHOR = ("Mordecai3", "end-to-end recognition F1", "~0.69-0.75")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--gold-spans", action="store_true",
                        help="resolve the gold toponym spans only (resolution without recognition errors)")
    parser.add_argument("--show-errors", type=int, default=0, metavar="N", help="list up to N errors of each kind per file")


# --- arithmetic --------------------------------------------------------------------------------------------


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km on a sphere of the mean Earth radius."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def auc(errors_km: list[float]) -> float | None:
    """Area under the curve of sorted ln(1 + error) / ln(20039), trapezoid rule, normalised to [0, 1]."""
    if not errors_km:
        return None
    ys = sorted(math.log1p(min(e, MAX_ERROR_KM)) / math.log(MAX_ERROR_KM) for e in errors_km)
    ys = [min(y, 1.0) for y in ys]
    if len(ys) == 1:
        return ys[0]
    return (sum(ys) - (ys[0] + ys[-1]) / 2) / (len(ys) - 1)


def resolution_metrics(errors_km: list[float], resolved: int | None = None, country_ok: int | None = None) -> dict:
    """acc@161, mean and median km and AUC; `country_ok` (hits counting a right country as right) adds
    acc161_country_ok, a lenient figure that is not comparable with published ones."""
    n = len(errors_km)
    out: dict = {"n": n}
    if resolved is not None:
        out["resolved"] = resolved
    if not n:
        return out | {"acc161": None, "acc161_country_ok": None, "mean_km": None, "median_km": None, "auc": None}
    if country_ok is not None:
        out["acc161_country_ok"] = round(country_ok / n, 4)
    return out | {
        "acc161": round(sum(e <= ACC_KM for e in errors_km) / n, 4),
        "mean_km": round(statistics.fmean(errors_km), 1),
        "median_km": round(statistics.median(errors_km), 1),
        "auc": round(auc(errors_km), 4),  # type: ignore[arg-type]
    }


def prf(hits: int, predicted: int | None, gold: int) -> dict:
    """Precision, recall, F1; predicted None: precision not scored (partial gold)."""
    r = hits / gold if gold else 0.0
    if predicted is None:
        return {"p": None, "r": round(r, 4), "f1": None}
    p = hits / predicted if predicted else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0}


# --- data --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Toponym:
    start: int
    end: int
    text: str
    lat: float | None = None
    lon: float | None = None
    geonameid: int | None = None
    type: str | None = None
    fcode: str | None = None

    @property
    def located(self) -> bool:
        return self.lat is not None and self.lon is not None


@dataclass
class GoldDoc:
    id: str
    text: str
    toponyms: list[Toponym]


match = pair_spans  # (gold index, predicted index, exact) pairs of overlapping spans


def _float(value) -> float | None:
    return None if value is None else float(value)


def load_docs(path: Path, limit: int | None = None) -> list[GoldDoc]:
    docs: list[GoldDoc] = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            if limit is not None and len(docs) >= limit:
                break
            record = json.loads(line)
            text = record["text"]
            toponyms = []
            for t in record["toponyms"]:
                start, end = int(t["start"]), int(t["end"])
                if not 0 <= start < end <= len(text):
                    raise ValueError(f"line {n}: toponym offsets {start}:{end} outside the text")
                if "text" in t and text[start:end] != t["text"]:
                    raise ValueError(f"line {n}: text[{start}:{end}] is {text[start:end]!r}, not {t['text']!r}")
                gid = t.get("geonameid")
                toponyms.append(Toponym(start, end, text[start:end], _float(t.get("lat")), _float(t.get("lon")),
                                        int(gid) if gid is not None else None, t.get("type"), t.get("fcode")))
            docs.append(GoldDoc(str(record.get("id", n)), text, sorted(toponyms, key=lambda t: (t.start, t.end))))
    return docs


def set_name(path: Path, docs: list[GoldDoc]) -> str:
    """Which public set a file is, from its name or its record ids: lgl, geowebnews, geovirus, wiktor, or the stem."""
    stem = path.stem.lower()
    first = docs[0].id.lower() if docs else ""
    for name, prefixes in (("geowebnews", ("gwn", "geowebnews")), ("geovirus", ("geovirus",)), ("wiktor", ("wiktor",)),
                           ("lgl", ("lgl",))):
        if stem.startswith(prefixes):
            return name
    if stem.startswith("conflict"):
        return stem
    for name, prefixes in (("geowebnews", ("gwn-",)), ("geovirus", ("geovirus-",)), ("wiktor", ("wiktor-",)), ("lgl", ("lgl-",))):
        if first.startswith(prefixes):
            return name
    return stem


# --- the gazetteer side: baseline, nearest town, error classes ---------------------------------------------


class GeoTools:
    """The gazetteer, its population baseline and a coarse reverse geocoder (the nearest town's country)."""

    def __init__(self) -> None:
        from newsevents.geo.gazetteer import load_gazetteer

        self.gazetteer = load_gazetteer()
        self._grid: dict[tuple[int, int], list] | None = None
        self._ids: set[int] | None = None

    def has_id(self, geonames_id: int) -> bool:
        """Whether the gazetteer holds the entry with this GeoNames id (under any name)."""
        if self._ids is None:
            self._ids = {e.geonames_id for e in self.gazetteer.entries() if e.geonames_id}
        return geonames_id in self._ids

    def most_populous(self, name: str):
        candidates = self.gazetteer.lookup(name)
        return max(candidates, key=lambda c: c.population) if candidates else None

    def same_country(self, gold: Toponym, feature: str, country: str, geonames_id: int | None) -> bool:
        """Whether a country-level answer is the country the gold toponym means: the same GeoNames id, or, for
        gold without an id, a name that is a country's and a gold point inside that country."""
        if feature != "country":
            return False
        if gold.geonameid is not None:
            return gold.geonameid == geonames_id
        names_country = any(c.feature == "country" and c.country == country for c in self.gazetteer.lookup(gold.text))
        return names_country and self.country_at(gold.lat, gold.lon) == country  # type: ignore[arg-type]

    def country_at(self, lat: float, lon: float) -> str | None:
        """ISO3 of the nearest gazetteer town (within about 10 degrees): good enough to tell countries apart."""
        if self._grid is None:
            grid: dict[tuple[int, int], dict] = defaultdict(dict)
            for e in self.gazetteer.entries():
                if e.feature == "city":
                    grid[(math.floor(e.lat), math.floor(e.lon))][e.geonames_id] = e
            self._grid = {k: list(v.values()) for k, v in grid.items()}
        cy, cx = math.floor(lat), math.floor(lon)
        best, best_d = None, math.inf
        for ring in range(11):
            for dy in range(-ring, ring + 1):
                for dx in range(-ring, ring + 1):
                    if max(abs(dy), abs(dx)) != ring:
                        continue
                    x = (cx + dx + 180) % 360 - 180
                    for e in self._grid.get((cy + dy, x), ()):
                        d = haversine_km(lat, lon, e.lat, e.lon)
                        if d < best_d:
                            best, best_d = e, d
            # a cell is at least 111 km * cos(latitude) wide: nothing in the next ring can be nearer
            if best is not None and best_d < ring * 111 * max(math.cos(math.radians(min(abs(lat), 89))), 0.1):
                break
        return best.country if best else None



RESOLUTION_CLASSES = {
    "name_missing": "the gold entry (same GeoNames id) is in the gazetteer, but not under this name or spelling",
    "not_in_gazetteer": "no gazetteer entry for the name at all (regions, states, counties, rivers, streets, demonyms, spellings)",
    "entity_missing": "entries under the name, none within 161 km: the right entity is not in the gazetteer under it",
    "country_centroid": "right country, but our country point is over 161 km from the gold point",
    "filtered_small_place": "the right town is there, but under 50,000 people outside the actors' countries, so filtered out",
    "ranking_wrong_country": "the right entry was a candidate; one in another country ranked higher",
    "ranking_country_over_place": "the right entry was a candidate; the country of the same name ranked higher",
    "ranking_same_country": "the right entry was a candidate; another place in the same country ranked higher",
}


def classify_resolution(tools: GeoTools, lookup: str, gold: Toponym, chosen, focus: Counter) -> tuple[str, dict]:
    """Why a toponym resolved more than 161 km off (or not at all); `chosen` is a Place or None."""
    from newsevents.geo.gazetteer import key_variants, place_key

    candidates = tools.gazetteer.lookup(lookup)
    info: dict = {"candidates": len(candidates)}
    if gold.geonameid is not None and tools.has_id(gold.geonameid) and all(c.geonames_id != gold.geonameid for c in candidates):
        return "name_missing", info
    if not candidates:
        return "not_in_gazetteer", info
    if chosen is not None and chosen.feature != "country" and place_key(chosen.name) not in key_variants(lookup):
        info["via_alternate_name"] = True  # "Africa" -> Mahdia, Tunisia; "Minnesota" -> Minneota
    gold_country = tools.country_at(gold.lat, gold.lon)  # type: ignore[arg-type]
    info["gold_country"] = gold_country
    if chosen is not None and chosen.feature == "country" and chosen.country == gold_country:
        return "country_centroid", info
    near = sorted(((haversine_km(gold.lat, gold.lon, c.lat, c.lon), c) for c in candidates), key=lambda dc: dc[0])  # type: ignore[arg-type]
    near = [c for d, c in near if d <= ACC_KM]
    if not near:
        return "entity_missing", info
    right = near[0]
    info["right"] = f"{right.name}, {right.country} (pop {right.population:,})"
    allowed = [c for c in near if c.population >= SMALL_PLACE or focus.get(c.country)]
    if chosen is None or not allowed:
        return "filtered_small_place", info
    info["chosen_in_actor_countries"] = bool(focus.get(chosen.country))
    if chosen.country != right.country:
        return "ranking_wrong_country", info
    if chosen.feature == "country":
        return "ranking_country_over_place", info
    return "ranking_same_country", info


def classify_miss(doc, gold: Toponym, tools: GeoTools, lookup: str, focus: Counter) -> str:
    """Why the recogniser missed a gold toponym, from the NER's view of the span."""
    ents = [e for e in doc.ents if e.start_char < gold.end and gold.start < e.end_char]
    places = [e for e in ents if e.label_ in ("GPE", "LOC", "FAC")]
    if places:
        ent = places[0]
        candidates = tools.gazetteer.lookup(lookup)
        if not candidates:
            return "NER place, no gazetteer entry (dropped)"
        if ent.label_ == "GPE" and ent.root.dep_ in _SUBJECT_DEPS:
            return "NER place, dropped as an actor (subject/possessive)"
        if not any(c.population >= SMALL_PLACE or focus.get(c.country) for c in candidates):
            return "NER place, only small towns outside the actors' countries (dropped)"
        return "NER place, dropped otherwise (an actor's name, span mismatch)"
    if ents:
        return f"NER {ents[0].label_}"
    return "not an entity for the NER"


# --- scoring -----------------------------------------------------------------------------------------------


@dataclass
class Scope:
    """Counts for one subset of the gold (all toponyms, or Literal only)."""

    gold: int = 0
    predicted: int = 0
    exact: int = 0
    overlap: int = 0
    errors: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    resolved: Counter = field(default_factory=Counter)
    country_ok: Counter = field(default_factory=Counter)  # within 161 km, or the right country as a country


@dataclass
class FileScore:
    partial: bool  # gold marks only some toponyms: no precision
    scopes: dict[str, Scope] = field(default_factory=lambda: {"all": Scope()})
    by_type: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    classes: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    class_examples: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    errors: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))

    def note(self, kind: str, cls: str, example: str, detail: dict, show: int) -> None:
        self.classes[kind][cls] += 1
        self.class_examples[f"{kind}:{cls}"][example] += 1
        if len(self.errors[kind]) < show:
            self.errors[kind].append(detail | {"class": cls})


SYSTEMS = ("newsevents", "population")


def _scopes_of(gold: Toponym, typed: bool) -> list[str]:
    return ["all", "Literal"] if typed and gold.type == "Literal" else ["all"]


def _place_str(place) -> str:
    return f"{place.name}, {place.country} ({place.lat:.2f}, {place.lon:.2f}) {place.feature}" if place else "-"


def _resolve_one(score: FileScore, tools: GeoTools, doc_id: str, gold: Toponym, place, lookup: str, scopes: list[str],
                 focus: Counter, show: int) -> None:
    """Score one gold toponym with coordinates: ours (`place`, None = unresolved) and the baseline."""
    ours = MAX_ERROR_KM if place is None else haversine_km(gold.lat, gold.lon, place.lat, place.lon)  # type: ignore[arg-type]
    base_entry = tools.most_populous(lookup)
    base = MAX_ERROR_KM if base_entry is None else haversine_km(gold.lat, gold.lon, base_entry.lat, base_entry.lon)  # type: ignore[arg-type]
    ours_ok = ours <= ACC_KM or (place is not None and tools.same_country(gold, place.feature, place.country, place.geonames_id))
    base_ok = base <= ACC_KM or (base_entry is not None and tools.same_country(gold, base_entry.feature, base_entry.country,
                                                                                base_entry.geonames_id))
    for name in scopes:
        scope = score.scopes[name]
        scope.errors["newsevents"].append(ours)
        scope.errors["population"].append(base)
        scope.resolved["newsevents"] += place is not None
        scope.resolved["population"] += base_entry is not None
        scope.country_ok["newsevents"] += ours_ok
        scope.country_ok["population"] += base_ok
    if gold.type:
        score.by_type[gold.type]["resolved_scored"] += 1
        score.by_type[gold.type]["acc161_hits"] += ours <= ACC_KM
    if ours > ACC_KM:
        cls, info = classify_resolution(tools, lookup, gold, place, focus)
        detail = {"doc": doc_id, "gold": f"{gold.text!r} ({gold.lat:.2f}, {gold.lon:.2f})"
                  + (f" {gold.fcode}" if gold.fcode else "") + (f" {gold.type}" if gold.type else ""),
                  "lookup": lookup, "predicted": _place_str(place), "error_km": round(ours, 1)} | info
        score.note("resolution", cls, lookup, detail, show)
        if info.get("via_alternate_name"):
            score.classes["resolution_flags"]["answer found through a town's alternate name"] += 1
            score.class_examples["resolution_flags:alternate"][f"{lookup} -> {place.name}"] += 1
        if place is None:
            score.classes["resolution_flags"]["unresolved (counted as 20,039 km)"] += 1
        if gold.fcode:
            score.classes["resolution_fcode"][f"{cls}:{gold.fcode}"] += 1


def score_file(path: Path, gold_spans: bool, limit: int | None, show: int, tools: GeoTools) -> dict:
    from newsevents.geo.resolve_spans import actor_focus, lookup_form, resolve_spans
    from newsevents.model import Article
    from newsevents.nlp.model import load_nlp
    from newsevents.pipeline import BATCH_SIZE, Pipeline

    docs = load_docs(path, limit)
    name = set_name(path, docs)
    typed = any(t.type for d in docs for t in d.toponyms)
    score = FileScore(partial=name == "wiktor")
    if typed:
        score.scopes["Literal"] = Scope()
    pipeline = None if gold_spans else Pipeline()
    nlp = load_nlp()
    parse_s = geo_s = parse_cpu = geo_cpu = 0.0  # wall and CPU seconds of this process
    failed = 0
    parsed = nlp.pipe((d.text for d in docs), batch_size=BATCH_SIZE)
    for gdoc in docs:
        started, cpu = time.perf_counter(), time.process_time()
        doc = next(parsed)
        parse_s += time.perf_counter() - started
        parse_cpu += time.process_time() - cpu
        gold = gdoc.toponyms
        for t in gold:
            for s in _scopes_of(t, typed):
                score.scopes[s].gold += 1
            if t.type:
                score.by_type[t.type]["gold"] += 1
        if gold_spans:
            started, cpu = time.perf_counter(), time.process_time()
            focus = actor_focus(doc)
            places = resolve_spans(doc, [(t.start, t.end) for t in gold], tools.gazetteer, focus)
            geo_s += time.perf_counter() - started
            geo_cpu += time.process_time() - cpu
            for t, place in zip(gold, places):
                if t.located:
                    _resolve_one(score, tools, gdoc.id, t, place, lookup_form(doc, t.start, t.end)[0],
                                 _scopes_of(t, typed), focus, show)
            continue
        started, cpu = time.perf_counter(), time.process_time()
        try:
            article = pipeline.annotate(Article(id=gdoc.id, text=gdoc.text), doc)  # type: ignore[union-attr]
            preds = list(article.places)
        except Exception:  # a bug on one document must not stop the evaluation; it scores as no places
            failed += 1
            preds = []
        geo_s += time.perf_counter() - started
        geo_cpu += time.process_time() - cpu
        focus = actor_focus(doc)
        pairs = match(gold, preds)
        paired_g = {gi: (pi, exact) for gi, pi, exact in pairs}
        paired_p = {pi: gi for gi, pi, _ in pairs}
        for pi, p in enumerate(preds):
            if pi in paired_p:
                scopes = _scopes_of(gold[paired_p[pi]], typed)
            elif typed and any(t.start < p.end and p.start < t.end for t in gold):
                scopes = ["all"]  # on a toponym of another type: neither right nor wrong for the Literal row
            else:
                scopes = list(score.scopes)
                if not score.partial:
                    detail = {"doc": gdoc.id, "predicted": f"{p.text!r} -> {_place_str(p)}"}
                    score.note("spurious", "spurious", p.text, detail, show)
            for s in scopes:
                score.scopes[s].predicted += 1
        for gi, t in enumerate(gold):
            scopes = _scopes_of(t, typed)
            if gi not in paired_g:
                lookup = lookup_form(doc, t.start, t.end)[0]
                cls = classify_miss(doc, t, tools, lookup, focus)
                detail = {"doc": gdoc.id, "gold": f"{t.text!r}" + (f" {t.type}" if t.type else "") + (f" {t.fcode}" if t.fcode else "")}
                score.note("missed", cls, t.text, detail, show)
                continue
            pi, exact = paired_g[gi]
            if t.type:
                score.by_type[t.type]["found"] += 1
            for s in scopes:
                score.scopes[s].overlap += 1
                score.scopes[s].exact += exact
            if t.located:
                _resolve_one(score, tools, gdoc.id, t, preds[pi], preds[pi].text, scopes, focus, show)
    return _file_report(path, name, docs, gold_spans, score, (parse_s, geo_s, parse_cpu, geo_cpu), failed)


def _file_report(path: Path, name: str, docs: list[GoldDoc], gold_spans: bool, score: FileScore,
                 seconds: tuple[float, float, float, float], failed: int) -> dict:
    n_docs = max(len(docs), 1)
    parse_s, geo_s, parse_cpu, geo_cpu = seconds
    stage = "resolve" if gold_spans else "annotate"
    report: dict = {
        "file": str(path), "set": name, "mode": "gold-spans" if gold_spans else "end-to-end",
        "documents": len(docs), "toponyms": sum(len(d.toponyms) for d in docs),
        "located": sum(t.located for d in docs for t in d.toponyms),
        "ms_per_doc": {"parse": round(1000 * parse_s / n_docs, 1), stage: round(1000 * geo_s / n_docs, 1)},
        "cpu_ms_per_doc": {"parse": round(1000 * parse_cpu / n_docs, 1), stage: round(1000 * geo_cpu / n_docs, 1)},
        "partial_gold": score.partial,
    }
    if failed:
        report["failed_documents"] = failed
    if not gold_spans:
        report["recognition"] = {
            s: {"gold": sc.gold, "predicted": sc.predicted,
                "exact": prf(sc.exact, None if score.partial else sc.predicted, sc.gold),
                "overlap": prf(sc.overlap, None if score.partial else sc.predicted, sc.gold)}
            for s, sc in score.scopes.items()
        }
    report["resolution"] = {
        s: {system: resolution_metrics(sc.errors[system], sc.resolved[system] if gold_spans else None, sc.country_ok[system])
            for system in SYSTEMS}
        for s, sc in score.scopes.items()
    }
    if score.by_type:
        report["by_type"] = {
            t: ({"gold": c["gold"]} | ({} if gold_spans else {"recall": round(c["found"] / c["gold"], 4) if c["gold"] else None})
                | {"resolved_scored": c["resolved_scored"],
                   "acc161": round(c["acc161_hits"] / c["resolved_scored"], 4) if c["resolved_scored"] else None})
            for t, c in sorted(score.by_type.items(), key=lambda kv: -kv[1]["gold"])
        }
    report["error_classes"] = {
        kind: {cls: {"count": n, "examples": dict(score.class_examples[f"{kind}:{cls}"].most_common(8))}
               for cls, n in counts.most_common()}
        for kind, counts in score.classes.items() if kind not in ("resolution_fcode", "resolution_flags")
    }
    if "resolution_flags" in score.classes:
        report["resolution_flags"] = dict(score.classes["resolution_flags"].most_common())
        report["alternate_name_examples"] = dict(score.class_examples["resolution_flags:alternate"].most_common(10))
    if "resolution_fcode" in score.classes:
        report["error_classes_by_fcode"] = dict(score.classes["resolution_fcode"].most_common(20))
    report["errors"] = {k: v for k, v in score.errors.items()}
    report["anchors"] = [{"system": s, "metric": m, "value": v} for s, m, v in ANCHORS.get(name, [])]
    if not gold_spans and (name in ("lgl", "geowebnews", "geovirus") or name.startswith("conflict")):
        report["anchors"].append({"system": E2E_ANCHOR[0], "metric": E2E_ANCHOR[1], "value": E2E_ANCHOR[2]})
    return report


def run(args: argparse.Namespace) -> dict:
    from newsevents.cli import UsageError

    gold_spans = bool(getattr(args, "gold_spans", False))
    show = getattr(args, "show_errors", 0) or 0
    tools = GeoTools()
    files = []
    for path in gold_jsonl_files(args.gold, recursive=False):
        try:
            files.append(score_file(path, gold_spans, args.limit, show, tools))
        except (ValueError, KeyError, TypeError, json.JSONDecodeError) as exc:
            raise UsageError(f"{path}: not a geo gold file ({type(exc).__name__}: {exc})") from None
    return {"mode": "gold-spans" if gold_spans else "end-to-end", "acc_km": ACC_KM, "max_error_km": MAX_ERROR_KM,
            "files": files}


# --- the table ---------------------------------------------------------------------------------------------


def _pct(x) -> str:
    return f"{100 * x:5.1f}" if x is not None else f"{'-':>5}"


def _num(x, width: int, digits: int = 0) -> str:
    return f"{x:>{width},.{digits}f}" if x is not None else f"{'-':>{width}}"


def format_report(report: dict) -> str:
    out: list[str] = []
    for f in report["files"]:
        times = ", ".join(f"{k} {v:.1f} ({f['cpu_ms_per_doc'][k]:.1f} CPU)" for k, v in f["ms_per_doc"].items())
        out.append(f"== {f['file']}  ({f['set']}, {f['mode']}; {f['documents']:,} documents, {f['toponyms']:,} toponyms, "
                   f"{f['located']:,} with coordinates; ms per document: {times})")
        if f.get("failed_documents"):
            out.append(f"   {f['failed_documents']} documents failed in the pipeline and score as having no places")
        if "recognition" in f:
            out.append(f"{'recognition':<14}{'gold':>7}{'pred':>7}   {'exact P     R    F1':<19}   {'overlap* P  R    F1'}")
            for scope, r in f["recognition"].items():
                e, o = r["exact"], r["overlap"]
                pred = f"{r['predicted']:>7}" if not f["partial_gold"] else f"{'-':>7}"
                out.append(f"  {scope:<12}{r['gold']:>7}{pred}   {_pct(e['p'])} {_pct(e['r'])} {_pct(e['f1'])}   "
                           f"{_pct(o['p'])} {_pct(o['r'])} {_pct(o['f1'])}")
            if f["partial_gold"]:
                out.append("  (only one target name per document is annotated: recall only)")
        what = "gold spans" if f["mode"] == "gold-spans" else "correctly recognised (overlap) toponyms"
        out.append(f"{'resolution':<14}over {what} with coordinates")
        out.append(f"  {'scope':<9}{'system':<13}{'n':>6}{'resolved':>9}{'acc@161':>9}{'mean km':>9}{'median km':>10}{'AUC':>7}"
                   f"{'acc@161 country=ok**':>21}")
        for scope, systems in f["resolution"].items():
            for system, m in systems.items():
                out.append(f"  {scope:<9}{system:<13}{m['n']:>6}{_num(m.get('resolved'), 9)}{_pct(m['acc161']):>9}"
                           f"{_num(m['mean_km'], 9)}{_num(m['median_km'], 10)}{_num(m['auc'], 7, 3)}"
                           f"{_pct(m.get('acc161_country_ok')):>21}")
        if f.get("by_type"):
            cells = [f"{t} {c['gold']}" + (f" R {_pct(c['recall']).strip()}" if "recall" in c else "")
                     + (f" acc {_pct(c['acc161']).strip()}" if c["acc161"] is not None else "") for t, c in f["by_type"].items()]
            out.append("  by type: " + "; ".join(cells))
        for a in f["anchors"]:
            out.append(f"  published: {a['system']} {a['metric']} {a['value']}")
        for kind, classes in f["error_classes"].items():
            total = sum(c["count"] for c in classes.values())
            out.append(f"  {kind} ({total}):")
            for cls, c in classes.items():
                examples = ", ".join(f"{k} {v}" for k, v in list(c["examples"].items())[:5])
                out.append(f"    {c['count']:>5}  {cls}: {examples}")
        if f.get("resolution_flags"):
            out.append("  among the resolution errors: " + "; ".join(f"{k} {v}" for k, v in f["resolution_flags"].items())
                       + (" (" + ", ".join(list(f["alternate_name_examples"])[:5]) + ")" if f.get("alternate_name_examples") else ""))
        for kind, errors in f["errors"].items():
            for e in errors:
                out.append(f"  {kind:<10} " + "  ".join(f"{k}={v}" for k, v in e.items() if k != "doc") + f"  [{e['doc']}]")
        out.append("")
    out.append("* overlap is the headline for recognition. acc@161: error <= 161 km; AUC of ln(1+km)/ln(20039), lower is "
               "better; an unresolved gold toponym counts 20,039 km. Published figures are quoted, not measured here.\n"
               "** lenient, not comparable with published figures: the right country given as a country counts as "
               "right however far its point is from the gold point.")
    return "\n".join(out)
