"""Tests for bot.textsafety: cleaning, length checks, Slack escaping, truncation."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.textsafety import (
    MAX_FOLLOW_UP,
    MAX_NOTE,
    MAX_SHORT,
    check_length,
    clean_text,
    escape_mrkdwn,
    genitive,
    truncate,
)
from models.errors import ValidationError

# --------------------------------------------------------------------------- clean_text


def test_limits() -> None:
    assert (MAX_FOLLOW_UP, MAX_NOTE, MAX_SHORT) == (3000, 3000, 200)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  Målet är uppfyllt.  ", "Målet är uppfyllt."),
        ("rad ett\r\nrad två\rrad tre", "rad ett\nrad två\nrad tre"),
        ("kolumn\tett\nrad", "kolumn\tett\nrad"),
        ("pip\x07 och\x00 nul\x1b[31m", "pip och nul[31m"),
        ("DEL\x7f och C1\x85\x9b", "DEL och C1"),
        ("a\u030angström", "ångström"),  # decomposed å becomes one code point
        ("\ufeffBOM först", "BOM först"),
        ("höger\u202etill vänster", "högertill vänster"),
        ("\n\n  \t", ""),
        ("stycke\u2029nytt\u2028rad", "stycke\nnytt\nrad"),
        ("👩\u200d👩\u200d👧 familj", "👩\u200d👩\u200d👧 familj"),  # ZWJ kept
    ],
)
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


@given(st.text())
def test_clean_text_is_idempotent(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once) == once


@given(st.text())
def test_clean_text_leaves_no_control_characters(text: str) -> None:
    cleaned = clean_text(text)
    assert "\r" not in cleaned
    assert all(ch in "\n\t" or unicodedata.category(ch) != "Cc" for ch in cleaned)
    assert cleaned == unicodedata.normalize("NFC", cleaned)
    assert cleaned == cleaned.strip()


# --------------------------------------------------------------------------- check_length


def test_check_length_accepts_up_to_limit() -> None:
    check_length("x" * 200, 200)
    check_length("", 0)


def test_check_length_rejects_with_swedish_message() -> None:
    with pytest.raises(ValidationError) as info:
        check_length("å" * 3001, MAX_FOLLOW_UP, field="follow_up", label="Uppföljningen")
    exc = info.value
    assert exc.field == "follow_up"
    assert exc.message.startswith(
        "Uppföljningen är för lång (3\u00a0001 tecken, högst 3\u00a0000). Korta"
    )


def test_check_length_default_label() -> None:
    with pytest.raises(ValidationError) as info:
        check_length("abc", 2)
    assert info.value.message.startswith("Texten är för lång (3 tecken, högst 2).")
    assert info.value.field is None


# --------------------------------------------------------------------------- escape_mrkdwn


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("<!channel> kom hit", "&lt;!channel&gt; kom hit"),
        ("<!here>", "&lt;!here&gt;"),
        ("<@U123ABC>", "&lt;@U123ABC&gt;"),
        ("<https://evil.example|Kommunens sida>", "&lt;https://evil.example|Kommunens sida&gt;"),
        ("Skola & socialtjänst", "Skola &amp; socialtjänst"),
        ("&lt; redan", "&amp;lt; redan"),
        ("*fet* _kursiv_ ~struken~", "*fet* _kursiv_ ~struken~"),
        ("", ""),
    ],
)
def test_escape_mrkdwn(raw: str, escaped: str) -> None:
    assert escape_mrkdwn(raw) == escaped


@given(st.text())
def test_escape_mrkdwn_never_leaves_angle_brackets(text: str) -> None:
    escaped = escape_mrkdwn(text)
    assert "<" not in escaped and ">" not in escaped
    # Reversible: Slack shows exactly what the user typed.
    unescaped = escaped.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    assert unescaped == text


# --------------------------------------------------------------------------- truncate


def test_truncate_short_text_unchanged() -> None:
    assert truncate("Kort text", 20) == "Kort text"
    assert truncate("exakt", 5) == "exakt"


def test_truncate_at_word_boundary() -> None:
    text = "Socialsekreterare samsitter med polisen varje vecka"
    out = truncate(text, 30)
    assert out == "Socialsekreterare samsitter…"
    assert len(out) <= 30


def test_truncate_drops_trailing_punctuation() -> None:
    assert truncate("Skola, socialtjänst, polis och fritid", 22) == "Skola, socialtjänst…"


def test_truncate_hard_cut_for_long_word() -> None:
    out = truncate("Trygghetsvandringsuppföljningsmöte", 10)
    assert out == "Trygghets…"


def test_truncate_custom_suffix_and_tiny_limits() -> None:
    assert truncate("ett två tre fyra", 12, suffix=" [...]") == "ett [...]"
    assert truncate("abcdef", 1) == "a"
    assert truncate("abcdef", 3, suffix="...") == "abc"
    assert truncate("abcdef", 0) == ""


@given(st.text(), st.integers(min_value=0, max_value=300), st.sampled_from(["…", "...", ""]))
def test_truncate_never_exceeds_limit(text: str, limit: int, suffix: str) -> None:
    out = truncate(text, limit, suffix)
    assert len(out) <= limit
    if len(text) <= limit:
        assert out == text
    elif suffix and out.endswith(suffix) and len(out) > len(suffix):
        assert text.startswith(out[: -len(suffix)])
    else:
        assert text.startswith(out)


@pytest.mark.parametrize(
    ("name", "form"),
    [
        ("SSP", "SSP:s"),
        ("EST", "EST:s"),
        ("Grupp 2", "Grupp 2:s"),
        ("Trygghetsrådet", "Trygghetsrådets"),
        ("Fältgruppen Ås", "Fältgruppen Ås"),
        ("en annan grupp", "en annan grupps"),
    ],
)
def test_genitive(name: str, form: str) -> None:
    assert genitive(name) == form
