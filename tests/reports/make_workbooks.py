"""Builders for the test workbooks in tests/data (and ad-hoc ones in tmp_path).

Run `python -m tests.reports.make_workbooks` from the project root to regenerate
tests/data/*.xlsx. The 2024 plan is built from seed 002 (Järva 2024, follow-ups filled
in) so the tests need nothing outside the repository.
"""

from __future__ import annotations

import datetime as dt
import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

HEADERS_2025 = ["Orsak", "Åtgärd", "Operativa mål", "När", "Vem", "Uppföljning"]
HEADERS_2024 = ["Prioriterat samverkansområde", "Orsak", "Åtgärd", "När", "Vem", "Uppföljning"]

INSTRUCTIONS_2025 = [
    "Ange identifierat problemområde eller utmaning här",
    "Beskriv orsaken till problemet, kan vara flera, gör då flera separata åtgärder.",
    "Koppla åtgärd mot respektive orsak. Beskriv tydligt vad som ska göras och hur det ska "
    "utföras.",
    "Koppla operativa mål till varje åtgärd.",
    "Ange tid för när åtgärden ska vara genomförd (alt linjearbete).",
    "Ange vem som ansvarar för åtgärden.",
    "Beskriv vad som har genomförts. Hur har parterna uppfyllt sina åtaganden. Denna kolumn "
    "fylls i i samband med uppföljning.",
]
# Without the problem and goal columns: the 2024 template.
INSTRUCTIONS_2024 = [INSTRUCTIONS_2025[i] for i in (1, 2, 4, 5, 6)]

INSTRUCTION_TEXT = (
    "Enligt lag (2023:196) om kommuners ansvar för brottsförebyggande arbete ska kommunerna "
    "ta fram en lägesbild över brottsligheten i kommunen."
)


@dataclass
class Sheet:
    """One worksheet: rows of values (None = empty), 1-based italic/bold/filled rows,
    merges, whether the sheet is hidden, hidden rows and columns (letters), and `setup`
    for anything else openpyxl can do to the sheet (filters, panes, validation, groups)."""

    title: str
    rows: Sequence[Sequence[Any]]
    italic_rows: set[int] = field(default_factory=set)
    merges: list[str] = field(default_factory=list)
    bold_rows: set[int] = field(default_factory=set)
    filled_rows: set[int] = field(default_factory=set)
    hidden: bool = False
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[str] = field(default_factory=set)
    setup: Callable[[Any], None] | None = None


def write_workbook(path: Path, sheets: Sequence[Sheet]) -> Path:
    """Write `sheets` to `path` as .xlsx and return the path."""
    wb = Workbook()
    wb.remove(wb.active)
    italic = Font(italic=True)
    bold = Font(bold=True)
    fill = PatternFill(fill_type="solid", fgColor="FFD9E1F2")
    for spec in sheets:
        ws = wb.create_sheet(spec.title)
        for r, values in enumerate(spec.rows, start=1):
            for c, value in enumerate(values, start=1):
                if value is None:
                    continue
                cell = ws.cell(row=r, column=c, value=value)
                if r in spec.italic_rows:
                    cell.font = italic
                if r in spec.bold_rows:
                    cell.font = bold
                if r in spec.filled_rows:
                    cell.fill = fill
        for rng in spec.merges:
            ws.merge_cells(rng)
        for r in spec.hidden_rows:
            ws.row_dimensions[r].hidden = True
        for letter in spec.hidden_cols:
            ws.column_dimensions[letter].hidden = True
        if spec.setup is not None:
            spec.setup(ws)
        if spec.hidden:
            ws.sheet_state = "hidden"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _rewrite_zip(path: Path, edit: dict[str, Any]) -> Path:
    """Rewrite members of the .xlsx at `path`: name -> function(text) -> text."""
    import zipfile

    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename in edit:
                data = edit[item.filename](data.decode("utf-8")).encode("utf-8")
            dst.writestr(item, data)
    tmp.replace(path)
    return path


def add_cached_values(path: Path, sheet_index: int, values: dict[str, str]) -> Path:
    """Give formula cells the cached text Excel stores next to the formula (openpyxl
    writes formulas without one)."""
    import re
    from xml.sax.saxutils import escape

    def edit(xml: str) -> str:
        for ref, text in values.items():
            xml, n = re.subn(
                rf'<c r="{ref}"[^>]*><f>(.*?)</f><v\s*/>',
                lambda m, t=text, r=ref: (
                    f'<c r="{r}" t="str"><f>{m.group(1)}</f><v>{escape(t)}</v>'
                ),
                xml,
            )
            assert n == 1, ref
        return xml

    return _rewrite_zip(path, {f"xl/worksheets/sheet{sheet_index}.xml": edit})


