"""Tests for reminders.calendar: Swedish working days, tertials, formatting, meetings."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.errors import ParseError, ValidationError
from reminders.calendar import (
    TZ,
    SchoolHoliday,
    default_school_holidays,
    example_meeting_day,
    format_date,
    format_datetime,
    format_time,
    is_working_day,
    iso_week_label,
    next_working_day,
    parse_period,
    period_end,
    period_label,
    previous_working_day,
    spread_meetings,
    tertial_end,
    tertial_of,
    working_day_on_or_after,
    working_days_before,
)

# --------------------------------------------------------------------------- working days

NON_WORKING_2025 = [
    date(2025, 1, 1),  # nyårsdagen
    date(2025, 1, 6),  # trettondedag jul
    date(2025, 4, 18),  # långfredagen
    date(2025, 4, 20),  # påskdagen (Sunday)
    date(2025, 4, 21),  # annandag påsk
    date(2025, 5, 1),  # första maj
    date(2025, 5, 29),  # Kristi himmelfärdsdag
    date(2025, 6, 6),  # nationaldagen
    date(2025, 6, 20),  # midsommarafton (de facto)
    date(2025, 6, 21),  # midsommardagen
    date(2025, 12, 24),  # julafton (de facto)
    date(2025, 12, 25),  # juldagen
    date(2025, 12, 26),  # annandag jul
    date(2025, 12, 31),  # nyårsafton (de facto)
    date(2025, 4, 26),  # Saturday
    date(2025, 4, 27),  # Sunday
]
WORKING_2025 = [
    date(2025, 1, 2),
    date(2025, 4, 17),  # skärtorsdagen is a normal working day
    date(2025, 4, 22),
    date(2025, 4, 30),  # valborgsmässoafton too
    date(2025, 5, 28),
    date(2025, 5, 30),  # klämdag, still a working day
    date(2025, 6, 5),
    date(2025, 6, 19),
    date(2025, 12, 23),
    date(2025, 12, 29),
]


@pytest.mark.parametrize("d", NON_WORKING_2025)
def test_non_working_days(d: date) -> None:
    assert not is_working_day(d)


@pytest.mark.parametrize("d", WORKING_2025)
def test_working_days(d: date) -> None:
    assert is_working_day(d)


@pytest.mark.parametrize(
    "eve", [date(2024, 6, 21), date(2026, 6, 19), date(2027, 6, 25), date(2020, 6, 19)]
)
def test_midsummer_eve_other_years(eve: date) -> None:
    assert eve.weekday() == 4
    assert not is_working_day(eve)
    assert is_working_day(eve - timedelta(days=1))


def test_datetime_is_accepted() -> None:
    assert not is_working_day(datetime(2025, 6, 6, 9, 0))


@pytest.mark.parametrize(
    ("d", "n", "expected"),
    [
        (date(2025, 4, 22), 0, date(2025, 4, 22)),
        (date(2025, 4, 21), 0, date(2025, 4, 17)),  # annandag påsk -> skärtorsdagen
        (date(2025, 4, 22), 1, date(2025, 4, 17)),  # across the Easter weekend
        (date(2025, 4, 22), 2, date(2025, 4, 16)),
        (date(2025, 5, 5), 1, date(2025, 5, 2)),  # over a weekend
        (date(2025, 5, 2), 1, date(2025, 4, 30)),  # over första maj
        (date(2025, 5, 12), 5, date(2025, 5, 5)),
        (date(2025, 6, 23), 1, date(2025, 6, 19)),  # over midsommar
        (date(2026, 1, 7), 3, date(2025, 12, 30)),  # over trettondagen, nyår and jul
        (date(2025, 4, 26), 0, date(2025, 4, 25)),  # Saturday -> Friday
    ],
)
def test_working_days_before(d: date, n: int, expected: date) -> None:
    assert working_days_before(d, n) == expected


def test_working_days_before_rejects_negative() -> None:
    with pytest.raises(ValueError):
        working_days_before(date(2025, 4, 22), -1)


def test_next_and_previous_working_day() -> None:
    assert next_working_day(date(2025, 4, 17)) == date(2025, 4, 22)
    assert next_working_day(date(2025, 4, 22)) == date(2025, 4, 23)
    assert next_working_day(date(2025, 12, 23)) == date(2025, 12, 29)
    assert previous_working_day(date(2025, 4, 22)) == date(2025, 4, 17)
    assert working_day_on_or_after(date(2025, 4, 22)) == date(2025, 4, 22)
    assert working_day_on_or_after(date(2025, 6, 20)) == date(2025, 6, 23)


@settings(max_examples=200, deadline=None)
@given(
    d=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    n=st.integers(min_value=1, max_value=40),
)
def test_working_days_before_property(d: date, n: int) -> None:
    result = working_days_before(d, n)
    assert is_working_day(result)
    assert result < d
    between = [result + timedelta(days=i) for i in range((d - result).days)]
    assert sum(is_working_day(x) for x in between) == n


@settings(max_examples=100, deadline=None)
@given(d=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)))
def test_next_working_day_property(d: date) -> None:
    nxt = next_working_day(d)
    assert nxt > d and is_working_day(nxt)
    assert not any(is_working_day(d + timedelta(days=i)) for i in range(1, (nxt - d).days))


# --------------------------------------------------------------------------- tertials


@pytest.mark.parametrize(
    ("d", "t"),
    [
        (date(2025, 1, 1), 1),
        (date(2025, 4, 30), 1),
        (date(2025, 5, 1), 2),
        (date(2025, 8, 31), 2),
        (date(2025, 9, 1), 3),
        (date(2025, 12, 31), 3),
    ],
)
def test_tertial_of(d: date, t: int) -> None:
    assert tertial_of(d) == t


def test_tertial_end_and_label() -> None:
    assert tertial_end(2025, 1) == date(2025, 4, 30)
    assert tertial_end(2025, 2) == date(2025, 8, 31)
    assert tertial_end(2025, 3) == date(2025, 12, 31)
    assert period_label(2025, 1) == "2025-T1"
    with pytest.raises(ValueError):
        tertial_end(2025, 4)
    with pytest.raises(ValueError):
        period_label(2025, 0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-T1", (2025, 1)),
        ("T2", (2024, 2)),
        ("t3", (2024, 3)),
        ("2025T1", (2025, 1)),
        ("2025t2", (2025, 2)),
        (" 2026 - T3 ", (2026, 3)),
        ("T1 2025", (2025, 1)),
        ("tertial 2", (2024, 2)),
        ("2025/T3", (2025, 3)),
    ],
)
def test_parse_period(text: str, expected: tuple[int, int]) -> None:
    assert parse_period(text, 2024) == expected


@pytest.mark.parametrize("text", ["", "T4", "2025-T0", "Q1", "2025", "T", "hej", "25-T1", "T1T2"])
def test_parse_period_rejects(text: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_period(text, 2025)
    assert "T" in info.value.message


def test_parse_period_without_year() -> None:
    with pytest.raises(ParseError, match="år"):
        parse_period("T1", None)


def test_period_end() -> None:
    assert period_end("2025-T1") == date(2025, 4, 30)
    assert period_end("2025-T2") == date(2025, 8, 31)
    assert period_end("T3", 2024) == date(2024, 12, 31)
    with pytest.raises(ParseError):
        period_end("T3")


@given(year=st.integers(min_value=1900, max_value=2999), tertial=st.integers(1, 3))
def test_period_label_round_trips(year: int, tertial: int) -> None:
    assert parse_period(period_label(year, tertial), 2000) == (year, tertial)


# --------------------------------------------------------------------------- formatting


def test_iso_week_label() -> None:
    assert iso_week_label(date(2025, 4, 30)) == "v. 18"
    assert iso_week_label(date(2024, 12, 30)) == "v. 1"
    assert iso_week_label(date(2021, 1, 3)) == "v. 53"


def test_format_date_and_time() -> None:
    assert format_date(date(2025, 4, 30)) == "2025-04-30"
    assert format_time(time(8, 30)) == "08.30"
    assert format_time(time(17, 5, 59)) == "17.05"
    assert format_datetime(datetime(2025, 4, 30, 8, 30)) == "2025-04-30 08.30"
    # Summer time: UTC+2
    assert format_datetime(datetime(2025, 4, 30, 6, 30, tzinfo=UTC)) == "2025-04-30 08.30"
    # Winter time: UTC+1; late UTC evening is already the next day in Stockholm
    assert format_datetime(datetime(2025, 1, 31, 23, 30, tzinfo=UTC)) == "2025-02-01 00.30"
    assert format_date(datetime(2025, 1, 31, 23, 30, tzinfo=UTC)) == "2025-02-01"


@pytest.mark.parametrize(
    ("utc", "local"),
    [
        # Spring forward 2025-03-30: 02.00 CET -> 03.00 CEST (01:00 UTC)
        (datetime(2025, 3, 30, 0, 30, tzinfo=UTC), "2025-03-30 01.30"),
        (datetime(2025, 3, 30, 0, 59, tzinfo=UTC), "2025-03-30 01.59"),
        (datetime(2025, 3, 30, 1, 0, tzinfo=UTC), "2025-03-30 03.00"),
        (datetime(2025, 3, 30, 6, 30, tzinfo=UTC), "2025-03-30 08.30"),
        # Fall back 2025-10-26: 03.00 CEST -> 02.00 CET (01:00 UTC); 02.30 happens twice
        (datetime(2025, 10, 26, 0, 30, tzinfo=UTC), "2025-10-26 02.30"),
        (datetime(2025, 10, 26, 1, 30, tzinfo=UTC), "2025-10-26 02.30"),
        (datetime(2025, 10, 26, 7, 30, tzinfo=UTC), "2025-10-26 08.30"),
        (datetime(2025, 10, 25, 6, 30, tzinfo=UTC), "2025-10-25 08.30"),
    ],
)
def test_format_across_dst(utc: datetime, local: str) -> None:
    assert format_datetime(utc) == local
    assert format_time(utc) == local[-5:]


def test_format_time_converts_other_zones() -> None:
    aware = datetime(2025, 6, 1, 8, 30, tzinfo=TZ)
    assert format_time(aware) == "08.30"
    assert format_time(aware.astimezone(UTC)) == "08.30"


# --------------------------------------------------------------------------- school holidays


def test_default_school_holidays_2025() -> None:
    by_name: dict[str, list[SchoolHoliday]] = {}
    for h in default_school_holidays(2025):
        assert h.start <= h.end
        by_name.setdefault(h.name, []).append(h)
    assert set(by_name) == {"sportlov", "påsklov", "sommarlov", "höstlov", "jullov"}
    assert by_name["sportlov"][0] == SchoolHoliday(date(2025, 2, 24), date(2025, 3, 2), "sportlov")
    assert by_name["påsklov"][0].start == date(2025, 4, 21)  # annandag påsk
    assert by_name["påsklov"][0].end == date(2025, 4, 27)
    assert by_name["höstlov"][0].start == date(2025, 10, 27)  # v. 44
    assert by_name["sommarlov"][0].contains(date(2025, 7, 15))
    assert not by_name["sommarlov"][0].contains(date(2025, 8, 20))
    jul = sorted(by_name["jullov"], key=lambda h: h.start)
    assert jul[0].contains(date(2025, 1, 3))
    assert jul[1].contains(date(2025, 12, 22)) and jul[1].contains(date(2026, 1, 6))


# --------------------------------------------------------------------------- spreading


def _in_holiday(d: date, hs: list[SchoolHoliday]) -> bool:
    return any(h.contains(d) for h in hs)


def test_spread_eight_meetings_2025() -> None:
    hs = default_school_holidays(2025)
    got = spread_meetings(2025, 8, school_holidays=hs)
    assert len(got) == 8
    assert got == sorted(set(got))
    for d in got:
        assert d.year == 2025
        assert is_working_day(d)
        assert not _in_holiday(d, hs)
    # Evenly spread, about 1.5 months apart; the meeting that would fall in the
    # summer holiday moves to mid-August, closer to the next one.
    assert len({d.month for d in got}) == 8
    gaps = [(b - a).days for a, b in pairwise(got)]
    assert min(gaps) >= 14 and max(gaps) <= 75


def test_spread_without_school_holidays_is_exact_slices() -> None:
    got = spread_meetings(2025, 4)
    # Ideal dates are the middles of four ~91-day slices (Sat 15 Feb, Sat 17 May,
    # Sun 17 Aug, Sun 16 Nov); each moves to the nearest working day.
    assert got == [date(2025, 2, 14), date(2025, 5, 16), date(2025, 8, 18), date(2025, 11, 17)]


def test_spread_moves_forward_on_tie() -> None:
    # The ideal day is Kristi himmelfärdsdag (Thu 29 May); Wed and Fri are equally
    # near and Friday wins.
    got = spread_meetings(2025, 1, start=date(2025, 5, 27), end=date(2025, 5, 31))
    assert got == [date(2025, 5, 30)]


def test_spread_with_preferred_weekday() -> None:
    got = spread_meetings(2025, 4, weekday=1, school_holidays=default_school_holidays(2025))
    assert len(got) == 4
    assert all(d.weekday() == 1 for d in got)


def test_spread_weekday_falls_back_when_too_few() -> None:
    # One week holds a single Tuesday; three meetings must use other days.
    got = spread_meetings(2025, 3, start=date(2025, 5, 5), end=date(2025, 5, 9), weekday=1)
    assert got == [date(2025, 5, 5), date(2025, 5, 7), date(2025, 5, 9)]


def test_spread_in_range() -> None:
    got = spread_meetings(2025, 3, start=date(2025, 8, 1), end=date(2025, 12, 31))
    assert all(date(2025, 8, 1) <= d <= date(2025, 12, 31) for d in got)


def test_spread_edge_cases() -> None:
    assert spread_meetings(2025, 0) == []
    with pytest.raises(ValueError):
        spread_meetings(2025, -1)
    with pytest.raises(ValueError):
        spread_meetings(2025, 1, weekday=7)
    with pytest.raises(ValidationError):
        spread_meetings(2025, 1, start=date(2025, 5, 1), end=date(2025, 4, 1))
    # 2025-06-20..22: midsommarafton, midsommardagen, Sunday
    with pytest.raises(ValidationError) as refused:
        spread_meetings(2025, 1, start=date(2025, 6, 20), end=date(2025, 6, 22))
    assert refused.value.message == (
        "Det finns bara 0 möjliga mötesdagar mellan 2025-06-20 och 2025-06-22, men 1 möte"
        " behövs. Ange datumen själv i stället, till exempel `/atgard mote planera 2025-06-20`."
    )
    # all 5 working days of a week can be used
    week = spread_meetings(2025, 5, start=date(2025, 5, 5), end=date(2025, 5, 9))
    assert week == [date(2025, 5, d) for d in range(5, 10)]


@st.composite
def _windows(draw: st.DrawFn) -> tuple[date, date]:
    start = draw(st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31)))
    length = draw(st.integers(min_value=0, max_value=400))
    return start, start + timedelta(days=length)


@settings(max_examples=150, deadline=None)
@given(
    count=st.integers(min_value=1, max_value=50),
    window=st.one_of(st.none(), _windows()),
    with_holidays=st.booleans(),
    weekday=st.one_of(st.none(), st.integers(min_value=0, max_value=4)),
)
def test_spread_property(
    count: int, window: tuple[date, date] | None, with_holidays: bool, weekday: int | None
) -> None:
    first, last = window or (date(2025, 1, 1), date(2025, 12, 31))
    hs = default_school_holidays(first.year) + default_school_holidays(last.year)
    holidays_used = hs if with_holidays else []
    usable = [
        first + timedelta(days=i)
        for i in range((last - first).days + 1)
        if is_working_day(first + timedelta(days=i))
        and not _in_holiday(first + timedelta(days=i), holidays_used)
    ]
    kwargs = {"start": first, "end": last} if window else {}
    if len(usable) < count:
        with pytest.raises(ValidationError):
            spread_meetings(2025, count, school_holidays=holidays_used, weekday=weekday, **kwargs)
        return
    got = spread_meetings(2025, count, school_holidays=holidays_used, weekday=weekday, **kwargs)
    assert len(got) == count
    assert got == sorted(set(got))
    for d in got:
        assert first <= d <= last
        assert is_working_day(d)
        assert not _in_holiday(d, holidays_used)
    if weekday is not None and sum(d.weekday() == weekday for d in usable) >= count:
        assert all(d.weekday() == weekday for d in got)


@given(count=st.integers(min_value=1, max_value=12))
def test_spread_is_roughly_even(count: int) -> None:
    got = spread_meetings(2025, count)
    ideal_gap = 365 / count
    for a, b in pairwise(got):
        # Moving to a working day shifts a date by at most a few days.
        assert abs((b - a).days - ideal_gap) <= 6


@pytest.mark.parametrize(
    ("today", "example"),
    [
        (date(2025, 4, 22), "2025-04-30"),  # Tuesday: Wednesday of next week
        (date(2025, 4, 30), "2025-05-07"),  # a Wednesday: a week on
        (date(2025, 12, 15), "2025-12-29"),  # julafton is a Wednesday: the next working day
        (date(2026, 12, 2), "2026-12-09"),
    ],
)
def test_the_example_meeting_day_is_a_working_day_ahead(today: date, example: str) -> None:
    """Hints show a day the user could plan ("mote planera 2025-04-30"), never one gone by."""
    assert example_meeting_day(today) == example
