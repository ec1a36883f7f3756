"""More "När" wordings from Swedish plans: school years, breaks given as weeks or named after
their months ("juli undantagen"), Christmas across the new year, windows of weeks and named
occasions ("vår och höst"). Each is checked field by field and by what it does downstream:
pace, what is expected by a day, and where reminders and meetings fall."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import select

from bot.config import Settings
from bot.db import SessionFactory
from handlers.router import help_reply
from models.errors import ParseError
from models.progress import Standing, measure_states
from models.tables import Group, Measure, Occurrence, Plan, PlannedMeeting
from reminders.calendar import default_school_holidays
from reminders.digest import build_digest
from reminders.planner import ensure_meeting_calendar, plan_reminders
from reminders.rhythm import (
    OVERRIDE_HELP,
    SCHOOL_HOLIDAYS,
    Pace,
    RhythmKind,
    expected_by,
    pace,
    pace_text,
    parse_override,
    parse_when,
)
from tests.reminders.support import Bound, rows, utc

K = RhythmKind
ALL = (1.0,) * 12
JULY = (1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0)
JULY_AUGUST = (1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0)
SUMMER = (1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.0, 0.5, 1.0, 1.0, 1.0, 1.0)
MARCH_JUNE = (0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
MAY_AUGUST = (0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0)
JUNE_AUGUST = (0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0)
# The terms as "under läsåret" splits the year: the summer holiday is mid-June to mid-August.
SPRING_TERM = (1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
AUTUMN_TERM = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.5, 1.0, 1.0, 1.0, 1.0)


@dataclass(frozen=True)
class Want:
    """The fields a wording must give; None: not checked."""

    kind: RhythmKind
    per_year: float | None = None
    rate: float | None = None
    label: str | None = None
    active: tuple[float, ...] | None = None
    holidays: tuple[str, ...] | None = None
    weeks: tuple[tuple[int, ...], ...] | None = None
    deadline: date | None = None
    start: date | None = None
    minimum: bool = False
    as_needed: bool = False


RECURRING_TABLE: list[tuple[str, Want]] = [
    # A day of the week, or the weekend: once a week (night walks, youth centre evenings).
    ("Varje fredag", Want(K.RECURRING, 52, label="1 gång/vecka")),
    ("Fredagar", Want(K.RECURRING, 52)),
    ("Nattvandring fredagar och lördagar", Want(K.RECURRING, 52)),
    ("Fredagskvällarna", Want(K.RECURRING, 52)),
    ("Varje helg", Want(K.RECURRING, 52)),
    ("Helger", Want(K.RECURRING, 52)),
    ("varannan fredag", Want(K.RECURRING, 26, label="Varannan vecka")),
    ("varje fredag utom juli", Want(K.RECURRING, 48, 52, "1 gång/vecka utom juli", JULY)),
    # Once a school year.
    ("läsårsvis", Want(K.RECURRING, 1, label="1 gång/år")),
    ("Varje läsår", Want(K.RECURRING, 1)),
    ("1 gång per läsår", Want(K.RECURRING, 1)),
    # At each term start; the autumn term's alone is once a year.
    ("vid terminsstart", Want(K.RECURRING, 2)),
    ("Vid varje terminsstart", Want(K.RECURRING, 2)),
    ("vid höstterminsstart", Want(K.RECURRING, 1)),
    ("Terminsstart", Want(K.RECURRING, 2)),
    ("varje vecka från terminsstart", Want(K.RECURRING, 52)),  # the count comes first
    # A break named after its months.
    (
        "2 ggr/mån, juli undantagen",
        Want(K.RECURRING, 22, 24, "2 ggr/månad utom juli", JULY, (), ()),
    ),
    (
        "varje månad, juli och augusti undantagna",
        Want(K.RECURRING, 10, 12, "1 gång/månad utom juli och augusti", JULY_AUGUST),
    ),
    ("2 ggr/mån, med undantag av juli", Want(K.RECURRING, 22, 24, active=JULY)),
    ("2 ggr/mån, undantaget juli", Want(K.RECURRING, 22, 24, active=JULY)),
    ("2 ggr/mån utom juli/augusti", Want(K.RECURRING, 20, 24, active=JULY_AUGUST)),
    # A summer break with its months is those months.
    (
        "varje månad, sommaruppehåll juli–augusti",
        Want(K.RECURRING, 10, 12, "1 gång/månad utom juli och augusti", JULY_AUGUST),
    ),
    # A break given as ISO weeks: 35 days of 2025 (30 June–3 August) off, 52 × 330/365 = 47.
    (
        "varje vecka, uppehåll v. 27–31",
        Want(K.RECURRING, 47, 52, "1 gång/vecka utom v. 27–31", ALL, (), ((27, 31),)),
    ),
    ("Varje vecka, uppehåll vecka 27-31", Want(K.RECURRING, 47, 52, weeks=((27, 31),))),
    ("1 gång/vecka utom veckorna 27 till 31", Want(K.RECURRING, 47, 52, weeks=((27, 31),))),
    ("1 gång/vecka, ej v. 44", Want(K.RECURRING, 51, 52, "1 gång/vecka utom v. 44")),
    # ... and over the new year: weeks 51, 52 and 1, 2.
    (
        "Varje vecka, uppehåll v. 51–2",
        Want(K.RECURRING, 48, 52, "1 gång/vecka utom v. 51–2", weeks=((51, 2),)),
    ),
    # Christmas and New Year are the jullov (21 December–6 January).
    (
        "varje vecka, ej jul/nyår",
        Want(K.RECURRING, 50, 52, "1 gång/vecka utom jullov", ALL, ("jullov",), ()),
    ),
    ("varje vecka utom jul och nyår", Want(K.RECURRING, 50, 52, holidays=("jullov",))),
    ("Varje vecka, ej julhelgen", Want(K.RECURRING, 50, 52, holidays=("jullov",))),
    ("varje vecka utom mellandagarna", Want(K.RECURRING, 50, 52, holidays=("jullov",))),
    ("2 ggr/mån utom jul", Want(K.RECURRING, 23, 24, "2 ggr/månad utom jullov", ALL)),
    # The summer and "the other" school holidays: all of them.
    (
        "2 ggr/mån utom sommaren och övriga skollov",
        Want(K.RECURRING, 17, 24, "2 ggr/månad utom skollov", SUMMER, SCHOOL_HOLIDAYS),
    ),
    ("varje vecka utom loven", Want(K.RECURRING, 38, 52, holidays=SCHOOL_HOLIDAYS)),
    ("Varannan vecka utom lov", Want(K.RECURRING, 19, 26, holidays=SCHOOL_HOLIDAYS)),
    # During the school year: the summer is the break.
    (
        "2 ggr/mån under läsåret",
        Want(K.RECURRING, 20, 24, "2 ggr/månad utom sommaren", SUMMER, ()),
    ),
    # A window of weeks: 17 weeks from 18 August to 14 December.
    (
        "varje vecka (v. 34–50)",
        Want(K.RECURRING, 17, 52, "1 gång/vecka v. 34–50", ALL, (), ((51, 33),)),
    ),
    ("varje vecka v. 34-50", Want(K.RECURRING, 17, 52, weeks=((51, 33),))),
    (
        "1 gång/vecka v. 2-23 och v. 34-50",
        Want(K.RECURRING, 39, 52, "1 gång/vecka v. 2–23 och v. 34–50"),
    ),
    (
        "Varje vecka v. 34–50 utom höstlov",
        Want(K.RECURRING, 16, 52, "1 gång/vecka v. 34–50 utom höstlov", holidays=("höstlov",)),
    ),
    # A count per year in a window keeps its count.
    ("4 ggr/år v. 10–20", Want(K.RECURRING, 4, None, "4 ggr/år v. 10–20")),
    # Named occasions: each one is a time a year.
    ("vår och höst", Want(K.RECURRING, 2, label="2 ggr/år")),
    ("Höst och vår", Want(K.RECURRING, 2)),
    ("varje vår och höst", Want(K.RECURRING, 2)),
    ("vår- och hösttermin", Want(K.RECURRING, 2)),
    ("VT och HT", Want(K.RECURRING, 2)),
    ("en gång på våren och en gång på hösten", Want(K.RECURRING, 2)),
    # Named weeks are when it happens: nothing is expected between them.
    (
        "v. 10 och v. 40",
        Want(K.RECURRING, 2, None, "2 ggr/år v. 10 och v. 40", weeks=((11, 39), (41, 9))),
    ),
    ("vecka 10 och vecka 40", Want(K.RECURRING, 2, label="2 ggr/år v. 10 och v. 40")),
    ("2 ggr/år, v. 10 och v. 40", Want(K.RECURRING, 2, label="2 ggr/år v. 10 och v. 40")),
    # ... but not for a weekly count: those are extras, not the only weeks.
    ("varje vecka, extra pass v. 10 och v. 40", Want(K.RECURRING, 52, weeks=())),
    ("mars och september", Want(K.RECURRING, 2)),
    ("mars, juni, september och december", Want(K.RECURRING, 4)),
    ("vår och höst, vid behov", Want(K.RECURRING, 2, as_needed=True)),
    # Already read before; kept here so the list of common phrasing stays whole.
    ("varannan vecka", Want(K.RECURRING, 26)),
    ("var tredje vecka", Want(K.RECURRING, 52 / 3)),
    ("en gång per termin", Want(K.RECURRING, 2)),
    ("kvartalsvis", Want(K.RECURRING, 4)),
    ("varje kvartal", Want(K.RECURRING, 4)),
    ("månadsvis", Want(K.RECURRING, 12)),
    ("1 ggr/mån", Want(K.RECURRING, 12)),
    ("två gånger per år", Want(K.RECURRING, 2)),
    ("3-4 ggr/år", Want(K.RECURRING, 3, minimum=True, label="Minst 3 ggr/år")),
    ("3–4 ggr/år", Want(K.RECURRING, 3, minimum=True)),
    ("minst 6 ggr per år", Want(K.RECURRING, 6, minimum=True)),
    # Every third year and so on reads in words, not "0,33 ggr/år".
    ("vart tredje år", Want(K.RECURRING, 1 / 3, label="Vart tredje år")),
    ("var 10:e år", Want(K.RECURRING, 0.1, label="Vart tionde år")),
    ("vartannat år", Want(K.RECURRING, 0.5, label="Vartannat år")),
]

# A start is no deadline: the work runs from it. Alone it is ongoing work from the start;
# with a count, a rhythm paced from the start (a count per month or week counts only the
# months from it: 2 a month from March is 20 this year). A start with an end is a window.
START_TABLE: list[tuple[str, Want]] = [
    (
        "Start 2025-03-01",
        Want(K.ONGOING, label="Linjearbete från 2025-03-01", start=date(2025, 3, 1)),
    ),
    (
        "Startar i mars",
        Want(K.ONGOING, label="Linjearbete från 2025-03-01", start=date(2025, 3, 1)),
    ),
    ("från och med mars", Want(K.ONGOING, start=date(2025, 3, 1))),
    ("Fr.o.m. mars", Want(K.ONGOING, start=date(2025, 3, 1))),
    ("fr.o.m. v. 10", Want(K.ONGOING, label="Linjearbete från 2025-03-03", start=date(2025, 3, 3))),
    ("från v. 10", Want(K.ONGOING, start=date(2025, 3, 3))),
    ("Start HT25", Want(K.ONGOING, start=date(2025, 8, 1))),
    ("Från hösten 2025", Want(K.ONGOING, start=date(2025, 8, 1))),
    ("Med start i april", Want(K.ONGOING, start=date(2025, 4, 1))),
    ("from 1 september", Want(K.ONGOING, start=date(2025, 9, 1))),
    ("Påbörjas under hösten", Want(K.ONGOING, start=date(2025, 8, 1))),
    # The spring starts on the plan year's first day: work all year. So does a start
    # before the plan year, while one after it waits.
    ("Påbörjas under våren", Want(K.ONGOING, label="Linjearbete")),
    ("Start 2024-09-01", Want(K.ONGOING, label="Linjearbete")),
    ("Startar 2026-03-01", Want(K.ONGOING, start=date(2026, 3, 1))),
    ("Linjearbete från och med 2025-09-01", Want(K.ONGOING, start=date(2025, 9, 1))),
    (
        "Vid behov fr.o.m. april",
        Want(K.ONGOING, label="Vid behov från 2025-04-01", start=date(2025, 4, 1), as_needed=True),
    ),
    # A count from a start.
    (
        "2 ggr/mån från och med mars",
        Want(K.RECURRING, 20, 24, "2 ggr/månad från 2025-03-01", start=date(2025, 3, 1)),
    ),
    (
        "8 ggr/år, start i mars",
        Want(K.RECURRING, 8, None, "8 ggr/år från 2025-03-01", start=date(2025, 3, 1)),
    ),
    (
        "Varje vecka fr.o.m. v. 10 utom juli",
        Want(
            K.RECURRING,
            39,
            52,
            "1 gång/vecka utom juli från 2025-03-03",
            JULY,
            start=date(2025, 3, 3),
        ),
    ),
    (
        "2 ggr/mån utom juli, med start i april",
        Want(
            K.RECURRING,
            16,
            24,
            "2 ggr/månad utom juli från 2025-04-01",
            JULY,
            start=date(2025, 4, 1),
        ),
    ),
    ("Varannan vecka från 15 augusti", Want(K.RECURRING, 10, 26, start=date(2025, 8, 15))),
    ("1 gång/vecka (från v. 34)", Want(K.RECURRING, 19, 52, start=date(2025, 8, 18))),
    ("Start: mars", Want(K.ONGOING, start=date(2025, 3, 1))),
    (
        "Uppstart i mars, därefter 1 gång/månad",
        Want(K.RECURRING, 10, 12, "1 gång/månad från 2025-03-01", start=date(2025, 3, 1)),
    ),
    (
        "4 ggr/år (start Q2)",
        Want(K.RECURRING, 4, None, "4 ggr/år från 2025-04-01", start=date(2025, 4, 1)),
    ),
    # A start meeting is an event, not a start.
    ("Startmöte i mars", Want(K.ONE_OFF, deadline=date(2025, 3, 31), start=date(2025, 3, 1))),
    # A start and an end: a window, due at its end, or the weeks a rhythm runs in.
    (
        "Varje vecka från och med v. 34 till v. 50",
        Want(K.RECURRING, 17, 52, "1 gång/vecka v. 34–50", weeks=((51, 33),)),
    ),
    (
        "Från 2025-03-01 till 2025-06-30",
        Want(K.ONE_OFF, deadline=date(2025, 6, 30), start=date(2025, 3, 1)),
    ),
    (
        "Start 2025-03-01, klart 2025-06-30",
        Want(K.ONE_OFF, deadline=date(2025, 6, 30), start=date(2025, 3, 1)),
    ),
    ("från mars till juni", Want(K.ONE_OFF, deadline=date(2025, 6, 30), start=date(2025, 3, 1))),
]

OTHER_TABLE: list[tuple[str, Want]] = [
    # A school year runs from the autumn term to the spring term.
    ("läsåret 25/26", Want(K.ONE_OFF, deadline=date(2026, 6, 30), start=date(2025, 8, 1))),
    ("Läsåret 2025/2026", Want(K.ONE_OFF, deadline=date(2026, 6, 30), start=date(2025, 8, 1))),
    ("läsår 2025/26", Want(K.ONE_OFF, deadline=date(2026, 6, 30), start=date(2025, 8, 1))),
    ("LÅ 24/25", Want(K.ONE_OFF, deadline=date(2025, 6, 30), start=date(2024, 8, 1))),
    # Before the summer: when the summer holiday starts, not at its end.
    ("före sommaren", Want(K.ONE_OFF, deadline=date(2025, 6, 14))),
    ("inför sommaren", Want(K.ONE_OFF, deadline=date(2025, 6, 14))),
    ("till sommaren 2026", Want(K.ONE_OFF, deadline=date(2026, 6, 14))),
    ("sommaren", Want(K.ONE_OFF, deadline=date(2025, 8, 31), start=date(2025, 6, 1))),
    # By the term start: the end of the summer holiday.
    ("senast terminsstart", Want(K.ONE_OFF, deadline=date(2025, 8, 15))),
    ("Klart till höstterminsstarten", Want(K.ONE_OFF, deadline=date(2025, 8, 15))),
    # Neighbours in a list are one period, not occasions.
    ("maj och juni", Want(K.ONE_OFF, deadline=date(2025, 6, 30), start=date(2025, 5, 1))),
    (
        "juni, juli och augusti",
        Want(K.ONE_OFF, deadline=date(2025, 8, 31), start=date(2025, 6, 1)),
    ),
    ("v. 10 och v. 11", Want(K.ONE_OFF, deadline=date(2025, 3, 16), start=date(2025, 3, 3))),
    # So are a season and a month in it, and a list after "senast".
    ("hösten, december", Want(K.ONE_OFF, deadline=date(2025, 12, 31), start=date(2025, 12, 1))),
    ("senast mars och september", Want(K.ONE_OFF, deadline=date(2025, 9, 30))),
    # A break's weeks and months are no deadline.
    ("Under 2025, uppehåll v. 27-31", Want(K.ONE_OFF, deadline=date(2025, 12, 31))),
    ("Under 2025, sommaruppehåll juni–augusti", Want(K.ONE_OFF, deadline=date(2025, 12, 31))),
    # Ongoing; occasions after it are no count.
    ("Linjearbete, uppföljning vår och höst", Want(K.ONGOING)),
    ("Linjearbete, ses vid terminsstart", Want(K.ONGOING)),
    ("pågår", Want(K.ONGOING)),
    ("Helår", Want(K.ONGOING)),
    # Already read before.
    ("vid behov", Want(K.ONGOING, as_needed=True)),
    ("löpande", Want(K.ONGOING)),
    ("kontinuerligt", Want(K.ONGOING)),
    ("senast 2025-06-30", Want(K.ONE_OFF, deadline=date(2025, 6, 30))),
    ("under våren", Want(K.ONE_OFF, deadline=date(2025, 6, 30), start=date(2025, 1, 1))),
    ("under hösten", Want(K.ONE_OFF, deadline=date(2025, 12, 31), start=date(2025, 8, 1))),
    ("Q3", Want(K.ONE_OFF, deadline=date(2025, 9, 30), start=date(2025, 7, 1))),
    ("HT25", Want(K.ONE_OFF, deadline=date(2025, 12, 31), start=date(2025, 8, 1))),
    ("VT 2025", Want(K.ONE_OFF, deadline=date(2025, 6, 30), start=date(2025, 1, 1))),
]

# A count limited to a window of months or a term: the months outside it rest, as in a
# break, and a count per month or week counts only the months inside (2 a month in
# March–June: 8). The label names the window and reads back the same.
WINDOW_TABLE: list[tuple[str, Want]] = [
    (
        "2 ggr/mån från mars till juni",
        Want(K.RECURRING, 8, 24, "2 ggr/månad mars–juni", MARCH_JUNE, (), ()),
    ),
    ("2 ggr/månad mars-juni", Want(K.RECURRING, 8, 24, "2 ggr/månad mars–juni", MARCH_JUNE)),
    ("2 ggr/mån fr.o.m. mars t.o.m. juni", Want(K.RECURRING, 8, 24, active=MARCH_JUNE)),
    ("varannan vecka mellan mars och juni", Want(K.RECURRING, 9, 26, active=MARCH_JUNE)),
    ("Mars–juni, 2 ggr/mån", Want(K.RECURRING, 8, 24, "2 ggr/månad mars–juni")),
    # A window before a colon is no deadline with a comment: the count runs in it.
    ("Mars–juni: varje vecka", Want(K.RECURRING, 17, 52, active=MARCH_JUNE)),
    ("Under hösten: 2 ggr/mån", Want(K.RECURRING, 9, 24, "2 ggr/månad under höstterminen")),
    ("varje vecka (mars–juni)", Want(K.RECURRING, 17, 52, active=MARCH_JUNE)),
    ("Varje vecka maj–augusti", Want(K.RECURRING, 17, 52, "1 gång/vecka maj–augusti", MAY_AUGUST)),
    (
        "2 ggr/mån mars–juni och september–november",
        Want(K.RECURRING, 14, 24, "2 ggr/månad mars–juni och september–november"),
    ),
    # Over the new year: November, December, January and February.
    (
        "2 ggr/mån nov–feb",
        Want(
            K.RECURRING,
            8,
            24,
            "2 ggr/månad november–februari",
            (1.0, 1.0) + (0.0,) * 8 + (1.0,) * 2,
        ),
    ),
    # A count per year in a window keeps its count.
    ("4 ggr/år mars–juni", Want(K.RECURRING, 4, None, "4 ggr/år mars–juni", MARCH_JUNE)),
    # A window of weeks with "fr.o.m." and "t.o.m.": 17 weeks, every other one.
    (
        "varannan vecka fr.o.m. v. 34 t.o.m. v. 50",
        Want(K.RECURRING, 8, 26, "Varannan vecka v. 34–50", ALL, (), ((51, 33),)),
    ),
    # The terms: the spring term to mid-June, the autumn term from mid-August.
    (
        "1 gång/vecka under vårterminen",
        Want(K.RECURRING, 24, 52, "1 gång/vecka under vårterminen", SPRING_TERM),
    ),
    ("1 gång/vecka VT", Want(K.RECURRING, 24, 52, "1 gång/vecka under vårterminen")),
    ("Varje vecka under våren", Want(K.RECURRING, 24, 52, active=SPRING_TERM)),
    (
        "1 gång/vecka under höstterminen",
        Want(K.RECURRING, 20, 52, "1 gång/vecka under höstterminen", AUTUMN_TERM),
    ),
    ("1 gång/vecka HT", Want(K.RECURRING, 20, 52, "1 gång/vecka under höstterminen")),
    ("2 ggr/mån (HT 2025)", Want(K.RECURRING, 9, 24, active=AUTUMN_TERM)),
    (
        "1 gång/vecka under höstterminen utom höstlov",
        Want(
            K.RECURRING,
            19,
            52,
            "1 gång/vecka under höstterminen utom höstlov",
            AUTUMN_TERM,
            ("höstlov",),
        ),
    ),
    # A count in a term without a period: that many, spread over the term.
    ("4 ggr under hösten", Want(K.RECURRING, 4, None, "4 ggr/år under höstterminen", AUTUMN_TERM)),
    ("Under hösten, 4 ggr", Want(K.RECURRING, 4, None, active=AUTUMN_TERM)),
    ("Två gånger under våren", Want(K.RECURRING, 2, None, active=SPRING_TERM)),
    ("minst 3 ggr mars–juni", Want(K.RECURRING, 3, None, active=MARCH_JUNE, minimum=True)),
    # The summer a coordinator counts is June to August; the summer holiday is shorter.
    (
        "1 gång i månaden under sommaren",
        Want(K.RECURRING, 3, 12, "1 gång/månad juni–augusti", JUNE_AUGUST),
    ),
    (
        "Fredagar under sommarlovet",
        Want(
            K.RECURRING,
            9,
            52,
            "1 gång/vecka under sommarlovet",
            (0.0,) * 5 + (0.5, 1.0, 0.5) + (0.0,) * 4,
        ),
    ),
]

# The same periods not as a window: named apart from the count, both terms (all year), in
# another year than the plan's, a count per term, or a break. Each beside the window it is
# not, so the pair shows the difference; the last field is the months the first runs
# (empty: all year).
NOT_A_WINDOW: list[tuple[str, str, float, tuple[float, ...]]] = [
    ("2 ggr/mån, utvärdering under hösten", "2 ggr/mån under hösten", 24, ()),
    ("Varje vecka under våren och hösten", "Varje vecka under våren", 52, ()),
    ("8 ggr/år (4 VT, 4 HT)", "8 ggr/år VT", 8, ()),
    ("1 gång/vecka HT26", "1 gång/vecka HT25", 52, ()),
    ("3 ggr/termin", "3 ggr under höstterminen", 6, ()),
    ("varje månad utom juli", "varje månad juli–augusti", 11, JULY),
    (
        "2 ggr/mån, uppehåll juni–augusti",
        "2 ggr/mån juni–augusti",
        18,
        tuple(1.0 - share for share in JUNE_AUGUST),
    ),
]

# No break where none is meant.
NO_BREAK_TABLE: list[tuple[str, float]] = [
    ("varje vecka, utan uppehåll v. 27–31", 52),
    ("8 ggr/år, ej lov att dela material", 8),
    ("1 gång/vecka v. 1-53", 52),  # a window of the whole year
    ("1 gång/vecka utom v. 1–53", 52),  # a break of the whole year
]


def _check(text: str, want: Want) -> None:
    r = parse_when(text, 2025)
    assert r.kind is want.kind, text
    if want.per_year is not None:
        assert r.per_year == pytest.approx(want.per_year), text
    if want.kind is K.RECURRING:
        assert r.rate == want.rate, text
    if want.label is not None:
        assert r.label() == want.label, text
    for field in ("active", "holidays", "weeks"):
        if getattr(want, field) is not None:
            assert getattr(r, field) == getattr(want, field), (text, field)
    assert (r.deadline, r.start) == (want.deadline, want.start), text
    assert (r.minimum, r.as_needed) == (want.minimum, want.as_needed), text


@pytest.mark.parametrize(("text", "want"), RECURRING_TABLE)
def test_recurring_wordings(text: str, want: Want) -> None:
    _check(text, want)
    # What `/atgard rytm` stores is the label: read back, it is the same rhythm.
    r = parse_when(text, 2025)
    again = parse_override(r.label(), 2025)
    assert (again.per_year, again.rate, again.active, again.holidays, again.weeks) == (
        r.per_year,
        r.rate,
        r.active,
        r.holidays,
        r.weeks,
    )
    assert again.label() == r.label()


@pytest.mark.parametrize(("text", "want"), WINDOW_TABLE)
def test_window_wordings(text: str, want: Want) -> None:
    _check(text, want)
    # What `/atgard rytm` stores is the label: read back, it is the same rhythm.
    r = parse_when(text, 2025)
    again = parse_override(r.label(), 2025)
    fields = ("per_year", "rate", "active", "holidays", "weeks", "minimum", "label")
    assert [getattr(again, f) for f in fields[:-1]] + [again.label()] == [
        getattr(r, f) for f in fields[:-1]
    ] + [r.label()], text


@pytest.mark.parametrize(("text", "window", "per_year", "active"), NOT_A_WINDOW)
def test_a_period_that_is_not_the_counts_window(
    text: str, window: str, per_year: float, active: tuple[float, ...]
) -> None:
    r = parse_when(text, 2025)
    assert (r.kind, r.per_year, r.active) == (K.RECURRING, per_year, active), text
    windowed = parse_when(window, 2025)
    assert windowed.active not in ((), active) and windowed.pause != r.pause, window


def test_one_time_in_a_term_stays_a_deadline() -> None:
    """ "1 gång under hösten" is one thing done in the autumn, as before; two or more are a
    count spread over it."""
    one = parse_when("1 gång under hösten", 2025)
    assert (one.kind, one.deadline, one.start) == (K.ONE_OFF, date(2025, 12, 31), date(2025, 8, 1))
    two = parse_when("2 ggr under hösten", 2025)
    assert (two.kind, two.per_year, two.deadline) == (K.RECURRING, 2, None)


@pytest.mark.parametrize(("text", "want"), OTHER_TABLE)
def test_deadline_and_ongoing_wordings(text: str, want: Want) -> None:
    _check(text, want)


@pytest.mark.parametrize(("text", "want"), START_TABLE)
def test_start_wordings(text: str, want: Want) -> None:
    _check(text, want)
    r = parse_when(text, 2025)
    if r.kind is K.ONE_OFF:
        return  # a window's label is its deadline, as for "under våren"
    # What `/atgard rytm` stores is the label: read back, it is the same rhythm.
    again = parse_override(r.label(), 2025)
    fields = ("kind", "per_year", "rate", "start", "active", "holidays", "weeks", "as_needed")
    assert [getattr(again, f) for f in fields] == [getattr(r, f) for f in fields], text
    assert again.label() == r.label()


@pytest.mark.parametrize(("text", "per_year"), NO_BREAK_TABLE)
def test_no_break_where_none_is_meant(text: str, per_year: float) -> None:
    r = parse_when(text, 2025)
    assert r.per_year == per_year
    assert (r.weeks, r.holidays, r.pause) == ((), (), "")
    assert r.breaks(2025) == []


@pytest.mark.parametrize(
    "text",
    ["återkommande", "utom skollov", "enligt överenskommelse", "Uppstart vid terminsstart"],
)
def test_what_cannot_be_read_asks_for_the_rhythm_in_swedish(text: str) -> None:
    assert parse_when(text, 2025).kind is K.UNKNOWN
    with pytest.raises(ParseError) as info:
        parse_override(text, 2025)
    assert info.value.message == OVERRIDE_HELP
    assert "uppehåll v. 27–31" in OVERRIDE_HELP and "vår och höst" in OVERRIDE_HELP
    hint = pace_text(parse_when(text, 2025), 0, date(2025, 5, 1), 2025)
    assert hint == "Okänd rytm, okänd: en samordnare behöver ange rytmen med /atgard rytm"


# --------------------------------------------------------------------------- breaks in weeks


def test_a_break_in_weeks_covers_those_weeks_every_year() -> None:
    r = parse_when("varje vecka, uppehåll v. 27–31", 2025)
    assert r.breaks(2025) == [(date(2025, 6, 30), date(2025, 8, 3))]
    assert r.breaks(2026) == [(date(2026, 6, 29), date(2026, 8, 2))]


def test_a_break_over_the_new_year_covers_both_ends_of_the_year() -> None:
    r = parse_when("varje vecka, uppehåll v. 51–2", 2025)
    assert r.breaks(2025) == [
        (date(2025, 1, 1), date(2025, 1, 12)),
        (date(2025, 12, 15), date(2025, 12, 31)),
    ]
    # 2026 has 53 weeks: its 53rd is inside "51–2"; 2026-12-28 is week 53.
    assert r.breaks(2026)[-1] == (date(2026, 12, 14), date(2026, 12, 31))
    # Week 1 of 2026 starts on 2025-12-29: no day of 2025's end falls outside the break.
    r53 = parse_when("1 gång/vecka utom v. 1", 2025)
    assert r53.breaks(2025) == [
        (date(2025, 1, 1), date(2025, 1, 5)),
        (date(2025, 12, 29), date(2025, 12, 31)),
    ]


def test_nothing_more_is_expected_during_a_break_in_weeks() -> None:
    r = parse_when("varje vecka, uppehåll v. 27–31", 2025)
    before = expected_by(r, date(2025, 6, 29), 2025)
    for day in (date(2025, 6, 30), date(2025, 7, 15), date(2025, 8, 3)):
        assert expected_by(r, day, 2025) == pytest.approx(before)
    assert expected_by(r, date(2025, 8, 4), 2025) > before
    assert expected_by(r, date(2025, 12, 31), 2025) == pytest.approx(47)
    # 26 done by the break: on track all through it, where every week all year falls behind.
    assert pace(r, 26, date(2025, 7, 31), 2025) is Pace.ON_TRACK
    assert pace(parse_when("varje vecka", 2025), 26, date(2025, 7, 31), 2025) is Pace.BEHIND


def test_nothing_is_expected_outside_a_window_of_weeks() -> None:
    r = parse_when("varje vecka (v. 34–50)", 2025)
    assert expected_by(r, date(2025, 8, 17), 2025) == 0
    assert pace(r, 0, date(2025, 8, 17), 2025) is Pace.ON_TRACK
    assert expected_by(r, date(2025, 12, 14), 2025) == pytest.approx(17)
    assert pace_text(r, 0, date(2025, 10, 1), 2025) == "0 av 17 genomförda, efter takten"


def test_nothing_more_is_expected_in_the_christmas_break_or_the_other_holidays() -> None:
    xmas = parse_when("varje vecka, ej jul/nyår", 2025)
    assert expected_by(xmas, date(2025, 12, 31), 2025) == pytest.approx(
        expected_by(xmas, date(2025, 12, 20), 2025)
    )
    assert expected_by(xmas, date(2025, 1, 6), 2025) == 0
    other = parse_when("2 ggr/mån utom sommaren och övriga skollov", 2025)
    sportlov = (date(2025, 2, 24), date(2025, 3, 2))  # v. 9
    assert expected_by(other, sportlov[1], 2025) == pytest.approx(
        expected_by(other, sportlov[0] - timedelta(days=1), 2025)
    )


@settings(max_examples=200, deadline=None)
@given(
    frequency=st.sampled_from(["1 gång/vecka", "2 ggr/månad", "Varannan vecka", "6 ggr/år"]),
    runs=st.lists(
        st.tuples(st.integers(min_value=1, max_value=53), st.integers(min_value=1, max_value=53)),
        min_size=1,
        max_size=3,
    ),
    window=st.booleans(),
    holiday=st.sampled_from(["", ", ej jullov", " utom juli"]),
    year=st.integers(min_value=2024, max_value=2030),
)
def test_weeks_read_back_the_same(
    frequency: str, runs: list[tuple[int, int]], window: bool, holiday: str, year: int
) -> None:
    """Whatever weeks a rhythm pauses for or runs in, its label reads back the same."""
    weeks = " och ".join(f"v. {a}–{b}" for a, b in runs)
    text = f"{frequency} {weeks}{holiday}" if window else f"{frequency}, uppehåll {weeks}{holiday}"
    r = parse_when(text, year)
    assert r.kind is K.RECURRING
    again = parse_override(r.label(), year)
    assert (again.per_year, again.active, again.holidays, again.weeks, again.label()) == (
        r.per_year,
        r.active,
        r.holidays,
        r.weeks,
        r.label(),
    ), text
    for start, end in r.breaks(year):
        assert date(year, 1, 1) <= start <= end <= date(year, 12, 31)
    value = expected_by(r, date(year, 12, 31), year)
    assert value == pytest.approx(r.per_year)


# --------------------------------------------------------------------------- occasions, deadlines


def test_named_occasions_are_paced_as_a_count_not_a_deadline() -> None:
    """ "v. 10 och v. 40" was read as a deadline in week 10: overdue all year after it. Now
    one is due by the end of each of its weeks, and nothing between them."""
    r = parse_when("v. 10 och v. 40", 2025)
    assert pace(r, 0, date(2025, 3, 2), 2025) is Pace.ON_TRACK  # before v. 10
    assert expected_by(r, date(2025, 3, 9), 2025) == pytest.approx(1)  # v. 10's Sunday
    assert pace(r, 0, date(2025, 3, 20), 2025) is Pace.BEHIND
    assert pace(r, 1, date(2025, 3, 20), 2025) is Pace.ON_TRACK
    assert expected_by(r, date(2025, 9, 28), 2025) == pytest.approx(1)  # up to v. 40
    assert pace(r, 1, date(2025, 10, 6), 2025) is Pace.BEHIND
    assert pace(r, 2, date(2025, 10, 5), 2025) is Pace.DONE
    assert pace_text(parse_when("vår och höst", 2025), 0, date(2025, 3, 20), 2025) == (
        "0 av 2 genomförda, i fas"
    )


def test_a_school_year_is_due_at_its_end_not_the_plan_years() -> None:
    r = parse_when("läsåret 25/26", 2025)
    assert pace(r, 0, date(2026, 1, 15), 2025) is Pace.NOT_DUE
    assert pace(r, 0, date(2026, 7, 1), 2025) is Pace.OVERDUE


def test_before_the_summer_is_overdue_when_the_summer_holiday_starts() -> None:
    r = parse_when("före sommaren", 2025)
    summer = next(h for h in default_school_holidays(2025) if h.name == "sommarlov")
    assert pace(r, 0, summer.start - timedelta(days=1), 2025) is Pace.NOT_DUE
    assert pace(r, 0, summer.start, 2025) is Pace.OVERDUE


def test_once_a_school_year_is_paced() -> None:
    r = parse_when("läsårsvis", 2025)
    assert pace(r, 0, date(2025, 12, 31), 2025) is Pace.BEHIND
    assert pace(r, 1, date(2025, 6, 1), 2025) is Pace.DONE


# --------------------------------------------------------------------------- starts


def test_a_count_from_a_start_is_paced_from_the_start() -> None:
    """ "2 ggr/mån från och med mars" was read as a deadline in March. Now nothing is due
    before 1 March and the 20 of the year are spread over March to December."""
    r = parse_when("2 ggr/mån från och med mars", 2025)
    assert expected_by(r, date(2025, 2, 28), 2025) == 0
    assert pace(r, 0, date(2025, 2, 28), 2025) is Pace.ON_TRACK
    assert pace_text(r, 0, date(2025, 2, 28), 2025) == "0 av 20 genomförda, startar 2025-03-01"
    # The same count all year is behind by then.
    assert pace(parse_when("2 ggr/mån", 2025), 0, date(2025, 2, 28), 2025) is Pace.BEHIND
    # One month in, two are due.
    assert expected_by(r, date(2025, 3, 31), 2025) == pytest.approx(2, abs=0.05)
    assert pace(r, 1, date(2025, 4, 1), 2025) is Pace.BEHIND
    assert pace_text(r, 0, date(2025, 4, 1), 2025) == "0 av 20 genomförda, efter takten"
    assert pace(r, 2, date(2025, 4, 1), 2025) is Pace.ON_TRACK
    assert expected_by(r, date(2025, 12, 31), 2025) == pytest.approx(20)
    assert pace(r, 20, date(2025, 12, 31), 2025) is Pace.DONE


def test_a_count_per_year_from_a_start_keeps_its_count() -> None:
    r = parse_when("8 ggr/år, start i mars", 2025)
    assert expected_by(r, date(2025, 2, 28), 2025) == 0
    assert pace(r, 0, date(2025, 3, 31), 2025) is Pace.ON_TRACK  # 0,8 due
    assert pace(r, 0, date(2025, 5, 1), 2025) is Pace.BEHIND  # 1,6 due
    assert expected_by(r, date(2025, 12, 31), 2025) == pytest.approx(8)


def test_a_start_and_a_break_together() -> None:
    r = parse_when("2 ggr/mån utom juli, med start i april", 2025)
    assert expected_by(r, date(2025, 3, 31), 2025) == 0
    june = expected_by(r, date(2025, 6, 30), 2025)
    assert june == pytest.approx(6)  # April to June
    assert expected_by(r, date(2025, 7, 31), 2025) == pytest.approx(june)  # nothing in July
    assert expected_by(r, date(2025, 12, 31), 2025) == pytest.approx(16)


def test_ongoing_work_from_a_start_is_not_late() -> None:
    """ "Startar i mars" was a deadline: overdue from 1 April. It is work that runs from March."""
    r = parse_when("Startar i mars", 2025)
    assert pace(r, 0, date(2025, 4, 15), 2025) is Pace.ONGOING
    assert pace_text(r, 0, date(2025, 2, 1), 2025) == "Linjearbete, startar 2025-03-01"
    assert pace_text(r, 0, date(2025, 4, 15), 2025) == "Linjearbete från 2025-03-01, pågående"
    assert pace_text(r, 2, date(2025, 4, 15), 2025) == (
        "Linjearbete från 2025-03-01, pågående, 2 genomförda"
    )


def test_a_window_from_a_start_is_due_at_its_end() -> None:
    r = parse_when("Start 2025-03-01, klart 2025-06-30", 2025)
    assert pace(r, 0, date(2025, 2, 1), 2025) is Pace.NOT_DUE
    assert pace(r, 0, date(2025, 6, 30), 2025) is Pace.NOT_DUE
    assert pace(r, 0, date(2025, 7, 1), 2025) is Pace.OVERDUE


@settings(max_examples=200, deadline=None)
@given(
    frequency=st.sampled_from(["1 gång/vecka", "2 ggr/mån", "varannan vecka", "6 ggr/år"]),
    holiday=st.sampled_from(["", " utom juli", ", uppehåll v. 27–31", ", ej jullov"]),
    start=st.dates(min_value=date(2025, 1, 2), max_value=date(2025, 12, 31)),
    marker=st.sampled_from(["från och med", "fr.o.m.", "med start", "från"]),
)
def test_nothing_is_due_before_a_start_and_all_by_the_years_end(
    frequency: str, holiday: str, start: date, marker: str
) -> None:
    r = parse_when(f"{frequency}{holiday}, {marker} {start.isoformat()}", 2025)
    assert (r.kind, r.start) == (K.RECURRING, start)
    assert expected_by(r, start - timedelta(days=1), 2025) == 0
    assert pace(r, 0, start - timedelta(days=1), 2025) is Pace.ON_TRACK
    assert expected_by(r, date(2025, 12, 31), 2025) == pytest.approx(r.per_year)
    values = [expected_by(r, start + timedelta(days=i), 2025) for i in range(0, 370, 9)]
    assert values == sorted(values)
    again = parse_override(r.label(), 2025)
    assert (again.per_year, again.rate, again.start, again.label()) == (
        r.per_year,
        r.rate,
        r.start,
        r.label(),
    )
    # Meetings rest until the start.
    assert (date(2025, 1, 1), start - timedelta(days=1)) in r.breaks(2025)


# --------------------------------------------------------------------------- windows


def test_a_count_in_a_window_of_months_is_paced_over_the_window() -> None:
    """ "2 ggr/mån från mars till juni" was 24 a year, behind from January. Now it is 8:
    nothing before March, all of them by the end of June, nothing more after."""
    r = parse_when("2 ggr/mån från mars till juni", 2025)
    assert expected_by(r, date(2025, 2, 28), 2025) == 0
    assert pace(r, 0, date(2025, 2, 28), 2025) is Pace.ON_TRACK
    # Before the window, as before a start: when it starts, not "i fas".
    assert pace_text(r, 0, date(2025, 2, 28), 2025) == "0 av 8 genomförda, startar 2025-03-01"
    assert expected_by(r, date(2025, 3, 31), 2025) == pytest.approx(2)
    assert pace(r, 1, date(2025, 4, 1), 2025) is Pace.BEHIND
    assert pace(r, 4, date(2025, 4, 30), 2025) is Pace.ON_TRACK
    assert pace(r, 6, date(2025, 4, 30), 2025) is Pace.AHEAD
    assert expected_by(r, date(2025, 6, 30), 2025) == pytest.approx(8)
    assert pace(r, 8, date(2025, 6, 30), 2025) is Pace.DONE
    # After the window nothing more is due: 6 of 8 stays 2 short, not 18.
    assert expected_by(r, date(2025, 12, 31), 2025) == pytest.approx(8)
    assert pace_text(r, 6, date(2025, 9, 1), 2025) == "6 av 8 genomförda, efter takten"


def test_a_count_in_the_autumn_is_paced_over_the_autumn_term() -> None:
    """ "4 ggr under hösten" was one deadline on 31 December: the four times were lost."""
    r = parse_when("4 ggr under hösten", 2025)
    assert expected_by(r, date(2025, 8, 16), 2025) == 0  # the summer holiday
    assert pace(r, 0, date(2025, 8, 16), 2025) is Pace.ON_TRACK
    # By October's end 2,5 of the term's 4,5 months have passed: 2,2 of the 4.
    assert expected_by(r, date(2025, 10, 31), 2025) == pytest.approx(4 * 2.5 / 4.5, abs=0.01)
    assert pace(r, 1, date(2025, 10, 31), 2025) is Pace.BEHIND
    assert pace(r, 2, date(2025, 10, 31), 2025) is Pace.ON_TRACK
    assert pace_text(r, 4, date(2025, 12, 1), 2025) == "4 av 4 genomförda, klar"
    assert expected_by(r, date(2025, 12, 31), 2025) == pytest.approx(4)


def test_a_weekly_count_in_the_spring_term_ends_with_the_term() -> None:
    r = parse_when("1 gång/vecka under vårterminen", 2025)
    assert expected_by(r, date(2025, 1, 31), 2025) == pytest.approx(24 / 5.5, abs=0.01)
    # The term ends when the summer holiday starts (16 June, as for "utom sommaren").
    assert expected_by(r, date(2025, 6, 15), 2025) == pytest.approx(24)
    assert expected_by(r, date(2025, 10, 1), 2025) == pytest.approx(24)
    assert pace(r, 23, date(2025, 10, 1), 2025) is Pace.BEHIND
    assert r.breaks(2025) == [(date(2025, 6, 16), date(2025, 12, 31))]


def test_a_window_of_weeks_from_and_to() -> None:
    r = parse_when("varannan vecka fr.o.m. v. 34 t.o.m. v. 50", 2025)
    assert expected_by(r, date(2025, 8, 17), 2025) == 0
    assert expected_by(r, date(2025, 12, 14), 2025) == pytest.approx(8)
    assert expected_by(r, date(2025, 12, 31), 2025) == pytest.approx(8)
    assert r.breaks(2025) == [
        (date(2025, 1, 1), date(2025, 8, 17)),
        (date(2025, 12, 15), date(2025, 12, 31)),
    ]


def test_a_monthly_count_in_the_summer_is_three() -> None:
    r = parse_when("1 gång i månaden under sommaren", 2025)
    assert expected_by(r, date(2025, 5, 31), 2025) == 0
    assert expected_by(r, date(2025, 6, 30), 2025) == pytest.approx(1)
    assert expected_by(r, date(2025, 8, 31), 2025) == pytest.approx(3)
    assert expected_by(r, date(2025, 12, 31), 2025) == pytest.approx(3)


@settings(max_examples=120, deadline=None)
@given(
    frequency=st.sampled_from(["1 gång/vecka", "2 ggr/mån", "varannan vecka", "6 ggr/år"]),
    first=st.integers(min_value=1, max_value=12),
    last=st.integers(min_value=1, max_value=12),
    form=st.sampled_from(["{f} {a}–{b}", "{f} från {a} till {b}", "{a}–{b}, {f}"]),
    year=st.integers(min_value=2024, max_value=2030),
)
def test_nothing_is_expected_outside_a_window_of_months(
    frequency: str, first: int, last: int, form: str, year: int
) -> None:
    """Whatever months a count runs in (over the new year too), nothing more is expected on a
    day outside them, all of it by the year's end, and the label reads back the same."""
    names = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti"]
    names += ["september", "oktober", "november", "december"]
    if first == last:
        return  # one month is no range
    text = form.format(f=frequency, a=names[first - 1], b=names[last - 1])
    r = parse_when(text, year)
    inside = {(first - 1 + i) % 12 + 1 for i in range((last - first) % 12 + 1)}
    if len(inside) == 12:  # "februari–januari": the whole year, as without it
        assert (r.active, r.pause) == ((), ""), text
        return
    assert r.active == tuple(1.0 if m in inside else 0.0 for m in range(1, 13)), text
    assert r.label().endswith(f"{names[first - 1]}–{names[last - 1]}"), text
    again = parse_override(r.label(), year)
    assert (again.per_year, again.rate, again.active, again.label()) == (
        r.per_year,
        r.rate,
        r.active,
        r.label(),
    )
    day, before = date(year, 1, 1), 0.0
    while day.year == year:
        value = expected_by(r, day, year)
        assert value >= before - 1e-9, (text, day)
        if day.month not in inside:
            assert value == pytest.approx(before), (text, day)
        before, day = value, day + timedelta(days=1)
    assert before == pytest.approx(r.per_year)


