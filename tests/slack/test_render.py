"""The Block Kit renderer enforces Slack's limits and escapes every text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.slack.render import (
    CUT_NOTE,
    TRIMMED_NOTE,
    action_base,
    fallback_text,
    form_values,
    mrkdwn,
    render_blocks,
    render_home,
    render_modal,
    split_text,
    view_errors,
)
from models.replies import (
    ActionId,
    Button,
    Field,
    Form,
    Input,
    ModalId,
    Option,
    Reply,
    Section,
    mention,
)
from tests.slack.limits import check_blocks, check_payload


def test_text_is_escaped_and_mentions_resolved() -> None:
    reply = Reply(
        title="Rubrik",
        sections=[Section(heading="<b>", text=f"<!channel> & <https://x|y> {mention('U123')}")],
    )
    blocks = render_blocks(reply)
    text = blocks[1]["text"]["text"]
    assert text == "*&lt;b&gt;*\n&lt;!channel&gt; &amp; &lt;https://x|y&gt; <@U123>"


def test_mention_tokens_only_for_user_ids() -> None:
    assert mrkdwn("⟦@!channel⟧") == "⟦@!channel⟧"
    # Typed text cannot forge a mention token: clean_text strips the marker's control characters.
    from bot.textsafety import clean_text
    from models.replies import mention

    assert mrkdwn(clean_text(mention("U999"))) == "@U999"


def test_long_text_is_split_then_cut_with_a_note() -> None:
    words = ("ord " * 3000).strip()  # 11 999 characters
    blocks = render_blocks(Reply(sections=[Section(text=words)]))
    sections = [b for b in blocks if b["type"] == "section"]
    assert len(sections) == 3 and all(len(b["text"]["text"]) <= 3000 for b in sections)
    assert blocks[-1]["type"] == "context" and CUT_NOTE in blocks[-1]["elements"][0]["text"]


def test_cut_text_gets_the_more_button_when_there_is_one() -> None:
    more = Button("Visa hela", ActionId.SHOW_MEASURE, "1.3")
    blocks = render_blocks(Reply(sections=[Section(text="x " * 6000, more_action=more)]))
    assert blocks[-1]["accessory"]["text"]["text"] == "Visa hela"


def test_escaping_counts_towards_the_limit() -> None:
    pieces = split_text("&" * 2000)
    assert all(len(mrkdwn(p)) <= 3000 for p in pieces) and "".join(pieces) == "&" * 2000


def test_too_many_sections_are_trimmed_to_50_blocks() -> None:
    reply = Reply(
        title="T",
        sections=[
            Section(
                text=f"rad {i}",
                buttons=[
                    Button("A", ActionId.SHOW_MEASURE, "1"),
                    Button("B", ActionId.MARK_DONE, "1"),
                ],
            )
            for i in range(40)
        ],
        context="fot",
    )
    blocks = render_blocks(reply)
    assert len(blocks) == 50
    assert blocks[-1]["elements"][0]["text"] == "fot"
    assert TRIMMED_NOTE in blocks[-2]["elements"][0]["text"]
    assert len(render_home(reply)["blocks"]) == 82  # the home tab allows 100


def test_fields_are_split_ten_per_section_and_cut() -> None:
    fields = [Field(f"F{i}", "v" * 2500) for i in range(15)]
    blocks = render_blocks(Reply(sections=[Section(text="t", fields=fields)]))
    assert [len(b["fields"]) for b in blocks] == [10, 5]
    assert check_blocks(blocks, 50) == []


def test_header_and_button_texts_are_cut() -> None:
    reply = Reply(
        title="R" * 300, sections=[Section(buttons=[Button("B" * 100, ActionId.PAGE, "v" * 3000)])]
    )
    blocks = render_blocks(reply)
    assert len(blocks[0]["text"]["text"]) == 150
    assert len(blocks[1]["elements"][0]["text"]["text"]) == 75
    assert len(blocks[1]["elements"][0]["value"]) == 2000


def test_same_action_twice_in_a_block_gets_a_suffix() -> None:
    blocks = render_blocks(
        Reply(
            sections=[
                Section(buttons=[Button("←", ActionId.PAGE, "0"), Button("→", ActionId.PAGE, "2")])
            ]
        )
    )
    ids = [e["action_id"] for e in blocks[0]["elements"]]
    assert ids == ["atgard_bladdra", "atgard_bladdra#2"]
    assert {action_base(i) for i in ids} == {"atgard_bladdra"}


def test_fallback_text_has_no_button_labels_and_is_never_empty() -> None:
    reply = Reply(
        title="T",
        sections=[Section(text="a & b", buttons=[Button("Visa", ActionId.SHOW_MEASURE, "1")])],
    )
    assert fallback_text(reply) == "T\na &amp; b"
    assert fallback_text(Reply()) == " "


def test_modal_limits() -> None:
    form = Form(
        id=ModalId.MEETING,
        title="Möte i Trygghets- och säkerhetsrådet",
        intro="<intro>",
        inputs=[
            Input(
                "measures",
                "Åtgärder",
                kind="multiselect",
                options=tuple(Option(f"{i}", "x" * 100) for i in range(150)),
                initial=("1", "120"),
            ),
            Input(
                "verdict", "Bedömning", kind="select", options=(Option("a", "A"),), initial="zzz"
            ),
            Input(
                "text",
                "Text",
                kind="multiline",
                max_length=4000,
                initial="y" * 3500,
                hint="Skriv inte personnummer.",
            ),
            Input(
                "date",
                "Datum",
                kind="date",
                initial="inte ett datum",
                optional=True,
                placeholder="Välj",
            ),
        ],
    )
    view = render_modal(form, "{}")
    assert check_payload("views.open", {"view": view}) == []
    assert view["title"]["text"] == "Möte i Trygghets- och…" and len(view["title"]["text"]) <= 24
    assert view["blocks"][0]["text"]["text"] == "&lt;intro&gt;"
    inputs = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    ms = inputs["measures"]["element"]
    assert len(ms["options"]) == 100 and [o["value"] for o in ms["initial_options"]] == ["1"]
    assert "initial_option" not in inputs["verdict"]["element"]
    assert (
        inputs["text"]["element"]["max_length"] == 3000
        and len(inputs["text"]["element"]["initial_value"]) == 3000
    )
    assert "förkortad" in inputs["text"]["hint"]["text"]
    assert "initial_date" not in inputs["date"]["element"] and inputs["date"]["optional"] is True


def test_form_values_and_errors() -> None:
    state = {
        "verdict": {"verdict": {"type": "static_select", "selected_option": {"value": "delvis"}}},
        "none": {"none": {"type": "static_select", "selected_option": None}},
        "measures": {
            "measures": {"type": "multi_static_select", "selected_options": [{"value": "1.3"}]}
        },
        "date": {"date": {"type": "datepicker", "selected_date": "2025-04-01"}},
        "text": {"text": {"type": "plain_text_input", "value": "hej"}},
    }
    assert form_values(state) == {
        "verdict": "delvis",
        "none": None,
        "measures": ["1.3"],
        "date": "2025-04-01",
        "text": "hej",
    }
    assert view_errors({"text": "fel", "annat": "x"}, ["verdict", "text"]) == {
        "text": "fel",
        "verdict": "x",
    }


texts = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=4000)
buttons_ = st.lists(
    st.builds(
        Button,
        label=st.text(max_size=100),
        action=st.sampled_from(list(ActionId)),
        value=st.text(max_size=50),
    ),
    max_size=4,
)
sections_ = st.builds(
    Section,
    text=texts,
    heading=st.one_of(st.none(), st.text(max_size=400)),
    fields=st.lists(
        st.builds(Field, label=st.text(max_size=50), value=st.text(max_size=2500)), max_size=12
    ),
    buttons=buttons_,
)


@settings(max_examples=60, deadline=None)
@given(
    title=st.one_of(st.none(), st.text(max_size=300)),
    sections=st.lists(sections_, max_size=30),
    context=st.one_of(st.none(), st.text(max_size=2500)),
)
def test_any_reply_renders_within_slack_limits(title, sections, context) -> None:  # type: ignore[no-untyped-def]
    blocks = render_blocks(Reply(title=title, sections=sections, context=context))
    assert check_blocks(blocks, 50) == []


@settings(max_examples=80, deadline=None)
@given(text=texts, limit=st.integers(min_value=1, max_value=3000))
def test_an_initial_value_always_fits_the_input(text, limit) -> None:  # type: ignore[no-untyped-def]
    """Counted as Slack counts (UTF-16 units): views.open refuses a longer initial_value."""
    from bot.slack.render import fit_input, slack_length

    out = fit_input(text, limit)
    assert slack_length(out) <= limit
    if slack_length(text) <= limit:
        assert out == text