def stretch_used_range(
    path: Path, *, rows: int = 0, cols: int = 0, formula_in: str | None = None
) -> Path:
    """What formatting down to the last row or across to the last column leaves in the
    first sheet: empty, styled cells below the data to row `rows` (two a row), and right of
    it to column `cols` on every row that has data. `formula_in` ("H"): that column holds a
    formula filled down to row `rows` whose result, as Excel saved it, is empty text."""
    import re

    from openpyxl.utils import get_column_letter

    def edit(xml: str) -> str:
        last = max(int(n) for n in re.findall(r'<row r="(\d+)"', xml))
        if cols:
            letters = [get_column_letter(c) for c in range(27, cols + 1)]
            xml = re.sub(
                r'(<row r="(\d+)"[^>]*>.*?)(</row>)',
                lambda m: (
                    m.group(1)
                    + "".join(f'<c r="{col}{m.group(2)}" s="0"/>' for col in letters)
                    + m.group(3)
                ),
                xml,
                flags=re.S,
            )
        formula = (
            (lambda r: f'<c r="{formula_in}{r}" t="str"><f>IF(D{r}="","",D{r})</f><v></v></c>')
            if formula_in
            else (lambda r: "")
        )
        below = "".join(
            f'<row r="{r}"><c r="A{r}" s="0"/><c r="B{r}" s="0"/>{formula(r)}</row>'
            for r in range(last + 1, rows + 1)
        )
        return xml.replace("</sheetData>", below + "</sheetData>")

    return _rewrite_zip(path, {"xl/worksheets/sheet1.xml": edit})


def add_chart_and_comment(path: Path, *, bar_direction: str = "col") -> Path:
    """A bar chart of the first sheet's column A beside the plan, a comment on A1 and a
    hyperlink in B1, as people put them next to a plan; `bar_direction` is written into
    the chart's XML as it stands (a newer Excel's value openpyxl does not know)."""
    import re

    from openpyxl import load_workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.comments import Comment

    wb = load_workbook(path)
    ws = wb.worksheets[0]
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=1, min_row=1, max_row=3), titles_from_data=True)
    ws.add_chart(chart, "L2")
    ws["A1"].comment = Comment("Uppdaterad efter styrgruppens möte", "Anna")
    ws["B1"].hyperlink = "https://example.se/plan"
    wb.save(path)
    direction = f'barDir val="{bar_direction}"'
    return _rewrite_zip(
        path, {"xl/charts/chart1.xml": lambda xml: re.sub(r'barDir val="\w+"', direction, xml)}
    )


def as_macro_workbook(path: Path) -> Path:
    """Turn a written .xlsx into what Excel writes for .xlsm (the main part's content type)."""
    main = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    macro = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    return _rewrite_zip(path, {"[Content_Types].xml": lambda xml: xml.replace(main, macro)})


def write_ods_lookalike(path: Path) -> Path:
    """What LibreOffice saves by default: a zip whose first member names the format."""
    import zipfile

    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<office:document-content/>")
    return path


def instruction_sheet(title: str) -> Sheet:
    return Sheet("Instruktion", [[title], [INSTRUCTION_TEXT], ["Ta gärna stöd av BRÅ:s material:"]])


def area_sheet_2025(
    title: str, area: str, data: Sequence[Sequence[Any]], *, italic: bool = True, merges=()
) -> Sheet:
    """A 2025-template sheet: area name heads the problem column, instruction row 2."""
    rows = [[area, *HEADERS_2025], INSTRUCTIONS_2025, *data]
    return Sheet(title, rows, italic_rows={2} if italic else set(), merges=list(merges))


# --------------------------------------------------------------------------- 2025 small


