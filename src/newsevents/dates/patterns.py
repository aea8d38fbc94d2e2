"""The rules: one regex per kind of expression, with a guard that looks at the context.

Rules are tried in order and the first rule to claim a stretch of text wins, so longer and more specific
forms come first. A guard only decides whether the text is a date expression at all; resolving it to a
date happens later, left to right (see resolve.py), because chains ("the next day") need what came before.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from newsevents.dates.lexicon import DAY, MONTH, NUMBER, ORDINAL, PART, SEASON, WEEKDAY, WEEKDAY_OPT, YEAR

Guard = Callable[[re.Match[str], str], bool]

_UNIT = r"(?P<unit>day|week|fortnight|month|year|decade|centur(?:y|ie))s?"
_SPAN_UNIT = r"(?P<unit>week|month|year|quarter|decade|century|spring|summer|fall|autumn|winter)"
_NOT_FOLLOWED_BY_NOUN = r"(?!\s+(?:the|a|an|his|her|its|their|our|my|your|this|that|[A-Z0-9]))"


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: re.Pattern[str]
    guard: Guard | None = None
    needs: tuple[str, ...] = ()  # GATES a text must pass before the pattern is tried: a fast skip
    anchor: str | None = None  # an ANCHORS word every match holds: the pattern only runs around those words


# Words a text must hold for a rule to be tried, checked once per text as plain substrings of the
# lowercased text (much faster than a regex). Each is a superset test: it may pass a text the rule then
# does not match, never the reverse.
GATES: dict[str, tuple[str, ...]] = {
    "digit": tuple("0123456789"),
    "month": ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
    "weekday": ("day",),
    "unit": ("second", "minute", "hour", "day", "week", "fortnight", "month", "year", "decade", "centur", "quarter",
             "morning", "afternoon", "evening", "night", "spring", "summer", "fall", "autumn", "winter"),
    "ago": ("ago", "earlier", "later", "before", "after", "now", "hence", "previously", "prior"),
    "season": ("spring", "summer", "fall", "autumn", "winter"),
    "relative": ("last", "this", "next", "past", "coming", "current", "previous", "preceding", "earl", "late", "mid"),
    "part": ("morning", "afternoon", "evening", "night"),
    "today": ("yesterday", "today", "tomorrow", "tonight"),
    "half": ("half",),
    "century": ("centur",),
    "decade": ("0s", "0's", "0’s"),
    "holiday": ("christmas", "new year", "boxing", "valentine", "halloween", "bastille"),
    "vague": ("now", "present", "these days", "time being", "moment", "current", "recent", "lately", "past",
              "other day", "future", "soon", "term"),
}
# Words every match of some rules holds: those rules only run in windows around them.
ANCHORS: dict[str, re.Pattern[str]] = {
    "month": re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", re.I),
    "weekday": re.compile(r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day", re.I),
}


def _before(text: str, start: int, size: int = 30) -> str:
    return text[max(0, start - size) : start]


# --- guards -------------------------------------------------------------------------------------------------

# Words after a "March 8" that make it a name ("the March 8 movement"), not the date of something.
_NAME_NOUNS = re.compile(r"^\s+(?:movement|alliance|coalition|bloc|group|brigades?|martyrs|revolution|youth|forces?|camp)\b", re.I)


def _month_case(m: re.Match[str], text: str) -> bool:
    """News capitalises months; lowercase 'may 5' / 'march 3' are a verb and a number."""
    month = m.group("month")
    if month[0].islower() and month.lower().rstrip(".") in ("may", "march", "mar", "jan", "sun", "sat"):
        return False
    return not _NAME_NOUNS.match(text[m.end() :])


_MONTH_CONTEXT = re.compile(
    r"(?:\b(?:in|on|since|until|till|by|during|last|this|next|early|late|mid|of|from|to|through|between|and|or|"
    r"before|after|around|throughout|end|beginning|start|middle|coming|past|each|every)\s+|mid-)$",
    re.I,
)
_AMBIGUOUS_MONTHS = ("may", "march", "jan", "sun", "sat", "mar", "aug", "dec", "oct", "sep", "sept", "nov", "feb", "apr", "jun", "jul")


def _bare_month(m: re.Match[str], text: str) -> bool:
    """A month name alone: capitalised, and for May/March and abbreviations, after a preposition or modifier."""
    month = m.group("month")
    if m.group("which"):
        return month[0].isupper()
    if not month[0].isupper() or month.isupper() and len(month) > 3:
        return False
    if text[m.end() : m.end() + 1] == "-" or re.match(r"\s+\d", text[m.end() :]):
        return False  # "March-April", a number after it is handled by other rules or is not a date
    if month.lower().rstrip(".") in _AMBIGUOUS_MONTHS:
        return bool(_MONTH_CONTEXT.search(_before(text, m.start())))
    # A month name starting a sentence may still be a name ("June Carter"): then a capitalised word follows.
    return not re.match(r"\s+[A-Z][a-z]", text[m.end() :]) or bool(_MONTH_CONTEXT.search(_before(text, m.start())))


# Numbers that are labels or quantities, not years: "Resolution 2254", "$2015", "F-2000", "at 1900 GMT".
_YEAR_BEFORE_NOT = re.compile(
    r"(?:[$€£#\-/.:,]|\b(?:resolution|resolutions|no|nos|number|article|section|chapter|flight|route|highway|room|"
    r"page|pages|pp|version|model|code|decree|order|rule|bill|exit|bus|line|road|platform|gate|"
    r"suite|unit|box|item|case|file|form|vol|volume|issue|paragraph|clause|annex|phase|serial|type|series|"
    r"cal|calibre|caliber|mark|mk|iso|ieee|rfc|unscr)\.?\s*)$",
    re.I,
)
_YEAR_AFTER_NOT = re.compile(
    r"^(?:[\d%]|,\d|\.\d|\s*(?:gmt|utc|bst|est|edt|cet|cest|pst|pdt|msk|ist|z\b|zulu|hours?|hrs?\b|h\b|local\s+time|"
    r"%|percent|per\s*cent|km|kms|kilomet|miles?|met(?:er|re)s?|feet|ft\b|kg|kilo|tonnes?|tons?|barrels|mw|"
    r"points?|pounds|dollars|euros|yuan|rubles?|roubles?|troops|soldiers|people|residents|refugees|"
    r"-(?!(?:1[5-9]|20)\d\d\b)(?:\d{3,}|[a-z]*[A-Z])))",
    re.I,
)
_QUANTITY_BEFORE = re.compile(
    r"\b(?:some|about|around|nearly|almost|approximately|roughly|than|least|only|just|total\s+of|over|under|"
    r"up\s+to|another|additional|extra)\s+$",
    re.I,
)


def _year(m: re.Match[str], text: str) -> bool:
    before, after = _before(text, m.start()), text[m.end() : m.end() + 24]
    if re.search(r"\b(?:mid|pre|post)-$|(?<!\d)(?:1[5-9]|20)\d\d\s*[-–]\s*$", before, re.I):
        return True  # "mid-2011", "post-2014", the end of "2003-2011"
    if _YEAR_BEFORE_NOT.search(before) or _YEAR_AFTER_NOT.match(after):
        return False
    if re.search(r"[A-Za-z]$", before):
        return False  # glued to a word: "A2015", "FY" is its own rule
    if _QUANTITY_BEFORE.search(before) and re.match(r"\s+[a-z]", after):
        return False  # "some 1900 people"
    if re.search(r"\bat\s+$", before, re.I) and int(m.group(0)[:2]) < 24 and int(m.group(0)[2:]) < 60 and not re.match(r"\s*[,.;]", after):
        return False  # "at 1900" is a clock time
    return True


def _decade(m: re.Match[str], text: str) -> bool:
    if m.group("short"):  # "the '80s", "the 70s and 80s" but not "in their 80s"
        said = m.group(0).lower()
        return "'" in said or "’" in said or said.startswith("the") or bool(re.search(r"\b(?:the|and|or|to)\s+$", _before(text, m.start()), re.I))
    return True


# Named days that are not the weekday near the reference date.
_NAMED_DAYS = re.compile(r"\b(?:Black|Bloody|Super|Good|Ash|Holy|Maundy|Palm|Easter|Cyber|Blue|Whit|Shrove|Orthodox)\s+$")


def _weekday(m: re.Match[str], text: str) -> bool:
    return m.group("weekday")[0].isupper() and not _NAMED_DAYS.search(_before(text, m.start()))


def _two_digit_year(m: re.Match[str], text: str) -> bool:
    """'82 as a year ("class of '82", "in '89"): after a word that takes a year, not before a number or unit."""
    if re.match(r"\s*(?:%|\d|percent|per\s+cent)", text[m.end() :]):
        return False
    return bool(re.search(r"(?:\b(?:of|in|since|class|by|until|from|to|and|through)|[A-Z][a-z]+)\s+$", _before(text, m.start())))


