"""A plan row without its text (5.2 in the example plan) still reads as something in every list."""

from __future__ import annotations

from handlers.router import execute, press
from models.replies import ModalId


def test_a_measure_without_text_is_named_in_lists_and_the_meeting_form(
    make_ctx, imported_plan
) -> None:  # type: ignore[no-untyped-def]
    first = execute(make_ctx(), "lista")
    page_button = first.sections[-1].buttons[-1]
    page2 = press(make_ctx(), page_button.action, page_button.value)
    [heading] = [s.heading for s in page2.sections if s.heading and " 5.2 " in s.heading]
    assert heading.endswith("5.2 (åtgärd saknar text)")

    execute(make_ctx(channel="C-SSP"), "koppla SSP")
    form = execute(make_ctx(channel="C-SSP"), "möte 2025-03-12").form
    assert form is not None and form.id is ModalId.MEETING
    labels = {o.value: o.label for i in form.inputs for o in i.options}
    assert labels["5.2"] == "5.2 (åtgärd saknar text)"
    assert all(label.strip() != value for value, label in labels.items())
