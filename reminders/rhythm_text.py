"""Folding "När" text for matching, and the words for numbers and months the readers share.

Matching is done on a *folded* copy of the text (lower case, å/ä→a, ö→o, HTML tags
blanked) that has exactly the same length as the original, so spans found in the folded
text can be used to cut notes out of the original. Folding also makes commands typed
without å/ä/ö ("8/ar", "2/man", "lopande") work.
"""

from __future__ import annotations

import re

_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "–": "-", "—": "-", "\u00a0": " "})
_TAG_RE = re.compile(r"<[^<>]*>")
_WS_RE = re.compile(r"\s+")


def _blank_tags(text: str) -> str:
    # Same-length replacement keeps folded and original positions aligned.
    return _TAG_RE.sub(lambda m: " " * len(m.group()), text)


def _fold(text: str) -> str:
    """Lower-case and strip diacritics one character at a time, keeping the length."""
    out = []
    for ch in text:
        low = ch.lower()
        # A few characters lower-case to two code points ("İ"); keep those as they are.
        out.append(low if len(low) == 1 else ch)
    return "".join(out).translate(_FOLD)


def _squash(text: str) -> str:
    return _WS_RE.sub(" ", text).strip()


_NUMBER_WORDS: dict[str, float] = {
    "en": 1,
    "ett": 1,
    "tva": 2,
    "tre": 3,
    "fyra": 4,
    "fem": 5,
    "sex": 6,
    "sju": 7,
    "atta": 8,
    "nio": 9,
    "tio": 10,
    "elva": 11,
    "tolv": 12,
    "femton": 15,
    "tjugo": 20,
}
_ORDINALS: dict[str, int] = {
    "annan": 2,
    "annat": 2,
    "andra": 2,
    "tredje": 3,
    "fjarde": 4,
    "femte": 5,
    "sjatte": 6,
    "sjunde": 7,
    "attonde": 8,
    "nionde": 9,
    "tionde": 10,
}
_NUM = r"(?:\d{1,3}(?:[.,]\d+)?(?!\d)|(?:" + "|".join(_NUMBER_WORDS) + r")\b)"


def _number(token: str) -> float:
    token = token.strip()
    if token in _NUMBER_WORDS:
        return _NUMBER_WORDS[token]
    return float(token.replace(",", "."))


_MONTHS: dict[str, int] = {
    "januari": 1,
    "jan": 1,
    "februari": 2,
    "feb": 2,
    "mars": 3,
    "april": 4,
    "apr": 4,
    "maj": 5,
    "juni": 6,
    "jun": 6,
    "juli": 7,
    "augusti": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "oktober": 10,
    "okt": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
_MONTH = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")"

# Month names as labels write them, January first.
_MONTH_NAMES = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
]
