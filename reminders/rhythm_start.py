"""Reading when work starts: "Start 2025-03-01", "från och med mars", "fr.o.m. v. 10", "Start HT25".

A start is no deadline: the work runs from it, as ongoing work or, with a count ("2 ggr/mån
från och med mars"), as a rhythm paced from the start. A start that names both ends
("från mars till juni") is a window: a deadline alone, the months a count runs in with one
(reminders.rhythm_windows).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from reminders.rhythm_deadlines import _YEAR_RE, _deadline_candidates

# The words that say a start, then the small words before the date ("med start i april",
# "startar den 1 mars", "påbörjas under våren"). Matched on folded text: "fran" is "från".
_START_RE = re.compile(
    r"(?<![\w.])(?:fran\s+och\s+med|fr\s*\.?\s*o\s*\.?\s*m\b\.?|f\.o\.m\.?|fom|fran"
    r"|(?:med\s+)?(?:upp)?start(?:ar|as|a|ade|at)?|paborja(?:s|r|d|t)?|borja(?:r|s)?"
    r"|inleds)(?!\w)\s*:?"
    r"(?:\s*\b(?:i|under|den|pa|vid|med|runt|kring)\b)*\s*"
)
# An end right after the start makes a window ("från v. 34 till v. 50"): the deadline and
# break readers know those.
_UNTIL_RE = re.compile(r"\s*(?:-|till|t\.?\s*o\.?\s*m\b\.?|tom|fram\s+till)\s*\S")
# Where the start's date words end at the latest: "Start 2025-03-01, klart 2025-06-30".
_STOP_RE = re.compile(
    r"[,;:()]|\s(?:och|samt|till|tom|t\.o\.m|klart?|senast|men|dock|darefter|sedan|eller)\b"
    r"|\s-\s"
)


@dataclass(frozen=True)
class _Start:
    start: date
    pos: int  # where the start's words begin
    end: int  # ... and end


def _start_of(low: str, year: int) -> _Start | None:
    """The first start `low` names, or None."""
    ym = _YEAR_RE.search(low)
    text_year = int(ym.group(1)) if ym else year
    for m in _START_RE.finditer(low):
        stop = _STOP_RE.search(low, m.end())
        # Only the words right after the marker: padded so positions stay the text's.
        segment = " " * m.end() + low[m.end() : stop.start() if stop else len(low)]
        found = [d for d in _deadline_candidates(segment, text_year) if d.pos == m.end()]
        if not found or found[0].window or found[0].begins is None:
            continue
        if _UNTIL_RE.match(low, found[0].end):
            continue
        return _Start(found[0].begins, m.start(), found[0].end)
    return None
