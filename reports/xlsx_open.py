"""Open an uploaded file as an Excel workbook, or say in one Swedish line what it is instead.

People upload what they have: the old .xls, a CSV export, LibreOffice's .ods, a binary
.xlsb, a Word document, a PDF, a web page saved with an .xls name. Each gets a line that
names the file and tells what to do; nothing here logs or raises anything else.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from pathlib import Path
from typing import Any, NamedTuple

from models.errors import ImportFailed
from reports.xlsx_package import STRICT_MARK, tidy_package

_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SAVE_AS_XLSX = "Öppna den i Excel, spara den som Excel-arbetsbok (.xlsx) och försök igen."


def _not_a_workbook(name: str, what: str | None = None) -> ImportFailed:
    if what is None:
        return ImportFailed(
            f"Filen {name} är inte en Excel-arbetsbok (.xlsx). "
            "Spara planen som .xlsx och försök igen."
        )
    return ImportFailed(f"Filen {name} är {what}, inte en Excel-arbetsbok (.xlsx). {_SAVE_AS_XLSX}")


def _damaged(name: str) -> ImportFailed:
    return ImportFailed(
        f"Filen {name} är skadad och kan inte öppnas. "
        "Öppna den i Excel, spara en ny kopia och försök igen."
    )


def _from_cfb(name: str, data: bytes) -> ImportFailed:
    """Excel wraps password-protected .xlsx files in an OLE/CFB container with an
    EncryptionInfo stream; a CFB file with a Workbook stream is the old .xls format."""
    if "EncryptionInfo".encode("utf-16-le") in data:
        return ImportFailed(
            f"Filen {name} är lösenordsskyddad. Ta bort lösenordet i Excel och försök igen."
        )
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return ImportFailed(
            f"Filen {name} är i det gamla Excel-formatet (.xls). "
            "Spara den som .xlsx och försök igen."
        )
    if "WordDocument".encode("utf-16-le") in data:
        return _not_a_workbook(name, "ett Word-dokument")
    return ImportFailed(
        f"Filen {name} är lösenordsskyddad. Ta bort lösenordet i Excel och försök igen."
    )


def _from_text(name: str, data: bytes) -> ImportFailed:
    """A text file: a CSV export, or HTML/XML that older systems save under an .xls name."""
    head = data[:2000].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<html", b"<!doctype html", b"<table")) or b"<html" in head[:200]:
        return _not_a_workbook(name, "en webbsida (HTML)")
    if head.startswith(b"<?xml") or head.startswith(b"<"):
        return _not_a_workbook(name, "en XML-fil")
    return _not_a_workbook(name, "en textfil (till exempel CSV)")


def _looks_like_text(data: bytes) -> bool:
    sample = data[:4000]
    if b"\0" in sample:
        return False
    for encoding in ("utf-8", "cp1252"):
        try:
            sample.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


def _from_zip(name: str, members: set[str], mimetype: bytes) -> ImportFailed | None:
    """None when the zip is an Excel workbook; otherwise what it is instead."""
    if b"opendocument" in mimetype:
        return ImportFailed(
            f"Filen {name} är ett OpenDocument-kalkylark (.ods). "
            "Spara den som Excel-arbetsbok (.xlsx) och försök igen."
        )
    if "xl/workbook.bin" in members:
        return ImportFailed(
            f"Filen {name} är en binär Excel-arbetsbok (.xlsb). "
            "Spara den som Excel-arbetsbok (.xlsx) och försök igen."
        )
    if "xl/workbook.xml" in members or any(n.endswith("workbook.xml") for n in members):
        return None
    if "word/document.xml" in members:
        return _not_a_workbook(name, "ett Word-dokument")
    if "ppt/presentation.xml" in members:
        return _not_a_workbook(name, "en PowerPoint-presentation")
    if any(n.startswith("Index/") and n.endswith(".iwa") for n in members):
        return _not_a_workbook(name, "ett Numbers-dokument")
    return _not_a_workbook(name)


class OpenedWorkbook(NamedTuple):
    """The openpyxl workbook (values, not formulas) and, per sheet name, the cells whose
    formula was saved without its result (read as empty)."""

    wb: Any
    uncached: dict[str, list[str]]


def load_workbook(path: Path) -> OpenedWorkbook:
    """Open the workbook (.xlsx or .xlsm) or raise ImportFailed with one Swedish line."""
    import openpyxl  # local: keeps the pure modules importable without openpyxl

    name = path.name
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ImportFailed(f"Filen {name} finns inte.") from None
    except IsADirectoryError:
        raise ImportFailed(f"{name} är en mapp, inte en Excel-fil.") from None
    except OSError:
        raise ImportFailed(f"Filen {name} kunde inte läsas.") from None

    if not data:
        raise ImportFailed(f"Filen {name} är tom.")
    if data.startswith(_CFB_MAGIC):
        raise _from_cfb(name, data)
    if data.startswith(b"%PDF"):
        raise _not_a_workbook(name, "en PDF")
    if not data.startswith(b"PK"):
        raise _from_text(name, data) if _looks_like_text(data) else _not_a_workbook(name)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            members = set(zf.namelist())
            mimetype = zf.read("mimetype")[:100] if "mimetype" in members else b""
            workbook = zf.read("xl/workbook.xml")[:2000] if "xl/workbook.xml" in members else b""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError, KeyError):
        raise _damaged(name) from None
    refusal = _from_zip(name, members, mimetype)
    if refusal is not None:
        raise refusal
    try:
        package = tidy_package(data, strict=STRICT_MARK in workbook)
        # A file object, not the path: openpyxl rejects names without .xlsx, and uploads
        # are often stored under temporary names. Its warnings (unsupported extensions,
        # data validation) say nothing the user can act on.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(io.BytesIO(package.data), data_only=True)
        return OpenedWorkbook(wb, package.uncached)
    except Exception:  # openpyxl raises many unrelated types on broken XML
        raise _damaged(name) from None
