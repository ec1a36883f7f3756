"""Where an action plan's header row is and which column holds which field.

Everything here is pure: it works on a dict of cell values, never on openpyxl objects.
Plans number their header cells, break them over two lines or put a group header
("Uppföljning") above per-tertial columns; the words themselves are in
`reports.xlsx_vocabulary`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reports.xlsx_text import cell_text, fold, is_instruction_text, split_numbered
from reports.xlsx_vocabulary import (
    FIELDS_MULTI,
    is_known_area,
    is_period_label,
    is_unnamed_column,
    label_month,
    label_tertial,
    label_year,
    label_year_end_of,
    match_header,
    names_a_period,
    names_early_month,
)

# How far down a sheet the header row may sit (title rows and intro text above it).
HEADER_SCAN_ROWS = 60
HEADER_SCAN_COLS = 40

Grid = dict[tuple[int, int], Any]

# --------------------------------------------------------------------------- header


@dataclass
class Header:
    row: int  # last header row (data starts below it)
    columns: dict[str, int]  # single-valued field -> 1-based column
    multi: dict[str, list[int]] = field(default_factory=dict)  # follow_up/status, left first
    area_name: str | None = None  # 2025 template: the area's name heads the problem column
    first_col: int = 1  # leftmost header column
    labels: dict[int, str] = field(default_factory=dict)  # column -> folded header text
    names: dict[int, str] = field(default_factory=dict)  # column -> header text as written
    tertials: dict[int, int] = field(default_factory=dict)  # follow_up/status column -> 1-3
    ignored: set[int] = field(default_factory=set)  # known columns we leave out (notes, cost)
    # Further columns of a single field, whose text is added to the chosen column's
    # ("Tidsplan" and "Frekvens"; "Aktivitet" and its "Beskrivning"), left first.
    extra: dict[str, list[int]] = field(default_factory=dict)
    # Status columns ticked off rather than worded ("Klar" holding TRUE/FALSE, "x" or
    # "Ja/Nej"): column -> the status a tick means ("Klar", "Genomförd").
    checks: dict[int, str] = field(default_factory=dict)
    # Follow-up and status columns named by a year ("Uppföljning 2025", "T1" under
    # "Status 2026"): column -> that year; and their names as the plan writes them.
    years: dict[int, int] = field(default_factory=dict)
    year_names: dict[int, str] = field(default_factory=dict)
    # Columns dated early in their year ("Uppföljning per 2026-01-31"): column -> the year
    # whose year-end report they are in a plan for that year (see `label_year_end_of`).
    year_end_of: dict[int, int] = field(default_factory=dict)
    # Such a column's other reading, (year, tertial), for the importer when the plan's year
    # is not the one the reader took (see `reports.xlsx_years.keep_plan_year`).
    other_reading: dict[int, tuple[int, int]] = field(default_factory=dict)
    # The partners' column beside the responsible one ("Samverkanspart" beside
    # "Huvudansvarig"): added to the measure's Vem text after the responsible party.
    partners: list[int] = field(default_factory=list)

    @property
    def score(self) -> int:
        counted = [*self.multi.values(), *self.extra.values()]
        return len(self.columns) + sum(len(v) for v in counted)


@dataclass(frozen=True)
class SheetHints:
    """What the sheet around the header says: its name, and which columns are hidden."""

    title: str | None = None
    hidden_cols: frozenset[int] = frozenset()
    # A follow-up sheet beside the plan ("Uppföljning"): its rows may name the measure by
    # its number only ("Nr | Tertial | Kommentar | Status").
    follow_up_sheet: bool = False


def _label(grid: Grid, r: int, c: int) -> str | None:
    text = cell_text(grid.get((r, c)))
    return text.replace("\n", " ") if text else None


def _names_the_area(text: str, hints: SheetHints) -> bool:
    """A header that is the sheet's own name (cut to 31 characters) or one of the city's."""
    if is_known_area(text):
        return True
    if not hints.title:
        return False
    name, title = fold(text), fold(split_numbered(hints.title)[1])
    return bool(title) and (name == title or (len(title) >= 20 and name.startswith(title)))


def _header_from_cells(
    cells: list[tuple[int, str, tuple[str, int] | None]],
    row: int,
    hints: SheetHints,
    uppers: dict[int, str] | None = None,
    checks: dict[int, str] | None = None,
) -> Header | None:
    """Build a header from (column, text, match) triples; None unless it looks like a plan.

    `uppers`: the group header above a column, which may name the tertial ("Uppföljning
    T1" over "Status | Kommentar")."""
    # field -> (hidden, rank, column) for single fields: a visible column beats a hidden one
    # (an old column kept out of sight), then the lower rank wins.
    best: dict[str, tuple[bool, int, int]] = {}
    seen: dict[str, list[tuple[bool, int, int]]] = {}
    multi: dict[str, list[tuple[int, int]]] = {}
    unknown: list[tuple[int, str]] = []
    ignored: set[int] = set()
    cells = _comments_on_status(cells, follow_up_sheet=hints.follow_up_sheet)
    for col, text, match in cells:
        if match is None:
            unknown.append((col, text))
            continue
        key, rank = match
        if key == "ignore":
            ignored.add(col)
            continue
        if key in FIELDS_MULTI:
            multi.setdefault(key, []).append((rank, col))
            continue
        candidate = (col in hints.hidden_cols, rank, col)
        seen.setdefault(key, []).append(candidate)
        if key not in best or candidate[:2] < best[key][:2]:
            best[key] = candidate
    columns = {key: col for key, (_, _, col) in best.items()}
    multi_cols = {
        key: [c for rank, c in found if rank == min(r for r, _ in found)]
        for key, found in multi.items()
    }
    others = {"cause", "when", "responsible", "goal", "problem"} & columns.keys()
    by_number = hints.follow_up_sheet and "ref" in columns and bool(multi_cols)
    if ("measure" not in columns and not by_number) or not (others or multi_cols):
        return None
    area_name = None
    known = [c for c in columns.values()] + [c for v in multi_cols.values() for c in v]
    if "problem" not in columns and "area" not in columns and unknown:
        # 2025 template: the problem column is headed by the area's own name, left of every
        # known column. Elsewhere an unknown header ("Medborgarlöfte") is only the area's
        # name when it is the sheet's name or one of the city's areas.
        col, text = unknown[0]
        leftmost = col < min(known)
        if (leftmost or (len(unknown) == 1 and _names_the_area(text, hints))) and len(text) <= 200:
            columns["problem"] = col
            # A column Excel named for want of a header ("Kolumn1") keeps its cells, as
            # the problem, but its name is no area's.
            area_name = None if is_unnamed_column(text) else text
    first = min([*known, *(c for c, _ in unknown)], default=1)
    if area_name is not None:
        first = min(first, columns["problem"])
    texts = {col: text for col, text, _ in cells}
    repeated = [c for v in multi_cols.values() for c in v]
    uppers = uppers or {}
    tertials = {
        c: t
        for c in repeated
        if (t := label_tertial(texts[c]) or label_tertial(uppers.get(c, ""))) is not None
    }
    _year_end_by_order(multi_cols, texts, tertials)
    years, year_names, year_end_of = _column_years(repeated, texts, uppers)
    return Header(
        extra=_extra_columns(best, seen),
        row=row,
        columns=columns,
        multi=multi_cols,
        area_name=area_name,
        first_col=first,
        labels={col: fold(text) for col, text in texts.items()},
        names=texts,
        tertials=tertials,
        ignored=ignored,
        checks={c: word for c, word in (checks or {}).items() if c in repeated},
        years=years,
        year_names=year_names,
        year_end_of=year_end_of,
        partners=_partner_columns(best, seen),
    )


# The months tertial reports are written in, right after each tertial: May for T1,
# September for T2, January (or February) for the year-end.
_REPORTING_MONTHS = {5: 1, 9: 2, 1: 3, 2: 3}


def _year_end_by_order(
    multi: dict[str, list[int]], texts: dict[int, str], tertials: dict[int, int]
) -> None:
    """A January column right of a later month's ("April | Augusti | Januari") is the
    year-end report written after the year: T3, not this year's T1. Columns named by the
    months the reports are written in ("Maj | September | Januari") are the tertials they
    report on. In place."""
    for cols in multi.values():
        months = {c: m for c in cols if (m := label_month(texts[c])) is not None}
        reported = {_REPORTING_MONTHS.get(m) for m in months.values()}
        if len(months) >= 2 and None not in reported and len(reported) == len(months):
            tertials.update({c: _REPORTING_MONTHS[m] for c, m in months.items()})
            continue
        latest = 0
        for c in cols:  # left to right
            tertial = tertials.get(c)
            if tertial is None:
                continue
            if latest >= 2 and names_early_month(texts[c]):
                tertials[c] = 3
            latest = max(latest, tertials[c])


def _column_years(
    repeated: list[int], texts: dict[int, str], uppers: dict[int, str]
) -> tuple[dict[int, int], dict[int, str], dict[int, int]]:
    """The year each follow-up or status column is named by, in its own label or in the
    follow-up group header above it ("Uppföljning 2025" over "T1 | T2 | T3"); a title
    above the table names no column's year. Also the columns' names for warnings, and
    the year whose year-end a column dated early in its year may be."""
    years: dict[int, int] = {}
    names: dict[int, str] = {}
    year_end_of: dict[int, int] = {}
    for c in repeated:
        upper = uppers.get(c, "")
        above = match_header(upper) if upper else None
        grouped = above is not None and above[0] in FIELDS_MULTI
        # A sub-header ("2025", "T1 2025") is named with its group ("Uppföljning: 2025").
        own = match_header(texts[c])
        name = (
            f"{upper}: {texts[c]}"
            if grouped and (own is None or own[0] not in FIELDS_MULTI)
            else texts[c]
        )
        if (year := label_year(texts[c])) is not None:
            years[c], names[c] = year, name
            labelled = texts[c]
        elif grouped and (year := label_year(upper)) is not None:
            years[c], names[c] = year, f"{upper}: {texts[c]}"
            labelled = upper
        else:
            continue
        if (before := label_year_end_of(labelled)) is not None:
            year_end_of[c] = before
    return years, names, year_end_of


def _partner_columns(
    best: dict[str, tuple[bool, int, int]], seen: dict[str, list[tuple[bool, int, int]]]
) -> list[int]:
    """Visible partner columns ("Samverkanspart", rank 1 of the responsible field) beside
    a responsible column of rank 0 ("Huvudansvarig"). Without one they are the Vem column
    themselves, as before."""
    chosen = best.get("responsible")
    if chosen is None or chosen[0] or chosen[1] != 0:
        return []
    return sorted(c for hidden, rank, c in seen["responsible"] if rank == 1 and not hidden)


_COMMENT_STARTS = [["kommentar"], ["kommentarer"], ["comment"], ["comments"]]


def _comments_on_status(
    cells: list[tuple[int, str, tuple[str, int] | None]], *, follow_up_sheet: bool = False
) -> list[tuple[int, str, tuple[str, int] | None]]:
    """A comment column that explains a status is the follow-up's text: "Kommentar T1"
    beside "Status T1" (a period's comment), and "Kommentar" right of a status column
    where the plan has no follow-up column ("Status | Kommentar": why it is yellow).
    Elsewhere "Kommentar" is a note on the measure, left out; on a follow-up sheet
    without a follow-up column it is the follow-up wherever it stands."""
    status = {col for col, _, m in cells if m is not None and m[0] == "status"}
    if not status and not follow_up_sheet:
        return cells
    has_follow_up = any(m is not None and m[0] == "follow_up" for _, _, m in cells)
    out = []
    for col, text, match in cells:
        words = fold(text).split()
        comment = match is not None and match[0] == "ignore" and words[:1] in _COMMENT_STARTS
        beside = col - 1 in status or follow_up_sheet
        explains = label_tertial(text) is not None or (not has_follow_up and beside)
        if comment and explains:
            match = ("follow_up", 0)
        out.append((col, text, match))
    return out


# Fields whose second column says more about the same thing; an area or a number is one.
_JOINED_FIELDS = ("problem", "cause", "measure", "goal", "when", "responsible")
# The measure's rank whose columns describe it ("Beskrivning"), not name it.
_DESCRIPTION_RANK = 2


def _extra_columns(
    best: dict[str, tuple[bool, int, int]], seen: dict[str, list[tuple[bool, int, int]]]
) -> dict[str, list[int]]:
    """Visible columns of a field beside the chosen one: of the same rank ("När" and
    "Frekvens"), or a measure's description beside its name ("Aktivitet" and
    "Beskrivning"). A lower rank is otherwise a stand-in only ("Förväntat resultat" is the
    goal without "Mål"), and a hidden column an old one."""
    extra: dict[str, list[int]] = {}
    for key in _JOINED_FIELDS:
        if key not in best or best[key][0]:
            continue
        _, rank, chosen = best[key]
        cols = [
            c
            for hidden, r, c in seen[key]
            if c != chosen
            and not hidden
            and (r == rank or (key == "measure" and r == _DESCRIPTION_RANK > rank))
        ]
        if cols:
            extra[key] = sorted(cols)
    return extra


def _build(
    grid: Grid, spans: Grid, r: int, max_col: int, hints: SheetHints, *, with_top: bool
) -> Header | None:
    """The header if row `r` is its last row; with_top also reads row r-1 as its upper half.

    The upper half contributes in two ways: a cell merged down over an empty cell of row r
    (the 2024 template), and a group header spread over several columns ("Uppföljning" over
    "T1 | T2 | T3"), whose field a sub-header takes when it names none of its own.
    """
    cells: list[tuple[int, str, tuple[str, int] | None]] = []
    checks: dict[int, str] = {}  # column -> the status a tick in it means
    uppers: dict[int, str] = {}  # column -> the text of the upper half over it
    group: str | None = None  # the last upper cell seen to the left, for period labels
    labels = {c: text for c in range(1, max_col + 1) if (text := _label(grid, r, c))}
    # The table's first column; a header merged down over two rows ("Orsak" in A1:A2)
    # has it in the upper row only. A title merged across the top marks no column.
    tops = [
        c
        for c in range(1, max_col + 1)
        if with_top and r > 1 and (r - 1, c) in grid and not _spans_right(spans, r - 1, c)
    ]
    first = min([*labels, *tops], default=0)
    for c in range(1, max_col + 1):
        bottom = labels.get(c)
        top = _label(grid, r - 1, c) if with_top and r > 1 else None
        if top:
            group = top
        if not bottom:
            if top:
                cells.append((c, top, match_header(top)))
            continue
        if with_top and (upper := top or _label(spans, r - 1, c)):
            uppers[c] = upper
        match = match_header(bottom)
        if (word := _check_word(bottom, match)) is not None and _holds_checks(grid, r, c):
            match, checks[c] = ("status", 0), word
        # The table's first column is never under a group: a title merged across the top
        # ("Uppföljning av planen 2025") must not turn the area-name header into a field.
        if with_top and c > first and (match is None or match[0] == "ignore"):
            spread = _label(spans, r - 1, c)
            over = spread or (top if _spans_right(spans, r - 1, c) else None)
            above = match_header(over) if over and len(bottom) <= 30 else None
            if above and above[0] != "ignore":
                match = above  # "Uppföljning" over "T1", "Kommentar" or "Polisen"
            elif group and is_period_label(bottom):
                above = match_header(group)
                if above and above[0] in FIELDS_MULTI:
                    match = above  # "Uppföljning" written once above "Tertial 1 | Tertial 2"
                    uppers.setdefault(c, group)  # its year, if it names one, is theirs
        if match is None and names_a_period(bottom) and not _holds_marks(grid, r, c):
            # "April | Augusti | December" or "Delår 1 | Delår 2 | Helår" with no group
            # header: the follow-up written at each reporting time.
            match = ("follow_up", 0)
        cells.append((c, bottom, match))
    return _header_from_cells(cells, r, hints, uppers, checks)


# How far below a header to look at what a column holds.
_SAMPLE_ROWS = 40


# What ticks a period off in a schedule. Not a dash: "-" and "–" are how a plan says "not
# yet" in a follow-up column, so they say nothing about what the column holds.
_TICKS = frozenset({"x", "✓", "✔", "☑", "•", "●", "*", "ja"})


def _holds_marks(grid: Grid, r: int, c: int) -> bool:
    """True when the cells below (r, c) tick periods off ("x", "✓", "Ja"): a schedule of
    when the measure runs (a column per month or quarter), not follow-up texts."""
    for row in range(r + 1, r + 1 + _SAMPLE_ROWS):
        text = cell_text(grid.get((row, c)))
        if text and text.strip().lower() in _TICKS:
            return True
    return False


# A header that asks whether the measure is done ("Klar", "Genomförd (ja/nej)", "Klart?",
# "Done") or started ("Påbörjad"), folded -> the status a tick means; and the words that
# may follow it, telling how to answer.
_DONE_HEADERS = {
    "klar": "Klar",
    "klart": "Klart",
    "avklarad": "Avklarad",
    "avklarat": "Avklarat",
    "genomford": "Genomförd",
    "genomfort": "Genomfört",
    "utford": "Utförd",
    "utfort": "Utfört",
    "slutford": "Slutförd",
    "slutfort": "Slutfört",
    "fardig": "Klar",
    "fardigt": "Klart",
    "done": "Klar",
    "completed": "Klar",
    # Started, not done: a tick is work in progress.
    "paborjad": "Påbörjad",
    "paborjat": "Påbörjat",
    "startad": "Startad",
    "startat": "Startat",
}
_ANSWER_WORDS = frozenset({"ja", "nej", "x", "kryss", "kryssa", "markera", "bocka", "yes", "no"})
# What a ticked and an unticked box read as (`cell_text`: TRUE is "Ja"), folded.
# Not 1 and 0: a status column holds numbers under an icon set of traffic lights.
TICKED = frozenset({"ja", "x", "sant", "true", "yes", "✓", "✔", "☑", "☒", "✅"})
UNTICKED = frozenset({"nej", "falskt", "false", "no", "☐"})


def _check_word(text: str, match: tuple[str, int] | None) -> str | None:
    """The status a tick means when the header asks whether the measure is done ("Klar",
    "Genomförd (ja/nej)"), or is a status column (which then only holds ticks)."""
    if match is not None and match[0] == "status":
        return "Klar"
    words = fold(text).split()
    if words and words[0] in _DONE_HEADERS and _ANSWER_WORDS.issuperset(words[1:]):
        return _DONE_HEADERS[words[0]]
    return None


def is_tick(value: Any) -> bool | None:
    """True for a ticked box (TRUE, "x", "Ja", "✓"), False for an unticked one, else None."""
    if isinstance(value, bool):
        return value
    text = cell_text(value)
    if text is None:
        return None
    folded = text.strip().casefold()
    if folded in TICKED:
        return True
    if folded in UNTICKED:
        return False
    return None


def _holds_checks(grid: Grid, r: int, c: int) -> bool:
    """True when the cells below (r, c) are ticked or unticked boxes only (TRUE/FALSE,
    "x", "Ja"/"Nej"): a done-mark, not a date ("Klart 2025-06-30") or a text."""
    seen = False
    for row in range(r + 1, r + 1 + _SAMPLE_ROWS):
        value = grid.get((row, c))
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if is_tick(value) is None:
            return False
        seen = True
    return seen


def _spans_right(spans: Grid, r: int, c: int) -> bool:
    """True when the cell at (r, c) is the top-left of a range merged across columns."""
    return (r, c + 1) in spans and (r, c) not in spans


def _short_labels_only(grid: Grid, r: int, max_col: int) -> bool:
    """True when row r holds only short labels (a sub-header row, not data or guidance).

    At least two: a single cell below the header is a section heading ("Prioriterat
    område 1: Unga"), not the lower half of the header.
    """
    texts = [_label(grid, r, c) for c in range(1, max_col + 1)]
    texts = [t for t in texts if t]
    return len(texts) >= 2 and all(len(t) <= 40 and not is_instruction_text(t) for t in texts)


def find_header(
    grid: Grid, spans: Grid, max_row: int, max_col: int, hints: SheetHints | None = None
) -> Header | None:
    """Scan the top of a sheet for the header row (one row, or two with merged cells)."""
    hints = hints or SheetHints()
    last = min(max_row, HEADER_SCAN_ROWS)
    for r in range(1, last + 1):
        if not any((r, c) in grid for c in range(1, max_col + 1)):
            continue
        single = _build(grid, spans, r, max_col, hints, with_top=False)
        double = _build(grid, spans, r, max_col, hints, with_top=True) if r > 1 else None
        header = single
        if double and (single is None or double.score > single.score):
            header = double
        elif (
            double and single and double.score == single.score and double.years and not single.years
        ):
            # "T1 | T2 | T3" reads alone as well, but the group header above names their
            # year ("Uppföljning 2025"): last year's tertials must not read as this year's.
            header = double
        if header is None:
            continue
        # A sub-header row below ("T1 | T2 | T3" under a merged "Uppföljning").
        if r < max_row and _short_labels_only(grid, r + 1, max_col):
            below = _build(grid, spans, r + 1, max_col, hints, with_top=True)
            if below and below.score > header.score:
                header = below
                # And a third row: "Uppföljning" over "2024 | 2025" over "T1 | T2 | T3".
                if r + 1 < max_row and _short_labels_only(grid, r + 2, max_col):
                    top_grid, top_spans = _collapse(grid, spans, r, max_col)
                    lowest = _build(top_grid, top_spans, r + 2, max_col, hints, with_top=True)
                    if lowest and lowest.score > header.score:
                        header = lowest
        return header
    return None


def _collapse(grid: Grid, spans: Grid, r: int, max_col: int) -> tuple[Grid, Grid]:
    """The grid and spans with header rows r and r+1 read as one row r+1, each column's
    texts joined ("Uppföljning" spread over "2024" gives "Uppföljning 2024"), so a
    three-row header reads as the two-row one `_build` knows. A column headed in row r
    only ("Orsak" merged down over all three rows) keeps that text."""
    top_grid, top_spans = dict(grid), dict(spans)
    below = r + 1
    for c in range(1, max_col + 1):
        upper = _label(grid, r, c) or _label(spans, r, c)
        own = _label(grid, below, c)
        spread = _label(spans, below, c)
        if own or spread:
            joined = " ".join(t for t in (upper, own or spread) if t)
            if own:
                top_grid[(below, c)] = joined
            else:
                top_spans[(below, c)] = joined
        elif (r, c) in grid and upper:
            top_grid[(below, c)] = upper
        elif upper:
            top_spans[(below, c)] = upper
    return top_grid, top_spans
