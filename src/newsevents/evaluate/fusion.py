"""Score cross-article event fusion (one fused event per real-world happening) with B-cubed precision and
recall, against a corpus whose happenings are each told by several outlets.

GOLD is a folder holding gold.jsonl and articles.jsonl (tests/data/gold/fusion/), or a gold file with its
articles.jsonl beside it (or named by --articles). articles.jsonl: one article per line, {"url", "outlet",
"published", "title", "text"}, read as any JSON Lines input is. gold.jsonl: one happening per line,
{"id", "kind": "happening" | "distractor", "mentions": [{"article": URL, "sentence": exact sentence text,
"trigger": word or null}]} (other keys describe the happening and are ignored here).

The articles go through the whole pipeline (cleaning, parsing, coding), then newsevents.fusion.fuse.
A predicted event mention is aligned to the gold mention of its article whose sentence holds the event's
trigger; when the gold mention names a trigger (a sentence that tells two happenings), the event's trigger
must cover that word. Events aligned to nothing (context sentences, background) are left out of the
scores; gold mentions with no aligned event are coder misses, counted apart: fusion is scored only on the
mentions the coder extracted. An event must also be of the CAMEO family of the happening's root
(gold "cameo_root"; families as in FusionConfig): another act read in the same sentence ("..., accusing
them of smuggling") is not a mention of the happening, and a mention coded only as another kind of act
counts as a miss. The score with every event of a gold sentence aligned is reported beside it.

B-cubed, over the aligned events (Bagga and Baldwin 1998): for each event e, with C(e) the aligned events
of its fused event and G(e) those of its gold happening, precision(e) = |C(e) & G(e)| / |C(e)| and
recall(e) = |C(e) & G(e)| / |G(e)|; P and R are the means over events, F1 their harmonic mean. Baselines
on the same events: every mention its own event (singletons), and every mention with the same source
code, target code and CAMEO root in one event (dyad-root, whatever the date and place). Diagnostics: why
pairs of mentions of one happening were left apart (the first fusion criterion they fail), which
happenings were merged, and whether adding the articles one at a time gives the batch clusters.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from pathlib import Path

HELP = "score cross-article event fusion (B-cubed P/R) against happenings told by several outlets"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--articles", metavar="FILE", help="the articles (default: articles.jsonl beside the gold file)")
    parser.add_argument("--window", type=int, metavar="DAYS", help="fusion date window in days (default: FusionConfig's)")
    parser.add_argument("--distance", type=float, metavar="KM", help="fusion distance for towns in km (default: FusionConfig's)")
    parser.add_argument("--show-errors", type=int, default=0, metavar="N", help="list up to N coder misses, splits and merges")


# --- B-cubed -----------------------------------------------------------------------------------------------


def bcubed(predicted: Mapping[Hashable, Hashable], gold: Mapping[Hashable, Hashable]) -> dict[str, float]:
    """B-cubed precision, recall and F1 of a clustering (item -> cluster) against gold (item -> class),
    over the items both map."""
    items = [i for i in predicted if i in gold]
    if not items:
        return {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    by_cluster: dict[Hashable, Counter] = defaultdict(Counter)
    gold_sizes: Counter = Counter()
    for i in items:
        by_cluster[predicted[i]][gold[i]] += 1
        gold_sizes[gold[i]] += 1
    p = r = 0.0
    for i in items:
        cluster = by_cluster[predicted[i]]
        shared = cluster[gold[i]]
        p += shared / sum(cluster.values())
        r += shared / gold_sizes[gold[i]]
    p, r = p / len(items), r / len(items)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4)}


# --- gold --------------------------------------------------------------------------------------------------


@dataclass
class GoldMention:
    happening: str
    article: str  # URL
    sentence: str
    trigger: str | None
    root: str | None  # the happening's CAMEO root


def _files(path: Path, articles: str | None) -> tuple[Path, Path]:
    if path.is_dir():
        return path / "gold.jsonl", Path(articles) if articles else path / "articles.jsonl"
    return path, Path(articles) if articles else path.parent / "articles.jsonl"


def load_gold(path: Path) -> tuple[list[GoldMention], dict[str, str]]:
    """The gold mentions, and each happening's kind."""
    mentions: list[GoldMention] = []
    kinds: dict[str, str] = {}
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            record = json.loads(line)
            kinds[record["id"]] = record.get("kind", "happening")
            for m in record["mentions"]:
                mentions.append(GoldMention(record["id"], m["article"], m["sentence"], m.get("trigger"), record.get("cameo_root")))
    return mentions, kinds


