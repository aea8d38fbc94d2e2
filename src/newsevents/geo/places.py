"""Find toponyms in a parsed document and resolve each to one gazetteer entry.

Recognition: spaCy GPE/LOC/FAC entities; capitalised names after a locative preposition, before a generic
place noun ("Aleppo airport"), described as a place ("Aurora is a city") or in a capitalised dateline, that
the NER missed; minus names used as actors ("Moscow said", "Russia's decision"). Resolution ranks the
candidates in two passes with the article's context (see `resolve_toponyms` and `_Toponym._score`), so
"Palmyra" in an article about Syria is Tadmur, Syria, not Palmyra, New York.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from newsevents.geo.gazetteer import GeoEntry, Gazetteer, key_variants, place_key
from newsevents.geo.tables import SMALL_PLACE
from newsevents.model import Place
from newsevents.nlp.model import text_of

LOCATIVE_PREPS = {"in", "at", "near", "from", "into", "across", "around", "outside", "inside", "toward", "towards", "throughout", "within", "over", "to", "of", "on", "between", "along", "off", "north", "south", "east", "west"}
REGION_WORDS = {"province", "governorate", "region", "district", "countryside", "oblast", "state", "county", "prefecture", "parish"}
_GENERIC_TAIL = REGION_WORDS | {"city", "desert", "area", "town", "village", "valley", "front", "airbase", "base", "airport", "border", "mountains"}
_SUBJECT_DEPS = {"nsubj", "nsubjpass", "poss", "csubj"}
_OBJECT_DEPS = {"dobj", "pobj", "conj", "appos"}
GREAT_CITY = 500_000  # people: a name the NER mislabels is taken for such a city (see _recognise)


@dataclass(frozen=True)
class PlaceMention:
    start: int
    end: int
    tok_start: int
    tok_end: int
    place: Place


def actor_countries(mentions, actors) -> Counter[str]:
    """The countries of a document's actors, counted: the scene its places are read in. An actor named by
    a capital ("Tripoli" for Libya's government) does not count: its name is the ambiguous place itself."""
    return Counter(a.country for m, a in zip(mentions, actors) if a.country and m.form != "capital")


def find_places(doc: Doc, gazetteer: Gazetteer, focus: Counter[str], not_places: set[int] = frozenset()) -> list[PlaceMention]:
    """Places in `doc`; `focus` counts the countries its actors belong to, `not_places` are token
    indices of names known to be actors other than countries ("Taliban", "Hezbollah")."""
    spans = [s for s in _recognise(doc, gazetteer) if not any(i in not_places for i in range(s[2], s[3]))]
    return resolve_toponyms(spans, gazetteer, focus, text_of(doc))


def resolve_toponyms(
    spans: list[tuple[int, int, int, int, str, str]], gazetteer: Gazetteer, focus: Counter[str], text: str = ""
) -> list[PlaceMention]:
    """Resolve toponym spans `(start, end, tok_start, tok_end, name, tail)` in document order, where `tail`
    is the generic word after the name ("province" in "Idlib province") or "", to one gazetteer entry
    each, ranked with the article's context (`text` is the document, for qualifiers such as "Paris,
    Texas"); a span with no admissible candidate is left out."""
    toponyms = [_Toponym(s, gazetteer) for s in spans]
    _share_list_tails(toponyms, text, gazetteer)
    _link_qualifiers(toponyms, text)
    _count_support(toponyms)
    # Pass 1: the actors' countries and the names that can mean only one country set the scene.
    context = _Context(Counter(focus))
    for t in toponyms:
        if t.candidates and len({c.country for c in t.candidates}) == 1:
            context.countries[t.candidates[0].country] += 1
    first = {id(t): t.best(context, focus) for t in toponyms}
    # Pass 2: every other name's first reading is context too (a town among the others in its state).
    # The context depends only on which name is left out: one per distinct name.
    contexts: dict[str, _Context] = {}
    out = []
    for t in toponyms:
        others = contexts.get(t.key)
        if others is None:
            others = contexts[t.key] = _Context(Counter(focus))
            seen_names = {t.key}
            for u in toponyms:
                chosen = first[id(u)]
                if chosen is None or u.key in seen_names:
                    continue
                seen_names.add(u.key)
                others.add(chosen)
        best = t.best(others, focus)
        if best is None:
            continue
        feature = "region" if t.region and best.feature == "city" else _PLACE_FEATURE.get(best.feature, best.feature)
        place = Place(t.name, t.start, t.end, best.name, best.country or None, best.lat, best.lon, feature, best.geonames_id)
        out.append(PlaceMention(t.start, t.end, t.t0, t.t1, place))
    return out


class _Context:
    """What the rest of a document says about where it is: countries, first-level divisions, points."""

    def __init__(self, countries: Counter[str]) -> None:
        self.countries = countries
        self.admin1: Counter[int] = Counter()
        self.points: list[tuple[float, float]] = []

    def add(self, entry: GeoEntry) -> None:
        if entry.country:
            self.countries[entry.country] += 1
        if entry.admin1 >= 0:
            self.admin1[entry.admin1] += 1
        if entry.feature not in ("country", "continent", "region", "water"):
            self.points.append((entry.lat, entry.lon))


class _Toponym:
    def __init__(self, span: tuple[int, int, int, int, str, str], gazetteer: Gazetteer) -> None:
        self.start, self.end, self.t0, self.t1, self.name, self.tail = span
        self.key = place_key(self.name)
        self.region = self.tail in REGION_WORDS
        self.candidates: list[GeoEntry] = gazetteer.lookup(self.name)
        if self.tail:
            self._add_whole_name(gazetteer)
        self.qualifier: _Toponym | None = None
        self.support: Counter[int] = Counter()  # division row -> other names with a candidate in it

    def with_tail(self, tail: str, gazetteer: Gazetteer) -> None:
        self.tail, self.region = tail, True
        self._add_whole_name(gazetteer)

    def _add_whole_name(self, gazetteer: Gazetteer) -> None:
        # "Fulton County" is a county's whole name
        rows = {c.row for c in self.candidates}
        self.candidates += [c for c in gazetteer.lookup(f"{self.name} {self.tail}") if c.row not in rows]

    def admissible(self, c: GeoEntry, context: _Context, focus: Counter[str]) -> bool:
        # A small town abroad is more often a common word or a person ("the West", "Kurram") than the place
        # meant: it counts only where the article is (its actors' countries, its other places' divisions).
        if c.population >= SMALL_PLACE or focus.get(c.country) or self._qualified(c):
            return True
        if self.region and c.feature in _DIVISIONS:
            return True  # the text says "Lamar County": a county, however small
        return (
            context.admin1.get(c.admin1, 0) > 0
            or context.countries.get(c.country, 0) >= 2
            or self.support.get(c.admin1, 0) >= 2
        )

    def _qualified(self, c: GeoEntry) -> bool:
        q = self.qualifier
        return q is not None and any(
            (qc.feature == "country" and qc.country == c.country) or (qc.feature == "admin1" and qc.row == c.admin1)
            for qc in q.candidates
        )

    def best(self, context: _Context, focus: Counter[str]) -> GeoEntry | None:
        candidates = [c for c in self.candidates if self.admissible(c, context, focus)]
        if self.region:  # "Grant County", "Idlib province": a division if there is one
            candidates = [c for c in candidates if c.feature in _DIVISIONS] or candidates
        if not candidates:
            return None
        # a division that holds a town of its own name ("Aleppo") is the town unless the text says "province"
        towns_in = {c.admin1 for c in candidates if c.feature == "city"}
        country_named = any(c.feature == "country" for c in candidates)
        return max(candidates, key=lambda c: (self._score(c, context, towns_in, country_named), -c.row))

    def _score(self, c: GeoEntry, context: _Context, towns_in: set[int], country_named: bool) -> float:
        score = math.log10(c.population + 10) + _FEATURE_BONUS.get(c.feature, 0.0)
        if country_named and c.feature == "city":
            score -= 3.0  # a town named after a country ("China, Maine") is rarely what "China" means
        score += 4.0 * math.log1p(context.countries.get(c.country, 0)) if c.country else 0.0
        score += 3.0 * math.log1p(context.admin1.get(c.admin1, 0))
        if self.key not in key_variants(c.name) and f"{self.key} city" not in key_variants(c.name):
            score -= 1.5  # found by an alternate name only ("Minnesota" is also a name of Minneota)
        if c.capital:
            score += 2.5  # "Washington" is the capital more often than the state
        if not self.region and c.feature == "admin1" and c.row in towns_in:
            score -= 3.0  # "New York", "Aleppo": the city, unless the text says "state" or "province"
        elif not self.region and c.feature == "admin2":
            score -= 2.0  # "Paris" is the city, not the département, unless the text says "county"
        if self._qualified(c):
            score += 8.0
        if c.feature not in ("country", "continent") and c.admin1 >= 0:
            score += 1.5 * math.log1p(self.support.get(c.admin1, 0))
        if c.feature not in ("country", "continent") and context.points:
            near = min(_km(c.lat, c.lon, lat, lon) for lat, lon in context.points)
            score += 2.0 if near < 150 else (1.0 if near < 400 else 0.0)
        return score


_DIVISIONS = {"admin1", "admin2", "region"}
_PLACE_FEATURE = {"base": "site", "crossing": "site"}
_FEATURE_BONUS = {"country": 3.0, "continent": 3.0, "admin1": 1.0, "region": 1.0, "water": 1.0, "base": 2.0, "crossing": 2.0}


_PLURAL_DIVISIONS = {"counties": "county", "provinces": "province", "governorates": "governorate",
                     "districts": "district", "states": "state", "regions": "region", "parishes": "parish"}


def _share_list_tails(toponyms: list[_Toponym], text: str, gazetteer: Gazetteer) -> None:
    """"Clay, Douglas and Grant counties": every name of the list is a county."""
    run: list[_Toponym] = []
    for i, t in enumerate(toponyms):
        run.append(t)
        nxt = toponyms[i + 1] if i + 1 < len(toponyms) else None
        if nxt is not None and text and text[t.end:nxt.start].strip(" ,") in ("", "and", "or", "&"):
            continue
        word = text[t.end:t.end + 20].split()[:1] if text else []
        singular = _PLURAL_DIVISIONS.get(word[0].lower().strip(".,;:!?)\"")) if word else None
        if singular and len(run) > 1:
            for u in run:
                u.with_tail(singular, gazetteer)
        run = []


def _count_support(toponyms: list[_Toponym]) -> None:
    """For each name, how many other names could lie in each first-level division: local names that
    cluster in one state ("Alexandria" and "Pineville", both in Louisiana) point at it."""
    by_name: dict[str, set[int]] = {}
    for t in toponyms:
        by_name.setdefault(t.key, set()).update(c.admin1 for c in t.candidates if c.admin1 >= 0)
    totals: Counter[int] = Counter()
    for divisions in by_name.values():
        totals.update(divisions)
    for t in toponyms:
        own = by_name.get(t.key, set())
        t.support = Counter({d: n - (d in own) for d, n in totals.items() if n - (d in own) > 0})


def _link_qualifiers(toponyms: list[_Toponym], text: str) -> None:
    """"Paris, Texas", "Springfield, Ill.": a name followed by a comma and a division or country."""
    for a, b in zip(toponyms, toponyms[1:]):
        between = text[a.end:b.start].strip().lower() if text else ""
        if a.tail and between.startswith(a.tail):  # "Saint Louis County, Minnesota"
            between = between[len(a.tail):].strip()
        if between == "," and any(c.feature in ("admin1", "country") for c in b.candidates):
            a.qualifier = b


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


_DATELINE = re.compile(r"(?:^|\n|\d{4}\s)\s*([A-Z][A-Z'.]+(?: [A-Z][A-Z'.]+){0,2})(?=\s*(?:,|\(|--|—|–|-\s))")
_TIME_WORDS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
               "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"}


