"""Text encodings: decode a whole document, pick one encoding for a streamed file, honour HTML charsets."""

from __future__ import annotations

import codecs
import io
import re
from typing import BinaryIO

from charset_normalizer import from_bytes

from newsevents.ingest.streams import CHUNK, read_some

_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_PREFERRED = ("utf_8", "cp1252", "latin_1", "cp1251", "koi8_r", "cp1256", "cp1250", "iso8859_15", "cp1254")
# Browsers read these labels as windows-1252 (WHATWG Encoding): servers say latin-1 and send cp1252 quotes.
_AS_CP1252 = {"latin_1", "iso8859_1", "ascii", "us_ascii", "iso_8859_1"}
_META_CHARSET = re.compile(rb"""<meta[^>]{0,512}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE)


def bom_encoding(data: bytes) -> str | None:
    """The encoding a byte-order mark announces, or None."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' for BOM-less UTF-16 of mostly Latin text: every other byte is zero."""
    sample = data[:8192]
    if len(sample) < 16:
        return None
    even_zeros = sample[0::2].count(0) / (len(sample) / 2)
    odd_zeros = sample[1::2].count(0) / (len(sample) / 2)
    if odd_zeros > 0.4 and even_zeros < 0.05:
        return "utf-16-le"
    if even_zeros > 0.4 and odd_zeros < 0.05:
        return "utf-16-be"
    return None


def guess_encoding(data: bytes) -> str | None:
    """The most likely single-byte or multi-byte encoding of `data` that is not UTF-8, or None."""
    matches = list(from_bytes(data[:200_000]))
    if not matches:
        return None
    # Ties are common between single-byte code pages that share most letters (cp1250 and cp1252 on
    # French text); among equally good guesses take the encoding most used for news text.
    best = matches[0]
    tied = [m for m in matches if abs(m.chaos - best.chaos) < 1e-3 and abs(m.coherence - best.coherence) < 1e-3]
    candidates = [c for m in tied for c in m.could_be_from_charset] or [best.encoding]
    return min(candidates, key=_preference)


def _preference(encoding: str) -> int:
    return _PREFERRED.index(encoding) if encoding in _PREFERRED else len(_PREFERRED)


def _too_many_controls(text: str) -> bool:
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\t\n\r\f")
    return controls > 0.05 * min(len(text), 8192)


def looks_binary(head: bytes) -> bool:
    """True when the first bytes hold control bytes no text encoding would produce."""
    sample = head[:8192]
    if bom_encoding(sample) or _utf16_without_bom(sample):
        return False
    if b"\x00" in sample:
        return True
    controls = sum(1 for byte in sample if byte < 32 and byte not in b"\t\n\r\f\x1b")
    return controls > 0.05 * max(len(sample), 1)


def decode_bytes(data: bytes) -> str | None:
    """Decode text whatever its encoding; None for binary data."""
    codec = bom_encoding(data) or _utf16_without_bom(data)
    if codec:
        text = data.decode(codec, errors="replace")
        return None if _too_many_controls(text) else text
    if b"\x00" in data[:8192]:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    encoding = guess_encoding(data)
    if encoding is None:
        return None
    text = data.decode(encoding, errors="replace")
    return None if _too_many_controls(text) else text


def normalize_charset(label: str | bytes | None) -> str | None:
    """A Python codec name for a declared charset label, or None when Python does not know it."""
    if not label:
        return None
    if isinstance(label, bytes):
        label = label.decode("ascii", errors="ignore")
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name.replace("-", "_")
    except LookupError:
        return None
    return "cp1252" if name in _AS_CP1252 else name


def meta_charset(data: bytes) -> str | None:
    """The charset a page declares in `<meta charset>` or `<meta http-equiv ... charset=>`, or None."""
    match = _META_CHARSET.search(data[:16384])
    return normalize_charset(match.group(1)) if match else None


def decode_html(data: bytes, declared: str | None = None) -> str | None:
    """Decode an HTML page: byte-order mark, then the declared (HTTP) charset, then valid UTF-8, then
    `<meta charset>`, then detection. None for binary data."""
    bom = bom_encoding(data)
    if bom:
        return data.decode(bom, errors="replace")
    codec = normalize_charset(declared)
    if codec:
        return data.decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    codec = meta_charset(data)
    if codec:
        return data.decode(codec, errors="replace")
    return decode_bytes(data)


def stream_encoding(head: bytes) -> str:
    """One encoding for a streamed file (JSON Lines, CSV), chosen from its first bytes: UTF-8 unless they
    are clearly something else."""
    codec = bom_encoding(head) or _utf16_without_bom(head)
    if codec:
        return codec
    try:
        # final=False: the head may end in the middle of a multi-byte character
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return guess_encoding(head) or "utf-8"


class _Utf8Recoder(io.RawIOBase):
    """Re-encodes a stream from `encoding` to UTF-8 so line and record splitting work on bytes."""

    def __init__(self, inner: BinaryIO, encoding: str) -> None:
        self._inner = inner
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        self._out = b""
        self._eof = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        while not self._out and not self._eof:
            data = read_some(self._inner, len(buffer))
            self._eof = not data
            self._out = self._decoder.decode(data, final=self._eof).encode("utf-8")
        n = min(len(buffer), len(self._out))
        buffer[:n] = self._out[:n]
        self._out = self._out[n:]
        return n


def as_utf8(stream: BinaryIO, encoding: str) -> BinaryIO:
    """`stream` as UTF-8 bytes without a byte-order mark, whatever `encoding` it is in."""
    if encoding in ("utf-8", "utf_8"):
        return stream
    return io.BufferedReader(_Utf8Recoder(stream, encoding), buffer_size=CHUNK)