def build_plan_2025_small(path: Path) -> Path:
    """A small 2025-layout plan covering what the real fixture covers, and a bit more.

    Expected: areas 1, 2, 3, 6 with 3, 2, 0, 0 rows; one warning (sheet 1, row 5);
    the Instruktion and Analys sheets skipped.
    """
    unga = area_sheet_2025(
        "1. Unga i riskzon för destrukti",
        "Unga i riskzon för destruktivt beteende",
        [
            # Row 3-4: the problem cell is merged vertically, as in many real plans.
            [
                "Barn och unga",
                "Behov att kontinuerligt utbyta information om aktuella händelser.",
                "SSP: Nätverksmöten för skola, socialtjänst och polis.",
                "Genom samverkan få ökad kunskap om varandras områden.",
                "Möten 8 ggr/år (4 ggr/år mellan- och högstadiet och 4 ggr/år gymnasiet)",
                "Preventionssamordnare på stadsdelsförvaltningen är sammankallande.",
                "Målet är uppfyllt. Åtta möten har hållits under året.",
            ],
            [
                None,
                "Behov att arbeta med barn och ungdomar i skolmiljö.",
                "Skolbesök: polis och fältassistenter besöker skolorna.",
                8,
                "Linjearbete",
                "Polis och fältassistenter",
                "Målet är ej uppfyllt. Besöken kom i gång först i november.",
            ],
            # Row 5: partial, only När and Vem (like the fixture's sheet 5 row 4).
            [None, None, None, None, "Linjearbete", "Trygghetssamordnare informerar.", None],
            [None] * 7,  # row 6: empty
            [
                "Barn och unga",
                "Ny lagstiftning 2025:170 om skyldighet att lämna uppgifter.",
                "Rektor lämnar uppgift till polisen på begäran.",
                "Ökat informationsflöde från skolor.",
                dt.datetime(2025, 6, 30),
                "Alla skolor",
                "Pågår, rutin tas fram under hösten.",
            ],
        ],
        merges=["A3:A4"],
    )
    otrygga = area_sheet_2025(
        "2. Otrygga och brottsutsatta pl",
        "Otrygga och brottsutsatta platser",
        [
            [
                "Sammanställd lägesbild av trygghet",
                "Implementera ett systematiskt arbetssätt.",
                "EST (Effektiv samordning för trygghet)",
                "Ta fram beslutsunderlag.",
                "2 ggr/månad",
                "Trygghetssamordnaren\r\nplanerar och administrerar.",
                "Delvis uppfyllt: rapportörer finns i två av tre områden.",
            ],
            [
                "Förbättra utemiljön",
                "Behov av att förbättra den fysiska gatumiljön.",
                "Trygghetsvandring",
                "Förbättra utemiljön.",
                "2 ggr/år eller vid behov",
                "Stadsdelsförvaltningen tillsammans med polisen.",
                None,
            ],
        ],
        italic=False,  # like the fixture's area-6 sheet: guidance recognised by its text only
    )
    system = area_sheet_2025("3. Systemhotande brottslighet", "Systemhotande brottslighet", [])
    eget = area_sheet_2025(
        "6. Eget prioriterat område", "[Eget prioriterat område]", [], italic=False
    )
    analys = Sheet(
        "Analys",
        [
            ["Sammanställning över prioriterade områden"],
            [
                "Prioriterat område",
                "Antal problem",
                "Antal identifierade orsaker",
                "Antal åtgärder",
            ],
            # Deliberately wrong, like the real template (it counts the instruction row).
            ["Unga i riskzon för destruktivt beteende", 4, 4, 4],
            ["Otrygga och brottsutsatta platser", 3, 3, 3],
        ],
    )
    sheets = [instruction_sheet("Åtgärdsplan 2025 Kungsholmen"), unga, otrygga, system, eget]
    return write_workbook(path, [*sheets, analys])


# --------------------------------------------------------------------------- 2024 Järva


def build_plan_2024_jarva(path: Path) -> Path:
    """The Järva 2024 plan (seed 002) in the 2024 template.

    The area name sits only in the instruction row's first column; there is no problem
    and no goal column; follow-ups are filled in. Sheet names carry no number, so areas
    are numbered by order. The first sheet has a title row above the header; on the
    fourth the area-name cell is merged down over the data row.
    """
    titles = ["Unga i riskzon", "Otrygga platser", "Systemhotande", "Brottsoffer", "Kriminella"]
    sheets = [instruction_sheet("Åtgärdsplan 2024")]
    for index, (title, (area, italic, rows)) in enumerate(zip(titles, JARVA_2024, strict=True)):
        top: list[list[Any]] = []
        if index == 0:
            top = [["Åtgärdsplan 2024 – Järva"], []]
        header_row = len(top) + 1
        body = [[None, *row] for row in rows]
        sheet_rows = [*top, HEADERS_2024, [area, *INSTRUCTIONS_2024], *body]
        merges = []
        if index == 3:
            merges = [f"A{header_row + 1}:A{header_row + 1 + len(body)}"]
        # The instruction texts are italic in the third sheet only (as in the seed).
        italic_rows = {header_row + 1} if italic else set()
        sheets.append(Sheet(title, sheet_rows, italic_rows=italic_rows, merges=merges))
    return write_workbook(path, sheets)


# --------------------------------------------------------------------------- bad files


