"""Find toponyms in a parsed document and resolve each to one gazetteer entry.

Recognition: spaCy GPE/LOC/FAC entities, plus capitalised names after a locative preposition that
the NER missed, minus names used as actors ("Moscow said", "Russia's decision"). Resolution ranks
candidates by the countries the article is about, then by whether the name is a country, then by
population, so "Palmyra" in an article about Syria is Tadmur, Syria, not Palmyra, New York.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from newsevents.geo.gazetteer import GeoEntry, Gazetteer
from newsevents.model import Place
from newsevents.nlp.model import text_of

LOCATIVE_PREPS = {"in", "at", "near", "from", "into", "across", "around", "outside", "inside", "toward", "towards", "throughout", "within", "over", "to", "of", "on", "between", "along", "off", "north", "south", "east", "west"}
_REGION_WORDS = {"province", "governorate", "region", "district", "countryside", "oblast", "state", "county", "prefecture"}
_GENERIC_TAIL = _REGION_WORDS | {"city", "desert", "area", "town", "village", "valley", "front", "airbase", "base", "airport", "border", "mountains"}
_SUBJECT_DEPS = {"nsubj", "nsubjpass", "poss", "csubj"}
_SMALL_PLACE = 50_000


@dataclass(frozen=True)
class PlaceMention:
    start: int
    end: int
    tok_start: int
    tok_end: int
    place: Place


def find_places(doc: Doc, gazetteer: Gazetteer, focus: Counter[str], not_places: set[int] = frozenset()) -> list[PlaceMention]:
    """Places in `doc`; `focus` counts the countries its actors belong to, `not_places` are token
    indices of names known to be actors other than countries ("Taliban", "Hezbollah")."""
    spans = [s for s in _recognise(doc, gazetteer) if not any(i in not_places for i in range(s[2], s[3]))]
    return resolve_toponyms(spans, gazetteer, focus)


def resolve_toponyms(
    spans: list[tuple[int, int, int, int, str, bool]], gazetteer: Gazetteer, focus: Counter[str]
) -> list[PlaceMention]:
    """Resolve toponym spans `(start, end, tok_start, tok_end, text, region)`, in document order, to one
    gazetteer entry each, ranked with the article's context; a span with no candidate is left out."""
    # Resolve unambiguous names first: they tell what the article is about, as actors do.
    context = Counter(focus)
    resolved: list[tuple[int, int, int, int, str, bool, list[GeoEntry]]] = []
    for start, end, t0, t1, text, region in spans:
        # A small town abroad is more often a common word or a person ("the West", "Kurram") than the
        # place meant; small places count only inside the countries the article's actors are from.
        candidates = [c for c in gazetteer.lookup(text) if c.population >= _SMALL_PLACE or focus.get(c.country)]
        if candidates:
            resolved.append((start, end, t0, t1, text, region, candidates))
            if len({c.country for c in candidates}) == 1:
                context[candidates[0].country] += 1
    out = []
    for start, end, t0, t1, text, region, candidates in resolved:
        best = max(candidates, key=lambda c: _score(c, context))
        feature = "region" if region and best.feature == "city" else best.feature
        place = Place(text, start, end, best.name, best.country, best.lat, best.lon, feature, best.geonames_id)
        out.append(PlaceMention(start, end, t0, t1, place))
    return out


def _score(entry: GeoEntry, context: Counter[str]) -> float:
    in_context = context.get(entry.country, 0)
    return (4.0 * math.log1p(in_context)) + (3.0 if entry.feature == "country" else 0.0) + math.log10(entry.population + 10)


_TIME_WORDS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
               "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"}


def _is_time_word(tok: Token) -> bool:
    return tok.lower_ in _TIME_WORDS or tok.ent_type_ in ("DATE", "TIME")


def _strip(tokens: list[Token]) -> list[Token]:
    while tokens and tokens[0].lower_ in ("the", "a"):
        tokens = tokens[1:]
    while tokens and (tokens[-1].lower_ in _GENERIC_TAIL or tokens[-1].is_punct or tokens[-1].lower_ == "'s"):
        tokens = tokens[:-1]
    return tokens


def _recognise(doc: Doc, gazetteer: Gazetteer):
    out = []
    covered: set[int] = set()
    for ent in doc.ents:
        if ent.label_ not in ("GPE", "LOC", "FAC"):
            continue
        if ent.root.dep_ in _SUBJECT_DEPS and ent.label_ == "GPE":
            continue  # "Moscow said", "Syria's regime": an actor, not a place
        tokens = _strip(list(ent))
        if not tokens:
            continue
        # keep a region word in the surface text ("Aleppo province") but not in the lookup
        tail = ent[-1] if ent[-1].lower_ in _GENERIC_TAIL else None
        if tail is None and ent.end < len(doc) and doc[ent.end].lower_ in _GENERIC_TAIL:
            tail = doc[ent.end]
        # the span is the name alone ("Hama" in "Hama province"); the region word sets the feature
        start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1])
        region = tail is not None and tail.lower_ in _REGION_WORDS
        out.append((start, end, tokens[0].i, tokens[-1].i + 1, text_of(doc)[start:end], region))
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
        if not re.match(r"^[A-Z]", text) or not gazetteer.lookup(text):
            continue
        region = j < len(doc) and doc[j].lower_ in _REGION_WORDS
        out.append((doc[i].idx, doc[j - 1].idx + len(doc[j - 1]), i, j, text, region))
        covered.update(range(i, j))
    # One sense per document: a name recognised as a place once is a place wherever else it stands
    # (the NER often tags a town as an organisation when it is a verb's object: "retook Palmyra").
    names = {text for *_, text, _region in out if " " not in text}
    for tok in doc:
        if tok.text in names and tok.i not in covered and tok.dep_ not in _SUBJECT_DEPS:
            out.append((tok.idx, tok.idx + len(tok), tok.i, tok.i + 1, tok.text, False))
            covered.add(tok.i)
    out.sort()
    return out
