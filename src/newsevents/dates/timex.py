"""TimeML (TIMEX3) values for mentions, for scoring against TempEval-style gold.

Produced: days `2013-03-22`, weeks `2013-W11`, weekends `2013-W11-WE`, months `2013-03`, quarters `2013-Q1`,
halves `2013-H1`, seasons `2013-SU`, years `2013`, fiscal years `FY2013`, decades `201`, centuries `20`,
parts of days `2013-03-22TMO`, `PRESENT_REF` / `PAST_REF` / `FUTURE_REF`, durations `P2Y`, `PT3H`, `PXY`.
Unresolved mentions get X placeholders at their precision (`XXXX-XX-XX`, `XXXX-XX`, `XXXX`).
Not produced: clock times (`T18:00`), sets (`every week`), mod attributes, and durations' anchors.
"""

from __future__ import annotations

from newsevents.dates.lexicon import SEASON_CODE
from newsevents.dates.mention import DateMention

_UNRESOLVED = {
    "day": "XXXX-XX-XX", "weekend": "XXXX-WXX-WE", "week": "XXXX-WXX", "month": "XXXX-XX", "quarter": "XXXX-QX",
    "season": "XXXX-XX", "half": "XXXX-HX", "year": "XXXX", "decade": "XXX", "century": "XX",
}


def to_timex_value(mention: DateMention) -> str:
    """The TIMEX3 `value` attribute for a mention."""
    if mention.kind in ("vague", "duration"):
        return mention.detail or "XXXX-XX-XX"
    d, precision = mention.value, mention.precision or "day"
    if d is None:
        if mention.detail and mention.detail.endswith("_REF"):
            return mention.detail  # "the other day": PAST_REF
        return _UNRESOLVED[precision]
    if precision == "day":
        return f"{d.isoformat()}T{mention.detail}" if mention.timex_type == "TIME" and mention.detail else d.isoformat()
    if precision in ("week", "weekend"):
        year, week, _ = d.isocalendar()
        return f"{year:04d}-W{week:02d}" + ("-WE" if precision == "weekend" else "")
    if precision == "month":
        return f"{d.year:04d}-{d.month:02d}"
    if precision == "quarter":
        return f"{d.year:04d}-Q{(d.month - 1) // 3 + 1}"
    if precision == "half":
        return f"{d.year:04d}-H{1 if d.month <= 6 else 2}"
    if precision == "season":
        return f"{d.year:04d}-{SEASON_CODE[d.month]}"
    if precision == "year":
        return f"FY{d.year:04d}" if mention.detail == "FY" else f"{d.year:04d}"
    if precision == "decade":
        return f"{d.year // 10:03d}"
    if precision == "century":
        return f"{d.year // 100:02d}"
    raise ValueError(f"unknown precision {precision!r}")
