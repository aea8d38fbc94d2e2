"""Numbers an event is told with: counts ("at least 900 air raids"), money ("$10 billion"), percentages."""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

from newsevents.model import Quantity

_WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
}
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "k": 1e3, "m": 1e6, "bn": 1e9}
_CURRENCIES = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₽": "RUB"}
_CURRENCY_WORDS = {"dollar": "USD", "euro": "EUR", "pound": "GBP", "rouble": "RUB", "ruble": "RUB", "yuan": "CNY"}
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_LABELS = {"CARDINAL", "MONEY", "PERCENT", "QUANTITY"}


def parse_number(text: str) -> float | None:
    """'10,000' -> 10000.0, '$10 billion' -> 1e10, 'twenty-five' -> 25; None if no number is written."""
    lowered = text.lower().replace("-", " ")
    match = _NUMBER.search(lowered)
    value: float | None
    if match:
        value = float(match.group(0).replace(",", ""))
    else:
        words = [w for w in lowered.split() if w in _WORD_NUMBERS]
        if not words:
            return None
        value = float(sum(_WORD_NUMBERS[w] for w in words if w != "hundred"))
        if "hundred" in words:
            value = (value or 1) * 100
    for word, scale in _SCALES.items():
        if re.search(rf"(?<![a-z]){word}(?![a-z])", lowered):
            value *= scale
            break
    return value


def find_quantities(ents: list[Span], tokens: set[int]) -> list[Quantity]:
    """Quantities among the entities of a sentence (`Span.ents`, computed once per sentence) whose head
    is in one clause's `tokens`, or in a participial clause of it that tells the act's toll ("struck PKK
    camps, killing at least 30 militants": the strike's 30 dead)."""
    out = []
    tokens = _with_participles(ents, tokens)
    for ent in ents:
        if ent.label_ not in _LABELS or ent.root.i not in tokens:
            continue
        if ent.label_ == "CARDINAL" and re.fullmatch(r"(?:19|20)\d{2}", ent.text.strip()):
            continue  # a bare year
        value = parse_number(ent.text)
        if value is None:
            continue
        unit = _unit(ent)
        if unit is None:
            continue
        out.append(Quantity(value=value, unit=unit, text=ent.text, start=ent.start_char, end=ent.end_char))
    return out


def _with_participles(ents: list[Span], tokens: set[int]) -> set[int]:
    if not ents or not tokens:
        return tokens
    doc = ents[0].doc
    extra: set[int] = set()
    for i in tokens:
        for child in doc[i].children:
            if child.dep_ == "advcl" and child.tag_ == "VBG" and child.i not in tokens and not any(c.dep_ == "mark" for c in child.children):
                extra.update(t.i for t in child.subtree)
    return tokens | extra if extra else tokens


def _unit(ent: Span) -> str | None:
    text = ent.text.lower()
    if ent.label_ == "PERCENT" or "percent" in text or "%" in text:
        return "percent"
    if ent.label_ == "MONEY":
        for symbol, code in _CURRENCIES.items():
            if symbol in ent.text:
                return code
        for word, code in _CURRENCY_WORDS.items():
            if word in text:
                return code
        return "money"
    head: Token = ent.root
    if head.dep_ in ("nummod", "quantmod") or head.head.pos_ in ("NOUN", "PROPN"):
        noun = head.head if head.head.i != head.i else head
        if noun.pos_ in ("NOUN", "PROPN") and noun.i >= ent.end - 1:
            return noun.lemma_.lower()
    if head.pos_ == "NOUN":
        return head.lemma_.lower()
    return None
