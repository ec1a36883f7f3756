"""Parse the free-text "När" column of an action plan into a rhythm.

The column mixes one-off deadlines ("Under 2025", "Q2", "senast 2025-06-30", "läsåret
25/26"), ongoing work ("Linjearbete", "löpande") and counted rhythms ("8 ggr/år",
"2 ggr/månad", "varannan vecka", "vår och höst"), sometimes with a break ("utom juli",
"uppehåll v. 27–31", "ej jul/nyår", "under terminstid") or a window of weeks ("v. 34–50"),
and sometimes followed by a comment. `parse_when` never raises: text it
cannot read becomes `RhythmKind.UNKNOWN` so a person can set the rhythm by hand with
`parse_override`.

Matching is done on a *folded* copy of the text (lower case, å/ä→a, ö→o, HTML tags
blanked) that has exactly the same length as the original, so spans found in the folded
text can be used to cut notes out of the original. Folding also makes commands typed
without å/ä/ö ("8/ar", "2/man", "lopande") work.
"""

from __future__ import annotations

import bisect
import calendar as _calendar
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

from bot.textsafety import counted
from models.errors import ParseError
from reminders.calendar import default_school_holidays

__all__ = [
    "Pace",
    "Rhythm",
    "RhythmKind",
    "expected_by",
    "pace",
    "pace_text",
    "parse_override",
    "parse_when",
]


class RhythmKind(StrEnum):
    """What kind of timing a measure has."""

    ONE_OFF = "punktinsats"  # deadline
    ONGOING = "linjearbete"  # continuous work, nothing to count
    RECURRING = "aterkommande"  # N times per period
    UNKNOWN = "okand"  # could not parse: kept as text, a person sets it


@dataclass(frozen=True)
class Rhythm:
    """A parsed "När" value. `raw` is always the text exactly as given."""

    kind: RhythmKind
    per_year: float | None = None
    deadline: date | None = None
    start: date | None = None
    as_needed: bool = False
    minimum: bool = False
    note: str | None = None
    parts: tuple[tuple[float, str], ...] = ()
    raw: str = ""
    # A recurring rhythm with a break ("2 ggr/månad utom juli"): how much of each month,
    # January first, it runs (empty: the whole year), and the break as the label says it.
    # A count per month or week is counted only over the months it runs (22 a year here).
    active: tuple[float, ...] = ()
    pause: str = ""
    # School holidays the rhythm also pauses for, besides `active`'s months ("utom skollov",
    # "under terminstid", "ej jullov"): their days as reminders.calendar places them each year.
    holidays: tuple[str, ...] = ()
    # With a break, a count per month or week as written (24 for "2 ggr/månad utom juli"),
    # where per_year counts only the months it runs, in whole occurrences (22).
    rate: float | None = None
    # ISO weeks the rhythm pauses for besides, as runs (first, last) that recur every year
    # ("uppehåll v. 27–31"; (51, 2) runs over the new year). Weeks the text says it runs in
    # ("varje vecka v. 34–50", "2 ggr/år, v. 10 och v. 40") are kept as the weeks outside.
    weeks: tuple[tuple[int, ...], ...] = ()

    def label(self) -> str:
        """Short Swedish label; for RECURRING and ONE_OFF it is accepted by `parse_override`."""
        if self.kind is RhythmKind.RECURRING and self.per_year:
            if self.pause:
                # Read back, the label must count the same: a count per month or week is
                # lowered by the break, a count per year is not ("12 ggr/år utom juli").
                text = _break_frequency_label(self.rate or self.per_year, self.rate is not None)
            else:
                text = _frequency_label(self.per_year)
            if self.minimum:
                text = "minst " + text
            if self.pause:
                text += " " + self.pause
            if self.as_needed:
                text += " eller vid behov"
            return text[0].upper() + text[1:]
        if self.kind is RhythmKind.ONE_OFF and self.deadline is not None:
            return f"Senast {self.deadline.isoformat()}"
        if self.kind is RhythmKind.ONGOING:
            return "Vid behov" if self.as_needed else "Linjearbete"
        return "Okänd rytm"

    def breaks(self, year: int) -> list[tuple[date, date]]:
        """The rhythm's breaks in `year` as date ranges, both ends inclusive: a month it runs
        half of starts or ends the break at its middle ("utom sommaren": 16 June–16 August)."""
        out: list[tuple[date, date]] = []
        month = 1
        while month <= 12:
            if not self.active or self.active[month - 1] >= 1.0:
                month += 1
                continue
            first = month
            while month <= 12 and self.active[month - 1] < 1.0:
                month += 1
            last = month - 1
            start_days = _calendar.monthrange(year, first)[1]
            start = date(year, first, 1 + round(start_days * self.active[first - 1]))
            end_days = _calendar.monthrange(year, last)[1]
            end = date(year, last, max(1, round(end_days * (1 - self.active[last - 1]))))
            out.append((start, end))
        if self.holidays or self.weeks:
            out = _merged(
                out + _holiday_ranges(self.holidays, year) + _week_ranges(self.weeks, year)
            )
        return out


# --------------------------------------------------------------------------- folding

_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "–": "-", "—": "-", "\u00a0": " "})
_TAG_RE = re.compile(r"<[^<>]*>")
_WS_RE = re.compile(r"\s+")


def _blank_tags(text: str) -> str:
    # Same-length replacement keeps folded and original positions aligned.
    return _TAG_RE.sub(lambda m: " " * len(m.group()), text)


def _fold(text: str) -> str:
    """Lower-case and strip diacritics one character at a time, keeping the length."""
    out = []
    for ch in text:
        low = ch.lower()
        # A few characters lower-case to two code points ("İ"); keep those as they are.
        out.append(low if len(low) == 1 else ch)
    return "".join(out).translate(_FOLD)


def _squash(text: str) -> str:
    return _WS_RE.sub(" ", text).strip()


# --------------------------------------------------------------------------- numbers

_NUMBER_WORDS: dict[str, float] = {
    "en": 1,
    "ett": 1,
    "tva": 2,
    "tre": 3,
    "fyra": 4,
    "fem": 5,
    "sex": 6,
    "sju": 7,
    "atta": 8,
    "nio": 9,
    "tio": 10,
    "elva": 11,
    "tolv": 12,
    "femton": 15,
    "tjugo": 20,
}
_ORDINALS: dict[str, int] = {
    "annan": 2,
    "annat": 2,
    "andra": 2,
    "tredje": 3,
    "fjarde": 4,
    "femte": 5,
    "sjatte": 6,
    "sjunde": 7,
    "attonde": 8,
    "nionde": 9,
    "tionde": 10,
}
_NUM = r"(?:\d{1,3}(?:[.,]\d+)?(?!\d)|(?:" + "|".join(_NUMBER_WORDS) + r")\b)"

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


