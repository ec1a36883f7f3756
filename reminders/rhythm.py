"""Parse the free-text "När" column of an action plan into a rhythm.

The column mixes one-off deadlines ("Under 2025", "Q2", "senast 2025-06-30", "läsåret
25/26"), ongoing work ("Linjearbete", "löpande") and counted rhythms ("8 ggr/år",
"2 ggr/månad", "varannan vecka", "vår och höst"), sometimes with a break ("utom juli",
"uppehåll v. 27–31", "ej jul/nyår", "under terminstid") or a window of weeks ("v. 34–50")
or months ("mars–juni", "under vårterminen"), and sometimes followed by a comment. `parse_when` never raises: text it
cannot read becomes `RhythmKind.UNKNOWN` so a person can set the rhythm by hand with
`parse_override`.

This module is the public entry point; the reading is split over modules it alone uses:
rhythm_text (folding, numbers, months), rhythm_frequency (counts and ongoing work),
rhythm_occasions (named occasions), rhythm_deadlines (one-off deadlines), rhythm_start
(when work starts), rhythm_breaks (breaks and windows of weeks), rhythm_windows (windows
of months and terms), rhythm_labels,
rhythm_model (the Rhythm type) and rhythm_pace (pace against the rhythm).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from models.errors import ParseError
from reminders.rhythm_breaks import (
    _HOLIDAY_RE,
    _NO_BREAK,
    _PAUSE_RE,
    _Break,
    _pause,
    _running_share,
    _share,
)
from reminders.rhythm_breaks import _MONTH_NAMES as _MONTH_NAMES
from reminders.rhythm_breaks import SCHOOL_HOLIDAYS as SCHOOL_HOLIDAYS
from reminders.rhythm_deadlines import _deadline_candidates
from reminders.rhythm_frequency import (
    _AS_NEEDED_RE,
    _MIN_RE,
    _ONGOING_PER_YEAR,
    _ONGOING_RE,
    _freq_matches,
)
from reminders.rhythm_model import Rhythm, RhythmKind
from reminders.rhythm_occasions import _occasions
from reminders.rhythm_pace import Pace, _share_before_start, expected_by, pace, pace_text
from reminders.rhythm_start import _start_of
from reminders.rhythm_text import _blank_tags, _fold, _squash

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


_PAREN_RE = re.compile(r"\(([^()]*)\)")
# A colon starts a comment, except in times ("08:30") and ordinals ("var 3:e vecka").
_COLON_RE = re.compile(r"(?<!\d):|(?<=\d):(?!\d|[ea]\b)")
_INSTRUCTION_RE = re.compile(r"^\s*ange\s+tid\b")
_TRAILING_JOIN_RE = re.compile(r"[\s,;]*(?:\b(?:och|samt|respektive)\b)?[\s,;.]*$")


def _parse_core(
    low: str, year: int, pause: _Break = _NO_BREAK, start: date | None = None
) -> Rhythm | None:
    """Read a kind from folded text (no notes, no raw); None when nothing is recognised.
    `pause`: the text's break (_pause), for a recurring rhythm; `start`: the day the work
    starts (_start_of), already cut from `low`."""
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
            return Rhythm(RhythmKind.ONGOING, start=start, as_needed=as_needed)
        minimum = f.minimum or _MIN_RE.search(low) is not None
        active, said, holidays, weeks = pause.active, pause.said, pause.holidays, pause.weeks
        share = (
            _running_share(active, holidays, weeks, year) if holidays or weeks else _share(active)
        )
        rhythm = Rhythm(
            RhythmKind.RECURRING,
            per_year=f.per_year,
            as_needed=as_needed,
            minimum=minimum,
            active=active,
            pause=said,
            holidays=holidays,
            weeks=weeks,
            start=start,
        )
        # A count per month or week runs only while the rhythm runs: after its break and
        # its start ("2 ggr/mån från och med mars": 20 this year). A count per year stays.
        left = share * (1.0 - _share_before_start(rhythm, year))
        if f.fine and (active or left < 1.0):
            # "Varje vecka utom sommaren": 43 meetings, not 43,33.
            per_year = float(max(1, round(f.per_year * left)))
            return replace(rhythm, per_year=per_year, rate=f.per_year)
        return rhythm
    deadlines = _deadline_candidates(low, year)
    # When a text names both, the one written first wins:
    # "Under 2025, därefter linjearbete" vs "Linjearbete, start under 2025".
    if deadlines and not (ongoing and ongoing.start() < min(d.pos for d in deadlines)):
        d = deadlines[0]
        # "Start 2025-03-01, klart 2025-06-30": the window opens at the start.
        opens = start if start is not None and start <= d.deadline else d.start
        return Rhythm(RhythmKind.ONE_OFF, deadline=d.deadline, start=opens, as_needed=as_needed)
    if ongoing or as_needed or start is not None:
        # A start alone ("Startar i mars") is work that runs from then.
        return Rhythm(RhythmKind.ONGOING, start=start, as_needed=as_needed)
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

    # A start ("från och med mars", "Start HT25") is no deadline: cut it out before the rest
    # is read. One on or before the plan year's first day changes nothing.
    begins = _start_of(low, year)
    start: date | None = None
    if begins is not None:
        blank = " " * (begins.end - begins.pos)
        low = low[: begins.pos] + blank + low[begins.end :]
        clean = clean[: begins.pos] + blank + clean[begins.end :]
        if begins.start > date(year, 1, 1):
            start = begins.start

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
    pause = _pause(low, year)
    for pattern in (_PAUSE_RE, _HOLIDAY_RE):
        for m in pattern.finditer(main):
            main = main[: m.start()] + " " * (m.end() - m.start()) + main[m.end() :]
    result: Rhythm | None = None
    colon = _COLON_RE.search(main)
    if colon:
        # "Linjearbete: Akuta situationer ..." - the head carries the rhythm, the tail is
        # a comment. When the head alone means nothing ("SSP: 8 ggr/år") read it all.
        result = _parse_core(main[: colon.start()], year, pause, start)
        if result is not None and result.kind is RhythmKind.ONE_OFF and pause.window:
            # "Under hösten: 2 ggr/mån", "Mars–juni: varje vecka": the head is the window
            # the count runs in, not a deadline.
            result = None
        if result is not None:
            tail = _squash(clean_main[colon.end() :])
            if tail:
                notes.insert(0, tail)
            notes = [n for n in notes if n]
    if result is None:
        result = _parse_core(main, year, pause, start)
    if result is None and parts:
        # "Möten (4 ggr/år högstadiet och 4 ggr/år gymnasiet)": the count is the sum.
        result = Rhythm(RhythmKind.RECURRING, per_year=sum(n for n, _ in parts))
    if result is None and begins is not None:
        # "Påbörjas under våren" in that spring's plan: work that runs all year.
        result = Rhythm(RhythmKind.ONGOING)
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
    "varannan vecka, 1/vecka uppehåll v. 27–31, vår och höst, 2/mån från mars, 2/mån mars–juni, "
    "linje (för linjearbete), linje från 2025-09-01, 2025-06-30, under 2025, Q2, vt 2025 "
    "eller ht 2025."
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
