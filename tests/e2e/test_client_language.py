"""Messages nobody asked for go out in the person's language: their choice, else their Teams client's."""

from __future__ import annotations

import pytest

from domain.clock import FixedClock
from tests.conversation.harness import action_data, inputs_of
from tests.e2e.harness import CHANNEL, Forumbot, Person, running_forumbot
from tests.e2e.test_foundation_journey import ERIK, set_up
from tests.e2e.test_weekly_cycle import OPENS, SUNDAY, chat_of, request_texts
from tests.fakes.connector import FakeConnector

pytestmark = pytest.mark.e2e

JOHN = Person("29:john", "John Smith", locale="en-US")  # an English Teams client, never chose a language
KARIN = Person("29:karin", "Karin Ek", locale="en-GB")  # an English client, but chose Swedish


async def join(bot: Forumbot, person: Person, organisation: str) -> None:
    await bot.say_in_channel(person, "join" if person.locale.startswith("en") else "gå med")
    card = bot.last_card_to(CHANNEL)
    org_id = next(c["value"] for c in inputs_of(card)["organisation_id"]["choices"] if c["title"] == organisation)
    await bot.execute(person, "join.submit", {**action_data(card, "join.submit"), "organisation_id": org_id,
                                              "role": "participant"}, conversation=CHANNEL)


async def test_the_collection_card_follows_the_persons_choice_then_their_teams_client(
    database_url: str, fake_connector: FakeConnector, clock: FixedClock
) -> None:
    clock.set(SUNDAY)
    async with running_forumbot(database_url, fake_connector, clock) as bot:
        await set_up(bot)  # Polisen, Socialtjänsten, Fältassistenterna
        await join(bot, JOHN, "Polisen")
        await bot.say_in_private(KARIN, "språk sv")
        await join(bot, KARIN, "Socialtjänsten")
        await join(bot, ERIK, "Fältassistenterna")
        assert await bot.tick(OPENS) == 3
        cards = {p.name: request_texts(bot, await chat_of(bot, p), "") for p in (JOHN, KARIN, ERIK)}
        assert [t for t in cards["John Smith"] if t.startswith("Time for")], cards["John Smith"]
        assert not [t for t in cards["John Smith"] if t.startswith("Dags för")]
        assert [t for t in cards["Karin Ek"] if t.startswith("Dags för lägesbilden")]
        assert [t for t in cards["Erik Johansson"] if t.startswith("Dags för lägesbilden")]
