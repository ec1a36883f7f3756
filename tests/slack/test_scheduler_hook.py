"""The hook that starts the colleague's scheduler in `run` and `serve`."""

from __future__ import annotations

import importlib.machinery
import sys
import types

from bot.cli_serve import start_scheduler_hook
from bot.runtime import Runtime


def runtime(settings, enabled: bool = True) -> Runtime:  # type: ignore[no-untyped-def]
    return Runtime(
        settings=settings.model_copy(update={"scheduler_enabled": enabled}),
        engine=None,
        session_factory=None,
    )  # type: ignore[arg-type]


def test_hook_calls_start_scheduler(settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    calls = []
    fake = types.ModuleType("reminders.service")
    fake.__spec__ = importlib.machinery.ModuleSpec("reminders.service", None)
    fake.start_scheduler = lambda rt, notifier: calls.append((rt, notifier)) or "scheduler"  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "reminders.service", fake)
    rt = runtime(settings)
    assert start_scheduler_hook(rt, "notifier") == "scheduler"  # type: ignore[arg-type]
    assert calls == [(rt, "notifier")]


def test_hook_respects_scheduler_enabled(settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    fake = types.ModuleType("reminders.service")
    fake.__spec__ = importlib.machinery.ModuleSpec("reminders.service", None)
    fake.start_scheduler = lambda rt, notifier: 1 / 0  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "reminders.service", fake)
    assert start_scheduler_hook(runtime(settings, enabled=False), "n") is None  # type: ignore[arg-type]
