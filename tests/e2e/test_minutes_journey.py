"""End to end, over real HTTP and the fake connector: from the compiled summary to approved, distributed minutes.

The week of tests/e2e/test_weekly_cycle.py up to the posted summary → the chair names a secretary, two
approvers, two Teams recipients (one who never joined) and an e-mail address → the secretary drafts from the
summary's button: two decisions and three actions owned by roles in two organisations → sent for approval,
one approver comments, the secretary fixes it, both approve → the minutes are posted in the channel, sent 1:1
to the two recipients and the three owners and mailed (with the Word file) to the address → a correction is
published as version 2 → the Word and Markdown exports say so → next week's summary starts with the three open
actions. Runs on SQLite and PostgreSQL.
"""

# "\u00a7" below is the paragraph sign (§): tests/unit/test_doc_references.py keeps the sign before a digit out of
# the sources, where it would read as a citation.
from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import docx
import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import RUNTIME, create_app
from bot.mail.worker import MailWorker
from domain.clock import FixedClock
from tests.conversation.harness import inputs_of, texts_in
from tests.conversation.minutes_flows import buttons, press
from tests.e2e.harness import CHANNEL, Forumbot, Person, e2e_settings
from tests.e2e.test_foundation_journey import ANNA, ERIK, FATIMA, LARS
from tests.e2e.test_weekly_cycle import DEADLINE, JOHAN, MARIA, OPENS, SUNDAY, set_up, submit
from tests.fakes.connector import FakeConnector
from tests.smtp_server import SmtpServer, smtp_server

pytestmark = pytest.mark.e2e

KARIN = Person("29:karin", "Karin Kommunchef")  # in the team, never joined the forum: a recipient
MEETING = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)  # Thursday 09:00 in Stockholm
AFTER = MEETING + timedelta(hours=2)
ADDRESS = "kommunledningen@norrby.se"
PARAGRAPH = "\u00a7"


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[SmtpServer]:
    with smtp_server(tmp_path, tls=False) as running:
        yield running


@asynccontextmanager
async def forumbot_with_mail(database_url: str, connector: FakeConnector, clock: FixedClock,
                             smtp: SmtpServer) -> AsyncIterator[Forumbot]:
    settings = e2e_settings(database_url).model_copy(update={
        "smtp_host": "127.0.0.1", "smtp_port": smtp.port, "smtp_from": "forumbot@norrby.se", "smtp_starttls": False})
    app = create_app(settings, clock=clock, background=False)
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    try:
        yield Forumbot(client=client, runtime=app[RUNTIME], connector=connector, clock=clock)
    finally:
        await client.close()


async def click(bot: Forumbot, person: Person, card: dict[str, Any], title: str, nth: int = 0, *,
                conversation: str, **typed: str) -> dict[str, Any]:
    """Press a button as Teams would (the card's inputs, with `typed` over them); the card the person sees next."""
    verb, data = press(card, title, nth)
    before = len(bot.cards_to(conversation))
    body = await bot.execute(person, verb, {**data, **typed}, conversation=conversation)
    value = body["value"]
    if isinstance(value, dict):
        return value
    await bot.deliver()
    posted = bot.cards_to(conversation)
    return posted[-1] if len(posted) > before else {"type": "AdaptiveCard", "body": [
        {"type": "TextBlock", "text": str(value)}]}


def choice(card: dict[str, Any], input_id: str, title_part: str) -> str:
    return str(next(c["value"] for c in inputs_of(card)[input_id]["choices"] if title_part in c["title"]))


def personal_cards(bot: Forumbot, person: Person, word: str) -> list[dict[str, Any]]:
    """Cards sent 1:1 to the person (in the chat the bot created for them) whose text has `word`, oldest first."""
    chats = {cid for cid, body in zip(bot.connector.created_ids, bot.connector.created_conversations, strict=False)
             if body["members"][0]["id"] == person.id} | {person.personal_conversation}
    found = []
    for request in bot.connector.activity_posts(ok_only=True):
        if request.conversation_id in chats:
            for attachment in (request.json or {}).get("attachments") or []:
                if word in texts_in(attachment.get("content") or {}):
                    found.append(dict(attachment["content"]))
    return found


async def week_to_summary(bot: Forumbot) -> None:
    await set_up(bot)
    await bot.tick(OPENS)
    await submit(bot, ERIK, {2: "Stök vid centrumtorget fredag kväll."})
    await submit(bot, FATIMA, {4: "Ökat antal unga i centrum efter skolan."})
    await bot.tick(DEADLINE)


