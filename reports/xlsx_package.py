"""Tidy an .xlsx package before openpyxl reads it, working on the zip's XML as bytes.

What real files do that openpyxl handles badly:
- Formatting stretches a sheet's used range: borders or a fill applied down to row
  1 048 576 or across to column XFD are written as empty, styled cells, and openpyxl builds
  an object for every one (a million rows take minutes). Rows below the last cell that
  holds a value, and empty cells right of the last column that holds one, say nothing
  about the plan: they are dropped before parsing.
- Excel's "Strict Open XML Spreadsheet" is the same format under other namespace names,
  which openpyxl does not know (it finds no sheets). They are renamed to the usual ones.
- Charts, pictures, shapes, pivot tables, comments and hyperlinks say nothing about the
  plan, yet one chart from a newer Excel with a value openpyxl does not know makes it
  refuse the whole workbook. The sheets' links to them are dropped.
- Files written by programs rather than by Excel or LibreOffice can hold formulas without
  their result (Excel computes it when it opens the file). openpyxl reads such a cell as
  empty, so the cells are listed here for the reader to say so.
"""

from __future__ import annotations

import io
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from functools import cache

from openpyxl.utils.cell import column_index_from_string

from reports.xlsx_layout import HEADER_SCAN_COLS

# Strict namespace -> the transitional one (ECMA-376 part 1 against part 4); a prefix of
# the relationship types too (".../relationships/worksheet").
_STRICT_NAMESPACES = (
    (b"http://purl.oclc.org/ooxml/spreadsheetml/main", b"spreadsheetml/2006/main"),
    (
        b"http://purl.oclc.org/ooxml/officeDocument/relationships",
        b"officeDocument/2006/relationships",
    ),
    (
        b"http://purl.oclc.org/ooxml/officeDocument/extendedProperties",
        b"officeDocument/2006/extended-properties",
    ),
    (
        b"http://purl.oclc.org/ooxml/officeDocument/customProperties",
        b"officeDocument/2006/custom-properties",
    ),
    (
        b"http://purl.oclc.org/ooxml/officeDocument/docPropsVTypes",
        b"officeDocument/2006/docPropsVTypes",
    ),
    (b"http://purl.oclc.org/ooxml/drawingml/main", b"drawingml/2006/main"),
    (
        b"http://purl.oclc.org/ooxml/drawingml/spreadsheetDrawing",
        b"drawingml/2006/spreadsheetDrawing",
    ),
    (b"http://purl.oclc.org/ooxml/drawingml/chart", b"drawingml/2006/chart"),
    (b"http://purl.oclc.org/ooxml/drawingml/picture", b"drawingml/2006/picture"),
)
_TRANSITIONAL_BASE = b"http://schemas.openxmlformats.org/"
STRICT_MARK = _STRICT_NAMESPACES[0][0]

# Elements may carry a namespace prefix (<x:row>) where generators write one.
_PREFIX = rb"(?:[A-Za-z_][\w.-]*:)?"
_SHEET_DATA = re.compile(rb"<" + _PREFIX + rb"sheetData\b[^>]*?(/?)>")
_SHEET_DATA_END = re.compile(rb"</" + _PREFIX + rb"sheetData\s*>")
# A saved value or an inline string: what makes a cell hold something. A formula whose
# result is empty text (=IF(D5="";"";…) filled down a column) holds nothing.
_VALUE = re.compile(rb"<" + _PREFIX + rb"v>[^<]|<" + _PREFIX + rb"is[\s>]")
_ROW_END = re.compile(rb"</" + _PREFIX + rb"row\s*>|<" + _PREFIX + rb"row\b[^>]*/>")
_OPEN_CELL = re.compile(rb"<" + _PREFIX + rb'c\b[^>]*?\br="([A-Z]{1,3})\d+"[^>]*?(?<!/)>')
_EMPTY_CELL = re.compile(rb"<" + _PREFIX + rb'c\b[^>]*?\br="([A-Z]{1,3})\d+"[^>]*/>')


# A sheet's links to parts the importer never reads (relationship types by their last word).
_UNREAD_RELATIONSHIP = re.compile(
    rb"<" + _PREFIX + rb'Relationship\b[^>]*?\bType="[^"]*/'
    rb'(?:drawing|vmlDrawing|comments|pivotTable|image|hyperlink)"[^>]*?/>'
)
_UNREAD_ELEMENT = re.compile(
    rb"<" + _PREFIX + rb"(?:drawing|legacyDrawing|legacyDrawingHF|picture)\b[^>]*?/>"
    rb"|<(?P<p>" + _PREFIX + rb")hyperlinks\b.*?</(?P=p)hyperlinks\s*>",
    re.S,
)
_CELL = re.compile(
    rb"<"
    + _PREFIX
    + rb'c\b([^>]*?)\br="([A-Z]{1,3}\d+)"([^>]*?)(?<!/)>(.*?)</'
    + _PREFIX
    + rb"c\s*>",
    re.S,
)
_FORMULA = re.compile(rb"<" + _PREFIX + rb"f[\s/>]")
_RESULT = re.compile(rb"<" + _PREFIX + rb"v(?:\s[^>]*)?(?:/>|>([^<]*)<)")
_TEXT_TYPE = re.compile(rb'\bt="(?:str|s|inlineStr|e)"')


