"""Ctrl+C stops the sandbox at once, even with the page open (its long poll waiting)."""

from __future__ import annotations

import json
import signal
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from tests.sandbox.conftest import free_port, open_page, running_sandbox


def _settled_version(url: str) -> int:
    """The state's version once nothing changes for a while: the first scan right after the
    start posts whatever was due earlier today (after 08.00, the day's digests and reminders),
    and each post is a change the page's long poll is answered for."""
    version = _version(url)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with urllib.request.urlopen(f"{url}sandbox/state?since={version}&wait=2", timeout=10) as r:
            latest = json.loads(r.read())["version"]
        if latest == version:
            return version
        version = latest
    raise AssertionError("the sandbox's state kept changing")


def test_ctrl_c_with_the_page_open_stops_at_once(tmp_path: Path) -> None:
    with running_sandbox(tmp_path) as server:
        version = _settled_version(server.url)
        answered: list[float] = []

        def long_poll() -> None:  # what the open page does all the time
            try:
                url = f"{server.url}sandbox/state?since={version}&wait=20"
                with urllib.request.urlopen(url, timeout=30) as resp:
                    resp.read()
            except OSError:
                pass
            answered.append(time.monotonic())

        poller = threading.Thread(target=long_poll)
        poller.start()
        time.sleep(1.0)  # the poll is now waiting in the server
        assert not answered
        stopped_at = time.monotonic()
        server.proc.send_signal(signal.SIGINT)
        server.proc.wait(30)
        elapsed = time.monotonic() - stopped_at
        poller.join(30)
    # Before: the worker waited for the poll until gunicorn killed it after 10 s, with
    # "Worker (pid:…) was sent SIGKILL! Perhaps out of memory?" in the terminal.
    assert elapsed < 5, server.log_tail()
    assert "SIGKILL" not in server.log_path.read_text(errors="replace")
    assert answered and answered[0] - stopped_at < 5


def _version(url: str) -> int:
    with urllib.request.urlopen(url + "sandbox/state", timeout=10) as resp:
        return json.loads(resp.read())["version"]


@pytest.mark.browser
def test_an_open_page_catches_up_at_once_when_the_sandbox_is_back(tmp_path: Path) -> None:
    port = free_port()
    errors: list[str] = []
    with (
        running_sandbox(tmp_path / "before", "--start", "2025-12-02", port=port) as first,
        open_page(first.url, errors) as page,
    ):
        page.wait_for_timeout(500)
        seen = _version(first.url)
        first.proc.send_signal(signal.SIGINT)
        first.proc.wait(30)
        page.wait_for_selector("#offline:not([hidden])")
        with running_sandbox(tmp_path / "after", "--start", "2025-12-03", port=port) as second:
            # The new run counts its versions from the start like the old one did: the page
            # must not take the same number for "no change" and wait out its 20-second poll.
            assert _version(second.url) == seen
            page.wait_for_selector("#offline", state="hidden", timeout=8_000)
            page.wait_for_function(
                "() => document.getElementById('now').textContent.includes('2025-12-03')",
                timeout=3_000,
            )
