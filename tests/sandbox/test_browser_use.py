"""The sandbox as a new user meets it in a real browser: keyboard, reload, downloads, App Home."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from models.tables import Assignment, Measure, Meeting
from tests.sandbox.conftest import SandboxServer

pytestmark = pytest.mark.browser


def _command(page, text: str) -> None:  # type: ignore[no-untyped-def]
    page.fill("#command", text)
    page.press("#command", "Enter")


def _card(page, ref: str):  # type: ignore[no-untyped-def]
    """The newest card of a measure (the message with its buttons, not its history)."""
    page.wait_for_selector(f".msg:has-text('Åtgärd {ref}') button:has-text('Visa historik')")
    return page.locator(".msg", has=page.locator("button:has-text('Visa historik')")).last


def _focused_text(page) -> str:  # type: ignore[no-untyped-def]
    return page.evaluate(
        "() => document.activeElement.tagName + ' ' + document.activeElement.textContent"
    )


def test_the_page_loads_without_console_errors(page, console_errors: list[str]) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_load_state("load")
    page.wait_for_timeout(1000)  # the browser asks for the page's icon after the load
    assert console_errors == []


def test_app_home_has_no_command_field(page) -> None:  # type: ignore[no-untyped-def]
    # What is typed there would go to a channel the user does not see.
    page.click("#home-button")
    page.wait_for_selector("#home:not([hidden]) .block-header, #home:not([hidden]) .block-section")
    assert page.is_hidden("#composer")
    assert page.is_hidden("#messages")


def test_keyboard_focus_stays_where_the_user_pressed(page) -> None:  # type: ignore[no-untyped-def]
    _command(page, "/atgard visa 2.3")
    card = _card(page, "2.3")
    card.locator("button:has-text('Visa historik')").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(".msg:has-text('Historik för åtgärd 2.3')")
    # The bot's answer re-renders the messages; the pressed button keeps the focus.
    assert _focused_text(page) == "BUTTON Visa historik"

    card.locator("button:has-text('Skriv uppföljning')").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("dialog[open]")
    page.keyboard.press("Escape")
    page.wait_for_selector("dialog[open]", state="detached")
    assert _focused_text(page) == "BUTTON Skriv uppföljning"


def test_reload_opens_the_same_channel_and_app_home(page) -> None:  # type: ignore[no-untyped-def]
    page.click("#channels button:has-text('est-kungsholmen')")
    page.reload()
    page.wait_for_selector(".msg")
    assert page.inner_text("#channel-title") == "#est-kungsholmen"
    page.click("#home-button")
    page.reload()
    page.wait_for_selector("#home:not([hidden])")
    assert page.inner_text("#channel-title") == "Appens hem"


def test_next_page_replaces_the_list_like_slack(page) -> None:  # type: ignore[no-untyped-def]
    _command(page, "/atgard lista alla")
    page.wait_for_selector(".msg:has-text('sida 1 av 2')")
    first = page.locator(".msg:has-text('sida 1 av 2')").last
    message_id = first.get_attribute("data-message-id")
    count = page.locator(".msg").count()
    first.locator("button:has-text('Nästa sida')").click()
    page.wait_for_selector(f".msg[data-message-id='{message_id}']:has-text('sida 2 av 2')")
    assert page.locator(".msg").count() == count


def test_at_du_names_yourself_as_responsible(page, sandbox_server: SandboxServer) -> None:  # type: ignore[no-untyped-def]
    # The bot's own hint says `/atgard ansvarig 1.3 @du`; Slack's client sends the picked
    # person as <@U…|name>, and so does the sandbox.
    _command(page, "/atgard ansvarig 1.4 @du")
    page.wait_for_selector(".msg:has-text('påminns nu om åtgärd 1.4')")
    with sandbox_server.session_factory().begin() as s:
        users = s.exec(select(Assignment.user_id).join(Measure).where(Measure.ref == "1.4")).all()
    assert users == ["USANDBOX1"]


def test_exports_download_with_their_names_and_open(page) -> None:  # type: ignore[no-untyped-def]
    _command(page, "/atgard export T1 html")
    page.wait_for_selector(".file a:has-text('Läge per område')")
    page.wait_for_selector(".file a:has-text('Tertialrapport 1 2025')")
    with page.expect_download() as chart:
        page.locator(".file a:has-text('Läge per område')").last.click()
    assert chart.value.suggested_filename == "Läge per område.png"
    with open(chart.value.path(), "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    with page.expect_download() as report:
        page.locator(".file a:has-text('Tertialrapport 1 2025')").last.click()
    assert report.value.suggested_filename == "atgardsplan-2025-T1-kungsholmen.html"

    _command(page, "/atgard export T1 xlsx")
    page.wait_for_selector(".file a:has-text('Tertialrapport 1 2025') >> nth=1")
    with page.expect_download() as sheet:
        page.locator(".file a:has-text('Tertialrapport 1 2025')").last.click()
    assert sheet.value.suggested_filename == "atgardsplan-2025-T1-kungsholmen.xlsx"
    with open(sheet.value.path(), "rb") as f:
        workbook = load_workbook(io.BytesIO(f.read()))
    assert workbook.sheetnames


def test_a_command_typed_while_the_sandbox_is_down_is_kept(page, console_errors: list[str]) -> None:  # type: ignore[no-untyped-def]
    # The sandbox stopped or restarting: the page says so in Swedish and keeps what was typed.
    page.route("**/sandbox/command", lambda route: route.abort())
    _command(page, "/atgard visa 1.3")
    page.wait_for_selector("#offline:not([hidden])")
    assert "Sandlådan svarar inte" in page.inner_text("#offline")
    assert page.input_value("#command") == "/atgard visa 1.3"
    # The browser notes the failed request; the page itself throws nothing.
    assert [e for e in console_errors if not e.startswith("Failed to load resource")] == []

    page.unroute("**/sandbox/command")
    page.press("#command", "Enter")
    _card(page, "1.3")
    page.wait_for_selector("#offline", state="hidden")
    assert page.input_value("#command") == "/atgard "


def test_the_meeting_form_shows_and_checks_dates_as_2025_04_30(
    page, sandbox_server: SandboxServer
) -> None:  # type: ignore[no-untyped-def]
    # In an English browser a date field would read 12/02/2025; the sandbox shows 2025-12-02.
    _command(page, "/atgard mote")
    page.wait_for_selector("dialog[open] #in-date")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", page.input_value("#in-date"))
    # A type="date" field shows the browser language's format, whatever its value is.
    assert page.get_attribute("#in-date", "type") == "text"
    with sandbox_server.session_factory().begin() as s:
        before = len(s.exec(select(Meeting)).all())
    page.fill("#in-date", "2025-02-30")
    page.click("#modal-submit")
    error = page.wait_for_selector(".input-block[data-block-id='date'] .error:not([hidden])")
    assert (
        error.inner_text() == "”2025-02-30” är inget giltigt datum. Skriv till exempel 2025-04-30."
    )
    with sandbox_server.session_factory().begin() as s:
        assert len(s.exec(select(Meeting)).all()) == before
    page.fill("#in-date", "2025-03-12")
    page.click("#modal-submit")
    page.wait_for_selector("dialog[open]", state="detached")
    with sandbox_server.session_factory().begin() as s:
        held = s.exec(select(Meeting.held_on)).all()
    assert date(2025, 3, 12) in held


def test_a_channel_with_new_messages_is_marked_until_opened(page) -> None:  # type: ignore[no-untyped-def]
    """The bot answers a click in App Home in its direct messages: the user must see where."""
    page.click("#home-button")
    page.wait_for_selector("#home:not([hidden]) button:has-text('Visa')")
    page.locator("#home button:has-text('Visa')").first.click()
    dm = page.locator("#channels button:has-text('Appens meddelanden')")
    dm.locator(".badge").wait_for()
    assert dm.locator(".badge").inner_text() == "1"
    assert "1 nytt meddelande" in (dm.get_attribute("aria-label") or "")
    assert page.locator("#channels .badge").count() == 1  # nothing new elsewhere
    dm.click()
    page.wait_for_selector(".msg:has-text('Åtgärd')")
    assert page.locator("#channels .badge").count() == 0
    assert page.inner_text("#channel-title") == "Appens meddelanden"


def test_the_meeting_form_says_how_to_pick_several_measures(page) -> None:  # type: ignore[no-untyped-def]
    _command(page, "/atgard möte")
    page.wait_for_selector("dialog[open] select[multiple]")
    hint = page.locator("dialog .input-block", has=page.locator("select[multiple]")).locator(
        ".hint"
    )
    assert "välja flera" in hint.inner_text()
    page.click("#modal-close")
