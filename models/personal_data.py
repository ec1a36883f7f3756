"""Detect Swedish personal identity numbers (personnummer and samordningsnummer).

The bot stores measures and aggregated facts, never individuals: text that contains an
identity number is refused before it reaches the database or a log, and the refusal
never repeats the number.

A match needs all of: one of the written forms (YYMMDD-NNNN, YYMMDD+NNNN, YYMMDDNNNN,
YYYYMMDDNNNN, YYYYMMDD-NNNN; any dash, a dot or spaces as separator; YYYY-MM-DD-NNNN; digits
of any script; invisible characters anywhere inside), a real calendar date (for
samordningsnummer the day plus 60) and a valid Luhn check digit over the ten-digit form.
Together these keep false positives on dates, phone numbers, diarienummer, law
references and organisation numbers rare.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator

from models.errors import PersonalDataRefused

__all__ = ["MASK", "check_text", "contains_personal_number", "mask"]

# Every dash people (and word processors) put between date and serial: hyphen, non-breaking
# hyphen, figure dash, en and em dash, minus sign, small and fullwidth hyphen-minus.
_DASH = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_D = re.escape(_DASH)

# Not preceded by a digit (or by a digit plus separator: "123-850101-1234" is one longer
# number), not followed by a digit (or separator plus digit). Between date and serial: nothing,
# a dash or "+" (spaces around it allowed), a dot, or one or two spaces of any kind (a
# no-break space, or a line break where the number was wrapped). The date's own parts may be
# split by a dash or dot ("1981-12-28-9876"), but only before a dash or "+": "2025-04-30 0830"
# is a date and a time.
_CANDIDATE = re.compile(
    rf"(?<!\d)(?<!\d[{_D}+/.])"
    rf"(?P<century>\d{{2}})?(?P<yy>\d{{2}})(?P<ds>[{_D}.]?)(?P<mm>\d{{2}})(?P=ds)(?P<dd>\d{{2}})"
    rf"(?P<sep>\s{{0,2}}[{_D}+]\s{{0,2}}|\s{{1,2}}|\.)?"
    r"(?P<serial>\d{3})(?P<check>\d)"
    rf"(?!\d)(?![{_D}/.]\d)"
)


def _format_characters() -> str:
    """Invisible characters: format characters (Unicode category Cf: zero-width spaces and
    joiners, word joiner, soft hyphen, bidi marks) and control characters that are not white
    space. Pasted or typed inside a number they hide it from a pattern while the reader still
    sees the number (and bot.textsafety.clean_text drops the controls before storing), so
    detection looks through them."""
    chars = (chr(c) for c in (*range(0x10000), *range(0xE0000, 0xE0080)))
    return "".join(
        ch
        for ch in chars
        if unicodedata.category(ch) == "Cf"
        or (unicodedata.category(ch) == "Cc" and not ch.isspace())
    )


_INVISIBLE = re.compile("[" + re.escape(_format_characters()) + "]")
_DASH_OR_PLUS = re.compile(rf"[{_D}+]")

REFUSAL_MESSAGE = (
    "Texten verkar innehålla ett personnummer eller samordningsnummer, så den sparades inte. "
    "Boten får inte lagra uppgifter som pekar ut enskilda personer: de kan omfattas av "
    "sekretess, och det som delas med andra organisationer kan bli allmän handling. "
    "Beskriv situationen utan att identifiera personen, till exempel "
    "”en elev i årskurs 8 på skolan” i stället för namn eller personnummer."
)


def _luhn_ok(digits: str) -> bool:
    """Luhn check over a ten-digit number (weights 2,1,2,1,… from the left)."""
    total = 0
    for i, ch in enumerate(digits):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _date_ok(century: str | None, yy: str, mm: str, dd: str) -> bool:
    """Is this a real birth date? Samordningsnummer add 60 to the day."""
    month = int(mm)
    day = int(dd)
    if day > 60:
        day -= 60
    if not 1 <= month <= 12 or day < 1:
        return False
    # Without century the number is ambiguous; accept if the date exists in either.
    years = [int(century + yy)] if century is not None else [1900 + int(yy), 2000 + int(yy)]
    for year in years:
        try:
            dt.date(year, month, day)
        except ValueError:
            continue
        return True
    return False


def _matches(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) in `text` of every valid number, invisible characters looked through."""
    positions: list[int] | None = None
    if _INVISIBLE.search(text):
        positions = [i for i, ch in enumerate(text) if not _INVISIBLE.match(ch)]
        seen = "".join(text[i] for i in positions)
    else:
        seen = text
    for m in _CANDIDATE.finditer(seen):
        if m["ds"] and not _DASH_OR_PLUS.search(m["sep"] or ""):
            continue  # "2025-04-30 0830": a date with its parts split needs a dash or "+"
        if not _date_ok(m["century"], m["yy"], m["mm"], m["dd"]):
            continue
        ten = m["yy"] + m["mm"] + m["dd"] + m["serial"] + m["check"]
        if not _luhn_ok(ten):
            continue
        if positions is None:
            yield m.start(), m.end()
        else:
            yield positions[m.start()], positions[m.end() - 1] + 1


def contains_personal_number(text: str) -> bool:
    """True if `text` contains something that is a valid personnummer/samordningsnummer."""
    if not text:
        return False
    # finditer does not overlap; a rejected 12-digit candidate could hide a 10-digit
    # one, but the lookbehind already forbids starting inside a digit run, so it cannot.
    return next(_matches(text), None) is not None


MASK = "[personnummer]"


def mask(text: str) -> str:
    """`text` with every personal identity number replaced, for anything shown or logged."""
    if not text or not any(ch.isdigit() for ch in text):
        return text
    parts: list[str] = []
    last = 0
    for start, end in _matches(text):
        parts.append(text[last:start])
        parts.append(MASK)
        last = end
    if not parts:
        return text
    parts.append(text[last:])
    return "".join(parts)


def check_text(text: str, *, field: str | None = None) -> None:
    """Raise PersonalDataRefused (never echoing the number) if `text` holds one."""
    if contains_personal_number(text):
        raise PersonalDataRefused(REFUSAL_MESSAGE, field=field)
