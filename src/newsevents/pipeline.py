"""The pipeline: ingest -> nlp -> actors -> events -> places/dates, one article at a time, in batches."""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date

from spacy.tokens import Doc, Span, Token

from newsevents.actors.kb import load_kb
from newsevents.actors.layers import LayerSource
from newsevents.actors.date_evidence import outside_window, titled_window
from newsevents.actors.resolve import ActorMention, after_anti, find_actors
from newsevents.dates import DateMention, find_dates, verb_tense, with_tense
from newsevents.events.coder import EventCandidate, MentionIndex, code_sentence_events, governing_verb
from newsevents.events.lexicon import load_lexicon
from newsevents.events.ontology import load_ontology
from newsevents.events.quantities import find_quantities
from newsevents.geo.gazetteer import load_gazetteer
from newsevents.geo.places import LOCATIVE_PREPS, PlaceMention, actor_countries, find_places, is_place_noun
from newsevents.ingest.clean import clean_document
from newsevents.ingest.dedup import DuplicateIndex
from newsevents.ingest.layout import CorpusLines
from newsevents.model import Article, Event, IngestError, RawDocument, Span as TextSpan
from newsevents.nlp.model import MAX_CHARS, load_nlp

BATCH_SIZE = 32
OFFICE_DISAGREEMENT_FACTOR = 0.4  # the people the text names held their titles at another time
_NESTED_CLAUSES = {"ccomp", "advcl", "relcl", "parataxis", "csubj"}


