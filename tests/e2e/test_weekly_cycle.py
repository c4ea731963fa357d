"""End to end: one week of lägesbild with 4 organisations, driven by scheduler ticks at a fake clock.

setup → the window opens (cards to 4, one via the deputy because the participant is away) → two submit, one
edits → the reminder reaches only the two missing → one says "deltar inte" → deadline → the summary is posted
to the channel and the chair with exactly the right content → a late submission updates the posted message.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from domain.clock import FixedClock
from tests.conversation.harness import action_data, inputs_of, texts_in
from tests.e2e.harness import CHANNEL, Forumbot, Person, running_forumbot
from tests.e2e.test_foundation_journey import ANNA, ERIK, FATIMA, LARS
from tests.fakes.connector import FakeConnector

pytestmark = pytest.mark.e2e

MARIA = Person("29:maria", "Maria Nilsson")
JOHAN = Person("29:johan", "Johan Ek")

SUNDAY = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
OPENS = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # Monday 08:00 in Stockholm
REMINDER = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)  # Wednesday 12:00
DEADLINE = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)  # Wednesday 16:00
EVENING = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)


async def set_up(bot: Forumbot) -> None:
    from tests.conversation.flows import values_from

    await bot.say_in_channel(ANNA, "konfigurera")
    card = bot.last_card_to(CHANNEL)
    data = values_from(card) | {"name": "Trygghetsforum Norrby",
                                "organisations_new": "Polisen\nSocialtjänsten\nFältassistenterna\nNorrbyskolan"}
    await bot.execute(ANNA, "setup.save", data | action_data(card, "setup.save"),
                      conversation=CHANNEL)
    for person, organisation, role in (
        (ERIK, "Polisen", "participant"), (FATIMA, "Socialtjänsten", "participant"),
        (LARS, "Fältassistenterna", "participant"), (MARIA, "Norrbyskolan", "participant"),
        (JOHAN, "Norrbyskolan", "deputy"),
    ):
        await bot.say_in_channel(person, "gå med")
        join_card = bot.last_card_to(CHANNEL)
        choices = inputs_of(join_card)["organisation_id"]["choices"]
        org_id = next(c["value"] for c in choices if c["title"] == organisation)
        await bot.execute(person, "join.submit", {**action_data(join_card, "join.submit"),
                                                  "organisation_id": org_id, "role": role}, conversation=CHANNEL)


async def chat_of(bot: Forumbot, person: Person) -> str | None:
    async with bot.runtime.uow() as uow:
        chat = await uow.conversations.personal_for(person.id)
        return chat.id if chat else None


def fill(card: dict[str, Any], texts: dict[int, str], **fields: str) -> dict[str, Any]:
    inputs = inputs_of(card)
    sections = [k for k in inputs if k.startswith("s__")]
    data = {k: v.get("value", "") for k, v in inputs.items()}
    for number, text in texts.items():
        data[sections[number - 1]] = text
    data.update(fields)
    action = next(a for a in card["actions"] if a["verb"] == "contribution.submit")
    return data | {k: v for k, v in action["data"].items() if k != "verb"}


async def submit(
    bot: Forumbot, person: Person, texts: dict[int, str], *, edit: bool = False, **fields: str
) -> dict[str, Any]:
    """Fill in the card the person received; with `edit`, first press "Ändra" on the receipt, as a person would."""
    chat = await chat_of(bot, person)
    assert chat is not None
    card = bot.last_card_to(chat)
    if edit:
        action = next(a for a in card["actions"] if a["verb"] == "contribution.submit")
        ids = {k: action["data"][k] for k in ("meeting_id", "organisation_id")}
        card = (await bot.execute(person, "contribution.open", ids, conversation=chat))["value"]
    body = await bot.execute(person, "contribution.submit", fill(card, texts, **fields), conversation=chat)
    assert "Inlämnad" in texts_in(body["value"]), texts_in(body["value"])
    return body


def request_texts(bot: Forumbot, chat: str | None, word: str) -> list[str]:
    return [str(b.get("text")) for b in bot.connector.sent_to(chat or "-") if word in str(b.get("text"))]


async def test_a_week_of_lagesbild_from_window_to_late_addition(
    database_url: str, fake_connector: FakeConnector, clock: FixedClock
) -> None:
    clock.set(SUNDAY)
    async with running_forumbot(database_url, fake_connector, clock) as bot:
        await set_up(bot)
        await bot.say_in_private(MARIA, "frånvarande till 2026-11-30")
        assert await bot.tick() == 0  # Sunday: nothing is due yet

        # Monday 08:00: the window opens; Maria is away so Norrbyskolan's card goes to Johan, her deputy.
        assert await bot.tick(OPENS) == 4
        assert await bot.tick() == 0  # a second tick (or a restart) sends nothing twice
        for person in (ERIK, FATIMA, LARS, JOHAN):
            assert len(request_texts(bot, await chat_of(bot, person), "Dags för lägesbilden")) == 1, person.name
        assert request_texts(bot, MARIA.personal_conversation, "Dags") == []

        await submit(bot, ERIK, {2: "Stök vid centrumtorget fredag kväll."})
        await submit(bot, FATIMA, {4: "Ökat antal unga i centrum efter skolan."})
        await submit(bot, ERIK, {2: "Stök vid centrumtorget fredag och lördag kväll."}, edit=True)  # latest counts

        # Wednesday 12:00: reminders only to the two organisations that have not answered.
        assert await bot.tick(REMINDER) == 2
        assert len(request_texts(bot, await chat_of(bot, LARS), "Påminnelse: Fältassistenterna")) == 1
        assert len(request_texts(bot, await chat_of(bot, JOHAN), "Påminnelse: Norrbyskolan")) == 1
        assert request_texts(bot, await chat_of(bot, ERIK), "Påminnelse") == []

        await submit(bot, LARS, {}, attending="no")

        # Wednesday 16:00: the summary goes to the channel and to the chair.
        await bot.tick(DEADLINE)
        posted = [c for c in bot.cards_to(CHANNEL) if "Lägesbild – Trygghetsforum Norrby" in texts_in(c)]
        assert len(posted) == 1
        summary = texts_in(posted[0])
        assert "3 av 4 organisationer har rapporterat" in summary
        assert "Stök vid centrumtorget fredag och lördag kväll." in summary
        assert "Stök vid centrumtorget fredag kväll." not in summary
        # Agenda order: Erik's text under section 2, Fatima's under section 4.
        assert (summary.index("Aktuella händelser") < summary.index("Stök vid centrumtorget")
                < summary.index("Kommande aktiviteter") < summary.index("Ökat antal unga"))
        assert "Har inte rapporterat (1)" in summary and "Norrbyskolan" in summary.split("Har inte rapporterat")[1]
        assert "Deltar inte i mötet (1)" in summary
        assert "Fältassistenterna" in summary.split("Deltar inte i mötet")[1]
        chair_chat = await chat_of(bot, ANNA)
        assert [c for c in bot.cards_to(chair_chat or "-") if "Lägesbild – Trygghetsforum Norrby" in texts_in(c)]
        assert await bot.tick() == 0  # posted once

        # Evening: Johan sends Norrbyskolan's report late; the posted summary is updated in place.
        clock.set(EVENING)
        await submit(bot, JOHAN, {3: "Lugnt på skolgården, fler vuxna ute på rasterna."})
        await bot.deliver()
        summary_post = next(r for r in fake_connector.activity_posts(CHANNEL, ok_only=True)
                            if "Lägesbild – Trygghetsforum" in str(r.json))
        updates = fake_connector.updates_to(CHANNEL)
        assert [activity_id for activity_id, _ in updates] == [summary_post.response["id"]]
        updated = texts_in(updates[0][1]["attachments"][0]["content"])
        assert "Inkommet efter sammanställning" in updated
        assert "Lugnt på skolgården" in updated.split("Inkommet efter sammanställning")[1]
        notes = request_texts(bot, chair_chat, "Inkommet efter sammanställning: Norrbyskolan")
        assert len(notes) == 1


async def test_when_teams_gives_no_message_id_a_late_addition_is_posted_anew(
    database_url: str, fake_connector: FakeConnector, clock: FixedClock
) -> None:
    clock.set(SUNDAY)
    async with running_forumbot(database_url, fake_connector, clock) as bot:
        await set_up(bot)
        await bot.tick(OPENS)
        await submit(bot, ERIK, {2: "Stök vid centrumtorget."})
        fake_connector.fail_next(CHANNEL, 201, body={"id": ""}, method="POST")  # a post acknowledged without an id
        await bot.tick(DEADLINE)
        clock.set(EVENING)
        await submit(bot, LARS, {3: "Lugnt på skolgården."})
        await bot.deliver()
        assert fake_connector.updates_to(CHANNEL) == []
        posts = [c for c in bot.cards_to(CHANNEL) if "Lägesbild – Trygghetsforum Norrby" in texts_in(c)]
        assert len(posts) == 2
        assert "Lugnt på skolgården" in texts_in(posts[1]).split("Inkommet efter sammanställning")[1]


async def test_a_forum_set_up_after_the_deadline_posts_no_empty_lagesbild_but_what_is_sent_anyway(
    database_url: str, fake_connector: FakeConnector, clock: FixedClock
) -> None:
    """Nobody was asked for the first meeting's lägesbild (its deadline had passed at set-up): no empty summary
    is posted; when somebody sends one anyway, it is posted, as received after the deadline."""
    late_set_up = DEADLINE + timedelta(hours=2)
    clock.set(late_set_up)
    async with running_forumbot(database_url, fake_connector, clock) as bot:
        await set_up(bot)
        await bot.tick(late_set_up + timedelta(minutes=1))
        assert not [p for p in fake_connector.activity_posts(ok_only=True) if "0 av 4" in json.dumps(
            p.json, ensure_ascii=False)]
        async with bot.runtime.uow() as uow:
            forum = await uow.forums.by_conversation(CHANNEL)
            assert forum is not None
            meeting = next(m for m in await uow.meetings.for_forum(forum) if m.local_date.isoformat() == "2026-11-26")
            assert await uow.summaries.revision(meeting.id) is None
        await bot.say_in_private(ERIK, "lägesbild")
        await submit(bot, ERIK, {2: "Stök vid centrumtorget."})
        await bot.tick(late_set_up + timedelta(minutes=3))
        async with bot.runtime.uow() as uow:
            assert await uow.summaries.revision(meeting.id) == 1
        posted = json.dumps([p.json for p in fake_connector.activity_posts(ok_only=True)], ensure_ascii=False)
        assert "Stök vid centrumtorget." in posted
