"""The Swedish words municipalities head their plan columns with, and what each one means.

Municipalities word their columns differently ("Åtgärd", "3. Aktivitet", "Ansvarig aktör",
"Tidsplan/frekvens", "Uppföljning T2", "Orsak (varför?)"). The vocabulary is matched on
folded text (see `reports.xlsx_text.fold`); a header matches a phrase when it equals it or
starts with it followed by a space, and the longest matching phrase wins, so "Ansvarig för
uppföljning" is not read as the responsible column.
"""

from __future__ import annotations

import contextlib
import re
from datetime import date

from reminders.calendar import reporting_tertial
from reports.xlsx_text import fold

# field -> phrases by rank; rank 0 is the usual name, a higher rank is only used when the
# sheet has no column of a lower rank for that field ("Förväntat resultat" is the goal only
# when there is no "Mål" column, "Aktivitet" the measure only without an "Åtgärd" column).
_VOCABULARY: dict[str, tuple[tuple[str, ...], ...]] = {
    "area": (
        (
            "prioriterat omrade",
            "prioriterade omraden",
            "prioriterat samverkansomrade",
            "prioriterat samverkans",
            "prioriterade samverkansomraden",
            "samverkansomrade",
            "fokusomrade",
            "fokusomraden",
            "prioriterat fokusomrade",
            "insatsomrade",
            "insatsomraden",
            "prioriterat insatsomrade",
            "utvecklingsomrade",
            "malomrade",
            "malomraden",
            "prioritering",
            "prioriteringar",
            # English, in plans written for both languages ("Focus area / Fokusområde").
            "area",
            "focus area",
            "priority area",
        ),
    ),
    "problem": (
        (
            "problemomrade",
            "problem",
            "utmaning",
            "utmaningar",
            "problem utmaning",
            "problembild",
            "problemformulering",
            "identifierat problem",
            "identifierade problem",
            "brottsproblem",
            "problembeskrivning",
            "lagesbild",
            "probl",
            "problemomraden",
            # A part of the area or the kind of crime the rows are about.
            "delomrade",
            "delomraden",
            "brottstyp",
            "brottstyper",
            "brottsomrade",
            "brottsomraden",
            "issue",
            "challenge",
        ),
    ),
    "cause": (
        (
            "orsak",
            "orsaker",
            "identifierad orsak",
            "identifierade orsaker",
            "bakomliggande orsak",
            "bakomliggande orsaker",
            "orsaksanalys",
            "orsaksbeskrivning",
            "varfor",
            # Brå's causal analysis speaks of risk and protective factors.
            "riskfaktor",
            "riskfaktorer",
            "risk och skyddsfaktorer",
            "cause",
            "causes",
            "root cause",
            "root causes",
        ),
    ),
    "measure": (
        (
            "atgard",
            "atgarder",
            "insats",
            "insatser",
            "brottsforebyggande atgard",
            "brottsforebyggande atgarder",
            "planerad atgard",
            "planerade atgarder",
            "beskrivning av atgard",
            "beskrivning av atgarden",
            "vad ska goras",
            "vad",
            "atg",
            "atgardsbeskrivning",
            "insatsbeskrivning",
            "atgarden",
            "atgardens namn",
            "insatsen",
            "insatsens namn",
            "action",
            "actions",
            "measure",
            "measures",
            "intervention",
            "interventions",
        ),
        (
            "aktivitet",
            "aktiviteter",
            "planerade aktiviteter",
            "aktivitetsbeskrivning",
            "aktiviteten",
            "aktivitetens namn",
            "activity",
            "activities",
        ),
        # How it is done: with a column saying what, part of the measure (the template's
        # Åtgärd cell asks for both: "vad som ska göras och hur det ska utföras").
        (
            "beskrivning",
            "insats beskrivning",
            "hur",
            "metod",
            "hur ska det goras",
            "hur ska det utforas",
            "genomforande",
            "tillvagagangssatt",
            "description",
            "how",
        ),
    ),
    "goal": (
        (
            "operativa mal",
            "operativt mal",
            "mal",
            "malsattning",
            "delmal",
            "smarta mal",
            "effektmal",
            "malbild",
            "malformulering",
            "malsattningar",
            "goal",
            "goals",
            "objective",
            "objectives",
            "target",
        ),
        (
            "forvantat resultat",
            "forvantade resultat",
            "forvantad effekt",
            "forvantade effekter",
            "onskat resultat",
            "onskad effekt",
            "forvantat utfall",
            "expected outcome",
            "expected outcomes",
            "expected result",
            "expected results",
        ),
        ("indikator", "indikatorer", "matetal", "nyckeltal", "resultatmatt", "matbart mal"),
        ("syfte",),
    ),
    "when": (
        (
            "nar",
            "tidsplan",
            "tidplan",
            "tid",
            "tidpunkt",
            "tidsram",
            "tidsperiod",
            "klart nar",
            "klart senast",
            "period",
            "frekvens",
            "datum",
            "slutdatum",
            "slut",
            "klart",
            "deadline",
            "tidpl",
            "tidspl",
            "tidsplanering",
            "tidplanering",
            "tidsangivelse",
            # "Hur ofta?" beside "Vad?" and "Vem?": the rhythm, not how it is done.
            "hur ofta",
            "when",
            "due date",
            "timeline",
            "timeframe",
            "time frame",
            "frequency",
            "end date",
        ),
    ),
    "responsible": (
        (
            "vem",
            "ansvarig",
            "ansvariga",
            "vem ansvarar",
            "ansvar",
            "vem gor vad",
            "huvudansvarig",
            "huvudansvar",
            "huvudman",
            "ansvarsfordelning",
            # Each party's part in a column of its own (a medborgarlöfte's two columns).
            "kommunens ansvar",
            "polisens ansvar",
            "kommunens atagande",
            "kommunens ataganden",
            "polisens atagande",
            "polisens ataganden",
            "utforare",
            "aktor",
            "aktorer",
            "ansv",
            "agare",
            "atgardsagare",
            "processagare",
            "owner",
            "responsible",
            "lead",
            "who",
        ),
        (
            "samverkanspart",
            "samverkansparter",
            "samverkanspartner",
            "samverkanspartners",
            "involverade aktorer",
            "involverade parter",
            "medverkande",
            "deltagande aktorer",
            "deltagande parter",
            "partner",
            "partners",
        ),
    ),
    "follow_up": (
        (
            "uppfoljning",
            "uppfoljningar",
            "uppfoljningsresultat",
            "uppf",
            "uppfoljn",
            "resultat",
            "utfall",
            "aterrapportering",
            "redovisning",
            "genomfort",
            "kommentar uppfoljning",
            "lagesrapport",
            "tertialrapport",
            "tertialuppfoljning",
            "delarsrapport",
            "delarsbokslut",
            "arsrapport",
            "arsuppfoljning",
            "helarsuppfoljning",
            "helarsrapport",
            "helarsredovisning",
            "delarsuppfoljning",
            "delarsredovisning",
            "arsredovisning",
            "verksamhetsberattelse",
            "avrapportering",
            "aterkoppling",
            "utvardering",
            "uppnatt resultat",
            # The question a plan asks at follow-up time: "Hur gick det?", "Vad har gjorts?"
            "hur gick det",
            "hur har det gatt",
            "vad har gjorts",
            "vad har genomforts",
            "vad har hant",
            "follow up",
            "followup",
            "progress",
            "progress update",
        ),
    ),
    "status": (
        (
            "status",
            "statusbedomning",
            "bedomning",
            "maluppfyllelse",
            "maluppfyllnad",
            "trafikljus",
            "lage",
            "rag",
            "rag status",
        ),
    ),
    # The plan's own number for a measure ("1.1", "A3").
    "ref": (
        (
            "nr",
            "nummer",
            "id",
            "ref",
            "referens",
            "lopnummer",
            "atgard nr",
            "atgardsnr",
            "atgardsnummer",
            "atg nr",
            "lopnr",
            "aktivitet nr",
            "aktivitetsnummer",
        ),
    ),
    # When a measure starts: only read to give a date in "När"/"Slut" its start.
    "start": (("start", "startdatum", "startar", "paborjas"),),
    # The period a row reports on, in an export with a row per measure and period; only
    # read to join such rows into one measure (see `reports.xlsx_period_rows`).
    "period": (
        (
            "rapporteringsperiod",
            "rapportperiod",
            "uppfoljningsperiod",
            "redovisningsperiod",
            "avser period",
            "avser tertial",
        ),
    ),
    # Columns we know and deliberately leave out; naming them here keeps them from being
    # taken for the 2025 template's area-name header.
    "ignore": (
        (
            "rad",
            "prioritet",
            "prio",
            "medborgarloftet",
            "medborgarlofte",
            "koppling till medborgarlofte",
            "kommentar",
            "kommentarer",
            "ovrigt",
            "anteckningar",
            "kostnad",
            "budget",
            "finansiering",
            "resurser",
            "malgrupp",
            "malgrupper",
            "plats",
            "geografiskt omrade",
            "koppling",
            "kontaktperson",
            "ansvarig for uppfoljning",
            "uppfoljning ansvarig",
            "uppfoljning hur",
            "uppfoljning nar",
            "uppfoljning datum",
            "uppfoljningsmetod",
            "hur ska",
            "hur foljs",
            "hur mats",
            "datum for uppfoljning",
            # When the measure is to be followed up, not when it is done.
            "tidpunkt for uppfoljning",
            "tid for uppfoljning",
            "tidsplan for uppfoljning",
            "nar sker uppfoljning",
            "nar ska atgarden foljas upp",
            "uppfoljningsdatum",
            "uppfoljningstillfalle",
            "uppfoljningstillfallen",
            "comment",
            "comments",
            "notes",
            "target group",
        ),
    ),
}
# Words too common to be matched as a prefix: "Område X" heads the 2025 template's
# problem column with the area's own name, only a bare "Område" is the area column.
_EXACT_ONLY: dict[str, str] = {
    "omrade": "area",
    "omraden": "area",
    "tema": "area",
    # "Tertial 1" under "Uppföljning" is a follow-up column; "Tertial" alone a period's.
    "tertial": "period",
}

