"""Exact and near-duplicate articles, within one run and against what a database already holds.

Exact copies share the hash of their clean text. Near copies (a syndicated story with its own headline
junk, a lightly edited re-post) are found with MinHash over word 5-shingles and locality-sensitive
hashing (datasketch): the signature is cut into bands, and two texts whose bands collide are candidates,
confirmed when their estimated Jaccard similarity reaches the threshold. The band layout is fixed, not
derived from the threshold, so that the keys a database holds stay valid whatever threshold a later
run uses; it finds candidates down to a similarity of about 0.5 (87% of pairs at 0.5, all above 0.7). The first copy seen is the
original; later copies point at it and are not coded again.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash, MinHashLSH

from newsevents.model import Article, text_id

DEFAULT_THRESHOLD = 0.8
NUM_PERM = 128
SHINGLE_WORDS = 5
BANDS, ROWS = 32, 4  # BANDS * ROWS == NUM_PERM
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
    minhash = signature(text)
    lsh = MinHashLSH(num_perm=NUM_PERM, params=(BANDS, ROWS))
    return Fingerprint(text_id(text), minhash.hashvalues.astype(np.uint64).tobytes(), band_keys(minhash, lsh))


# (text hash, band keys) -> (id of an exact copy or None, [(id, signature bytes)] of near candidates)
StoreLookup = Callable[[str, list[tuple[int, int]]], tuple[str | None, list[tuple[str, bytes]]]]


class DuplicateIndex:
    """Finds the original an article copies. `lookup` searches a database's originals as well."""

    def __init__(self, threshold: float = DEFAULT_THRESHOLD, lookup: StoreLookup | None = None) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"duplicate threshold must be in (0, 1], not {threshold}")
        self.threshold = threshold
        self.lookup = lookup
        self._lsh = MinHashLSH(num_perm=NUM_PERM, params=(BANDS, ROWS))
        self._exact: dict[str, str] = {}
        self._signatures: dict[str, MinHash] = {}
        self._rank: dict[str, int] = {}  # originals in the order they were seen
        self._fingerprints: dict[str, Fingerprint] = {}
        self._stored: set[str] = set()

    def original_of(self, article: Article) -> str | None:
        """The id of the original this article copies, or None (and the article is indexed as an original)."""
        text_hash = text_id(article.text)
        if text_hash in self._exact:
            return self._exact[text_hash]
        minhash = signature(article.text)
        # Of several originals close enough, the most similar, then the earliest: the LSH query returns a
        # set, whose order changes with each process's string hash seed, and the result must not.
        scores = [(minhash.jaccard(self._signatures[c]), -self._rank[c], c) for c in self._lsh.query(minhash)]
        matches = [m for m in scores if m[0] >= self.threshold]
        if matches:
            return max(matches)[2]
        bands = band_keys(minhash, self._lsh)
        if self.lookup is not None:
            exact, near = self.lookup(text_hash, bands)
            if exact == article.id:  # this very input, stored by an earlier run
                self._stored.add(article.id)
                return None
            if exact is not None:
                return exact
            stored_matches = [(-score, candidate) for candidate, stored in near
                              if candidate != article.id and (score := _jaccard(minhash, stored)) >= self.threshold]
            if stored_matches:  # the most similar, then the smallest id: the database returns them in no set order
                return min(stored_matches)[1]
        self._exact[text_hash] = article.id
        if article.id not in self._signatures:
            self._lsh.insert(article.id, minhash)
            self._signatures[article.id] = minhash
            self._rank[article.id] = len(self._rank)
        self._fingerprints[article.id] = Fingerprint(text_hash, minhash.hashvalues.astype(np.uint64).tobytes(), bands)
        return None

    def already_stored(self, article_id: str) -> bool:
        """Whether the database already holds this article (the same input read again): no need to code it."""
        return article_id in self._stored

    def take_fingerprint(self, article_id: str) -> Fingerprint | None:
        """The fingerprint of an original found in this run, for the store to keep (handed over once)."""
        return self._fingerprints.pop(article_id, None)


def band_keys(minhash: MinHash, lsh: MinHashLSH) -> list[tuple[int, int]]:
    """The LSH bands of a signature as (band, key) integers a database can index."""
    keys = []
    for band, (start, end) in enumerate(lsh.hashranges):
        digest = hashlib.blake2b(minhash.hashvalues[start:end].tobytes(), digest_size=8).digest()
        keys.append((band, int.from_bytes(digest, "little") >> 1))  # fits a signed BIGINT
    return keys


def _jaccard(minhash: MinHash, stored: bytes) -> float:
    other = np.frombuffer(stored, dtype=np.uint64)
    if len(other) != len(minhash.hashvalues):
        return 0.0
    return float(np.count_nonzero(minhash.hashvalues == other)) / len(other)
