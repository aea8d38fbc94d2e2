"""Keeping the `fused_events` and `fused_mentions` tables in step with the stored events.

New articles are fused incrementally, inside the transaction that stores them: the stored mentions that
can interact with the new ones (those whose dates lie within a margin of the new mentions' dates) are
loaded with their whole fused events, the fuser replays them and adds the new mentions, and every fused
event whose membership changed is rewritten. The result equals fusing the whole database at once as long
as a change does not ripple further than MARGIN_WINDOWS date windows from the new mentions; a ripple
needs a chain of linked mentions that long, each one re-deciding, which we have not seen. `newsevents
fuse --db FILE` re-fuses everything (also to apply new thresholds).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from typing import Any

import duckdb
import pyarrow as pa

from newsevents.events.ontology import load_ontology
from newsevents.fusion import FusedEvent, Fuser, FusionConfig, Mention
from newsevents.model import Article, Place

MARGIN_WINDOWS = 4
_CONFIG_KEY = "fusion_config"
_SCALARS = ("date_window_days", "distance_km", "region_km", "missing_actor_matches", "outlet_weight")

_MENTION_SQL = """
SELECT e.id, e.article_id, a.outlet, a.url, CAST(a.published AS VARCHAR), e.sentence_start, e.sentence_end,
       e.trigger_text, e.trigger_start, e.trigger_end, e.source_code, e.target_code, e.cameo, e.cameo_root,
       e.plover, e.modality, CAST(e.date AS VARCHAR), e.date_precision,
       e.location_text, e.location_start, e.location_end, e.location_name, e.location_country, e.location_lat,
       e.location_lon, e.location_feature, e.location_geonames_id,
       e.source_name, e.source_country, e.source_sector, e.target_name, e.target_country, e.target_sector,
       e.source_id, e.target_id
