"""Word exports through the running app: the chair's lägesbild as .docx next to the Markdown, and
`exportera protokoll <datum>` / `export minutes <date>` giving readers the latest published minutes as .docx
and .md behind signed links (checked again at download)."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

import docx
import pytest

from domain.clock import FixedClock
from tests.e2e.harness import CHANNEL, Forumbot, Person, running_forumbot
from tests.e2e.test_weekly_cycle import ANNA, ERIK, SUNDAY, set_up
from tests.fakes.connector import FakeConnector
from tests.fakes.published import content, published

pytestmark = pytest.mark.e2e

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MEETING = date(2026, 11, 26)
ERIK_EN = Person(ERIK.id, ERIK.name, locale="en-US")


def _links(text: str) -> dict[str, str]:
    """File name -> path of every export link in a reply."""
    return {name: "/exports/" + path for name, path in re.findall(r"\[([^\]]+)\]\([^)]*?/exports/([^)]+)\)", text)}


def _last_text(connector: FakeConnector, person: Person) -> str:
    return str(connector.sent_to(person.personal_conversation)[-1]["text"])


def _paragraphs(body: bytes) -> list[str]:
    document = docx.Document(io.BytesIO(body))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return [p.text for p in document.paragraphs] + cells


async def _publish(bot: Forumbot, versions: int) -> str:
    async with bot.runtime.uow() as uow:
        forum = await uow.forums.by_conversation(CHANNEL)
        assert forum is not None
        meeting = await uow.meetings.ensure(forum, MEETING, datetime(2026, 11, 26, 8, tzinfo=UTC), SUNDAY)
        await uow.minutes.save_draft(meeting_id=meeting.id, forum_id=forum.id, content=content(),
                                     actor_id=ANNA.id, now=SUNDAY, expected_revision=None)
        for n in range(1, versions + 1):
            await uow.minutes.publish(published(n, meeting_id=meeting.id, forum_id=forum.id))
        await uow.commit()
    return meeting.id


async def test_the_lagesbild_export_has_a_word_file_too(
    database_url: str, fake_connector: FakeConnector, clock: FixedClock
) -> None:
    clock.set(SUNDAY)
    async with running_forumbot(database_url, fake_connector, clock) as bot:
        await set_up(bot)
        await bot.say_in_private(ANNA, "exportera lägesbild 2026-11-26")
        links = _links(_last_text(fake_connector, ANNA))
        assert set(links) == {"lagesbild-2026-11-26.md", "lagesbild-2026-11-26.docx"}
        response = await bot.client.get(links["lagesbild-2026-11-26.docx"])
        assert response.status == 200 and response.content_type == DOCX
        assert response.headers["Content-Disposition"] == 'attachment; filename="lagesbild-2026-11-26.docx"'
        text = _paragraphs(await response.read())
        assert any("Trygghetsforum Norrby" in p for p in text) and "Norrbyskolan" in text
        async with bot.runtime.uow() as uow:
            details = [dict(a.detail) for a in await uow.audit.by_action("summary.exported")]
        assert details == [{"format": "docx"}]


async def test_a_member_exports_the_latest_published_minutes_as_word_and_markdown(
    database_url: str, fake_connector: FakeConnector, clock: FixedClock
) -> None:
    clock.set(SUNDAY)
    async with running_forumbot(database_url, fake_connector, clock) as bot:
        await set_up(bot)
        await _publish(bot, versions=2)
        await bot.say_in_private(ERIK, "exportera protokoll 2026-11-26")
        reply = _last_text(fake_connector, ERIK)
        assert reply.startswith("Minnesanteckningarna från torsdag 26 november 2026, version 2")
        links = _links(reply)
        assert set(links) == {"protokoll-2026-11-26-v2.docx", "protokoll-2026-11-26-v2.md"}
        response = await bot.client.get(links["protokoll-2026-11-26-v2.docx"])
        assert response.status == 200 and response.content_type == DOCX
        assert response.headers["Content-Disposition"] == 'attachment; filename="protokoll-2026-11-26-v2.docx"'
        text = _paragraphs(await response.read())
        assert "\u00a7 7 Aktuellt läge" in text and "Ett beslut saknades under Aktuellt läge." in text
        assert "Polisen, deltagare (Polly Polis)" in text
        markdown = await bot.client.get(links["protokoll-2026-11-26-v2.md"])
        assert markdown.status == 200 and markdown.content_type == "text/markdown"
        assert "## \u00a7 9 Nästa möte" in await markdown.text()
        earlier = links["protokoll-2026-11-26-v2.md"].replace("-v2.md", "-v1.md")
        assert "Version:** 1" in await (await bot.client.get(earlier)).text()  # earlier versions are kept
        as_summary = links["protokoll-2026-11-26-v2.md"].rsplit("/", 1)[0] + "/lagesbild-2026-11-26.md"
        assert (await bot.client.get(as_summary)).status == 404  # Erik's link is no chair's link
        async with bot.runtime.uow() as uow:
            exported = [dict(a.detail) for a in await uow.audit.by_action("minutes.exported")]
        assert exported == [{"format": "docx", "version": 2}, {"format": "md", "version": 2},
                            {"format": "md", "version": 1}]


async def test_minutes_not_published_yet_say_so_in_both_languages(
    database_url: str, fake_connector: FakeConnector, clock: FixedClock
) -> None:
    clock.set(SUNDAY)
    async with running_forumbot(database_url, fake_connector, clock) as bot:
        await set_up(bot)
        async with bot.runtime.uow() as uow:
            forum = await uow.forums.by_conversation(CHANNEL)
            assert forum is not None
            await uow.meetings.ensure(forum, MEETING, datetime(2026, 11, 26, 8, tzinfo=UTC), SUNDAY)
            await uow.commit()
        await bot.say_in_private(ERIK, "exportera protokoll 2026-11-26")
        assert _last_text(fake_connector, ERIK) == (
            "Minnesanteckningarna från mötet torsdag 26 november 2026 är inte publicerade än.")
        await bot.say_in_private(ERIK_EN, "export minutes 2026-11-26")
        assert _last_text(fake_connector, ERIK_EN) == (
            "The minutes of the meeting on Thursday 26 November 2026 are not published yet.")
        await bot.say_in_private(ERIK_EN, "export minutes")
        assert "export minutes 2026-11-26" in _last_text(fake_connector, ERIK_EN)


async def test_in_the_channel_the_links_go_to_the_person_privately(
    database_url: str, fake_connector: FakeConnector, clock: FixedClock
) -> None:
    clock.set(SUNDAY)
    async with running_forumbot(database_url, fake_connector, clock) as bot:
        await set_up(bot)
        await _publish(bot, versions=1)
        await bot.say_in_channel(ERIK, "exportera protokoll 2026-11-26")
        await bot.deliver()
        in_channel = [str(r.json) for r in fake_connector.activity_posts(ok_only=True)
                      if r.conversation_id and r.conversation_id.startswith(CHANNEL)]
        assert "Jag har skickat exporten till dig i en privat chatt." in in_channel[-1]
        assert not any("/exports/" in posted for posted in in_channel)
        private = [r for r in fake_connector.activity_posts(ok_only=True)
                   if r.conversation_id and not r.conversation_id.startswith(CHANNEL)]
        assert set(_links(str((private[-1].json or {}).get("text")))) == {"protokoll-2026-11-26-v1.docx",
                                                                          "protokoll-2026-11-26-v1.md"}


async def _forum_speaks(bot: Forumbot, language: str) -> None:
    async with bot.runtime.uow() as uow:
        forum = await uow.forums.by_conversation(CHANNEL)
        assert forum is not None
        await uow.forums.update_settings(forum.id, name=forum.name, schedule=forum.schedule, now=SUNDAY,
                                         language=language)
        await uow.commit()


async def test_the_documents_are_in_the_forums_language_whoever_downloads_them(
    database_url: str, fake_connector: FakeConnector, clock: FixedClock
) -> None:
    """Minutes are the forum's record: an English-speaking member of a Swedish forum gets the links in English
    and the documents in Swedish; in an English forum a Swedish-speaking chair gets English documents."""
    clock.set(SUNDAY)
    async with running_forumbot(database_url, fake_connector, clock) as bot:
        await set_up(bot)
        await _publish(bot, versions=1)
        await bot.say_in_private(ERIK_EN, "export minutes 2026-11-26")
        reply = _last_text(fake_connector, ERIK_EN)
        assert reply.startswith("The minutes of Thursday 26 November 2026, version 1")
        links = _links(reply)
        word = _paragraphs(await (await bot.client.get(links["protokoll-2026-11-26-v1.docx"])).read())
        assert "Minnesanteckningar – Trygghetsforum Norrby" in word and "Justering" in word
        assert "Mötesdatum: torsdag 26 november 2026" in word and "Approval" not in word
        markdown = await (await bot.client.get(links["protokoll-2026-11-26-v1.md"])).text()
        assert markdown.startswith("# Minnesanteckningar – Trygghetsforum Norrby\n") and "## Justering" in markdown

        anna_en = Person(ANNA.id, ANNA.name, locale="en-US")
        await bot.say_in_private(anna_en, "export report 2026-11-26")
        links = _links(_last_text(fake_connector, anna_en))
        assert _last_text(fake_connector, anna_en).startswith("Here is the situation report for Thursday")
        word = _paragraphs(await (await bot.client.get(links["lagesbild-2026-11-26.docx"])).read())
        assert word[0] == "Förhandsvisning av lägesbild – Trygghetsforum Norrby"
        assert "Möte: torsdag 26 november 2026 kl. 09:00" in word
        markdown = await (await bot.client.get(links["lagesbild-2026-11-26.md"])).text()
        assert markdown.startswith("# Förhandsvisning av lägesbild – Trygghetsforum Norrby\n")

        await _forum_speaks(bot, "en")
        await bot.say_in_private(ERIK, "exportera protokoll 2026-11-26")
        reply = _last_text(fake_connector, ERIK)
        assert reply.startswith("Minnesanteckningarna från torsdag 26 november 2026")
        word = _paragraphs(await (await bot.client.get(_links(reply)["protokoll-2026-11-26-v1.docx"])).read())
        assert "Minutes – Trygghetsforum Norrby" in word and "Approval" in word and "Justering" not in word