# --------------------------------------------------------------------------- end to end


def _est_behind(session_factory: SessionFactory, settings: Settings, now: datetime) -> set[str]:
    """Plan the reminders at `now`; the weeks EST's channel has a "behind" reminder for."""
    with session_factory.begin() as s:
        plan_reminders(session=s, now=now, settings=settings)
    return {r.occurrence for r in rows(session_factory, "recurring") if r.channel_id == "CEST"}


def _set_est(session_factory: SessionFactory, bound: Bound, rhythm: str) -> list[int]:
    with session_factory.begin() as s:
        measures = list(s.exec(select(Measure).where(Measure.group_id == bound.est.id)))
        for m in measures:
            m.rhythm_override = rhythm
        return [m.id for m in measures]  # type: ignore[misc]


def _spread(session_factory: SessionFactory, settings: Settings, bound: Bound) -> list[date]:
    with session_factory.begin() as s:
        ensure_meeting_calendar(session=s, now=utc(2025, 1, 1, 8, 0), settings=settings)
        return sorted(
            p.planned_on
            for p in s.exec(select(PlannedMeeting).where(PlannedMeeting.group_id == bound.est.id))
        )


@pytest.mark.parametrize(
    ("text", "off"),
    [
        ("1 gång/vecka, uppehåll v. 27–31", [(date(2025, 6, 30), date(2025, 8, 3))]),
        (
            "1 gång/vecka, uppehåll v. 51–2",
            [(date(2025, 1, 1), date(2025, 1, 12)), (date(2025, 12, 15), date(2025, 12, 31))],
        ),
        (
            "1 gång/vecka, ej jul/nyår",
            [(date(2025, 1, 1), date(2025, 1, 6)), (date(2025, 12, 21), date(2025, 12, 31))],
        ),
        (
            "varje vecka (v. 34–50)",
            [(date(2025, 1, 1), date(2025, 8, 17)), (date(2025, 12, 15), date(2025, 12, 31))],
        ),
        (
            "2 ggr/mån från mars till juni",
            [(date(2025, 1, 1), date(2025, 2, 28)), (date(2025, 7, 1), date(2025, 12, 31))],
        ),
        ("1 gång/vecka under höstterminen", [(date(2025, 1, 1), date(2025, 8, 16))]),
        (
            "v. 10 och v. 40",
            [
                (date(2025, 1, 1), date(2025, 3, 2)),
                (date(2025, 3, 10), date(2025, 9, 28)),
                (date(2025, 10, 6), date(2025, 12, 31)),
            ],
        ),
    ],
)
def test_meetings_are_not_spread_into_a_break_in_weeks(
    session_factory: SessionFactory,
    settings: Settings,
    bound: Bound,
    text: str,
    off: list[tuple[date, date]],
) -> None:
    rhythm = parse_override(text, 2025)
    _set_est(session_factory, bound, rhythm.label())
    days = _spread(session_factory, settings, bound)
    assert len(days) >= rhythm.per_year - 1  # type: ignore[operator]
    for d in days:
        assert not any(a <= d <= b for a, b in off), (text, d)


