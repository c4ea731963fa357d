"""End to end: an outdated setup card cannot wipe a forum, and a past meeting's record never changes.

setup with four organisations → reports → the summary is posted at the deadline → the setup card from before
the organisations were added is pressed again (and one carrying only the verb and the forum id) → refused,
nothing changed → an organisation with a report is removed (asked first, then retired), the forum renamed and
the deadline moved → the past meeting's export is byte for byte what it was, and its report is still there.
"""

from __future__ import annotations

from typing import Any

import pytest

from domain.clock import FixedClock
from tests.conversation.flows import values_from
from tests.conversation.harness import action_data, inputs_of, texts_in
from tests.e2e.harness import CHANNEL, Forumbot
from tests.e2e.harness import running_forumbot as running
from tests.e2e.test_weekly_cycle import ANNA, DEADLINE, ERIK, FATIMA, LARS, OPENS, SUNDAY, submit
from tests.fakes.connector import FakeConnector

pytestmark = pytest.mark.e2e

ORGANISATIONS = ["Polisen", "Socialtjänsten", "Fältassistenterna", "Norrbyskolan"]


async def export(bot: Forumbot, day: str = "2026-11-26") -> str:
    await bot.say_in_private(ANNA, f"exportera lägesbild {day}")
    reply = str(bot.connector.sent_to(ANNA.personal_conversation)[-1]["text"])
    response = await bot.client.get("/exports/" + reply.split("/exports/")[1].split(")")[0])
    assert response.status == 200
    return await response.text()


async def forum_state(bot: Forumbot) -> tuple[str, list[str], str]:
    async with bot.runtime.uow() as uow:
        forum = await uow.forums.by_conversation(CHANNEL)
    assert forum is not None
    return forum.name, [o.name for o in forum.organisations], forum.schedule.deadline.at.isoformat(timespec="minutes")


async def join_all(bot: Forumbot) -> None:
    for person, organisation in ((ERIK, "Polisen"), (FATIMA, "Socialtjänsten"), (LARS, "Fältassistenterna")):
        await bot.say_in_channel(person, "gå med")
        card = bot.last_card_to(CHANNEL)
        org_id = next(c["value"] for c in inputs_of(card)["organisation_id"]["choices"] if c["title"] == organisation)
        await bot.execute(person, "join.submit", {**action_data(card, "join.submit"), "organisation_id": org_id,
                                                  "role": "participant"}, conversation=CHANNEL)


async def save(bot: Forumbot, data: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = (await bot.execute(ANNA, "setup.save", data, conversation=CHANNEL))["value"]
    return body


async def test_an_old_setup_card_is_refused_and_a_past_meeting_keeps_its_record(
    database_url: str, fake_connector: FakeConnector, clock: FixedClock
) -> None:
    clock.set(SUNDAY)
    async with running(database_url, fake_connector, clock) as bot:
        await bot.say_in_channel(ANNA, "konfigurera")
        first_card = bot.last_card_to(CHANNEL)  # still on screen for everyone who saw it
        old_submit = values_from(first_card) | action_data(first_card, "setup.save")
        saved = await save(bot, old_submit | {"name": "Trygghetsforum Norrby",
                                              "organisations_new": "\n".join(ORGANISATIONS)})
        assert "Trygghetsforum Norrby är sparat" in texts_in(saved)
        await join_all(bot)

        await bot.tick(OPENS)
        await submit(bot, ERIK, {2: "Stök vid centrumtorget fredag kväll."})
        await submit(bot, FATIMA, {4: "Ökat antal unga i centrum efter skolan."})
        await bot.tick(DEADLINE)
        before = await export(bot)
        assert "2 av 4 organisationer har rapporterat" in before
        assert "Polisen" in before and "Stök vid centrumtorget" in before

        # The first card again, exactly as it was, and a card whose data carries only the verb and forum id.
        for stale in (old_submit, {"forum_id": old_submit["forum_id"]}):
            refused = await save(bot, stale)
            shown = texts_in(refused)
            assert "har ändrats sedan det här kortet visades" in shown
            assert await forum_state(bot) == ("Trygghetsforum Norrby", ORGANISATIONS, "16:00")
            assert inputs_of(refused)["name"]["value"] == "Trygghetsforum Norrby"
        assert await export(bot) == before

        # Remove Polisen (it has a report), rename the forum and move the deadline: asked first.
        await bot.say_in_channel(ANNA, "konfigurera")
        card = bot.last_card_to(CHANNEL)
        data = values_from(card) | action_data(card, "setup.save")
        police_key = next(k for k, v in data.items() if k.startswith("org__") and v == "Polisen")
        change = data | {police_key: "", "name": "Trygghetsforum Norrby 2027", "deadline_time": "15:00"}
        question = await save(bot, change)
        assert "Ta bort organisationer?" in texts_in(question)
        assert "Polisen: 1 inlämnad lägesbild finns kvar" in texts_in(question)
        assert await forum_state(bot) == ("Trygghetsforum Norrby", ORGANISATIONS, "16:00")
        confirm = action_data(question, "setup.save")
        done = await save(bot, confirm)
        assert "Trygghetsforum Norrby 2027 är sparat" in texts_in(done)
        assert await forum_state(bot) == ("Trygghetsforum Norrby 2027", ORGANISATIONS[1:], "15:00")

        after = await export(bot)
        assert after == before
        async with bot.runtime.uow() as uow:
            forum = await uow.forums.by_conversation(CHANNEL)
            assert forum is not None
            meeting = await uow.meetings.on_local_date(forum, SUNDAY.date().replace(day=26))
            assert meeting is not None
            versions = await uow.contributions.latest_for_meeting(meeting.id)
            retired = [a.subject_id for a in await uow.audit.by_action("organisation.retired")]
        assert len(versions) == 2 and len(retired) == 1
        assert retired[0] in {v.organisation_id for v in versions}

        # Polisen comes back under the same name: the retired organisation is reused, with its history.
        await bot.say_in_channel(ANNA, "konfigurera")
        card = bot.last_card_to(CHANNEL)
        await save(bot, values_from(card) | action_data(card, "setup.save") | {"organisations_new": "polisen"})
        async with bot.runtime.uow() as uow:
            forum = await uow.forums.by_conversation(CHANNEL)
        assert forum is not None
        assert retired[0] in {o.id for o in forum.organisations}


async def test_an_edit_after_the_deadline_keeps_the_on_time_text_in_place(
    database_url: str, fake_connector: FakeConnector, clock: FixedClock
) -> None:
    from tests.e2e.test_weekly_cycle import EVENING, set_up

    clock.set(SUNDAY)
    async with running(database_url, fake_connector, clock) as bot:
        await set_up(bot)
        await join_all(bot)
        await bot.tick(OPENS)
        await submit(bot, ERIK, {2: "Stök vid centrumtorget fredag kväll."})
        await bot.tick(DEADLINE)
        clock.set(EVENING)
        await submit(bot, ERIK, {2: "Stök vid centrumtorget fredag kväll.", 3: "Nytt: brand i en container."},
                     edit=True)
        body = await export(bot)
        main, _, late = body.partition("Inkommet efter sammanställning")
        assert "Stök vid centrumtorget fredag kväll." in main
        assert "Nytt: brand i en container." in late and "Stök vid centrumtorget" not in late