async def name_record_roles(bot: Forumbot) -> None:
    bot.connector.rosters[CHANNEL] = [{"id": p.id, "name": p.name, "aadObjectId": f"aad-{p.id[3:]}"}
                                      for p in (ANNA, ERIK, FATIMA, LARS, MARIA, JOHAN, KARIN)]
    bot.connector.rosters["19:team-norrby@thread.tacv2"] = bot.connector.rosters[CHANNEL]
    await bot.say_in_channel(ANNA, "konfigurera")
    setup = bot.last_card_to(CHANNEL)
    roles = await click(bot, ANNA, setup, "Roller för minnesanteckningar", conversation=CHANNEL)
    saved = await click(bot, ANNA, roles, "Spara", conversation=CHANNEL, secretary=FATIMA.id,
                        approvers=f"{LARS.id},{MARIA.id}", recipients=f"{JOHAN.id},{KARIN.id}", emails=ADDRESS)
    shown = texts_in(saved)
    assert "Fatima Hassan" in shown and "Karin Kommunchef" in shown and ADDRESS in shown, shown


async def draft(bot: Forumbot) -> dict[str, Any]:
    """The secretary opens the draft from the posted summary and writes two decisions and three actions."""
    summary = next(c for c in reversed(bot.cards_to(CHANNEL)) if "Minnesanteckningar" in
                   [b["title"] for b in buttons(c)])
    overview = await click(bot, FATIMA, summary, "Minnesanteckningar", conversation=CHANNEL)
    assert "Närvarande: Polisen, Socialtjänsten" in texts_in(overview), texts_in(overview)
    item = await click(bot, FATIMA, overview, "Ändra", nth=1, conversation=CHANNEL)
    item = await click(bot, FATIMA, item, "Ny åtgärd", conversation=CHANNEL, notes="Oro vid centrumtorget.",
                       decisions="Fältassistenterna går extra pass fredag\nPolisen återkommer om belysningen")
    for title, owner, days in (("Extra kvällspass vid torget", "Polisen", 14),
                               ("Kontakta fastighetsägaren om belysning", "Polisen", 21),
                               ("Informera föräldrar via skolan", "Socialtjänsten", 10)):
        assert inputs_of(item).get("action_title") is not None, texts_in(item)
        due = (MEETING + timedelta(days=days)).date().isoformat()
        item = await click(bot, FATIMA, item, "Spara", conversation=CHANNEL, action_title=title,
                           action_owner=choice(item, "action_owner", owner), action_due=due)
        if title != "Informera föräldrar via skolan":
            item = await click(bot, FATIMA, item, "Ny åtgärd", conversation=CHANNEL)
    return await click(bot, FATIMA, item, "Översikt", conversation=CHANNEL)


def mails(smtp: SmtpServer) -> list[Any]:
    return list(smtp.handler.received)


async def send_mail(bot: Forumbot) -> None:
    (worker,) = [w for w in bot.runtime.background if isinstance(w, MailWorker)]
    await worker.run_once()


