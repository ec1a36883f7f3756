"""Reading counted rhythms ("8 ggr/år", "varannan vecka", "månadsvis") and ongoing work."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from reminders.rhythm_text import _NUM, _ORDINALS, _number
from reminders.rhythm_windows import window_beside

# Occurrences per year for one occurrence per period.
_PERIOD_FACTORS: dict[str, float] = {
    "ar": 1,
    "aret": 1,
    "lasar": 1,
    "lasaret": 1,
    "halvar": 2,
    "halvaret": 2,
    "termin": 2,
    "terminen": 2,
    "tertial": 3,
    "tertialet": 3,
    "kvartal": 4,
    "kvartalet": 4,
    "manad": 12,
    "manaden": 12,
    "man": 12,
    "vecka": 52,
    "veckan": 52,
    "v": 52,
    "dag": 365,
    "dagen": 365,
}
# A year also works as a period: "4 ggr under 2025".
_PERIOD = (
    r"(?P<period>"
    + "|".join(sorted(_PERIOD_FACTORS, key=len, reverse=True))
    + r"|(?:19|20)\d{2}(?![\d-]))\b"
)

# Anything at least this frequent is effectively daily work: counting it is meaningless.
_ONGOING_PER_YEAR = 250.0
# Less than once a century is not a rhythm (and would not survive label() rounding).
_MIN_PER_YEAR = 0.01


# --------------------------------------------------------------------------- frequency

_FREQ_RE = re.compile(
    r"(?<![\w-])(?P<min>(?:minst|atminstone)\s+)?"
    rf"(?P<n>{_NUM})(?:\s*(?:-|till)\s*(?P<n2>{_NUM}))?"
    r"(?:\s*(?:ggr|gg|ganger|gang|g|tillfallen|st)\b\.?)?"
    # Up to two nouns between count and period: "två trygghetsvandringar per år".
    r"(?:\s+(?!per\b|i\b|om\b|under\b|varje\b|eller\b|och\b)[^\W\d_][\w-]*){0,2}?"
    r"(?:\s*/\s*|\s+(?:per|i|om|varje|under)\s+)"
    rf"{_PERIOD}"
)
# A count in a window, without a period: "4 ggr under hösten", "Mars–juni, 6 gånger" is that
# many in the window (reminders.rhythm_windows reads the window). One alone ("1 gång under
# hösten") stays a deadline.
_WINDOW_COUNT_RE = re.compile(
    rf"(?<![\w-])(?P<min>(?:minst|atminstone)\s+)?"
    rf"(?P<n>{_NUM})(?:\s*(?:-|till)\s*(?P<n2>{_NUM}))?"
    r"\s*(?:ggr|gg|ganger|gang|tillfallen)\b\.?"
)
# A day of the week, or the weekend: once a week ("varje fredag", "fredagskvällar", "helger").
_WEEKDAY = r"(?:mandag|tisdag|onsdag|torsdag|fredag|lordag|sondag)"
_WEEKLY_DAY = rf"(?:{_WEEKDAY}|helg|veckoslut)"
_INTERVAL_RE = re.compile(
    r"\b(?:var|vart)\s*(?P<ord>annan|annat|andra|tredje|fjarde|femte|sjatte|sjunde|attonde"
    r"|nionde|tionde|\d{1,2}\s*:?\s*[ea]?)\s+"
    rf"(?P<period>vecka|manad|ar|dag|termin|kvartal|{_WEEKLY_DAY})\b"
)
_ADVERBS: tuple[tuple[re.Pattern[str], float], ...] = tuple(
    (re.compile(p), f)
    for p, f in (
        (r"\b(?:dagligen|dagliga?|varje\s+dag|vardagligen)\b", math.inf),
        (r"\b(?:veckovis|varje\s+vecka|en\s+gang\s+i\s+veckan)\b", 52),
        # "varje fredag", "fredagar", "fredagskvällarna", "helger", "varje veckoslut"
        (rf"\b(?:varje|varenda)\s+{_WEEKLY_DAY}\b", 52),
        (rf"\b{_WEEKDAY}(?:s(?:kvall|morgn|eftermidd))?ar(?:na)?\b", 52),
        (r"\b(?:helger(?:na)?|veckosluten)\b", 52),
        (r"\b(?:manadsvis|manatligen|varje\s+manad)\b", 12),
        (r"\b(?:kvartalsvis|varje\s+kvartal)\b", 4),
        (r"\b(?:tertialvis|varje\s+tertial)\b", 3),
        (r"\b(?:terminsvis|varje\s+termin|halvarsvis|varje\s+halvar)\b", 2),
        (r"\b(?:arligen|arsvis|varje\s+ar|lasarsvis|varje\s+lasar)\b", 1),
    )
)
_MIN_RE = re.compile(r"\b(?:minst|atminstone|eller\s+fler|eller\s+oftare)\b")
_AS_NEEDED_RE = re.compile(
    r"\b(?:vid\s+behov|efter\s+behov|behovsstyrt|behovsstyrd|nar\s+behov\s+uppstar)\b"
)


@dataclass(frozen=True)
class _Freq:
    per_year: float
    start: int
    end: int
    minimum: bool = False
    fine: bool = False  # counted per month, week or day: a break lowers the year's count


# Periods of a month or less: "2 ggr/månad utom juli" is 22 a year, "8 ggr/år utom juli" 8.
_FINE_PERIODS = frozenset({"manad", "manaden", "man", "vecka", "veckan", "v", "dag", "dagen"})


def _freq_matches(low: str) -> list[_Freq]:
    """All counted rhythms in `low`, in text order, non-overlapping."""
    found: list[_Freq] = []
    for m in _FREQ_RE.finditer(low):
        n = _number(m.group("n"))
        minimum = m.group("min") is not None
        if m.group("n2"):
            # "1-2 ggr/år": plan for the lower bound and treat it as a minimum.
            n = min(n, _number(m.group("n2")))
            minimum = True
        per_year = n * _PERIOD_FACTORS.get(m.group("period"), 1.0)
        if per_year >= _MIN_PER_YEAR:
            fine = m.group("period") in _FINE_PERIODS
            found.append(_Freq(float(per_year), m.start(), m.end(), minimum, fine))
    for m in _WINDOW_COUNT_RE.finditer(low):
        n = _number(m.group("n"))
        minimum = m.group("min") is not None or m.group("n2") is not None
        if m.group("n2"):
            n = min(n, _number(m.group("n2")))
        if n >= 2 and window_beside(low, m.start(), m.end()):
            found.append(_Freq(float(n), m.start(), m.end(), minimum))
    for m in _INTERVAL_RE.finditer(low):
        ordinal = m.group("ord").replace(":", "").replace(" ", "").rstrip("ea")
        every = _ORDINALS.get(m.group("ord")) or (int(ordinal) if ordinal.isdigit() else 0)
        # A day of the week ("varannan fredag") is a week's worth of them.
        factor = _PERIOD_FACTORS.get(m.group("period"), 52)
        if every > 0 and factor / every >= _MIN_PER_YEAR:
            per_year = factor / every
            found.append(_Freq(per_year, m.start(), m.end(), fine=per_year >= 12))
    for pattern, per_year in _ADVERBS:
        for m in pattern.finditer(low):
            found.append(_Freq(float(per_year), m.start(), m.end(), fine=per_year >= 12))
    found.sort(key=lambda f: (f.start, -f.end))
    result: list[_Freq] = []
    for f in found:
        if result and f.start < result[-1].end:
            continue
        result.append(f)
    return result


# --------------------------------------------------------------------------- ongoing

_ONGOING_RE = re.compile(
    r"\b(?:linjearbete|linjeverksamhet|linje|lopande|kontinuerligt?|pagaende|fortlopande"
    r"|ordinarie\s+(?:verksamhet|arbete)|standigt|tills\s*vidare|hela\s+aret|pagar"
    r"|helar(?:et|sbasis)?)\b"
)
