"""Clustering mentions into fused events, all at once or one article at a time, with the same result.

The clustering is defined on the set of mentions, not on the order they arrive in. Mentions are taken in
a canonical order (`Mention.order_key`: by date, then a fixed tie-break). Each one joins the best existing
cluster that has a member linked to it (a concrete dyad match, or the same article: compat.linked) and
whose every earlier member agrees with it (complete link: every pair in a fused event passes every
criterion, so a chain of daily strikes does not snowball into one event), or starts a new cluster. The
best cluster has the most similar member (compat.similarity), then the highest mean similarity, then the
most members, then the earliest first mention.

Incremental adding replays only what can change. A mention's decision depends only on the earlier mentions
linked to it and on the clusters those belong to, so when a mention is added (or changes cluster), only
later mentions linked to a member of its old or new cluster are decided again, in canonical order. When articles arrive roughly in date order (a news feed) a new mention is near the end of the order
and nothing after it changes: adding costs about the number of candidates the index returns. An article
about older events replays the later mentions it touches, and their consequences, and no more.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from newsevents.fusion.compat import agree, linked, similarity
from newsevents.fusion.config import FusionConfig
from newsevents.fusion.fused import FusedEvent, fused_id, summarise
from newsevents.fusion.index import CandidateIndex
from newsevents.fusion.mention import Mention, mentions_of
from newsevents.model import Article


@dataclass
class FusionUpdate:
    """What one addition changed. `removed` lists the ids of fused events that no longer exist: merged
    into another, or renamed because an earlier mention (in canonical order) became their first one."""

    created: list[FusedEvent] = field(default_factory=list)
    updated: list[FusedEvent] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def changed(self) -> list[FusedEvent]:
        return self.created + self.updated


class Fuser:
    """Holds the current fused events and attaches new articles' mentions to them."""

    def __init__(self, config: FusionConfig | None = None) -> None:
        self.config = config or FusionConfig()
        self._mentions: dict[str, Mention] = {}
        self._label: dict[str, str] = {}  # mention id -> id of its cluster's first mention
        self._members: dict[str, set[str]] = {}  # first mention id -> member mention ids
        self._index = CandidateIndex(self.config)
        self._by_article: dict[str, list[str]] = {}  # article id -> its mention ids
        self._summaries: dict[str, FusedEvent] = {}  # cache, by label

    # --- the API ----------------------------------------------------------------------------------------

    def add(self, article: Article) -> list[FusedEvent]:
        """Attach one article's mentions; return the fused events created or changed (see `update` for
        the ids that disappeared)."""
        return self.update(article).changed

    def update(self, article: Article) -> FusionUpdate:
        return self.add_mentions(mentions_of(article))

    def add_articles(self, articles: Iterable[Article]) -> FusionUpdate:
        return self.add_mentions(m for a in articles for m in mentions_of(a))

    def load(self, fused_events: Iterable[FusedEvent]) -> None:
        """Resume from stored fused events. Their mentions are clustered again under this fuser's config,
        which gives back the stored clusters and ids when the config is the one they were made with."""
        self.add_mentions((m for e in fused_events for m in e.mentions), report=False)

    def events(self) -> list[FusedEvent]:
        """Every fused event, in canonical order of their first mentions."""
        labels = sorted(self._members, key=lambda lab: self._mentions[lab].order_key)
        return [self._summary(lab) for lab in labels]

    def event_of(self, mention_id: str) -> FusedEvent | None:
        label = self._label.get(mention_id)
        return self._summary(label) if label is not None else None

    def __len__(self) -> int:
        return len(self._members)

    @property
    def mention_count(self) -> int:
        return len(self._mentions)

    # --- adding -----------------------------------------------------------------------------------------

    def add_mentions(self, mentions: Iterable[Mention], report: bool = True) -> FusionUpdate:
        """Attach mentions; with report=False (resuming from stored events) skip working out what changed."""
        new: list[Mention] = []
        for m in mentions:
            if m.id not in self._mentions:  # the same article twice adds nothing
                self._mentions[m.id] = m
                self._index.add(m)
                self._by_article.setdefault(m.article_id, []).append(m.id)
                new.append(m)
        if not new:
            return FusionUpdate()
        before: dict[str, frozenset[str]] = {}  # label -> its members before this update, when touched
        if len(new) == len(self._mentions):
            self._sweep(new, before)  # nothing earlier to revise: one pass in canonical order
        else:
            self._replay(new, before)
        return self._diff(before) if report else FusionUpdate()

    def _sweep(self, mentions: list[Mention], before: dict[str, frozenset[str]]) -> None:
        for m in sorted(mentions, key=lambda m: m.order_key):
            self._move(m.id, self._decide(m), before)

    def _replay(self, new: list[Mention], before: dict[str, frozenset[str]]) -> None:
        heap = [(m.order_key, m.id) for m in new]
        heapq.heapify(heap)
        queued = {m.id for m in new}
        while heap:
            key, mid = heapq.heappop(heap)
            queued.discard(mid)
            old = self._label.get(mid)
            label = self._decide(self._mentions[mid])
            if label == old:
                continue
            affected = set(self._members.get(old, ())) | set(self._members.get(label, ())) | {mid}
            self._move(mid, label, before)
            # whoever comes later and is linked to a member of either cluster may decide otherwise
            for uid in affected:
                u = self._mentions[uid]
                for cid in self._candidates(u):
                    c = self._mentions[cid]
                    if cid not in queued and c.order_key > key and linked(u, c, self.config):
                        queued.add(cid)
                        heapq.heappush(heap, (c.order_key, cid))

    def _candidates(self, m: Mention) -> set[str]:
        """Mentions that may be linked to m: the index's, and those of m's own article."""
        return set(self._index.candidates(m)).union(self._by_article.get(m.article_id, ()))

    def _decide(self, y: Mention) -> str:
        """The label of the cluster y joins, given every mention before it in canonical order (all of
        which are decided by then): the best cluster that has an earlier member linked to y and whose
        earlier members all agree with y, or y's own new cluster."""
        key = y.order_key
        labels: set[str] = set()
        for xid in self._candidates(y):
            x = self._mentions[xid]
            if x.order_key < key and linked(x, y, self.config):
                labels.add(self._label[xid])
        best_rank: tuple | None = None
        best = y.id
        for label in labels:
            earlier = [self._mentions[i] for i in self._members[label] if self._mentions[i].order_key < key]
            if not all(agree(m, y, self.config) for m in earlier):
                continue
            # the nearest member decides (a sentence's second event belongs with its first, however the
            # rest of the cluster reads), the mean breaks ties; fsum and rounding make the scores exact
            # whatever order the set iterates in
            sims = [similarity(m, y, self.config) for m in earlier]
            rank = (-round(max(sims), 9), -round(math.fsum(sims) / len(sims), 9), -len(earlier), self._mentions[label].order_key)
            if best_rank is None or rank < best_rank:
                best_rank, best = rank, label
        return best

    def _move(self, mid: str, label: str, before: dict[str, frozenset[str]]) -> None:
        old = self._label.get(mid)
        for lab in (old, label):
            if lab is not None and lab not in before:
                before[lab] = frozenset(self._members.get(lab, ()))
            if lab is not None:
                self._summaries.pop(lab, None)
        if old is not None:
            members = self._members[old]
            members.discard(mid)
            if not members:
                del self._members[old]
        self._members.setdefault(label, set()).add(mid)
        self._label[mid] = label

    def _diff(self, before: dict[str, frozenset[str]]) -> FusionUpdate:
        out = FusionUpdate()
        for label in sorted(before, key=lambda lab: self._mentions[lab].order_key):
            now = frozenset(self._members.get(label, ()))
            was = before[label]
            if now == was:
                continue
            if not now:
                out.removed.append(fused_id(self._mentions[label]))
            elif not was:
                out.created.append(self._summary(label))
            else:
                out.updated.append(self._summary(label))
        return out

    def _summary(self, label: str) -> FusedEvent:
        cached = self._summaries.get(label)
        if cached is None:
            members = sorted((self._mentions[i] for i in self._members[label]), key=lambda m: m.order_key)
            cached = self._summaries[label] = summarise(members, self.config)
        return cached


def fuse(articles: Iterable[Article], config: FusionConfig | None = None) -> list[FusedEvent]:
    """Fuse a whole corpus in one pass: the same clusters and ids as adding its articles one by one."""
    fuser = Fuser(config)
    fuser.add_articles(articles)
    return fuser.events()