class Pipeline:
    """Runs every stage. Models and tables load once, on first use. `actor_layers` (layer files or stored
    layers, see actors/layers.py) go over our actor knowledge base, in order."""

    def __init__(self, actor_layers: tuple[LayerSource, ...] = ()) -> None:
        self.nlp = load_nlp()
        self.lexicon = load_lexicon()
        self.ontology = load_ontology()
        self.gazetteer = load_gazetteer()
        self.actor_layers = tuple(actor_layers)
        self.kb = load_kb(self.actor_layers)
        self.corpus_lines = CorpusLines()  # labels repeated across the pages this pipeline reads

    def extract_text(self, text: str, **meta) -> Article:
        raw = RawDocument(origin="<text>", content=text, kind=meta.pop("kind", "text"), **meta)
        (result,) = self.process([raw])
        if isinstance(result, IngestError):
            raise ValueError(result.reason)
        return result

    def process(
        self, items: Iterable[RawDocument | IngestError], duplicates: DuplicateIndex | None = None
    ) -> Iterator[Article | IngestError]:
        """Clean, parse and code a stream of raw documents, in input order; errors pass through in their place.

        `prepare` then `code`: English originals stream through one `nlp.pipe` (spaCy batches them);
        everything else (errors, other languages, copies that `duplicates` recognises) waits in a short
        queue so that output order is input order. The parallel engines (parallel.py, engines/) run the
        same two steps, `prepare` in the parent and `code` in their workers.
        """
        waiting: deque[Article | IngestError] = deque()

        def to_code() -> Iterator[Article]:
            for result, needs_coding in self.prepare(items, duplicates):
                waiting.append(result)
                if needs_coding:
                    yield result

        for article, result in self.code(to_code()):
            while waiting[0] is not article:
                yield waiting.popleft()  # errors and non-English articles that came before it
            waiting.popleft()
            yield result
        yield from waiting

    def prepare(
        self, items: Iterable[RawDocument | IngestError], duplicates: DuplicateIndex | None = None
    ) -> Iterator[tuple[Article | IngestError, bool]]:
        """Clean each document and look for the original it copies, in input order, with whether it still
        needs parsing and coding (an English original not stored yet). Order matters here: the first copy
        seen is the original, and cleaning learns the run's repeated page lines as it goes."""
        for item in items:
            result = item if isinstance(item, IngestError) else self._clean(item)
            if not isinstance(result, Article):
                yield result, False
                continue
            if duplicates is not None:
                result.duplicate_of = duplicates.original_of(result)
                if duplicates.already_stored(result.id):
                    yield result, False
                    continue
            yield result, result.language == "en" and result.duplicate_of is None

    def code(self, articles: Iterable[Article]) -> Iterator[tuple[Article, Article | IngestError]]:
        """Parse and code clean articles through one `nlp.pipe`, in order: each article with its coded
        self, or an error when coding it failed. Depends on nothing but the article itself."""
        pairs = ((article.text, article) for article in articles)
        for doc, article in self.nlp.pipe(pairs, as_tuples=True, batch_size=BATCH_SIZE):
            try:
                yield article, self.annotate(article, doc)
            except Exception as exc:  # a coder bug on one article must not lose the others
                yield article, IngestError(article.path or article.id, f"internal error while coding ({type(exc).__name__}: {exc})")

    def _clean(self, raw: RawDocument) -> Article | IngestError:
        try:
            result = clean_document(raw, self.corpus_lines)
        except Exception as exc:  # one bad page must not stop the run
            return IngestError(raw.origin, f"could not clean the text ({type(exc).__name__}: {exc})")
        if isinstance(result, IngestError):
            return result
        if not result.path and not raw.origin.startswith("<"):
            result.path = raw.origin
        if len(result.text) > MAX_CHARS:
            return IngestError(raw.origin, f"article text is {len(result.text):,} characters, over the {MAX_CHARS:,} limit")
        return result

    def annotate(self, article: Article, doc: Doc) -> Article:
        """Fill the article's actors, places and events from its parsed text (replacing any it had)."""
        published = date.fromisoformat(article.published) if article.published else None
        mentions = find_actors(doc, self.actor_layers)
        window = titled_window(article.text, mentions)
        if published and window and article.date_confidence and outside_window(published, window):
            article.date_confidence = round(article.date_confidence * OFFICE_DISAGREEMENT_FACTOR, 2)
        actors = [m.to_actor(published) for m in mentions]
        focus = actor_countries(mentions, actors)
        # names of organisations and people, and what "anti-" is against, are not where anything happens
        not_places = {i for m in mentions if m.entry and m.entry.kind in ("organization", "person") for i in range(m.tok_start, m.tok_end)}
        not_places |= {t.i for t in doc if after_anti(doc, t.i)}
        places = find_places(doc, self.gazetteer, focus, not_places)
        # a named entity the KB does not know and that is a place is not an actor
        place_chars = {i for p in places for i in range(p.start, p.end)}
        keep = [i for i, m in enumerate(mentions) if m.entry is not None or m.start not in place_chars]
        mentions = [mentions[i] for i in keep]
        article.actors = [actors[i] for i in keep]
        article.places = [p.place for p in places]
        index = MentionIndex(mentions, [place_actor for p in places if (place_actor := self._place_as_actor(p))])
        events = []
        for sent in doc.sents:
            candidates = code_sentence_events(sent, index, self.lexicon)
            if not candidates:
                continue
            dates = find_dates(sent.text, published)
            ents = list(sent.ents)
            events += [self._event(article, sent, cand, dates, ents, places, published) for cand in candidates]
        article.events = events
        return article

    def _place_as_actor(self, place: PlaceMention) -> ActorMention | None:
        """A place as its country, for event targets such as "struck an airport in Tripoli"."""
        entry = self.kb.country(place.place.country)
        if entry is None:
            return None
        return ActorMention(place.start, place.end, place.tok_start, place.tok_end, entry, "place", None, place.place.text)

    def _event(
        self, article: Article, sent: Span, cand: EventCandidate, dates: list[DateMention], ents: list[Span],
        places: list[PlaceMention], published: date | None,
    ) -> Event:
        clause = _clause_tokens(cand.clause, cand.trigger)
        mention = _event_date(sent, cand, dates, clause)
        if mention is not None and mention.value is not None:
            when, precision, date_text = mention.value, mention.precision, mention.text
            date_start, date_end = sent.start_char + mention.start, sent.start_char + mention.end
        else:
            when, precision, date_text = published, ("day" if published else None), None
            date_start = date_end = None
        code = self.ontology[cand.code]
        trigger_span = sent.doc[cand.trigger.i : cand.trigger_end]
        source = cand.source.to_actor(when) if cand.source else None
        target = cand.target.to_actor(when) if cand.target else None
        key = f"{article.id}:{trigger_span.start_char}:{cand.code}:{source and source.start}:{target and target.start}"
        return Event(
            id=hashlib.sha256(key.encode()).hexdigest()[:16],
            sentence=sent.text,
            sentence_start=sent.start_char,
            sentence_end=sent.end_char,
            trigger=TextSpan(trigger_span.text, trigger_span.start_char, trigger_span.end_char),
            source=source,
            target=target,
            cameo=code.code,
            cameo_root=code.root,
            cameo_name=code.name,
            goldstein=code.goldstein,
            quad_class=code.quad_class,
            plover=code.plover_type,
            modality=cand.modality,  # type: ignore[arg-type]
            attributed_to=cand.attributed_to.to_actor(when) if cand.attributed_to else None,
            date=when.isoformat() if when else None,
            date_precision=precision,  # type: ignore[arg-type]
            date_text=date_text,
            date_start=date_start,
            date_end=date_end,
            location=_event_place(cand, places, clause),
            quantities=find_quantities(ents, clause),
        )