FIELDS_SINGLE = ("area", "ref", "problem", "cause", "measure", "goal", "when", "responsible")
# Columns that can repeat (one per tertial); the rightmost filled one is the latest.
FIELDS_MULTI = ("follow_up", "status")

# A footnote's mark after a header word ("Mål¹", "Åtgärd²⁾"): folded it would become part of
# the word ("mal1"); a "*" or "(1)" is punctuation already.
_FOOTNOTE_MARK = re.compile(r"[\u00b9\u00b2\u00b3\u2070-\u207f]+")
_LEADING_NUMBER = re.compile(r"^(?:\d{1,2}|[a-h])(?:\s+|$)")
# Sub-headers that name a period under an "Uppföljning" group header ("T1", "Delår 2",
# "Helår 2025", "april"), and a year or a date ("2025", "2025-04-30").
_PERIOD_WORD = (
    r"t\s?[1-3]|tertial\s?[1-3]|[1-3]\s?tertial|q\s?[1-4]|kvartal\s?[1-4]|delar\w*(?:\s?[1-3])?"
    r"|helar\w*|arsbokslut|bokslut|verksamhetsberattelse|januari|februari|mars|april|maj|juni"
    r"|juli|augusti|september|oktober|november|december|vt|ht|var|host"
)
_YEAR_LABEL = r"(?:19|20)\d\d(?:\s\d+)*"
# When the report is written, after its period: "T3 2025 (rapporteras jan 2026)".
_WRITTEN_WHEN = (
    r"(?:\s(?:rapporteras|redovisas|lamnas|skrivs|per|i|senast|datum|jan|feb|mar|apr|aug|sep"
    r"|sept|okt|nov|dec|januari|februari|(?:19|20)\d\d(?:\s\d\d){0,2}))*"
)
_PERIOD_LABEL = re.compile(
    rf"^(?:(?:{_PERIOD_WORD})(?:\s(?:19|20)\d\d)?{_WRITTEN_WHEN}|{_YEAR_LABEL})$"
)
_YEAR_ONLY = re.compile(rf"^{_YEAR_LABEL}$")