def _season(m: re.Match[str], text: str) -> bool:
    """'spring' and 'fall' are also a water source, a verb and a defeat ('the fall of Aleppo'): a season with no
    year needs a determiner (last, this, next) or a preposition before it, and no 'of' after it."""
    if re.match(r"\s+of\b", text[m.end() :]):
        return False
    which = (m.group("which") or "").lower()
    if which in ("last", "this", "next", "past", "coming", "that"):
        return True
    before = _before(text, m.start())
    if not which and re.search(r"[A-Z]\w*\s+$", before):
        return False  # "Arab Spring"
    return bool(re.search(r"\b(?:in|during|by|until|till|since|through|over|before|after|early|late|mid)\s+$", before, re.I))


def _vague(m: re.Match[str], text: str) -> bool:
    word = m.group(0).lower()
    if word == "current":  # "the current crisis", not the electrical "current"
        return bool(re.match(r"\s+[a-z]", text[m.end() :])) and not re.match(r"\s+(?:of|flow|flows|through|in)\b", text[m.end() :])
    return True


# --- the rules ----------------------------------------------------------------------------------------------

_FLAGS = re.I


# Rules whose every match holds an ANCHORS word; scanning only near those words is faster.
_ANCHORED = {
    "mdy": "month", "dmy": "month", "md": "month", "dm": "month", "month_year": "month", "month": "month",
    "weekday": "weekday", "chain_weekday": "weekday",
}


