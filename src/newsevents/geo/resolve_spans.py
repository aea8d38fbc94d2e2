"""Resolve toponym spans that someone else found (a gold annotation, another recogniser) in a parsed
document, with the same ranking and the same document context the pipeline uses for its own spans.

The context is what `Pipeline.annotate` gives `find_places`: the countries of the document's actors, plus
the other place names in the document (the spans given and those the recogniser finds beside them). Each
span's lookup text is normalised as the recogniser normalises its own ("the Aleppo province" is looked up
as "Aleppo"), so only the choice of spans differs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import replace

from spacy.tokens import Doc

from newsevents.actors.resolve import find_actors
from newsevents.geo.gazetteer import Gazetteer, load_gazetteer
from newsevents.geo.places import _GENERIC_TAIL, _recognise, _strip, actor_countries, resolve_toponyms, tail_word
from newsevents.model import Place
from newsevents.nlp.model import text_of


def actor_focus(doc: Doc) -> Counter[str]:
    """The countries of the document's actors, counted, as the pipeline gives them to the resolver
    (no publication date: a person's country is that of an undated role)."""
    mentions = find_actors(doc)
    return actor_countries(mentions, [m.to_actor(None) for m in mentions])


def lookup_form(doc: Doc, start: int, end: int, gazetteer: Gazetteer | None = None) -> tuple[str, int, int, str]:
    """How the recogniser would look the span up: (lookup text, first token, end token, the generic word
    in or after it). Leading articles and trailing generic words go ("the Idlib province" -> "Idlib")."""
    text = text_of(doc)
    span = doc.char_span(start, end, alignment_mode="expand")
    tokens = _strip(list(span), gazetteer or load_gazetteer()) if span is not None else []
    if not tokens:  # only generic words ("the city"), or no token inside: the text as it stands
        t0, t1 = (span.start, span.end) if span is not None else (0, 0)
        return text[start:end], t0, t1, ""
    tail = ""
    if span[-1].lower_ in _GENERIC_TAIL and span[-1].i >= tokens[-1].i + 1:
        tail = tail_word(span[-1])
    elif span.end < len(doc) and doc[span.end].lower_ in _GENERIC_TAIL:
        tail = tail_word(doc[span.end])
    return text[tokens[0].idx : tokens[-1].idx + len(tokens[-1])], tokens[0].i, tokens[-1].i + 1, tail


def resolve_spans(
    doc: Doc,
    spans: Iterable[tuple[int, int] | tuple[int, int, str]],
    gazetteer: Gazetteer | None = None,
    focus: Counter[str] | None = None,
) -> list[Place | None]:
    """One `Place` (or None: no gazetteer candidate) for each `(start, end[, text])` character span of
    `doc`, in the order given; the Place's text is the span's. `focus` defaults to `actor_focus(doc)`.
    Spans may overlap or repeat; each distinct span counts once in the context."""
    gazetteer = gazetteer or load_gazetteer()
    if focus is None:
        focus = actor_focus(doc)
    text = text_of(doc)
    offsets = [(s[0], s[1]) for s in spans]
    items = {}
    for start, end in offsets:
        if (start, end) not in items:
            lookup, t0, t1, tail = lookup_form(doc, start, end, gazetteer)
            items[(start, end)] = (start, end, t0, t1, lookup, tail)
    # The other names the recogniser finds are context, as they are in the pipeline ("Springfield" beside
    # "Sangamon County, Illinois"); only the given spans are answered.
    taken = [(s, e) for s, e in items]
    for span in _recognise(doc, gazetteer):
        if not any(span[0] < e and s < span[1] for s, e in taken):
            items[("context", span[0], span[1])] = span
    by_span = {(m.start, m.end): m.place for m in resolve_toponyms(sorted(items.values()), gazetteer, focus, text)}
    out: list[Place | None] = []
    for start, end in offsets:
        place = by_span.get((start, end))
        if place is not None:
            place = replace(place, text=text[start:end])
        out.append(place)
    return out