def write_corrupt(path: Path) -> Path:
    """A real .xlsx cut in half: a zip without its central directory."""
    tmp = path.with_suffix(".tmp.xlsx")
    build_plan_2025_small(tmp)
    data = tmp.read_bytes()
    tmp.unlink()
    path.write_bytes(data[: len(data) // 2])
    return path


def write_not_excel(path: Path) -> Path:
    """A text file with an .xlsx name."""
    path.write_text("Det här är ingen Excel-fil, bara text.\nÅtgärd;Orsak;När\n", encoding="utf-8")
    return path


_FREE = 0xFFFFFFFF
_END = 0xFFFFFFFE
_FATSECT = 0xFFFFFFFD
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _dir_entry(
    name: str, kind: int, *, left=_FREE, right=_FREE, child=_FREE, start=_END, size=0
) -> bytes:
    encoded = (name + "\0").encode("utf-16-le") if name else b""
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        encoded,
        len(encoded),
        kind,
        1,  # black
        left,
        right,
        child,
        b"\0" * 16,
        0,
        0,
        0,
        start,
        size,
    )


def write_cfb(path: Path, streams: dict[str, bytes]) -> Path:
    """A minimal OLE/CFB (v3) container holding `streams` (each padded to >= 4096 bytes).

    Excel stores password-protected workbooks this way (streams EncryptionInfo and
    EncryptedPackage); the old .xls format uses the same container with a Workbook stream.
    Streams are padded to the mini-stream cutoff so no mini FAT is needed.
    """
    sector = 512
    names = list(streams)
    assert 1 <= len(names) <= 3
    payloads = [data.ljust(4096, b"\0") for data in streams.values()]
    payloads = [p.ljust(-(-len(p) // sector) * sector, b"\0") for p in payloads]
    fat = [_FATSECT, _END]  # sector 0: FAT, sector 1: directory
    starts = []
    for p in payloads:
        n = len(p) // sector
        start = len(fat)
        starts.append(start)
        fat.extend(range(start + 1, start + n))
        fat.append(_END)
    assert len(fat) <= sector // 4
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat).ljust(sector, b"\xff")
    # Siblings form a (degenerate, all black) tree: each entry's right sibling is the next.
    entries = [_dir_entry("Root Entry", 5, child=1)]
    for i, (name, start, data) in enumerate(zip(names, starts, streams.values(), strict=True)):
        right = i + 2 if i + 1 < len(names) else _FREE
        entries.append(_dir_entry(name, 2, right=right, start=start, size=max(len(data), 4096)))
    while len(entries) < 4:
        entries.append(_dir_entry("", 0))
    directory = b"".join(entries)
    header = (
        _CFB_MAGIC
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, _END, 0, _END, 0)
        + struct.pack("<109I", 0, *([_FREE] * 108))
    )
    assert len(header) == sector
    path.write_bytes(header + fat_bytes + directory + b"".join(payloads))
    return path


def write_encrypted(path: Path) -> Path:
    """What Excel writes for a password-protected .xlsx (content is not real crypto)."""
    info = (
        b"\x04\x00\x04\x00\x40\x00\x00\x00"
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<encryption xmlns="http://schemas.microsoft.com/office/2006/encryption">'
        b'<keyData saltSize="16" blockSize="16" keyBits="256" hashSize="64" '
        b'cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512"/>'
        b"</encryption>"
    )
    return write_cfb(path, {"EncryptionInfo": info, "EncryptedPackage": b"\x17" * 5000})


def write_legacy_xls(path: Path) -> Path:
    """An old-format .xls lookalike: CFB with a Workbook stream."""
    return write_cfb(path, {"Workbook": b"\x09\x08\x10\x00\x00\x06\x05\x00"})


# --------------------------------------------------------------------------- LibreOffice

LIBREOFFICE_FORMATS = {
    "xlsx": "xlsx:Calc MS Excel 2007 XML",
    "ods": "ods",
    "xls": "xls:MS Excel 97",
    "csv": "csv:Text - txt - csv (StarCalc):59,34,76,1",
}


def build_plan_for_libreoffice(path: Path) -> Path:
    """A Nässjö-style one-sheet plan (seed 003) as a municipality keeps it in LibreOffice:
    title row merged across, an area column merged down, a bold header with a line break,
    frozen panes, an autofilter, a hidden old row and a total row.

    Expected after a LibreOffice round trip: areas "Lägesbild och analys" (2 rows) and
    "Medborgardialog" (2 rows); row 6 (hidden) warned; the total row left out.
    """
    rows: list[list[Any]] = [
        ["Plan för brottsförebyggande arbete 2025 – Nässjö kommun"],
        [],
        ["Nr", "Fokusområde", "Aktivitet", "Operativa\nmål", "Ansvar", "Tidsplan", "Status"],
        [
            "1.1",
            "Lägesbild och analys",
            "Gruppen för lägesbild/analys tar fram en lägesrapport.",
            "Lägesrapport till kommunstyrelsen varje tertial",
            "Säkerhetschef",
            "3 ggr/år",
            "Grön",
        ],
        [
            "1.2",
            None,
            "Utförlig lägesbild med orsaksanalys sammanställs.",
            "Underlag för åtgärdsplanen",
            "Grupp lägesbild",
            "Minst 1 gång/år",
            "Gul",
        ],
        ["1.3", None, "Gammal aktivitet från 2023", None, "Säkerhetschef", "2023", None],
        [
            "2.1",
            "Medborgardialog",
            "Medborgardialoger enligt SKR:s modell.",
            "Invånarnas synpunkter tas till vara",
            "Kommunledningskontoret",
            dt.datetime(2025, 10, 31),
            None,
        ],
        [
            "2.2",
            None,
            "Medborgarlöftena följs upp av presidiet och lokalpolisområdet.",
            "Löftena förnyas vart annat år",
            "Kommunstyrelsens presidium",
            "2 ggr/år",
            "Röd",
        ],
        ["Totalt", None, 4],
    ]

    def dress(ws: Any) -> None:
        ws.freeze_panes = "A4"
        ws.auto_filter.ref = "A3:G9"
        ws.column_dimensions["C"].width = 50

    sheet = Sheet(
        "Åtgärder 2025",
        rows,
        merges=["A1:G1", "B4:B6", "B7:B8"],
        bold_rows={1, 3},
        hidden_rows={6},
        setup=dress,
    )
    return write_workbook(path, [sheet])


def build_libreoffice_files(directory: Path = DATA_DIR) -> list[Path]:
    """The plan above saved by LibreOffice as .xlsx, .ods, .xls and .csv (needs `soffice`;
    run `python -m tests.reports.make_workbooks --libreoffice` where it is installed)."""
    import shutil
    import subprocess
    import tempfile

    soffice = shutil.which("soffice")
    if soffice is None:
        raise SystemExit("LibreOffice (soffice) is needed to write these files")
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        source = build_plan_for_libreoffice(Path(tmp) / "src" / "plan-libreoffice.xlsx")
        for suffix, target in LIBREOFFICE_FORMATS.items():
            out = Path(tmp) / suffix
            subprocess.run(
                [
                    soffice,
                    f"-env:UserInstallation={(Path(tmp) / 'profile').as_uri()}",
                    "--headless",
                    "--convert-to",
                    target,
                    "--outdir",
                    str(out),
                    str(source),
                ],
                check=True,
                capture_output=True,
                timeout=180,
            )
            converted = out / f"plan-libreoffice.{suffix}"
            written.append(Path(shutil.copy(converted, directory / converted.name)))
    return written


def build_all(directory: Path = DATA_DIR) -> list[Path]:
    """(Re)generate every committed test file."""
    directory.mkdir(parents=True, exist_ok=True)
    return [
        build_plan_2025_small(directory / "plan-2025-small.xlsx"),
        build_plan_2024_jarva(directory / "plan-2024-jarva.xlsx"),
        write_corrupt(directory / "corrupt.xlsx"),
        write_not_excel(directory / "not-excel.xlsx"),
        write_encrypted(directory / "encrypted.xlsx"),
    ]


# --------------------------------------------------------------------------- seed 002 data

# (area name, instruction row italic?, rows of (Orsak, Åtgärd, När, Vem, Uppföljning)),
# verbatim from seed 002 (the list markup in one follow-up turned into a line break).
JARVA_2024 = [
    (
        "Unga i riskzon för destruktivt beteende",
        False,
        [
            (
                "Nyrekrytering",
                "Fortsatt arbete med att få in de fristående skolorna i naven för "
                "effektivare samverkan",
                "Under året",
                "Avdelningschef IoF",
                "Målet är uppfyllt Fyra fristående skolor har deltagit i "
                "navsamverkan under året, framför allt två skolor som har deltagit "
                "vid alla möten. Deltagandet har möjliggjort strategisk samverkan "
                "mellan parterna. På sikt förväntas arbetssättet leda till stärkta "
                "förutsättningar och jämlika villkor för alla barn och unga i "
                "Järva stadsdelområde. Det kvarstår att reda ut ett antal "
                "frågeställningar, göra en risk- och behovsanalys och ta fram en "
                "implementeringsplan på kort och lång sikt innan beslut om att "
                "inkludera fristående skolor i befintliga nav kan fattas. Till "
                "dess försätter samverkan i befintlig form.",
            ),
            (
                "Nyrekrytering",
                "Utöka samverkansgruppen med representation från förskolan",
                "Under året",
                "Avdelningschef IoF",
                "Målet är uppfyllt Östra Tensta förskoleområde och centrala "
                "Spånga/Tensta förskoleområde har deltagit i navsamverkan under "
                "året (tenstanavet). Det syftar till att stärka samverkan mellan "
                "förskolan, skolan, polis och fritid för att identifiera och "
                "uppmärksamma yngre barn. På sikt förväntas detta leda till barn i "
                "riskzon upptäcks tidigare och får stöd och hjälp.",
            ),
            (
                "Nyrekrytering",
                "Förbättra samverkan för att identifiera D-aktörer",
                "Under året",
                "Avdelningschef IoF",
                "Målet är uppfyllt. Arbetet med att förbättra samverkan för att "
                "identifiera så kallade D-aktörer enligt polisens cylindermodell "
                "har genomförts enligt plan. En digital verktyglåda har utvecklats "
                "i syfte att öka kännedom och kunskap bland yrkesverksamma om "
                "förebyggande metoder och arbetssätt riktat till barn, unga och "
                "deras viktiga vuxna. Verktyglådan lanserades på en konferens som "
                "SVG unga i riskzon anordnade för samtliga navaktörer i syfte att "
                "öka professionernas kunskaper om förebyggande metoder och "
                "arbetssätt riktat till barn, unga och deras viktiga vuxna, risk- "
                "och skyddsfaktorer, tecken på nyrekrytering och hur en kan agera "
                "vid oro för barn som uppvisar normbrytande beteende. Resultatet "
                "visade att deltagarna fick ökade kunskaper om risk- och "
                "skyddsfaktorer för normbrytande beteende och tecken på "
                "nyrekrytering. Deltagarna gav positiv feedback på verktyglådan "
                "och uppgav att det är mycket positivt att samla det som behövs på "
                "samma ställe. En implementeringsplan har tagits fram och ska "
                "användas för att införa verktyglådan i verksamheterna genom de "
                "lokala områdesbaserade naven under 2025.",
            ),
            (
                "Nyrekrytering",
                "Genomföra pilotprojekt med ANDTS-coach",
                "Under året",
                "Avdelningschef IoF",
                "Målet är uppfyllt. Målet om att utbilda 80 ANDTS-coacher har "
                "uppnåtts. Utvärderingen visar att utbildade ANDTS-coacher känner "
                "sig tryggare i att prata om ANDTS och bemöta argument om "
                "cannabis, har ökade kunskaper om ANDTS för att arbeta "
                "förebyggande och koll på metoder/verktyg samt vet var de ska "
                "vända sig om de behöver hjälp eller stöd i frågor som rör ANDTS. "
                "Planen är att utveckla nätverket och boosterträffar för att "
                "kontinuerligt fylla på med kunskap bland utbildade ANDTS-coacher "
                "samt stötta coacherna i utvecklingen av verksamheternas "
                "förebyggande arbete.",
            ),
            (
                "Nyrekrytering",
                "Implementera en utvärderingsmodell för våldspreventiva utbildningar",
                "Under året",
                "Avdelningschef IoF",
                "Målet är ej uppfyllt Under året har diskussion förts hur för- och "
                "eftermätning av MVP kan ske, i dialog med "
                "utbildningsförvaltningen för att säkerställa genomförandet på "
                "samtliga skolor. För läsåret 2024-2025 har ingen förmätning "
                "skett. Detta startas upp för hösten 2025, vilket innebär att ett "
                "resultat kan redovisas våren 2026. Därtill behöver vi invänta mer "
                "information om organisationen MÅN:s arbete med att ta fram nya "
                "enkäter som kan användas vid förmätning av MVP. MÅN:s ambition är "
                "att den ska vara klar att användas under 2025.",
            ),
            (
                "Nyrekrytering",
                "Dialogmöten genomförs inom ramen för naven samt öppna dialogmöten "
                "tillsammans med ett antal IOP.",
                "Under året",
                "Avdelningschef IoF",
                "Målet är uppfyllt. Arbetet med så dialogmöten har fortlopt enligt "
                "plan. Två dialogmöten riktat mot föreningsaktiva och invånare har "
                "genomförts under året, i samverkan med civilsamhället. Det har "
                "initialt varit en utmaning att få invånare att delta, trots "
                "samverkan med civilsamhället. Årets sista dialogmöte var "
                "emellertid välbesökt och syftade till att öka nattvandrande "
                "föreningar och deras medlemmars kännedom och kunskap om "
                "nyrekrytering av barn och unga. Resultatet visar att deltagarna "
                "tyckte att det var bra och lärorikt. Inom ramen för de lokala "
                "områdesbaserade naven har 1 dialogmöten genomförts i Akalla, "
                "Husby, Kista, Rinekby och Tensta/hjulsta. Deltagandet har varit "
                "högt men kan öka ännu mer (23-70). Utvärdering visar att "
                "dialogmöten har bidragit till att skapa relation mellan föräldrar "
                "och deltagande verksamheter. Relevanta teman har kunnat lyftas "
                "utifrån aktuell problembild. Samtliga nav önskar att dialogmöten "
                "ska fortsatt planeras inom ramen för naven och att civilsamhället "
                "ska göras mer delaktigt. Den 2 december fattade SVG beslut om "
                "att:\n"
                "Inom ramen för navsamverkan genomföra 1-2 dialogmöten per år och "
                "område (ett dialogmöte med fokus på att bygga tillit och "
                "förtroende med festliga inslag och ett informativt möte runt ett "
                "tema). Dessa möten ska ha tydliga ramar och agenda. Föreningar i "
                "det geografiska området ska vara en samverkansaktör vid planering "
                "och genomförande. Utveckla en modell för utvärdering av "
                "dialogmöten.",
            ),
        ],
    ),
    (
        "Otrygga och brottsutsatta platser",
        False,
        [
            (
                "Otrygga brottsutsatta platser",
                "Ta del av inrapporterad data i stadens Tyck till-app i den operativa lägesbilden.",
                "Under året",
                "Avdelningschef administrativa avdelningen",
                "TK har ännu inte jobbat fram ett bra och enkelt sätt att veckovis "
                "kunna dela tyck till data till den operativa lägesbilden, men det "
                "är under arbete och en förhoppning att det ska vara möjligt "
                "framåt. Just nu delas tyck till data som berör stadsdelen till "
                "Enheten för stadsutveckling som då rapporterar i operativ "
                "lägesbild om det är aktuellt.",
            ),
            (
                "Otrygga brottsutsatta platser",
                "Öka antalet invånare som deltar i trygghetsinventeringar.",
                "Under året",
                "Avdelningschef administrativa invånareantaletningen",
                "Det har under året utförts totalt 11 trygghetsvandringar. Under "
                "hösten 2024 gjordes en stor stasning kring kommunikationen av att "
                "vandringarna skulle äga rum för att öka antalet deltagare, "
                "inbjudan skickades också ut till förvaltningens "
                "föreningsregister. Deltagandet på vandringarna under hösten ökade "
                "på samtliga platser. I Husby var det en ökning med ca 87 %, "
                "Rinkeby var det en ökning med ca 105 % och i Tensta en ökning med "
                "40 %. Övriga vandringar genomfördes bara en gång under året och "
                "kan därför inte jämföras mellan vår och höst.",
            ),
            (
                "Otrygga brottsutsatta platser",
                "Barn, kvinnor, äldre, personer med funktionsnedsättning är "
                "prioriterade målgrupper för inhämtning av synpunkter avseende "
                "trygghet i stadsdelsområdet.",
                "Under året",
                "Avdelningschef administrativa äldrekvinnorningen",
                "Under året har det bland annat hållits workshops för ca 300 "
                "ferieungdomar kring trygghet och inhämtning av deras synpunkter "
                "kring ämnet. Man har också möjliggjort för VoB, BSS och "
                "förvaltningens ungdomsverkasmheter att genomföra "
                "trygghetsvandringar på egen hand. Pensionärs- och "
                "funktionshinderrådet har också bjudits in till samtliga "
                "trygghetsvandringar. Man har även påbörjat ett arbete för "
                "tydligare samverkan med pensionärs- och funktionshinderrådet. Ett "
                "arbete har också påbörjats för att hitta nya metoder för att "
                "inkludera målgrupperna i trygghetsarbetet.",
            ),
            (
                "Otrygga brottsutsatta platser",
                "Rekrytera en samordnare för platssamverkan och trygghetsinventeringar.",
                "Under året",
                "Avdelningschef administrativa samordnareningen",
                "Samordnare rekryterades under början av 2024 och påbörjade sin tjänst i maj 2024.",
            ),
        ],
    ),
    (
        "Systemhotade brottslighet",
        True,
        [
            (
                "Otillåten påverkan",
                "Sprida information om otillåten påverkan till det lokala näringslivet.",
                "Under året",
                "HR-chef",
                "Målet är uppfyllt. Under året har ett visitkort med information "
                "om otillåten påverkan tagits fram och spridits i olika forum, "
                "såsom föreningsmässor, träffar med företagare och på "
                "Järvaveckan.",
            ),
            (
                "Välfärdsbrottslighet",
                "Intensifiera arbetet mot välfärdsbrottslighet.",
                "Under året",
                "HR-chef",
                "Målet är uppfyllt. Under året har den lokala "
                "samverkansöverenskommelsen reviderats och en ny samverkansgrupp "
                "har tagit form där deltagarna är utvalda för att just kunna "
                "intensifiera arbetet mot välfärdsbrottslighet. Samverkansgruppen "
                "är fortfarande i startgrupparna för arbetet.",
            ),
            (
                "Systemhotande brottslighet",
                "Revidera strukturen och innehållet i samverkansgruppen.",
                "Under året",
                "SÖK styrgrupp",
                "Målet är uppfyllt. Strukturen och innehållet i samverkansgruppen "
                "är reviderat utifrån att en ny lokal samverkansöverenskommelse "
                "beslutats under året.",
            ),
        ],
    ),
    (
        "Särskilt utsatta och sårbara brottsoffer",
        False,
        [
            (
                "Våld i nära relation",
                "Starta upp samverkansgrupp för samverkansområde våld i nära relation",
                "Under året",
                "SÖK styrgrupp",
                "Målet är uppfyllt. 2024-11-20 hölls första mötet för "
                "samverkansgrupp för våld i nära relationer och hedersrelaterat "
                "våld och förtryck. Uppstartsmötet kom överens om att SÖK:ens ska "
                "inbegripa arbetet mot hedersrelaterat våld och förtryck (HRV), "
                "att arbetet ska utgå ifrån en gemensam definition av våld och "
                "gemensam definition av målgrupper (utsatt för våld i nära "
                "relation, utsatt för HRV, utövare av våld samt våld i ungas "
                "relationer). Arbetet kommer fortsätta gällande utveckling av "
                "gemensamma nya arbetssätt.",
            )
        ],
    ),
    (
        "Kriminella miljöer och livsstilar",
        False,
        [
            (
                "Kriminella konflikter",
                "Stärka anhörigperspektivet.",
                "Under året",
                "Avdelningschef loF",
                "Målet är uppfyllt. Förvaltningens anhörigstöd har fortsatt för "
                "anhöriga till personer som har drabbats av skjutningar och "
                "dödligt våld där nio personer sökt insatsen under perioden. "
                "Förvaltningen ser en positiv utveckling gällande antalet som "
                "söker anhörigstöd då motsvarande siffra för 2023 var sex "
                "personer. Vidare har förvaltningen påbörjat ett utvecklingsarbete "
                "med ett antal förslag på förändringar i syfte att nå fler samt än "
                "mer kunna stärka stödet till målgruppen. Förändringarna innebär "
                "att identifiera trender för att tidigare ställa om vilket stöd "
                "som erbjuds samt erbjuda stöd till syskon till personer i "
                "kriminalitet. Ett första steg i arbetet var en översyn av "
                "förvaltningens befintliga insatser och skapa en gemensam "
                "verktygslåda i syfte att än mer kunna matcha rätt insats till "
                "rätt person.",
            ),
            (
                "Kriminella konflikter",
                "Stärka arbetsmarknadsperspektivet.",
                "Under året",
                "Avdelningschef loF",
                "Målet är uppfyllt Sociala insatsgruppen arbetar med "
                "arbetsmarknadsfrågor som en del i att stödja individen att lämna "
                "den kriminella miljön, detta genom en uppbyggd samverkan med "
                "Jobbtorg. En gemensam rutin mellan SIG vuxen och Jobbtorg unga "
                "Kista 19-29 och Jobbtorg Kista vux har tagits fram i syfte att "
                "tydliggöra ärendeflöden mellan verksamheterna. Som ett led i att "
                "säkerställa att förvaltningen har ett kunskapsbaserat arbetssätt "
                "utgår sociala insatsgruppen från risk-behovs- och "
                "mottaglighetsprincipen vid planering och genomförande av insatser "
                "för att förebygga återfall i brott, där sysselsättning är en "
                "del.",
            ),
            (
                "Våldsbejakande extremism",
                "Genomföra interna kompetenshöjande insatser inom våldsbejakande "
                "extremism bland medarbetare hos polisen.",
                "Under året",
                "Polisen",
                "Under året har all personal på LPO Järva, oavsett "
                "funktion/befattning genomgått en fördjupning utifrån den lokala "
                "problembilden med fokus på den våldsbejakande islamistiska "
                "extremismen. Det har skett i föreläsningsform på 2 - 3 timmar.",
            ),
        ],
    ),
]


if __name__ == "__main__":
    import sys

    build = build_libreoffice_files if "--libreoffice" in sys.argv else build_all
    for written in build():
        print(written)