def _r(name: str, pattern: str, guard: Guard | None = None, needs: tuple[str, ...] = ()) -> Rule:
    return Rule(name, re.compile(pattern, _FLAGS), guard, needs, _ANCHORED.get(name))


RULES: list[Rule] = [
    # explicit calendar dates
    _r("iso", r"\b(?P<year>\d{4})-(?P<mnum>[01]\d)-(?P<day>[0-3]\d)\b(?!-\d)", needs=('digit',)),
    _r("slash", r"(?<![\d/])(?P<mnum>[01]?\d)/(?P<day>[0-3]?\d)/(?P<year>\d{4}|\d{2})(?![\d/])", needs=('digit',)),
    _r("mdy", rf"\b{WEEKDAY_OPT}{MONTH}\s*{DAY}(?:,\s*|\s+){YEAR}\b(?!\d|:\d)", _month_case, needs=('digit', 'month')),
    _r("dmy", rf"\b{WEEKDAY_OPT}(?:the\s+)?{DAY}\s+(?:of\s+)?{MONTH},?\s+{YEAR}\b(?!\d|:\d)", _month_case, needs=('digit', 'month')),
    _r("md", rf"\b{WEEKDAY_OPT}{MONTH}\s*{DAY}\b(?!\s*(?:,\s*)?\d|[:%.]\d|\s*%)", _month_case, needs=('digit', 'month')),
    _r("dm", rf"\b{WEEKDAY_OPT}(?:the\s+)?{DAY}\s+(?:of\s+)?{MONTH}(?!\w)", _month_case, needs=('digit', 'month')),
    _r("holiday", rf"\b(?P<holiday>new\s+year'?s\s+(?:day|eve)|christmas(?:\s+(?:eve|day))?|boxing\s+day|valentine'?s\s+day|halloween|bastille\s+day)(?:,?\s+{YEAR})?\b", needs=('holiday',)),
    # named spans inside a year
    _r("season_year", rf"\b(?:the\s+)?{SEASON}\s+(?:of\s+)?{YEAR}\b", needs=('digit', 'season')),
    _r("quarter", rf"\b(?:the\s+)?{ORDINAL}[\s-]+(?:fiscal\s+|financial\s+|calendar\s+)?quarter(?:\s+of\s+(?:(?:fiscal\s+)?{YEAR}|(?P<rel>this|last|next|the\s+(?:current|previous|past)|the\s+same)\s+(?:fiscal\s+)?year))?\b", needs=('unit',)),
    _r("q_year", rf"\b(?P<q>Q[1-4])\s+{YEAR}\b", needs=('digit',)),
    _r("half", rf"\b(?:the\s+)?(?P<h>first|second|latter|1st|2nd)[\s-]+half(?:\s+of\s+(?:{YEAR}|(?P<rel>this|last|next|the\s+(?:current|previous|past))\s+year))?\b", needs=('half',)),
    _r("month_year", rf"\b{MONTH},?\s+(?:of\s+)?{YEAR}\b(?!\d|:\d)", _month_case, needs=('digit', 'month')),
    _r("fiscal", rf"\b(?:fiscal(?:\s+year)?\s+|FY\s?){YEAR}\b", needs=('digit',)),
    _r("decade", r"\b(?:the\s+)?(?:(?P<mod>early|mid|late)[\s-]+)?(?:(?P<dec>1[5-9]\d0|20\d0)'?s|['’]?(?P<short>[1-9]0)'?s)\b", _decade, needs=('digit', 'decade')),
    _r("century", r"\b(?:the\s+)?(?:(?P<mod>early|mid|late)[\s-]+)?(?:(?P<c>\d{1,2})(?:st|nd|rd|th)|(?P<cw>nineteenth|twentieth|twenty-first|eighteenth))[\s-]+century\b", needs=('century',)),
    # relative to the reference date or to an earlier date
    _r("same_period", r"\b(?:the\s+)?same\s+(?:period|time|month|quarter|week|day|season)\s+(?:of\s+)?(?:last\s+year|the\s+(?:previous|last|prior|preceding)\s+year|a\s+year\s+(?:ago|earlier|before))\b", needs=('unit',)),
    _r("ago", rf"\b{NUMBER}\s+{_UNIT}\s+(?P<dir>ago|earlier|later|before|after|from\s+now|hence|previously|prior)\b", needs=('unit', 'ago')),
    _r("part_rel", rf"\b(?P<word>yesterday|today|tomorrow|this|last|tonight)\s+{PART}\b", needs=('part',)),
    _r("rel_day", r"\b(?P<word>the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|(?:earlier|later)\s+today|yesterday|today|tomorrow|tonight)\b", needs=('today',)),
    _r("chain_weekday", rf"\b(?:the|that)\s+(?P<which>following|previous|preceding|next|prior)\s+{WEEKDAY}\b", _weekday, needs=('weekday',)),
    _r("weekday", rf"\b(?:(?P<which>last|this\s+past|this\s+coming|this|next|past|coming)\s+)?{WEEKDAY}(?:'s)?(?:\s+{PART})?\b", _weekday, needs=('weekday',)),
    _r("weekend", r"\b(?P<which>the|last|this\s+past|this|next|past|coming|that|the\s+previous|the\s+following|the\s+next)\s+weekend\b", needs=('unit',)),
    _r("chain_same", r"\b(?:(?P<pre>later|earlier)\s+)?(?P<which>that|the\s+same|that\s+same|the\s+very\s+same)\s+(?P<unit>day|week|month|year|morning|afternoon|evening|night)\b", needs=('unit',)),
    _r("chain_rel", r"\b(?P<which>the\s+(?:very\s+)?(?:next|following|previous|preceding|prior|subsequent))\s+(?P<unit>day|week|month|year|morning|afternoon|evening|night|spring|summer|fall|autumn|winter)\b", needs=('unit',)),
    _r("chain_rel_post", rf"\b(?P<which>the)\s+(?P<unit>day|week|month|year|night)\s+(?P<dir>before|after|earlier|later)\b{_NOT_FOLLOWED_BY_NOUN}", needs=('unit', 'ago')),
    _r("the_day", r"\b(?:late\s+in\s+|early\s+in\s+)?the\s+day\b(?!\s+(?:of|when|that|before|after|on|in|which|he|she|they|it|we|i|you|to|and|or|is|was|will)\b|')", needs=('unit',)),
    _r("past_span", rf"\b(?P<which>the\s+(?:past|next|coming|last|first|final)|over\s+the\s+(?:last|past))\s+(?:{NUMBER}\s+)?(?P<unit>days?|weeks?|months?|years?|decades?|centuries|century|quarters?|hours?|minutes?)\b", needs=('unit',)),
    _r("pos_of", r"\b(?:the\s+)?(?:very\s+)?(?P<pos>end|beginning|start|middle|close|turn)\s+of\s+the\s+(?P<unit>week|month|year|decade|century)\b(?!\s+(?:of|before|after)\b)", needs=('unit',)),
    _r("rel_span", rf"\b(?P<which>last|this\s+past|this|next|past|coming|current|the\s+current|this\s+coming|previous|the\s+previous|the\s+preceding)\s+{_SPAN_UNIT}\b", needs=('relative',)),
    _r("rel_span_mod", rf"\b(?P<mod>earlier|later|early|late|mid|the\s+end\s+of|the\s+beginning\s+of|the\s+start\s+of)\s+(?P<which>this|last|next)\s+{_SPAN_UNIT}\b", needs=('relative',)),
    _r("duration", rf"\b(?:(?:about|around|almost|nearly|more\s+than|less\s+than|fewer\s+than|over(?!\s+the\b)|approximately|roughly|at\s+least|up\s+to)\s+)?{NUMBER}[\s-]+(?P<unit>seconds?|minutes?|hours?|days?|weeks?|fortnights?|months?|years?|decades?|centuries|century)(?:[\s-]+(?:long|old))?\b", needs=('unit',)),
    _r("vague_duration", r"\b(?:(?:for|over)\s+(?:the\s+)?|in\s+recent\s+|recent\s+)(?P<unit>days|weeks|months|years|decades|centuries)\b", needs=('unit',)),
    _r("vague", r"\b(?:now|nowadays|presently|at\s+present|these\s+days|the\s+time\s+being|at\s+the\s+moment|current"
       r"|recently|lately|the\s+past|the\s+other\s+day|the\s+(?:near\s+|distant\s+)?future|soon|the\s+(?:near|short|long|medium)\s+term)\b", _vague, needs=("vague",)),
    # years and months on their own, last: they are parts of the longer forms above
    _r("season", rf"\b(?:(?P<which>last|this|next|past|coming|the|that)\s+)?{SEASON}\b", _season, needs=('season',)),
    _r("two_digit_year", r"(?<![\w'])['’](?P<yy>\d\d)\b", _two_digit_year, needs=('digit',)),
    _r("year", rf"(?<![\w'’]){YEAR}(?![\w'’]|-\d\d(?!\d))", _year, needs=('digit',)),
    _r("month", rf"(?<!\w)(?:(?<=mid-)|(?<!-))(?:(?P<which>last|this\s+past|this\s+coming|this|next|coming|past)\s+)?{MONTH}(?!\w)", _bare_month, needs=('month',)),
]

# Context words that may precede an expression and belong to its TimeML extent: they qualify it without
# changing its value ("early 2009", "late last year", "the end of March").
MODIFIER_BEFORE = re.compile(
    r"(?:\b(?:the\s+)?(?:very\s+)?(?:end|beginning|start|middle|close|turn|rest|remainder|course)\s+of\s+(?:the\s+)?"
    r"|\b(?:early|late|earlier|later|mid)[\s-]+|\bmid-)$",
    re.I,
)
# A preposition before an expression: kept in the mention's text (the event record shows "on Tuesday").
PREPOSITION_BEFORE = re.compile(
    r"\b(?:on|in|since|until|till|by|during|over|at|from|of|before|after|through|throughout|for|within|as\s+of)\s+$",
    re.I,
)