def _span(text: str, sentence: str) -> tuple[int, int] | None:
    """Where the gold sentence is in the clean article text (whitespace may differ)."""
    start = text.find(sentence)
    if start >= 0:
        return start, start + len(sentence)
    pattern = r"\s+".join(re.escape(w) for w in sentence.split())
    found = re.search(pattern, text)
    return (found.start(), found.end()) if found else None


def align(articles: list, gold: list[GoldMention], config=None) -> tuple[dict[str, int], list[int]]:
    """Predicted event id -> index of its gold mention; and the indices of gold mentions whose article or
    sentence could not be found. With a fusion config, an event must also be of the CAMEO family of the
    gold happening's root: another act the coder read in the same sentence ("..., accusing them of
    smuggling") is not a mention of the happening."""
    by_url = {a.url: a for a in articles if getattr(a, "url", None)}
    spans: dict[str, list[tuple[int, int, int | None, int | None, int]]] = defaultdict(list)
    lost = []
    for i, g in enumerate(gold):
        article = by_url.get(g.article)
        span = _span(article.text, g.sentence) if article is not None else None
        if span is None:
            lost.append(i)
            continue
        t_start = t_end = None
        if g.trigger:
            offset = article.text.find(g.trigger, span[0], span[1])
            t_start, t_end = (offset, offset + len(g.trigger)) if offset >= 0 else (None, None)
        spans[g.article].append((span[0], span[1], t_start, t_end, i))
    aligned: dict[str, int] = {}
    for url, sentences in spans.items():
        for e in by_url[url].events:
            for start, end, t_start, t_end, i in sentences:
                if not start <= e.trigger.start < end:
                    continue
                if t_start is not None and not (e.trigger.start < t_end and t_start < e.trigger.end):
                    continue
                root = gold[i].root
                if config is not None and root and config.family(e.cameo_root) != config.family(root):
                    continue
                aligned[e.id] = i
                break
    return aligned, lost


# --- predicting --------------------------------------------------------------------------------------------

_PIPELINE = None


def _pipeline():
    global _PIPELINE
    if _PIPELINE is None:
        from newsevents.pipeline import Pipeline

        _PIPELINE = Pipeline()
    return _PIPELINE


def read_articles(path: Path, limit: int | None = None, pipeline=None) -> list:
    """The articles of a JSON Lines file, through the whole pipeline (no duplicate detection: every
    article is coded)."""
    from newsevents.ingest.readers import iter_documents
    from newsevents.model import Article

    raws = []
    for item in iter_documents([str(path)]):
        raws.append(item)
        if limit is not None and len(raws) >= limit:
            break
    return [a for a in (pipeline or _pipeline()).process(raws) if isinstance(a, Article)]


# --- diagnostics -------------------------------------------------------------------------------------------


def split_reason(x, y, config) -> str:
    """The first fusion criterion two mentions fail (or "complete link" when they pass them all and were
    still kept apart by another member of a cluster)."""
    from newsevents.fusion import compat

    if config.modality_class(x.modality) != config.modality_class(y.modality):
        return "modality"
    if not compat.roots_agree(x, y, config):
        return f"CAMEO family ({x.cameo_root} vs {y.cameo_root})"
    if not compat.dates_agree(x, y, config):
        return "date"
    if not compat.places_agree(x.location, y.location, config):
        return "place"
    agree, concrete = compat.dyad_relation(x, y, config)
    if not agree:
        return "dyad"
    if not concrete and x.article_id != y.article_id:
        return "no concrete actor match"
    return "complete link"


def _dyad_root(m) -> tuple:
    return (m.source, m.target, m.cameo_root)


# --- scoring -----------------------------------------------------------------------------------------------