FROM events e JOIN articles a ON a.id = e.article_id
WHERE a.duplicate_of IS NULL
"""

ActorInfo = dict[str, tuple[str | None, str | None, str | None]]  # code -> (name, country, sector)
Keys = dict[str, set[str]]  # mention id -> its actors' codes, ids and names, lower case (the `actor` filter)


def _keys(*values: str | None) -> set[str]:
    return {v.lower() for v in values if v}


def load_config(con: duckdb.DuckDBPyConnection) -> FusionConfig:
    row = con.execute("SELECT value FROM meta WHERE key = ?", [_CONFIG_KEY]).fetchone()
    return FusionConfig(**json.loads(row[0])) if row else FusionConfig()


def save_config(con: duckdb.DuckDBPyConnection, config: FusionConfig) -> None:
    value = json.dumps({k: getattr(config, k) for k in _SCALARS})
    con.execute("DELETE FROM meta WHERE key = ?", [_CONFIG_KEY])
    con.execute("INSERT INTO meta VALUES (?, ?)", [_CONFIG_KEY, value])


def config_dict(config: FusionConfig) -> dict[str, Any]:
    return {k: getattr(config, k) for k in _SCALARS}


# --- from rows and articles to mentions ------------------------------------------------------------------


def _mention_of_row(row: tuple, actors: ActorInfo, keys: Keys) -> Mention:
    (mid, article_id, outlet, url, published, s_start, s_end, t_text, t_start, t_end, source, target, cameo, root,
     plover, modality, when, precision, l_text, l_start, l_end, l_name, l_country, l_lat, l_lon, l_feature, l_gid,
     s_name, s_country, s_sector, t_name, t_country, t_sector, s_id, t_id) = row
    keys[mid] = _keys(source, target, s_name, t_name, s_id, t_id)
    location = None
    if l_name is not None:
        location = Place(l_text or l_name, l_start or 0, l_end or 0, l_name, l_country, l_lat, l_lon, l_feature, l_gid)
    if source:
        actors.setdefault(source, (s_name, s_country, s_sector))
    if target:
        actors.setdefault(target, (t_name, t_country, t_sector))
    return Mention(
        id=mid, article_id=article_id, outlet=outlet, url=url, published=published, sentence_start=s_start,
        sentence_end=s_end, trigger_text=t_text, trigger_start=t_start, trigger_end=t_end, source=source,
        target=target, cameo=cameo, cameo_root=root, plover=plover, modality=modality, date=when,
        date_precision=precision, location=location,
    )


def _article_mentions(articles: Iterable[Article], actors: ActorInfo, keys: Keys) -> list[Mention]:
    out = []
    for article in articles:
        if article.duplicate_of:
            continue  # a copy is the same report again, not another account (see fusion.mentions_of)
        for e in article.events:
            keys[e.id] = set()
            for actor in (e.source, e.target):
                if actor is not None:
                    keys[e.id] |= _keys(actor.code, actor.actor_id, actor.name)
                if actor is not None and actor.code:
                    actors.setdefault(actor.code, (actor.name, actor.country, actor.sector))
            out.append(Mention.from_event(article, e))
    return out


def _sentences(con: duckdb.DuckDBPyConnection, ids: list[str], articles: Iterable[Article] = ()) -> dict[str, str]:
    out = {e.id: e.sentence for a in articles for e in a.events}
    missing = [i for i in ids if i not in out]
    if missing:
        out.update(con.execute("SELECT id, sentence FROM events WHERE id IN (SELECT UNNEST(?))", [missing]).fetchall())
    return out


# --- writing -----------------------------------------------------------------------------------------------


def _fused_rows(events: list[FusedEvent], actors: ActorInfo, sentences: dict[str, str], keys: Keys) -> tuple[list[dict], list[dict]]:
    table = load_ontology()
    rows, links = [], []
    for fe in events:
        code = table.get(fe.cameo)
        first = fe.mentions[0]
        row: dict[str, Any] = {
            "id": fe.id, "date": date.fromisoformat(fe.date) if fe.date else None, "date_precision": fe.date_precision,
            "cameo": fe.cameo, "cameo_root": fe.cameo_root, "cameo_name": code.name if code else None,
            "goldstein": code.goldstein if code else None, "quad_class": code.quad_class if code else None,
            "plover": fe.plover, "modality": fe.modality, "factual": fe.factual,
            "n_mentions": len(fe.mentions), "n_articles": fe.articles, "n_outlets": fe.outlets,
            "outlets": [n for n in fe.outlet_names if not n.startswith("article:")],  # no outlet and no URL: unnamed
            "first_report": date.fromisoformat(fe.first_report) if fe.first_report else None,
            "last_report": date.fromisoformat(fe.last_report) if fe.last_report else None,
            "confidence": fe.confidence, "first_mention": first.id, "sentence": sentences.get(first.id),
            # "|a|b|": one column the `actor` filter scans, instead of joining every mention
            "actor_keys": "|" + "|".join(sorted(set().union(*(keys.get(m.id, set()) for m in fe.mentions)))) + "|",
        }
        for side, code_ in (("source", fe.source), ("target", fe.target)):
            name, country, sector = actors.get(code_, (None, None, None)) if code_ else (None, None, None)
            row.update({f"{side}_code": code_, f"{side}_name": name, f"{side}_country": country, f"{side}_sector": sector})
        loc = fe.location
        row.update({
            "location_name": loc.name if loc else None, "location_country": loc.country if loc else None,
            "location_lat": loc.lat if loc else None, "location_lon": loc.lon if loc else None,
            "location_feature": loc.feature if loc else None, "location_geonames_id": loc.geonames_id if loc else None,
        })
        rows.append(row)
        links += [{"fused_id": fe.id, "event_id": m.id, "article_id": m.article_id, "position": i} for i, m in enumerate(fe.mentions)]
    return rows, links


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> None:
    if not rows:
        return
    columns = [c[0] for c in con.execute(f"DESCRIBE {table}").fetchall()]
    con.register("_fused_batch", pa.Table.from_pylist(rows))
    try:
        con.execute(f"INSERT INTO {table} SELECT {', '.join(columns)} FROM _fused_batch")
    finally:
        con.unregister("_fused_batch")


def _write(con: duckdb.DuckDBPyConnection, delete_ids: Iterable[str], events: list[FusedEvent], actors: ActorInfo,
           sentences: dict[str, str], keys: Keys) -> None:
    ids = sorted(set(delete_ids) | {fe.id for fe in events})
    if ids:
        con.execute("DELETE FROM fused_mentions WHERE fused_id IN (SELECT UNNEST(?))", [ids])
        con.execute("DELETE FROM fused_events WHERE id IN (SELECT UNNEST(?))", [ids])
    rows, links = _fused_rows(events, actors, sentences, keys)
    _insert(con, "fused_events", rows)
    _insert(con, "fused_mentions", links)


# --- whole database and incremental ------------------------------------------------------------------------


def refuse_all(con: duckdb.DuckDBPyConnection, config: FusionConfig | None = None) -> int:
    """Fuse every stored event from scratch (caller holds the transaction); returns the fused event count."""
    config = config or load_config(con)
    save_config(con, config)
    actors: ActorInfo = {}
    keys: Keys = {}
    fuser = Fuser(config)
    fuser.add_mentions((_mention_of_row(r, actors, keys) for r in con.execute(_MENTION_SQL).fetchall()), report=False)
    events = fuser.events()
    con.execute("DELETE FROM fused_mentions")
    con.execute("DELETE FROM fused_events")
    rows, links = _fused_rows(events, actors, _sentences(con, [fe.mentions[0].id for fe in events]), keys)
    _insert(con, "fused_events", rows)
    _insert(con, "fused_mentions", links)
    return len(events)


def _ranges(mentions: list[Mention], pad: int) -> list[tuple[date, date]]:
    """The new mentions' date intervals widened by `pad` days and merged."""
    spans = sorted((m.interval[0] - pad, m.interval[1] + pad) for m in mentions if m.interval is not None)
    merged: list[list[int]] = []
    for lo, hi in spans:
        if merged and lo <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return [(date.fromordinal(max(lo, 1)), date.fromordinal(hi)) for lo, hi in merged]


