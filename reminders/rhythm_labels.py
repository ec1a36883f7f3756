"""Short Swedish labels for counts and frequencies ("8 ggr/år", "2 ggr/månad", "varannan vecka")."""

from __future__ import annotations

import math

from reminders.rhythm_frequency import _freq_matches
from reminders.rhythm_text import _ORDINALS, _fold

# Ordinals for "vart tredje år" ... "vart tionde år" (2 is "vartannat år").
_EVERY_NTH = {n: word for word, n in _ORDINALS.items() if n > 2}


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
    if per_year < 1 and _is_whole(1 / per_year) and round(1 / per_year) in _EVERY_NTH:
        # "vart tredje år", not "0,33 ggr/år"
        return f"vart {_EVERY_NTH[round(1 / per_year)]} år"
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
