"""Where the article is on a scraped page: a line classifier that reads the page in zones.

A page pasted as text has a head (skip links, navigation, the outlet's name, a kicker, the title, a
byline, a dateline), a core (the article's paragraphs, with share bars, ads and "read also" lines
between them), and a tail (tags, related stories, appeals, comment threads). The core runs from the
first to the last running paragraph; a comment or "most read" heading in the second half of the page
ends it early, so long comments do not pass for article text. Known widget phrases (data/ingest/
boilerplate.txt, in several languages) are furniture wherever they stand; in the head and the tail
every line that is not a sentence is furniture too. Nothing here looks at any particular site.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from newsevents.ingest.metadata import dateline_date, parse_byline

SENTENCE_END = re.compile(r"[.!?…:;\"'”’»)\]。！？」]\s*$")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_NAV_SEPARATORS = re.compile(r"[›»>|/·•]")
PARAGRAPH_WORDS = 12  # a running paragraph: this many words and a sentence end
PARAGRAPH_CHARS = 60  # the same for scripts written without spaces
_APPEAL_PRONOUNS = {"we", "our", "us", "you", "your", "you're", "you’re"}
_APPEAL_WORDS = {
    "support", "donate", "donation", "donations", "subscribe", "subscription", "help", "journalism",
    "independent", "contribute", "contribution", "monthly", "membership", "readers", "mission", "money",
    "free", "chip",
}


def _load_patterns(name: str) -> list[str]:
    text = resources.files("newsevents.data.ingest").joinpath(name).read_text("utf-8")
    patterns = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    for pattern in patterns:
        re.compile(pattern)  # a broken line is reported on its own, not as part of an alternation
    return patterns


@lru_cache(maxsize=1)
def _junk_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """boilerplate.txt as two alternations: patterns anchored at the line start (tried once, with
    `match`) and the rest (searched through the line). One regex each instead of one per pattern."""
    patterns = _load_patterns("boilerplate.txt")
    anchored = [p[1:] for p in patterns if p.startswith("^")]
    floating = [p for p in patterns if not p.startswith("^")]
    return (
        re.compile("|".join(f"(?:{p})" for p in anchored) or r"(?!)", re.IGNORECASE),
        re.compile("|".join(f"(?:{p})" for p in floating) or r"(?!)", re.IGNORECASE),
    )


@lru_cache(maxsize=1)
def _section_end_pattern() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in _load_patterns("section_ends.txt")), re.IGNORECASE)


def is_junk_line(line: str) -> bool:
    """True for a line that is page furniture wherever it stands."""
    anchored, floating = _junk_patterns()
    line = line.strip()
    return anchored.match(line) is not None or floating.search(line) is not None


def is_appeal(line: str) -> bool:
    """A paragraph asking readers for money or a subscription, in the first and second person."""
    words = [w.lower() for w in _WORD.findall(line)]
    if len(words) < 4:
        return False
    pronouns = sum(w in _APPEAL_PRONOUNS for w in words)
    appeal = len({w for w in words if w in _APPEAL_WORDS})
    return appeal >= 1 and pronouns / len(words) >= 0.06


def is_fragment(line: str) -> bool:
    """A short line that does not end like a sentence: a caption, a widget label, a stray word."""
    return len(line.split()) <= PARAGRAPH_WORDS and not SENTENCE_END.search(line)


def is_paragraph(line: str) -> bool:
    if not SENTENCE_END.search(line):
        return False
    words = len(line.split())
    return words >= PARAGRAPH_WORDS or (words <= 3 and len(line) >= PARAGRAPH_CHARS)


def looks_like_title(line: str) -> bool:
    return (
        3 <= len(line.split()) <= 24
        and not SENTENCE_END.search(line.rstrip("?!"))
        and len(_NAV_SEPARATORS.findall(line)) < 2
        and not line.isupper()
    )


@dataclass
class PageLayout:
    """Line numbers of a page by role. Title, bylines and datelines are metadata, not removed text."""

    body: list[int] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    title: int | None = None
    bylines: list[int] = field(default_factory=list)
    datelines: list[int] = field(default_factory=list)


class CorpusLines:
    """Short lines counted across the pages of one run: a label that many pages carry ("World News",
    "Sign up", a site's slogan) is its site's furniture, whatever its wording or language.

    Only fragments count (short, not ending like a sentence), and a page counts each line once. Memory is
    bounded: past `capacity` distinct lines, those seen once are forgotten."""

    def __init__(self, min_pages: int = 3, capacity: int = 200_000) -> None:
        self.min_pages = min_pages
        self.capacity = capacity
        self._pages: dict[str, int] = {}

    @staticmethod
    def _key(line: str) -> str:
        return " ".join(line.casefold().split())

    def is_repeated(self, line: str) -> bool:
        return self._pages.get(self._key(line), 0) >= self.min_pages

    def observe(self, lines: list[str]) -> None:
        for key in {self._key(line) for line in lines if line and is_fragment(line)}:
            self._pages[key] = self._pages.get(key, 0) + 1
        if len(self._pages) > self.capacity:
            self._pages = {k: n for k, n in self._pages.items() if n > 1}


def read_layout(
    lines: list[str], known_title: str | None = None, whole_page: bool = True, corpus: CorpusLines | None = None
) -> PageLayout:
    """Classify the stripped lines of a page (empty lines are ignored).

    `whole_page` is False for text an extractor has already cut out of a page (HTML through trafilatura):
    then only known furniture and metadata lines go, and no title is looked for besides `known_title`.
    With `corpus`, fragments that earlier pages of the run carried too are furniture, and this page's
    lines are counted for the pages after it."""
    layout = PageLayout()
    nonempty = [i for i, line in enumerate(lines) if line]
    junk = {i for i in nonempty if is_junk_line(lines[i])}
    if corpus is not None:
        junk |= {i for i in nonempty if corpus.is_repeated(lines[i]) and is_fragment(lines[i])}
        corpus.observe(lines)
    appeals = {i for i in nonempty if i not in junk and is_appeal(lines[i])}
    paragraphs = [i for i in nonempty if i not in junk and i not in appeals and is_paragraph(lines[i])]
    if paragraphs:
        end = _section_end(lines, nonempty, paragraphs)
        paragraphs = [i for i in paragraphs if i < end] or paragraphs[:1]
        core_start, core_end = paragraphs[0], paragraphs[-1]
    else:  # no running text (a brief, a lone headline): every line that is not furniture is the text
        core_start, core_end = _first_content_line(lines, nonempty, junk), nonempty[-1] if nonempty else -1

    head = [i for i in nonempty if i < core_start]
    _read_head(lines, head, junk, layout, known_title, whole_page)
    for pos, i in enumerate(nonempty):
        if core_start <= i <= core_end:
            if i in junk or i in appeals or _fragment_among_junk(pos, lines, nonempty, junk):
                layout.removed.append(i)
            else:
                layout.body.append(i)
    tail = [i for i in nonempty if i > core_end]
    if whole_page:
        _read_tail(lines, tail, junk | appeals, layout)
    else:
        for i in tail:
            (layout.removed if i in junk else layout.body).append(i)
    layout.body.sort()
    layout.removed.sort()
    return layout


def _section_end(lines: list[str], nonempty: list[int], paragraphs: list[int]) -> int:
    """The line where a comment thread or a "most read" list begins, if it comes after half the article."""
    halfway = paragraphs[len(paragraphs) // 2]
    pattern = _section_end_pattern()
    for i in nonempty:
        if i > halfway and pattern.match(lines[i]):
            return i
    return len(lines)


def _first_content_line(lines: list[str], nonempty: list[int], junk: set[int]) -> int:
    for i in nonempty:
        if i not in junk and dateline_date(lines[i]) is None and not parse_byline(lines[i])[0]:
            return i
    return len(lines)


def _read_head(lines, head, junk, layout, known_title, whole_page) -> None:
    candidates = []
    for i in head:
        line = lines[i]
        if i in junk:
            layout.removed.append(i)
        elif dateline_date(line):
            layout.datelines.append(i)
        elif parse_byline(line)[0]:  # a trailing date is split off inside parse_byline
            layout.bylines.append(i)
        else:
            candidates.append(i)
    if whole_page or known_title:
        layout.title = _pick_title(lines, candidates, layout, known_title)
    rest = [i for i in candidates if i != layout.title]
    (layout.removed if whole_page else layout.body).extend(rest)


def _pick_title(lines, candidates, layout, known_title) -> int | None:
    if known_title:
        return next((i for i in candidates if lines[i].casefold() == known_title.casefold()), None)
    titles = [i for i in candidates if looks_like_title(lines[i])]
    if not titles:
        return None
    for meta in (layout.bylines, layout.datelines):  # the title stands just above the byline or dateline
        before = [i for i in titles if meta and i < meta[0]]
        if before:
            return before[-1]
    return max(titles, key=lambda i: len(lines[i]))


def _fragment_among_junk(pos: int, lines: list[str], nonempty: list[int], junk: set[int]) -> bool:
    """A caption or label inside the article (the `pos`-th non-empty line) with furniture on both sides."""
    if not is_fragment(lines[nonempty[pos]]):
        return False
    before = nonempty[pos - 1] if pos > 0 else None
    after = nonempty[pos + 1] if pos + 1 < len(nonempty) else None
    if before is None and after is None:
        return False  # the page's only line is its text
    return (before is None or before in junk) and (after is None or after in junk)


def _read_tail(lines: list[str], tail: list[int], junk: set[int], layout: PageLayout) -> None:
    """After the last paragraph, short closing sentences stay until the first piece of furniture."""
    open_ = True
    for i in tail:
        line = lines[i]
        if open_ and i not in junk and SENTENCE_END.search(line) and dateline_date(line) is None:
            layout.body.append(i)
        else:
            open_ = False
            layout.removed.append(i)