@dataclass
class Package:
    """The bytes for openpyxl, and per sheet name the cells (``"D7"``) whose formula has no
    saved result."""

    data: bytes
    uncached: dict[str, list[str]] = field(default_factory=dict)


def _uncached_cells(body: bytes) -> list[str]:
    """Cells of a sheet's data whose formula has no result saved with it. An empty result
    of a text formula (=IF(A1="";"";…)) is a result."""
    if b"f>" not in body and b"<f " not in body and b":f " not in body:
        return []
    found: list[str] = []
    for m in _CELL.finditer(body):
        content = m.group(4)
        if not _FORMULA.search(content):
            continue
        result = _RESULT.search(content)
        if result is not None and (
            (result.group(1) or b"").strip() or _TEXT_TYPE.search(m.group(1) + m.group(3))
        ):
            continue
        found.append(m.group(2).decode("ascii"))
    return found


def _sheet_names(parts: dict[str, bytes]) -> dict[str, str]:
    """Worksheet part ("xl/worksheets/sheet1.xml") -> the sheet's name in the workbook."""
    try:
        workbook = ET.fromstring(parts["xl/workbook.xml"])
        rels = ET.fromstring(parts["xl/_rels/workbook.xml.rels"])
    except (KeyError, ET.ParseError):
        return {}
    targets = {rel.get("Id"): rel.get("Target") or "" for rel in rels}
    names: dict[str, str] = {}
    for sheet in workbook.iter():
        if not str(sheet.tag).endswith("}sheet"):
            continue
        rel_id = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
        target = targets.get(rel_id, "")
        if not target:
            continue
        part = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        names[posixpath.normpath(part)] = sheet.get("name") or ""
    return names


@cache
def _column(letters: bytes) -> int:
    return column_index_from_string(letters.decode("ascii"))


def _trim_sheet(xml: bytes) -> bytes:
    """The sheet without the rows below its last value and the empty cells right of the
    last column with a value (never left of the columns the reader scans)."""
    start = _SHEET_DATA.search(xml)
    if start is None or start.group(1):
        return xml
    end = _SHEET_DATA_END.search(xml, start.end())
    if end is None:
        return xml
    last = None
    for last in _VALUE.finditer(xml, start.end(), end.start()):  # noqa: B007
        pass
    cut = start.end()
    if last is not None:
        row_end = _ROW_END.search(xml, last.end(), end.start())
        cut = row_end.end() if row_end is not None else end.start()
    body = xml[start.end() : cut]
    widest = max((_column(m.group(1)) for m in _OPEN_CELL.finditer(body)), default=0)
    limit = max(widest, HEADER_SCAN_COLS)
    body = _EMPTY_CELL.sub(lambda m: b"" if _column(m.group(1)) > limit else m.group(0), body)
    tail = _UNREAD_ELEMENT.sub(b"", xml[end.start() :])
    return xml[: start.end()] + body + tail


def _transitional(data: bytes) -> bytes:
    for strict, transitional in _STRICT_NAMESPACES:
        data = data.replace(strict, _TRANSITIONAL_BASE + transitional)
    return data


def tidy_package(data: bytes, *, strict: bool) -> Package:
    """The package with its sheets trimmed (and Strict names made transitional; the same
    bytes when nothing changed), and the cells whose formula has no saved result."""
    changed = False
    parts: dict[str, bytes] = {}
    uncached: dict[str, list[str]] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            part = zf.read(info.filename)
            tidied = part
            if strict and info.filename.endswith((".xml", ".rels")):
                tidied = _transitional(tidied)
            if info.filename.endswith(".rels") and "sheets/_rels/" in info.filename:
                tidied = _UNREAD_RELATIONSHIP.sub(b"", tidied)
            if "worksheets/" in info.filename and info.filename.endswith(".xml"):
                tidied = _trim_sheet(tidied)
                if cells := _uncached_cells(tidied):
                    uncached[info.filename] = cells
            changed = changed or tidied != part
            parts[info.filename] = tidied
    names = _sheet_names(parts) if uncached else {}
    by_sheet = {names[part]: cells for part, cells in uncached.items() if part in names}
    if not changed:
        return Package(data, by_sheet)
    out = io.BytesIO()
    # Stored, not deflated: the copy lives in memory only and is read once.
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        for name, part in parts.items():
            zf.writestr(name, part)
    return Package(out.getvalue(), by_sheet)
