"""Tests for models.personal_data: personnummer / samordningsnummer detection."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from models.errors import PersonalDataRefused, ValidationError
from models.personal_data import MASK, check_text, contains_personal_number, mask


def luhn_digit(nine: str) -> str:
    """Check digit for the first nine digits (independent of the module's code)."""
    total = 0
    for i, ch in enumerate(nine):
        product = int(ch) * (2 - i % 2)
        total += product // 10 + product % 10
    return str((10 - total % 10) % 10)


def render(date: dt.date, serial: int, form: str, *, coordination: bool = False) -> str:
    """A personnummer for `date` and `serial` in one of the written forms."""
    day = date.day + (60 if coordination else 0)
    short = f"{date:%y%m}{day:02d}"
    nine = f"{short}{serial:03d}"
    tail = f"{serial:03d}{luhn_digit(nine)}"
    century = f"{date.year // 100:02d}"
    return {
        "YYMMDD-NNNN": f"{short}-{tail}",
        "YYMMDD+NNNN": f"{short}+{tail}",
        "YYMMDD NNNN": f"{short} {tail}",
        "YYMMDDNNNN": f"{short}{tail}",
        "YYYYMMDDNNNN": f"{century}{short}{tail}",
        "YYYYMMDD-NNNN": f"{century}{short}-{tail}",
        "YYYYMMDD NNNN": f"{century}{short} {tail}",
    }[form]


FORMS = [
    "YYMMDD-NNNN",
    "YYMMDD+NNNN",
    "YYMMDD NNNN",
    "YYMMDDNNNN",
    "YYYYMMDDNNNN",
    "YYYYMMDD-NNNN",
    "YYYYMMDD NNNN",
]


# --------------------------------------------------------------------------- examples


@pytest.mark.parametrize(
    "text",
    [
        "811228-9874",  # Skatteverket's example number
        "8112289874",
        "811228+9874",
        "811228 9874",
        "198112289874",
        "19811228-9874",
        "19811228 9874",
        "Eleven (pnr 811228-9874) har flyttat.",
        "personnummer:811228-9874.",
        "Se 19811228-9874, tack",
    ],
)
def test_known_number_in_every_form(text: str) -> None:
    assert contains_personal_number(text)


def test_samordningsnummer_day_plus_60() -> None:
    number = render(dt.date(1990, 3, 15), 123, "YYMMDD-NNNN", coordination=True)
    assert number.startswith("900375-")
    assert contains_personal_number(f"Samordningsnummer {number}")


def test_leap_day() -> None:
    assert contains_personal_number(render(dt.date(2000, 2, 29), 42, "YYYYMMDD-NNNN"))
    assert contains_personal_number(render(dt.date(1996, 2, 29), 42, "YYMMDDNNNN"))
    # 1900 was no leap year: with the century given, the date does not exist.
    nine = "000229042"
    assert not contains_personal_number(f"19000229-042{luhn_digit(nine)}")


@pytest.mark.parametrize(
    "text",
    [
        "811228-9875",  # wrong check digit
        "19811228-9875",
        "123-811228-9874",  # part of a longer number
        "811228-98745",
        "1811228-9874",
        "811228-9874-1",
    ],
)
def test_near_misses(text: str) -> None:
    assert not contains_personal_number(text)


@pytest.mark.parametrize(
    "date_part",
    [
        "811328",  # month 13
        "810028",  # month 0
        "811232",  # day 32
        "811200",  # day 0
        "811292",  # day 92: beyond the samordningsnummer range
        "810231",  # 31 February
        "810229",  # 1981 was no leap year (neither was 2081)
        "812000",  # organisation number style: month 20
    ],
)
def test_invalid_date_with_valid_check_digit(date_part: str) -> None:
    number = f"{date_part}-987{luhn_digit(date_part + '987')}"
    assert not contains_personal_number(number)
    assert not contains_personal_number(number.replace("-", ""))


NOT_PERSONAL = [
    "2025-04-30",
    "20250430",
    "Mötet är 2025-04-30 kl. 08.30.",
    "2025-04-01 – 2025-04-30",
    "2025-04-01-2025-04-30",
    "20250401-20250430",
    "20250401 – 20250430",
    "v. 18, 2025",
    "08-508 08 000",
    "08-50808000",
    "070-123 45 67",
    "070 123 45 67",
    "+46 70 123 45 67",
    "+46701234567",
    "0046 8 508 08 000",
    "KS 2025/1234",
    "Dnr 2025-00123",
    "Dnr KS 2024/1357-2",
    "SDN 2025-00412-1.2.1",
    "1 250 000 kr",
    "1250000 kr",
    "12 500 000,50 kr",
    "Lag (2023:196) om kommuners ansvar för brottsförebyggande arbete",
    "2025:170",
    "SFS 2009:400",
    "Org.nr 212000-0142",
    "212000-0142",
    "2120000142",
    "556036-0793",
    "Postnummer 112 21 Stockholm",
    "11221",
    "kl. 08.30–16.00",
    "08:30-16:00",
    "Möten 8 ggr/år (4 ggr/år mellan- och högstadiet och 4 ggr/år gymnasiet)",
    "2 ggr/månad",
    "Tertial 1 2025 (2025-01-01 – 2025-04-30)",
    "Ärende 123456",
    "Fakturanr 9876543210",
    "IBAN SE45 5000 0000 0583 9825 7466",
    "Bankgiro 5050-1055",
    "Plusgiro 90 20 01-0",
    "ISBN 978-91-7697-123-4",
    "Version 1.2.3.4567",
    "2024-11-20 hölls första mötet",
    "Under läsåret 2024-2025 ingen förmätning",
    "Kista 19-29",
    "23-70 deltagare",
]


@pytest.mark.parametrize("text", NOT_PERSONAL)
def test_realistic_non_personal_strings(text: str) -> None:
    assert not contains_personal_number(text)
    check_text(text)  # does not raise


def test_empty_text() -> None:
    assert not contains_personal_number("")
    check_text("")


# --------------------------------------------------------------------------- check_text


def test_check_text_refuses_without_echoing() -> None:
    number = "811228-9874"
    with pytest.raises(PersonalDataRefused) as info:
        check_text(f"Pojken {number} har varit inblandad", field="follow_up")
    exc = info.value
    assert isinstance(exc, ValidationError)
    assert exc.field == "follow_up"
    message = exc.message
    for fragment in (number, "8112289874", "811228", "9874"):
        assert fragment not in message
    assert not any(ch.isdigit() for ch in message.replace("årskurs 8", ""))
    # Says why and how to rephrase, in Swedish.
    assert "personnummer" in message
    assert "sekretess" in message
    assert "allmän handling" in message
    assert "Beskriv situationen" in message
    assert "\n" not in message


def test_check_text_field_defaults_to_none() -> None:
    with pytest.raises(PersonalDataRefused) as info:
        check_text("19811228-9874")
    assert info.value.field is None


# --------------------------------------------------------------------------- properties

WORDS = [
    "eleven",
    "skolan",
    "socialtjänsten",
    "polisen",
    "har",
    "anmält",
    "oro",
    "för",
    "pojken",
    "med",
    "personnummer",
    "på",
    "mötet",
    "i",
    "Järva",
    "åtgärd",
    "uppföljning",
    "SSP",
    "EST:",
    "–",
    "(se",
    "nedan)",
    "så",
    "att",
    "ärendet",
    "följs",
    "upp",
]

dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2025, 12, 31))
serials = st.integers(min_value=0, max_value=999)
forms = st.sampled_from(FORMS)
filler = st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join)
# Free text without digits (a digit next to the number would make it a longer number).
free_text = st.text(alphabet=st.characters(blacklist_categories=("Nd", "Cs")), max_size=40)
openers = st.sampled_from(["", " ", "(", "pnr: ", "nr ", "\n", "\t", "”"])
closers = st.sampled_from(["", " ", ")", ".", ",", ";", "\n", "!", "”"])