def match_header(text: str, *, exact: bool = False) -> tuple[str, int] | None:
    """Return (field, rank) for a header cell's text, or None when it is unknown.

    "1. Problem", "Orsak (varför?)", "ÅTGÄRD:" and "Åtgärd\\n(vad ska göras?)" all match.
    `exact`: only the phrase itself, numbered or not ("2. Orsaker", "ÅTGÄRD:"), never one
    followed by more words, which is how a measure's text may begin ("Insatser i skolan").
    A header in two languages or with two names ("Action / Åtgärd", "Owner / Ansvarig")
    matches by the first of its names that is known.
    """
    found = _match_one(text, exact=exact)
    if found is not None or "/" not in text:
        return found
    for part in text.split("/"):
        if part.strip() and (found := _match_one(part, exact=exact)) is not None:
            return found
    return None


def _match_one(text: str, *, exact: bool) -> tuple[str, int] | None:
    if text.strip() in ("#", "№"):
        return "ref", 0  # folds to nothing
    folded = fold(_FOOTNOTE_MARK.sub(" ", text))
    # "1. Problem" folds to "1 problem"; "a) Orsak" to "a orsak".
    stripped = _LEADING_NUMBER.sub("", folded, count=1) if " " in folded else folded
    if not stripped:
        return None
    if stripped in _EXACT_ONLY:
        return _EXACT_ONLY[stripped], 0
    best: tuple[int, str, int] | None = None  # (phrase length, field, rank)
    for key, ranks in _VOCABULARY.items():
        for rank, phrases in enumerate(ranks):
            for phrase in phrases:
                matches = stripped == phrase or (not exact and stripped.startswith(phrase + " "))
                if matches and (best is None or len(phrase) > best[0]):
                    best = (len(phrase), key, rank)
    if best is None:
        return None
    return best[1], best[2]


