"""The xlsx, the readable report (html, md) and `/atgard status` tell the same story.

A plan with a varied history, written through the real commands on a moving clock: status
is read on the evening of 30 April as an official would have seen it, the history goes on
(follow-ups in May, a measure added by a re-import in June, tick-offs and meetings after
the tertial), and the T1 report made in June must say what status said then; the T2
report made on 15 June what status says that day.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime
from html import unescape
from pathlib import Path
from typing import Any

import openpyxl

from bot.db import SessionFactory
from handlers.export import export_reply
from handlers.router import execute
from models.progress import STANDING_WORDS, Standing
from models.replies import Reply
from models.tables import Plan
from reports.export_texts import STANDING_LABELS
from reports.snapshot import STANDINGS
from tests.conftest import Clock
from tests.reports.export_helpers import seed_period_data
from tests.reports.test_export_as_of import import_file, plan_with_new_row

Counts = dict[str, tuple[int, ...]]  # area name (or "Totalt") -> one count per STANDINGS
# A count and its standing in either number ("1 klar", "3 klara", "2 ej bedömda"); not the
# progress bar's "0/3 klara".
_WORDS = {word: s.value for s in Standing for word in STANDING_WORDS[s]}
_STATUS_BIT = re.compile(
    r"(?<![/\d])(\d+) ("
    + "|".join(re.escape(w) for w in sorted(_WORDS, key=len, reverse=True))
    + r")\b"
)


def from_status(reply: Reply) -> Counts:
    """Standings per area from `/atgard status` (areas without measures are not shown)."""
    out: Counts = {}
    for section in reply.sections:
        found = {_WORDS[k]: int(n) for n, k in _STATUS_BIT.findall(section.text or "")}
        name = section.heading or ""
        key = "Totalt" if name == "Hela planen" else re.sub(r"^\d+\. ", "", name)
        out[key] = tuple(found.get(s, 0) for s in STANDINGS)
    return out


def from_xlsx(content: bytes) -> tuple[Counts, dict[str, str | None]]:
    """The summary sheet's standings table, and each area sheet's Uppföljning by Åtgärd."""
    wb = openpyxl.load_workbook(io.BytesIO(content))
    ws = wb["Sammanställning"]
    rows = list(ws.iter_rows(values_only=True))
    top = next(
        i for i, r in enumerate(rows) if r[0] == "Läge per område (rytm, takt och bedömning)"
    )
    header = rows[top + 1]
    assert header[1 : 1 + len(STANDINGS)] == tuple(STANDING_LABELS[s] for s in STANDINGS)
    counts: Counts = {}
    for r in rows[top + 2 :]:
        if r[0] is None:
            break
        counts[str(r[0])] = tuple(int(v) for v in r[1 : 1 + len(STANDINGS)])
    texts = {
        str(r[2]): r[6]
        for sheet in wb.worksheets[1:]
        for r in sheet.iter_rows(min_row=3, values_only=True)
        if r[2]
    }
    return counts, texts


def from_markdown(text: str) -> Counts:
    head = "| Prioriterat område |" + "".join(f" {STANDING_LABELS[s]} |" for s in STANDINGS)
    lines = text.splitlines()
    start = lines.index(head) + 2
    counts: Counts = {}
    for line in lines[start:]:
        if not line.startswith("| "):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        counts[re.sub(r"^\d+\. ", "", cells[0])] = tuple(int(c) for c in cells[1:])
    return counts


def from_html(text: str) -> Counts:
    table = text.split("<caption>Läge per prioriterat område</caption>")[1].split("</tbody>")[0]
    counts: Counts = {}
    for name, cells in re.findall(
        r'<th scope="row">\d+\. ([^<]*)</th>((?:\s*<td class="num">\d+</td>)+)', table
    ):
        counts[unescape(name)] = tuple(int(n) for n in re.findall(r">(\d+)<", cells))
    return counts


def with_total(counts: Counts) -> Counts:
    """Areas with measures, and the total (what status shows)."""
    shown = {k: v for k, v in counts.items() if sum(v) and k != "Totalt"}
    shown["Totalt"] = (
        tuple(sum(col) for col in zip(*counts.values(), strict=True))
        if ("Totalt" not in counts)
        else counts["Totalt"]
    )
    return shown


def exports(make_ctx: Any, period: str) -> dict[str, Reply]:
    return {fmt: export_reply(make_ctx(), [period, fmt]) for fmt in ("xlsx", "html", "md")}


def assert_agree(status: Reply, files: dict[str, Reply]) -> None:
    expected = from_status(status)
    xlsx_counts, _ = from_xlsx(files["xlsx"].attachments[0].content)
    html = files["html"].attachments[0].content.decode("utf-8")
    md = files["md"].attachments[0].content.decode("utf-8")
    assert with_total(xlsx_counts) == expected
    assert with_total(from_html(html)) == expected
    assert with_total(from_markdown(md)) == expected


def test_the_files_and_status_agree_per_30_april_and_per_15_june(
    make_ctx: Any,
    clock: Clock,
    session_factory: SessionFactory,
    imported_plan: Plan,
    tmp_path: Path,
) -> None:
    seed_period_data(session_factory, imported_plan)  # T1 texts, a May text, meetings to Sept
    ctx = make_ctx
    for when, line in [
        (datetime(2025, 3, 10, 9, 0, tzinfo=UTC), "klar 1.1 Rutinen är antagen."),
        (datetime(2025, 4, 3, 9, 0, tzinfo=UTC), "uppfolj 2.3 ej_uppfyllt Ingen vandring ännu."),
        (datetime(2025, 4, 30, 21, 30, tzinfo=UTC), "uppfolj 1.5 delvis Skrivet sent 30 april."),
    ]:
        clock.set(when)
        assert not execute(ctx(), line).failed, line
    clock.set(datetime(2025, 4, 30, 21, 45, tzinfo=UTC))  # 23.45 in Stockholm
    status_t1 = execute(ctx(), "status")

    for when, line in [
        # After the week T1 is reported in (reminders.calendar.REPORTING_WINDOW): T2's.
        (datetime(2025, 5, 12, 9, 0, tzinfo=UTC), "uppfolj 1.5 uppfyllt Klart i maj."),
        (datetime(2025, 5, 14, 9, 0, tzinfo=UTC), "uppfolj 2.3 delvis En vandring hölls i maj."),
        (datetime(2025, 5, 14, 9, 5, tzinfo=UTC), "klar 2.3 Vandring runt Fridhemsplan."),
        (datetime(2025, 6, 12, 9, 0, tzinfo=UTC), "klar 1.1 Ny tillämpning i juni."),
    ]:
        clock.set(when)
        assert not execute(ctx(), line).failed, line
    import_file(session_factory, plan_with_new_row(tmp_path), date(2025, 6, 10))
    clock.set(datetime(2025, 6, 15, 9, 0, tzinfo=UTC))

    t1 = exports(ctx, "2025-T1")
    assert_agree(status_t1, t1)
    _, t1_texts = from_xlsx(t1["xlsx"].attachments[0].content)
    md = t1["md"].attachments[0].content.decode("utf-8")
    html = unescape(t1["html"].attachments[0].content.decode("utf-8"))
    for text in ("Skrivet sent 30 april.", "Ingen vandring ännu."):
        assert any(text in (t or "") for t in t1_texts.values())
        assert text in md and text in html
    for text in ("Klart i maj.", "En vandring hölls i maj."):
        assert not any(text in (t or "") for t in t1_texts.values())
        assert text not in md and text not in html

    assert_agree(execute(ctx(), "status"), exports(ctx, "2025-T2"))