def score(gold_path: Path, articles_path: Path, config, limit: int | None = None, show: int = 0, pipeline=None) -> dict:
    from newsevents.fusion import Fuser, fuse, mentions_of

    gold, kinds = load_gold(gold_path)
    started = time.perf_counter()
    articles = read_articles(articles_path, limit, pipeline)
    coding_seconds = time.perf_counter() - started
    if limit is not None:
        urls = {a.url for a in articles}
        gold = [g for g in gold if g.article in urls]
    aligned, lost = align(articles, gold, config)
    by_sentence, _ = align(articles, gold)
    started = time.perf_counter()
    fused = fuse(articles, config)
    fusion_seconds = time.perf_counter() - started
    cluster_of = {mid: e.id for e in fused for mid in e.mention_ids}
    mentions = {m.id: m for a in articles for m in mentions_of(a)}
    happening = {eid: gold[i].happening for eid, i in aligned.items()}

    incremental = Fuser(config)
    for a in articles:
        incremental.add(a)
    same = sorted(sorted(e.mention_ids) for e in incremental.events()) == sorted(sorted(e.mention_ids) for e in fused)

    found = set(aligned.values())
    misses = [i for i in range(len(gold)) if i not in found and i not in lost]
    other_act = set(by_sentence.values()) - found  # the sentence yields events, none of the happening's kind
    report: dict = {
        "gold": str(gold_path), "articles_file": str(articles_path),
        "articles": len(articles), "happenings": sum(k == "happening" for k in kinds.values()),
        "distractors": sum(k == "distractor" for k in kinds.values()),
        "gold_mentions": len(gold), "gold_mentions_extracted": len(found), "coder_misses": len(misses),
        "coder_misses_other_act": len(other_act),
        "gold_mentions_not_found_in_text": len(lost),
        "predicted_mentions": len(mentions), "aligned_mentions": len(aligned),
        "unaligned_mentions": len(mentions) - len(aligned),
        "fused_events": len(fused), "fused_events_with_gold": len({cluster_of[e] for e in aligned}),
        "fusion": bcubed(cluster_of, happening),
        "fusion_sentence_alignment": bcubed(cluster_of, {eid: gold[i].happening for eid, i in by_sentence.items()}),
        "sentence_aligned_mentions": len(by_sentence),
        "baselines": {
            "singletons": bcubed({e: e for e in aligned}, happening),
            "dyad_root": bcubed({e: _dyad_root(mentions[e]) for e in aligned}, happening),
        },
        "incremental_equals_batch": same,
        "seconds": {"coding": round(coding_seconds, 2), "fusion": round(fusion_seconds, 3)},
        "config": {"date_window_days": config.date_window_days, "distance_km": config.distance_km,
                   "region_km": config.region_km},
    }
    report.update(_diagnostics(gold, aligned, cluster_of, mentions, config, misses, show, articles))
    return report


def _diagnostics(gold, aligned, cluster_of, mentions, config, misses, show, articles) -> dict:
    members: dict[str, list[str]] = defaultdict(list)  # happening -> aligned event ids
    for eid, i in aligned.items():
        members[gold[i].happening].append(eid)
    reasons: Counter = Counter()
    splits = []
    for happening, eids in sorted(members.items()):
        clusters = {cluster_of[e] for e in eids}
        if len(clusters) < 2:
            continue
        here: Counter = Counter()
        for a_i, a in enumerate(eids):
            for b in eids[a_i + 1:]:
                if cluster_of[a] != cluster_of[b]:
                    here[split_reason(mentions[a], mentions[b], config)] += 1
        reasons += here
        splits.append({"happening": happening, "clusters": len(clusters), "reasons": dict(here.most_common()),
                       "mentions": [_describe(mentions[e], cluster_of[e]) for e in sorted(eids, key=lambda e: cluster_of[e])]})
    by_cluster: dict[str, set[str]] = defaultdict(set)
    for eid, i in aligned.items():
        by_cluster[cluster_of[eid]].add(gold[i].happening)
    merges = [sorted(h) for h in by_cluster.values() if len(h) > 1]
    by_url = {a.url: a for a in articles}
    out = {
        "happenings_split": len(splits), "split_reasons": dict(reasons.most_common()),
        "happenings_merged": sorted(merges),
        "happenings_exact": sum(1 for h, eids in members.items()
                                if len({cluster_of[e] for e in eids}) == 1 and by_cluster[cluster_of[eids[0]]] == {h}),
        "happenings_with_mentions": len(members),
    }
    if show:
        out["misses"] = [{"happening": gold[i].happening, "article": gold[i].article, "sentence": gold[i].sentence,
                          "events_in_sentence": _events_in(by_url.get(gold[i].article), gold[i].sentence)}
                         for i in misses[:show]]
        out["splits"] = splits[:show]
    return out


