"""A follow-up's verdict from its prose: uppfyllt, delvis, ej_uppfyllt, pågående, ej bedömd.

Pure module (no openpyxl): the importer, the exports and the chat commands read verdicts
the same way.
"""

from __future__ import annotations

import re

from reports.xlsx_text import fold as _fold

VERDICTS = ("uppfyllt", "delvis", "ej_uppfyllt", "pagaende", "ej_bedomd")

# Patterns run on folded text (no diacritics, lower case, no punctuation):
# "uppnått" is "uppnatt", "pågår" is "pagar".
_VERBS = (
    r"(?:uppfyllt|uppfylld|uppfyllda|uppfyllts|uppnatt|uppnadd|uppnadda|uppnatts|natt|natts"
    r"|genomfort|genomford|genomforda|genomforts|paborjat|paborjad|paborjats|startat|startad"
    r"|utfort|utford|utforda|slutfort|slutford)"
)
_NEG = re.compile(
    rf"\b(?:ej|inte|icke)\s+(?:har\s+|blivit\s+)?{_VERBS}\b"
    r"|\b(?:uppfylldes|uppnaddes|naddes|genomfordes|paborjades)\s+(?:ej|inte)\b"
    r"|^(?:status\s+)?(?:rod|rott)\b"
    # A status drop-down's words for work stopped ("Avbruten", "Inställd").
    r"|^(?:status\s+)?(?:avbruten|avbrutet|avbrutna|installd|installt|installda)$"
    # The same words in a plan written in English as well ("Red", "Not started").
    r"|^(?:status\s+)?(?:red|not started|not done|cancelled|canceled|off track)$"
    # "Ej klar" beside "Klar" in a drop-down; work stopped or paused.
    r"|^(?:status\s+)?(?:ej|inte)\s+(?:klar|klart|fardig|fardigt|avslutad|avslutat)$"
    r"|^(?:status\s+)?(?:stoppad|stoppat|pausad|pausat|vilande)$"
)
_PARTIAL = re.compile(
    rf"\b(?:delvis|(?:inte|ej)\s+helt|till\s+viss\s+del|till\s+stor\s+del)\s+{_VERBS}\b"
    r"|\bmalet ar delvis\b"
    r"|^(?:status\s+)?(?:delvis|gul|gult)\b"
    # "Försenad": the amber light of a status drop-down (grön / gul / röd).
    r"|^(?:status\s+)?(?:forsenad|forsenat|forsenade)$"
    r"|^(?:status\s+)?(?:amber|yellow|delayed|at risk|partially completed|partially done)$"
    # The word before "delvis": "Genomförd delvis", "Klar delvis".
    rf"|^(?:status\s+)?(?:klar|klart|{_VERBS})\s+delvis$"
)
_POS = re.compile(
    r"\b(?:uppfyllt|uppfylld|uppfyllda|uppfyllts|uppnatt|uppnadd|uppnadda|uppnatts)\b"
    r"|\bmalet (?:ar |har )?(?:natt|natts)\b"
    r"|^(?:status\s+)?(?:gron|gront)\b"
    # "Klart." is a verdict, "Klart i höst" / "klart senast v. 40" is a plan.
    r"|^(?:status\s+)?(?:klar|klart)(?:$|\s+(?!i\b|till\b|under\b|senast\b|innan\b|efter\b"
    r"|v\b|vecka\b|nasta\b))"
    # A status column's one word ("Genomförd", "Avslutad"); in prose "har genomförts" says
    # what was done, not whether the goal was met, so only a cell that is just the word.
    r"|^(?:status\s+)?(?:genomfort|genomford|genomforda|utfort|utford|slutfort|slutford"
    r"|avslutad|avslutat|avklarad|avklarat|fardig|fardigt)(?:\s+enligt\s+plan)?$"
    r"|^(?:status\s+)?(?:green|done|completed|complete|achieved)$"
)
_ONGOING = re.compile(
    r"\b(?:pagar|pagaende|fortsatter|fortgar|fortloper|paborjat|paborjats|under arbete"
    r"|under uppbyggnad)\b"
    r"|^(?:status\s+)?(?:paborjad|startad|startat|enligt plan|pa gang|i gang|igang)$"
    r"|^(?:status\s+)?(?:on track|in progress|ongoing|started)$"
    # A status cell saying the work goes on ("Löpande", "Genomförs"), not a verdict.
    r"|^(?:status\s+)?(?:lopande|kontinuerligt|fortlopande|fortgaende|genomfors|utfors)$"
)
# Traffic-light emoji Brå's template suggests; checked on the raw text.
# The number of a drop-down's choice, folded ("3 - Klar" -> "3 klar").
_LIST_NUMBER = re.compile(r"^[1-9]\s(?=[a-z])")
_EMOJI = {"🔴": "ej_uppfyllt", "🟡": "delvis", "🟠": "delvis", "🟢": "uppfyllt"}


def derive_verdict(text: str | None) -> str:
    """Classify a follow-up text: uppfyllt, delvis, ej_uppfyllt, pagaende or ej_bedomd.

    Negatives are checked first because "ej uppfyllt" contains "uppfyllt"; an explicit
    verdict beats words about ongoing work ("Målet är uppfyllt. Arbetet fortsätter.").
    """
    if not text or not text.strip():
        return "ej_bedomd"
    stripped = text.strip()
    if stripped[:1] in _EMOJI:
        return _EMOJI[stripped[:1]]
    # A drop-down's numbered choices ("1 - Ej påbörjad", "3. Klar") say their word.
    folded = _LIST_NUMBER.sub("", _fold(stripped), count=1)
    if _NEG.search(folded):
        return "ej_uppfyllt"
    if _PARTIAL.search(folded):
        return "delvis"
    if _POS.search(folded):
        return "uppfyllt"
    if _ONGOING.search(folded):
        return "pagaende"
    return "ej_bedomd"
