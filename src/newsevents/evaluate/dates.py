"""Score date expressions against gold, TempEval-3 style.

Reads two formats, told apart by their keys. TIMEX3 gold (../shared/gold/dates/*.jsonl: "text", "dct",
"timexes" with offsets, type and value) is run through find_timexes with the record's dct as the reference
date; the document-creation-time timex (functionInDocument CREATION_TIME) is left out, and so is any
prediction overlapping it. MEANTIME annotated only the title, the dateline and the first five sentences of
each article, so predictions after those are not scored. The project's own gold (tests/data/gold/dates.jsonl: "text", "published",
"expected" with text, value and precision) is run through find_dates, as the pipeline does.

Per file and per TIMEX3 type: span precision, recall and F1, strict (same offsets) and relaxed (overlap);
value accuracy over the matched expressions; and value F1, where a prediction is correct when it overlaps a
gold expression and has exactly its value (P = correct / predicted, R = correct / gold). The headline row
covers the --types (DATE by default, the type the pipeline resolves); the per-type rows and ALL are always
reported. For the project's own gold a value is the date and its precision ("2015-12-26|day").
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from newsevents.evaluate.files import gold_jsonl_files
from newsevents.evaluate.spans import pair_spans

HELP = "score date expressions and their resolved values against TIMEX3 or newsevents date gold"
TYPES = ("DATE", "TIME", "DURATION", "SET")
_SENTENCE = re.compile(r"[.!?](?:\s|$)|\n")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--types", default="DATE", metavar="T[,T]",
        help="TIMEX3 types scored in the headline row: DATE, TIME, DURATION, SET or ALL (default: %(default)s)",
    )
    parser.add_argument("--show-errors", type=int, default=0, metavar="N", help="list up to N errors per file")


@dataclass(frozen=True)
class Item:
    """One expression, gold or predicted: its span, TIMEX3 type and value."""

    start: int
    end: int
    type: str
    value: str
    text: str
    alt: tuple[int, int] | None = None  # own gold only: the mention with its preposition also matches strictly

    def overlaps(self, other: Item) -> bool:
        return self.start < other.end and other.start < self.end

    def same_span(self, other: Item) -> bool:
        return (other.start, other.end) in ((self.start, self.end), self.alt)


@dataclass
class Doc:
    id: str
    text: str
    reference: date | None
    gold: list[Item]
    excluded: list[tuple[int, int]]  # spans whose predictions are not scored (the DCT timex)


# --- reading gold -------------------------------------------------------------------------------------------


def load_docs(path: Path, limit: int | None = None) -> tuple[str, list[Doc]]:
    """The records of a gold file as Docs, and the file's format: "timeml" or "newsevents"."""
    docs, fmt = [], ""
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            if limit is not None and len(docs) >= limit:
                break
            record = json.loads(line)
            if "timexes" in record:
                fmt = fmt or "timeml"
                docs.append(_timeml_doc(record))
            elif "expected" in record:
                fmt = fmt or "newsevents"
                docs.append(_own_doc(record))
            else:
                raise ValueError(f"{path}: a record with neither 'timexes' nor 'expected': {sorted(record)}")
    return fmt or "empty", docs


# MEANTIME's annotators covered the title, the dateline and five sentences (no gold timex lies beyond).
_MEANTIME_LINES = 7
_BOUNDARY = re.compile(r"\n|[.!?]['\"]?\s+(?=['\"(A-Z0-9])")
_ABBREVIATION = re.compile(
    r"(?:^|[\s(])(?:[A-Z]|(?:[A-Z]\.)+[A-Z]|Mr|Mrs|Ms|Dr|Gen|Sen|Rep|Gov|Lt|Col|Sgt|St|Jr|Sr|Inc|Corp|Co|Ltd|No"
    r"|Jan|Feb|Mar|Apr|Aug|Sept|Sep|Oct|Nov|Dec|Prof|Capt|Maj|Adm|Rev|vs)$"
)


def _annotated_end(record: dict) -> int:
    """Where the annotated part of a record ends: the whole text, except in MEANTIME."""
    text = record["text"]
    if not str(record.get("corpus", "")).upper().startswith("MEANTIME"):
        return len(text)
    ends = [m.end() for m in _BOUNDARY.finditer(text)
            if m.group(0) == "\n" or not _ABBREVIATION.search(text[max(0, m.start() - 12) : m.start()])]
    return ends[_MEANTIME_LINES - 1] if len(ends) >= _MEANTIME_LINES else len(text)


