"""A schedule change in setup after the window opened: nobody gets the card again; each organisation that has
it hears the new time once (and the reminder is not sent twice either)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.clock import FixedClock
from tests.conversation.flows import values_from
from tests.conversation.harness import action_data, texts_in
from tests.e2e.harness import CHANNEL, running_forumbot
from tests.e2e.test_weekly_cycle import ANNA, ERIK, OPENS, REMINDER, SUNDAY, chat_of, request_texts, set_up
from tests.fakes.connector import FakeConnector

pytestmark = pytest.mark.e2e


async def test_moving_the_weekday_in_setup_does_not_send_the_cards_again(
    database_url: str, fake_connector: FakeConnector, clock: FixedClock
) -> None:
    clock.set(SUNDAY)
    async with running_forumbot(database_url, fake_connector, clock) as bot:
        await set_up(bot)
        assert await bot.tick(OPENS) == 4
        erik = await chat_of(bot, ERIK)
        assert len(request_texts(bot, erik, "Dags för lägesbilden")) == 1

        await bot.say_in_channel(ANNA, "konfigurera")
        card = bot.last_card_to(CHANNEL)
        saved = await bot.execute(ANNA, "setup.save", values_from(card) | {"weekday": "4"}
                                  | action_data(card, "setup.save"), conversation=CHANNEL)
        assert "sparat" in texts_in(saved["value"])
        await bot.deliver()
        await bot.tick()
        await bot.tick(REMINDER + timedelta(days=1))  # Friday's meeting: its reminder is on Thursday
        await bot.tick()

        assert len(request_texts(bot, erik, "Dags för lägesbilden")) == 1  # the card once, never again
        assert len(request_texts(bot, erik, "Påminnelse")) == 1  # and the reminder once
        moved = request_texts(bot, erik, "är flyttat till")
        assert len(moved) == 1 and "fredag 27 november" in moved[0]
        async with bot.runtime.uow() as uow:
            assert len(await uow.outbox.by_kind("collection_open")) == 4
            assert len({r.recipient_id for r in await uow.outbox.by_kind("meeting_moved")}) == 4
