"""Detect Swedish personal identity numbers (personnummer and samordningsnummer).

The bot stores measures and aggregated facts, never individuals: text that contains an
identity number is refused before it reaches the database or a log, and the refusal
never repeats the number.

A match needs all of: one of the written forms (YYMMDD-NNNN, YYMMDD+NNNN, YYMMDDNNNN,
YYYYMMDDNNNN, YYYYMMDD-NNNN, or a space as separator), a real calendar date (for
samordningsnummer the day plus 60) and a valid Luhn check digit over the ten-digit form.
Together these keep false positives on dates, phone numbers, diarienummer, law
references and organisation numbers rare.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from models.errors import PersonalDataRefused

__all__ = ["MASK", "check_text", "contains_personal_number", "mask"]

# Not preceded by a digit (or by a digit plus separator: "123-850101-1234" is one longer
# number), not followed by a digit (or separator plus digit).
_CANDIDATE = re.compile(
    r"(?<!\d)(?<!\d[-+/.])"
    r"(?P<century>\d{2})?(?P<yy>\d{2})(?P<mm>\d{2})(?P<dd>\d{2})"
    r"[-+ ]?"
    r"(?P<serial>\d{3})(?P<check>\d)"
    r"(?!\d)(?![-/.]\d)"
)

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


def _matches(text: str) -> Iterator[re.Match[str]]:
    for m in _CANDIDATE.finditer(text):
        if not _date_ok(m["century"], m["yy"], m["mm"], m["dd"]):
            continue
        ten = m["yy"] + m["mm"] + m["dd"] + m["serial"] + m["check"]
        if _luhn_ok(ten):
            yield m


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
    for m in _matches(text):
        parts.append(text[last : m.start()])
        parts.append(MASK)
        last = m.end()
    if not parts:
        return text
    parts.append(text[last:])
    return "".join(parts)


def check_text(text: str, *, field: str | None = None) -> None:
    """Raise PersonalDataRefused (never echoing the number) if `text` holds one."""
    if contains_personal_number(text):
        raise PersonalDataRefused(REFUSAL_MESSAGE, field=field)
