"""End to end over real HTTP: install → welcome once → setup → three join → a test message reaches all three
through the outbox (one without a 1:1 yet) → a 429 is retried after Retry-After → a 403 marks the chat inactive."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.clock import FixedClock
from tests.conversation.flows import values_from
from tests.conversation.harness import action_data, inputs_of, texts_in
from tests.e2e.harness import CHANNEL, Forumbot, Person, running_forumbot
from tests.fakes.connector import FakeConnector

pytestmark = pytest.mark.e2e

ANNA = Person("29:anna", "Anna Lindqvist")
ERIK = Person("29:erik", "Erik Johansson")
FATIMA = Person("29:fatima", "Fatima Hassan")
LARS = Person("29:lars", "Lars Berg")


async def set_up(bot: Forumbot) -> None:
    await bot.say_in_channel(ANNA, "konfigurera")
    card = bot.last_card_to(CHANNEL)
    data = values_from(card) | {"name": "Trygghetsforum Norrby",
                                "organisations_new": "Polisen\nSocialtjänsten\nFältassistenterna"}
    saved = await bot.execute(ANNA, "setup.save", data | action_data(card, "setup.save"), conversation=CHANNEL)
    assert "Trygghetsforum Norrby är sparat" in texts_in(saved["value"])


async def join(bot: Forumbot, person: Person, organisation: str) -> None:
    await bot.say_in_channel(person, "gå med")
    card = bot.last_card_to(CHANNEL)
    org_id = next(c["value"] for c in inputs_of(card)["organisation_id"]["choices"] if c["title"] == organisation)
    body = await bot.execute(person, "join.submit", {**action_data(card, "join.submit"),
                                                     "organisation_id": org_id, "role": "participant"},
                             conversation=CHANNEL)
    assert f"Du är deltagare för {organisation}" in texts_in(body["value"])


async def test_install_setup_join_and_reach_everyone_through_the_outbox(
    database_url: str, fake_connector: FakeConnector, clock: FixedClock
) -> None:
    async with running_forumbot(database_url, fake_connector, clock) as bot:
        # Installed in a channel: one welcome, not again on an app update or a second install event.
        await bot.install_in_channel(ANNA)
        await bot.deliver()
        await bot.install_in_channel(ANNA, action="add-upgrade")
        await bot.deliver()
        welcome = [c for c in bot.cards_to(CHANNEL) if "Hej! Jag är Forumbot" in texts_in(c)]
        assert len(welcome) == 1
        assert "Anna Lindqvist lade till mig här" in texts_in(welcome[0])

        await set_up(bot)
        # Erik and Fatima have talked to the bot 1:1 before; Lars never has.
        await bot.say_in_private(ERIK, "hjälp")
        await bot.say_in_private(FATIMA, "hjälp")
        for person, organisation in ((ERIK, "Polisen"), (FATIMA, "Socialtjänsten"), (LARS, "Fältassistenterna")):
            await join(bot, person, organisation)

        fake_connector.fail_next(ERIK.personal_conversation, 429, {"Retry-After": "2"}, method="POST")
        await bot.say_in_channel(ANNA, "testa utskick")
        await bot.deliver()

        def test_messages(conversation: str) -> list[dict[str, object]]:
            return [b for b in fake_connector.sent_to(conversation) if "testmeddelande" in str(b.get("text"))]

        # The 429 pauses Erik's chat until Retry-After: nothing is resent to him meanwhile, and (issue 6 item 8
        # changed this) nobody else waits for him.
        attempts = len(fake_connector.activity_posts(ERIK.personal_conversation))
        assert attempts == 2  # the earlier help reply, and the throttled test message
        clock.set(clock.now() + timedelta(seconds=1))
        await bot.deliver()
        assert len(fake_connector.activity_posts(ERIK.personal_conversation)) == attempts
        assert len(test_messages(FATIMA.personal_conversation)) == 1
        clock.set(clock.now() + timedelta(seconds=1.5))
        await bot.deliver()
        assert len(test_messages(ERIK.personal_conversation)) == 1
        assert len(test_messages(FATIMA.personal_conversation)) == 1
        created = [c for c in fake_connector.created_conversations if c["members"][0]["id"] == LARS.id]
        assert len(created) == 1 and created[0]["channelData"] == {"tenant": {"id": "tenant-norrby"}}
        lars_index = next(
            i for i, c in enumerate(fake_connector.created_conversations) if c["members"][0]["id"] == LARS.id
        )
        new_chat = fake_connector.created_ids[lars_index]
        assert len(test_messages(new_chat)) == 1
        async with bot.runtime.uow() as uow:
            lars_chat = await uow.conversations.personal_for(LARS.id)
            assert lars_chat is not None and lars_chat.id == new_chat

        # Gone: a 403 marks Fatima's chat inactive and is not retried.
        fake_connector.fail_next(FATIMA.personal_conversation, 403, method="POST")
        clock.set(clock.now() + timedelta(minutes=5))
        await bot.say_in_channel(ANNA, "testa utskick")
        await bot.deliver()
        clock.set(clock.now() + timedelta(hours=1))
        await bot.deliver()
        posts = fake_connector.activity_posts(FATIMA.personal_conversation)
        assert [p.status for p in posts] == [201, 201, 403]  # help reply, first test message, the refused one
        async with bot.runtime.uow() as uow:
            fatima_chat = await uow.conversations.get(FATIMA.personal_conversation)
            assert fatima_chat is not None and not fatima_chat.active
            anna_chat = await uow.conversations.personal_for(ANNA.id)
        # The chair hears how each test went, once per round (issue 6 item 9: one result, not one per person).
        assert anna_chat is not None
        results = [
            str(b.get("text")) for b in fake_connector.sent_to(anna_chat.id) if "Testutskicket" in str(b.get("text"))
        ]
        assert len(results) == 2
        assert results[0].startswith("Testutskicket i Trygghetsforum Norrby: 3 av 3 nåddes.")
        assert "kunde inte nås" not in results[0]
        assert results[1].startswith(
            "Testutskicket i Trygghetsforum Norrby: 2 av 3 nåddes; Fatima Hassan (Socialtjänsten) kunde inte nås."
        )
        assert not [b for b in fake_connector.sent_to(anna_chat.id) if "kunde inte nå " in str(b.get("text"))]