def test_no_behind_reminder_in_a_break_week(
    session_factory: SessionFactory, settings: Settings, bound: Bound
) -> None:
    """EST meets every week with a break in v. 27–31 and met every week up to it: nothing
    is sent in the break, and the reminders come back when the weeks after it are missed."""
    ids = _set_est(session_factory, bound, "1 gång/vecka utom v. 27–31")
    with session_factory.begin() as s:
        for i in range(26):  # weeks 1-26
            s.add(Occurrence(measure_id=ids[0], occurred_on=date(2025, 1, 1) + timedelta(weeks=i)))

    assert _est_behind(session_factory, settings, utc(2025, 7, 22, 8, 0)) == set()
    assert _est_behind(session_factory, settings, utc(2025, 8, 26, 8, 0)) == {"2025-W35"}


def test_without_the_break_the_same_weeks_are_behind(
    session_factory: SessionFactory, settings: Settings, bound: Bound
) -> None:
    ids = _set_est(session_factory, bound, "1 gång/vecka")
    with session_factory.begin() as s:
        for i in range(26):
            s.add(Occurrence(measure_id=ids[0], occurred_on=date(2025, 1, 1) + timedelta(weeks=i)))
    assert _est_behind(session_factory, settings, utc(2025, 7, 22, 8, 0)) == {"2025-W30"}