def _timeml_doc(record: dict) -> Doc:
    gold, excluded = [], []
    end = _annotated_end(record)
    if end < len(record["text"]):
        excluded.append((end, len(record["text"])))
    for t in record["timexes"]:
        if t.get("functionInDocument") == "CREATION_TIME":
            excluded.append((t["start"], t["end"]))
        else:
            gold.append(Item(t["start"], t["end"], t["type"], t["value"], t["text"]))
    ref = date.fromisoformat(record["dct"]) if record.get("dct") else None
    return Doc(str(record.get("id")), record["text"], ref, gold, excluded)


def _own_doc(record: dict) -> Doc:
    text, gold, pos = record["text"], [], 0
    for e in record["expected"]:
        start = text.find(e["text"], pos)
        if start < 0:
            raise ValueError(f"record {record.get('id')}: expected text {e['text']!r} is not in the text (after offset {pos})")
        pos = start + len(e["text"])
        gold.append(Item(start, pos, "DATE", _own_value(e.get("value"), e.get("precision")), e["text"]))
    ref = date.fromisoformat(record["published"]) if record.get("published") else None
    return Doc(str(record.get("id")), text, ref, gold, [])


def _own_value(value: str | None, precision: str | None) -> str:
    return f"{value}|{precision}"


# --- predicting ---------------------------------------------------------------------------------------------


def predict(doc: Doc, fmt: str) -> list[Item]:
    from newsevents.dates import find_dates, find_timexes, to_timex_value

    items = []
    if fmt == "timeml":
        # chains with nothing before them start from the creation time, as TimeML annotators read them
        for m in find_timexes(doc.text, doc.reference, anchor=doc.reference):
            s, e = m.extent
            items.append(Item(s, e, m.timex_type, to_timex_value(m), doc.text[s:e]))
    else:
        for m in find_dates(doc.text, doc.reference):
            s, e = m.extent
            value = _own_value(m.value.isoformat() if m.value else None, m.precision)
            items.append(Item(s, e, "DATE", value, doc.text[s:e], (m.start, m.end)))
    return [p for p in items if not any(p.start < e and s < p.end for s, e in doc.excluded)]


# --- scoring ------------------------------------------------------------------------------------------------


def match(gold: list[Item], pred: list[Item]) -> list[tuple[Item, Item]]:
    """One-to-one pairs of overlapping gold and predicted items; exact spans are paired first."""
    pairs = pair_spans(gold, pred, same=lambda g, p: p.same_span(g))  # a prediction may carry a second span
    return [(gold[g], pred[p]) for g, p, _ in pairs]


def count(gold: list[Item], pred: list[Item]) -> Counter:
    pairs = match(gold, pred)
    return Counter(
        gold=len(gold), pred=len(pred), relaxed=len(pairs),
        strict=sum(p.same_span(g) for g, p in pairs),
        value=sum(g.value == p.value for g, p in pairs),
        type=sum(g.type == p.type for g, p in pairs),
    )


def _prf(hit: int, pred: int, gold: int) -> dict[str, float]:
    p = hit / pred if pred else 0.0
    r = hit / gold if gold else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0}


def metrics(c: Counter) -> dict:
    return {
        "gold": c["gold"], "predicted": c["pred"],
        "strict": _prf(c["strict"], c["pred"], c["gold"]),
        "relaxed": _prf(c["relaxed"], c["pred"], c["gold"]),
        "value_accuracy": round(c["value"] / c["relaxed"], 4) if c["relaxed"] else 0.0,
        "type_accuracy": round(c["type"] / c["relaxed"], 4) if c["relaxed"] else 0.0,
        "value": _prf(c["value"], c["pred"], c["gold"]),
    }


def _select(items: list[Item], types: set[str] | None) -> list[Item]:
    return items if types is None else [i for i in items if i.type in types]


def _errors(doc: Doc, gold: list[Item], pred: list[Item]) -> list[dict]:
    pairs = match(gold, pred)
    matched_g = {id(g) for g, _ in pairs}
    matched_p = {id(p) for _, p in pairs}
    out = [{"doc": doc.id, "kind": "value", "gold": f"{g.text!r} {g.value}", "predicted": f"{p.text!r} {p.value}"}
           for g, p in pairs if g.value != p.value]
    out += [{"doc": doc.id, "kind": "missed", "gold": f"{g.text!r} {g.value} ({g.type})", "predicted": ""}
            for g in gold if id(g) not in matched_g]
    out += [{"doc": doc.id, "kind": "spurious", "gold": "", "predicted": f"{p.text!r} {p.value} ({p.type})"}
            for p in pred if id(p) not in matched_p]
    return out


