"""Tests for reminders.rhythm: parsing the "När" column, overrides, labels and pace."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.errors import ParseError
from reminders.rhythm import (
    _MONTH_NAMES,
    SCHOOL_HOLIDAYS,
    Pace,
    Rhythm,
    RhythmKind,
    expected_by,
    pace,
    pace_text,
    parse_override,
    parse_when,
)

K = RhythmKind
SEEDS = Path("/work/shared/seeds")
SSP = "Möten 8 ggr/år (4 ggr/år mellan- och högstadiet och 4 ggr/år gymnasiet)"
INSTRUCTION = "Ange tid för när åtgärden ska vara genomförd (alt linjearbete)."


def rec(per_year: float, **kw: object) -> Rhythm:
    return Rhythm(K.RECURRING, per_year=per_year, **kw)  # type: ignore[arg-type]


def one_off(deadline: date, start: date | None = None, **kw: object) -> Rhythm:
    return Rhythm(K.ONE_OFF, deadline=deadline, start=start, **kw)  # type: ignore[arg-type]


ONGOING = Rhythm(K.ONGOING)
UNKNOWN = Rhythm(K.UNKNOWN)

# (text, plan year, expected rhythm without raw)
SEED_TABLE: list[tuple[str, int, Rhythm]] = [
    # 001 Kungsholmen 2025
    ("Under 2025", 2025, one_off(date(2025, 12, 31))),
    ("Linjearbete", 2025, ONGOING),
    (
        SSP,
        2025,
        rec(
            8.0,
            note="4 ggr/år mellan- och högstadiet och 4 ggr/år gymnasiet",
            parts=((4.0, "mellan- och högstadiet"), (4.0, "gymnasiet")),
        ),
    ),
    ("4 ggr/år", 2025, rec(4.0)),
    ("2 ggr/månad", 2025, rec(24.0)),
    ("2 ggr/år eller vid behov", 2025, rec(2.0, as_needed=True)),
    (
        "Linjearbete: Socialsekreterare samsitter och deltar aktivt i det dagliga arbetet "
        "hos polisen.",
        2025,
        Rhythm(
            K.ONGOING,
            note="Socialsekreterare samsitter och deltar aktivt i det dagliga arbetet hos polisen.",
        ),
    ),
    (
        "Linjearbete: Akuta situationer med barn närvarande.",
        2025,
        Rhythm(K.ONGOING, note="Akuta situationer med barn närvarande."),
    ),
    # The template's italic instruction row (all three seeds' tables carry it).
    (INSTRUCTION, 2025, UNKNOWN),
    # 002 Järva 2024 (every row says "Under året")
    ("Under året", 2024, one_off(date(2024, 12, 31))),
    (INSTRUCTION, 2024, UNKNOWN),
    # 003 Nässjö: rhythms written in prose
    ("tre gånger om året", 2024, rec(3.0)),
    ("Minst en gång per år", 2024, rec(1.0, minimum=True)),
    ("varje tertiäl", 2024, rec(3.0)),
    ("varje tertial", 2024, rec(3.0)),
    ("två gånger om året", 2024, rec(2.0)),
    ("vart annat år", 2024, rec(0.5)),
    ("vid de löpande träffarna", 2024, ONGOING),
    (
        "1-2 dialogmöten per år och område",
        2024,
        rec(1.0, minimum=True),
    ),
]

ISSUE_TABLE: list[tuple[str, int, Rhythm]] = [
    ("Under 2025", 2025, one_off(date(2025, 12, 31))),
    ("Under året", 2025, one_off(date(2025, 12, 31))),
    ("senast 2025-06-30", 2025, one_off(date(2025, 6, 30))),
    ("Q2", 2025, one_off(date(2025, 6, 30), date(2025, 4, 1))),
    ("vt 2025", 2025, one_off(date(2025, 6, 30), date(2025, 1, 1))),
    ("ht 2025", 2025, one_off(date(2025, 12, 31), date(2025, 8, 1))),
    ("Linjearbete", 2025, ONGOING),
    ("löpande", 2025, ONGOING),
    (
        "Linjearbete: Akuta situationer med barn närvarande.",
        2025,
        Rhythm(K.ONGOING, note="Akuta situationer med barn närvarande."),
    ),
    ("8 ggr/år", 2025, rec(8.0)),
    ("4 ggr/år", 2025, rec(4.0)),
    ("2 ggr/månad", 2025, rec(24.0)),
    ("1 gång i veckan", 2025, rec(52.0)),
    ("varannan vecka", 2025, rec(26.0)),
    ("minst två per år", 2025, rec(2.0, minimum=True)),
    ("2 ggr/år eller vid behov", 2025, rec(2.0, as_needed=True)),
]

MORE_TABLE: list[tuple[str, int, Rhythm]] = [
    # units
    ("3 gånger per år", 2025, rec(3.0)),
    ("1 gång/år", 2025, rec(1.0)),
    ("6 per år", 2025, rec(6.0)),
    ("5/år", 2025, rec(5.0)),
    ("3 ggr/mån", 2025, rec(36.0)),
    ("1 gång per månad", 2025, rec(12.0)),
    ("två gånger i månaden", 2025, rec(24.0)),
    ("2 ggr i veckan", 2025, rec(104.0)),
    ("en gång per vecka", 2025, rec(52.0)),
    ("varje vecka", 2025, rec(52.0)),
    ("veckovis", 2025, rec(52.0)),
    ("varje månad", 2025, rec(12.0)),
    ("månadsvis", 2025, rec(12.0)),
    ("en gång per termin", 2025, rec(2.0)),
    ("kvartalsvis", 2025, rec(4.0)),
    ("Varje kvartal", 2025, rec(4.0)),
    ("årligen", 2025, rec(1.0)),
    ("2 g/år", 2025, rec(2.0)),
    ("4ggr/år", 2025, rec(4.0)),
    ("1,5 ggr/månad", 2025, rec(18.0)),
    ("var 3:e vecka", 2025, rec(52 / 3)),
    ("var fjärde vecka", 2025, rec(13.0)),
    ("varannan månad", 2025, rec(6.0)),
    ("vartannat år", 2025, rec(0.5)),
    ("4 ggr under 2025", 2025, rec(4.0)),
    ("Två trygghetsvandringar per år", 2025, rec(2.0)),
    ("  8   GGR / ÅR  ", 2025, rec(8.0)),
    ("<p>4 ggr/år</p>", 2025, rec(4.0)),
    ("SSP: 8 ggr/år", 2025, rec(8.0)),
    ("8 ggr/år eller oftare", 2025, rec(8.0, minimum=True)),
    # ongoing
    ("dagligen", 2025, ONGOING),
    ("Kontinuerligt", 2025, ONGOING),
    ("Pågående", 2025, ONGOING),
    ("Ordinarie verksamhet", 2025, ONGOING),
    ("LINJEARBETE", 2025, ONGOING),
    ("lopande", 2025, ONGOING),
    ("Vid behov", 2025, Rhythm(K.ONGOING, as_needed=True)),
    ("5 ggr/vecka", 2025, ONGOING),
    ("Linjearbete, start under 2025", 2025, ONGOING),
    # deadlines
    ("Under 2025, därefter linjearbete", 2025, one_off(date(2025, 12, 31))),
    ("2025-06-30", 2025, one_off(date(2025, 6, 30))),
    ("2025-03-01 – 2025-06-30", 2025, one_off(date(2025, 6, 30), date(2025, 3, 1))),
    ("2025-09", 2025, one_off(date(2025, 9, 30), date(2025, 9, 1))),
    # ranges of months and weeks: the window ends with the last
    ("2025-02 – 2025-06", 2025, one_off(date(2025, 6, 30), date(2025, 2, 1))),
    ("2025-02–2025-06", 2025, one_off(date(2025, 6, 30), date(2025, 2, 1))),
    ("2025-11 till 2026-02", 2025, one_off(date(2026, 2, 28), date(2025, 11, 1))),
    ("v. 10–14", 2025, one_off(date(2025, 4, 6), date(2025, 3, 3))),
    ("vecka 10 till vecka 14", 2025, one_off(date(2025, 4, 6), date(2025, 3, 3))),
    ("v. 50–2", 2025, one_off(date(2026, 1, 11), date(2025, 12, 8))),
    ("maj 2025 - sept 2025", 2025, one_off(date(2025, 9, 30), date(2025, 5, 1))),
    ("november 2025 – februari 2026", 2025, one_off(date(2026, 2, 28), date(2025, 11, 1))),
    ("nov–feb", 2025, one_off(date(2026, 2, 28), date(2025, 11, 1))),
    ("mars till juni", 2025, one_off(date(2025, 6, 30), date(2025, 3, 1))),
    ("senast maj-juni 2025", 2025, one_off(date(2025, 6, 30))),
    ("Q4 2026", 2025, one_off(date(2026, 12, 31), date(2026, 10, 1))),
    ("senast Q2", 2025, one_off(date(2025, 6, 30))),
    ("kvartal 3", 2025, one_off(date(2025, 9, 30), date(2025, 7, 1))),
    ("andra kvartalet", 2025, one_off(date(2025, 6, 30), date(2025, 4, 1))),
    ("T1", 2025, one_off(date(2025, 4, 30), date(2025, 1, 1))),
    ("2025-T2", 2025, one_off(date(2025, 8, 31), date(2025, 5, 1))),
    ("första halvåret", 2025, one_off(date(2025, 6, 30), date(2025, 1, 1))),
    ("Våren 2026", 2025, one_off(date(2026, 6, 30), date(2026, 1, 1))),
    ("vårterminen", 2025, one_off(date(2025, 6, 30), date(2025, 1, 1))),
    ("vt25", 2024, one_off(date(2025, 6, 30), date(2025, 1, 1))),
    ("hösten", 2025, one_off(date(2025, 12, 31), date(2025, 8, 1))),
    ("HT-25", 2025, one_off(date(2025, 12, 31), date(2025, 8, 1))),
    ("juni 2025", 2025, one_off(date(2025, 6, 30), date(2025, 6, 1))),
    ("senast juni", 2025, one_off(date(2025, 6, 30))),
    ("februari 2024", 2025, one_off(date(2024, 2, 29), date(2024, 2, 1))),
    ("maj–juni", 2025, one_off(date(2025, 6, 30), date(2025, 5, 1))),
    ("senast 15 mars", 2025, one_off(date(2025, 3, 15))),
    ("senast v. 23", 2025, one_off(date(2025, 6, 8))),
    ("vecka 23", 2025, one_off(date(2025, 6, 8), date(2025, 6, 2))),
    ("Under innevarande år", 2025, one_off(date(2025, 12, 31))),
    (
        "Under 2025: implementera rutinen",
        2025,
        one_off(date(2025, 12, 31), note="implementera rutinen"),
    ),
    (
        "Möten (4 ggr/år högstadiet och 4 ggr/år gymnasiet)",
        2025,
        rec(
            8.0,
            note="4 ggr/år högstadiet och 4 ggr/år gymnasiet",
            parts=((4.0, "högstadiet"), (4.0, "gymnasiet")),
        ),
    ),
    (
        "Linjearbete: samsittning (BIN-vuxen)",
        2025,
        Rhythm(K.ONGOING, note="samsittning BIN-vuxen"),
    ),
    # unknown
    ("", 2025, UNKNOWN),
    ("   ", 2025, UNKNOWN),
    ("Snarast", 2025, UNKNOWN),
    ("Återkommande", 2025, UNKNOWN),
    ("2025-02-30", 2025, UNKNOWN),
    ("v. 53", 2025, UNKNOWN),
    ("8 ggr", 2025, UNKNOWN),
    ("<i>Ange tid för när åtgärden ska vara genomförd (alt linjearbete).</i>", 2025, UNKNOWN),
]


def _with_raw(expected: Rhythm, text: str) -> Rhythm:
    return Rhythm(
        kind=expected.kind,
        per_year=expected.per_year,
        deadline=expected.deadline,
        start=expected.start,
        as_needed=expected.as_needed,
        minimum=expected.minimum,
        note=expected.note,
        parts=expected.parts,
        raw=text,
    )


def _assert_parsed(text: str, year: int, expected: Rhythm) -> None:
    got = parse_when(text, year)
    if expected.per_year is not None and got.per_year is not None:
        assert got.per_year == pytest.approx(expected.per_year)
        got = _with_raw(Rhythm(**{**got.__dict__, "per_year": expected.per_year}), text)
    assert got == _with_raw(expected, text)


@pytest.mark.parametrize(("text", "year", "expected"), SEED_TABLE)
def test_seed_wordings(text: str, year: int, expected: Rhythm) -> None:
    _assert_parsed(text, year, expected)


@pytest.mark.parametrize(("text", "year", "expected"), ISSUE_TABLE)
def test_issue_examples(text: str, year: int, expected: Rhythm) -> None:
    _assert_parsed(text, year, expected)


@pytest.mark.parametrize(("text", "year", "expected"), MORE_TABLE)
def test_more_wordings(text: str, year: int, expected: Rhythm) -> None:
    _assert_parsed(text, year, expected)


def _seed_nar_cells(path: Path) -> list[str]:
    """Cells under a "När" header in the tab-separated tables of a seed text."""
    cells: list[str] = []
    column: int | None = None
    width = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if "\t" not in line:
            continue
        row = [re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", c)).strip() for c in line.split("\t")]
        if "När" in row and all(row):
            column, width = row.index("När"), len(row)
        elif {"Orsak", "Åtgärd"} & set(row):
            column = None  # the header of a block without a När column
        elif column is not None and len(row) == width:
            if row[column] and not set(row[column]) <= {"-"}:
                cells.append(row[column])
        else:
            column = None
    return cells


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed texts not available")
def test_every_seed_nar_text_is_in_the_table() -> None:
    known = {re.sub(r"\s+", " ", t).strip() for t, _, _ in SEED_TABLE}
    found: set[str] = set()
    for path in sorted(SEEDS.glob("*.txt")):
        found.update(_seed_nar_cells(path))
    assert found, "no När cells extracted; did the seed layout change?"
    assert found <= known, f"add these seed texts to SEED_TABLE: {sorted(found - known)}"
    # Sanity: the extraction really sees the distinctive rows.
    assert {SSP, "2 ggr/månad", "Under året"} <= found


def test_html_wrapped_seed_cell_keeps_raw_and_parses() -> None:
    text = f"<p>{SSP}</p>"
    r = parse_when(text, 2025)
    assert r.raw == text
    assert r.per_year == 8
    assert r.parts == ((4.0, "mellan- och högstadiet"), (4.0, "gymnasiet"))


@pytest.mark.parametrize(
    ("word", "n"),
    [
        ("en", 1),
        ("ett", 1),
        ("1", 1),
        ("två", 2),
        ("tre", 3),
        ("fyra", 4),
        ("fem", 5),
        ("sex", 6),
        ("sju", 7),
        ("åtta", 8),
        ("nio", 9),
        ("tio", 10),
        ("tolv", 12),
    ],
)
def test_number_words(word: str, n: int) -> None:
    assert parse_when(f"{word} gånger per år", 2025).per_year == n
    assert parse_when(f"{word.upper()} ggr/år", 2025).per_year == n


def test_parse_when_none_is_unknown() -> None:
    r = parse_when(None, 2025)
    assert r.kind is K.UNKNOWN
    assert r.raw == ""


# --------------------------------------------------------------------------- labels


@pytest.mark.parametrize(
    ("rhythm", "label"),
    [
        (rec(8.0), "8 ggr/år"),
        (rec(1.0), "1 gång/år"),
        (rec(24.0), "2 ggr/månad"),
        (rec(12.0), "1 gång/månad"),
        (rec(52.0), "1 gång/vecka"),
        (rec(104.0), "2 ggr/vecka"),
        (rec(26.0), "Varannan vecka"),
        (rec(52 / 3), "Var 3:e vecka"),
        (rec(0.5), "Vartannat år"),
        (rec(1 / 3), "Vart tredje år"),
        (rec(0.1), "Vart tionde år"),
        (rec(1 / 12), "0,0833 ggr/år"),  # past "tionde": a number
        (rec(8.0, start=date(2025, 3, 1)), "8 ggr/år från 2025-03-01"),
        (rec(1.5), "1,5 ggr/år"),
        (rec(2.0, minimum=True), "Minst 2 ggr/år"),
        (rec(2.0, as_needed=True), "2 ggr/år eller vid behov"),
        (ONGOING, "Linjearbete"),
        (Rhythm(K.ONGOING, as_needed=True), "Vid behov"),
        (Rhythm(K.ONGOING, start=date(2025, 3, 1)), "Linjearbete från 2025-03-01"),
        (one_off(date(2025, 12, 31)), "Senast 2025-12-31"),
        (UNKNOWN, "Okänd rytm"),
    ],
)
def test_label(rhythm: Rhythm, label: str) -> None:
    assert rhythm.label() == label


# --------------------------------------------------------------------------- overrides


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8/år", rec(8.0)),
        ("8/ar", rec(8.0)),
        ("2/mån", rec(24.0)),
        ("2/man", rec(24.0)),
        ("2/månad", rec(24.0)),
        ("1/vecka", rec(52.0)),
        ("varannan vecka", rec(26.0)),
        ("linje", ONGOING),
        ("linjearbete", ONGOING),
        ("linje från 2025-09-01", Rhythm(K.ONGOING, start=date(2025, 9, 1))),
        ("linje fr.o.m. september", Rhythm(K.ONGOING, start=date(2025, 9, 1))),
        ("8/år från mars", rec(8.0, start=date(2025, 3, 1))),
        ("vart tredje år", rec(1 / 3)),
        ("2025-06-30", one_off(date(2025, 6, 30))),
        ("under 2025", one_off(date(2025, 12, 31))),
        ("under aret", one_off(date(2025, 12, 31))),
        ("Q3", one_off(date(2025, 9, 30), date(2025, 7, 1))),
        ("okänd", UNKNOWN),
        ("okand", UNKNOWN),
    ],
)
def test_parse_override(text: str, expected: Rhythm) -> None:
    assert parse_override(text, 2025) == _with_raw(expected, text)


@pytest.mark.parametrize("text", ["", "  ", "snart", "8", "8 ggr", "ja", "2025-13-01", "ggr/år"])
def test_parse_override_rejects_garbage_in_swedish(text: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_override(text, 2025)
    message = info.value.message
    assert "8/år" in message
    assert "varannan vecka" in message
    assert "linje" in message


def test_parse_override_does_not_echo_input() -> None:
    with pytest.raises(ParseError) as info:
        parse_override("19121212-1212", 2025)
    assert "1212" not in info.value.message


# --------------------------------------------------------------------------- expected / pace


def test_expected_by() -> None:
    r = rec(8.0)
    # 120 of 365 days elapsed (inclusive) by 30 April.
    assert expected_by(r, date(2025, 4, 30), 2025) == pytest.approx(8 * 120 / 365)
    assert expected_by(r, date(2025, 4, 30), 2025) == pytest.approx(2.65, abs=0.03)
    assert expected_by(r, date(2025, 1, 1), 2025) == pytest.approx(8 / 365)
    assert expected_by(r, date(2025, 12, 31), 2025) == pytest.approx(8)
    assert expected_by(r, date(2024, 12, 31), 2025) == 0
    assert expected_by(r, date(2026, 3, 1), 2025) == 8
    assert expected_by(rec(2.0), date(2024, 7, 1), 2024) == pytest.approx(2 * 183 / 366)
    for other in (ONGOING, UNKNOWN, one_off(date(2025, 6, 30))):
        assert expected_by(other, date(2025, 6, 30), 2025) == 0


@pytest.mark.parametrize(
    ("done_count", "expected_pace"),
    [(0, Pace.BEHIND), (1, Pace.BEHIND), (2, Pace.ON_TRACK), (3, Pace.ON_TRACK), (4, Pace.AHEAD)],
)
def test_pace_recurring_at_t1(done_count: int, expected_pace: Pace) -> None:
    # expected ≈ 2.63 by 30 April: 2 or 3 is on track.
    assert pace(rec(8.0), done_count, date(2025, 4, 30), 2025) == expected_pace


def test_pace_recurring_edges() -> None:
    early = date(2025, 1, 10)
    assert pace(rec(8.0), 0, early, 2025) == Pace.ON_TRACK
    assert pace(rec(8.0), 1, early, 2025) == Pace.ON_TRACK
    assert pace(rec(8.0), 2, early, 2025) == Pace.AHEAD
    assert pace(rec(8.0), 8, early, 2025) == Pace.DONE
    assert pace(rec(8.0), 7, date(2025, 12, 31), 2025) == Pace.BEHIND
    assert pace(rec(8.0), 0, date(2025, 4, 30), 2025, done=True) == Pace.DONE
    # "eller vid behov" is never behind
    assert pace(rec(2.0, as_needed=True), 0, date(2025, 12, 31), 2025) == Pace.ON_TRACK


def test_pace_other_kinds() -> None:
    deadline = one_off(date(2025, 6, 30))
    assert pace(deadline, 0, date(2025, 6, 30), 2025) == Pace.NOT_DUE
    assert pace(deadline, 0, date(2025, 7, 1), 2025) == Pace.OVERDUE
    assert pace(deadline, 0, date(2025, 7, 1), 2025, done=True) == Pace.DONE
    assert pace(ONGOING, 3, date(2025, 7, 1), 2025) == Pace.ONGOING
    assert pace(UNKNOWN, 0, date(2025, 7, 1), 2025) == Pace.UNKNOWN


def test_pace_text() -> None:
    on = date(2025, 4, 30)
    assert pace_text(rec(8.0), 3, on, 2025) == "3 av 8 genomförda, i fas"
    assert pace_text(rec(8.0), 1, on, 2025) == "1 av 8 genomförda, efter takten"
    assert pace_text(rec(8.0), 6, on, 2025) == "6 av 8 genomförda, före takten"
    assert pace_text(rec(2.0, as_needed=True), 0, on, 2025) == (
        "0 av 2 genomförda, i fas (vid behov)"
    )
    assert pace_text(one_off(date(2025, 3, 31)), 0, on, 2025) == "Senast 2025-03-31, försenad"
    assert pace_text(one_off(date(2025, 3, 31)), 0, on, 2025, done=True) == (
        "Senast 2025-03-31, klar"
    )
    assert pace_text(ONGOING, 0, on, 2025) == "Linjearbete, pågående"
    assert pace_text(ONGOING, 4, on, 2025) == "Linjearbete, pågående, 4 genomförda"
    assert pace_text(ONGOING, 1, on, 2025) == "Linjearbete, pågående, 1 genomförd"
    assert pace_text(UNKNOWN, 0, on, 2025).startswith("Okänd rytm")


# --------------------------------------------------------------------------- properties

_TOKENS = [
    "8",
    "2",
    "1,5",
    "två",
    "en",
    "ggr",
    "gånger",
    "g",
    "/",
    "/år",
    "per",
    "i",
    "om",
    "år",
    "året",
    "månad",
    "mån",
    "veckan",
    "vecka",
    "varannan",
    "var",
    "3:e",
    "minst",
    "eller",
    "vid behov",
    "linjearbete",
    "löpande",
    "under",
    "2025",
    "2025-06-30",
    "2025-02-30",
    "Q2",
    "T3",
    "vt",
    "ht",
    "v.",
    "53",
    "juni",
    "senast",
    ":",
    "(",
    ")",
    "-",
    "<p>",
    "</p>",
    "och",
    "gymnasiet",
    "från",
    "fr.o.m.",
    "start",
    "påbörjas",
    "mars",
    "1 september",
    "2025-03-01",
    "İ",
    "\n",
]
_texts = st.one_of(
    st.text(max_size=80),
    st.lists(st.sampled_from(_TOKENS), max_size=10).map(" ".join),
    st.lists(st.sampled_from(_TOKENS), max_size=10).map("".join),
)


@settings(max_examples=400, deadline=None)
@given(text=_texts, year=st.integers(min_value=2000, max_value=2100))
def test_parse_when_is_total(text: str, year: int) -> None:
    r = parse_when(text, year)
    assert r.raw == text
    if r.kind is K.RECURRING:
        assert r.per_year is not None and r.per_year > 0
    if r.kind is K.ONE_OFF:
        assert r.deadline is not None
        assert r.start is None or r.start <= r.deadline
    # Label then override keeps kind and count.
    if r.kind in (K.RECURRING, K.ONE_OFF, K.ONGOING):
        again = parse_override(r.label(), year)
        assert again.kind is r.kind
        if r.kind is K.RECURRING:
            assert again.per_year == pytest.approx(r.per_year, abs=0.006)
            assert again.minimum == r.minimum
            assert again.as_needed == r.as_needed
        if r.kind in (K.RECURRING, K.ONGOING):
            assert again.start == r.start  # "från 2025-03-01"
        if r.kind is K.ONE_OFF:
            assert again.deadline == r.deadline


@given(
    per_year=st.one_of(
        st.integers(min_value=1, max_value=249).map(float),
        st.floats(min_value=0.01, max_value=249, allow_nan=False),
        st.integers(min_value=1, max_value=52).map(lambda k: 52 / k),
        st.sampled_from([0.5, 26.0, 24.0, 52.0, 104.0]),
    ),
    minimum=st.booleans(),
    as_needed=st.booleans(),
)
def test_recurring_label_round_trips(per_year: float, minimum: bool, as_needed: bool) -> None:
    r = rec(per_year, minimum=minimum, as_needed=as_needed)
    again = parse_override(r.label(), 2025)
    assert again.kind is K.RECURRING
    assert again.per_year == pytest.approx(per_year, abs=0.006)
    assert again.minimum == minimum
    assert again.as_needed == as_needed


@given(on=st.dates(min_value=date(2023, 1, 1), max_value=date(2027, 12, 31)))
def test_expected_by_is_clamped(on: date) -> None:
    value = expected_by(rec(8.0), on, 2025)
    assert 0 <= value <= 8


# --------------------------------------------------------------------------- breaks


JULY = (1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0)
SUMMER = (1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.0, 0.5, 1.0, 1.0, 1.0, 1.0)


@pytest.mark.parametrize(
    ("text", "per_year", "label", "active"),
    [
        # A count per month or week runs only in the months the rhythm does.
        ("2 ggr/månad utom juli", 22, "2 ggr/månad utom juli", JULY),
        ("2 ggr/mån (ej juli)", 22, "2 ggr/månad utom juli", JULY),
        ("2/man utom juli", 22, "2 ggr/månad utom juli", JULY),
        ("Varje vecka, uppehåll under sommaren", 43, "1 gång/vecka utom sommaren", SUMMER),
        ("varannan vecka, sommaruppehåll", 22, "Varannan vecka utom sommaren", SUMMER),
        ("1 gång/månad förutom juni-augusti", 9, "1 gång/månad utom juni, juli och augusti", None),
        ("2 ggr/månad utom juli och augusti", 20, "2 ggr/månad utom juli och augusti", None),
        # A count per year stays: the break only says when it does not happen.
        ("8 ggr/år utom juni och juli", 8, "8 ggr/år utom juni och juli", None),
        ("4 ggr/år, ej under sommaren", 4, "4 ggr/år utom sommaren", SUMMER),
        # A count per year that the label would otherwise say per month ("1 gång/månad").
        ("12 ggr/år utom juli", 12, "12 ggr/år utom juli", JULY),
        ("26 ggr/år, ej under sommaren", 26, "26 ggr/år utom sommaren", SUMMER),
        # A count per month the label would otherwise say per year ("18 ggr/år").
        ("1,5 ggr/mån utom juli", 16, "1,5 ggr/månad utom juli", JULY),
        # The summer and a month in one list; a range with "t.o.m." or "till och med".
        (
            "2 ggr/mån, ej sommaren och inte i december",
            18,
            "2 ggr/månad utom sommaren och december",
            None,
        ),
        ("2 ggr/mån utom juni t.o.m. augusti", 18, "2 ggr/månad utom juni, juli och augusti", None),
        (
            "2 ggr/mån, uppehåll juni till och med augusti",
            18,
            "2 ggr/månad utom juni, juli och augusti",
            None,
        ),
        ("2 ggr/mån, ej sommaren och ej juni", 19, "2 ggr/månad utom sommaren och juni", None),
    ],
)
def test_a_break_in_a_rhythm(text: str, per_year: float, label: str, active: tuple | None) -> None:  # type: ignore[type-arg]
    r = parse_when(text, 2025)
    assert r.kind is K.RECURRING
    assert r.per_year == per_year
    assert r.label() == label
    if active is not None:
        assert r.active == active
    again = parse_override(r.label(), 2025)  # a coordinator can type the label back
    assert (again.per_year, again.label(), again.active) == (r.per_year, r.label(), r.active)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Under 2025 utom juli", "Senast 2025-12-31"),  # the month is no deadline
        ("Linjearbete utom juli", "Linjearbete"),
        ("Under 2025 utan uppehåll juni–augusti", "Senast 2025-12-31"),
        ("2 ggr/månad", "2 ggr/månad"),  # no break
        ("1 g/mån utom januari-december", "1 gång/månad"),  # a break of the whole year is none
        # A break the text denies, or a month that only changes its count, is none.
        ("Varje vecka, inget sommaruppehåll", "1 gång/vecka"),
        ("Varannan vecka utan sommaruppehåll", "Varannan vecka"),
        ("2 ggr/mån, utan uppehåll i juli", "2 ggr/månad"),
        ("2 ggr/mån, ingen paus i juli", "2 ggr/månad"),
        ("2 ggr/mån, inga uppehåll under sommaren", "2 ggr/månad"),
        ("2 ggr/mån, utan något uppehåll under sommaren", "2 ggr/månad"),
        ("2 ggr/mån, uppehåll i juli är inte aktuellt", "2 ggr/månad"),
        ("2 ggr/mån förutom i juni då vi ses tre gånger", "2 ggr/månad"),
        # "ej" and "inte" in a comment are no break.
        ("8 ggr/år, ej fastställda datum", "8 ggr/år"),
        ("2 ggr/mån, inte klart med juli än", "2 ggr/månad"),
        # "jul" is Christmas (the jullov, 21 December-6 January), not July.
        ("2 ggr/mån utom jul", "2 ggr/månad utom jullov"),
        # Two breaks, the second after the first's comma.
        ("2 ggr/mån, ej juli, ej december", "2 ggr/månad utom juli och december"),
    ],
)
def test_a_break_only_counts_for_a_recurring_rhythm(text: str, label: str) -> None:
    assert parse_when(text, 2025).label() == label


def test_nothing_more_is_expected_during_a_break() -> None:
    r = parse_when("2 ggr/månad utom juli", 2025)
    on_june_30 = expected_by(r, date(2025, 6, 30), 2025)
    assert on_june_30 == pytest.approx(12)  # six of the eleven months that count
    assert expected_by(r, date(2025, 7, 31), 2025) == pytest.approx(on_june_30)
    assert expected_by(r, date(2025, 8, 31), 2025) == pytest.approx(14)
    assert expected_by(r, date(2025, 12, 31), 2025) == pytest.approx(22)
    # 12 done by midsummer: on track all July, where 2 a month all year would fall behind.
    assert pace(r, 12, date(2025, 7, 31), 2025) is Pace.ON_TRACK
    assert pace(parse_when("2 ggr/månad", 2025), 12, date(2025, 7, 31), 2025) is Pace.BEHIND
    assert pace_text(r, 12, date(2025, 7, 31), 2025) == "12 av 22 genomförda, i fas"


@given(on=st.dates(min_value=date(2024, 12, 1), max_value=date(2026, 1, 31)))
def test_expected_by_with_a_break_grows_and_is_clamped(on: date) -> None:
    r = parse_when("varannan vecka, sommaruppehåll", 2025)
    value = expected_by(r, on, 2025)
    assert 0 <= value <= r.per_year  # type: ignore[operator]
    assert expected_by(r, on + timedelta(days=1), 2025) >= value


@settings(max_examples=300, deadline=None)
@given(
    count=st.one_of(
        st.sampled_from(
            [
                "2 ggr/månad",
                "1 gång/vecka",
                "varannan vecka",
                "var 3:e vecka",
                "0,5 ggr/månad",
                "1,5 ggr/månad",
                "3 ggr/vecka",
                "0,2 ggr/vecka",
            ]
        ),
        st.integers(min_value=1, max_value=120).map(lambda n: f"{n} ggr/år"),
    ),
    months=st.sets(st.integers(min_value=1, max_value=12), max_size=11),
    summer=st.booleans(),
    minimum=st.booleans(),
    as_needed=st.booleans(),
)
def test_a_label_with_a_break_round_trips(
    count: str, months: set[int], summer: bool, minimum: bool, as_needed: bool
) -> None:
    """The label is what `/atgard rytm` stores (models.tracking.set_rhythm): read back, it is
    the same rhythm, whatever the count's unit and the break's months."""
    said = [_MONTH_NAMES[m - 1] for m in sorted(months)] + (["sommaren"] if summer else [])
    text = ("minst " if minimum else "") + count
    text += (" utom " + " och ".join(said) if said else "") + (
        " eller vid behov" if as_needed else ""
    )
    r = parse_when(text, 2025)
    assert r.kind is K.RECURRING, text
    again = parse_override(r.label(), 2025)
    assert (again.per_year, again.active, again.label()) == (r.per_year, r.active, r.label()), text
    assert (again.minimum, again.as_needed) == (r.minimum, r.as_needed), text


@given(
    text=st.sampled_from(
        [
            "Varje vecka utom sommaren",
            "4 ggr/år, ej under sommaren",
            "2 ggr/mån, ej sommaren och juni",
        ]
    ),
    year=st.sampled_from([2024, 2025]),  # 2024 is a leap year
    into=st.integers(min_value=0, max_value=70),
)
def test_nothing_more_is_expected_on_any_day_of_a_summer_break(
    text: str, year: int, into: int
) -> None:
    """The summer break runs from mid-June to mid-August: no day of it, in June or August
    either, raises what should be done (the behind-pace reminder would come in the break)."""
    r = parse_when(text, year)
    [(start, end)] = r.breaks(year)
    day = min(start + timedelta(days=into), end)
    before = expected_by(r, start - timedelta(days=1), year)
    assert expected_by(r, day, year) == pytest.approx(before)
    assert expected_by(r, end + timedelta(days=1), year) > before


# --------------------------------------------------------------------------- school holidays


@pytest.mark.parametrize(
    ("text", "per_year", "label", "holidays"),
    [
        # 100 of 2025's days are school holidays (reminders.calendar): 52 × 265/365 ≈ 38.
        ("1 gång/vecka under terminstid", 38, "1 gång/vecka utom skollov", SCHOOL_HOLIDAYS),
        ("Varannan vecka, ej skollov", 19, "Varannan vecka utom skollov", SCHOOL_HOLIDAYS),
        ("varje vecka förutom skolloven", 38, "1 gång/vecka utom skollov", SCHOOL_HOLIDAYS),
        ("2 ggr/mån utom jullov", 23, "2 ggr/månad utom jullov", ("jullov",)),
        (
            "varje vecka utom sport- och höstlov",
            50,
            "1 gång/vecka utom sportlov och höstlov",
            ("sportlov", "höstlov"),
        ),
        (
            "varje vecka utom sommaren och jullovet",
            41,
            "1 gång/vecka utom sommaren och jullov",
            ("jullov",),
        ),
        ("8 ggr/år utom skollov", 8, "8 ggr/år utom skollov", SCHOOL_HOLIDAYS),  # a year's count
    ],
)
def test_a_break_for_school_holidays(
    text: str, per_year: float, label: str, holidays: tuple[str, ...]
) -> None:
    r = parse_when(text, 2025)
    assert (r.per_year, r.label(), r.holidays) == (per_year, label, holidays)
    again = parse_override(r.label(), 2025)
    assert (again.per_year, again.label(), again.holidays, again.active) == (
        r.per_year,
        r.label(),
        r.holidays,
        r.active,
    )


@pytest.mark.parametrize(
    "text",
    ["Varje vecka, inget skollov", "Varje vecka, även under skolloven", "Under 2025 utom skollov"],
)
def test_no_school_holiday_break_where_none_is_meant(text: str) -> None:
    assert parse_when(text, 2025).holidays == ()


def test_nothing_more_is_expected_during_a_school_holiday() -> None:
    r = parse_when("1 gång/vecka under terminstid", 2025)
    sportlov = [(a, b) for a, b in r.breaks(2025) if a.month == 2]
    assert sportlov == [(date(2025, 2, 24), date(2025, 3, 2))]  # v. 9
    assert expected_by(r, date(2025, 3, 2), 2025) == pytest.approx(
        expected_by(r, date(2025, 2, 23), 2025)
    )
    assert expected_by(r, date(2025, 3, 3), 2025) > expected_by(r, date(2025, 3, 2), 2025)
    assert expected_by(r, date(2025, 12, 31), 2025) == pytest.approx(38)


@pytest.mark.parametrize(
    ("text", "months_off", "holidays"),
    [
        # One list naming months and school holidays: every item counts, in either order.
        ("2 ggr/månad utom juli och jullov", {7}, ("jullov",)),
        ("2 ggr/månad utom jullov och juli", {7}, ("jullov",)),
        ("varje vecka utom juni och skollov", {6, 7}, SCHOOL_HOLIDAYS),
        ("varje vecka utom juni-augusti samt sportlov", {6, 7, 8}, ("sportlov",)),
        ("varje vecka utom mars, sport- och höstlov", {3}, ("sportlov", "höstlov")),
        # A holiday between two months is no range of months.
        (
            "varje vecka utom juni, sport- och höstlov samt december",
            {6, 12},
            ("sportlov", "höstlov"),
        ),
    ],
)
def test_a_break_lists_months_and_school_holidays_together(
    text: str, months_off: set[int], holidays: tuple[str, ...]
) -> None:
    r = parse_when(text, 2025)
    assert r.holidays == holidays
    assert {i for i, share in enumerate(r.active, start=1) if share == 0.0} == months_off


@settings(max_examples=300, deadline=None)
@given(
    frequency=st.sampled_from(["1 gång/vecka", "2 ggr/månad", "Varannan vecka", "6 ggr/år"]),
    months=st.sets(st.integers(min_value=1, max_value=12), max_size=3),
    summer=st.booleans(),
    holidays=st.sets(st.sampled_from(SCHOOL_HOLIDAYS)),
    year=st.integers(min_value=2024, max_value=2032),  # leap years among them
)
def test_a_break_with_school_holidays_reads_back_the_same(
    frequency: str, months: set[int], summer: bool, holidays: set[str], year: int
) -> None:
    """Whatever mix of months, summer and holidays a rhythm pauses for, its label (what
    `/atgard rytm` and the export show) parses to the same rhythm."""
    words = (["sommaren"] if summer else []) + [_MONTH_NAMES[m - 1] for m in sorted(months)]
    text = frequency + "".join(f", ej {w}" for w in words + sorted(holidays))
    r = parse_when(text, year)
    assert r.kind is K.RECURRING
    assert set(r.holidays) == holidays
    again = parse_override(r.label(), year)
    assert (again.per_year, again.active, again.holidays, again.rate, again.label()) == (
        r.per_year,
        r.active,
        r.holidays,
        r.rate,
        r.label(),
    )