def _is_time_word(tok: Token) -> bool:
    return tok.lower_ in _TIME_WORDS or tok.ent_type_ in ("DATE", "TIME")


def _strip(tokens: list[Token], gazetteer: Gazetteer | None = None) -> list[Token]:
    """The name in an entity: without a leading article, a possessive or a generic word at the end
    ("the Idlib province" -> "Idlib"), unless that word belongs to a place's own name ("Mexico City")."""
    while tokens and tokens[0].lower_ in ("the", "a"):
        tokens = tokens[1:]
    while tokens and (tokens[-1].is_punct or tokens[-1].lower_ == "'s"):
        tokens = tokens[:-1]
    while tokens and tokens[-1].lower_ in _GENERIC_TAIL:
        if gazetteer is not None and len(tokens) > 1 and _names_a_place(" ".join(t.text for t in tokens), gazetteer):
            break
        tokens = tokens[:-1]
    return tokens


_PLACE_NOUNS = {"city", "town", "village", "port", "capital", "municipality", "community", "settlement", "county",
                "province", "region", "district", "state", "country", "island", "suburb", "borough", "hamlet"}


def is_place_noun(tok: Token) -> bool:
    """A noun that names a kind of place or site ("city", "airport", "province")."""
    return tok.lower_ in _GENERIC_TAIL or tok.lemma_.lower() in _PLACE_NOUNS