# The names Excel gives the columns of a table whose header cell was left empty
# ("Kolumn1", "Column2"): they name no field, and never an area.
_UNNAMED_COLUMN = re.compile(r"^(?:kolumn|column|spalte|colonne)\s?\d{1,3}$")


def is_unnamed_column(text: str) -> bool:
    return bool(_UNNAMED_COLUMN.match(fold(text)))


def is_period_label(text: str) -> bool:
    return bool(_PERIOD_LABEL.match(fold(text)))


def names_a_period(text: str) -> bool:
    """A period label that is more than a year: "Delår 1", "April", "T2", "Helår".

    A bare year heads the years of a multi-year plan as often as a follow-up."""
    folded = fold(text)
    return bool(_PERIOD_LABEL.match(folded)) and not _YEAR_ONLY.match(folded)


# What a follow-up column's label says about its tertial (T1 Jan–Apr, T2 May–Aug, T3
# Sep–Dec). Quarters map to the tertial their last month falls in. "VT", "HT", "Vår" and
# years name no tertial: such columns count as one follow-up, the latest.
_TERTIAL_NUMBER = re.compile(
    r"\b(?:t|tertial|tertialrapport|tertialuppfoljning)\s?([1-3])\b|\b([1-3])\s?(?:a\s)?tertial"
)
_QUARTER = re.compile(r"\b(?:q|kvartal)\s?([1-4])\b")
# "Delår 1" (per April) and "Delår 2" (per August): municipalities that report twice a
# year before the annual report number their interim reports; a bare "Delår" is August's.
_INTERIM_NUMBER = re.compile(r"\bdelar\w*\s?([1-3])\b")
_ISO_DATE = re.compile(r"\b20\d\d\s(0[1-9]|1[0-2])(?:\s\d\d)?\b")  # "per 2025-08-31"
_TERTIAL_WORDS = (
    (1, re.compile(r"\b(?:januari|februari|mars|april)\b")),
    (2, re.compile(r"\b(?:maj|juni|juli|augusti|delar\w*)\b")),
    (
        3,
        re.compile(
            r"\b(?:september|oktober|november|december|helar\w*|arsbokslut|bokslut|arsrapport"
            r"|arsuppfoljning|verksamhetsberattelse)\b"
        ),
    ),
)


