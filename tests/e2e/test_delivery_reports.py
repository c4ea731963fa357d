"""End to end: the chair hears once per round who could not be reached (issue 6 item 9), in Swedish and English.

`testa utskick` ends in one result ("5 av 6 nåddes; Erik kunde inte nås"), a card round with two unreachable
members in one message, and a 401 or a 413 (the bot's problem, not the member's) never makes anyone
"unreachable".
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.clock import FixedClock
from tests.conversation.harness import action_data, inputs_of
from tests.e2e.harness import CHANNEL, Forumbot, Person, running_forumbot
from tests.e2e.test_foundation_journey import ANNA, ERIK, FATIMA, LARS
from tests.e2e.test_weekly_cycle import JOHAN, MARIA, OPENS, SUNDAY, chat_of, set_up
from tests.fakes.connector import FakeConnector

pytestmark = pytest.mark.e2e

SARA = Person("29:sara", "Sara Lind")


async def six_members(bot: Forumbot) -> None:
    """Four organisations, five with a role and Sara as a plain member; everyone has a 1:1 chat with the bot."""
    await set_up(bot)
    await bot.say_in_channel(SARA, "gå med")
    card = bot.last_card_to(CHANNEL)
    police = next(c["value"] for c in inputs_of(card)["organisation_id"]["choices"] if c["title"] == "Polisen")
    await bot.execute(SARA, "join.submit", {**action_data(card, "join.submit"),
                                            "organisation_id": police, "role": "member"}, conversation=CHANNEL)
    for person in (ANNA, ERIK, FATIMA, LARS, MARIA, JOHAN, SARA):
        await bot.say_in_private(person, "hjälp")


def to_chair(connector: FakeConnector, word: str) -> list[str]:
    return [str(b.get("text")) for b in connector.sent_to(ANNA.personal_conversation) if word in str(b.get("text"))]


async def test_testa_utskick_reports_once_who_was_reached(
    database_url: str, fake_connector: FakeConnector, clock: FixedClock
) -> None:
    async with running_forumbot(database_url, fake_connector, clock) as bot:
        await six_members(bot)
        fake_connector.fail_next(ERIK.personal_conversation, 403, method="POST")
        await bot.say_in_channel(ANNA, "testa utskick")
        await bot.deliver()
        clock.set(clock.now() + timedelta(hours=1))
        await bot.deliver()

        (result,) = to_chair(fake_connector, "Testutskicket")
        assert result.startswith(
            "Testutskicket i Trygghetsforum Norrby: 5 av 6 nåddes; Erik Johansson (Polisen) kunde inte nås."
        )
        assert "Be hen att öppna Forumbot" in result
        assert to_chair(fake_connector, "kunde inte nå ") == []  # no separate per-person notice

        # A 413 and two 401s are Forumbot's problem: counted as not sent, nobody called unreachable.
        fake_connector.fail_next(FATIMA.personal_conversation, 413, method="POST")
        fake_connector.fail_next(LARS.personal_conversation, 401, times=2, method="POST")
        await bot.say_in_channel(ANNA, "testa utskick")
        await bot.deliver()
        clock.set(clock.now() + timedelta(hours=1))
        await bot.deliver()
        first, second = to_chair(fake_connector, "Testutskicket")
        assert first == result
        assert second.startswith("Testutskicket i Trygghetsforum Norrby: 4 av 6 nåddes.\n\n")
        assert "2 meddelanden kunde inte skickas på grund av ett fel hos Forumbot" in second
        assert "kunde inte nås" not in second and "Fatima" not in second and "Lars" not in second
        lars = [r.status for r in fake_connector.activity_posts(LARS.personal_conversation)]
        assert lars == [201, 201, 401, 401]  # hjälp, the first test, then a 401 and one more with a new token


async def test_test_message_result_in_english_with_the_singular(
    database_url: str, fake_connector: FakeConnector, clock: FixedClock
) -> None:
    async with running_forumbot(database_url, fake_connector, clock) as bot:
        await set_up(bot)
        await bot.say_in_private(ANNA, "språk en")
        async with bot.runtime.uow() as uow:
            forum = (await uow.forums.all())[0]
            for membership in forum.memberships:
                if membership.person_id not in (ERIK.id, FATIMA.id):
                    await uow.forums.vacate_roles_of(forum.id, membership.person_id, clock.now())
                    await uow.forums.remove_membership(forum.id, membership.person_id)
            await uow.commit()
        await bot.say_in_private(ERIK, "hjälp")
        fake_connector.fail_next(ERIK.personal_conversation, 404, method="POST")
        await bot.say_in_channel(ANNA, "test message")
        await bot.deliver()

        (result,) = to_chair(fake_connector, "Test message in")
        assert result.startswith(
            "Test message in Trygghetsforum Norrby: 1 of 2 was reached; Erik Johansson (Polisen) could not be reached."
        )
        assert "Ask them to open Forumbot" in result

        await bot.say_in_private(ERIK, "help")  # Erik opens a chat again: everyone is reached
        clock.set(clock.now() + timedelta(minutes=1))
        await bot.say_in_channel(ANNA, "test message")
        await bot.deliver()
        second = to_chair(fake_connector, "Test message in")[1]
        assert second == "Test message in Trygghetsforum Norrby: 2 of 2 were reached."


async def test_a_card_round_reports_its_unreachable_members_in_one_message(
    database_url: str, fake_connector: FakeConnector, clock: FixedClock
) -> None:
    clock.set(SUNDAY)
    async with running_forumbot(database_url, fake_connector, clock) as bot:
        await six_members(bot)
        fake_connector.fail_next(ERIK.personal_conversation, 403, method="POST")
        fake_connector.fail_next(FATIMA.personal_conversation, 404, method="POST")
        await bot.tick(OPENS)
        await bot.tick(OPENS + timedelta(minutes=1))

        reports = to_chair(fake_connector, "kom inte fram")
        assert len(reports) == 1
        assert reports[0].startswith("Lägesbildsformuläret inför mötet ")
        assert "kom inte fram till Erik Johansson (Polisen) och Fatima Hassan (Socialtjänsten)." in reports[0]
        assert "Be dem att öppna Forumbot" in reports[0]
        assert to_chair(fake_connector, "kunde inte nå ") == []
        assert await chat_of(bot, LARS)  # the others got their cards
        assert any("lägesbild" in str(b).lower() for b in fake_connector.sent_to(LARS.personal_conversation))
