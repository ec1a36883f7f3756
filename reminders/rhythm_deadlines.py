"""Reading one-off deadlines and windows ("Under 2025", "Q2", "senast 2025-06-30", "läsåret 25/26")."""

from __future__ import annotations

import calendar as _calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from reminders.calendar import default_school_holidays
from reminders.rhythm_text import _MONTH, _MONTHS

_ORD14 = {"forsta": 1, "andra": 2, "tredje": 3, "fjarde": 4}
_YEAR_RE = re.compile(r"(?<![\d-])((?:19|20)\d{2})(?!\d)(?!-\d{1,2}-)")
# "senast Q2" means "by the end of Q2": no window start.
_BY_RE = re.compile(r"\b(?:senast|innan|fore|infor|till|klart?|fardigt?)\s*$")


@dataclass(frozen=True)
class _Deadline:
    deadline: date
    start: date | None
    pos: int
    # Where the words end, the first day of the period they name (also when `start` is
    # left out: "senast juni", "Under 2025", "30 juni"), and whether they name both ends
    # ("mars till juni", "v. 10–14"): what a start ("från och med mars") needs.
    end: int = 0
    begins: date | None = None
    window: bool = False


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

    def add(
        m: re.Match[str],
        make: Callable[[re.Match[str]], tuple[date, date | None]],
        window: bool,
    ) -> None:
        try:
            deadline, start = make(m)
        except (ValueError, KeyError, OverflowError):
            return  # an impossible date ("2025-02-30", week 53 in a 52-week year)
        begins = start or deadline
        if _BY_RE.search(low[: m.start()]):
            start = None
        out.append(_Deadline(deadline, start, m.start(), m.end(), begins, window))

    def first(
        pattern: str,
        make: Callable[[re.Match[str]], tuple[date, date | None]],
        window: bool = False,
    ) -> None:
        for m in re.finditer(pattern, low):
            before = len(out)
            add(m, make, window)
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
    isos: list[tuple[date, int, int]] = []
    for m in re.finditer(r"(?<![\d-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\d-])", low):
        try:
            day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue
        isos.append((day, m.start(), m.end()))
    if len(isos) >= 2:
        days = sorted(d for d, _, _ in isos)
        out.append(_Deadline(days[-1], days[0], isos[0][1], isos[-1][2], days[0], True))
    elif isos:
        day, pos, end = isos[0]
        out.append(_Deadline(day, None, pos, end, day))

    # Ranges, before their single parts: the window runs from the first's start to the end
    # of the last ("2025-02 – 2025-06", "v. 10–14", "maj 2025 – sept 2025").
    first(
        r"(?<![\d-])(\d{4})-(\d{1,2})\s*(?:-|till)\s*(\d{4})-(\d{1,2})(?![\d-])",
        lambda m: (
            _month_end(int(m.group(3)), int(m.group(4))),
            date(int(m.group(1)), int(m.group(2)), 1),
        ),
        window=True,
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
        window=True,
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
        window=True,
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
        window=True,
    )
    for m in _YEAR_RE.finditer(low):
        y = int(m.group(1))
        out.append(_Deadline(date(y, 12, 31), None, m.start(), m.end(), date(y, 1, 1)))
        break

    for m in re.finditer(
        r"\b(?:under\s+(?:innevarande\s+)?aret|i\s+ar|innevarande\s+ar|arets\s+slut"
        r"|(?:till|vid|fore|innan)\s+arsskiftet)\b",
        low,
    ):
        out.append(_Deadline(date(year, 12, 31), None, m.start(), m.end(), date(year, 1, 1)))
        break
    return out