def _clause_tokens(head: Token, trigger: Token) -> set[int]:
    """Token indices of the clause headed by `head`, without nested clauses that do not hold the trigger."""
    out: set[int] = set()
    stack = [head]
    while stack:
        tok = stack.pop()
        out.add(tok.i)
        for child in tok.children:
            if child.dep_ in _NESTED_CLAUSES and not (child.left_edge.i <= trigger.i <= child.right_edge.i):
                continue
            stack.append(child)
    return out


def _event_date(sent: Span, cand: EventCandidate, dates: list[DateMention], clause: set[int]) -> DateMention | None:
    """The date expression of the event's clause, else one attached to a clause that governs it."""
    if not dates:
        return None
    doc = sent.doc
    governors = {cand.clause.i, *(t.i for t in cand.clause.ancestors)}
    best, best_rank = None, 99
    for mention in dates:
        span = doc.char_span(sent.start_char + mention.start, sent.start_char + mention.end, alignment_mode="expand")
        if span is None:
            continue
        if any(t.i in clause for t in span):
            rank = 0
        else:
            rank = 1 if governing_verb(span.root).i in governors else 99
        if rank < best_rank:
            best, best_rank = mention, rank
    if best is None:
        return None
    best = with_tense(best, verb_tense(cand.clause))  # "will meet on Friday": the coming Friday
    value, precision = best.event_date()  # the event record knows day, month and year precision only
    return replace(best, value=value, precision=precision)


def _names_a_nationality(tok) -> bool:
    """"a US delegation", "Syrian troops": the place word says whose, not where (unlike "Aleppo airport")."""
    return tok.dep_ in ("compound", "amod", "nmod") and tok.head.pos_ == "NOUN" and not is_place_noun(tok.head)


def _event_place(cand: EventCandidate, places: list[PlaceMention], clause: set[int]):
    """Where the event happened: a place in a locative phrase of its clause, or its target phrase."""
    in_clause = [p for p in places if any(i in clause for i in range(p.tok_start, p.tok_end))]
    if not in_clause:
        return None
    doc = cand.trigger.doc
    target_tokens = {t.i for head in cand.target_tokens for t in head.subtree}
    for p in in_clause:
        if any(i in target_tokens for i in range(p.tok_start, p.tok_end)) and not _names_a_nationality(doc[p.tok_end - 1]):
            return p.place
    for p in in_clause:
        head = doc[p.tok_end - 1]
        while head.dep_ in ("compound", "amod", "appos", "conj", "pobj") and head.head.i != head.i:
            if head.dep_ == "pobj" and head.head.lower_ in LOCATIVE_PREPS:
                return p.place
            head = head.head
    return None
