"""End to end in a real browser: Debian's chromium driven by Playwright against `atgard sandbox`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlmodel import select

from models.tables import FollowUp, Measure
from tests.sandbox.conftest import SandboxServer

DOCS = Path(__file__).parents[2] / "docs"

pytestmark = pytest.mark.browser


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    # Screenshots for docs/ are refreshed on request only, so CI never dirties the checkout.
    if os.environ.get("ATGARD_SCREENSHOTS"):
        page.screenshot(path=str(DOCS / name))


def test_follow_up_through_the_modal(page, sandbox_server: SandboxServer) -> None:  # type: ignore[no-untyped-def]
    page.fill("#command", "/atgard uppfolj 1.3")
    page.press("#command", "Enter")
    dialog = page.wait_for_selector("dialog[open]")
    assert "Uppföljning 1.3" in dialog.inner_text()
    page.select_option("#in-verdict", "delvis")
    page.fill("#in-text", "Tre av åtta SSP-möten hölls under våren.")
    _shot(page, "sandbox-modal.png")
    page.click("#modal-submit")
    page.wait_for_selector("dialog[open]", state="detached")
    page.wait_for_selector(".msg:has-text('Uppföljning sparad för 1.3')")
    reply = page.locator(".msg:has-text('Uppföljning sparad för 1.3')").first
    assert "Tre av åtta SSP-möten hölls under våren." in reply.inner_text()
    assert "Delvis uppfyllt" in reply.inner_text()
    with sandbox_server.session_factory().begin() as s:
        fu = s.exec(select(FollowUp).join(Measure).where(Measure.ref == "1.3")).one()
        assert (fu.verdict, fu.text, fu.author_id) == (
            "delvis",
            "Tre av åtta SSP-möten hölls under våren.",
            "USANDBOX1",
        )
    _shot(page, "sandbox-reply.png")


def test_modal_validation_error_is_shown_and_nothing_stored(
    page, sandbox_server: SandboxServer
) -> None:  # type: ignore[no-untyped-def]
    with sandbox_server.session_factory().begin() as s:
        before = len(s.exec(select(FollowUp)).all())
    page.fill("#command", "/atgard uppfolj 1.3")
    page.press("#command", "Enter")
    page.wait_for_selector("dialog[open]")
    page.fill("#in-text", "Eleven 811218-9876 har slutat")
    page.click("#modal-submit")
    error = page.wait_for_selector(".input-block .error:not([hidden])")
    assert "personnummer" in error.inner_text().lower()
    assert "811218" not in page.content()
    page.click("#modal-close")
    page.wait_for_selector("dialog[open]", state="detached")
    with sandbox_server.session_factory().begin() as s:
        assert len(s.exec(select(FollowUp)).all()) == before


def test_buttons_and_list(page) -> None:  # type: ignore[no-untyped-def]
    page.fill("#command", "/atgard visa 1.3")
    page.press("#command", "Enter")
    page.wait_for_selector(".msg:has-text('Åtgärd 1.3')")
    page.click(".msg:has-text('Åtgärd 1.3') button:has-text('Visa historik')")
    page.wait_for_selector(".msg:has-text('Historik för åtgärd 1.3')")


def test_a_wrong_follow_up_is_taken_back_with_its_button(
    page, sandbox_server: SandboxServer
) -> None:  # type: ignore[no-untyped-def]
    page.fill("#command", "/atgard uppfolj 1.4 Skrivet på fel åtgärd")
    page.press("#command", "Enter")
    saved = page.locator(".msg:has-text('Uppföljning sparad för 1.4')").first
    saved.wait_for()
    saved.locator("button:has-text('Ångra')").click()
    page.wait_for_selector(".msg:has-text('Ångrat: din uppföljning av åtgärd 1.4')")
    with sandbox_server.session_factory().begin() as s:
        texts = [f.text for f in s.exec(select(FollowUp).join(Measure).where(Measure.ref == "1.4"))]
    assert "Skrivet på fel åtgärd" not in texts


# Last in the module: it moves the sandbox's clock for every later test on this server.
def test_fast_forward_shows_the_weekly_digest(page, sandbox_server: SandboxServer) -> None:  # type: ignore[no-untyped-def]
    page.click(".ff button[data-days='7']")
    try:
        page.wait_for_selector(".msg:has-text('Veckobrev')", timeout=30_000)
    except Exception as e:  # show what the bot did, so a failure here can be understood
        raise AssertionError(
            f"no digest after fast-forward; sandbox log:\n{sandbox_server.log_tail()}"
        ) from e
    # A locator, not a handle: the page re-renders its message list whenever the bot posts.
    digest = page.locator(".msg:has-text('Veckobrev')").first
    text = digest.inner_text()
    assert "SSP" in text
    if os.environ.get("ATGARD_SCREENSHOTS"):
        page.wait_for_timeout(1500)  # let the other reminders of the fast-forward arrive first
        digest.evaluate("el => el.scrollIntoView({block: 'start'})")
        _shot(page, "sandbox-digest.png")
