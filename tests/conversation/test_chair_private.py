"""The chair's 1:1 chat: `testa utskick` finds the forum she chairs, and `sammanställ` after the deadline."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.clock import FixedClock
from storage.unit_of_work import UnitOfWorkFactory
from tests.conversation.flows import join, set_up_forum
from tests.conversation.harness import CHANNEL, Chat, User, card_of, make_bot, texts_in

ANNA = User("29:anna", "Anna Lindqvist")
ERIK = User("29:erik", "Erik Johansson")
KAREN = User("29:karen", "Karen White", locale="en-US")


def personal(bot: object, user: User) -> Chat:
    return Chat(bot, conversation_id=f"a:{user.id}", conversation_type="personal")  # type: ignore[arg-type]


@pytest.mark.parametrize(("chair", "command", "expected"), [
    (ANNA, "testa utskick", "Testmeddelandet är på väg till 1 person."),
    (KAREN, "test message", "The test message is on its way to 1 person."),
])
async def test_the_test_message_from_the_chairs_private_chat_goes_to_the_forum_she_chairs(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, chair: User, command: str, expected: str
) -> None:
    bot, wake = make_bot(uow_factory, clock)
    channel = Chat(bot, conversation_id=CHANNEL, conversation_type="channel")
    await set_up_forum(channel, chair, name="Forum", organisations=["Polisen"])
    await join(channel, ERIK, "Polisen", "participant")
    reply = (await personal(bot, chair).say(chair, command))[-1].text or ""
    assert reply.startswith(expected)
    assert "inget forum" not in reply and "no forum" not in reply
    assert wake.wakes >= 1
    nobody = (await personal(bot, ERIK).say(ERIK, "testa utskick"))[-1].text or ""
    assert "inte ordförande" in nobody


async def test_a_chair_of_two_forums_is_asked_which_one(uow_factory: UnitOfWorkFactory, clock: FixedClock) -> None:
    bot, _ = make_bot(uow_factory, clock)
    first = Chat(bot, conversation_id=CHANNEL, conversation_type="channel")
    second = Chat(bot, conversation_id="19:other@thread.tacv2", conversation_type="channel")
    await set_up_forum(first, ANNA, name="Norrby", organisations=["Polisen"])
    await set_up_forum(second, ANNA, name="Söderby", organisations=["Skolan"])
    await join(second, ERIK, "Skolan", "participant")
    chat = personal(bot, ANNA)
    asked = card_of((await chat.say(ANNA, "testa utskick"))[-1])
    assert "Vilket gäller det?" in texts_in(asked)
    button = next(a for a in asked["actions"] if a["title"] == "Söderby")
    body = await chat.execute(ANNA, button["verb"], button["data"])
    assert "på väg till 1 person" in texts_in(body["value"])


@pytest.mark.parametrize(("chair", "before", "after"), [
    (ANNA, "Förhandsvisning", "Deadline har passerat"),
    (KAREN, "Preview", "The deadline has passed"),
])
async def test_the_summary_after_the_deadline_is_not_called_a_preview(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, chair: User, before: str, after: str
) -> None:
    bot, _ = make_bot(uow_factory, clock)
    channel = Chat(bot, conversation_id=CHANNEL, conversation_type="channel")
    await set_up_forum(channel, chair, name="Forum", organisations=["Polisen"])
    chat = personal(bot, chair)
    early = (await chat.say(chair, "sammanställ" if chair is ANNA else "summary"))[-1].text or ""
    assert early.startswith(before)
    clock.set(datetime(2026, 11, 25, 16, 0, tzinfo=UTC))  # Wednesday 17:00: after the deadline, before Thursday
    late = (await chat.say(chair, "sammanställ" if chair is ANNA else "summary"))[-1].text or ""
    assert after in late and before not in late