def test_no_behind_reminder_before_the_start(
    session_factory: SessionFactory, settings: Settings, bound: Bound
) -> None:
    """EST meets twice a month from March: no "behind" reminder in February, and one when
    April comes with nothing done."""
    _set_est(session_factory, bound, parse_override("2 ggr/mån från och med mars", 2025).label())

    assert _est_behind(session_factory, settings, utc(2025, 2, 25, 8, 0)) == set()
    assert _est_behind(session_factory, settings, utc(2025, 4, 15, 8, 0)) == {"2025-W16"}


def test_without_the_start_the_same_february_is_behind(
    session_factory: SessionFactory, settings: Settings, bound: Bound
) -> None:
    _set_est(session_factory, bound, "2 ggr/mån")
    assert _est_behind(session_factory, settings, utc(2025, 2, 25, 8, 0)) == {"2025-W09"}


def _est_needs(session_factory: SessionFactory, bound: Bound, now: datetime) -> list[str]:
    """The lines of EST's digest that say how EST's own measures are doing."""
    with session_factory() as s:
        group, plan = s.get(Group, bound.est.id), s.get(Plan, bound.plan.id)
        reply = build_digest(session=s, group=group, plan=plan, now=now)  # type: ignore[arg-type]
        refs = [m.ref for m in s.exec(select(Measure).where(Measure.group_id == bound.est.id))]
    needs = next(x.text for x in reply.sections if x.heading.startswith("Behöver uppföljning"))
    return [line for line in needs.splitlines() if line.split(" ")[1] in refs]


