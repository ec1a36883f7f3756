"""Reading the months a recurring rhythm runs in: "2 ggr/mån mars–juni", "från mars till
juni", "under vårterminen", "HT", "under sommaren".

A window is the other side of a break: the months outside it rest. reminders.rhythm_breaks
keeps it as a break's months (Rhythm.active) with the window in words as its label, so pace,
meetings and reminders treat the months outside it as they treat "utom juli". Only a window
right next to the count is one ("Varje vecka maj–augusti", "Mars–juni, 2 ggr/mån"): a
period named elsewhere ("2 ggr/mån, utvärdering under hösten") is about something else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reminders.rhythm_text import _MONTH, _MONTH_NAMES, _MONTHS

# The terms as the deadline reader places them (Jan–Jun, Aug–Dec), the summer holiday taken
# out as "utom sommaren" and "under läsåret" do (mid-June to mid-August): month -> share run.
_SPRING_TERM = {1: 1.0, 2: 1.0, 3: 1.0, 4: 1.0, 5: 1.0, 6: 0.5}
_AUTUMN_TERM = {8: 0.5, 9: 1.0, 10: 1.0, 11: 1.0, 12: 1.0}
# "Under sommaren" with a count is the summer months a coordinator counts: June to August.
_SUMMER_MONTHS = {6: 1.0, 7: 1.0, 8: 1.0}
_TERMS: dict[str, tuple[str, dict[int, float]]] = {
    "varterminen": ("under vårterminen", _SPRING_TERM),
    "vartermin": ("under vårterminen", _SPRING_TERM),
    "vt": ("under vårterminen", _SPRING_TERM),
    "varen": ("under vårterminen", _SPRING_TERM),
    "hostterminen": ("under höstterminen", _AUTUMN_TERM),
    "hosttermin": ("under höstterminen", _AUTUMN_TERM),
    "ht": ("under höstterminen", _AUTUMN_TERM),
    "hosten": ("under höstterminen", _AUTUMN_TERM),
    "sommaren": ("", _SUMMER_MONTHS),
    # The school's summer holiday, as "utom sommaren" reads it: mid-June to mid-August.
    "sommarlovet": ("under sommarlovet", {6: 0.5, 7: 1.0, 8: 0.5}),
    "sommarlov": ("under sommarlovet", {6: 0.5, 7: 1.0, 8: 0.5}),
}
_TERM = "|".join(sorted(_TERMS, key=len, reverse=True))
_LEAD = r"(?:(?:under|pa|i|for|mellan|fran\s+och\s+med|fr\.?\s?o\.?\s?m\b\.?|fom|fran)\s+)?"
# "mars–juni", "mars till juni", "fr.o.m. mars t.o.m. juni", "mellan mars och juni".
_UNTIL = r"(?:-|till\s+och\s+med|t\.?\s?o\.?\s?m\b\.?|tom\b|till|fram\s+till)"
_MONTH_RANGE = (
    rf"\b(?P<m1>{_MONTH})\b\.?\s*{_UNTIL}\s*(?P<m2>{_MONTH})\b\.?"
    rf"|\bmellan\s+(?P<b1>{_MONTH})\b\.?\s+och\s+(?P<b2>{_MONTH})\b\.?"
)
# A term with its year, or none: "HT", "VT 2025", "under hösten", "vt-25".
_TERM_ITEM = rf"\b(?P<term>{_TERM})(?:\s*-?\s*(?P<year>(?:19|20)\d{{2}}|\d{{2}}))?(?![\w-])"
_WINDOW_RE = re.compile(rf"(?<![\w.]){_LEAD}(?:{_MONTH_RANGE}|(?:hela\s+)?{_TERM_ITEM})")
# Between a count and its window: blanks, commas, brackets ("varje vecka (mars–juni)");
# between two windows a list's words ("mars–juni och september–november").
_GAP_RE = re.compile(r"[\s,;:()]*")
_JOIN_RE = re.compile(r"[\s,;]*(?:(?:och|samt|&|/)[\s,;]*)?")


@dataclass(frozen=True)
class _Window:
    """The share of each month (1-12) a rhythm runs in its window, and the window in words."""

    months: dict[int, float]
    said: str


def _months_of(first: int, last: int) -> dict[int, float]:
    """Month numbers from `first` to `last`; "november–februari" runs over the new year."""
    months = {first: 1.0}
    step = first
    while step != last:
        step = step % 12 + 1
        months[step] = 1.0
    return months


def _range_label(months: dict[int, float]) -> str:
    """Whole months as runs in words: "mars–juni", "mars–april och september–oktober",
    "november–februari" (a run over the new year is one)."""
    runs: list[list[int]] = []
    for m in sorted(months):
        if runs and m == runs[-1][1] + 1:
            runs[-1][1] = m
        else:
            runs.append([m, m])
    if len(runs) > 1 and runs[0][0] == 1 and runs[-1][1] == 12:
        head = runs.pop(0)
        runs[-1][1] = head[1]
    return " och ".join(
        _MONTH_NAMES[a - 1] if a == b else f"{_MONTH_NAMES[a - 1]}–{_MONTH_NAMES[b - 1]}"
        for a, b in runs
    )


def _beside(
    low: str, span: tuple[int, int], others: list[tuple[int, int]], gap: re.Pattern[str]
) -> bool:
    """Whether `span` stands right before or after one of `others`, only `gap` between."""
    for start, end in others:
        if end <= span[0] and gap.fullmatch(low, end, span[0]):
            return True
        if span[1] <= start and gap.fullmatch(low, span[1], start):
            return True
    return False


def _windows_beside(low: str, counts: list[tuple[int, int]]) -> list[re.Match[str]]:
    """The windows next to a count, and those listed with them ("mars–juni och
    september–november", "under våren och hösten"), in text order."""
    found = list(_WINDOW_RE.finditer(low))
    taken: list[re.Match[str]] = []
    grew = True
    while grew:
        grew = False
        for m in found:
            span = (m.start(), m.end())
            if m in taken:
                continue
            listed = [(t.start(), t.end()) for t in taken]
            if _beside(low, span, counts, _GAP_RE) or _beside(low, span, listed, _JOIN_RE):
                taken.append(m)
                grew = True
    return sorted(taken, key=lambda m: m.start())


def window_beside(low: str, start: int, end: int) -> bool:
    """Whether a window stands right before or after `low[start:end]` (a count without a
    period: "4 ggr under hösten", "Under hösten, 4 ggr")."""
    return bool(_windows_beside(low, [(start, end)]))


def _month_window(
    low: str, counts: list[tuple[int, int]], taken: list[tuple[int, int]], year: int
) -> _Window | None:
    """The months a count runs in, named next to it; None: the whole year (as before).

    `counts`: the spans of the text's counts; `taken`: spans of breaks ("utom juni–augusti"
    is a break, not a window), blanked before a window's neighbourhood is looked at. Month
    ranges win over terms; a text that names both terms ("VT och HT", "vår och höst") has
    named occasions, not a window, and a term in another year than the plan's is left alone.
    """
    if not counts:
        return None
    blank = low
    for a, b in taken:
        blank = blank[:a] + " " * (b - a) + blank[b:]
    ranges: dict[int, float] = {}
    terms: list[str] = []
    for m in _windows_beside(blank, counts):
        first, last = m.group("m1") or m.group("b1"), m.group("m2") or m.group("b2")
        if first and last:
            if _MONTHS[first] != _MONTHS[last]:
                ranges |= _months_of(_MONTHS[first], _MONTHS[last])
            continue
        written = m.group("year")
        if written and (int(written) if len(written) == 4 else 2000 + int(written)) != year:
            return None  # "1 gång/vecka HT26" in 2025's plan: no window this model can say
        terms.append(m.group("term"))
    if ranges:
        return _Window(ranges, _range_label(ranges)) if len(ranges) < 12 else None
    named = {_TERMS[t][0] or t for t in terms}
    if len(named) != 1:
        return None
    said, months = _TERMS[terms[0]]
    return _Window(dict(months), said or _range_label(months))
