"""Score main-text and metadata extraction from HTML pages, ours side by side with bare trafilatura and htmldate.

Gold files are JSON Lines of pages: {"id", "html", "url"?, "body"?, "title"?, "authors"?, "published"?,
"must_include"?, "must_exclude"?, "no_article"?}; or a folder of scraped plain-text pages, each NAME.txt
beside a NAME.gold.json {"body", "title", "authors", "outlet", "published", "removed_must_include"} (only
our cleaner is scored there: the baselines read HTML). What a file can be scored on follows from its fields:
- body: 4-token shingle precision/recall per page, averaged over pages, F1 of the two averages, and the share
  of pages extracted token for token (the Zyte article-extraction benchmark's measure);
- must_include / must_exclude segments: precision, recall and F1 as trafilatura's evaluation counts them;
- published: share of pages whose date is right (no date where the gold has none counts as right);
- title and authors: exact match after normalising whitespace and case.
"""

from __future__ import annotations

import html as html_lib
import json
import logging
import random
import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from newsevents.evaluate.files import gold_jsonl_files

HELP = "score HTML main-text, boilerplate and publication-date extraction against gold pages"

_TOKEN = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")
BOOTSTRAP_SAMPLES = 1000


def add_arguments(parser) -> None:
    parser.add_argument("--no-baseline", action="store_true", help="skip bare trafilatura/htmldate (faster)")
    parser.add_argument("--show-worst", type=int, default=0, metavar="N", help="list the N pages with the lowest body F1")


# --- metrics -------------------------------------------------------------------------------------------


def shingles(text: str, n: int = 4) -> Counter[str]:
    tokens = _TOKEN.findall(text or "")
    return Counter(" ".join(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n])