def _context(con: duckdb.DuckDBPyConnection, new: list[Mention], config: FusionConfig, actors: ActorInfo, keys: Keys) -> list[Mention]:
    """Stored mentions that may interact with the new ones, with every member of their fused events."""
    ranges = _ranges(new, (MARGIN_WINDOWS + 1) * config.date_window_days + 1)
    if not ranges:
        return []
    # a stored mention's interval (by its precision) overlaps one of the ranges
    last_day = ("CASE e.date_precision WHEN 'month' THEN last_day(e.date)"
                " WHEN 'year' THEN make_date(year(e.date), 12, 31) ELSE e.date END")
    near = (f"SELECT e.id FROM events e, (SELECT UNNEST(?) AS lo, UNNEST(?) AS hi) r"
            f" WHERE e.date <= r.hi AND {last_day} >= r.lo")
    sql = (_MENTION_SQL + f" AND e.id IN (SELECT event_id FROM fused_mentions WHERE fused_id IN"
           f" (SELECT fused_id FROM fused_mentions WHERE event_id IN ({near})))")
    rows = con.execute(sql, [[lo for lo, _ in ranges], [hi for _, hi in ranges]]).fetchall()
    return [_mention_of_row(r, actors, keys) for r in rows]


def fuse_new_articles(con: duckdb.DuckDBPyConnection, articles: list[Article], config: FusionConfig | None = None) -> int:
    """Attach newly stored articles' mentions to the fused events (caller holds the transaction, and has
    already inserted the articles' events). Returns how many fused events were written."""
    config = config or load_config(con)
    actors: ActorInfo = {}
    keys: Keys = {}
    new = _article_mentions(articles, actors, keys)
    if not new:
        return 0
    context = _context(con, new, config, actors, keys)
    stored_of = dict(con.execute(
        "SELECT event_id, fused_id FROM fused_mentions WHERE event_id IN (SELECT UNNEST(?))", [[m.id for m in context]]
    ).fetchall()) if context else {}
    members_of: dict[str, list[str]] = {}
    for mid, fid in stored_of.items():
        members_of.setdefault(fid, []).append(mid)
    fuser = Fuser(config)
    fuser.add_mentions(context, report=False)
    update = fuser.add_mentions(new)
    # Rewrite the changed events, and (to stay consistent when replaying the context regrouped any stored
    # event) every fused event sharing a mention with them, until nothing more is touched.
    to_write: dict[str, FusedEvent] = {fe.id: fe for fe in update.changed}
    to_delete: set[str] = set(update.removed)
    pending = [m.id for fe in update.changed for m in fe.mentions]
    seen: set[str] = set()
    while pending:
        mid = pending.pop()
        if mid in seen:
            continue
        seen.add(mid)
        stored = stored_of.get(mid)
        if stored is not None and stored not in to_delete:
            to_delete.add(stored)
            pending += members_of[stored]
        current = fuser.event_of(mid)
        if current is not None and current.id not in to_write:
            to_write[current.id] = current
            pending += current.mention_ids
    events = list(to_write.values())
    _write(con, to_delete, events, actors, _sentences(con, [fe.mentions[0].id for fe in events], articles), keys)
    return len(events)