def _number(token: str) -> float:
    token = token.strip()
    if token in _NUMBER_WORDS:
        return _NUMBER_WORDS[token]
    return float(token.replace(",", "."))


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
_INTERVAL_RE = re.compile(
    r"\b(?:var|vart)\s*(?P<ord>annan|annat|andra|tredje|fjarde|femte|sjatte|sjunde|attonde"
    r"|nionde|tionde|\d{1,2}\s*:?\s*[ea]?)\s+"
    r"(?P<period>vecka|manad|ar|dag|termin|kvartal)\b"
)
_ADVERBS: tuple[tuple[re.Pattern[str], float], ...] = tuple(
    (re.compile(p), f)
    for p, f in (
        (r"\b(?:dagligen|dagliga?|varje\s+dag|vardagligen)\b", math.inf),
        (r"\b(?:veckovis|varje\s+vecka|en\s+gang\s+i\s+veckan)\b", 52),
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
    for m in _INTERVAL_RE.finditer(low):
        ordinal = m.group("ord").replace(":", "").replace(" ", "").rstrip("ea")
        every = _ORDINALS.get(m.group("ord")) or (int(ordinal) if ordinal.isdigit() else 0)
        if every > 0 and _PERIOD_FACTORS[m.group("period")] / every >= _MIN_PER_YEAR:
            per_year = _PERIOD_FACTORS[m.group("period")] / every
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

# --------------------------------------------------------------------------- deadlines

_MONTHS: dict[str, int] = {
    "januari": 1,
    "jan": 1,
    "februari": 2,
    "feb": 2,
    "mars": 3,
    "april": 4,
    "apr": 4,
    "maj": 5,
    "juni": 6,
    "jun": 6,
    "juli": 7,
    "augusti": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "oktober": 10,
    "okt": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
_MONTH = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")"
_ORD14 = {"forsta": 1, "andra": 2, "tredje": 3, "fjarde": 4}
_YEAR_RE = re.compile(r"(?<![\d-])((?:19|20)\d{2})(?!\d)(?!-\d{1,2}-)")
# "senast Q2" means "by the end of Q2": no window start.
_BY_RE = re.compile(r"\b(?:senast|innan|fore|infor|till|klart?|fardigt?)\s*$")


@dataclass(frozen=True)
class _Deadline:
    deadline: date
    start: date | None
    pos: int


def _month_end(year: int, month: int) -> date:
    return date(year, month, _calendar.monthrange(year, month)[1])


def _deadline_candidates(low: str, year: int) -> list[_Deadline]:
    """Deadline readings of `low`, most specific construct first."""
    ym = _YEAR_RE.search(low)
    text_year = int(ym.group(1)) if ym else year

    def two_digit(y: str | None) -> int:
        if not y:
            return text_year
        return int(y) if len(y) == 4 else 2000 + int(y)

    out: list[_Deadline] = []

    def add(m: re.Match[str], make: Callable[[re.Match[str]], tuple[date, date | None]]) -> None:
        try:
            deadline, start = make(m)
        except (ValueError, KeyError, OverflowError):
            return  # an impossible date ("2025-02-30", week 53 in a 52-week year)
        if _BY_RE.search(low[: m.start()]):
            start = None
        out.append(_Deadline(deadline, start, m.start()))

    def first(pattern: str, make: Callable[[re.Match[str]], tuple[date, date | None]]) -> None:
        for m in re.finditer(pattern, low):
            before = len(out)
            add(m, make)
            if len(out) > before:
                return

    # A school year, autumn term to spring term: "läsåret 25/26", "läsår 2025/2026", "LÅ 25/26".
    def school_year(m: re.Match[str]) -> tuple[date, date | None]:
        y1, y2 = (int(y) if len(y) == 4 else 2000 + int(y) for y in m.groups())
        if y2 != y1 + 1:
            raise ValueError("not one school year")
        return date(y2, 6, 30), date(y1, 8, 1)

    first(
        r"\b(?:lasar(?:et)?|la)\s*((?:19|20)?\d{2})\s*[/-]\s*((?:19|20)?\d{2})(?![\d-])",
        school_year,
    )

    # ISO dates; two of them form a window.
    isos: list[tuple[date, int]] = []
    for m in re.finditer(r"(?<![\d-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\d-])", low):
        try:
            isos.append((date(int(m.group(1)), int(m.group(2)), int(m.group(3))), m.start()))
        except ValueError:
            continue
    if len(isos) >= 2:
        window = sorted(d for d, _ in isos)
        out.append(_Deadline(window[-1], window[0], isos[0][1]))
    elif isos:
        out.append(_Deadline(isos[0][0], None, isos[0][1]))

    # Ranges, before their single parts: the window runs from the first's start to the end
    # of the last ("2025-02 – 2025-06", "v. 10–14", "maj 2025 – sept 2025").
    first(
        r"(?<![\d-])(\d{4})-(\d{1,2})\s*(?:-|till)\s*(\d{4})-(\d{1,2})(?![\d-])",
        lambda m: (
            _month_end(int(m.group(3)), int(m.group(4))),
            date(int(m.group(1)), int(m.group(2)), 1),
        ),
    )

    def weeks(m: re.Match[str]) -> tuple[date, date | None]:
        w1, w2 = int(m.group(1)), int(m.group(2))
        # "v. 50–2" crosses the new year.
        end_year = text_year + 1 if w2 < w1 else text_year
        return date.fromisocalendar(end_year, w2, 7), date.fromisocalendar(text_year, w1, 1)

    first(
        r"\b(?:v\.?|vecka|veckan|veckorna)\s*(\d{1,2})\s*(?:-|till|och)\s*(?:(?:v\.?|vecka)\s*)?"
        r"(\d{1,2})\b(?!\s*:)",
        weeks,
    )

    def months(m: re.Match[str]) -> tuple[date, date | None]:
        m1, m2 = _MONTHS[m.group(1)], _MONTHS[m.group(3)]
        y1 = int(m.group(2)) if m.group(2) else None
        y2 = int(m.group(4)) if m.group(4) else None
        # Without years a window across the new year ("nov–feb") starts in the plan's year.
        start_year = y1 or (y2 - (m1 > m2) if y2 else text_year)
        end_year = y2 or (start_year + (m1 > m2))
        return _month_end(end_year, m2), date(start_year, m1, 1)

    first(
        rf"\b({_MONTH})\b\.?(?:\s+((?:19|20)\d{{2}}))?\s*(?:-|till)\s*({_MONTH})\b\.?"
        r"(?:\s+((?:19|20)\d{2}))?",
        months,
    )

    # Year and month: "2025-06".
    first(
        r"(?<![\d-])(\d{4})-(\d{1,2})(?![\d-])",
        lambda m: (
            _month_end(int(m.group(1)), int(m.group(2))),
            date(int(m.group(1)), int(m.group(2)), 1),
        ),
    )

    # "30 juni (2025)"
    first(
        rf"\b(\d{{1,2}})\s+({_MONTH})\b",
        lambda m: (date(text_year, _MONTHS[m.group(2)], int(m.group(1))), None),
    )

    # ISO week: "v. 23", "vecka 23", "v23"; the week ends on Sunday.
    def week(m: re.Match[str]) -> tuple[date, date | None]:
        w = int(m.group(1))
        return date.fromisocalendar(text_year, w, 7), date.fromisocalendar(text_year, w, 1)

    first(r"\b(?:v\.?|vecka|veckan)\s*(\d{1,2})\b(?!\s*:)", week)

    # Month or month range: "juni 2025", "senast juni", "maj-juni".
    def month(m: re.Match[str]) -> tuple[date, date | None]:
        m1 = _MONTHS[m.group(1)]
        m2 = _MONTHS[m.group(2)] if m.group(2) else m1
        return _month_end(text_year, m2), date(text_year, m1, 1)

    # "maj och juni" is the same period (two months apart it would be two occasions: _occasions).
    first(
        rf"\b({_MONTH})\b(?:(?:\s*(?:,|och)\s*{_MONTH}\b)*\s*(?:-|till|och)\s*({_MONTH})\b)?",
        month,
    )

    def quarter(q: int) -> tuple[date, date | None]:
        return _month_end(text_year, q * 3), date(text_year, q * 3 - 2, 1)

    first(r"\b(?:q|kv\.?|kvartal)\s*([1-4])\b", lambda m: quarter(int(m.group(1))))
    first(r"\b([1-4])\s*:?\s*[ae]\s+kvartalet\b", lambda m: quarter(int(m.group(1))))
    first(
        r"\b(forsta|andra|tredje|fjarde)\s+kvartalet\b",
        lambda m: quarter(_ORD14[m.group(1)]),
    )

    def tertial(t: int) -> tuple[date, date | None]:
        return _month_end(text_year, t * 4), date(text_year, t * 4 - 3, 1)

    first(r"\b(?:t|tertial)\s*([1-3])\b", lambda m: tertial(int(m.group(1))))
    first(r"\b([1-3])\s*:?\s*[ae]\s+tertialet\b", lambda m: tertial(int(m.group(1))))
    first(r"\b(forsta|andra|tredje)\s+tertialet\b", lambda m: tertial(_ORD14[m.group(1)]))

    first(
        r"\b(forsta|andra)\s+halvaret\b",
        lambda m: (
            (date(text_year, 6, 30), date(text_year, 1, 1))
            if m.group(1) == "forsta"
            else (date(text_year, 12, 31), date(text_year, 7, 1))
        ),
    )

    # Terms. Plain "vår" (folded "var") only counts with a four-digit year: "var" also
    # means "every" ("var 10:e vecka").
    first(
        r"\b(?:vt|varterminen|vartermin|varen)(?![a-z])\s*-?\s*(\d{4}|\d{2}(?!\d))?"
        r"|\bvar\s*-?\s*(\d{4})\b",
        lambda m: (
            date(two_digit(m.group(1) or m.group(2)), 6, 30),
            date(two_digit(m.group(1) or m.group(2)), 1, 1),
        ),
    )
    first(
        r"\b(?:ht|hostterminen|hosttermin|hosten|host)(?![a-z])\s*-?\s*(\d{4}|\d{2}(?!\d))?",
        lambda m: (date(two_digit(m.group(1)), 12, 31), date(two_digit(m.group(1)), 8, 1)),
    )

    def summer(m: re.Match[str]) -> tuple[date, date | None]:
        y = two_digit(m.group(1))
        if _BY_RE.search(low[: m.start()]):
            # "före sommaren", "till sommaren": done when the summer holiday starts.
            start = next(h.start for h in default_school_holidays(y) if h.name == "sommarlov")
            return start - timedelta(days=1), None
        return date(y, 8, 31), date(y, 6, 1)

    first(r"\b(?:sommaren|sommar)\s*-?\s*(\d{4})?\b", summer)

    def term_start(m: re.Match[str]) -> tuple[date, date | None]:
        # "senast terminsstart": the autumn term's, when the summer holiday ends.
        if not _BY_RE.search(low[: m.start()]):
            raise ValueError("a term start without 'senast' is a rhythm")
        end = next(h.end for h in default_school_holidays(text_year) if h.name == "sommarlov")
        return end, None

    first(r"\b(?:host)?terminsstart(?:en)?\b", term_start)

    # Year ranges and single years: "2024-2025", "Under 2025".
    first(
        r"(?<![\d-])((?:19|20)\d{2})\s*(?:-|/|till)\s*((?:19|20)\d{2})(?![\d-])",
        lambda m: (date(int(m.group(2)), 12, 31), date(int(m.group(1)), 1, 1)),
    )
    for m in _YEAR_RE.finditer(low):
        out.append(_Deadline(date(int(m.group(1)), 12, 31), None, m.start()))
        break

    first(
        r"\b(?:under\s+(?:innevarande\s+)?aret|i\s+ar|innevarande\s+ar|arets\s+slut"
        r"|(?:till|vid|fore|innan)\s+arsskiftet)\b",
        lambda m: (date(year, 12, 31), None),
    )
    return out


# --------------------------------------------------------------------------- occasions

# Occasions named in a list are a count per year: "vår och höst", "höst och vår", "v. 10 och
# v. 40", "mars, juni, september och december", "en gång på våren och en gång på hösten".
# One alone is a deadline ("hösten", "v. 23"), a run a window ("v. 10–14", "maj–juni"), and
# so are neighbours in a list ("maj och juni": one period, not two occasions).
_SEASONS = {
    "varen": "var",
    "varterminen": "var",
    "vartermin": "var",
    "vt": "var",
    "var": "var",
    "hosten": "host",
    "hostterminen": "host",
    "hosttermin": "host",
    "ht": "host",
    "host": "host",
}
_SEASON = r"(?:" + "|".join(sorted(_SEASONS, key=len, reverse=True)) + r")(?!\w)-?"
_OCCASION = (
    r"(?:\bv(?:\.|ecka)?\s*\d{1,2}(?![\d:])(?!\s*(?:-|till)\s*(?:v\.?\s*)?\d)"
    rf"|\b{_SEASON}|\b(?:{_MONTH})\b\.?(?!\s*(?:-|till)\s*\w))"
)
_OCCASION_SEP = (
    r"\s*(?:,|och|samt|/|&)\s*(?:(?:en|1)\s+(?:gang|ggr)\s+)?(?:(?:pa|i|under|varje)\s+)?"
)
_OCCASIONS_RE = re.compile(rf"{_OCCASION}(?:{_OCCASION_SEP}{_OCCASION})+")


# At the start of each term: "vid terminsstart", "varje terminsstart", "Terminsstart". Not
# "senast terminsstart" (a deadline: _deadline_candidates) nor "uppstart vid terminsstart"
# (when the work starts).
_TERM_START_RE = re.compile(r"\b(?P<term>host|var)?terminsstart(?:en|er|erna)?\b")
_NOT_EACH_TERM_RE = re.compile(
    r"\b(?:start|uppstart|fran|fr\.?\s?o\.?\s?m\b\.?|borjar|paborjas|startar)"
    r"(?:\s+(?:vid|i|pa|under|efter|fran))?\s*$"
)


def _occasions(low: str) -> list[_Freq]:
    """Lists of two or more distinct named occasions, counted as that many a year, and term
    starts (twice a year, once for one term's)."""
    found: list[_Freq] = []
    for m in _TERM_START_RE.finditer(low):
        before = low[: m.start()]
        if not (_BY_RE.search(before) or _NOT_EACH_TERM_RE.search(before)):
            found.append(_Freq(1.0 if m.group("term") else 2.0, m.start(), m.end()))
    for m in _OCCASIONS_RE.finditer(low):
        if _BY_RE.search(low[: m.start()]):
            continue  # "senast mars och september": when, not how often
        names: set[str] = set()
        for item in re.finditer(_OCCASION, m.group()):
            word = item.group().rstrip(".-")
            week = _WEEK_RE.fullmatch(word)
            if week:
                names.add(f"v{int(week.group(1))}")
            else:
                names.add(_SEASONS.get(word) or str(_MONTHS.get(word, word)))
        if len(names) >= 2 and not _one_run(names):
            found.append(_Freq(float(len(names)), m.start(), m.end()))
    return sorted(found, key=lambda f: f.start)


def _one_run(names: set[str]) -> bool:
    """Whether occasions are one period: all months, or all weeks, that follow each other, or
    of mixed kinds ("hösten, december" is December in the autumn)."""
    kinds = {"m" if n.isdigit() else "v" if n[1:].isdigit() else "s" for n in names}
    if len(kinds) > 1:
        return True
    if all(n.isdigit() for n in names):
        numbers = sorted(int(n) for n in names)
    elif all(n.startswith("v") and n[1:].isdigit() for n in names):
        numbers = sorted(int(n[1:]) for n in names)
    else:
        return False
    return numbers[-1] - numbers[0] == len(numbers) - 1


# --------------------------------------------------------------------------- breaks

# The school summer holiday runs from mid-June to mid-August: half of June and of August.
_SUMMER = {6: 0.5, 7: 0.0, 8: 0.5}
_SUMMER_WORDS = r"sommar(?:en|lovet|lov|manaderna|uppehallet|ledigheten|perioden)?"
# "juni-augusti", "juni till augusti", "juni t.o.m. augusti", "juni till och med augusti".
_RANGE = r"(?:-|till\s+och\s+med|t\.?\s?o\.?\s?m\b\.?|till)"
# Christmas and New Year mean the jullov: "ej jul/nyår", "utom julhelgen", "mellandagarna".
# Plain "jul" is Christmas, never July ("juli").
_XMAS = r"(?:jul(?:en|helg\w*)?\b|nyar\w*|mellandag\w*)"
# A school holiday in a break's list: "jullov", "jullovet", "skolloven", "sportlovsveckan";
# "sport-" in "sport- och höstlov"; "övriga skollov"; plain "lov"/"loven" (all of them), but
# not "lov att ..." (permission).
_LOV = (
    r"(?:(?:ovriga|andra|alla|samtliga)\s+)?"
    r"(?:(?:skol|sport|pask|host|jul|sommar)(?:lov\w*|ledighet\w*|-)"
    rf"|lov(?:en|et)?\b(?!\s+(?:att|till|for|fran)\b)|{_XMAS})"
)
# ISO weeks, one or a run: "v. 27", "v. 27–31", "vecka 27 till 31", "v. 51–2" (over the new
# year). Not "v. 3:e" (an ordinal).
_WEEK_ITEM = (
    r"\bv(?:\.|ecka|eckan|eckorna)?\s*\d{1,2}"
    r"(?:\s*(?:-|till)\s*(?:v(?:\.|ecka)?\s*)?\d{1,2})?(?![\d:])"
)
_WEEK_RE = re.compile(
    r"\bv(?:\.|ecka|eckan|eckorna)?\s*(\d{1,2})"
    r"(?:\s*(?:-|till)\s*(?:v(?:\.|ecka)?\s*)?(\d{1,2}))?(?![\d:])"
)
_BREAK_ITEM = rf"(?:{_LOV}|{_WEEK_ITEM}|(?:{_SUMMER_WORDS}|{_MONTH})\b\.?)"
# Summer, months, weeks and school holidays mix in one list: "utom sommaren och december",
# "utom juli och jullov" (a label says so), "ej jul/nyår".
_BREAK_LIST = rf"{_BREAK_ITEM}(?:\s*(?:,|och|samt|/|{_RANGE})\s*{_BREAK_ITEM})*"
# The break named before its list ("utom juli", "med undantag av juli", "uppehåll v. 27–31")
# or after it ("juli undantagen", "juli och augusti undantagna").
_BREAK_LEAD = (
    r"\b(?:utom|forutom|ej|inte|uppehall|paus|undantag(?:et|en)?)\b"
    r"(?:\s+(?:under|i|pa|for|over|av))?\s+"
)
_BREAK_AFTER = rf"\b(?P<after>{_BREAK_LIST})\s*,?\s+(?:undantag(?:en|et|na)|exkluderad\w*)\b"
_PAUSE_RE = re.compile(
    rf"{_BREAK_LEAD}(?P<list>{_BREAK_LIST})"
    rf"|{_BREAK_AFTER}"
    # "sommaruppehåll": the summer holiday; "sommaruppehåll juni–augusti": those months.
    r"|\b(?P<word>sommaruppehall(?:et)?|sommarpaus(?:en)?)\b"
    rf"(?:\s+(?:(?:i|under|over)\s+)?(?P<wordlist>{_BREAK_LIST}))?"
)
# "under läsåret": the school year, mid-August to mid-June, so the summer is a break.
_SCHOOL_YEAR_RE = re.compile(r"\b(?:under|pa|for)\s+(?:hela\s+)?lasaret\b|\blasarstid(?:en)?\b")
# "inget sommaruppehåll", "utan uppehåll i juli", "ingen paus i juli": no break.
_NEGATED_RE = re.compile(
    r"\b(?:inget|ingen|inga|utan|ej|inte|aldrig)\s+"
    r"(?:(?:nagot|nagon|nagra|planerat|planerad|planerade|heller|nat|alls|langre)\s+){0,2}$"
)
# "uppehåll i juli ej aktuellt" is no break; "utom i juni då tre" only changes June's count.
_NOT_A_BREAK_AFTER_RE = re.compile(
    r"^[\s,]*(?:(?:ar|blir)\s+)?(?:ej|inte)\s+(?:aktuell|aktuellt|planerat|beslutat)\b"
    r"|^[\s,]*da\b"
)
_MONTH_NAMES = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
]


# School holidays by name (folded); "skollov" and "terminstid" mean all of them.
SCHOOL_HOLIDAYS = ("sportlov", "påsklov", "höstlov", "jullov")
# The same lists as _PAUSE_RE's, so a holiday after a month ("utom juli och jullov") counts.
_HOLIDAY_RE = re.compile(
    rf"{_BREAK_LEAD}(?P<list>{_BREAK_LIST})(?!\w)"
    rf"|{_BREAK_AFTER}"
    r"|\b(?P<terms>(?:under\s+|pa\s+)?(?:skol)?terminstid(?:en)?|under\s+(?:skol)?terminerna)\b"
)


def _list_of(m: re.Match[str]) -> str:
    """A break match's list, named before or after it ("" for "sommaruppehåll")."""
    return m.group("list") or m.group("after") or m.groupdict().get("wordlist") or ""


def _lov_kind(token: str) -> tuple[set[str], bool]:
    """The school holidays one _LOV token names, and whether it names the summer."""
    word = token.split()[-1]  # without "övriga", "alla"
    if word.startswith(("skol", "lov")):
        return set(SCHOOL_HOLIDAYS), True
    if word.startswith("sommar"):
        return set(), True
    if word.startswith(("jul", "nyar", "mellandag")):
        return {"jullov"}, False
    for stem, name in (("sport", "sportlov"), ("pask", "påsklov"), ("host", "höstlov")):
        if word.startswith(stem):
            return {name}, False
    return set(), False


def _holidays_in(low: str) -> tuple[set[str], bool]:
    """The school holidays a text pauses for, and whether that includes the summer holiday
    ("utom skollov", "under terminstid": all of them)."""
    names: set[str] = set()
    summer = False
    for m in _HOLIDAY_RE.finditer(low):
        if _NEGATED_RE.search(low[: m.start()]) or _NOT_A_BREAK_AFTER_RE.search(low[m.end() :]):
            continue
        if m.group("terms"):
            return set(SCHOOL_HOLIDAYS), True
        for token in re.finditer(_LOV, _list_of(m)):
            found, said_summer = _lov_kind(token.group())
            names |= found
            summer = summer or said_summer
    return names, summer


def _holiday_ranges(names: tuple[str, ...], year: int) -> list[tuple[date, date]]:
    """The named school holidays' days in `year` (reminders.calendar's typical dates; the
    jullov at either end of the year counts in the part inside it)."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    return [
        (max(h.start, first), min(h.end, last))
        for h in default_school_holidays(year)
        if h.name in names and h.start <= last and h.end >= first
    ]


def _week_span(w1: int, w2: int | None) -> set[int]:
    """The ISO week numbers "v. w1–w2" names; a run past week 52 goes on from week 1."""
    w2 = w1 if w2 is None else w2
    if not (1 <= w1 <= 53 and 1 <= w2 <= 53):
        return set()
    if w1 <= w2:
        return set(range(w1, w2 + 1))
    return set(range(w1, 54)) | set(range(1, w2 + 1))


def _week_runs(weeks: set[int]) -> tuple[tuple[int, ...], ...]:
    """Week numbers as runs (first, last), in order; a run over the new year is (51, 2)."""
    runs: list[tuple[int, int]] = []
    for w in sorted(weeks):
        if runs and w == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], w)
        else:
            runs.append((w, w))
    if len(runs) > 1 and runs[0][0] == 1 and runs[-1][1] == 53:
        head, tail = runs.pop(0), runs.pop()
        runs.append((tail[0], head[1]))
    return tuple(runs)


def _week_label(run: tuple[int, ...]) -> str:
    return f"v. {run[0]}" if run[0] == run[1] else f"v. {run[0]}–{run[1]}"


def _week_ranges(runs: tuple[tuple[int, ...], ...], year: int) -> list[tuple[date, date]]:
    """The days of `year` in these runs of ISO weeks. Week numbers belong to ISO years, so
    the last days of December can be week 1 and the first of January week 52 or 53; a week
    53 a year lacks is no week."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    out: list[tuple[date, date]] = []
    for iso_year in (year - 1, year, year + 1):
        weeks = date(iso_year, 12, 28).isocalendar().week
        for a, b in runs:
            for s, e in [(a, b)] if a <= b else [(a, weeks), (1, b)]:
                e = min(e, weeks)
                if s > e:
                    continue
                start = date.fromisocalendar(iso_year, s, 1)
                end = date.fromisocalendar(iso_year, e, 7)
                if end >= first and start <= last:
                    out.append((max(start, first), min(end, last)))
    return out


def _merged(ranges: list[tuple[date, date]]) -> list[tuple[date, date]]:
    out: list[tuple[date, date]] = []
    for start, end in sorted(ranges):
        if out and start <= out[-1][1] + timedelta(days=1):
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _running_share(
    rhythm_active: tuple[float, ...],
    names: tuple[str, ...],
    weeks: tuple[tuple[int, ...], ...],
    year: int,
) -> float:
    """The part of `year`'s days a rhythm with these breaks runs."""
    probe = Rhythm(
        RhythmKind.RECURRING, active=rhythm_active or (1.0,) * 12, holidays=names, weeks=weeks
    )
    days = 366 if _calendar.isleap(year) else 365
    off = sum((b - a).days + 1 for a, b in probe.breaks(year))
    return (days - off) / days


def _break_items(text: str) -> tuple[set[int], bool, set[int]]:
    """The months a break's list names, whether it names the summer, and the ISO weeks it
    names: "juni och juli", "juni-augusti", "juli, augusti", "sommaren och december",
    "v. 27–31"."""
    months: set[int] = set()
    weeks: set[int] = set()
    summer = False
    tokens = re.findall(rf"{_LOV}|{_WEEK_ITEM}|{_SUMMER_WORDS}\b|{_MONTH}\b|{_RANGE}", text)
    previous: int | None = None
    ranged = False
    for token in tokens:
        if token.startswith("sommar"):
            summer, previous, ranged = True, None, False
            continue
        if re.fullmatch(_LOV, token):  # a school holiday (_holidays_in), no end of a range
            previous, ranged = None, False
            continue
        week = _WEEK_RE.fullmatch(token)
        if week:
            weeks |= _week_span(int(week.group(1)), int(week.group(2) or week.group(1)))
            previous, ranged = None, False
            continue
        if token not in _MONTHS:  # a range's dash or "till (och med)"
            ranged = previous is not None
            continue
        month = _MONTHS[token]
        if ranged and previous is not None:
            step = previous
            while step != month:  # "nov-feb" runs over the new year
                step = step % 12 + 1
                months.add(step)
        months.add(month)
        previous, ranged = month, False
    return months, summer, weeks


def _breaks_in(low: str) -> list[re.Match[str]]:
    """The text's breaks, without those it denies ("inget sommaruppehåll")."""
    return [
        m
        for m in _PAUSE_RE.finditer(low)
        if not _NEGATED_RE.search(low[: m.start()])
        and not _NOT_A_BREAK_AFTER_RE.search(low[m.end() :])
    ]


_WINDOW_RE = re.compile(rf"{_WEEK_ITEM}(?:\s*(?:,|och|samt|/)\s*{_WEEK_ITEM})*")


def _week_window(low: str, singles: bool) -> set[int]:
    """The ISO weeks a rhythm runs in when its text names weeks outside any break: a run
    ("varje vecka v. 34–50", "1 gång/vecka (v. 2–23 och v. 34–50)") or, with `singles`, two
    weeks or more ("2 ggr/år, v. 10 och v. 40": nothing is expected between them). Empty: the
    whole year. One week alone ("8 ggr/år, start v. 10") is no window."""
    taken = [(m.start(), m.end()) for p in (_PAUSE_RE, _HOLIDAY_RE) for m in p.finditer(low)]
    weeks: set[int] = set()
    for m in _WINDOW_RE.finditer(low):
        if any(a < m.end() and m.start() < b for a, b in taken):
            continue
        items = [
            (int(w.group(1)), int(w.group(2) or w.group(1))) for w in _WEEK_RE.finditer(m.group())
        ]
        if singles or any(a != b for a, b in items):
            for a, b in items:
                weeks |= _week_span(a, b)
    runs = _week_runs(weeks)
    # What the label says must read back as the same window: a run, or two weeks or more.
    if len(weeks) >= 53 or not (len(runs) >= 2 or any(a != b for a, b in runs)):
        return set()
    return weeks


@dataclass(frozen=True)
class _Break:
    """A text's break (_pause): how much of each month the rhythm runs, the break in words
    (for the label), the school holidays and the ISO weeks it pauses for besides."""

    active: tuple[float, ...] = ()
    said: str = ""
    holidays: tuple[str, ...] = ()
    weeks: tuple[tuple[int, ...], ...] = ()


_NO_BREAK = _Break()


def _pause(low: str) -> _Break:
    """The text's break, or _NO_BREAK."""
    off: dict[int, float] = {}  # month -> share of it paused
    names, summer = _holidays_in(low)
    if _SCHOOL_YEAR_RE.search(low) and not any(
        _NEGATED_RE.search(low[: m.start()]) for m in _SCHOOL_YEAR_RE.finditer(low)
    ):
        summer = True
    if summer:
        for month, runs in _SUMMER.items():
            off[month] = max(off.get(month, 0.0), 1.0 - runs)
    weeks_off: set[int] = set()
    for m in _breaks_in(low):
        months, said_summer, weeks = (
            _break_items(_list_of(m)) if _list_of(m) else (set(), True, set())
        )
        weeks_off |= weeks
        if said_summer:
            summer = True
            for month, runs in _SUMMER.items():
                off[month] = max(off.get(month, 0.0), 1.0 - runs)
        for month in months:
            off[month] = 1.0
    # Single weeks are the occasions of a count per year ("2 ggr/år, v. 10 och v. 40"); a
    # count per week or month in two single weeks is no rhythm anyone writes ("varje vecka,
    # extra pass v. 10 och v. 40").
    freqs = _freq_matches(low)
    window = _week_window(low, singles=not (freqs and freqs[0].fine))
    all_off = weeks_off | (set(range(1, 54)) - window if window else set())
    if len(all_off) >= 53:
        weeks_off, window, all_off = set(), set(), set()  # a break of the whole year is none
    if all(share >= 1.0 for share in (off.get(i, 0.0) for i in range(1, 13))) or not (
        off or names or all_off
    ):
        return _NO_BREAK  # no break, or one that leaves nothing: not read as a break
    # A month the summer leaves whole is named ("utom sommaren och juni": all of June).
    words = [
        _MONTH_NAMES[i - 1]
        for i in sorted(off)
        if off[i] >= 1.0 and not (summer and off[i] <= 1.0 - _SUMMER.get(i, 1.0))
    ]
    if summer:
        words.insert(0, "sommaren")
    if summer and names == set(SCHOOL_HOLIDAYS):
        words[0] = "skollov"  # all of them: what "skollov" and "terminstid" say
    else:
        words += [n for n in SCHOOL_HOLIDAYS if n in names]
    words += [_week_label(run) for run in _week_runs(weeks_off)]
    said = " och ".join(_week_label(run) for run in _week_runs(window))
    if words:
        joined = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " och " + words[-1]
        said = (said + " utom " if said else "utom ") + joined
    return _Break(
        active=tuple(1.0 - off.get(i, 0.0) for i in range(1, 13)),
        said=said,
        holidays=tuple(n for n in SCHOOL_HOLIDAYS if n in names),
        weeks=_week_runs(all_off),
    )


def _share(active: tuple[float, ...]) -> float:
    """The part of the year a rhythm runs (1.0 without a break)."""
    return sum(active) / 12 if active else 1.0


# --------------------------------------------------------------------------- parsing

_PAREN_RE = re.compile(r"\(([^()]*)\)")
# A colon starts a comment, except in times ("08:30") and ordinals ("var 3:e vecka").
_COLON_RE = re.compile(r"(?<!\d):|(?<=\d):(?!\d|[ea]\b)")
_INSTRUCTION_RE = re.compile(r"^\s*ange\s+tid\b")
_TRAILING_JOIN_RE = re.compile(r"[\s,;]*(?:\b(?:och|samt|respektive)\b)?[\s,;.]*$")


def _parse_core(low: str, year: int, pause: _Break = _NO_BREAK) -> Rhythm | None:
    """Read a kind from folded text (no notes, no raw); None when nothing is recognised.
    `pause`: the text's break (_pause), for a recurring rhythm."""
    as_needed = _AS_NEEDED_RE.search(low) is not None
    ongoing = _ONGOING_RE.search(low)
    freqs = _freq_matches(low) or [
        # Named occasions are a weaker reading than a count: "Linjearbete, uppföljning vår
        # och höst" is ongoing work.
        f
        for f in _occasions(low)
        if not (ongoing and ongoing.start() < f.start)
    ]
    if freqs:
        f = freqs[0]
        if f.per_year >= _ONGOING_PER_YEAR:
            return Rhythm(RhythmKind.ONGOING, as_needed=as_needed)
        minimum = f.minimum or _MIN_RE.search(low) is not None
        active, said, holidays, weeks = pause.active, pause.said, pause.holidays, pause.weeks
        scaled = bool(active) and f.fine
        share = (
            _running_share(active, holidays, weeks, year) if holidays or weeks else _share(active)
        )
        return Rhythm(
            RhythmKind.RECURRING,
            # "Varje vecka utom sommaren": 43 meetings, not 43,33.
            per_year=float(max(1, round(f.per_year * share))) if scaled else f.per_year,
            as_needed=as_needed,
            minimum=minimum,
            active=active,
            pause=said,
            rate=f.per_year if scaled else None,
            holidays=holidays,
            weeks=weeks,
        )
    deadlines = _deadline_candidates(low, year)
    # When a text names both, the one written first wins:
    # "Under 2025, därefter linjearbete" vs "Linjearbete, start under 2025".
    if deadlines and not (ongoing and ongoing.start() < min(d.pos for d in deadlines)):
        d = deadlines[0]
        return Rhythm(RhythmKind.ONE_OFF, deadline=d.deadline, start=d.start, as_needed=as_needed)
    if ongoing or as_needed:
        return Rhythm(RhythmKind.ONGOING, as_needed=as_needed)
    return None


def _parts(low: str, clean: str) -> tuple[tuple[float, str], ...]:
    """Split "4 ggr/år mellan- och högstadiet och 4 ggr/år gymnasiet" into labelled parts."""
    freqs = [f for f in _freq_matches(low) if f.per_year < _ONGOING_PER_YEAR]
    parts: list[tuple[float, str]] = []
    for i, f in enumerate(freqs):
        stop = freqs[i + 1].start if i + 1 < len(freqs) else len(low)
        label_low = low[f.end : stop]
        trimmed = len(_TRAILING_JOIN_RE.sub("", label_low))
        label = _squash(clean[f.end : f.end + trimmed]).strip(" ,;.")
        parts.append((f.per_year, label))
    return tuple(parts)


def parse_when(text: str | None, year: int) -> Rhythm:
    """Parse a "När" text; never raises. Unreadable text gives UNKNOWN with `raw` kept."""
    raw = text if isinstance(text, str) else ""
    clean = _blank_tags(raw)
    low = _fold(clean)
    if not low.strip() or _INSTRUCTION_RE.match(low):
        # Blank cells and the template's italic instruction row are not rhythms.
        return Rhythm(RhythmKind.UNKNOWN, raw=raw)

    # Parenthesised detail becomes the note and, when it holds counts, the parts.
    notes: list[str] = []
    parts: tuple[tuple[float, str], ...] = ()
    main, clean_main = low, clean
    for m in _PAREN_RE.finditer(low):
        notes.append(_squash(clean[m.start(1) : m.end(1)]))
        parts = parts or _parts(low[m.start(1) : m.end(1)], clean[m.start(1) : m.end(1)])
        blank = " " * (m.end() - m.start())
        main = main[: m.start()] + blank + main[m.end() :]
        clean_main = clean_main[: m.start()] + blank + clean_main[m.end() :]

    # A break may stand anywhere: "2 ggr/mån utom juli", "varje vecka (ej sommaren)". Its
    # months are no deadline: "Under 2025 utom juli" is due at the year's end.
    # A denied break ("utan uppehåll juni-augusti") is no deadline either.
    pause = _pause(low)
    for pattern in (_PAUSE_RE, _HOLIDAY_RE):
        for m in pattern.finditer(main):
            main = main[: m.start()] + " " * (m.end() - m.start()) + main[m.end() :]
    result: Rhythm | None = None
    colon = _COLON_RE.search(main)
    if colon:
        # "Linjearbete: Akuta situationer ..." - the head carries the rhythm, the tail is
        # a comment. When the head alone means nothing ("SSP: 8 ggr/år") read it all.
        result = _parse_core(main[: colon.start()], year, pause)
        if result is not None:
            tail = _squash(clean_main[colon.end() :])
            if tail:
                notes.insert(0, tail)
            notes = [n for n in notes if n]
    if result is None:
        result = _parse_core(main, year, pause)
    if result is None and parts:
        # "Möten (4 ggr/år högstadiet och 4 ggr/år gymnasiet)": the count is the sum.
        result = Rhythm(RhythmKind.RECURRING, per_year=sum(n for n, _ in parts))
    if result is None:
        return Rhythm(RhythmKind.UNKNOWN, raw=raw)

    per_year = result.per_year
    note = " ".join(n for n in notes if n) or None
    return Rhythm(
        kind=result.kind,
        per_year=per_year,
        deadline=result.deadline,
        start=result.start,
        as_needed=result.as_needed,
        minimum=result.minimum,
        note=note,
        parts=parts if result.kind is RhythmKind.RECURRING else (),
        raw=raw,
        active=result.active,
        pause=result.pause,
        rate=result.rate,
        holidays=result.holidays,
        weeks=result.weeks,
    )


OVERRIDE_HELP = (
    "Jag förstod inte rytmen. Skriv till exempel 8/år, 2/mån, 2/mån utom juli, 1/vecka, "
    "varannan vecka, 1/vecka uppehåll v. 27–31, vår och höst, "
    "linje (för linjearbete), 2025-06-30, under 2025, Q2, vt 2025 eller ht 2025."
)


def parse_override(text: str, year: int) -> Rhythm:
    """Parse a rhythm typed by a coordinator; raises ParseError (Swedish) when unreadable.

    Accepts everything `parse_when` understands plus "okänd" to clear a rhythm.
    """
    low = _squash(_fold(text or ""))
    if low in {"okand", "okand rytm"}:
        return Rhythm(RhythmKind.UNKNOWN, raw=text)
    rhythm = parse_when(text, year)
    if rhythm.kind is RhythmKind.UNKNOWN:
        # Don't echo the input: it could hold personal data.
        raise ParseError(OVERRIDE_HELP)
    return rhythm


# --------------------------------------------------------------------------- labels


def _fmt_number(value: float) -> str:
    """Swedish number: no decimals for whole numbers, decimal comma otherwise."""
    if math.isclose(value, round(value), abs_tol=1e-9):
        return str(round(value))
    # Two decimals are plenty for counts; tiny ones ("var 50:e år") need more.
    decimals = 2 if value >= 0.1 else 4
    return f"{value:.{decimals}f}".rstrip("0").rstrip(".").replace(".", ",")


def _is_whole(value: float) -> bool:
    return math.isclose(value, round(value), abs_tol=1e-9) and round(value) > 0


def _times(n: float, unit: str) -> str:
    word = "gång" if math.isclose(n, 1) else "ggr"
    return f"{_fmt_number(n)} {word}/{unit}"


def _frequency_label(per_year: float) -> str:
    if math.isclose(per_year, 26):
        return "varannan vecka"
    if _is_whole(per_year / 52):
        return _times(per_year / 52, "vecka")
    if per_year >= 12 and _is_whole(per_year / 12):
        return _times(per_year / 12, "månad")
    if math.isclose(per_year, 0.5):
        return "vartannat år"
    if not _is_whole(per_year) and _is_whole(52 / per_year) and 52 / per_year < 13:
        return f"var {round(52 / per_year)}:e vecka"
    return _times(per_year, "år")


def _break_frequency_label(value: float, fine: bool) -> str:
    """A frequency label for a rhythm with a break that `_freq_matches` reads back with the
    same count and the same `fine` (a count per month or week, lowered by the break)."""
    candidates = (
        _frequency_label(value),
        _times(value / 12, "månad"),
        _times(value / 52, "vecka"),
        _times(value, "år"),
    )
    for text in candidates:
        found = _freq_matches(_fold(text))
        if found and found[0].fine is fine and math.isclose(found[0].per_year, value, abs_tol=1e-6):
            return text
    return candidates[1] if fine else candidates[3]


# --------------------------------------------------------------------------- pace


def _year_fraction(on: date, year: int) -> float:
    if on.year < year:
        return 0.0
    if on.year > year:
        return 1.0
    days = 366 if _calendar.isleap(year) else 365
    return ((on - date(year, 1, 1)).days + 1) / days


@lru_cache(maxsize=256)
def _running_days(rhythm: Rhythm, year: int) -> tuple[int, ...]:
    """The days of `year` the rhythm runs, as ordinals in order. Kept: every listing, digest
    and scan asks each measure's pace, and a plan repeats the same few rhythms."""
    off = {
        (a + timedelta(days=i)).toordinal()
        for a, b in rhythm.breaks(year)
        for i in range((b - a).days + 1)
    }
    first, last = date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()
    return tuple(d for d in range(first, last + 1) if d not in off)


def _active_fraction(on: date, year: int, rhythm: Rhythm) -> float:
    """The part of the time a rhythm runs in `year` that has passed by `on` (inclusive).

    Each month weighs what the rhythm runs of it; inside a month only the days outside the
    break count ("utom sommaren": 1-15 June and 17-31 August), so nothing more is expected
    on any day of the break."""
    if on.year != year:
        return 0.0 if on.year < year else 1.0
    if rhythm.holidays or rhythm.weeks:  # these fall anywhere in a month: count its days
        running = _running_days(rhythm, year)
        return bisect.bisect_right(running, on.toordinal()) / len(running) if running else 1.0
    active = rhythm.active
    passed = sum(active[: on.month - 1])
    share = active[on.month - 1]
    if share > 0:
        days = range(1, _calendar.monthrange(year, on.month)[1] + 1)
        off = [(a, b) for a, b in rhythm.breaks(year) if a.month <= on.month <= b.month]
        running = [d for d in days if not any(a <= date(year, on.month, d) <= b for a, b in off)]
        if running:
            passed += share * sum(1 for d in running if d <= on.day) / len(running)
    return passed / sum(active)


def expected_by(rhythm: Rhythm, on: date, year: int) -> float:
    """Occurrences a RECURRING rhythm should have reached by `on` (inclusive); 0 otherwise.
    A rhythm with a break expects nothing more during it."""
    if rhythm.kind is not RhythmKind.RECURRING or not rhythm.per_year:
        return 0.0
    if rhythm.active:
        value = rhythm.per_year * _active_fraction(on, year, rhythm)
    else:
        value = rhythm.per_year * _year_fraction(on, year)
    return min(max(value, 0.0), rhythm.per_year)


class Pace(StrEnum):
    """How a measure is doing against its rhythm."""

    AHEAD = "före"
    ON_TRACK = "i fas"
    BEHIND = "efter"
    DONE = "klar"
    OVERDUE = "försenad"
    NOT_DUE = "ej förfallen"
    ONGOING = "pågående"
    UNKNOWN = "okänd"


def pace(rhythm: Rhythm, done_count: int, on: date, year: int, done: bool = False) -> Pace:
    """Compare progress with the rhythm.

    `done=True` (the measure is marked finished) always gives DONE. RECURRING:
    DONE once `done_count` reaches `per_year`; BEHIND if `done_count < floor(expected)`
    (the occurrence that is only partly due is slack); AHEAD if
    `done_count > ceil(expected)`; else ON_TRACK. "Vid behov" measures are never BEHIND.
    ONE_OFF: OVERDUE after the deadline, else NOT_DUE.
    """
    if done:
        return Pace.DONE
    if rhythm.kind is RhythmKind.RECURRING and rhythm.per_year:
        if done_count >= rhythm.per_year:
            return Pace.DONE
        expected = expected_by(rhythm, on, year)
        # Tolerance so that 7.9999999 counts as 8.
        if done_count < math.floor(expected + 1e-9):
            return Pace.ON_TRACK if rhythm.as_needed else Pace.BEHIND
        if done_count > math.ceil(expected - 1e-9):
            return Pace.AHEAD
        return Pace.ON_TRACK
    if rhythm.kind is RhythmKind.ONE_OFF:
        if rhythm.deadline is not None and on > rhythm.deadline:
            return Pace.OVERDUE
        return Pace.NOT_DUE
    if rhythm.kind is RhythmKind.ONGOING:
        return Pace.ONGOING
    return Pace.UNKNOWN


def pace_text(rhythm: Rhythm, done_count: int, on: date, year: int, done: bool = False) -> str:
    """One Swedish line, e.g. "3 av 8 genomförda, i fas"."""
    p = pace(rhythm, done_count, on, year, done)
    if rhythm.kind is RhythmKind.RECURRING and rhythm.per_year:
        text = f"{done_count} av {_fmt_number(rhythm.per_year)} genomförda, {p}"
        return text + " (vid behov)" if rhythm.as_needed else text
    if rhythm.kind is RhythmKind.ONE_OFF and rhythm.deadline is not None:
        return f"{rhythm.label()}, {p}"
    if rhythm.kind is RhythmKind.ONGOING:
        done_text = counted(done_count, "genomförd", "genomförda")
        return f"{rhythm.label()}, {p}" + (f", {done_text}" if done_count else "")
    return f"Okänd rytm, {p}: en samordnare behöver ange rytmen med /atgard rytm"