def shingle_match(gold: str, predicted: str) -> tuple[float, float, float]:
    """(TP, FP, FN) of 4-token shingle multisets, normalised to sum to 1 so every page weighs the same."""
    g, p = shingles(gold), shingles(predicted)
    tp, fp, fn = sum((g & p).values()), sum((p - g).values()), sum((g - p).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def body_scores(matches: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    """Precision and recall averaged over pages; F1 is their harmonic mean. An empty extraction has precision 0."""
    if not matches:
        return 0.0, 0.0, 0.0
    precision = sum(tp / (tp + fp) if tp + fp else 0.0 for tp, fp, _ in matches) / len(matches)
    recall = sum(tp / (tp + fn) if tp + fn else 0.0 for tp, _, fn in matches) / len(matches)
    return precision, recall, _f1(precision, recall)


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def bootstrap_f1_std(matches: list[tuple[float, float, float]], seed: int = 0) -> float:
    if len(matches) < 2:
        return 0.0
    rng = random.Random(seed)
    values = [body_scores([rng.choice(matches) for _ in matches])[2] for _ in range(BOOTSTRAP_SAMPLES)]
    mean = sum(values) / len(values)
    return (sum((v - mean) ** 2 for v in values) / (len(values) - 1)) ** 0.5


def _normalise(text: str) -> str:
    return _SPACE.sub(" ", html_lib.unescape(text or "")).strip().lower()


@dataclass
class Segments:
    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0

    def add(self, text: str, include: list[str], exclude: list[str]) -> None:
        found = _normalise(text)
        for segment in include:
            if _normalise(segment) in found:
                self.tp += 1
            else:
                self.fn += 1
        for segment in exclude:
            if _normalise(segment) in found:
                self.fp += 1
            else:
                self.tn += 1

    def scores(self) -> dict[str, float]:
        """P/R/F1 need must-include segments; with only must-exclude ones, the share kept out is reported."""
        out: dict[str, float] = {"tp": self.tp, "fn": self.fn, "fp": self.fp, "tn": self.tn}
        if self.tp + self.fn:
            p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
            r = self.tp / (self.tp + self.fn)
            out.update(precision=p, recall=r, f1=_f1(p, r), accuracy=(self.tp + self.tn) / (self.tp + self.fn + self.fp + self.tn))
        if self.fp + self.tn:
            out["junk_excluded"] = self.tn / (self.fp + self.tn)
        return out


# --- systems -------------------------------------------------------------------------------------------


@dataclass
class Extraction:
    body: str = ""
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    seconds: float = 0.0


def ours(page: dict) -> Extraction:
    from newsevents.ingest.clean import clean_document
    from newsevents.model import Article, RawDocument

    start = time.perf_counter()
    if "html" in page:
        raw = RawDocument(origin=str(page.get("id")), content=page["html"], kind="html", url=page.get("url"))
    else:
        raw = RawDocument(origin=str(page.get("id")), content=page["text"], kind="text")
    article = clean_document(raw)
    seconds = time.perf_counter() - start
    if not isinstance(article, Article):
        return Extraction(seconds=seconds)
    # Our text separates paragraphs by blank lines; the shingle metric ignores layout anyway.
    return Extraction(article.text, article.title, list(article.authors), article.published, seconds)


def bare_trafilatura(page: dict) -> Extraction:
    import trafilatura

    start = time.perf_counter()
    try:
        doc = trafilatura.bare_extraction(page["html"], url=page.get("url"), with_metadata=True)
    except Exception:  # a baseline failing on a page scores as an empty extraction
        doc = None
    seconds = time.perf_counter() - start
    if doc is None:
        return Extraction(seconds=seconds)
    authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
    return Extraction(doc.text or "", doc.title, authors, doc.date, seconds)


def bare_htmldate(page: dict, original: bool) -> str | None:
    from htmldate import find_date

    try:
        return find_date(page["html"], url=page.get("url"), original_date=original)
    except Exception:
        return None


# --- running -------------------------------------------------------------------------------------------


def _pages(path: Path, limit: int | None) -> Iterator[dict]:
    if path.is_dir():
        yield from _text_pages(path, limit)
        return
    with path.open(encoding="utf-8") as fh:
        count = 0
        for line in fh:
            if not line.strip():
                continue
            page = json.loads(line)
            if not isinstance(page.get("html"), str):
                continue
            yield page
            count += 1
            if limit and count >= limit:
                return


def _text_pages(folder: Path, limit: int | None) -> Iterator[dict]:
    for i, gold_path in enumerate(sorted(folder.glob("*.gold.json"))):
        if limit and i >= limit:
            return
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        text_path = gold_path.with_name(gold_path.name[: -len(".gold.json")] + ".txt")
        yield {"id": text_path.name, "text": text_path.read_text(encoding="utf-8"), "body": gold.get("body"),
               "title": gold.get("title"), "authors": gold.get("authors"), "published": gold.get("published"),
               "must_exclude": gold.get("removed_must_include") or []}


def _gold_files(paths: list[str]) -> list[Path]:
    """JSONL files, and folders of scraped text pages; a folder of JSONL files is searched for both."""
    files = gold_jsonl_files(paths, recursive=False)
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(sorted(p for p in [path, *path.iterdir()] if p.is_dir() and any(p.glob("*.gold.json"))))
    return files


class _SystemScores:
    """Everything measured for one system on one file."""

    def __init__(self) -> None:
        self.body: list[tuple[float, float, float]] = []
        self.exact = 0
        self.segments = Segments()
        self.dates = [0, 0]  # right, scored
        self.titles = [0, 0]
        self.authors = [0, 0]
        self.no_article = [0, 0]  # rejected, pages without an article
        self.seconds = 0.0
        self.pages = 0

    def add(self, page: dict, got: Extraction, null_dates_are_gold: bool) -> float | None:
        self.pages += 1
        self.seconds += got.seconds
        f1 = None
        if page.get("no_article"):
            self.no_article[1] += 1
            self.no_article[0] += not got.body.strip()
        elif isinstance(page.get("body"), str):
            match = shingle_match(page["body"], got.body)
            self.body.append(match)
            self.exact += _TOKEN.findall(page["body"]) == _TOKEN.findall(got.body)
            f1 = body_scores([match])[2]
        if page.get("must_include") or page.get("must_exclude"):
            self.segments.add(got.body, page.get("must_include") or [], page.get("must_exclude") or [])
        if page.get("published") or (null_dates_are_gold and "published" in page):
            self.dates[1] += 1
            self.dates[0] += (got.published or None) == (page.get("published") or None)
        if page.get("title"):
            self.titles[1] += 1
            self.titles[0] += _normalise(got.title or "") == _normalise(page["title"])
        gold_authors = page.get("authors")
        if isinstance(gold_authors, str):
            gold_authors = [a for a in re.split(r"\s*;\s*", gold_authors) if a]
        if gold_authors:
            self.authors[1] += 1
            self.authors[0] += {_normalise(a) for a in got.authors} == {_normalise(a) for a in gold_authors}
        return f1

    def report(self) -> dict:
        out: dict[str, object] = {"pages": self.pages, "ms_per_page": 1000 * self.seconds / max(self.pages, 1)}
        if self.body:
            p, r, f1 = body_scores(self.body)
            out["body"] = {"precision": p, "recall": r, "f1": f1, "f1_std": bootstrap_f1_std(self.body),
                           "exact": self.exact / len(self.body), "pages": len(self.body)}
        if self.segments.tp + self.segments.fn + self.segments.fp + self.segments.tn:
            out["segments"] = self.segments.scores()
        for name, (right, total) in (("published", self.dates), ("title", self.titles), ("authors", self.authors),
                                     ("no_article_rejected", self.no_article)):
            if total:
                out[name] = {"accuracy": right / total, "right": right, "pages": total}
        return out


def _date_gold_file(path: Path, limit: int | None) -> bool:
    """A file whose only gold is the date (no body, no segments). There a null date means "the page has
    none"; elsewhere it may only mean "not annotated" (the Zyte set), so only given dates are scored."""
    for page in _pages(path, 20 if limit is None else min(limit, 20)):
        if page.get("body") or page.get("must_include") or page.get("must_exclude"):
            return False
    return True


def run(args) -> dict:
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    logging.getLogger("htmldate").setLevel(logging.CRITICAL)
    baseline = not getattr(args, "no_baseline", False)
    report: dict[str, object] = {"files": []}
    for path in _gold_files(args.gold):
        systems = {"newsevents": _SystemScores()}
        if baseline and not path.is_dir():
            systems["trafilatura"] = _SystemScores()
        htmldate_scores = {"htmldate": [0, 0], "htmldate_original": [0, 0]}
        date_only = _date_gold_file(path, args.limit)
        worst: list[tuple[float, str]] = []
        for page in _pages(path, args.limit):
            for name, system in systems.items():
                got = ours(page) if name == "newsevents" else bare_trafilatura(page)
                f1 = system.add(page, got, null_dates_are_gold=date_only)
                if name == "newsevents" and f1 is not None:
                    worst.append((f1, str(page.get("id"))))
            if baseline and date_only and not path.is_dir():
                gold = page.get("published") or None
                for name, original in (("htmldate", False), ("htmldate_original", True)):
                    htmldate_scores[name][1] += 1
                    htmldate_scores[name][0] += bare_htmldate(page, original) == gold
        if not systems["newsevents"].pages:
            continue  # a gold file of another kind (events, dates) in a folder given whole
        entry: dict[str, object] = {"file": str(path), "systems": {n: s.report() for n, s in systems.items()}}
        if date_only and baseline:
            entry["systems"].update(  # type: ignore[union-attr]
                {n: {"pages": t, "published": {"accuracy": r / t if t else 0.0, "right": r, "pages": t}}
                 for n, (r, t) in htmldate_scores.items()}
            )
        if getattr(args, "show_worst", 0):
            entry["worst"] = [{"id": i, "f1": f} for f, i in sorted(worst)[: args.show_worst]]
        report["files"].append(entry)  # type: ignore[union-attr]
    return report


def format_report(report: dict) -> str:
    lines: list[str] = ["(body: 4-token shingles averaged over pages; seg: must-include/exclude segments; "
                        "junk: share of must-exclude segments kept out; date/title/author: accuracy)"]
    for entry in report["files"]:
        lines.append(f"== {entry['file']}")
        lines.append(f"{'system':<20}{'pages':>6}{'body P':>8}{'body R':>8}{'body F1':>9}{'±':>6}{'exact':>7}"
                     f"{'seg P':>7}{'seg R':>7}{'seg F1':>7}{'junk':>6}{'date':>7}{'title':>7}{'author':>7}{'ms/pg':>7}")
        for name, s in entry["systems"].items():
            body, seg = s.get("body", {}), s.get("segments", {})

            def cell(d: dict, key: str, width: int = 7) -> str:
                return f"{d[key]:>{width}.3f}" if key in d else f"{'-':>{width}}"

            lines.append(
                f"{name:<20}{s['pages']:>6}{cell(body, 'precision', 8)}{cell(body, 'recall', 8)}{cell(body, 'f1', 9)}"
                f"{cell(body, 'f1_std', 6)}{cell(body, 'exact')}{cell(seg, 'precision')}{cell(seg, 'recall')}{cell(seg, 'f1')}"
                f"{cell(seg, 'junk_excluded', 6)}"
                f"{cell(s.get('published', {}), 'accuracy')}{cell(s.get('title', {}), 'accuracy')}"
                f"{cell(s.get('authors', {}), 'accuracy')}{s.get('ms_per_page', 0):>7.1f}"
            )
            if "no_article_rejected" in s:
                r = s["no_article_rejected"]
                lines.append(f"{'':<20}pages without an article rejected: {r['right']}/{r['pages']}")
        for w in entry.get("worst", []):
            lines.append(f"  worst: {w['id']}  body F1 {w['f1']:.3f}")
    return "\n".join(lines)