def _events_in(article, sentence: str) -> list[str]:
    """What the coder read in a gold sentence (for a miss: nothing, or another kind of act)."""
    span = _span(article.text, sentence) if article is not None else None
    if span is None:
        return []
    return [f"{e.trigger.text}: {e.source.code if e.source else '-'}->{e.target.code if e.target else '-'} {e.cameo}"
            for e in article.events if span[0] <= e.trigger.start < span[1]]


def _describe(m, cluster: str) -> str:
    place = m.location.name if m.location else "-"
    return (f"{cluster[:8]} {m.source or '-'}->{m.target or '-'} {m.cameo} {m.modality} {m.date}"
            f"/{m.date_precision} @{place} [{m.outlet}] {m.trigger_text!r}")


def run(args: argparse.Namespace) -> dict:
    from newsevents.cli import UsageError
    from newsevents.fusion import FusionConfig

    overrides = {}
    if getattr(args, "window", None) is not None:
        overrides["date_window_days"] = args.window
    if getattr(args, "distance", None) is not None:
        overrides["distance_km"] = args.distance
    try:
        config = FusionConfig(**overrides)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    files = []
    for path in map(Path, args.gold):
        gold_path, articles_path = _files(path, getattr(args, "articles", None))
        for needed in (gold_path, articles_path):
            if not needed.exists():
                raise UsageError(f"{needed}: not found (a fusion gold needs gold.jsonl and articles.jsonl)")
        try:
            files.append(score(gold_path, articles_path, config, getattr(args, "limit", None),
                               getattr(args, "show_errors", 0) or 0))
        except (ValueError, KeyError, TypeError, json.JSONDecodeError) as exc:
            raise UsageError(f"{gold_path}: not a fusion gold file ({type(exc).__name__}: {exc})") from None
    return {"files": files}


# --- the report --------------------------------------------------------------------------------------------


def _prf(m: dict) -> str:
    return f"P {100 * m['precision']:5.1f}  R {100 * m['recall']:5.1f}  F1 {100 * m['f1']:5.1f}"


def format_report(report: dict) -> str:
    out = []
    for f in report["files"]:
        out.append(f"{f['gold']}  ({f['articles']} articles, {f['happenings']} happenings + {f['distractors']} distractors, "
                   f"{f['gold_mentions']} gold mentions)")
        out.append(f"  coder: {f['gold_mentions_extracted']} of {f['gold_mentions']} gold mentions yield an event of the "
                   f"happening's kind ({f['coder_misses']} missed, {f['coder_misses_other_act']} of them coded as another "
                   f"kind of act; {f['gold_mentions_not_found_in_text']} not found in the text); {f['aligned_mentions']} "
                   f"event mentions aligned, {f['unaligned_mentions']} not")
        out.append(f"  B-cubed over the aligned mentions ({f['fused_events_with_gold']} fused events hold them):")
        out.append(f"    *fusion       {_prf(f['fusion'])}")
        out.append(f"     singletons   {_prf(f['baselines']['singletons'])}")
        out.append(f"     dyad-root    {_prf(f['baselines']['dyad_root'])}")
        out.append(f"     (fusion, every event of a gold sentence aligned, {f['sentence_aligned_mentions']} mentions: "
                   f"{_prf(f['fusion_sentence_alignment'])})")
        out.append(f"  happenings recovered exactly: {f['happenings_exact']} of {f['happenings_with_mentions']}; "
                   f"split: {f['happenings_split']}; merged groups: {len(f['happenings_merged'])}")
        if f["split_reasons"]:
            out.append("  why mention pairs of one happening were kept apart: "
                       + ", ".join(f"{k} {n}" for k, n in f["split_reasons"].items()))
        for group in f["happenings_merged"]:
            out.append(f"  merged: {' + '.join(group)}")
        out.append(f"  incremental (one article at a time) = batch: {'yes' if f['incremental_equals_batch'] else 'NO'}; "
                   f"coding {f['seconds']['coding']} s, fusion {f['seconds']['fusion']} s; "
                   f"window {f['config']['date_window_days']} days, {f['config']['distance_km']:g} km")
        for m in f.get("misses", []):
            out.append(f"  - missed {m['happening']}: {m['sentence']}  [{'; '.join(m['events_in_sentence']) or 'no event'}]")
        for s in f.get("splits", []):
            out.append(f"  - split {s['happening']} into {s['clusters']}: {s['reasons']}")
            out += [f"      {line}" for line in s["mentions"]]
        out.append("")
    return "\n".join(out).rstrip() + "\n* headline: B-cubed precision and recall of the fused events over the aligned mentions."