def label_tertial(text: str) -> int | None:
    """The tertial (1-3) a follow-up or status column's label names, or None.

    A year-end report dated early the next year ("Helårsuppföljning 2025 (jan 2026)",
    "T3 2025 (rapporteras jan 2026)") is T3: its words say so before its month does. A
    date alone is the tertial a report written that day is for ("per 2025-05-05": T1's,
    written in the days after it ended); a January date alone is T1 here, and maybe the
    year before's year-end (see `label_year_end_of`)."""
    folded = fold(text)
    if m := _TERTIAL_NUMBER.search(folded):
        return int(m.group(1) or m.group(2))
    if _YEAR_END_WORDS.search(folded) or _reports_on_year_before(folded):
        return 3
    if m := _INTERIM_NUMBER.search(folded):
        return int(m.group(1))
    if m := _QUARTER.search(folded):
        return min(int(m.group(1)), 3)
    if m := _FULL_DATE.search(folded):
        year, month, day = (int(g) for g in m.groups())
        with contextlib.suppress(ValueError):  # "2025-02-30": its month still says
            return reporting_tertial(year, date(year, month, day))
    if m := _DAY_FIRST_DATE.search(folded):
        day, month, year = (int(g) for g in m.groups())
        with contextlib.suppress(ValueError):
            return reporting_tertial(year, date(year, month, day))
        return (month - 1) // 4 + 1
    if m := _ISO_DATE.search(folded):
        return (int(m.group(1)) - 1) // 4 + 1
    if m := _DAY_MONTH.search(folded):
        day, month = int(m.group(1)), int(m.group(2))
        with contextlib.suppress(ValueError):  # any year: only the day in it counts
            return reporting_tertial(_ANY_YEAR, date(_ANY_YEAR, month, day))
        return (month - 1) // 4 + 1
    if months := _MONTH.findall(folded):
        # A span ("jan–apr", "maj–aug", "jan–aug" for the interim report) ends in its tertial.
        return (_MONTHS[months[-1]] - 1) // 4 + 1
    for tertial, pattern in _TERTIAL_WORDS:
        if pattern.search(folded):
            return tertial
    return None


_LABEL_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_FULL_DATE = re.compile(r"\b(20\d\d)\s(0[1-9]|1[0-2])\s([0-3]\d)\b")  # folded 2025-05-05
# A date early in a year ("2026-01-31", "januari 2026", "31 jan 2026"): when a year-end
# report on the year before is written. Up to the end of February.
_EARLY_DATE = re.compile(
    r"\b((?:19|20)\d\d)\s0[12](?:\s[0-3]\d)?\b"
    r"|\b(?:januari|jan|februari|feb)\s((?:19|20)\d\d)\b"
    r"|\b[0-3]?\d\s0?[12]\s((?:19|20)\d\d)\b"  # "31/1 2026", "31.1.2026"
)
# A day and month with no year after "per": "per 31/8", "per 30.4".
_DAY_MONTH = re.compile(r"\bper\s([0-3]?\d)\s(0?[1-9]|1[0-2])\b")
_ANY_YEAR = 2001  # not a leap year: "per 29/2" is no day and falls back on its month
# A date written day first, folded: "31 1 2026" (31/1 2026), "15 05 2025".
_DAY_FIRST_DATE = re.compile(r"\b([0-3]?\d)\s(0?[1-9]|1[0-2])\s((?:19|20)\d\d)\b")
# Words of the report on the whole year: T3 is written after the year has ended.
_YEAR_END_WORDS = re.compile(
    r"\b(?:helar\w*|arsbokslut|bokslut|arsrapport|arsuppfoljning|arsredovisning"
    r"|verksamhetsberattelse)\b"
)