def test_the_digest_paces_a_window(
    session_factory: SessionFactory, settings: Settings, bound: Bound
) -> None:
    """EST meets twice a month in March–June. In February its digest says when that starts
    (it said "0 av 24 genomförda, efter takten"); in September, six held, two short of 8."""
    ids = _set_est(session_factory, bound, "2 ggr/mån från mars till juni")
    february = _est_needs(session_factory, bound, utc(2025, 2, 17, 7, 0))
    assert february and all(
        line.endswith("– 0 av 8 genomförda, startar 2025-03-01") for line in february
    )
    with session_factory.begin() as s:
        for i in range(6):
            s.add(
                Occurrence(measure_id=ids[0], occurred_on=date(2025, 3, 3) + timedelta(weeks=2 * i))
            )
    september = _est_needs(session_factory, bound, utc(2025, 9, 1, 6, 0))
    assert any(line.endswith("– 6 av 8 genomförda, efter takten") for line in september)


def test_no_behind_reminder_while_the_rhythm_rests(
    session_factory: SessionFactory, settings: Settings, bound: Bound
) -> None:
    """EST is behind when its July break starts: no "behind" note in July, when nothing can be
    held, and one again in August."""
    _set_est(session_factory, bound, "1 gång/vecka utom juli")
    assert _est_behind(session_factory, settings, utc(2025, 7, 15, 8, 0)) == set()
    assert _est_behind(session_factory, settings, utc(2025, 8, 12, 8, 0)) == {"2025-W33"}


