"""Metadata found in the text itself: datelines, bylines, dates in URLs."""

from __future__ import annotations

import re
from datetime import date

from newsevents.dates.parse import parse_absolute_date

_MONTHS = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_DATELINE = re.compile(
    rf"^(?:(?:published|posted|updated|date)[:\s]+)?{_WEEKDAY}"
    rf"(?:{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS},?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})"
    r"(?:[,\s]+(?:at\s+)?\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s+[A-Z]{2,4})?)?\s*$",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"^by\s+(?P<names>[^,–—|]+?)(?:\s*[,|–—-]\s*(?P<outlet>[^,–—|]+?))?\s*[–—-]?\s*$", re.IGNORECASE)
_URL_DATE = re.compile(r"/(?P<y>(?:19|20)\d{2})[/-](?P<m>\d{1,2})(?:[/-](?P<d>\d{1,2}))?(?:/|$|-)")


def looks_like_dateline(line: str) -> bool:
    return bool(_DATELINE.match(line.strip()))


_TRAILING_DATE = re.compile(
    rf"\s*[,|–—-]?\s*(?P<date>{_WEEKDAY}(?:{_MONTHS}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTHS},?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}}))\s*$",
    re.IGNORECASE,
)


def split_byline_date(line: str) -> tuple[str, str | None]:
    """'By X, Outlet – 10 May 2019' -> ('By X, Outlet', '2019-05-10')."""
    match = _TRAILING_DATE.search(line)
    if not match or not line.lower().startswith("by "):
        return line, None
    return line[: match.start()].rstrip(" ,|–—-"), normalize_date(match.group("date"))


def looks_like_byline(line: str) -> bool:
    line = split_byline_date(line)[0]
    match = _BYLINE.match(line.strip())
    if not match or len(line.split()) > 12:
        return False
    names = match.group("names")
    return all(part[:1].isupper() for part in re.split(r"\s+(?:and|&)\s+|\s+", names.strip()) if part not in {"al-", "bin", "de", "van", "von"})


def parse_byline(line: str) -> tuple[list[str], str | None]:
    """'By Jane Doe and John Roe, The Example Post –' -> (['Jane Doe', 'John Roe'], 'The Example Post')."""
    match = _BYLINE.match(split_byline_date(line)[0].strip())
    if not match:
        return [], None
    names = [n.strip() for n in re.split(r"\s+(?:and|&)\s+", match.group("names")) if n.strip()]
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
