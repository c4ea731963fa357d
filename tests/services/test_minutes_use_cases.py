"""The draft-minutes use cases on the in-memory unit of work: owners by role, rules of the record, record roles."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from bot.services import minutes_actions, minutes_draft, minutes_roles, minutes_save
from bot.services.membership import MembersArgs
from bot.services.minutes_chat import ChatActionArgs, add_from_chat, read_chat_action
from bot.services.minutes_draft import MinutesArgs
from domain.errors import NotChair, NotRecordKeeper, Usage
from domain.mail import valid_email
from domain.minutes import MinutesStatus
from domain.model import RecordRoles, RoleKind
from tests.conversation.harness import inputs_of, texts_in
from tests.conversation.minutes_flows import press
from tests.fakes.published import published
from tests.services.conftest import World
from tests.services.test_members_use_case import FATIMA, forum_with, join
from tests.services.test_setup_use_case import ANNA, ERIK


async def meeting_started(world: World) -> tuple[str, str]:
    """A forum (Polisen: Erik participant, Fatima a member without a role) whose Thursday meeting has started."""
    forum_id = await forum_with(world, "Polisen", "Skolan")
    await join(world, ERIK, "Polisen", "participant")
    await join(world, FATIMA, "Polisen", "member")
    async with world.deps.uow() as uow:
        forum = await uow.forums.get(forum_id)
        assert forum is not None
        meeting = await uow.meetings.ensure(forum, date(2026, 11, 19), world.now - timedelta(days=1), world.now)
        await uow.commit()
    return forum_id, meeting.id


async def opened(world: World, who: tuple[str, str] = ANNA) -> dict[str, Any]:
    reply = await minutes_draft.open_minutes(world.deps, await world.turn(*who), MinutesArgs())
    assert reply.card is not None, reply.text
    return reply.card


async def run(world: World, who: tuple[str, str], card: dict[str, Any], title: str, nth: int = 0,
              **typed: str) -> dict[str, Any]:
    verb, data = press(card, title, nth)
    use_case = {"minutes.open": minutes_draft.show, "minutes.save_item": minutes_save.save_item,
                "minutes.save_action": minutes_actions.save_action, "minutes.add_item": minutes_save.add_item,
                "minutes.remove_item": minutes_save.remove_item,
                "minutes.save_attendance": minutes_save.save_attendance,
                "minutes.remove_action": minutes_actions.remove_action}[verb]
    reply = await use_case(world.deps, await world.turn(*who), {**data, **typed})
    assert reply.card is not None, reply.text
    return reply.card


def minutes_of(world: World, meeting_id: str) -> Any:
    return world.db.records.minutes[meeting_id]


async def test_choosing_a_person_without_a_role_makes_them_the_holder_of_their_organisations_vacant_role(
    world: World,
) -> None:
    forum_id, meeting_id = await meeting_started(world)
    item = await run(world, ANNA, await opened(world), "Ändra", nth=0)
    action = await run(world, ANNA, item, "Ny åtgärd")
    owners = {c["title"]: c["value"] for c in inputs_of(action)["action_owner"]["choices"]}
    assert "Polisen, deltagare (Erik Johansson)" in owners and "Skolan, ersättare (vakant)" in owners
    fatima = owners["Fatima Hassan (väljer personens roll)"]
    saved = await run(world, ANNA, action, "Spara", action_title="Prata med skolan", action_owner=fatima)
    assert "Polisen, ersättare (Fatima Hassan)" in texts_in(saved)
    forum = world.db.forums[forum_id].domain()
    deputy = forum.role(forum.organisations[0].id, RoleKind.DEPUTY)
    assert deputy is not None and deputy.holder_id == FATIMA[0]
    assert minutes_of(world, meeting_id).content.items[0].actions[0].owner_role_id == deputy.id
    assert "role.assigned" in [e["action"] for e in world.db.audit]


async def test_the_secretary_cannot_give_a_person_a_role_by_making_them_an_owner(world: World) -> None:
    """A role decides who gets the lägesbild form: only the chair names roles, so the secretary is told so."""
    from tests.services.test_setup_use_case import ANNA as CHAIR

    forum_id, meeting_id = await meeting_started(world)
    secretary = ("29:sara", "Sara Sekreterare")
    async with world.deps.uow() as uow:
        await uow.people.upsert(secretary[0], display_name=secretary[1], aad_object_id=None, tenant_id="t",
                                now=world.now)
        await uow.forums.set_record_roles(forum_id, RecordRoles(secretary_id=secretary[0]), world.now)
        await uow.commit()
    assert CHAIR[0] != secretary[0]
    item = await run(world, secretary, await opened(world, secretary), "Ändra", nth=0)
    action = await run(world, secretary, item, "Ny åtgärd")
    fatima = next(c["value"] for c in inputs_of(action)["action_owner"]["choices"] if "Fatima" in c["title"])
    refused = await run(world, secretary, action, "Spara", action_title="Prata med skolan", action_owner=fatima)
    assert "Fatima Hassan har ingen roll i forumet ännu" in texts_in(refused)
    assert inputs_of(refused)["action_title"]["value"] == "Prata med skolan"  # nothing typed is lost
    forum = world.db.forums[forum_id].domain()
    assert all(r.holder_id != FATIMA[0] for r in forum.roles)
    assert minutes_of(world, meeting_id).content.items[0].actions == ()
    chat = await add_from_chat(world.deps, await world.turn(*secretary), ChatActionArgs("Ring skolan", (FATIMA[0],)))
    assert "Fatima Hassan har ingen roll i forumet ännu" in (chat.text or "")


async def test_attendance_starts_from_the_contributions_and_is_edited_with_guests(world: World) -> None:
    _forum_id, meeting_id = await meeting_started(world)
    overview = await opened(world)
    assert "Ingen närvaro angiven ännu." in texts_in(overview)
    attendance = await run(world, ANNA, overview, "Ändra närvaro")
    police = next(c["value"] for c in inputs_of(attendance)["attending"]["choices"] if c["title"] == "Polisen")
    back = await run(world, ANNA, attendance, "Spara", attending=police, guests="Regionens samordnare")
    assert "Närvarande: Polisen" in texts_in(back) and "Regionens samordnare" in texts_in(back)
    stored = minutes_of(world, meeting_id).content.attendance
    assert stored.organisation_ids == (police,) and stored.guests == "Regionens samordnare"


async def test_items_are_added_and_removed_before_publishing_but_not_in_a_correction(world: World) -> None:
    _forum_id, meeting_id = await meeting_started(world)
    overview = await opened(world)
    new = await run(world, ANNA, overview, "Lägg till punkt")
    added = await run(world, ANNA, new, "Lägg till punkt", item_title="Sommarlovet")
    assert "Punkt 7 av 7" in texts_in(added)
    question = await run(world, ANNA, added, "Ta bort punkten")
    gone = await run(world, ANNA, question, "Ta bort")
    assert "Punkten ”Sommarlovet” är borttagen." in texts_in(gone)
    assert len(minutes_of(world, meeting_id).content.items) == 6
    world.db.records.minutes[meeting_id] = replace(minutes_of(world, meeting_id), published_versions=1)
    correction = await opened(world)
    assert "Lägg till punkt" not in texts_in(correction) and "Publicera rättelsen" in texts_in(correction)
    async with world.deps.uow() as uow:  # with an approver the correction is approved again: the button says so
        await uow.forums.set_record_roles(_forum_id, RecordRoles(approver_ids=(ERIK[0],)), world.now)
        await uow.commit()
    assert "Skicka rättelsen för justering" in texts_in(await opened(world))
    item = await run(world, ANNA, correction, "Ändra", nth=0)
    assert "Ta bort punkten" not in texts_in(item)
    saved = await run(world, ANNA, item, "Spara", notes="Rättat: mötet hölls i stadshuset.")
    assert "Sparat." in texts_in(saved)  # the items' content may change in a correction


async def test_a_save_while_out_for_approval_sends_the_draft_back(world: World) -> None:
    _forum_id, meeting_id = await meeting_started(world)
    item = await run(world, ANNA, await opened(world), "Ändra", nth=0)
    world.db.records.minutes[meeting_id] = replace(minutes_of(world, meeting_id), status=MinutesStatus.IN_APPROVAL,
                                                   sent_revision=1)
    assert "Skickat för justering" in texts_in(await opened(world))
    await run(world, ANNA, item, "Spara", notes="En ändring efter utskicket.")
    assert minutes_of(world, meeting_id).status is MinutesStatus.DRAFT


async def test_who_may_open_the_draft_and_what_the_others_get(world: World) -> None:
    _forum_id, meeting_id = await meeting_started(world)
    with pytest.raises(NotRecordKeeper):
        await minutes_draft.open_minutes(world.deps, await world.turn(*ERIK), MinutesArgs())
    await opened(world)
    async with world.deps.uow() as uow:  # published: the participant reads the published minutes themselves
        await uow.minutes.publish(published(1, meeting_id=meeting_id, forum_id=_forum_id))
        await uow.commit()
    assert minutes_of(world, meeting_id).status is MinutesStatus.PUBLISHED
    reply = await minutes_draft.open_minutes(world.deps, await world.turn(*ERIK), MinutesArgs())
    assert reply.card is not None and "Extra kvällsvandring fredag" in texts_in(reply.card)
    assert "minutes.correct" not in json.dumps(reply.card)  # Rätta is for the keepers only


async def test_the_chat_shortcut_reads_text_owner_and_date(world: World) -> None:
    args = read_chat_action(ChatActionArgs("Kolla belysningen 2026-12-03", ("29:erik",)))
    assert (args.title, args.owner_id, args.due) == ("Kolla belysningen", "29:erik", date(2026, 12, 3))
    for text, mentions in (("Kolla belysningen", ()), ("2026-12-03", ("29:erik",)), ("X 2026-13-45", ("29:erik",))):
        with pytest.raises(Usage):
            read_chat_action(ChatActionArgs(text, mentions))
    with pytest.raises(Usage) as two:  # two people named: which one owns it is not guessed
        read_chat_action(ChatActionArgs("Kolla belysningen", ("29:erik", "29:fatima")))
    assert two.value.key == "draft.chat_one_owner"
    forum_id, meeting_id = await meeting_started(world)
    with pytest.raises(NotRecordKeeper):
        await add_from_chat(world.deps, await world.turn(*ERIK), ChatActionArgs("Något", ("29:erik",)))
    reply = await add_from_chat(world.deps, await world.turn(*ANNA), ChatActionArgs("Ring skolan", (ANNA[0],)))
    assert "har ingen organisation i forumet" in (reply.text or "")
    stranger = await add_from_chat(world.deps, await world.turn(*ANNA), ChatActionArgs("Ring skolan", ("29:nobody",)))
    assert "Den du nämnde är inte med i forumet ännu" in (stranger.text or "")
    assert meeting_id not in world.db.records.minutes or not minutes_of(world, meeting_id).content.actions()
    assert forum_id


async def test_record_roles_are_checked_on_the_server(world: World) -> None:
    forum_id = await forum_with(world, "Polisen")
    await join(world, ERIK, "Polisen", "participant")
    with pytest.raises(NotChair):
        await minutes_roles.open_record_roles(world.deps, await world.turn(*ERIK), MembersArgs(forum_id=forum_id))
    by_forum = MembersArgs(forum_id=forum_id)
    plain = (await minutes_roles.open_record_roles(world.deps, await world.turn(*ANNA), by_forum)).card
    assert plain is not None and "emails" not in inputs_of(plain)  # no mail set up: no e-mail recipients offered
    world.deps = replace(world.deps, mail_enabled=True)
    card = (await minutes_roles.open_record_roles(world.deps, await world.turn(*ANNA), by_forum)).card
    assert card is not None and "emails" in inputs_of(card)
    _, data = press(card, "Spara")
    refused = await minutes_roles.save_record_roles(world.deps, await world.turn(*ANNA),
                                                    MembersArgs(data={**data, "secretary": "29:stranger",
                                                                      "action_due_days": "0"}))
    shown = texts_in(refused.card or {})
    assert "Välj personer ur listan" in shown and "mellan 1 och 365" in shown
    assert world.db.forums[forum_id].domain().record == RecordRoles()
    saved = await minutes_roles.save_record_roles(world.deps, await world.turn(*ANNA),
                                                  MembersArgs(data={**data, "secretary": ERIK[0],
                                                                    "emails": "a@norrby.se;b@norrby.se"}))
    assert "Erik Johansson" in texts_in(saved.card or {})
    assert world.db.forums[forum_id].domain().record.recipient_emails == ("a@norrby.se", "b@norrby.se")
    stale = await minutes_roles.save_record_roles(world.deps, await world.turn(*ANNA),
                                                  MembersArgs(data={**data, "secretary": ""}))
    assert "Någon har ändrat rollerna" in texts_in(stale.card or {})
    assert world.db.forums[forum_id].domain().record.secretary_id == ERIK[0]


@pytest.mark.parametrize(("address", "ok"), [("namn@kommun.se", True), ("fornamn.efternamn+x@norrby.kommun.se", True),
                                             ("namn@kommun", False), ("@kommun.se", False), ("namn@@kommun.se", False),
                                             ("na mn@kommun.se", False), ("namn@kommun..se", False),
                                             ("namn@-kommun.se", False)])
def test_email_addresses_are_checked_strictly(address: str, ok: bool) -> None:
    assert valid_email(address) is ok  # the rule the record-roles card uses (domain/mail.py)


async def test_no_draft_for_a_date_before_the_forum_existed(world: World) -> None:
    await meeting_started(world)
    reply = await minutes_draft.open_minutes(world.deps, await world.turn(*ANNA), MinutesArgs(date(2026, 11, 12)))
    assert reply.card is None and "12 november 2026" in (reply.text or "")
    assert world.db.records.minutes == {}  # nothing made up for a meeting that never was


async def test_a_past_date_in_the_chat_shortcut_gives_the_action_card_as_typed_to_pick_another(world: World) -> None:
    await meeting_started(world)
    await opened(world)
    reply = await add_from_chat(world.deps, await world.turn(*ANNA),
                                ChatActionArgs("Ring fastighetsägaren 2026-11-01", (ERIK[0],)))
    assert reply.card is not None, reply.text
    inputs = inputs_of(reply.card)
    assert inputs["action_title"]["value"] == "Ring fastighetsägaren"  # nothing typed is lost
    assert inputs["action_due"]["value"] == "2026-11-01" and "Polisen" in str(inputs["action_owner"])
    assert "1 november 2026" in texts_in(reply.card)  # says which date is in the past
    saved = await run(world, ANNA, reply.card, "Spara", action_due="2026-12-10")
    assert "Ring fastighetsägaren" in texts_in(saved)
