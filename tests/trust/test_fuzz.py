"""Hypothesis fuzzing of everything a user can type or submit: no exception escapes, every reply
is the help, a result or a clear Swedish error, and nothing is stored half-way."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import func, select

from handlers.router import execute, submit
from handlers.texts import UNEXPECTED
from models.replies import ModalId, Reply
from models.tables import FollowUp, Meeting

COMMANDS = [
    "",
    "lista",
    "visa",
    "uppfolj",
    "uppfölj",
    "klar",
    "mote",
    "möte",
    "status",
    "koppla",
    "ansvarig",
    "rytm",
    "historik",
    "export",
    "hjälp",
]
REFS = st.one_of(
    st.sampled_from(["1.1", "1.3", "2.3", "9.9", "0.0", "1.", ".1", "99.999"]), st.text(max_size=8)
)
TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300)

FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _assert_clear(reply: Reply) -> None:
    text = reply.plain()
    assert text.strip() or reply.form is not None or reply.errors
    assert UNEXPECTED not in text, text
    assert "Traceback" not in text


@FUZZ
@given(cmd=st.sampled_from(COMMANDS), ref=REFS, rest=TEXT)
def test_commands_never_crash(make_ctx, imported_plan, cmd: str, ref: str, rest: str) -> None:  # type: ignore[no-untyped-def]
    _assert_clear(execute(make_ctx(), f"{cmd} {ref} {rest}"))


@FUZZ
@given(
    ref=REFS,
    plan_id=st.one_of(st.just(""), st.text(max_size=5), st.integers(-5, 10**12).map(str)),
    verdict=st.one_of(
        st.none(), st.sampled_from(["uppfyllt", "delvis", "x", ""]), st.text(max_size=20)
    ),
    text=st.one_of(st.none(), TEXT, st.text(min_size=3990, max_size=4100)),
)
def test_follow_up_form_submissions(
    make_ctx, imported_plan, session_factory, ref, plan_id, verdict, text
) -> None:  # type: ignore[no-untyped-def]
    with session_factory.begin() as s:
        before = s.exec(select(func.count()).select_from(FollowUp)).one()
    reply = submit(
        make_ctx(),
        ModalId.FOLLOW_UP,
        {"ref": ref, "plan_id": plan_id},
        {"verdict": verdict, "text": text},
    )
    _assert_clear(reply)
    with session_factory.begin() as s:
        after = s.exec(select(func.count()).select_from(FollowUp)).one()
    assert after - before == (
        0 if reply.errors or not reply.title or "sparad" not in reply.title else 1
    )


@FUZZ
@given(
    group_id=st.one_of(st.just("1"), st.text(max_size=6), st.integers(-3, 10**15).map(str)),
    date=st.one_of(st.just("2025-03-12"), st.text(max_size=12), st.dates().map(str)),
    measures=st.one_of(st.none(), st.lists(REFS, max_size=5), TEXT),
    notes=st.one_of(st.none(), TEXT),
)
def test_meeting_form_submissions(
    make_ctx, imported_plan, session_factory, group_id, date, measures, notes
) -> None:  # type: ignore[no-untyped-def]
    with session_factory.begin() as s:
        before = s.exec(select(func.count()).select_from(Meeting)).one()
    reply = submit(
        make_ctx(),
        ModalId.MEETING,
        {"group_id": group_id},
        {
            "date": date,
            "measures": measures,
            "notes": notes,
            "organisations": notes,
            "decisions": None,
        },
    )
    _assert_clear(reply)
    with session_factory.begin() as s:
        after = s.exec(select(func.count()).select_from(Meeting)).one()
    assert after - before in (0, 1)
    if reply.errors:
        assert after == before


def test_unknown_form_id(make_ctx, imported_plan) -> None:  # type: ignore[no-untyped-def]
    assert submit(make_ctx(), "nope", {}, {}).errors