def score_file(path: Path, headline: set[str] | None, limit: int | None = None, show_errors: int = 0) -> dict:
    fmt, docs = load_docs(path, limit)
    scopes: dict[str, Counter] = {"headline": Counter(), "ALL": Counter(), **{t: Counter() for t in TYPES}}
    errors: list[dict] = []
    started = time.perf_counter()
    predictions = [predict(doc, fmt) for doc in docs]
    seconds = time.perf_counter() - started
    for doc, pred in zip(docs, predictions):
        scopes["headline"] += count(_select(doc.gold, headline), _select(pred, headline))
        scopes["ALL"] += count(doc.gold, pred)
        for t in TYPES:
            scopes[t] += count(_select(doc.gold, {t}), _select(pred, {t}))
        if show_errors and len(errors) < show_errors:
            errors += _errors(doc, _select(doc.gold, headline), _select(pred, headline))
    sentences = sum(len(_SENTENCE.findall(d.text)) or 1 for d in docs)
    return {
        "file": str(path), "format": fmt, "documents": len(docs), "sentences": sentences,
        "seconds": round(seconds, 4),
        "ms_per_1000_sentences": round(1000 * seconds / sentences * 1000, 1) if sentences else 0.0,
        "headline": metrics(scopes["headline"]),
        "by_type": {k: metrics(v) for k, v in scopes.items() if k != "headline" and (v["gold"] or v["pred"])},
        "errors": errors[:show_errors],
    }


def _headline_types(spec: str) -> set[str] | None:
    types = {t.strip().upper() for t in spec.split(",") if t.strip()}
    if "ALL" in types:
        return None
    unknown = types - set(TYPES)
    if unknown:
        raise ValueError(f"unknown TIMEX3 type(s): {', '.join(sorted(unknown))}; choose from {', '.join(TYPES)} or ALL")
    return types


def run(args: argparse.Namespace) -> dict:
    from newsevents.cli import UsageError

    try:
        headline = _headline_types(getattr(args, "types", "DATE"))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    files = []
    for path in gold_jsonl_files(args.gold):
        try:
            files.append(score_file(path, headline, args.limit, getattr(args, "show_errors", 0) or 0))
        except (ValueError, KeyError, json.JSONDecodeError) as exc:
            raise UsageError(f"{path}: not a dates gold file ({type(exc).__name__}: {exc})") from None
    return {"headline_types": sorted(headline) if headline else ["ALL"], "files": files}


# --- the table ----------------------------------------------------------------------------------------------


def _row(name: str, m: dict) -> str:
    pct = lambda x: f"{100 * x:5.1f}"  # noqa: E731
    s, r, v = m["strict"], m["relaxed"], m["value"]
    return (
        f"{name:<10}{m['gold']:>6}{m['predicted']:>6}  {pct(s['p'])} {pct(s['r'])} {pct(s['f1'])}  "
        f"{pct(r['p'])} {pct(r['r'])} {pct(r['f1'])}  {pct(m['value_accuracy'])}  {pct(v['p'])} {pct(v['r'])} {pct(v['f1'])}"
    )


def format_report(report: dict) -> str:
    head = (
        f"{'type':<10}{'gold':>6}{'pred':>6}  {'strict P    R    F1':<17}  {'relaxed P   R    F1':<17}  "
        f"{'val.acc':>5}  {'value P     R    F1'}"
    )
    out = []
    label = "+".join(report["headline_types"])
    for f in report["files"]:
        out.append(f"{f['file']}  ({f['format']}, {f['documents']} documents, {f['sentences']} sentences, "
                   f"{f['ms_per_1000_sentences']:.0f} ms per 1,000 sentences)")
        out.append(head)
        out.append(_row(f"*{label}", f["headline"]))
        out += [_row(name, m) for name, m in f["by_type"].items()]
        for e in f["errors"]:
            out.append(f"  {e['kind']:<8} {e['doc']}: gold {e['gold'] or '-'}  predicted {e['predicted'] or '-'}")
        out.append("")
    out.append(f"* headline row: {label} expressions only; value = exact TIMEX3 value on an overlapping span.")
    return "\n".join(out)
