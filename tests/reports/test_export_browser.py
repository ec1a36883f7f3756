"""The HTML report in a real headless Chromium (Debian's), and the xlsx in LibreOffice."""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pytest

from models.tables import Plan
from reports.export import export_plan
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.reports.export_helpers import seed_period_data


def _write(session_factory, plan: Plan, fmt: str, folder: Path) -> Path:  # type: ignore[no-untyped-def]
    with session_factory.begin() as s:
        result = export_plan(session=s, plan=s.get(Plan, plan.id), period="2025-T1", fmt=fmt)
    path = folder / result.filename
    path.write_bytes(result.content)
    return path


@pytest.mark.browser
@pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed (apt-get install chromium)"
)
def test_html_report_renders_and_prints_in_chromium(
    session_factory, imported_plan, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    seed_period_data(session_factory, imported_plan)
    page_file = _write(session_factory, imported_plan, "html", tmp_path)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(locale="sv-SE")
            page.goto(page_file.as_uri())
            heading = page.get_by_role("heading", level=1)
            assert heading.is_visible()
            assert heading.inner_text() == "Åtgärdsplan 2025, Kungsholmen"
            table = page.get_by_role("table", name="Antal per prioriterat område")
            assert table.is_visible()
            assert "Särskilt utsatta och sårbara brottsoffer" in table.inner_text()
            header = page.get_by_role("columnheader", name="Åtgärder")
            assert header.first.is_visible()
            chart = page.get_by_role("img")
            assert chart.is_visible()
            width = chart.evaluate("img => img.naturalWidth")
            assert width > 300  # the data: URI decoded into a real image
            assert page.get_by_text("3 av 8 genomförda, i fas").is_visible()
            assert page.evaluate("document.documentElement.lang") == "sv"
            pdf = page.pdf(format="A4", print_background=True)
            assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
        finally:
            browser.close()


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_xlsx_opens_in_libreoffice(session_factory, imported_plan, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    seed_period_data(session_factory, imported_plan)
    book = _write(session_factory, imported_plan, "xlsx", tmp_path)
    out = tmp_path / "csv"
    profile = tmp_path / "lo-profile"
    proc = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):59,34,76,1",
            "--outdir",
            str(out),
            str(book),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    [converted] = list(out.glob("*.csv"))  # the first sheet: Sammanställning
    rows = list(csv.reader(converted.read_text(encoding="utf-8").splitlines(), delimiter=";"))
    assert rows[0][0] == "Åtgärdsplan 2025, Kungsholmen"
    totals = next(r for r in rows if r and r[0] == "Totalt")
    assert totals[1:9] == ["9", "14", "16", "2", "1", "1", "1", "11"]
