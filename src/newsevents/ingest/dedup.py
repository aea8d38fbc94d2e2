"""Exact and near-duplicate articles, within one run and against what a database already holds.

Exact copies share the hash of their clean text. Near copies (a syndicated story with its own headline
junk, a lightly edited re-post) are found with MinHash over word 5-shingles and locality-sensitive
hashing: the signature (datasketch's MinHash) is cut into bands, and two texts whose bands collide are
candidates, confirmed when their estimated Jaccard similarity reaches the threshold. The band layout is
fixed, not derived from the threshold, so that the keys a database holds stay valid whatever threshold a
later run uses; it finds candidates down to a similarity of about 0.5 (87% of pairs at 0.5, all above
0.7). The first copy seen is the original; later copies point at it and are not coded again.

The in-run index keeps, per original, its hash values and its band keys (the same 63-bit keys the
database indexes): about 3.2 KB, where datasketch's MinHash objects and LSH tables took 8.7 KB (at a
million originals a day, 3.2 GB against 8.7 GB). Fingerprints for the store are kept only when there
is a store to take them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash

from newsevents.model import Article, text_id

DEFAULT_THRESHOLD = 0.8
NUM_PERM = 128
SHINGLE_WORDS = 5
BANDS, ROWS = 32, 4  # BANDS * ROWS == NUM_PERM
BAND_RANGES = [(band * ROWS, (band + 1) * ROWS) for band in range(BANDS)]  # datasketch's MinHashLSH layout
_WORD = re.compile(r"\w+")


def shingles(text: str) -> set[bytes]:
    words = _WORD.findall(text.lower())
    if len(words) <= SHINGLE_WORDS:
        return {" ".join(words).encode("utf-8")}
    return {" ".join(words[i : i + SHINGLE_WORDS]).encode("utf-8") for i in range(len(words) - SHINGLE_WORDS + 1)}


def signature(text: str) -> MinHash:
    minhash = MinHash(num_perm=NUM_PERM)
    minhash.update_batch(list(shingles(text)))
    return minhash


@dataclass(frozen=True)
class Fingerprint:
    """What the store keeps of an original to find its copies in later runs."""

    text_hash: str
    signature: bytes  # MinHash hash values, uint64
    bands: list[tuple[int, int]]  # (band number, 63-bit key)


def fingerprint(text: str) -> Fingerprint:
    """The fingerprint of a text on its own (for articles stored before fingerprints were kept)."""
    values = signature(text).hashvalues
    return Fingerprint(text_id(text), values.astype(np.uint64).tobytes(), band_keys(values))


# (text hash, band keys) -> (id of an exact copy or None, [(id, signature bytes)] of near candidates)
StoreLookup = Callable[[str, list[tuple[int, int]]], tuple[str | None, list[tuple[str, bytes]]]]


class DuplicateIndex:
    """Finds the original an article copies. `lookup` searches a database's originals as well. Each
    original's fingerprint is kept until the store takes it (`take_fingerprint`) when `fingerprints` is
    true, by default when there is a database to look up (and so to store them)."""

    def __init__(self, threshold: float = DEFAULT_THRESHOLD, lookup: StoreLookup | None = None, fingerprints: bool | None = None) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"duplicate threshold must be in (0, 1], not {threshold}")
        self.threshold = threshold
        self.lookup = lookup
        self.keep_fingerprints = lookup is not None if fingerprints is None else fingerprints
        self._buckets: dict[tuple[int, int], str | list[str]] = {}  # (band, key) -> the originals there
        self._exact: dict[str, str] = {}
        self._values: dict[str, np.ndarray] = {}  # original -> its MinHash hash values
        self._rank: dict[str, int] = {}  # originals in the order they were seen
        self._fingerprints: dict[str, Fingerprint] = {}
        self._stored: set[str] = set()

    def _candidates(self, bands: list[tuple[int, int]]) -> set[str]:
        found: set[str] = set()
        for band in bands:
            held = self._buckets.get(band)
            if held is not None:
                found.update((held,) if isinstance(held, str) else held)
        return found

    def _insert(self, article_id: str, values: np.ndarray, bands: list[tuple[int, int]]) -> None:
        for band in bands:
            held = self._buckets.get(band)
            if held is None:
                self._buckets[band] = article_id  # a bare id: most buckets hold one original
            elif isinstance(held, str):
                self._buckets[band] = [held, article_id]
            else:
                held.append(article_id)
        self._values[article_id] = values
        self._rank[article_id] = len(self._rank)

    def original_of(self, article: Article) -> str | None:
        """The id of the original this article copies, or None (and the article is indexed as an original)."""
        text_hash = text_id(article.text)
        if text_hash in self._exact:
            return self._exact[text_hash]
        values = signature(article.text).hashvalues
        bands = band_keys(values)
        # Of several originals close enough, the most similar, then the earliest: the candidates come as a
        # set, whose order changes with each process's string hash seed, and the result must not.
        scores = [(_similarity(values, self._values[c]), -self._rank[c], c) for c in self._candidates(bands)]
        matches = [m for m in scores if m[0] >= self.threshold]
        if matches:
            return max(matches)[2]
        if self.lookup is not None:
            exact, near = self.lookup(text_hash, bands)
            if exact == article.id:  # this very input, stored by an earlier run
                self._stored.add(article.id)
                return None
            if exact is not None:
                return exact
            stored_matches = [(-score, candidate) for candidate, stored in near
                              if candidate != article.id and (score := _jaccard(values, stored)) >= self.threshold]
            if stored_matches:  # the most similar, then the smallest id: the database returns them in no set order
                return min(stored_matches)[1]
        self._exact[text_hash] = article.id
        if article.id not in self._values:
            self._insert(article.id, values, bands)
        if self.keep_fingerprints:
            self._fingerprints[article.id] = Fingerprint(text_hash, values.astype(np.uint64).tobytes(), bands)
        return None

    def already_stored(self, article_id: str) -> bool:
        """Whether the database already holds this article (the same input read again): no need to code it."""
        return article_id in self._stored

    def take_fingerprint(self, article_id: str) -> Fingerprint | None:
        """The fingerprint of an original found in this run, for the store to keep (handed over once)."""
        return self._fingerprints.pop(article_id, None)


def band_keys(values: np.ndarray) -> list[tuple[int, int]]:
    """The LSH bands of a signature's hash values as (band, key) integers a database can index."""
    keys = []
    for band, (start, end) in enumerate(BAND_RANGES):
        digest = hashlib.blake2b(values[start:end].tobytes(), digest_size=8).digest()
        keys.append((band, int.from_bytes(digest, "little") >> 1))  # fits a signed BIGINT
    return keys


def _similarity(a: np.ndarray, b: np.ndarray) -> float:
    """The Jaccard similarity two MinHash signatures estimate: the share of equal hash values."""
    return float(np.count_nonzero(a == b)) / len(a)


def _jaccard(values: np.ndarray, stored: bytes) -> float:
    other = np.frombuffer(stored, dtype=np.uint64)
    if len(other) != len(values):
        return 0.0
    return _similarity(values, other)