@given(dates, serials, forms, st.booleans(), filler, filler, openers, closers)
def test_every_valid_number_is_found(
    date: dt.date,
    serial: int,
    form: str,
    coordination: bool,
    before: str,
    after: str,
    opener: str,
    closer: str,
) -> None:
    number = render(date, serial, form, coordination=coordination)
    text = f"{before} {opener}{number}{closer} {after}"
    assert contains_personal_number(text)
    with pytest.raises(PersonalDataRefused) as info:
        check_text(text)
    assert number not in info.value.message


@given(dates, serials, forms, st.booleans(), free_text, free_text)
def test_found_in_arbitrary_text(
    date: dt.date, serial: int, form: str, coordination: bool, before: str, after: str
) -> None:
    number = render(date, serial, form, coordination=coordination)
    assert contains_personal_number(f"{before} {number} {after}")


@given(dates, serials, forms, st.booleans(), filler, filler, st.integers(1, 9))
def test_wrong_check_digit_is_not_found(
    date: dt.date,
    serial: int,
    form: str,
    coordination: bool,
    before: str,
    after: str,
    delta: int,
) -> None:
    number = render(date, serial, form, coordination=coordination)
    wrong = number[:-1] + str((int(number[-1]) + delta) % 10)
    assert not contains_personal_number(f"{before} {wrong} {after}")


