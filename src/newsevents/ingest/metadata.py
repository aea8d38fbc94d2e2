"""Metadata found in the text itself: datelines, bylines, dates in URLs, in the languages news comes in."""

from __future__ import annotations

import re
from datetime import date

from newsevents.dates.parse import parse_absolute_date

# Month names (and common abbreviations) by language; Russian in the genitive, as dates write them.
MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: ("january", "jan", "janvier", "janv", "januar", "jänner", "enero", "ene", "gennaio", "janeiro", "января", "ocak"),
    2: ("february", "feb", "février", "févr", "februar", "febrero", "febbraio", "fevereiro", "февраля", "şubat"),
    3: ("march", "mar", "mars", "märz", "marzo", "março", "марта", "mart"),
    4: ("april", "apr", "avril", "abril", "aprile", "апреля", "nisan"),
    5: ("may", "mai", "mayo", "maggio", "maio", "мая", "mayıs"),
    6: ("june", "jun", "juin", "juni", "junio", "giugno", "junho", "июня", "haziran"),
    7: ("july", "jul", "juillet", "juil", "juli", "julio", "luglio", "julho", "июля", "temmuz"),
    8: ("august", "aug", "août", "agosto", "августа", "ağustos"),
    9: ("september", "sep", "sept", "septembre", "septiembre", "settembre", "setembro", "сентября", "eylül"),
    10: ("october", "oct", "octobre", "oktober", "octubre", "ottobre", "outubro", "октября", "ekim"),
    11: ("november", "nov", "novembre", "noviembre", "novembro", "ноября", "kasım"),
    12: ("december", "dec", "décembre", "déc", "dezember", "diciembre", "dic", "dicembre", "dezembro", "декабря", "aralık"),
}
_MONTH_OF = {name: number for number, names in MONTH_NAMES.items() for name in names}
_MONTH = "|".join(sorted((re.escape(n) for n in _MONTH_OF), key=len, reverse=True))
_DAY_MONTH_YEAR = re.compile(rf"\b(?P<d>[0-3]?\d)(?:st|nd|rd|th|er|\.|º)?\s+(?:de\s+|of\s+)?(?P<m>{_MONTH})\.?,?\s+(?:de\s+)?(?P<y>(?:19|20)\d\d)\b", re.I)
_MONTH_DAY_YEAR = re.compile(rf"\b(?P<m>{_MONTH})\.?\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)\b", re.I)
_NUMERIC = re.compile(r"\b(?P<d>[0-3]?\d)[./](?P<m>[01]?\d)[./](?P<y>(?:19|20)\d\d)\b")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_ISO = re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b")
_LETTERS = re.compile(r"[^\W\d_]+")
# Words a dateline may carry besides the date: weekdays, "published", times, zones, reading times.
_DATELINE_WORDS = {
    "published", "posted", "updated", "date", "on", "at", "am", "pm", "min", "mins", "read", "minutes", "uhr", "h",
    "à", "a", "las", "de", "le", "el", "am", "um", "du", "del", "в", "г", "гг", "publié", "veröffentlicht",
    "publicado", "pubblicato", "опубликовано", "обновлено", "mis", "jour", "aktualisiert", "actualizado",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mon", "tue", "tues", "wed",
    "thu", "thurs", "fri", "sat", "sun", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag", "lunes", "martes",
    "miércoles", "jueves", "viernes", "sábado", "domingo", "понедельник", "вторник", "среда", "четверг",
    "пятница", "суббота", "воскресенье",
}
MAX_DATELINE_OTHER_WORDS = 3

# "By X", "Words by X", "Par X", "Von X", "Por X", "Di X", "Автор: X" ... then names, an outlet, a date.
_BYLINE_PREFIX = r"(?:by|words by|written by|reporting by|story by|text by|posted by|published by|par|von|por|di|автор|текст|yazan)"
_BYLINE = re.compile(
    rf"^{_BYLINE_PREFIX}\s*:?\s+(?P<names>[^,–—|·]+?)(?:\s*[,|–—·-]\s*(?P<outlet>[^,–—|·]+?))?\s*[–—-]?\s*$", re.IGNORECASE
)
_NAME_PARTICLES = {"al-", "al", "bin", "de", "da", "van", "von", "der", "du", "la", "le", "el", "ibn", "abu"}
_URL_DATE = re.compile(r"/(?P<y>(?:19|20)\d{2})[/-](?P<m>\d{1,2})(?:[/-](?P<d>\d{1,2}))?(?:/|$|-)")


