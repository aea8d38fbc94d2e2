"""Words that name calendar units, and the regex fragments built from them."""

from __future__ import annotations

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4, "may": 5,
    "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
    "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "a hundred": 100, "hundred": 100,
    "a couple of": 2, "a couple": 2, "couple of": 2, "a dozen": 12, "dozen": 12,
}
# Quantities with no number: TimeML writes X in their duration ("several years" -> PXY).
VAGUE_NUMBERS = ("a few", "few", "several", "some", "many", "a number of")
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20,
    "twenty-first": 21, "final": 4, "last": 4,
}
# First month of each season (northern hemisphere, meteorological); winter Y runs from December Y.
SEASON_START = {"spring": 3, "summer": 6, "fall": 9, "autumn": 9, "winter": 12}
SEASON_CODE = {3: "SP", 6: "SU", 9: "FA", 12: "WI"}
PARTS_OF_DAY = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "overnight": "NI"}
# Fixed-date holidays (month, day); moving feasts are left alone.
HOLIDAYS = {
    "new year's day": (1, 1), "new year's eve": (12, 31), "christmas eve": (12, 24), "christmas day": (12, 25),
    "christmas": (12, 25), "boxing day": (12, 26), "valentine's day": (2, 14), "halloween": (10, 31),
    "bastille day": (7, 14),
}

_MONTH_ALT = (
    r"january|february|march|april|may|june|july|august|september|october|november|december"
    r"|(?:jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\b\.?"
)
# Named groups used by the rules; each fragment is used at most once per pattern.
MONTH = rf"(?P<month>{_MONTH_ALT})(?!\w)"
DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
YEAR = r"(?P<year>1[5-9]\d\d|20\d\d)"
WEEKDAY = r"(?P<weekday>monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
WEEKDAY_OPT = r"(?:(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\.?,?\s+)?"
_NUM_ALT = (
    r"\d{1,3}(?:\.\d+)?|a\s+couple(?:\s+of)?|couple\s+of|a\s+dozen|a\s+hundred|an?|one|two|three|four|five|six|seven|eight|nine"
    r"|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty"
    r"|sixty|seventy|eighty|ninety|hundred|dozen"
)
NUMBER = rf"(?P<n>(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)-(?:one|two|three|four|five|six|seven|eight|nine))|{_NUM_ALT}|a\s+few|few|several|some|many)"
SEASON = r"(?P<season>spring|summer|fall|autumn|winter)"
ORDINAL = r"(?P<ord>first|second|third|fourth|final|last|1st|2nd|3rd|4th)"
PART = r"(?P<part>morning|afternoon|evening|night|overnight)"
# Prepositions that are kept in a mention's text but are not part of the TimeML extent.
LEAD_PREPS = r"(?:on|in|since|until|till|by|during|over|at|from|of|before|after|through|throughout|for|within|as\s+of)"


def month_number(name: str) -> int:
    key = name.lower().rstrip(".")
    return MONTHS[key] if key in MONTHS else MONTHS[key[:3]]


def number_value(text: str) -> int | float | None:
    """'two' -> 2, '18' -> 18, 'twenty-five' -> 25, 'a couple of' -> 2; vague words ('several') -> None."""
    key = " ".join(text.lower().split())
    if key in VAGUE_NUMBERS:
        return None
    if key.replace(".", "", 1).isdigit():
        return float(key) if "." in key else int(key)
    if "-" in key:
        tens, _, unit = key.partition("-")
        return NUMBER_WORDS.get(tens, 0) + NUMBER_WORDS.get(unit, 0)
    return NUMBER_WORDS.get(key)