@given(
    st.integers(min_value=0, max_value=9_999_999_999),
    st.integers(min_value=1, max_value=8),
)
def test_longer_digit_runs_are_not_matched(value: int, extra: int) -> None:
    # A 10-digit candidate embedded in a run of 11+ digits is never a personnummer,
    # unless the run is exactly 12 digits (the century form) - excluded here.
    run = f"{value:010d}" + "7" * extra
    assume(len(run) != 12)
    assert not contains_personal_number(f"Nr {run} gäller")


# --------------------------------------------------------------------------- how people write it

NUMBER = "811228-9874"  # Skatteverket's example number


@pytest.mark.parametrize(
    "written",
    [
        "811228–9874",  # en dash (Word's autocorrect)
        "811228—9874",  # em dash
        "811228−9874",  # minus sign
        "811228‑9874",  # non-breaking hyphen
        "811228－9874",  # fullwidth hyphen-minus
        "811228 - 9874",
        "811228\u00a09874",  # no-break space
        "811228\u202f9874",  # narrow no-break space
        "811228\u20099874",  # thin space
        "811228  9874",
        "811228\t9874",
        "811228\n9874",  # wrapped where it was pasted from
        "811228.9874",
        "19811228–9874",
        "1981-12-28-9874",
        "81-12-28-9874",
        "1981.12.28-9874",
        "81.12.28+9874",
        "8112\u200b28-9874",  # zero-width space
        "81122\u200c8-9874",  # zero-width non-joiner
        "811228\u200d-9874",  # zero-width joiner
        "8112\u206028-9874",  # word joiner
        "8112\u00ad28-9874",  # soft hyphen
        "\u2066811228-9874\u2069",  # bidi isolates around it
        "８１１２２８-９８７４",  # fullwidth digits
        "٨١١٢٢٨-٩٨٧٤",  # Arabic-Indic digits
    ],
)
def test_the_ways_people_write_it(written: str) -> None:
    text = f"Eleven {written} har flyttat"
    assert contains_personal_number(text)
    masked = mask(text)
    assert masked.replace("\u2066", "").replace("\u2069", "") == f"Eleven {MASK} har flyttat"
    assert not any(ch.isdigit() for ch in masked)


@given(
    dates,
    serials,
    forms,
    st.booleans(),
    st.sampled_from(["\u200b", "\u200c", "\u200d", "\u2060", "\u00ad", "\ufeff"]),
    st.lists(st.integers(min_value=1, max_value=12), min_size=1, max_size=4),
)
def test_invisible_characters_inside_do_not_hide_it(
    date: dt.date, serial: int, form: str, coordination: bool, hidden: str, cuts: list[int]
) -> None:
    number = render(date, serial, form, coordination=coordination)
    spliced = number
    for cut in sorted({min(c, len(number) - 1) for c in cuts}, reverse=True):
        spliced = spliced[:cut] + hidden + spliced[cut:]
    text = f"Se {spliced}."
    assert contains_personal_number(text)
    assert mask(text) == f"Se {MASK}."


def _time_after_date(date_text: str) -> str:
    """A time written without a dot after an ISO date, whose digits pass the Luhn check."""
    digits = date_text.replace("-", "")[2:] + "083"
    return f"{date_text} 083{luhn_digit(digits)}"


@pytest.mark.parametrize(
    "text",
    [
        _time_after_date("2025-04-30"),  # a date and a time, Luhn-valid by chance
        _time_after_date("2025-11-03"),
        "2025-04-30 08.30",
        "2025-04-30 kl. 08.30",
        "2025-04-30 – 2025-05-30",
        "Dnr 2025-04-30-1234-5",
        "Org.nr 212000–0142",
        "Org.nr 556036 0793",
        "Telefon 08–508 08 508",
        "Tel. 08 508 08 508",
        "Belopp: 12 000 kr, 1 250 000 kr",
        "Postnummer 112 21",
        "KS 2024/1234",
    ],
)
def test_new_separators_do_not_catch_ordinary_text(text: str) -> None:
    assert not contains_personal_number(text)
    assert mask(text) == text
