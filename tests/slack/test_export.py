"""`/atgard export`: built while Slack waits for the ack (or after it, if slow), uploaded to
the channel."""

from __future__ import annotations

import io

import openpyxl

from models.tables import AuditEvent
from tests.slack.helpers import rows


def test_export_xlsx_is_uploaded_to_the_channel(slack, imported_plan, session_factory) -> None:  # type: ignore[no-untyped-def]
    resp = slack.command("export T1 xlsx", channel="C1")
    assert resp.status == 200
    # The ack goes before the upload: it says the file is on its way, not that it is there.
    [ack] = slack.fake.of("ack")
    assert (
        ack.body["text"]
        == "Exporten atgardsplan-2025-T1-kungsholmen.xlsx är klar och delas i kanalen nu."
    )
    [complete] = slack.fake.wait_for("files.completeUploadExternal")
    assert complete.body["channel_id"] == "C1"
    [upload] = slack.fake.of("upload")
    wb = openpyxl.load_workbook(io.BytesIO(upload.raw))
    assert wb.sheetnames[0] == "Sammanställning"
    assert any(n.startswith("1. Unga i riskzon") for n in wb.sheetnames)
    [name] = [c.body["filename"] for c in slack.fake.of("files.getUploadURLExternal")]
    assert name == "atgardsplan-2025-T1-kungsholmen.xlsx"
    assert any(e.action == "export" for e in rows(session_factory, AuditEvent))


def test_export_html_posts_report_and_chart(slack, imported_plan) -> None:  # type: ignore[no-untyped-def]
    slack.command("export T2 html", channel="C1")
    slack.fake.wait_for("files.completeUploadExternal", count=2)
    names = [c.body["filename"] for c in slack.fake.of("files.getUploadURLExternal")]
    assert {n.rsplit(".", 1)[1] for n in names} == {"html", "png"}
    html = next(c.raw for c in slack.fake.of("upload") if c.raw.lstrip().startswith(b"<!"))
    assert b'lang="sv"' in html and b"2025-08-31" in html


def test_export_is_for_coordinators(slack_factory, imported_plan) -> None:  # type: ignore[no-untyped-def]
    slack = slack_factory(admin_user_ids=["UADMIN"])
    slack.command("export T1", user="U1")
    assert not slack.fake.of("files.completeUploadExternal")
    said = " ".join(
        str(c.body)
        for c in slack.fake.calls
        if c.method in ("ack", "response_url", "chat.postEphemeral")
    )
    assert "Bara samordnare" in said


def test_files_for_an_enterprise_grid_user_go_to_their_dm(fake_slack) -> None:  # type: ignore[no-untyped-def]
    """A Grid user's id (W…) names no conversation: files go to the DM opened for them, as
    for a U… id."""
    from slack_sdk import WebClient

    from bot.slack.send import upload_files
    from models.replies import Attachment, Reply
    from tests.slack.conftest import BOT_TOKEN

    client = WebClient(token=BOT_TOKEN, base_url=fake_slack.api_url)
    reply = Reply.text("Rapporten")
    reply.attachments.append(Attachment("rapport.csv", b"a;b\n", "Rapport"))
    for user in ("U0GRID1", "W0GRID2"):
        upload_files(client, reply, channel_id=user, user_id=user)
    opened = [c.body["users"] for c in fake_slack.of("conversations.open")]
    assert opened == ["U0GRID1", "W0GRID2"]
    completed = [
        c.body["channel_id"] for c in fake_slack.wait_for("files.completeUploadExternal", 2)
    ]
    assert completed == ["D0GRID1", "D0GRID2"]


def test_files_a_channel_refuses_reach_the_user_and_the_user_is_told(slack, imported_plan) -> None:  # type: ignore[no-untyped-def]
    """`/atgard export` in a private channel the bot was not invited to: the ack says the
    report is shared in the channel, but Slack refuses the files there. They go to the user's
    DM, and the user hears why (they were lost without a word)."""
    from tests.slack.fake_slack import Scripted
    from tests.slack.helpers import all_text

    gone = Scripted(body={"ok": False, "error": "channel_not_found"})
    slack.fake.script("chat.postMessage", gone)
    slack.fake.script("files.completeUploadExternal", gone, gone)
    resp = slack.command("export T2 html", channel="G0PRIVAT")
    assert resp.status == 200
    completed = [
        c.body["channel_id"] for c in slack.fake.wait_for("files.completeUploadExternal", 4)
    ]
    assert completed == ["G0PRIVAT", "G0PRIVAT", "D1", "D1"]
    told = [all_text(c.body) for c in slack.fake.of("response_url")]
    assert any("inte med i kanalen" in t and "direktmeddelande" in t for t in told)
