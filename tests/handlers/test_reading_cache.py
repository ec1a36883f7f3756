"""The reading cache: copies out, one computation per burst, refusals never kept."""

from __future__ import annotations

import threading
import time

import pytest

from handlers.reading_cache import ReadingCache
from models.replies import Reply


def test_a_burst_of_misses_computes_once() -> None:
    cache = ReadingCache()
    made = 0

    def make() -> Reply:
        nonlocal made
        made += 1
        time.sleep(0.2)  # a thousand-measure plan
        return Reply.text("16 åtgärder", title="Plan")

    got: list[Reply] = []
    threads = [
        threading.Thread(target=lambda: got.append(cache.get_or_make("k", make))) for _ in range(6)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert made == 1
    assert [r.plain() for r in got] == ["Plan\n16 åtgärder"] * 6


def test_callers_get_copies() -> None:
    cache = ReadingCache()
    first = cache.get_or_make("k", lambda: Reply.text("original"))
    first.sections[0].text = "changed by a caller"  # the router masks texts in place
    again = cache.get_or_make("k", lambda: Reply.text("not called"))
    assert again.sections[0].text == "original"
    assert cache.hits == 1


def test_refusals_and_errors_are_not_kept() -> None:
    cache = ReadingCache()
    failed = Reply.text("Tjänsten är tillfälligt otillgänglig")
    failed.failed = True
    assert cache.get_or_make("k", lambda: failed).failed
    assert cache.get_or_make("k", lambda: Reply.text("ok")).plain() == "ok"

    def boom() -> Reply:
        raise RuntimeError("database gone")

    with pytest.raises(RuntimeError):
        cache.get_or_make("x", boom)
    assert cache.get_or_make("x", lambda: Reply.text("later")).plain() == "later"


def test_oldest_entries_leave_first() -> None:
    cache = ReadingCache(max_entries=2)
    for key in ("a", "b", "c"):
        cache.get_or_make(key, lambda key=key: Reply.text(key))  # type: ignore[misc]
    assert cache.get_or_make("a", lambda: Reply.text("again")).plain() == "again"


def test_a_rendering_is_made_once_from_a_copy_and_shared() -> None:
    cache = ReadingCache()
    assert cache.rendering("k", "slack", lambda r: {"text": r.plain()}) is None  # never computes
    cache.get_or_make("k", lambda: Reply.text("original"))
    calls = 0

    def render(reply: Reply) -> dict[str, str]:
        nonlocal calls
        calls += 1
        reply.sections[0].text = "masked"  # the router masks the copy it is given in place
        return {"text": reply.plain()}

    first = cache.rendering("k", "slack", render)
    assert first == {"text": "masked"}
    assert cache.rendering("k", "slack", render) is first  # shared, not made again
    assert calls == 1
    assert cache.rendering("k", "console", lambda r: r.plain()) == "original"  # per tag
    assert cache.get_or_make("k", lambda: Reply.text("not called")).plain() == "original"


def test_a_rendering_goes_with_its_entry() -> None:
    cache = ReadingCache(max_entries=1)
    cache.get_or_make("a", lambda: Reply.text("a"))
    assert cache.rendering("a", "t", lambda r: r.plain()) == "a"
    cache.get_or_make("b", lambda: Reply.text("b"))  # pushes "a" out
    assert cache.rendering("a", "t", lambda r: r.plain()) is None
    cache.get_or_make("a", lambda: Reply.text("a, again"))
    assert cache.rendering("a", "t", lambda r: r.plain()) == "a, again"