def full_dates(text: str) -> list[date]:
    """Every full date (day, month, year) written in a text, in any of the supported languages.

    The patterns run only around the years in the text: the month-name alternation is slow to search
    through a whole article."""
    found = []
    for year in _YEAR.finditer(text):
        start = max(0, year.start() - 30)
        window, at = text[start : year.end() + 6], year.start() - start
        for pattern in (_ISO, _DAY_MONTH_YEAR, _MONTH_DAY_YEAR, _NUMERIC):
            for match in pattern.finditer(window):
                if match.start("y") == at:  # the date whose year this is
                    value = _match_date(pattern, match)
                    if value is not None:
                        found.append(value)
                        break
            else:
                continue
            break
    return found


def _match_date(pattern: re.Pattern[str], match: re.Match[str]) -> date | None:
    month, day = match["m"], int(match["d"])
    month_number = int(month) if month.isdigit() else _MONTH_OF.get(month.lower().rstrip("."))
    if pattern is _NUMERIC and month_number and month_number > 12 and day <= 12:
        month_number, day = day, month_number  # 11/18/2015: month first, as in the US
    try:
        return date(int(match["y"]), month_number or 0, day)
    except ValueError:
        return None


def find_line_date(line: str) -> tuple[str, int, int] | None:
    """The first full date (day, month, year) written in a line, in any of the supported languages:
    (YYYY-MM-DD, start, end)."""
    best = None
    for pattern in (_ISO, _DAY_MONTH_YEAR, _MONTH_DAY_YEAR, _NUMERIC):
        match = pattern.search(line)
        if not match or (best and best[1] <= match.start()):
            continue
        value = _match_date(pattern, match)
        if value is not None:
            best = (value.isoformat(), match.start(), match.end())
    return best


def dateline_date(line: str) -> str | None:
    """The date of a line that is a dateline (a date and little else), or None."""
    found = find_line_date(line)
    if found is None:
        return None
    rest = line[: found[1]] + " " + line[found[2] :]
    others = [w for w in _LETTERS.findall(rest.lower()) if w not in _DATELINE_WORDS and len(w) > 1]
    return found[0] if len(others) <= MAX_DATELINE_OTHER_WORDS else None


def split_byline_date(line: str) -> tuple[str, str | None]:
    """'By X, Outlet – 10 May 2019' -> ('By X, Outlet', '2019-05-10')."""
    found = find_line_date(line)
    if found is None or found[2] < len(line.rstrip()) - 12:  # the date must close the line (a time may follow)
        return line, None
    head = line[: found[1]].rstrip(" ,|–—-·")
    words = head.split()
    while words and words[-1].lower().strip(".,") in _DATELINE_WORDS:  # "– Thursday 14 June 2018"
        words.pop()
    return " ".join(words).rstrip(" ,|–—-·"), found[0]


def parse_byline(line: str) -> tuple[list[str], str | None]:
    """'By Jane Doe and John Roe, The Example Post –' -> (['Jane Doe', 'John Roe'], 'The Example Post')."""
    head = split_byline_date(line.strip())[0]
    match = _BYLINE.match(head.strip())
    if not match or len(head.split()) > 14:
        return [], None
    names = [n.strip() for n in re.split(r"\s+(?:and|&|et|und|y|e|и)\s+", match.group("names")) if n.strip()]
    for name in names:
        parts = [p for p in name.split() if p.lower() not in _NAME_PARTICLES]
        if not 1 <= len(parts) <= 4 or not all(p[:1].isupper() for p in parts):
            return [], None
    outlet = match.group("outlet")
    return names, outlet.strip() if outlet else None


def normalize_date(value: str) -> str | None:
    """Any date string a page or a record carries -> 'YYYY-MM-DD', or None."""
    value = value.strip()
    iso = re.match(r"^(\d{4})-(\d{2})-(\d{2})", value)
    if iso:
        try:
            return date(int(iso[1]), int(iso[2]), int(iso[3])).isoformat()
        except ValueError:
            return None
    found = find_line_date(value)
    if found is not None:
        return found[0]
    value = re.sub(r"^(?:(?:published|posted|updated|date)[:\s]+)", "", value, flags=re.IGNORECASE)
    parsed = parse_absolute_date(value)
    return parsed.isoformat() if parsed else None


def date_from_url(url: str) -> str | None:
    match = _URL_DATE.search(url)
    if not match:
        return None
    try:
        return date(int(match["y"]), int(match["m"]), int(match["d"] or 1)).isoformat() if match["d"] else None
    except ValueError:
        return None
