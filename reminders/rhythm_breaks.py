"""Reading a rhythm's breaks ("utom juli", "uppehåll v. 27–31", "ej jul/nyår", "under
terminstid") and windows of weeks ("v. 34–50"), and placing them as days of a year."""

from __future__ import annotations

import calendar as _calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from reminders.calendar import default_school_holidays
from reminders.rhythm_frequency import _freq_matches
from reminders.rhythm_text import _MONTH, _MONTH_NAMES, _MONTHS
from reminders.rhythm_windows import _month_window

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
# ISO weeks, one or a run: "v. 27", "v. 27–31", "vecka 27 till 31", "v. 34 t.o.m. v. 50",
# "v. 51–2" (over the new year). Not "v. 3:e" (an ordinal).
_WEEK_UNTIL = r"(?:-|till\s+och\s+med|t\.?\s?o\.?\s?m\b\.?|tom\b|till)"
_WEEK_ITEM = (
    r"\bv(?:\.|ecka|eckan|eckorna)?\s*\d{1,2}"
    rf"(?:\s*{_WEEK_UNTIL}\s*(?:v(?:\.|ecka)?\s*)?\d{{1,2}})?(?![\d:])"
)
_WEEK_RE = re.compile(
    r"\bv(?:\.|ecka|eckan|eckorna)?\s*(\d{1,2})"
    rf"(?:\s*{_WEEK_UNTIL}\s*(?:v(?:\.|ecka)?\s*)?(\d{{1,2}}))?(?![\d:])"
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


def _break_ranges(
    active: tuple[float, ...],
    holidays: tuple[str, ...],
    weeks: tuple[tuple[int, ...], ...],
    year: int,
) -> list[tuple[date, date]]:
    """A rhythm's breaks in `year` as date ranges, both ends inclusive (Rhythm.breaks): a
    month it runs half of starts or ends the break at its middle ("utom sommaren": 16
    June–16 August)."""
    out: list[tuple[date, date]] = []
    month = 1
    while month <= 12:
        if not active or active[month - 1] >= 1.0:
            month += 1
            continue
        first = month
        while month <= 12 and active[month - 1] < 1.0:
            month += 1
        last = month - 1
        start_days = _calendar.monthrange(year, first)[1]
        start = date(year, first, 1 + round(start_days * active[first - 1]))
        end_days = _calendar.monthrange(year, last)[1]
        end = date(year, last, max(1, round(end_days * (1 - active[last - 1]))))
        out.append((start, end))
    if holidays or weeks:
        out = _merged(out + _holiday_ranges(holidays, year) + _week_ranges(weeks, year))
    return out


def _running_share(
    rhythm_active: tuple[float, ...],
    names: tuple[str, ...],
    weeks: tuple[tuple[int, ...], ...],
    year: int,
) -> float:
    """The part of `year`'s days a rhythm with these breaks runs."""
    days = 366 if _calendar.isleap(year) else 365
    ranges = _break_ranges(rhythm_active or (1.0,) * 12, names, weeks, year)
    off = sum((b - a).days + 1 for a, b in ranges)
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
    (for the label), the school holidays and the ISO weeks it pauses for besides, and
    whether it names the weeks or months the rhythm runs in (a window)."""

    active: tuple[float, ...] = ()
    said: str = ""
    holidays: tuple[str, ...] = ()
    weeks: tuple[tuple[int, ...], ...] = ()
    window: bool = False


_NO_BREAK = _Break()


def _pause(low: str, year: int) -> _Break:
    """The text's break, or _NO_BREAK. A window of months or a term the count runs in
    ("2 ggr/mån mars–juni", "under vårterminen") is kept as a break of the months outside
    it (reminders.rhythm_windows), said as the window."""
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
    # Weeks are the finer window: months are read only without them.
    taken = [(m.start(), m.end()) for p in (_PAUSE_RE, _HOLIDAY_RE) for m in p.finditer(low)]
    months = None if window else _month_window(low, [(f.start, f.end) for f in freqs], taken, year)
    outside = {i: 1.0 - months.months.get(i, 0.0) for i in range(1, 13)} if months else {}
    rests = {i: max(off.get(i, 0.0), outside.get(i, 0.0)) for i in range(1, 13)}
    if all(share >= 1.0 for share in rests.values()) or not (off or outside or names or all_off):
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
    if months:
        said = months.said
    if words:
        joined = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " och " + words[-1]
        said = (said + " utom " if said else "utom ") + joined
    return _Break(
        active=tuple(1.0 - rests[i] for i in range(1, 13)),
        said=said,
        holidays=tuple(n for n in SCHOOL_HOLIDAYS if n in names),
        weeks=_week_runs(all_off),
        window=bool(window or months),
    )


def _share(active: tuple[float, ...]) -> float:
    """The part of the year a rhythm runs (1.0 without a break)."""
    return sum(active) / 12 if active else 1.0
