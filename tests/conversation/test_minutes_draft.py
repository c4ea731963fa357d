"""Drafting minutes in Teams: record roles, the overview and item cards, two editors, actions, the chat shortcut."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from domain.clock import FixedClock
from storage.orm_auditors import AuditRow
from storage.unit_of_work import UnitOfWorkFactory
from tests.conversation.harness import BOT, Chat, card_of, inputs_of, texts_in
from tests.conversation.minutes_flows import buttons, click, forum_in_meeting, person_choice, set_record_roles
from tests.conversation.test_contribution import ANNA, ERIK, FATIMA, JOHN


async def stored_minutes(uow: UnitOfWorkFactory) -> Any:
    async with uow() as u:
        forum = (await u.forums.all())[0]
        drafts = await u.minutes.drafts_for_forum(forum.id)
        return drafts[0] if drafts else None


async def overview_of(channel: Chat, user: Any, word: str = "minnesanteckningar") -> dict[str, Any]:
    return card_of((await channel.say(user, word))[-1])


async def test_the_chair_names_the_record_roles_on_their_own_card_and_others_are_refused(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    bot, channel = await forum_in_meeting(uow_factory, clock)
    bot.deps = replace(bot.deps, mail_enabled=True)  # e-mail recipients are offered once mail is set up
    setup = card_of((await channel.say(ANNA, "konfigurera"))[-1])
    roles = await click(channel, ANNA, setup, "Roller för minnesanteckningar")
    assert isinstance(roles, dict) and all(node.get("label") for node in inputs_of(roles).values())
    people = [c["title"] for c in inputs_of(roles)["approvers"]["choices"]]
    assert {"Anna Lindqvist", "Erik Johansson", "Fatima Hassan", "John Smith"} <= set(people)
    assert inputs_of(roles)["approvers"].get("isMultiSelect") is True
    three = f"{ERIK.id},{FATIMA.id},{JOHN.id}"
    refused = await click(channel, ANNA, roles, "Spara", approvers=three, emails="kommunledningen@norrby.se, nej@")
    assert isinstance(refused, dict)
    shown = texts_in(refused)
    assert "Välj högst 2 justerare." in shown and "1 e-postadress ser inte rätt ut" in shown
    assert inputs_of(refused)["approvers"]["value"] == three  # what was chosen is kept
    assert inputs_of(refused)["emails"]["value"] == "kommunledningen@norrby.se, nej@"
    saved = await click(channel, ANNA, refused, "Spara", secretary=FATIMA.id, approvers=f"{ERIK.id},{JOHN.id}",
                        recipients="", emails="Kommunledningen@norrby.se", action_due_days="10")
    shown = texts_in(saved)
    assert "Sekreterare\nFatima Hassan" in shown and "Justerare\nErik Johansson, John Smith" in shown
    assert "kommunledningen@norrby.se" in shown and "10 dagar" in shown
    async with uow_factory() as uow:
        forum = (await uow.forums.all())[0]
        assert forum.record.secretary_id == FATIMA.id and forum.record.action_due_days == 10
        audit = list(await uow.session.scalars(select(AuditRow).where(AuditRow.action == "record_roles.changed")))
        assert len(audit) == 1 and "norrby" not in json.dumps(audit[0].detail)
    # Only the chair: Erik pressing an old copy of the card changes nothing.
    body = await channel.execute(ERIK, "record.save", {"forum_id": forum.id, "secretary": ERIK.id})
    assert "Bara forumets ordförande" in texts_in(body["value"])
    async with uow_factory() as uow:
        assert (await uow.forums.get(forum.id)).record.secretary_id == FATIMA.id  # type: ignore[union-attr]


async def test_drafting_across_cards_and_the_secretary_continues_the_chairs_draft(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    _bot, channel = await forum_in_meeting(uow_factory, clock)
    await set_record_roles(channel, ANNA, secretary=FATIMA.id)
    overview = await overview_of(channel, ANNA)
    shown = texts_in(overview)
    assert "Uppföljning från föregående möten" in shown and "Närvarande: Polisen" in shown
    assert "2. Aktuella händelser" in shown and "Publicera" in [a["title"] for a in overview["actions"]]
    item = await click(channel, ANNA, overview, "Ändra", nth=1)  # the second item's button
    assert isinstance(item, dict) and "Punkt 2 av 6" in texts_in(item)
    assert all(node.get("label") for node in inputs_of(item).values())
    third = await click(channel, ANNA, item, "Nästa", notes="Oro vid centrum på kvällarna.",
                        decisions="Fältassistenterna går extra pass\nPolisen återkommer om belysningen")
    assert isinstance(third, dict) and "Punkt 3 av 6" in texts_in(third)
    back = await click(channel, ANNA, third, "Föregående")
    assert isinstance(back, dict) and inputs_of(back)["notes"]["value"] == "Oro vid centrum på kvällarna."
    summary = await click(channel, ANNA, back, "Översikt")
    assert "2 beslut · 0 åtgärder · anteckningar" in texts_in(summary)

    # The secretary opens the same draft in her own turn and carries on where the chair left off.
    secretary = await overview_of(channel, FATIMA)
    assert "senast sparat av Anna Lindqvist" in texts_in(secretary)
    hers = await click(channel, FATIMA, secretary, "Ändra", nth=1)
    assert isinstance(hers, dict) and inputs_of(hers)["notes"]["value"] == "Oro vid centrum på kvällarna."
    await click(channel, FATIMA, hers, "Spara", notes="Oro vid centrum på kvällarna, främst fredagar.")
    minutes = await stored_minutes(uow_factory)
    assert minutes.content.items[1].notes == "Oro vid centrum på kvällarna, främst fredagar."
    assert minutes.content.items[1].decisions == ("Fältassistenterna går extra pass",
                                                  "Polisen återkommer om belysningen")
    assert minutes.updated_by == FATIMA.id
    refused = await channel.say(ERIK, "minnesanteckningar")
    assert "Bara ordföranden (Anna Lindqvist) eller forumets sekreterare" in (refused[-1].text or "")


async def test_a_stale_card_keeps_what_was_typed_and_shows_what_the_other_editor_saved(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    _bot, channel = await forum_in_meeting(uow_factory, clock)
    await set_record_roles(channel, ANNA, secretary=FATIMA.id)
    annas = await click(channel, ANNA, await overview_of(channel, ANNA), "Ändra", nth=1)
    other = await click(channel, ANNA, await overview_of(channel, ANNA), "Ändra", nth=2)
    fatimas = await click(channel, FATIMA, await overview_of(channel, FATIMA), "Ändra", nth=1)
    assert isinstance(annas, dict) and isinstance(other, dict) and isinstance(fatimas, dict)
    await click(channel, FATIMA, fatimas, "Spara", notes="Fatimas anteckning.")
    conflict = await click(channel, ANNA, annas, "Spara", notes="Annas anteckning.")
    assert isinstance(conflict, dict)
    shown = texts_in(conflict)
    assert "Fatima Hassan sparade minnesanteckningarna" in shown and "Fatimas anteckning." in shown
    assert inputs_of(conflict)["notes"]["value"] == "Annas anteckning."  # nothing typed is lost
    assert (await stored_minutes(uow_factory)).content.items[1].notes == "Fatimas anteckning."
    await click(channel, ANNA, conflict, "Spara")  # on purpose, over the newer text
    assert (await stored_minutes(uow_factory)).content.items[1].notes == "Annas anteckning."
    # A card for another item is not outdated by that: its save is laid over the latest draft.
    await click(channel, ANNA, other, "Spara", notes="Inget nytt om platser.")
    minutes = await stored_minutes(uow_factory)
    assert [i.notes for i in minutes.content.items[1:3]] == ["Annas anteckning.", "Inget nytt om platser."]


async def test_an_action_needs_a_title_an_owner_and_a_date_not_passed_and_keeps_the_text(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    _bot, channel = await forum_in_meeting(uow_factory, clock)
    item = await click(channel, ANNA, await overview_of(channel, ANNA), "Ändra", nth=1)
    assert isinstance(item, dict)
    new = await click(channel, ANNA, item, "Ny åtgärd", notes="Belysningen vid torget.")
    assert isinstance(new, dict) and all(node.get("label") for node in inputs_of(new).values())
    assert inputs_of(new)["action_due"]["value"] == "2026-12-10"  # the meeting + 14 days
    owner = person_choice(new, "action_owner", "Polisen, deltagare (Erik Johansson)")
    past = await click(channel, ANNA, new, "Spara", action_title="Byt lampor", action_owner=owner,
                       action_due="2026-11-20")
    assert isinstance(past, dict)
    assert "Datumet fredag 20 november 2026 har redan passerat" in texts_in(past)
    assert inputs_of(past)["action_title"]["value"] == "Byt lampor"
    empty = await click(channel, ANNA, past, "Spara", action_title=" ", action_owner="role:gone",
                        action_due="2026-12-01")
    assert isinstance(empty, dict)
    assert "Skriv vad som ska göras." in texts_in(empty) and "Välj en ansvarig i listan." in texts_in(empty)
    saved = await click(channel, ANNA, empty, "Spara", action_title="Byt lampor vid torget", action_owner=owner,
                        action_due="2026-12-01")
    assert isinstance(saved, dict)
    assert "ny** · Byt lampor vid torget · Polisen, deltagare (Erik Johansson) · senast tisdag 1 december 2026" in \
        texts_in(saved)
    minutes = await stored_minutes(uow_factory)
    assert minutes.content.items[1].notes == "Belysningen vid torget."  # the item's text was saved on the way
    action = minutes.content.items[1].actions[0]
    assert (action.title, action.number, action.due.isoformat()) == ("Byt lampor vid torget", None, "2026-12-01")
    removed = await click(channel, ANNA, await click(channel, ANNA, saved, "Ändra åtgärden"), "Ta bort åtgärden")
    assert "Åtgärden är borttagen." in texts_in(removed)
    assert (await stored_minutes(uow_factory)).content.items[1].actions == ()


async def test_an_identity_number_in_the_notes_is_refused_masked_and_nothing_is_stored(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    _bot, channel = await forum_in_meeting(uow_factory, clock)
    item = await click(channel, ANNA, await overview_of(channel, ANNA), "Ändra", nth=1)
    assert isinstance(item, dict)
    typed = "Pojke med personnummer 811228-9874 syns vid torget."
    refused = await click(channel, ANNA, item, "Spara", notes=typed)
    assert isinstance(refused, dict)
    assert "811228-9874" not in json.dumps(refused)
    assert inputs_of(refused)["notes"]["value"] == "Pojke med personnummer ******-**** syns vid torget."
    assert "”Anteckningar” har inte sparats" in texts_in(refused)
    minutes = await stored_minutes(uow_factory)
    assert minutes.revision == 1 and minutes.content.items[1].notes == ""
    warned = await click(channel, ANNA, item, "Spara", notes="Oro kring Storgatan 12 på kvällarna.")
    assert isinstance(warned, dict) and next(b["title"] for b in warned["actions"]) == "Spara ändå"
    assert (await stored_minutes(uow_factory)).revision == 1
    await click(channel, ANNA, warned, "Spara ändå")
    assert (await stored_minutes(uow_factory)).content.items[1].notes == "Oro kring Storgatan 12 på kvällarna."


async def test_the_chat_shortcut_adds_an_action_for_the_mentioned_person(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    _bot, channel = await forum_in_meeting(uow_factory, clock)
    usage = await channel.say(ANNA, "<at>Forumbot</at> åtgärd Kolla belysningen", mentions=(BOT,))
    assert "nämn personen med @" in (usage[-1].text or "")
    replies = await channel.say(ANNA, "<at>Forumbot</at> åtgärd Kolla belysningen vid torget <at>Erik Johansson</at> "
                                      "2026-12-03", mentions=(BOT, ERIK))
    added = card_of(replies[-1])
    shown = texts_in(added)
    assert "Åtgärd tillagd i minnesanteckningarna" in shown and "Kolla belysningen vid torget" in shown
    assert "Polisen, deltagare (Erik Johansson)" in shown and "torsdag 3 december 2026" in shown
    minutes = await stored_minutes(uow_factory)
    assert [a.title for a in minutes.content.items[-1].actions] == ["Kolla belysningen vid torget"]
    edit = await click(channel, ANNA, added, "Ändra")
    assert isinstance(edit, dict) and inputs_of(edit)["action_title"]["value"] == "Kolla belysningen vid torget"
    default = await channel.say(ANNA, "åtgärd Trender och mönster: Följ upp klotter <at>Erik Johansson</at>",
                                mentions=(ERIK,))
    assert "torsdag 10 december 2026" in texts_in(card_of(default[-1]))  # 14 days after the meeting
    minutes = await stored_minutes(uow_factory)
    assert [a.title for a in minutes.content.items[4].actions] == ["Följ upp klotter"]
    await channel.say(ANNA, "åtgärd trender: Kartlägg platserna <at>Erik Johansson</at>", mentions=(ERIK,))
    minutes = await stored_minutes(uow_factory)  # the start of an item's title names it, in any case
    assert [a.title for a in minutes.content.items[4].actions] == ["Följ upp klotter", "Kartlägg platserna"]
    refused = await channel.say(ERIK, "åtgärd Något <at>Erik Johansson</at>", mentions=(ERIK,))
    assert "Bara ordföranden" in (refused[-1].text or "")


async def test_before_the_meeting_and_once_published_the_draft_is_not_edited(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    from domain.minutes import MinutesStatus

    _bot, channel = await forum_in_meeting(uow_factory, clock)
    clock.set(datetime(2026, 11, 26, 7, 0, tzinfo=UTC))  # an hour before it starts
    early = await channel.say(ANNA, "minnesanteckningar 2026-11-26")
    assert "Mötet har inte börjat ännu" in (early[-1].text or "")
    clock.set(datetime(2026, 11, 26, 9, 0, tzinfo=UTC))
    next_meeting = card_of((await channel.say(ANNA, "nästa möte"))[-1])
    assert "Minnesanteckningar" in [b["title"] for b in buttons(next_meeting)]
    item = await click(channel, ANNA, await click(channel, ANNA, next_meeting, "Minnesanteckningar"), "Ändra", nth=1)
    minutes = await stored_minutes(uow_factory)
    async with uow_factory() as uow:
        await uow.minutes.set_status(minutes.meeting_id, MinutesStatus.PUBLISHED, sent_revision=None,
                                     now=clock.now())
        await uow.commit()
    locked = await click(channel, ANNA, item, "Spara", notes="För sent.")
    assert "är publicerade" in texts_in(locked) and "Rätta" in texts_in(locked)
    assert any(b["verb"] == "minutes.show" for b in buttons(locked))


async def test_in_english_the_secretary_drafts_and_adds_an_action_from_the_chat(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    _bot, channel = await forum_in_meeting(uow_factory, clock)
    await set_record_roles(channel, ANNA, secretary=JOHN.id, approvers=ERIK.id)
    overview = await overview_of(channel, JOHN, "minutes")
    shown = texts_in(overview)
    assert "Follow-up from earlier meetings" in shown
    assert "Present: Polisen" in shown and "Send for approval" in [a["title"] for a in overview["actions"]]
    item = await click(channel, JOHN, overview, "Edit", nth=0)
    assert isinstance(item, dict) and "Item 1 of 6" in texts_in(item)
    second = await click(channel, JOHN, item, "Next", notes="No open actions.")
    assert isinstance(second, dict) and "Item 2 of 6" in texts_in(second)
    annas = await click(channel, ANNA, await overview_of(channel, ANNA), "Ändra", nth=1)
    await click(channel, JOHN, second, "Save", notes="John's note.")
    conflict = await click(channel, ANNA, annas, "Spara", notes="Annas anteckning.")
    assert "John Smith sparade" in texts_in(conflict)
    stale = await click(channel, JOHN, second, "New action")  # this copy predates his own save: it says so
    assert "John Smith saved the minutes" in texts_in(stale)
    fresh = await click(channel, JOHN, await overview_of(channel, JOHN, "minutes"), "Edit", nth=1)
    assert isinstance(fresh, dict) and inputs_of(fresh)["notes"]["value"] == "John's note."
    past = await click(channel, JOHN, await click(channel, JOHN, fresh, "New action"), "Save",
                       action_title="Paint over the graffiti",
                       action_owner="role:none",
                       action_due="2026-11-01")
    assert "Please choose an owner from the list." in texts_in(past) and "has already passed" in texts_in(past)
    assert inputs_of(past)["action_title"]["value"] == "Paint over the graffiti"
    replies = await channel.say(JOHN, "action Paint over the graffiti <at>Erik Johansson</at> 2026-12-04",
                                mentions=(ERIK,))
    shown = texts_in(card_of(replies[-1]))
    assert "Action added to the minutes" in shown and "Polisen, participant (Erik Johansson)" in shown
    usage = await channel.say(JOHN, "action <at>Erik Johansson</at>", mentions=(ERIK,))
    assert "mention the person with @" in (usage[-1].text or "")


async def test_in_english_record_roles_and_the_refusals_keep_what_was_typed(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    from tests.conversation.flows import join, set_up_forum
    from tests.conversation.harness import make_bot

    bot, _ = make_bot(uow_factory, clock)
    bot.deps = replace(bot.deps, mail_enabled=True)
    channel = Chat(bot, conversation_id="19:youth@thread.tacv2", conversation_type="channel")
    await set_up_forum(channel, JOHN, name="Youth forum", organisations=["Police", "School"])
    await join(channel, ERIK, "Police", "participant")
    await channel.say(JOHN, "next meeting")  # the meeting on Thursday is known from now on
    clock.set(datetime(2026, 11, 26, 8, 30, tzinfo=UTC))
    setup = card_of((await channel.say(JOHN, "setup"))[-1])
    roles = await click(channel, JOHN, setup, "Roles for the minutes")
    assert "Secretary" in texts_in(roles) and "Approvers" in texts_in(roles)
    refused = await click(channel, JOHN, roles, "Save", emails="leadership@youth", action_due_days="400")
    assert "1 e-mail address does not look right" in texts_in(refused)
    assert "between 1 and 365" in texts_in(refused) and inputs_of(refused)["emails"]["value"] == "leadership@youth"
    saved = await click(channel, JOHN, refused, "Save", emails="leadership@youth.example.org", action_due_days="7",
                        secretary=ERIK.id)
    assert "Secretary\nErik Johansson" in texts_in(saved) and "7 days" in texts_in(saved)
    not_chair = await click(channel, ERIK, roles, "Save")
    assert "Bara forumets ordförande" in texts_in(not_chair)  # Erik reads Swedish

    item = await click(channel, JOHN, await overview_of(channel, JOHN, "minutes"), "Edit", nth=1)
    typed = "A boy, personal number 811228-9874, is often at the square."
    number = await click(channel, JOHN, item, "Save", notes=typed)
    assert "811228-9874" not in json.dumps(number) and "was not saved" in texts_in(number)
    assert inputs_of(number)["notes"]["value"] == "A boy, personal number ******-****, is often at the square."
    action = await click(channel, JOHN, item, "New action")
    assert inputs_of(action)["action_due"]["value"] == "2026-12-03"  # the meeting + the forum's 7 days
    empty = await click(channel, JOHN, action, "Save", action_title="", action_description="Ask the landlord.")
    assert "Please say what is to be done." in texts_in(empty) and "Please choose an owner" in texts_in(empty)
    assert inputs_of(empty)["action_description"]["value"] == "Ask the landlord."


async def test_the_posted_summary_has_a_minutes_button_that_opens_the_draft_once_the_meeting_started(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    from bot.services.cycle import run_cycle
    from storage.orm import OutboxRow
    from tests.deps import deps_of

    _bot, channel = await forum_in_meeting(uow_factory, clock)
    await run_cycle(deps_of(uow_factory), datetime(2026, 11, 25, 15, 1, tzinfo=UTC))  # the deadline
    async with uow_factory() as uow:
        posted = [r.payload for r in await uow.session.scalars(select(OutboxRow).where(OutboxRow.kind == "summary"))]
    assert posted
    summary = posted[-1]["attachments"][0]["content"]  # type: ignore[index]
    assert [b["title"] for b in buttons(summary)] == ["Minnesanteckningar"]
    opened = await click(channel, ANNA, summary, "Minnesanteckningar")
    assert "Översikt" in texts_in(opened) and "Närvarande: Polisen" in texts_in(opened)
    refused = await click(channel, ERIK, summary, "Minnesanteckningar")
    assert "Bara ordföranden (Anna Lindqvist) eller forumets sekreterare" in texts_in(refused)


async def test_someone_in_the_channel_who_never_joined_can_be_named_a_recipient(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    """Kommunledningen reads the channel but represents no organisation: the roster offers them all the same."""
    from tests.conversation.harness import User
    from tests.conversation.test_people import with_roster

    bot, channel = await forum_in_meeting(uow_factory, clock)
    karin = User("29:karin", "Karin Kommunchef")
    with_roster(bot, ANNA, ERIK, karin)
    setup = card_of((await channel.say(ANNA, "konfigurera"))[-1])
    roles = await click(channel, ANNA, setup, "Roller för minnesanteckningar")
    assert person_choice(roles, "recipients", "Karin Kommunchef") == karin.id
    saved = await click(channel, ANNA, roles, "Spara", recipients=karin.id)
    assert "Mottagare i Teams\nKarin Kommunchef" in texts_in(saved)
    async with uow_factory() as uow:
        forum = (await uow.forums.all())[0]
        assert forum.record.recipient_ids == (karin.id,) and forum.membership(karin.id) is None
        assert (await uow.people.get(karin.id)) is not None  # known, so the minutes can reach her 1:1
    fresh = await click(channel, ANNA, saved, "Ändra roller")
    stranger = await click(channel, ANNA, fresh, "Spara", recipients="29:nobody-here")
    assert "Välj personer ur listan" in texts_in(stranger)  # only people the bot can see in the channel
