"""End to end over real HTTP: a personnummer written in the channel reaches nobody, not even through the
outbox; its author is told privately (in a 1:1 chat the bot has to create) and gets the card with the
number masked; a setup card with a number in an organisation name is refused and the channel never sees it."""

from __future__ import annotations

import json
import logging
import re

import pytest

from domain.clock import FixedClock
from tests.conversation.flows import values_from
from tests.conversation.harness import action_data, inputs_of, texts_in
from tests.e2e.harness import CHANNEL, Person, running_forumbot
from tests.e2e.test_foundation_journey import ANNA, join, set_up
from tests.fakes.connector import FakeConnector

pytestmark = pytest.mark.e2e

LARS = Person("29:lars", "Lars Berg")


async def test_a_personnummer_written_in_the_channel_is_flagged_privately_and_sent_nowhere(
    database_url: str, fake_connector: FakeConnector, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with running_forumbot(database_url, fake_connector, clock) as bot:
        await set_up(bot)
        await join(bot, LARS, "Polisen")  # Lars has never talked to the bot 1:1

        await bot.say_in_channel(LARS, "lägesbild Pojken med pnr 19811228\u20139874 syns vid torget.")
        await bot.deliver()
        new_chat = fake_connector.created_ids[-1]
        texts = [str(b.get("text") or "") for b in fake_connector.sent_to(new_chat)]
        assert any(t.startswith("Ditt meddelande i kanalen innehåller något som ser ut som") for t in texts)
        card = bot.last_card_to(new_chat)
        section = next(k for k in inputs_of(card) if k.startswith("s__"))
        assert inputs_of(card)[section]["value"] == "Pojken med pnr ********–**** syns vid torget."
        channel_texts = [str((r.json or {}).get("text") or "") for r in fake_connector.activity_posts()
                         if (r.conversation_id or "").startswith(CHANNEL)]
        assert "Jag har skickat formuläret till dig i en privat chatt." in channel_texts

        # The setup card is refused without the number ever going back into the channel.
        await bot.say_in_channel(ANNA, "konfigurera")
        setup = bot.last_card_to(CHANNEL)
        data = values_from(setup) | {"organisations_new": "Familjen 811228 - 9874"} | action_data(setup, "setup.save")
        refused = await bot.execute(ANNA, "setup.save", data, conversation=CHANNEL)
        assert "har inte sparats" in texts_in(refused["value"])
        assert values_from(refused["value"])["organisations_new"] == "Familjen ****** - ****"

        # Ids in the JSON are hex, so look for the number itself there, and for its last four in what is read.
        number = re.compile(r"811228\D{0,4}9874")
        everything = json.dumps([r.json for r in fake_connector.requests], ensure_ascii=False)
        assert number.search(everything) is None and number.search(json.dumps(refused, ensure_ascii=False)) is None
        assert number.search(caplog.text) is None
        read = [str((r.json or {}).get("text") or "") for r in fake_connector.activity_posts()]
        read += [texts_in(c) for c in bot.cards_to("")] + [texts_in(refused["value"])]
        assert not any("9874" in text for text in read)
        async with bot.runtime.uow() as uow:
            forum = await uow.forums.by_conversation(CHANNEL)
            assert forum is not None and "Familjen" not in [o.name for o in forum.organisations]
