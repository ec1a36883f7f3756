"""Other municipalities' layouts through the real importer into a real database.

Each test writes an .xlsx with openpyxl, reads it with `read_plan` and applies it with
`apply_plan` in one transaction, as `atgard import` does; re-imports check that nothing
is added twice and that references stay put.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlmodel import select

from bot.db import SessionFactory
from models.importer import ImportResult
from models.tables import FollowUp, Measure, Plan, PriorityArea
from reports.snapshot import build_snapshot
from reports.xlsx_reader import read_plan
from tests.models.import_helpers import import_file
from tests.reports.make_workbooks import Sheet, write_workbook

HEADER = ["Orsak", "Åtgärd", "När", "Vem"]


def _import(
    sf: SessionFactory,
    path: Path,
    *,
    district: str = "Nässjö",
    year: int = 2025,
    today: date = date(2025, 4, 22),
) -> ImportResult:
    return import_file(sf, path, district=district, year=year, today=today)


def _measures(sf: SessionFactory) -> dict[str, tuple[str, int, str | None]]:
    """ref -> (area name, area number, measure text)."""
    with sf.begin() as s:
        rows = s.exec(select(Measure, PriorityArea).join(PriorityArea)).all()
        return {m.ref: (a.name, a.number, m.description) for m, a in rows}


def _follow_ups(sf: SessionFactory) -> list[tuple[str, str, str, datetime]]:
    with sf.begin() as s:
        rows = s.exec(select(FollowUp, Measure).join(Measure).order_by(FollowUp.id)).all()
        return [(m.ref, f.period, f.text, f.created_at) for f, m in rows]


# --------------------------------------------------------------------------- tertials


def _tertial_plan(path: Path, t2: str | None = "Lamporna är uppsatta. Målet är uppfyllt.") -> Path:
    rows = [
        [None, None, None, None, "Uppföljning", None, None],
        [*HEADER, "T1", "T2", "T3"],
        ["Mörker vid torget", "Belysning", "Under 2025", "TK", "Beställd.", t2, None],
        ["Klotter", "Sanering inom 24 timmar", "Linjearbete", "SDF", "Pågår.", None, None],
        ["Oro i centrum", "Trygghetsvandring", "2 ggr/år", "SDF", None, None, None],
    ]
    return write_workbook(path, [Sheet("1. Otrygga platser", rows, merges=["E1:G1"])])


def test_each_tertials_follow_up_is_stored_for_its_period(
    session_factory: SessionFactory, tmp_path: Path
) -> None:
    path = _tertial_plan(tmp_path / "tertial.xlsx")
    result = _import(session_factory, path, today=date(2025, 9, 15))
    assert (result.created, result.follow_ups) == (3, 3)
    t1_end = datetime(2025, 4, 30, 21, 59, 59, 999999, tzinfo=UTC)
    t2_end = datetime(2025, 8, 31, 21, 59, 59, 999999, tzinfo=UTC)
    assert _follow_ups(session_factory) == [
        ("1.1", "2025-T1", "Beställd.", t1_end),
        ("1.1", "2025-T2", "Lamporna är uppsatta. Målet är uppfyllt.", t2_end),
        ("1.2", "2025-T1", "Pågår.", t1_end),
    ]
    # An export as of T1 shows what the plan said then, one as of T2 the later text.
    with session_factory.begin() as s:
        plan = s.exec(select(Plan)).one()
        for period, text, verdict in [
            ("2025-T1", "Beställd.", "ej_bedomd"),
            ("2025-T2", "Lamporna är uppsatta. Målet är uppfyllt.", "uppfyllt"),
        ]:
            snap = build_snapshot(session=s, plan=plan, period=period)
            row = snap.areas[0].measures[0]
            assert row.follow_up is not None and (row.follow_up.text, row.verdict) == (
                text,
                verdict,
            )

    again = _import(session_factory, path, today=date(2025, 9, 15))
    assert (again.created, again.updated, again.unchanged, again.follow_ups) == (0, 0, 3, 0)
    assert len(_follow_ups(session_factory)) == 3


def test_an_edited_tertial_adds_one_follow_up(
    session_factory: SessionFactory, tmp_path: Path
) -> None:
    _import(session_factory, _tertial_plan(tmp_path / "a.xlsx", t2=None), today=date(2025, 6, 1))
    assert [f[:3] for f in _follow_ups(session_factory)] == [
        ("1.1", "2025-T1", "Beställd."),
        ("1.2", "2025-T1", "Pågår."),
    ]
    later = _tertial_plan(tmp_path / "b.xlsx", t2="Lamporna är uppsatta.")
    result = _import(session_factory, later, today=date(2025, 6, 1))
    assert result.follow_ups == 1
    assert _follow_ups(session_factory)[-1][:3] == ("1.1", "2025-T2", "Lamporna är uppsatta.")


# --------------------------------------------------------------------------- areas


def _area_sheets(path: Path, order: list[tuple[int, str, list[list[Any]]]]) -> Path:
    sheets = [Sheet(f"{n}. {name}"[:31], [HEADER, *rows]) for n, name, rows in order]
    return write_workbook(path, sheets)


UNGA = ("Unga i riskzon", [["Info", "SSP-möten", "8 ggr/år", "Prev"]])
PLATSER = (
    "Otrygga platser",
    [
        ["Behov av strategi", "Trygghets- och säkerhetsråd", "4 ggr/år", "Stadsdelsdirektör"],
        ["Gatumiljön", "Trygghetsvandring", "2 ggr/år eller vid behov", "SDF och polisen"],
    ],
)
SYSTEM = ("Systemhotande brottslighet", [["Otillåten påverkan", "Visitkort", "Under året", "HR"]])
NYTT = ("Våld i nära relation", [["Okunskap", "Utbildning för personal", "Hösten", "Soc"]])


def test_a_renumbered_file_keeps_every_measure_in_its_area(
    session_factory: SessionFactory, tmp_path: Path, make_ctx: Any
) -> None:
    from handlers.router import execute

    first = [(1, *UNGA), (2, *PLATSER), (3, *SYSTEM)]
    _import(session_factory, _area_sheets(tmp_path / "v1.xlsx", first), district="Kungsholmen")
    execute(make_ctx(), "uppfolj 2.2 Två vandringar hölls.")
    before = _measures(session_factory)
    # The areas reordered and a new one inserted as number 3.
    second = [(1, *PLATSER), (2, *UNGA), (3, *NYTT), (4, *SYSTEM)]
    path = _area_sheets(tmp_path / "v2.xlsx", second)
    result = _import(session_factory, path, district="Kungsholmen")
    assert (result.created, result.updated, result.unchanged) == (1, 0, 4)
    after = _measures(session_factory)
    # Same refs, same areas, same texts; the areas carry the file's numbers now.
    assert {ref: (name, text) for ref, (name, _, text) in after.items() if ref in before} == {
        ref: (name, text) for ref, (name, _, text) in before.items()
    }
    assert {name: number for name, number, _ in after.values()} == {
        PLATSER[0]: 1,
        UNGA[0]: 2,
        NYTT[0]: 3,
        SYSTEM[0]: 4,
    }
    new = [ref for ref in after if ref not in before]
    assert len(new) == 1 and after[new[0]][0] == NYTT[0] and new[0].startswith("3.")
    assert [r for r, *_ in _follow_ups(session_factory)] == ["2.2"]
    renumbered = [w for w in result.warnings if "har nummer" in w]
    assert len(renumbered) == 3 and all("behåller sina referenser" in w for w in renumbered)
    assert not any("finns inte längre" in w for w in result.warnings)

    again = _import(session_factory, path, district="Kungsholmen")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert not any("har nummer" in w for w in again.warnings)


def test_an_area_renamed_in_place_keeps_its_number(
    session_factory: SessionFactory, tmp_path: Path
) -> None:
    old = [(1, *UNGA), (3, "Systemhotade brottslighet", SYSTEM[1])]
    _import(session_factory, _area_sheets(tmp_path / "a.xlsx", old), district="Järva")
    new = [(1, *UNGA), (3, *SYSTEM)]
    result = _import(session_factory, _area_sheets(tmp_path / "b.xlsx", new), district="Järva")
    assert (result.created, result.unchanged) == (0, 2)
    with session_factory.begin() as s:
        areas = s.exec(select(PriorityArea.number, PriorityArea.name)).all()
    assert sorted(areas) == [(1, UNGA[0]), (3, SYSTEM[0])]


def test_a_measure_moved_to_another_area_keeps_its_ref_and_follow_ups(
    session_factory: SessionFactory, tmp_path: Path, make_ctx: Any
) -> None:
    from handlers.router import execute

    first = [(1, *UNGA), (2, *PLATSER)]
    _import(session_factory, _area_sheets(tmp_path / "a.xlsx", first), district="Farsta")
    execute(make_ctx(), "uppfolj 2.2 Två vandringar hölls.")
    walk = PLATSER[1][1]
    moved = [(1, UNGA[0], [*UNGA[1], walk]), (2, PLATSER[0], PLATSER[1][:1])]
    result = _import(session_factory, _area_sheets(tmp_path / "b.xlsx", moved), district="Farsta")
    assert (result.created, result.updated) == (0, 1)
    after = _measures(session_factory)
    assert after["2.2"] == (UNGA[0], 1, "Trygghetsvandring")
    assert [r for r, *_ in _follow_ups(session_factory)] == ["2.2"]
    assert not any("finns inte längre" in w for w in result.warnings)


# --------------------------------------------------------------------------- the plan's numbers


def _numbered_plan(path: Path, rows: list[list[Any]]) -> Path:
    header = ["Nr", "Fokusområde", "Aktivitet", "Ansvar", "Tidsplan"]
    return write_workbook(path, [Sheet("Åtgärder", [header, *rows])])


NUMBERED = [
    ["1.1", "Lägesbild", "Lägesrapport till kommunstyrelsen", "Säkerhetschef", "3 ggr/år"],
    ["1.2", "Lägesbild", "Lägesbild med orsaksanalys", "Grupp lägesbild", "1 gång/år"],
    ["A3", "Lägesbild", "Strategiskt råd", "Säkerhetschef", "4 ggr/år"],
    ["2.1", "Medborgardialog", "Dialog enligt SKR:s modell", "KLK", "2 ggr/år"],
    ["2.5", "Medborgardialog", "Medborgarlöften följs upp", "Presidiet", "2 ggr/år"],
]


def test_the_plans_own_numbers_become_the_refs(
    session_factory: SessionFactory, tmp_path: Path
) -> None:
    result = _import(session_factory, _numbered_plan(tmp_path / "n.xlsx", NUMBERED))
    # The number people quote for it is said with the ref it got.
    assert result.warnings == [
        "Flik ”Åtgärder”: numret A3 i filen har inte formen område.nummer (som 2.1) och kan"
        " inte bli åtgärdens referens. Åtgärden fick referensen 1.3."
    ]
    assert {ref: text for ref, (_, _, text) in _measures(session_factory).items()} == {
        "1.1": "Lägesrapport till kommunstyrelsen",
        "1.2": "Lägesbild med orsaksanalys",
        "1.3": "Strategiskt råd",  # "A3" is no ref the chat commands take: by place
        "2.1": "Dialog enligt SKR:s modell",
        "2.5": "Medborgarlöften följs upp",
    }


def test_refs_stay_when_the_file_is_renumbered(
    session_factory: SessionFactory, tmp_path: Path
) -> None:
    _import(session_factory, _numbered_plan(tmp_path / "a.xlsx", NUMBERED))
    inserted = ["1.2", "Lägesbild", "Trygghetsmätning", "Säkerhetschef", "1 gång/år"]
    renumbered = [NUMBERED[0], inserted, ["1.3", *NUMBERED[1][1:]], *NUMBERED[2:]]
    result = _import(session_factory, _numbered_plan(tmp_path / "b.xlsx", renumbered))
    assert (result.created, result.updated, result.unchanged) == (1, 0, 5)
    refs = {text: ref for ref, (_, _, text) in _measures(session_factory).items()}
    assert refs["Lägesbild med orsaksanalys"] == "1.2"  # kept, though the file says 1.3
    assert refs["Trygghetsmätning"] == "1.4"
    (warning,) = result.warnings
    assert "rad 3" in warning and "1.2" in warning and "1.4" in warning


def test_a_number_used_twice_in_the_file(session_factory: SessionFactory, tmp_path: Path) -> None:
    rows = [NUMBERED[0], ["1.1", "Lägesbild", "Strategiskt råd", "Säkerhetschef", "4 ggr/år"]]
    result = _import(session_factory, _numbered_plan(tmp_path / "d.xlsx", rows))
    assert sorted(_measures(session_factory)) == ["1.1", "1.2"]
    (warning,) = result.warnings
    assert "Flik ”Åtgärder”, rad 3" in warning and "1.1" in warning and "1.2" in warning


# --------------------------------------------------------------------------- cells


def test_merged_cells_and_hidden_rows_end_to_end(
    session_factory: SessionFactory, tmp_path: Path
) -> None:
    rows = [
        ["Särskilt utsatta och sårbara brottsoffer", *HEADER, "Uppföljning"],
        ["Barn", "Barn som växer upp med våld", "Samsittning", "Linjearbete", "Soc", None],
        [None, None, "Islandsmodellen", None, "Polis", None],
        ["Gammalt", "Exempel", "Exempelåtgärd 2023", "2023", "X", None],
        ["Vuxna", "Våld i nära relation", "Bryt Upp", "Under 2025", "VINR", None],
    ]
    sheet = Sheet("4. Brottsoffer", rows, merges=["A2:A3", "B2:B3", "D2:D3"], hidden_rows={4})
    result = _import(session_factory, write_workbook(tmp_path / "m.xlsx", [sheet]))
    assert result.created == 3
    assert result.warnings == [
        "Flik ”4. Brottsoffer”, rad 4: raden är dold och lästes inte in. Visa raden i Excel och "
        "läs in filen igen om den hör till planen."
    ]
    with session_factory.begin() as s:
        got = [
            (m.ref, m.problem, m.cause, m.when_text)
            for m in s.exec(select(Measure).order_by(Measure.position))
        ]
    assert got == [
        ("4.1", "Barn", "Barn som växer upp med våld", "Linjearbete"),
        ("4.2", "Barn", "Barn som växer upp med våld", "Linjearbete"),
        ("4.3", "Vuxna", "Våld i nära relation", "Under 2025"),
    ]


def test_personal_numbers_in_merged_and_tertial_cells_are_never_stored(
    session_factory: SessionFactory, tmp_path: Path
) -> None:
    rows = [
        ["Orsak", "Åtgärd", "Vem", "Uppföljning T1", "Uppföljning T2"],
        ["Elev 811218-9876 utsatt", "Stödsamtal", "Kurator", "Samtal med 8112189876.", "Klart."],
        [None, "Föräldramöte", "Rektor", None, None],
    ]
    sheet = Sheet("1. Unga", rows, merges=["A2:A3"])
    result = _import(session_factory, write_workbook(tmp_path / "p.xlsx", [sheet]))
    warned = [w for w in result.warnings if "personnummer" in w]
    assert [w.split(":")[0] for w in warned] == ["Flik ”1. Unga”, rad 2", "Flik ”1. Unga”, rad 3"]
    with session_factory.begin() as s:
        stored = [m.cause or "" for m in s.exec(select(Measure))]
        stored += [f.text for f in s.exec(select(FollowUp))]
    assert not any("9876" in text for text in stored)
    assert "Samtal med [personnummer]." in stored


# --------------------------------------------------------------------------- numbers as areas


def test_the_plans_own_numbers_stay_the_references_when_they_divide_the_sheet(
    session_factory: SessionFactory, tmp_path: Path
) -> None:
    """One sheet, no area column: the measures keep the numbers people quote, also when the
    same file is read again."""
    from tests.reports.test_xlsx_municipal_layouts import NUMBERED

    path = write_workbook(tmp_path / "nr.xlsx", [Sheet("Åtgärder", NUMBERED)])
    _import(session_factory, path)
    expected = {
        "1.1": ("Område 1", 1, "Belysning i parken"),
        "1.2": ("Område 1", 1, "Klottersanering"),
        "2.1": ("Område 2", 2, "Fältassistenter kvällstid"),
        "2.2": ("Område 2", 2, "Föräldravandringar"),
    }
    assert _measures(session_factory) == expected
    again = _import(session_factory, path)
    assert (again.created, again.updated) == (0, 0)
    assert _measures(session_factory) == expected


def test_numbers_typed_as_decimals_or_after_a_word_stay_the_refs(
    session_factory: SessionFactory, tmp_path: Path
) -> None:
    """ "1.10" typed as a number is 1.1 to Excel: the row above (1.9) or a format showing two
    decimals says which. "Åtgärd 1.12" and "Insats 13" are the plan's numbers too."""
    texts = [f"Insats nummer {n}" for n in range(1, 14)]
    numbers: list[Any] = [1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 1.9, 1.1, 1.11]
    numbers += ["Åtgärd 1.12", "Insats 13"]
    rows = [
        [n, "Orsak", text, "Löpande", "Polisen"] for n, text in zip(numbers, texts, strict=True)
    ]
    header = ["Nr", "Orsak", "Åtgärd", "När", "Vem"]
    path = write_workbook(tmp_path / "d.xlsx", [Sheet("1. Unga", [header, *rows])])
    result = _import(session_factory, path)
    assert result.warnings == []
    refs = {text: ref for ref, (_, _, text) in _measures(session_factory).items()}
    assert [refs[t] for t in texts] == [f"1.{n}" for n in range(1, 14)]


def test_a_number_format_shows_the_decimals_of_a_measure_number(tmp_path: Path) -> None:
    def two_decimals(ws: Any) -> None:
        ws["A2"].number_format = "0.00"

    rows = [["Nr", "Orsak", "Åtgärd", "När", "Vem"], [1.2, "Orsak", "Insats", "Löpande", "Polisen"]]
    path = write_workbook(tmp_path / "f.xlsx", [Sheet("1. Unga", rows, setup=two_decimals)])
    assert read_plan(path).areas[0].rows[0].ref == "1.20"
