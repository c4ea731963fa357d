"""The forum's language setting: what is posted to the forum follows it, a member's own language still wins."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from bot.services.cycle import run_cycle
from domain.clock import FixedClock
from storage.orm import OutboxRow
from storage.unit_of_work import UnitOfWorkFactory
from tests.conversation.flows import join, set_up_forum
from tests.conversation.harness import CHANNEL, Chat, User, card_of, inputs_of, make_bot, texts_in
from tests.deps import deps_of

ANNA = User("29:anna", "Anna Lindqvist")
ERIK = User("29:erik", "Erik Johansson")
JOHN = User("29:john", "John Smith", locale="en-US")

CARDS_OPEN = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
AFTER_DEADLINE = datetime(2026, 11, 25, 15, 30, tzinfo=UTC)  # the deadline is Wednesday 16:00 in Stockholm


def text_of(payload: dict[str, Any]) -> str:
    parts = [str(payload.get("text") or "")]
    for attachment in payload.get("attachments") or []:
        parts.append(texts_in(attachment["content"]))
    return "\n".join(parts)


async def rows(uow: UnitOfWorkFactory, kind: str) -> list[tuple[str | None, str | None, dict[str, Any]]]:
    """(person, conversation, payload) of each queued row of `kind`, in queue order."""
    async with uow() as u:
        found = await u.session.scalars(select(OutboxRow).where(OutboxRow.kind == kind).order_by(OutboxRow.id))
        return [(r.person_id, r.conversation_id, dict(r.payload)) for r in found]


async def forum_in(uow_factory: UnitOfWorkFactory, clock: FixedClock, **language: str) -> Chat:
    bot, _ = make_bot(uow_factory, clock)
    channel = Chat(bot, conversation_id=CHANNEL, conversation_type="channel")
    await set_up_forum(channel, ANNA, name="Trygghetsforum", organisations=["Polisen", "Socialtjänsten"], **language)
    await join(channel, ERIK, "Polisen", "participant")
    await join(channel, JOHN, "Socialtjänsten", "participant")
    return channel


@pytest.mark.parametrize(("user", "word", "label", "choices"), [
    (ANNA, "konfigurera", "Språk", ["Svenska", "English"]),
    (JOHN, "setup", "Language", ["Svenska", "English"]),
])
async def test_the_setup_card_offers_the_forum_language_with_a_label(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, user: User, word: str, label: str, choices: list[str]
) -> None:
    bot, _ = make_bot(uow_factory, clock)
    channel = Chat(bot, conversation_id=CHANNEL, conversation_type="channel")
    language = inputs_of(card_of((await channel.say(user, word))[-1]))["language"]
    assert language["label"] == label
    assert [c["title"] for c in language["choices"]] == choices
    assert "value" not in language  # not chosen yet: the configured default applies


async def test_a_forum_set_to_english_gets_its_summary_in_english_while_a_swedish_member_gets_swedish(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    channel = await forum_in(uow_factory, clock, language="en")
    async with uow_factory() as uow:
        forum = await uow.forums.by_conversation(CHANNEL)
    assert forum is not None and forum.language == "en"
    reopened = inputs_of(card_of((await channel.say(ANNA, "konfigurera"))[-1]))
    assert reopened["language"]["value"] == "en"

    await run_cycle(deps_of(uow_factory), CARDS_OPEN)
    cards = {person: text_of(payload) for person, _, payload in await rows(uow_factory, "collection_open")}
    assert "Dags för lägesbilden inför Trygghetsforum" in cards[ERIK.id]
    assert "Time for the situation report for Trygghetsforum" in cards[JOHN.id]

    await run_cycle(deps_of(uow_factory), AFTER_DEADLINE)
    posted = await rows(uow_factory, "summary")
    assert posted and all(conversation == CHANNEL for _, conversation, _ in posted)
    assert "Situation report – Trygghetsforum" in text_of(posted[0][2])
    assert "Lägesbild – Trygghetsforum" not in text_of(posted[0][2])
    chair_copy = await rows(uow_factory, "summary_chair")
    assert chair_copy and "Lägesbild – Trygghetsforum" in text_of(chair_copy[0][2])  # Anna's Teams speaks Swedish


async def test_a_forum_without_a_language_keeps_swedish_and_an_english_member_gets_english(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    await forum_in(uow_factory, clock)
    async with uow_factory() as uow:
        forum = await uow.forums.by_conversation(CHANNEL)
    assert forum is not None and forum.language is None

    await run_cycle(deps_of(uow_factory), CARDS_OPEN)
    cards = {person: text_of(payload) for person, _, payload in await rows(uow_factory, "collection_open")}
    assert "Dags för lägesbilden inför Trygghetsforum" in cards[ERIK.id]
    assert "Time for the situation report for Trygghetsforum" in cards[JOHN.id]

    await run_cycle(deps_of(uow_factory), AFTER_DEADLINE)
    posted = await rows(uow_factory, "summary")
    assert posted and "Lägesbild – Trygghetsforum" in text_of(posted[0][2])


@pytest.mark.parametrize(("forum_language", "expected"), [({"language": "en"}, "Welcome"), ({}, "Välkommen")])
async def test_a_reply_in_the_channel_to_someone_whose_teams_language_we_lack_follows_the_forum(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, forum_language: dict[str, str], expected: str
) -> None:
    channel = await forum_in(uow_factory, clock, **forum_language)
    lars = User("29:lars", "Lars Berg", locale="de-DE")  # neither sv nor en: the forum's language comes next
    body = await join(channel, lars, "Polisen", "member")
    assert expected in texts_in(body["value"])
