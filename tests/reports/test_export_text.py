"""HTML and Markdown reports (Jinja2, autoescape), the chart, CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser

import pytest

from models.tables import Plan
from reports.charts import STANDING_COLOURS, progress_chart
from reports.export import ExportFormat, export_plan, parse_format
from reports.export_csv import CSV_COLUMNS, PERIOD_KEYS
from reports.export_text import VERDICT_COLOURS, environment
from reports.listing import LIST_KEYS, measures_json
from reports.snapshot import build_snapshot
from tests.reports.export_helpers import IN_T1, add_follow_up, csv_rows, seed_period_data


@pytest.fixture
def seeded(session_factory, imported_plan):  # type: ignore[no-untyped-def]
    seed_period_data(session_factory, imported_plan)
    return imported_plan


def _export(session_factory, plan: Plan, fmt: str, period: str = "2025-T1"):  # type: ignore[no-untyped-def]
    with session_factory.begin() as s:
        return export_plan(session=s, plan=s.get(Plan, plan.id), period=period, fmt=fmt)


def _contrast(a: str, b: str) -> float:
    def lum(hex_colour: str) -> float:
        channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


class _Structure(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_html_report_structure_and_accessibility(session_factory, seeded) -> None:  # type: ignore[no-untyped-def]
    result = _export(session_factory, seeded, "html")
    assert result.filename == "atgardsplan-2025-T1-kungsholmen.html"
    html = result.content.decode("utf-8")
    parser = _Structure()
    parser.feed(html)
    tags = parser.tags
    assert tags[0] == ("html", {"lang": "sv"})
    assert [t for t, _ in tags].count("h1") == 1
    assert sum(1 for t, _ in tags if t == "h2") == 7  # summary + six areas
    th = [a for t, a in tags if t == "th"]
    assert th and all(a.get("scope") in ("col", "row") for a in th)
    assert sum(1 for t, _ in tags if t == "caption") == 2
    img = next(a for t, a in tags if t == "img")
    assert img["src"].startswith("data:image/png;base64,")
    assert "Unga i riskzon" in img["alt"] and "åtgärder" in img["alt"]
    assert "<title>Åtgärdsplan 2025, Kungsholmen – Tertialrapport 1 2025" in html
    assert "@media print" in html
    # Measures with rhythm, pace, latest follow-up and the period's meetings.
    assert "3 av 8 genomförda, i fas" in html
    assert "2025-04-28 SSP (Skola, socialtjänst, polis)" in html
    assert "2025-06-02" not in html  # a T2 meeting
    assert "BOB-gruppen har träffats" in html
    assert "Ny bedömning i maj" not in html
    assert result.chart_png is not None and result.chart_png.startswith(b"\x89PNG")


def test_colours_meet_contrast_requirements() -> None:
    for background, text in VERDICT_COLOURS.values():
        assert _contrast(background, text) >= 4.5
    for bar, ink in STANDING_COLOURS.values():
        assert _contrast(bar, "#FFFFFF") >= 3.0  # graphical object against the page
        assert _contrast(bar, ink) >= 4.5  # the count written in the bar


def test_html_escapes_follow_up_text(session_factory, imported_plan) -> None:  # type: ignore[no-untyped-def]
    evil = '<script>alert("x")</script> & <b>fet</b>'
    with session_factory.begin() as s:
        add_follow_up(s, s.get(Plan, imported_plan.id), "1.1", "pagaende", evil, IN_T1)
    html = _export(session_factory, imported_plan, "html").content.decode()
    assert "<script>" not in html and "<b>fet</b>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;fet&lt;/b&gt;" in html
    md = _export(session_factory, imported_plan, "md").content.decode()
    assert "<script>" not in md and "\\<script\\>" in md


def test_autoescape_is_on_for_html_and_undefined_is_strict() -> None:
    env = environment()
    assert env.get_template("report.html.j2").environment.autoescape("report.html.j2")
    assert not env.autoescape("report.md.j2")  # type: ignore[operator]
    with pytest.raises(Exception, match="undefined"):
        env.from_string("{{ nope }}").render()


def test_markdown_report(session_factory, seeded) -> None:  # type: ignore[no-untyped-def]
    md = _export(session_factory, seeded, "md").content.decode()
    assert md.startswith("# Åtgärdsplan 2025, Kungsholmen\n")
    assert "## Sammanfattning" in md
    assert "| 1. Unga i riskzon för destruktivt beteende | 1 | 4 | 5 | 1 | 1 | 0 | 1 | 2 |" in md
    assert "| 6. \\[Eget prioriterat område\\] | 0 | 0 | 0 |" in md
    assert "### Åtgärd 1.3" in md
    assert "- **Takt:** 3 av 8 genomförda, i fas" in md
    assert "2025-02-10 SSP, 2025-03-17 SSP, 2025-04-28 SSP" in md
    assert "\n\n\n\n" not in md


def test_chart_is_deterministic_png(session_factory, seeded) -> None:  # type: ignore[no-untyped-def]
    with session_factory.begin() as s:
        snap = build_snapshot(session=s, plan=s.get(Plan, seeded.id), period="2025-T1")
    png = progress_chart(snap)
    assert png.startswith(b"\x89PNG") and png == progress_chart(snap)
    assert b"Software" not in png[:200]


def test_csv_for_swedish_excel(session_factory, seeded) -> None:  # type: ignore[no-untyped-def]
    result = _export(session_factory, seeded, "csv")
    assert result.filename.endswith(".csv")
    assert result.content.startswith(b"\xef\xbb\xbf")
    text = result.content.decode("utf-8-sig")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert rows[0] == [header for _, header in CSV_COLUMNS]
    assert len(rows) == 17
    by_ref = csv_rows(result.content)
    first = by_ref["1.1"]
    assert first["Period"] == "2025-T1" and first["Status per"] == "2025-04-30"
    assert first["Bedömning"] == "Uppfyllt"
    assert first["Uppföljning"].startswith("BOB-gruppen har träffats")
    assert first["Prioriterat område"] == "Unga i riskzon för destruktivt beteende"
    assert by_ref["1.3"]["Takt"] == "3 av 8 genomförda, i fas"
    assert by_ref["1.3"]["Möten under perioden"] == "2025-02-10 SSP, 2025-03-17 SSP, 2025-04-28 SSP"
    assert by_ref["1.3"]["Genomförda"] == "3"


def test_csv_neutralises_formulas(session_factory, imported_plan) -> None:  # type: ignore[no-untyped-def]
    with session_factory.begin() as s:
        add_follow_up(s, s.get(Plan, imported_plan.id), "1.1", "pagaende", "=1+1", IN_T1)
    text = _export(session_factory, imported_plan, "csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert rows[1][rows[0].index("Uppföljning")] == "'=1+1"


def test_json_has_list_fields_plus_period_data(session_factory, seeded) -> None:  # type: ignore[no-untyped-def]
    doc = json.loads(_export(session_factory, seeded, "json").content)
    assert doc["period"] == "2025-T1" and doc["period_end"] == "2025-04-30"
    assert doc["plan"] == {
        "title": "Åtgärdsplan 2025, Kungsholmen",
        "district": "Kungsholmen",
        "year": 2025,
    }
    assert [a["measures"] for a in doc["areas"]] == [5, 3, 0, 6, 2, 0]
    rows = doc["measures"]
    assert len(rows) == 16
    assert tuple(rows[0]) == LIST_KEYS + PERIOD_KEYS
    with session_factory.begin() as s:
        listed = measures_json(session=s, plan_id=seeded.id)
    # Plan fields match `atgard list --json`; verdicts are the period's, not today's.
    for exported, current in zip(rows, listed, strict=True):
        for key in ("ref", "area", "problem", "cause", "measure", "goal", "when", "responsible"):
            assert exported[key] == current[key]
    assert rows[0]["verdict"] == "uppfyllt" and listed[0]["verdict"] == "ej_uppfyllt"
    ssp = next(r for r in rows if r["ref"] == "1.3")
    assert ssp["meetings"][0] == {"held_on": "2025-02-10", "group": "SSP"}
    assert ssp["done_count"] == 3 and ssp["standing"] in ("i fas", "klar", "efter", "ej bedömd")


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("xlsx", ExportFormat.XLSX),
        ("HTML", ExportFormat.HTML),
        (".md", ExportFormat.MD),
        ("excel", ExportFormat.XLSX),
        ("json", ExportFormat.JSON),
    ],
)
def test_parse_format(text: str, fmt: ExportFormat) -> None:
    assert parse_format(text) is fmt


def test_unknown_format_is_refused_in_swedish() -> None:
    from models.errors import ValidationError

    with pytest.raises(
        ValidationError, match=re.escape("Välj format: xlsx, html, md, csv eller json.")
    ):
        parse_format("pdf")


def test_a_single_measure_is_counted_in_the_singular(session_factory, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A plan of one area with one measure: "1 åtgärd", "1 område", "1 ny", never "1 åtgärder"
    (the import's summary, the reports, the chart's text)."""
    from datetime import date

    from models.importer import apply_plan
    from reports.charts import chart_alt_text
    from reports.xlsx_reader import read_plan
    from tests.reports.make_workbooks import Sheet, write_workbook

    rows = [
        ["Problem", "Orsak", "Åtgärd", "När", "Vem"],
        ["Otrygg park", "Mörker", "Belysning i parken", "Under 2025", "TK"],
    ]
    path = write_workbook(tmp_path / "en.xlsx", [Sheet("1. Platser", rows)])
    with session_factory.begin() as s:
        result = apply_plan(
            session=s,
            parsed=read_plan(path),
            district="Ensta",
            year=2025,
            actor=None,
            today=date(2025, 4, 22),
        )
        summary, plan = result.summary(), result.plan
    assert ": 1 åtgärd (1 ny, 0 ändrade, 0 oförändrade), 0 uppföljningar inlästa." in summary
    md = _export(session_factory, plan, "md").content.decode()
    html = _export(session_factory, plan, "html").content.decode()
    for text in (md, html):
        assert "1 åtgärd i 1 av 1 prioriterat område." in text
        assert "1 åtgärd, 1 problem och 1 identifierad orsak." in text
        assert "hölls 0 möten" in text
    assert "1 åtgärder" not in md + html
    with session_factory.begin() as s:
        snap = build_snapshot(session=s, plan=s.get(Plan, plan.id), period="2025-T1")
    # The counts in the right number, as in /atgard status: "0 klara", "1 ej bedömd".
    alt = chart_alt_text(snap)
    assert "Platser: 1 åtgärd, 0 klara, 0 i fas, 0 ligger efter, 1 ej bedömd." in alt