def _early_years(folded: str) -> set[int]:
    return {int(next(g for g in m.groups() if g)) for m in _EARLY_DATE.finditer(folded)}


def _reports_on_year_before(folded: str) -> bool:
    """True when an early-year date is when a report on the year before is written: the
    label names that year too ("Uppföljning 2025 (per 2026-01-31)")."""
    early = _early_years(folded)
    named = {int(y) for y in _LABEL_YEAR.findall(folded)}
    return any(y - 1 in named for y in early)


def label_year(text: str) -> int | None:
    """The one year a follow-up or status column's label names ("Uppföljning 2025",
    "Status T1 2026", "Uppföljning per 2025-08-31"), or None: no year, or a span of years
    ("Status 2025–2027"), which is the plan's period rather than one year's follow-up.

    A year-end report's label may also name when it is written, early the next year:
    "Helårsuppföljning 2025 (jan 2026)", "Årsuppföljning januari 2026" and "T3 2025
    (rapporteras jan 2026)" are 2025's."""
    folded = fold(text)
    years = {int(y) for y in _LABEL_YEAR.findall(folded)}
    early = _early_years(folded)
    year_end = (
        bool(_YEAR_END_WORDS.search(folded))
        or label_tertial(text) == 3
        or any(y - 1 in years for y in early)
    )
    if year_end and early:
        # The date it is written on names no year of its own, only its year before's.
        years = {y for y in years if y not in early} | {y - 1 for y in early}
    return years.pop() if len(years) == 1 else None


def label_month(text: str) -> int | None:
    """The one month a label names and nothing else of its period ("Uppföljning maj",
    "Status sept"), or None: no month, a span ("jan–apr") or a tertial ("T1 april")."""
    folded = fold(text)
    months = _MONTH.findall(folded)
    if len(months) != 1 or _TERTIAL_NUMBER.search(folded) or _QUARTER.search(folded):
        return None
    return _MONTHS[months[0]]


def names_early_month(text: str) -> bool:
    """True when a label's period ends in January or February and it names no year
    ("Uppföljning januari", "Status jan", "per 31/1"): right of a later month's column it
    is the year-end report, written after the year (see `reports.xlsx_layout`)."""
    folded = fold(text)
    if _LABEL_YEAR.search(folded):
        return False
    if months := _MONTH.findall(folded):
        return _MONTHS[months[-1]] <= 2
    m = _DAY_MONTH.search(folded)
    return m is not None and int(m.group(2)) <= 2


def label_year_end_of(text: str) -> int | None:
    """The year whose year-end report a label dated early in the next year may be, when
    nothing in the label says which ("Uppföljning per 2026-01-31": 2026's T1, or 2025's
    year-end, written in January). Only the plan's year tells; None for other labels."""
    folded = fold(text)
    early = _early_years(folded)
    named = _TERTIAL_NUMBER.search(folded) or _QUARTER.search(folded)
    if named or len(early) != 1 or label_year(text) not in early:
        return None
    return early.pop() - 1


# Month names and their abbreviations, as column labels write them ("Status jan–apr").
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("januari", "jan"),
            ("februari", "feb"),
            ("mars", "mar"),
            ("april", "apr"),
            ("maj",),
            ("juni", "jun"),
            ("juli", "jul"),
            ("augusti", "aug"),
            ("september", "sep", "sept"),
            ("oktober", "okt"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = re.compile(r"\b(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\b")


# The city's own area names: a lone cell with one of them is an area heading.
KNOWN_AREAS = (
    "unga i riskzon",
    "otrygga och brottsutsatta platser",
    "systemhotande brottslighet",
    "sarskilt utsatta och sarbara brottsoffer",
    "kriminella miljoer och livsstilar",
)


def is_known_area(name: str) -> bool:
    folded = fold(name)
    return any(folded.startswith(a) for a in KNOWN_AREAS)
