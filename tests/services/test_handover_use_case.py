"""Handing an action over and roles that survive staff turnover, as use cases on the in-memory unit of work."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from bot.services import handover, handover_answer, membership, turnover_commands
from bot.services.handover_answer import HandOverArgs
from bot.services.turnover_commands import NewHolderArgs
from dialogs.cards.action_card import state_token
from domain.action_log import EventKind
from domain.outbox import NewMessage
from tests.handover_world import NOW, handover_world
from tests.minutes_world import ANNA, ERIK, KARIN, OLLE, POLLY
from tests.services.conftest import CHANNEL, World


async def _setup(world: World):  # type: ignore[no-untyped-def]
    world.now = NOW
    ids, actions = await handover_world(world.deps.uow, conversation_id=CHANNEL)
    return ids, actions


def _data(ids, action) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {"action_id": action.id, "forum_id": ids.forum_id, "state": state_token(action), "request_id": "r1"}


def _kinds(world: World, kind: str) -> list[NewMessage]:
    return [r.message for r in world.db.outbox if r.message.kind == kind and r.status == "pending"]


async def test_the_holder_hands_over_to_another_role_the_new_holder_accepts(world: World) -> None:
    ids, (first, _) = await _setup(world)
    erik = await world.turn(*ERIK)
    opened = await handover.open_handover(world.deps, erik, _data(ids, first))
    assert opened.card is not None and not opened.replace  # a new card; the reminder stays as it was
    reply = await handover.hand_over(world.deps, erik, {**_data(ids, first), "to": "role:" + ids.school_role,
                                                        "note": "Karin känner rektorn"})
    assert reply.replace and "Skolan, deltagare (Karin Ek)" in (reply.text or "")
    async with world.deps.uow() as uow:
        moved = await uow.actions.get(first.id)
        events = await uow.action_log.for_action(first.id)
        plan = await uow.nudge_plans.get(first.id)
    assert moved is not None and moved.owner_role_id == ids.school_role
    assert [e.kind for e in events] == [EventKind.HANDED_OVER]
    assert events[0].detail == {"from_role": ids.police_role, "to_role": ids.school_role,
                                "note": "Karin känner rektorn", "from_holder": ERIK[0], "to_holder": KARIN[0]}
    assert plan is not None and plan.next_at is not None  # reminders start again, for the new owner
    [offer] = _kinds(world, "action_handover")
    assert offer.person_id == KARIN[0]
    [receipt] = _kinds(world, "action_receipt")
    assert receipt.person_id == ERIK[0] and "Kvitto" in str(receipt.payload)
    data = offer.payload["attachments"][0]["content"]["actions"][0]["data"]  # type: ignore[index]
    karin = await world.turn(*KARIN, where="a:karin")
    accepted = await handover_answer.accept(world.deps, karin, {**data, "request_id": "r2"})
    assert "Du har tagit emot" in (accepted.text or "")
    again = await handover_answer.accept(world.deps, karin, {**data, "request_id": "r3"})
    assert "redan" in (again.text or "")
    async with world.deps.uow() as uow:
        assert [e.kind for e in await uow.action_log.for_action(first.id)] == [
            EventKind.HANDED_OVER, EventKind.HANDOVER_ACCEPTED]


async def test_declining_gives_it_back_and_tells_the_previous_holder_and_the_chair(world: World) -> None:
    ids, (first, _) = await _setup(world)
    erik = await world.turn(*ERIK)
    await handover.hand_over(world.deps, erik, {**_data(ids, first), "to": "role:" + ids.school_role})
    [offer] = _kinds(world, "action_handover")
    data = offer.payload["attachments"][0]["content"]["actions"][1]["data"]  # type: ignore[index]
    karin = await world.turn(*KARIN, where="a:karin")
    refused = await handover_answer.decline(world.deps, karin, {**data, "reason": "Inte vårt område",
                                                                "request_id": "r2"})
    assert "tillbaka hos Polisen, deltagare (Erik Johansson)" in (refused.text or "")
    async with world.deps.uow() as uow:
        back = await uow.actions.get(first.id)
        events = await uow.action_log.for_action(first.id)
    assert back is not None and back.owner_role_id == ids.police_role
    assert events[-1].kind is EventKind.HANDOVER_DECLINED and events[-1].detail["reason"] == "Inte vårt område"
    told = {(r.message.kind, r.message.person_id) for r in world.db.outbox}
    assert ("action_receipt", ERIK[0]) in told and ("action_chair_note", ANNA[0]) in told


async def test_a_stranger_an_outdated_card_and_a_person_without_a_role_are_refused(world: World) -> None:
    ids, (first, _) = await _setup(world)
    olle = await world.turn(*OLLE)
    refused = await handover.open_handover(world.deps, olle, _data(ids, first))
    assert "Bara den som har rollen" in (refused.text or "")
    stale = {**_data(ids, first), "state": state_token(replace(first, due=first.due.replace(day=1)))}
    erik = await world.turn(*ERIK)
    outdated = await handover.hand_over(world.deps, erik, {**stale, "to": "role:" + ids.school_role})
    assert "har ändrats sedan kortet skickades" in (outdated.text or "")
    # Polly is a member for Polisen without a role: only the chair may give her the vacant deputy role
    no_role = await handover.hand_over(world.deps, erik, {**_data(ids, first), "to": "person:" + POLLY[0]})
    assert no_role.card is not None and "bara ordföranden" in str(no_role.card)
    personnummer = await handover.hand_over(world.deps, erik, {**_data(ids, first), "to": "role:" + ids.school_role,
                                                               "note": "Gäller 19121212-1212"})
    assert "personnummer" in str(personnummer.card)
    async with world.deps.uow() as uow:
        assert await uow.action_log.for_action(first.id) == []
        assert (await uow.actions.get(first.id)).owner_role_id == ids.police_role  # type: ignore[union-attr]
    anna = await world.turn(*ANNA)
    by_chair = await handover.hand_over(world.deps, anna, {**_data(ids, first), "to": "person:" + POLLY[0]})
    assert "Polly Persson" in (by_chair.text or "")


async def test_hand_over_in_chat(world: World) -> None:
    await _setup(world)
    erik = await world.turn(*ERIK)
    usage = await handover_answer.hand_over_chat(world.deps, erik, HandOverArgs("Å-1"))
    assert "lämna över Å-12 @person" in (usage.text or "")
    done = await handover_answer.hand_over_chat(world.deps, erik, HandOverArgs("å-1", (KARIN[0],), "r9"))
    assert "överlämnad till Skolan, deltagare (Karin Ek)" in (done.text or "")
    missing = await handover_answer.hand_over_chat(world.deps, erik, HandOverArgs("A-99", (KARIN[0],)))
    assert "ingen åtgärd Å-99" in (missing.text or "")


async def _queue_nudge(world: World, forum_id: str, person_id: str) -> None:
    async with world.deps.uow() as uow:
        await uow.outbox.enqueue(NewMessage(kind="action_nudge", subject_id=forum_id, recipient_id=person_id,
                                            occurrence_local_date="2026-12-01", slot="1", person_id=person_id,
                                            via_conversation_id=CHANNEL, payload={}), world.now)
        await uow.commit()


async def test_a_new_holder_gets_one_message_and_the_queued_nudge_to_the_old_one_is_cancelled(world: World) -> None:
    ids, actions = await _setup(world)
    await _queue_nudge(world, ids.forum_id, ERIK[0])
    anna = await world.turn(*ANNA)
    reply = await turnover_commands.new_holder(world.deps, anna, NewHolderArgs("polisen", (POLLY[0],)))
    assert "Polly Persson har nu rollen Polisen, deltagare" in (reply.text or "")
    assert "2 öppna åtgärder följer med rollen" in (reply.text or "")
    nudges = [r for r in world.db.outbox if r.message.kind == "action_nudge"]
    assert [r.status for r in nudges] == ["cancelled"]
    [handed] = _kinds(world, "role_handover")
    assert handed.person_id == POLLY[0] and "Kontakta skolan" in str(handed.payload)
    assert "Samla in siffror" in str(handed.payload) and "Erik Johansson hade rollen innan" in str(handed.payload)
    async with world.deps.uow() as uow:
        plans = await uow.nudge_plans.for_actions([a.id for a in actions])
        events = await uow.action_log.for_action(actions[0].id)
    # the new holder is asked when the policy says (two days before), not at once: never early
    assert {p.next_at for p in plans.values()} == {datetime(2026, 12, 8, 7, 0, tzinfo=UTC)}
    assert events[-1].kind is EventKind.HOLDER_CHANGED and events[-1].detail["holder"] == POLLY[0]
    assert _kinds(world, "role_vacant") == []


async def test_a_holder_leaving_leaves_the_role_vacant_and_the_chair_is_told_once(world: World) -> None:
    ids, actions = await _setup(world)
    await _queue_nudge(world, ids.forum_id, ERIK[0])
    left = await turnover_commands.members_left(world.deps, CHANNEL, [ERIK[0], OLLE[0]], NOW, "sv")
    assert left == 1
    again = await turnover_commands.members_left(world.deps, CHANNEL, [ERIK[0]], NOW, "sv")
    assert again == 0
    [vacant] = _kinds(world, "role_vacant")
    assert vacant.person_id == ANNA[0] and "Polisen, deltagare i Trygghetsforum Norrby är vakant" in str(
        vacant.payload)
    assert [r.status for r in world.db.outbox if r.message.kind == "action_nudge"] == ["cancelled"]
    async with world.deps.uow() as uow:
        events = await uow.action_log.for_action(actions[1].id)
    assert [e.kind for e in events] == [EventKind.ROLE_VACANT]


async def test_the_members_card_moving_a_role_hands_its_actions_over(world: World) -> None:
    ids, _ = await _setup(world)
    anna = await world.turn(*ANNA)
    async with world.deps.uow() as uow:
        forum = await uow.forums.get(ids.forum_id)
    assert forum is not None
    from domain.revisions import members_revision
    data = {"forum_id": ids.forum_id, "revision": members_revision(forum), "chair_id": ANNA[0],
            f"role__participant__{ids.police}": POLLY[0]}
    saved = await membership.save_members(world.deps, anna, data)
    assert saved.replace
    [handed] = _kinds(world, "role_handover")
    assert handed.person_id == POLLY[0]