def test_ongoing_work_from_a_start_is_not_late_in_the_digests_counts(
    session_factory: SessionFactory, bound: Bound
) -> None:
    """ "Startar i mars" was a deadline in March: from April it counted as late ("ligger
    efter") in the digest and status. Ongoing work from March is not."""
    ids = _set_est(session_factory, bound, "Startar i mars")
    with session_factory() as s:
        plan = s.get(Plan, bound.plan.id)
        assert plan is not None
        states = [
            x
            for x in measure_states(session=s, plan=plan, on=date(2025, 4, 15))
            if x.measure.id in ids
        ]
    assert states
    assert {(x.pace, x.standing) for x in states} == {(Pace.ONGOING, Standing.NOT_ASSESSED)}


def test_meetings_are_not_spread_before_the_start(
    session_factory: SessionFactory, settings: Settings, bound: Bound
) -> None:
    rhythm = parse_override("2 ggr/mån från och med mars", 2025)
    _set_est(session_factory, bound, rhythm.label())
    days = _spread(session_factory, settings, bound)
    assert len(days) >= rhythm.per_year - 1  # type: ignore[operator]
    assert min(days) >= date(2025, 3, 1)


@pytest.mark.parametrize(
    ("example", "label"),
    [
        ("2/mån", "2 ggr/månad"),
        ("2/mån från och med mars", "2 ggr/månad från 2025-03-01"),
        ("linje från 2025-09-01", "Linjearbete från 2025-09-01"),
        ("vår och höst", "2 ggr/år"),
        ("läsårsvis", "1 gång/år"),
        ("2/mån utom juli", "2 ggr/månad utom juli"),
        ("1/vecka uppehåll v. 27–31", "1 gång/vecka utom v. 27–31"),
        ("1/vecka utom jul/nyår", "1 gång/vecka utom jullov"),
        ("1 gång/vecka under terminstid", "1 gång/vecka utom skollov"),
        ("2/mån mars–juni", "2 ggr/månad mars–juni"),
        ("1/vecka under vårterminen", "1 gång/vecka under vårterminen"),
    ],
)
def test_the_help_for_rytm_shows_what_can_be_written(example: str, label: str) -> None:
    what = help_reply(topic="rytm").plain()  # `/atgard hjälp rytm`
    assert example in what
    assert parse_override(example, 2025).label() == label


@pytest.mark.parametrize(
    ("text", "on", "said"),
    [
        ("2 ggr/mån mars–juni", date(2025, 2, 10), "0 av 8 genomförda, startar 2025-03-01"),
        ("1 gång/vecka under höstterminen", date(2025, 5, 2), "startar 2025-08-17"),
        ("2 ggr/mån utom januari", date(2025, 1, 20), "0 av 22 genomförda, startar 2025-02-01"),
        # Inside the window, or with no rest at the year's start, the pace as before.
        ("2 ggr/mån mars–juni", date(2025, 3, 20), "0 av 8 genomförda, efter takten"),
        ("8 ggr/år", date(2025, 1, 20), "0 av 8 genomförda, i fas"),
        # A rest of days over New Year is the work going on over Christmas, not a start.
        ("1 gång/vecka utom jul/nyår", date(2025, 1, 3), "0 av 50 genomförda, i fas"),
        ("1 gång/vecka under terminstid", date(2025, 1, 3), "genomförda, i fas"),
    ],
)
def test_before_a_window_the_pace_says_when_it_starts(text: str, on: date, said: str) -> None:
    assert pace_text(parse_when(text, 2025), 0, on, 2025).endswith(said)