def _described_as_place(root: Token) -> bool:
    """"Aurora is a small city in …": the subject of "be" with a place noun is a place, not an actor."""
    head = root.head
    return root.dep_ == "nsubj" and head.lemma_ == "be" and any(
        c.dep_ == "attr" and c.lemma_.lower() in _PLACE_NOUNS for c in head.children
    )


def tail_word(tok: Token | None) -> str:
    """The generic word after a name, lower-cased; "" for none, and for a lower-case "state", which is
    a country ("a Gulf state") rather than a division ("Kaduna State")."""
    if tok is None or (tok.lower_ == "state" and tok.text[:1].islower()):
        return ""
    return tok.lower_


def _names_a_place(name: str, gazetteer: Gazetteer) -> bool:
    key = place_key(name)
    return any(place_key(c.name) == key for c in gazetteer.lookup(name) if c.feature not in ("admin1", "admin2"))


def _recognise(doc: Doc, gazetteer: Gazetteer):
    out = []
    covered: set[int] = set()
    for ent in doc.ents:
        if ent.label_ not in ("GPE", "LOC", "FAC"):
            continue
        if ent.root.dep_ in _SUBJECT_DEPS and ent.label_ == "GPE" and not _described_as_place(ent.root):
            continue  # "Moscow said", "Syria's regime": an actor, not a place
        tokens = _strip(list(ent), gazetteer)
        if not tokens:
            continue
        # keep a region word in the surface text ("Aleppo province") but not in the lookup
        tail = ent[-1] if ent[-1].lower_ in _GENERIC_TAIL and ent[-1].i >= tokens[-1].i + 1 else None
        if tail is None and ent.end < len(doc) and doc[ent.end].lower_ in _GENERIC_TAIL:
            tail = doc[ent.end]
        # the span is the name alone ("Hama" in "Hama province"); the generic word ranks the candidates
        start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1])
        out.append((start, end, tokens[0].i, tokens[-1].i + 1, text_of(doc)[start:end], tail_word(tail)))
        covered.update(range(ent.start, ent.end))
    # Names the NER missed: a capitalised proper noun run right after a locative preposition.
    for tok in doc:
        if tok.lower_ not in LOCATIVE_PREPS or tok.dep_ not in ("prep", "advmod", "agent"):
            continue
        i = tok.i + 1
        if i < len(doc) and doc[i].lower_ == "the":
            i += 1
        j = i
        while j < len(doc) and doc[j].pos_ == "PROPN" and doc[j].text[:1].isupper() and j not in covered and not _is_time_word(doc[j]):
            j += 1
        if j == i or j - i > 4:
            continue
        text = doc[i:j].text
        if not re.match(r"^[A-Z]", text) or not gazetteer.rows(text):
            continue
        tail = tail_word(doc[j]) if j < len(doc) and doc[j].lower_ in _GENERIC_TAIL else ""
        out.append((doc[i].idx, doc[j - 1].idx + len(doc[j - 1]), i, j, text, tail))
        covered.update(range(i, j))
    # "Aleppo airport", "Hama countryside": proper nouns before a generic place noun the NER left alone.
    for tok in doc:
        if tok.lower_ not in _GENERIC_TAIL or not tok.text.islower() or tok.i in covered:
            continue
        j = tok.i
        while j > 0 and doc[j - 1].pos_ == "PROPN" and doc[j - 1].text[:1].isupper() and (j - 1) not in covered \
                and not _is_time_word(doc[j - 1]) and tok.i - j < 3:
            j -= 1
        if j == tok.i or (j > 0 and doc[j - 1].pos_ == "PROPN"):
            continue
        name = doc[j : tok.i]
        if _names_a_place(name.text, gazetteer) or any(c.feature != "city" or c.population >= SMALL_PLACE for c in gazetteer.lookup(name.text)):
            out.append((name.start_char, name.end_char, j, tok.i, name.text, tail_word(tok)))
            covered.update(range(j, tok.i))
    # "shelled Aleppo": a great city as a verb's or preposition's object, which the NER took for a people or
    # an organisation (never an untagged word: "called Charlotte"). Only one-word names that stand alone, and
    # only cities so large that the name means the city ("Phoenix" in "the Phoenix dataset" is a compound).
    for tok in doc:
        if tok.i in covered or tok.pos_ != "PROPN" or not tok.text[:1].isupper() or tok.dep_ not in _OBJECT_DEPS \
                or tok.ent_type_ not in ("NORP", "ORG") or any(c.dep_ == "compound" for c in tok.children) \
                or any(doc[j].pos_ == "PROPN" for j in (tok.i - 1, tok.i + 1) if 0 <= j < len(doc)):
            continue
        if any(c.feature == "city" and c.population >= GREAT_CITY and place_key(c.name) == place_key(tok.text)
               for c in gazetteer.lookup(tok.text)):
            out.append((tok.idx, tok.idx + len(tok), tok.i, tok.i + 1, tok.text, tail_word(doc[tok.i + 1]) if tok.i + 1 < len(doc) else ""))
            covered.add(tok.i)
    # "Aurora is a small city in …": a proper-noun subject described as a place, whatever the NER said.
    for tok in doc:
        if tok.pos_ == "PROPN" and _described_as_place(tok) and tok.i not in covered:
            first = min([c.i for c in tok.children if c.dep_ == "compound" and c.pos_ == "PROPN"] + [tok.i])
            name = doc[first : tok.i + 1]
            if gazetteer.rows(name.text):
                out.append((name.start_char, name.end_char, first, tok.i + 1, name.text, ""))
                covered.update(range(first, tok.i + 1))
    # Datelines the NER cannot read in capitals: "COLUMBUS, Ohio —", "BEIRUT (AP) —", "MANSFIELD --".
    text = text_of(doc)
    for m in _DATELINE.finditer(text):
        span = doc.char_span(m.start(1), m.end(1))
        if span is None or any(t.i in covered for t in span):
            continue
        name = m.group(1)  # lookups ignore case
        if any(c.population >= 10_000 or c.feature != "city" for c in gazetteer.lookup(name)):
            out.append((m.start(1), m.end(1), span.start, span.end, name, ""))
            covered.update(range(span.start, span.end))
    # One sense per document: a name recognised as a place once is a place wherever else it stands
    # (the NER often tags a town as an organisation when it is a verb's object: "retook Palmyra").
    names = {text for *_, text, _tail in out if " " not in text}
    for tok in doc:
        if tok.text in names and tok.i not in covered and tok.dep_ not in _SUBJECT_DEPS:
            out.append((tok.idx, tok.idx + len(tok), tok.i, tok.i + 1, tok.text, ""))
            covered.add(tok.i)
    out.sort()
    return out