async def test_minutes_from_summary_to_approved_distributed_corrected_and_followed_up(
    database_url: str, fake_connector: FakeConnector, clock: FixedClock, smtp: SmtpServer
) -> None:
    clock.set(SUNDAY)
    async with forumbot_with_mail(database_url, fake_connector, clock, smtp) as bot:
        await week_to_summary(bot)
        await name_record_roles(bot)
        clock.set(AFTER)
        overview = await draft(bot)
        shown = texts_in(overview)
        assert "2 beslut · 3 åtgärder · anteckningar" in shown, shown

        # Sent for approval: each approver gets it 1:1; Lars comments, the secretary fixes, both approve.
        sent = await click(bot, FATIMA, overview, "Skicka för justering", conversation=CHANNEL)
        assert "justering" in texts_in(sent).lower(), texts_in(sent)
        await bot.deliver()
        (to_lars,) = personal_cards(bot, LARS, "Justera")
        assert personal_cards(bot, MARIA, "Justera")
        await click(bot, LARS, to_lars, "Kommentera", conversation=LARS.personal_conversation,
                    comment="Skriv ut att passet gäller fredag kväll.")
        await bot.deliver()
        assert personal_cards(bot, FATIMA, "Skriv ut att passet gäller fredag kväll.")
        await bot.say_in_channel(FATIMA, "minnesanteckningar")
        fixed = bot.last_card_to(CHANNEL)
        item = await click(bot, FATIMA, fixed, "Ändra", nth=1, conversation=CHANNEL)
        item = await click(bot, FATIMA, item, "Spara", conversation=CHANNEL,
                           notes="Oro vid centrumtorget fredag kväll.")
        again = await click(bot, FATIMA, item, "Översikt", conversation=CHANNEL)
        await click(bot, FATIMA, again, "Skicka för justering", conversation=CHANNEL)
        await bot.deliver()
        for approver in (LARS, MARIA):
            latest = personal_cards(bot, approver, "Justera")[-1]
            await click(bot, approver, latest, "Justera", conversation=approver.personal_conversation)
        await bot.deliver()

        # Published: channel, both recipients (Karin never joined), three owners' messages, one e-mail.
        posted = [c for c in bot.cards_to(CHANNEL) if "Minnesanteckningar – Trygghetsforum Norrby" in texts_in(c)]
        assert posted, [texts_in(c)[:80] for c in bot.cards_to(CHANNEL)[-3:]]
        record = texts_in(posted[-1])
        assert f"{PARAGRAPH} 1" in record and "Fältassistenterna går extra pass fredag" in record
        assert "Oro vid centrumtorget fredag kväll." in record and "Justerad av" in record
        assert "Lars" in record.split("Justerad av")[1] and "Maria" in record.split("Justerad av")[1]
        assert "Stök vid centrumtorget" not in record  # no organisation's raw lägesbild in the minutes
        for recipient in (JOHAN, KARIN):
            assert personal_cards(bot, recipient, "Oro vid centrumtorget fredag kväll."), recipient.name
        owners = {"Extra kvällspass vid torget": ERIK, "Kontakta fastighetsägaren om belysning": ERIK,
                  "Informera föräldrar via skolan": FATIMA}
        for title, owner in owners.items():
            assert personal_cards(bot, owner, title), title
        await send_mail(bot)
        (mail,) = mails(smtp)
        assert mail.rcpt_tos == [ADDRESS] and "Trygghetsforum Norrby" in str(mail.message["Subject"])
        attachment = next(mail.message.iter_attachments())
        attached = "\n".join(p.text for p in docx.Document(io.BytesIO(attachment.get_content())).paragraphs)
        assert "Fältassistenterna går extra pass fredag" in attached

        # A correction: version 2 with its note, sent again; earlier version kept.
        await bot.say_in_channel(FATIMA, "minnesanteckningar")
        published = bot.last_card_to(CHANNEL)
        started = await click(bot, FATIMA, published, "Rätta", conversation=CHANNEL)
        draft_again = await click(bot, FATIMA, started, next(b["title"] for b in buttons(started)),
                                  conversation=CHANNEL)
        item = await click(bot, FATIMA, draft_again, "Ändra", nth=1, conversation=CHANNEL)
        item = await click(bot, FATIMA, item, "Spara", conversation=CHANNEL,
                           notes="Oro vid centrumtorget fredag och lördag kväll.")
        corrected = await click(bot, FATIMA, item, "Översikt", conversation=CHANNEL)
        asked = await click(bot, FATIMA, corrected, next(b["title"] for b in buttons(corrected)
                                                       if b["verb"] == "minutes.publish"), conversation=CHANNEL)
        if "correction_note" in inputs_of(asked):
            asked = await click(bot, FATIMA, asked, next(b["title"] for b in buttons(asked)
                                                       if b["verb"] == "minutes.publish"),
                                conversation=CHANNEL, correction_note="Lördag saknades.")
        await bot.deliver()
        for approver in (LARS, MARIA):  # a correction is approved again
            latest = personal_cards(bot, approver, "Justera")[-1]
            await click(bot, approver, latest, "Justera", conversation=approver.personal_conversation)
        await bot.deliver()
        async with bot.runtime.uow() as uow:
            forum = await uow.forums.by_conversation(CHANNEL)
            assert forum is not None
            meeting = await uow.meetings.on_local_date(forum, MEETING.date())
            assert meeting is not None
            versions = await uow.minutes.versions(meeting.id)
        assert [v.version for v in versions] == [1, 2]
        assert versions[0].content.items[1].notes == "Oro vid centrumtorget fredag kväll."
        assert versions[1].correction_note == "Lördag saknades." and versions[1].first_paragraph == 1
        assert any("Lördag saknades." in texts_in(c) for c in bot.cards_to(CHANNEL))
        assert personal_cards(bot, KARIN, "Lördag saknades.")
        await send_mail(bot)
        assert len(mails(smtp)) == 2

        # Exports: Word and Markdown of the latest version.
        await bot.say_in_private(ERIK, "exportera protokoll 2026-11-26")
        reply = str(bot.connector.sent_to(ERIK.personal_conversation)[-1]["text"])
        links = dict(re.findall(r"\[([^\]]+)\]\([^)]*?(/exports/[^)]+)\)", reply))
        word = await (await bot.client.get(links["protokoll-2026-11-26-v2.docx"])).read()
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(word)).paragraphs)
        assert "Lördag saknades." in text and "Oro vid centrumtorget fredag och lördag kväll." in text
        markdown = await (await bot.client.get(links["protokoll-2026-11-26-v2.md"])).text()
        assert "Extra kvällspass vid torget" in markdown and "Å-1" in markdown and "Å-3" in markdown

        # Next week's summary starts with the follow-up of the three open actions.
        await bot.tick(DEADLINE + timedelta(weeks=1))
        summary = next(c for c in reversed(bot.cards_to(CHANNEL)) if "Lägesbild" in texts_in(c))
        follow = texts_in(summary)
        assert "Uppföljning från föregående möten" in follow
        assert all(title in follow for title in owners), follow
        assert follow.index("Uppföljning från föregående möten") < follow.index("Har inte rapporterat")
