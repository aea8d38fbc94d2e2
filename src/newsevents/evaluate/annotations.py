"""Score extracted articles against a hand annotation in the format of tests/data/sample_expectations.yaml.

Expected events are "the clear ones", not every event, so recall is the headline number; precision is
measured only inside sentences that carry an annotation, where every clear event was annotated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from newsevents.model import Actor, Article, Event


@dataclass
class Score:
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    def ratio(self, num: str, den: str) -> float:
        return self.counts.get(num, 0) / self.counts[den] if self.counts.get(den) else 0.0

    def summary(self) -> dict[str, float]:
        return {
            "title_accuracy": self.ratio("title_ok", "articles"),
            "published_accuracy": self.ratio("published_ok", "articles"),
            "junk_removed": self.ratio("junk_ok", "junk"),
            "body_kept": self.ratio("body_ok", "body"),
            "event_recall": self.ratio("matched", "expected"),
            "event_recall_root_only": self.ratio("root_matched", "expected"),
            "precision_in_annotated_sentences": self.ratio("system_matched", "system_in_annotated"),
            "modality_accuracy": self.ratio("modality_ok", "matched"),
            "date_accuracy": self.ratio("date_ok", "date_expected"),
            "place_accuracy": self.ratio("place_ok", "place_expected"),
            "toponym_recall": self.ratio("toponym_ok", "toponyms"),
        }


def actor_matches(actor: Actor | None, expected: str | None) -> bool:
    """An ISO3 code matches any actor of that country; a lower-case id matches that organisation."""
    if expected is None:
        return True
    if actor is None:
        return False
    if expected.isupper() and len(expected) == 3:
        return actor.country == expected
    return actor.actor_id == expected


def _event_matches(e: Event, exp: dict[str, Any]) -> bool:
    """Same CAMEO root, and source and target at the level the annotation names (country or group)."""
    return e.cameo_root == exp["cameo_root"] and actor_matches(e.source, exp.get("source")) and actor_matches(e.target, exp.get("target"))


def score_articles(articles: dict[str, Article], annotations: list[dict[str, Any]]) -> Score:
    """`articles` maps an annotation's `file` key to the extracted article."""
    score = Score()
    for ann in annotations:
        article = articles.get(ann["file"])
        score.add("articles")
        if article is None:
            score.add("missing_articles")
            continue
        score.add("title_ok", int((article.title or "").strip() == (ann.get("title") or "").strip()))
        score.add("published_ok", int(article.published == ann.get("published")))
        lines = set(article.text.split("\n"))
        for junk in ann.get("junk_lines") or []:
            score.add("junk")
            score.add("junk_ok", int(junk.strip() not in lines and junk.strip() not in article.text))
        for body in ann.get("body_lines_start") or []:
            score.add("body")
            score.add("body_ok", int(body in article.text))
        annotated_sentences: set[int] = set()
        for exp in ann.get("events") or []:
            score.add("expected")
            candidates = [e for e in article.events if exp["sentence_contains"] in e.sentence]
            annotated_sentences.update(e.sentence_start for e in candidates)
            if any(e.cameo_root == exp["cameo_root"] for e in candidates):
                score.add("root_matched")
            matched = [e for e in candidates if _event_matches(e, exp)]
            if not matched:
                continue
            best = matched[0]
            score.add("matched")
            score.add("modality_ok", int(best.modality == exp["modality"]))
            if exp.get("date"):
                score.add("date_expected")
                score.add("date_ok", int(best.date == exp["date"]))
            if exp.get("place_country"):
                score.add("place_expected")
                score.add("place_ok", int(best.location is not None and best.location.country == exp["place_country"]))
        expected_by_sentence = [(exp, [e for e in article.events if exp["sentence_contains"] in e.sentence]) for exp in ann.get("events") or []]
        for e in article.events:
            if e.sentence_start not in annotated_sentences:
                continue
            score.add("system_in_annotated")
            if any(e in cands and _event_matches(e, exp) for exp, cands in expected_by_sentence):
                score.add("system_matched")
        found = {(p.text, p.country) for p in article.places}
        for place in ann.get("places") or []:
            score.add("toponyms")
            score.add("toponym_ok", int((place["text"], place["country"]) in found))
    return score
