"""`testa utskick` / `test message` in the channel: one row per member and one result for the chair (issue 6)."""

from __future__ import annotations

from domain.clock import FixedClock
from storage.unit_of_work import UnitOfWorkFactory
from tests.conversation.flows import join, set_up_forum
from tests.conversation.harness import CHANNEL, Chat, User, make_bot

ANNA = User("29:anna", "Anna Lindqvist")
ERIK = User("29:erik", "Erik Johansson")
JOHN = User("29:john", "John Smith", locale="en-US")


async def members(uow_factory: UnitOfWorkFactory, clock: FixedClock) -> tuple[Chat, object]:
    bot, wake = make_bot(uow_factory, clock)
    chat = Chat(bot, conversation_id=CHANNEL, conversation_type="channel")
    await set_up_forum(chat, ANNA, name="Forum Norrby", organisations=["Polisen", "Skolan"])
    await join(chat, ERIK, "Polisen")
    await join(chat, JOHN, "Skolan")
    return chat, wake


async def test_testa_utskick_queues_one_message_per_member_and_one_result(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    chat, _ = await members(uow_factory, clock)
    replies = await chat.say(ANNA, "<at>Forumbot</at> testa utskick")
    text = replies[-1].text or ""
    assert "Testmeddelandet är på väg till 2 personer." in text
    assert "När utskicket är klart skriver jag till dig i vår privata chatt vilka som nåddes." in text
    async with uow_factory() as uow:
        tests = await uow.outbox.by_kind("test_message")
        results = await uow.outbox.by_kind("report:test_message")
        assert sorted(r.person_id or "" for r in tests) == [ERIK.id, JOHN.id]
        (result,) = results
        assert result.person_id == ANNA.id and result.slot == tests[0].slot  # one result for the round, to the chair

    await chat.say(ANNA, "<at>Forumbot</at> testa utskick")  # a second test is a second round
    async with uow_factory() as uow:
        assert len(await uow.outbox.by_kind("report:test_message")) == 2


async def test_test_message_in_english(uow_factory: UnitOfWorkFactory, clock: FixedClock) -> None:
    chat, _ = await members(uow_factory, clock)
    chair = User(ANNA.id, ANNA.name, locale="en-US")
    replies = await chat.say(chair, "<at>Forumbot</at> test message")
    text = replies[-1].text or ""
    assert "The test message is on its way to 2 people." in text
    assert "When it is done I will tell you in our private chat who was reached." in text
