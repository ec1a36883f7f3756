"""Reading named occasions as a count per year ("vår och höst", "v. 10 och v. 40", "vid terminsstart")."""

from __future__ import annotations

import re

from reminders.rhythm_breaks import _WEEK_RE
from reminders.rhythm_deadlines import _BY_RE
from reminders.rhythm_frequency import _Freq
from reminders.rhythm_text import _MONTH, _MONTHS

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
