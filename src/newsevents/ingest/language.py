"""Language of an article's text: lingua's n-gram models for article-length text, a stop-word vote for
short texts (a headline full of names reads as Welsh or Tswana to character n-grams)."""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

SAMPLE_CHARS = 2000  # enough text for a sure guess; longer samples only cost time
MIN_LETTERS = 20
TOO_FEW_WORDS = 8
SHORT_TEXT_WORDS = 30
CLEARLY_ENGLISH = 0.25
_WORD = re.compile(r"[^\W\d_]+")
_VOTING_LANGUAGES = ("en", "fr", "de", "es", "it", "pt", "nl", "sv", "pl", "tr")


@lru_cache(maxsize=1)
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    # Low-accuracy mode uses trigrams only: much faster and lighter, and as good on paragraph-length
    # text. Latin and Esperanto are left out: no news comes in them, and names often look like them.
    return (
        LanguageDetectorBuilder.from_all_languages_without(Language.LATIN, Language.ESPERANTO)
        .with_low_accuracy_mode()
        .build()
    )


@lru_cache(maxsize=1)
def _stop_words() -> dict[str, frozenset[str]]:
    """spaCy's stop-word lists, each module loaded from its file alone: importing `spacy.lang.fr.stop_words`
    would run `spacy.lang.fr` first, whose tokenizer exceptions take 3 s to compile, for nothing used here."""
    languages = importlib.util.find_spec("spacy.lang")
    base = Path(languages.submodule_search_locations[0]) if languages is not None else None
    lists = {}
    for lang in _VOTING_LANGUAGES:
        path = base / lang / "stop_words.py" if base is not None else None
        if path is None or not path.is_file():
            continue  # a language spaCy dropped: the vote goes on without it
        spec = importlib.util.spec_from_file_location(f"_newsevents_stop_words_{lang}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        lists[lang] = frozenset(module.STOP_WORDS)
    return lists


def detect_language(text: str) -> str:
    """ISO 639-1 code of the text's language, or "und" when there is too little text to tell."""
    sample = text[:SAMPLE_CHARS]
    letters = sum(map(str.isalpha, sample))
    words = [w.lower() for w in _WORD.findall(sample)]
    latin = letters > 0 and sum(len(w) for w in words if w.isascii()) >= 0.5 * letters
    if latin and len(words) < TOO_FEW_WORDS:
        return "en"  # too little to judge; coding an English-looking snippet costs nothing
    if letters < MIN_LETTERS:
        return "und"
    if latin and len(words) < SHORT_TEXT_WORDS:
        return _stop_word_vote(words)
    if latin and _clearly_english(words):
        return "en"  # most input is English: skip the n-gram models, the slowest step of cleaning
    language = _detector().detect_language_of(sample)
    return language.iso_code_639_1.name.lower() if language is not None else "und"


@lru_cache(maxsize=1)
def _languages_of_word() -> dict[str, tuple[str, ...]]:
    """Stop word -> the languages it is a stop word of: one dictionary lookup per word for the vote."""
    index: dict[str, list[str]] = {}
    for lang, stops in _stop_words().items():
        for word in stops:
            index.setdefault(word, []).append(lang)
    return {word: tuple(langs) for word, langs in index.items()}


def _stop_word_hits(words: list[str]) -> Counter[str]:
    index = _languages_of_word()
    hits: Counter[str] = Counter({lang: 0 for lang in _stop_words()})
    for word in words:
        hits.update(index.get(word, ()))
    return hits


def _clearly_english(words: list[str]) -> bool:
    """A quarter of the words are English stop words, three times as many as any other language's."""
    hits = _stop_word_hits(words)
    english = hits.pop("en", 0)
    return english >= CLEARLY_ENGLISH * len(words) and english >= 3 * max(hits.values(), default=0)


def _stop_word_vote(words: list[str]) -> str:
    """The language whose stop words a short text uses clearly most; English unless another language
    leads it by two words or more, since short lists share many stop words ("in", "men", "die")."""
    hits = _stop_word_hits(words)
    english = hits.pop("en", 0)
    best = max(hits, key=lambda lang: hits[lang], default="en")
    return best if hits.get(best, 0) >= english + 2 else "en"
