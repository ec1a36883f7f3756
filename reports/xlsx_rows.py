"""The rows below a plan's header: measures, area headings, and what is neither.

Besides measure rows a plan sheet holds the template's guidance rows, section headings,
repeated headers (sheets copied one below the other), numbered but empty template rows,
a total row at the bottom, notes, and rows the user hid. Each is recognised here; doubtful
rows become Swedish warnings that name the sheet and the row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from models.personal_data import mask
from reports.parsed import ParsedFollowUp, ParsedRow
from reports.verdicts import derive_verdict
from reports.xlsx_colours import traffic_light
from reports.xlsx_layout import Header, is_tick
from reports.xlsx_sheet import SheetFacts
from reports.xlsx_text import cell_text, fold, is_area_label, is_instruction_text, split_numbered
from reports.xlsx_vocabulary import is_known_area, match_header

MAX_EMPTY_RUN = 200

# Swedish column names as shown to users (warnings, `missing`).
LABELS: dict[str, str] = {
    "problem": "Problemområde",
    "cause": "Orsak",
    "measure": "Åtgärd",
    "goal": "Operativa mål",
    "when": "När",
    "responsible": "Vem",
    "follow_up": "Uppföljning",
}
FIELDS = tuple(LABELS)

# "1.3", "A3", "12", "2.1.1)": a number a template puts on rows before they are filled in.
_REF_LIKE = re.compile(r"^[A-Za-zÅÄÖåäö]{0,3}\s?\d{1,3}(?:[.:,]\d{1,3}){0,3}[.)]?$")
# The label of a total row ("Summa", "Totalt", "Antal åtgärder: 4", "S:a"); folded text.
# "Varav klara: 1" and "Andel genomförda: 50 %" count the measures above by their status.
_TOTAL = re.compile(r"^(?:summa|s a|totalt?|antal|sammanlagt|sammantaget|varav|andel)\b")
# All a total's label says besides that: what it counts and where ("Totalt antal åtgärder
# i området: 4"). Any other word makes the cell a text ("Antal rån ökar", "Totalt 4
# trygghetsvandringar"): a measure's cell, not a count.
_TOTAL_WORDS = frozenset(
    [
        "summa",
        "s",
        "a",
        "st",
        "total",
        "totalt",
        "antal",
        "sammanlagt",
        "sammantaget",
        "atgard",
        "atgarder",
        "aktivitet",
        "aktiviteter",
        "insats",
        "insatser",
        "rad",
        "rader",
        "for",
        "i",
        "av",
        "hela",
        "omradet",
        "omraden",
        "planen",
        "varav",
        "andel",
        "procent",
        "dessa",
        # What a count by status counts.
        "klar",
        "klara",
        "genomford",
        "genomforda",
        "pagaende",
        "paborjade",
        "ej",
        "uppfyllda",
        "delvis",
        "grona",
        "gula",
        "roda",
        "status",
    ]
)
# Title-block lines that name the plan or its municipality, never an area.
_NO_AREA_TITLE = re.compile(
    r"^(?:atgardsplan|handlingsplan|aktivitetsplan|trygghetsplan|lokal lagesbild|region)\b"
    r"|\b(?:kommun|stad|stadsdelsforvaltning|stadsdelsomrade|forvaltning)$"
)
# A plain lone cell is a heading only if it reads like one: a short line, not a sentence.
_HEADING_MAX_CHARS = 80
_HEADING_MAX_WORDS = 10

Filled = list[tuple[int, str]]  # (column, text) of a row's non-empty cells


def join_sv(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " och " + words[-1]


def _shorten(text: str, limit: int = 40) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rsplit(" ", 1)[0] + " …"


# A follow-up or status cell that only says "not yet": "-", "–", "…", "?". (A traffic-light
# emoji is no letter either, but it is a status: only these marks count as nothing.)
_NOTHING_YET = re.compile(r"^[\s\-‐‑–—.…·/?]*$")
# A number in a plan's outline: "1", "2.", "1.1", "1.1." (not "A3").
_OUTLINE = re.compile(r"^\d{1,2}(?:\.\d{1,3}){0,2}\.?$")
# A day or a month, as a date column holds it ("2025-06-30", "2025-06").
_ISO_DAY_OR_MONTH = re.compile(r"^\d{4}-\d{2}(?:-\d{2})?$")


_DECIMALS = re.compile(r"\.(0+)")


def decimal_ref(value: float, number_format: str | None, previous: object) -> str:
    """A measure number typed as a decimal number, as the plan shows it: with the decimals
    its format shows ("0.00": 1.1 -> "1.10"), and "1.10" where a number cannot tell 1.10
    from 1.1 but the row above is 1.9 (and "1.20" below 1.19)."""
    shown = _DECIMALS.search(number_format or "")
    text = f"{value:.{len(shown.group(1))}f}" if shown else repr(value)
    if isinstance(previous, float) and not previous.is_integer():
        before = repr(previous)
        area, _, last = before.partition(".")
        mine_area, _, mine = text.partition(".")
        if area == mine_area and int(last) + 1 == int(mine + "0"):
            return text + "0"
    return text


def _with_start(start: str | None, when: str | None) -> str | None:
    """ "Start 2025-02-01" and "Slut 2025-06-30" in two columns: "2025-02-01 – 2025-06-30"
    (or "2025-02 – 2025-06"), a window the rhythm parser reads. A start beside a text
    ("Linjearbete") adds nothing."""
    if start and when and _ISO_DAY_OR_MONTH.match(start) and _ISO_DAY_OR_MONTH.match(when):
        return f"{start} – {when}"
    return when


def _heading_like(text: str) -> bool:
    return (
        "\n" not in text
        and len(text) <= _HEADING_MAX_CHARS
        and len(text.split()) <= _HEADING_MAX_WORDS
        and not text.endswith(".")
    )


@dataclass
class Block:
    """Consecutive rows of one area within a sheet."""

    name: str | None
    number: int | None
    rows: list[ParsedRow] = field(default_factory=list)
    heading_row: int | None = None  # the heading row that started it, if any
    keep_empty: bool = True  # an area even without rows (sheet, numbered or known heading)
    from_sheet: bool = False  # the sheet's own block: may take the sheet's name and number


@dataclass
class SheetResult:
    """A sheet's areas and warnings. The warnings of rows that lack a required field are
    worded by `partial_row_warnings` once every sheet is read: until then `partial` holds
    (index of its empty place in `warnings`, row)."""

    sheet: str
    blocks: list[Block]
    warnings: list[str]
    partial: list[tuple[int, ParsedRow]] = field(default_factory=list)
    required: tuple[str, ...] = ()


def unused_fields(results: list[SheetResult]) -> set[str]:
    """The problem or cause column the plan leaves empty on every row of every sheet that
    has it: a template's column the plan does not use, or a report exported from a plan
    without it. Its emptiness is no partial row (with one row only, it may be)."""
    unused: set[str] = set()
    for key in ("problem", "cause"):
        rows = [
            row
            for result in results
            if key in result.required
            for block in result.blocks
            for row in block.rows
        ]
        if len(rows) > 1 and not any(getattr(row, key) for row in rows):
            unused.add(key)
    return unused


def partial_row_warnings(result: SheetResult, unused: set[str]) -> list[str]:
    """The sheet's warnings with "raden saknar …" worded for its partial rows, leaving out
    the `unused` fields (and a row that lacks nothing else)."""
    skip = {LABELS[key] for key in unused}
    worded = list(result.warnings)
    dropped: set[int] = set()
    for index, row in result.partial:
        row.missing = [label for label in row.missing if label not in skip]
        if not row.missing:
            dropped.add(index)
            continue
        worded[index] = mask(
            f"Flik ”{result.sheet}”, rad {row.row}: raden saknar {join_sv(row.missing)} och "
            "lästes in så långt den räcker."
        )
    return [w for i, w in enumerate(worded) if i not in dropped]


class SheetReader:
    """Turns the rows below a header into blocks of ParsedRows.

    `sheet_is_area`: the sheet is already one area (one sheet per area, or the area's name
    heads the problem column), so a lone emphasised cell is a problem heading for the rows
    below it, not a new area. `untitled`: the sheet's name says nothing of its area
    ("Område 2", "Blad3"), so a heading above the table names it.
    """

    def __init__(
        self, facts: SheetFacts, header: Header, *, sheet_is_area: bool, untitled: bool = False
    ) -> None:
        self.facts, self.header = facts, header
        self.grid = facts.grid
        self.sheet_is_area = sheet_is_area
        self.untitled = untitled
        self.title = mask(facts.title)  # stored as the rows' source and quoted in warnings
        self.blocks = [Block(header.area_name, None, from_sheet=True)]
        self.current = 0  # index of the block rows go to
        self.warnings: list[str] = []
        # The hidden rows last warned of, one after another: (first row, count, index of
        # the last one among the content rows, index of their warning).
        self.hidden_run: tuple[int, int, int, int] | None = None
        # Rows that lack a required field: (index of their warning, row), worded at the end,
        # when it is known which columns the sheet leaves empty throughout.
        self.partial: list[tuple[int, ParsedRow]] = []
        self.problem_heading: str | None = None
        self.measure_rows_seen = False
        # Guidance stands right below a header (or an area's heading): there it is left out
        # silently; below measures a row worded like it may be a measure, and is reported.
        self.below_header = True
        # Whether plain lone cells head the sheet's sections: decided by the look of the
        # first heading when it stands above every measure (None: no such heading yet).
        self.sections: bool | None = None
        self._norm: dict[int, bool] = {}
        cols = header.columns
        self.required = ["measure"]
        if "cause" in cols:
            self.required.insert(0, "cause")
        if "problem" in cols:
            self.required.insert(0, "problem")
        if header.area_name is None and "area" not in cols:
            self._area_above_header()

    @property
    def block(self) -> Block:
        return self.blocks[self.current]

    def _warn(self, r: int, text: str) -> None:
        self.warnings.append(mask(f"Flik ”{self.title}”, rad {r}: {text}"))

    def _warn_hidden(self, index: int, r: int) -> None:
        """Warn of a hidden row; hidden rows one after another (last year's measures kept
        out of sight) are one warning, not one each."""
        run = self.hidden_run
        if run is not None and run[2] == index - 1 and run[3] == len(self.warnings) - 1:
            first, count = run[0], run[1] + 1
            self.warnings[-1] = (
                f"Flik ”{self.title}”, rad {first}–{r}: {count} dolda rader lästes inte in. "
                "Visa raderna i Excel och läs in filen igen om de hör till planen."
            )
            self.hidden_run = (first, count, index, run[3])
            return
        self._warn(
            r,
            "raden är dold och lästes inte in. Visa raden i Excel och läs in filen igen om "
            "den hör till planen.",
        )
        self.hidden_run = (r, 1, index, len(self.warnings) - 1)

    # ---- areas

    def _area_above_header(self) -> None:
        """ "Prioriterat område 2: Otrygga platser" in a title row names the sheet's area."""
        for r in range(self.header.row - 1, 0, -1):
            texts = [
                t
                for c in range(1, self.facts.max_col + 1)
                if (t := cell_text(self.grid.get((r, c))))
            ]
            if len(texts) == 1 and (is_area_label(texts[0]) or is_known_area(texts[0])):
                number, name = split_numbered(texts[0])
                self.blocks[0].name, self.blocks[0].number = name, number
                return
            # "Prioriterat område: | Unga i riskzon": the label and the name in two cells.
            label = match_header(texts[0], exact=True) if len(texts) == 2 else None
            if label is not None and label[0] == "area" and _heading_like(texts[1]):
                number, name = split_numbered(texts[1])
                self.blocks[0].name, self.blocks[0].number = name, number
                return
        if self.untitled and (title := self._title_above_header()) is not None:
            self.blocks[0].name = title

    def _title_above_header(self) -> str | None:
        """The emphasised heading nearest above the table ("Våld i nära relationer" in bold),
        when it is no plan title, municipality, label ("Datum: …") or guidance."""
        for r in range(self.header.row - 1, 0, -1):
            filled = [
                (c, t)
                for c in range(1, self.facts.max_col + 1)
                if (t := cell_text(self.grid.get((r, c))))
            ]
            if len(filled) != 1:
                continue
            c, text = filled[0]
            if (
                self.facts.is_emphasised(r, c)
                and _heading_like(text)
                and ":" not in text
                and not is_instruction_text(text)
                and not _NO_AREA_TITLE.search(fold(text))
                and not any(ch.isdigit() for ch in text)
            ):
                return text
        return None

    def _start_area(self, text: str, *, heading_row: int | None) -> None:
        number, name = split_numbered(text)
        self.problem_heading = None
        self.below_header = True
        current = self.block
        if current.name is None and not current.rows and current.heading_row is None:
            # The sheet's first block gets its name (2024 template: from the guidance row);
            # it keeps the sheet's number unless the text brings its own.
            current.name, current.heading_row = name, heading_row
            current.number = number if number is not None else current.number
            return
        for index, block in enumerate(self.blocks):
            if block.name is not None and fold(block.name) == fold(name):
                # An area column that comes back to an area: its rows join the first block.
                self.current = index
                return
        keep = number is not None or is_known_area(name) or heading_row is None
        self.blocks.append(Block(name, number, heading_row=heading_row, keep_empty=keep))
        self.current = len(self.blocks) - 1

    # ---- what a row is

    def _is_placeholder(self, filled: Filled) -> bool:
        """Only the plan's own number ("1.4") or columns we leave out: nothing written yet."""
        ref_col = self.header.columns.get("ref")
        return all(
            c in self.header.ignored or (c == ref_col and _REF_LIKE.match(text))
            for c, text in filled
        )

    def _is_total(self, filled: Filled) -> bool:
        """ "Summa | | 4" or "Antal åtgärder: 4": a count at the bottom, no measure."""
        label = fold(filled[0][1])
        if len(filled[0][1]) > 40 or not _TOTAL.match(label):
            return False
        if any(word not in _TOTAL_WORDS and not word.isdigit() for word in label.split()):
            return False
        rest = filled[1:]
        if not rest:
            return any(ch.isdigit() for ch in label) or label in ("summa", "totalt", "total")
        return all(re.fullmatch(r"[\d\s.,%:]+", text) for _, text in rest)

    def _heads_column(self, c: int, text: str) -> bool:
        """The text is this column's header, or another word for the same field (the word
        alone: "Insatser i skolan" under Åtgärd and "Ansvarig rektor" under Vem are a
        measure)."""
        if self.header.labels.get(c) == fold(text):
            return True
        match = match_header(text, exact=True) if len(text) <= 60 else None
        if match is None:
            return False
        key = match[0]
        return self.header.columns.get(key) == c or c in self.header.multi.get(key, [])

    def _repeated_header(self, filled: Filled) -> str | bool | None:
        """False when the row is no copy of the header; else the area it starts (or None).

        A copy may word a column differently ("Operativt mål" for "Operativa mål")."""
        same = [c for c, text in filled if self._heads_column(c, text)]
        other = [(c, text) for c, text in filled if not self._heads_column(c, text)]
        if len(same) < 2 or len(other) > 1:
            return False
        if other:
            c, text = other[0]
            first_kind = c == self.header.first_col or c == self.header.columns.get("problem")
            return text if first_kind and not is_instruction_text(text) else False
        return self.header.area_name

    def _emphasis_is_the_norm(self, c: int) -> bool:
        """True when most measure rows have this column bold or filled: then a bold lone cell
        in it is a measure's problem left alone, not a heading."""
        if c not in self._norm:
            rows = [r for r, filled in self.content if len(filled) >= 2][:50]
            marked = sum(1 for r in rows if (r, c) in self.grid and self.facts.is_emphasised(r, c))
            self._norm[c] = len(rows) >= 2 and marked * 2 > len(rows)
        return self._norm[c]

    def _followed_by_measures(self, index: int) -> bool:
        for _, filled in self.content[index + 1 :]:
            if self._is_placeholder(filled) or self._is_total(filled):
                continue
            return len(filled) >= 2
        return False

    def _lone_cell(self, index: int, r: int, c: int, text: str) -> bool:
        """Handle a row with a single filled cell as a heading or note; False if it is a row.

        On a one-sheet plan without an area column, a lone cell starts an area when it looks
        like a heading (bold, filled or merged across in a column where measures are not,
        numbered, "Prioriterat område …", one of the city's areas), or when it is a short
        line at the top of the sheet's sections, followed by measures. A lone cell without
        measures below is a note; anywhere else it is a partial row (a cause written, the
        rest not yet).
        """
        header = self.header
        if c > header.first_col or c == header.columns.get("area") or is_instruction_text(text):
            return False
        emphasised = self.facts.is_emphasised(r, c) and not self._emphasis_is_the_norm(c)
        explicit = c < header.first_col or emphasised
        if self.sheet_is_area or "area" in header.columns:
            if not explicit:
                return False  # a partial row with only its problem filled in
            self.problem_heading = text
            return True
        labelled = split_numbered(text)[0] is not None or is_area_label(text) or is_known_area(text)
        if explicit or labelled:
            self._heading(r, text, plain=not explicit)
            return True
        if not self._followed_by_measures(index):
            self._warn(r, f"”{text}” stod ensam på raden utan åtgärder under och lästes inte in.")
            return True
        if _heading_like(text) and (self.sections or not self.measure_rows_seen):
            self._heading(r, text, plain=True)
            return True
        return False

    def _outline_heading(self, index: int, r: int, filled: Filled) -> bool:
        """ "1 | Otrygghet i centrum" above "1.1 …", "1.2 …": a heading numbered in the plan's
        own outline, its number in the Nr column. The top level is an area (on a sheet that
        is no single area); a level below it ("1.1" above "1.1.1") names the problem."""
        ref_col = self.header.columns.get("ref")
        ref = self._ref(r)
        if ref_col is None or ref is None or not _OUTLINE.match(ref):
            return False
        texts = [text for c, text in filled if c != ref_col]
        if len(texts) != 1 or not _heading_like(texts[0]):
            return False
        following = next(
            (row for row, cells in self.content[index + 1 :] if not self._is_placeholder(cells)),
            None,
        )
        below = self._ref(following) if following is not None else None
        number = ref.rstrip(".")
        if below is None or not below.startswith(number + "."):
            return False  # a measure numbered "1" with one cell filled in so far
        top_level = "." not in number
        if top_level and not self.sheet_is_area and "area" not in self.header.columns:
            self._heading(r, f"{number}. {texts[0]}", plain=False)
        else:
            self.problem_heading = texts[0]
        return True

    def _heading(self, r: int, text: str, *, plain: bool) -> None:
        if self.sections is None and not self.measure_rows_seen:
            self.sections = plain
        self._start_area(text, heading_row=r)

    # ---- reading

    def read(self) -> SheetResult:
        self.content = self._content_rows()
        for index, (r, filled) in enumerate(self.content):
            if self._is_placeholder(filled) or self._is_total(filled):
                continue
            repeated = self._repeated_header(filled)
            if repeated is not False:
                if isinstance(repeated, str):
                    self._start_area(repeated, heading_row=None)
                self.below_header = True
                continue
            if r in self.facts.hidden_rows:
                own, where = self._own(r)
                if not own or not self._is_guidance(r, own, where):
                    # Guidance is read even hidden: in the 2024 template it names the area.
                    if own or any(c <= self.header.first_col for c, _ in filled):
                        self._warn_hidden(index, r)
                    continue
            if len(filled) == 1 and self._lone_cell(index, r, *filled[0]):
                continue
            if len(filled) == 2 and self._outline_heading(index, r, filled):
                continue
            self._read_row(r)
        return self._finish()

    def _content_rows(self) -> list[tuple[int, Filled]]:
        rows: list[tuple[int, Filled]] = []
        empty_run = 0
        for r in range(self.header.row + 1, self.facts.max_row + 1):
            filled = [
                (c, text)
                for c in range(1, self.facts.max_col + 1)
                if (r, c) in self.grid
                and (text := cell_text(self.grid[(r, c)]))
                # An unticked box is nothing written yet (a template's rows come with them).
                and not (c in self.header.checks and is_tick(self.grid[(r, c)]) is False)
            ]
            if not filled:
                # Cells filled only by a merged range above do not make a row.
                empty_run += 1
                if empty_run >= MAX_EMPTY_RUN:
                    break
                continue
            empty_run = 0
            rows.append((r, filled))
        return rows

    def _value(self, r: int, c: int) -> str | None:
        """The cell's own text, or the text of a range merged down over it."""
        text = cell_text(self.grid.get((r, c)))
        if text is None and (r, c) in self.facts.merges.fill:
            text = cell_text(self.facts.merges.fill[(r, c)])
        return text

    def _field(self, r: int, key: str) -> str | None:
        """The field's text: its column's, with the text of its further columns added."""
        if key not in self.header.columns:
            return None
        cols = (self.header.columns[key], *self.header.extra.get(key, ()))
        texts: list[str] = []
        for c in cols:
            text = self._value(r, c)
            if text and text not in texts:
                texts.append(text)
        if key == "responsible":
            return self._with_partners(r, "\n".join(texts) if texts else None)
        if not texts:
            return None
        if key == "measure" and len(texts) > 1 and _heading_like(texts[0]):
            # A name and its description: "Trygghetsvandring: Boende, polis och …", the
            # way the city's template writes both in one cell ("SSP: Nätverksmöten …").
            return f"{texts[0].rstrip(':')}: " + "\n".join(texts[1:])
        return "\n".join(texts)

    def _with_partners(self, r: int, responsible: str | None) -> str | None:
        """The Vem text with the partners beside it: "Socialtjänsten. Samverkan: polisen,
        skolan". The plan's own responsible party first; the partners are who the measure
        is done with, and dropping them would lose what the plan says."""
        partners: list[str] = []
        for c in self.header.partners:
            text = self._value(r, c)
            if text and text not in partners and text != responsible:
                partners.append(text)
        if not partners:
            return responsible
        joined = ", ".join(" ".join(p.split()) for p in partners)
        if not responsible:
            return f"Samverkan: {joined}"
        return f"{responsible.rstrip().rstrip('.')}. Samverkan: {joined}"

    def _own(self, r: int) -> tuple[dict[str, str], dict[str, int]]:
        """The row's own texts per single field, and the latest follow-up and status."""
        own: dict[str, str] = {}
        where: dict[str, int] = {}
        for key, c in self.header.columns.items():
            for col in (c, *self.header.extra.get(key, ())):
                text = cell_text(self.grid.get((r, col)))
                if text:
                    own[key], where[key] = text, col
                    break
        for key in ("follow_up", "status"):
            for c in reversed(self.header.multi.get(key, [])):
                text = cell_text(self.grid.get((r, c)))
                if text:
                    own[key], where[key] = text, c
                    break
        own.pop("ref", None)
        return own, where

    def _is_guidance(self, r: int, own: dict[str, str], where: dict[str, int]) -> bool:
        flagged = sum(
            1 for k, v in own.items() if is_instruction_text(v) or self.facts.is_italic(r, where[k])
        )
        return flagged * 2 > len(own) or (len(own) == 1 and flagged == 1)

    def _status(self, r: int, c: int) -> str | None:
        """A status cell's text, or the traffic light its colour shows ("Grön") when it holds
        none. A colour the whole row or column has (the measure's cell, the header) is the
        sheet's decoration, not a status. A number under an icon set of traffic lights is
        the light it shows."""
        if (light := self.facts.lights.get((r, c))) is not None:
            return light
        if c in self.header.checks:
            value = self.grid.get((r, c), self.facts.merges.fill.get((r, c)))
            return self.header.checks[c] if is_tick(value) else None
        text = self._value(r, c)
        if text is not None:
            return text
        rgb = self.facts.fill_rgb(r, c)
        if rgb is None:
            return None
        measure_col = self.header.columns.get("measure", c)
        if rgb in (self.facts.fill_rgb(r, measure_col), self.facts.fill_rgb(self.header.row, c)):
            return None
        return traffic_light(rgb)

    def _follow_ups(self, r: int) -> tuple[list[ParsedFollowUp], str | None, str]:
        """(follow-ups per tertial or one, the latest text, the row's verdict)."""
        tertials = self.header.tertials
        texts = [
            (c, t)
            for c in self.header.multi.get("follow_up", [])
            if (t := self._value(r, c)) and not _NOTHING_YET.match(t)
        ]
        statuses = [
            (c, t)
            for c in self.header.multi.get("status", [])
            if (t := self._status(r, c)) and not _NOTHING_YET.match(t)
        ]
        latest_status = statuses[-1][1] if statuses else None
        latest_text = texts[-1][1] if texts else latest_status
        verdict = derive_verdict(latest_status)
        if verdict == "ej_bedomd":
            verdict = derive_verdict(latest_text)
        cells = texts or statuses
        if not cells:
            return [], None, verdict
        dated = [(c, text) for c, text in cells if c in tertials]
        years = self.header.years
        if not dated:
            c = (texts or statuses)[-1][0]
            entry = ParsedFollowUp(None, latest_text or "", verdict, years.get(c))
            return [entry], latest_text, verdict
        by_tertial: dict[int, str] = {}
        year_of: dict[int, int | None] = {}
        column_of: dict[int, int] = {}
        for c, text in dated:  # left to right: the rightmost text of a tertial wins
            by_tertial[tertials[c]], year_of[tertials[c]] = text, years.get(c)
            column_of[tertials[c]] = c
        status_of = {tertials[c]: text for c, text in statuses if c in tertials}
        undated = [text for c, text in statuses if c not in tertials]
        entries = []
        for tertial in sorted(by_tertial):
            own_verdict = derive_verdict(status_of.get(tertial))
            if own_verdict == "ej_bedomd" and undated and tertial == max(by_tertial):
                own_verdict = derive_verdict(undated[-1])  # one Status column: the latest
            if own_verdict == "ej_bedomd":
                own_verdict = derive_verdict(by_tertial[tertial])
            other_reading = self.header.other_reading.get(column_of[tertial])
            entries.append(
                ParsedFollowUp(
                    tertial, by_tertial[tertial], own_verdict, year_of[tertial], other_reading
                )
            )
        # A column of no tertial right of the tertials' ("Kommentar" under "Uppföljning",
        # "Resultat") is the latest word; one left of them is an old one ("Uppföljning 2024").
        c, text = cells[-1]
        if c not in tertials and c > max(dated)[0]:
            entries.append(ParsedFollowUp(None, text, verdict, years.get(c)))
        return entries, latest_text, entries[-1].verdict

    def _read_row(self, r: int) -> None:
        cols = self.header.columns
        own, where = self._own(r)
        if not own:
            return  # text only in columns the plan does not use
        if self._is_guidance(r, own, where):
            # Template guidance row. In the 2024 template its first cell is the area name.
            area_cell = own.get("area")
            worded = [v for v in own.values() if is_instruction_text(v)]
            if area_cell and not is_instruction_text(area_cell):
                self._start_area(area_cell, heading_row=None)
            elif not worded:
                self._warn(
                    r,
                    "raden är kursiv och tolkades som instruktionstext, så den lästes inte in."
                    " Är raden en åtgärd: ta bort kursiveringen i Excel och läs in filen igen.",
                )
            elif not self.below_header:
                self._warn(
                    r,
                    f"raden liknar mallens instruktionstext (”{_shorten(worded[0])}”) och lästes"
                    " inte in. Är raden en åtgärd: skriv om början av texten och läs in filen"
                    " igen.",
                )
            return
        area = own.pop("area", None)
        if area and not is_instruction_text(area):
            current = self.block.name
            if current is None or fold(split_numbered(area)[1]) != fold(current):
                self._start_area(area, heading_row=None)
        if not own:
            return  # the area's name on a row of its own
        values = {key: self._field(r, key) for key in FIELDS}
        if "start" in cols:
            values["when"] = _with_start(self._value(r, cols["start"]), values["when"])
        follow_ups, values["follow_up"], verdict = self._follow_ups(r)
        if values["problem"] is None and self.problem_heading:
            values["problem"] = self.problem_heading
        missing = [LABELS[k] for k in self.required if not values[k]]
        if missing:
            self.warnings.append("")  # worded in _finish
        self.measure_rows_seen = True
        self.below_header = False
        row = ParsedRow(
            sheet=self.title,
            row=r,
            problem=values["problem"],
            cause=values["cause"],
            measure=values["measure"],
            goal=values["goal"],
            when=values["when"],
            responsible=values["responsible"],
            follow_up=values["follow_up"],
            verdict=verdict,
            missing=missing,
            ref=self._ref(r),
            follow_ups=follow_ups,
            period=self._value(r, cols["period"]) if "period" in cols else None,
        )
        if missing:
            self.partial.append((len(self.warnings) - 1, row))
        self.block.rows.append(row)

    def _ref(self, r: int) -> str | None:
        c = self.header.columns.get("ref")
        if c is None:
            return None
        value = self.grid.get((r, c))
        if isinstance(value, float) and not value.is_integer():
            # 1.2 typed as a number: "1.2", not Swedish "1,2".
            previous = next(
                (v for row in range(r - 1, self.header.row, -1) if (v := self.grid.get((row, c)))),
                None,
            )
            number_format = self.facts.ws.cell(row=r, column=c).number_format
            return decimal_ref(value, number_format, previous)
        return cell_text(value)

    def _finish(self) -> SheetResult:
        blocks = list(self.blocks)
        if len(blocks) > 1 and not blocks[0].rows and blocks[0].name is None:
            blocks = blocks[1:]  # nothing above the first heading
        kept: list[Block] = []
        for block in blocks:
            if block.rows or block.keep_empty or len(blocks) == 1:
                kept.append(block)
            else:
                # A lone line with no measures below (a note, a date): not an area.
                self._warn(
                    block.heading_row or 0,
                    f"”{block.name}” stod ensam på raden utan åtgärder under och lästes inte in.",
                )
        return SheetResult(
            sheet=self.title,
            blocks=kept,
            warnings=self.warnings,
            partial=self.partial,
            required=tuple(self.required),
        )
