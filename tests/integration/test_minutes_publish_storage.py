"""Publishing, approving and correcting minutes on the real storage, on SQLite and PostgreSQL: the versions, the
approvals in the record, the action rows and the outbox rows are what the use cases on the fake promise."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from bot.services import minutes_approval, minutes_publish
from bot.services.turn import Origin, Turn
from dialogs.texts import for_language
from domain.actions import ActionStatus
from domain.minutes import MinutesStatus
from storage.orm import OutboxRow
from storage.unit_of_work import UnitOfWorkFactory
from tests.conversation.harness import action_data
from tests.deps import deps_of
from tests.minutes_world import PER, POLLY, REX, SARA, Ids, edit_notes, minutes_world, revision

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
CHANNEL = "19:forum@thread.tacv2"


async def turn_of(uow: UnitOfWorkFactory, person: tuple[str, str]) -> Turn:
    async with uow() as u:
        found = await u.people.get(person[0])
    assert found is not None
    origin = Origin(tenant_id="tenant-norrby", conversation_id=f"a:{person[0]}", conversation_type="personal",
                    service_url="https://smba.trafficmanager.net/emea/", user_id=person[0], user_name=person[1],
                    aad_object_id=None, bot_id="28:bot", team_id=None, channel_id=None, locale="sv-SE")
    return Turn(origin=origin, person=found, t=for_language("sv"), now=NOW, forum=None)


async def kinds(uow: UnitOfWorkFactory) -> list[tuple[str, str | None, str]]:
    async with uow() as u:
        rows = await u.session.scalars(select(OutboxRow).where(OutboxRow.kind.like("minutes_%")).order_by(OutboxRow.id))
        return [(r.kind, r.person_id, r.slot) for r in rows]


async def press_publish(uow: UnitOfWorkFactory, ids: Ids, **extra: object) -> str:
    data = {"forum_id": ids.forum_id, "meeting_id": ids.meeting_id, "revision": await revision(uow, ids), **extra}
    reply = await minutes_publish.publish(deps_of(uow), await turn_of(uow, SARA), data)
    return reply.text or ""


async def approval_data(uow: UnitOfWorkFactory, person: str, sent: int) -> dict[str, Any]:
    async with uow() as u:
        row = await u.session.scalar(select(OutboxRow).where(OutboxRow.kind == "minutes_approval",
                                                             OutboxRow.person_id == person,
                                                             OutboxRow.slot == f"r{sent}-part-1"))
        assert row is not None
        payload: dict[str, Any] = row.payload
        return action_data(payload["attachments"][0]["content"], "minutes.approve")


async def test_approval_publication_and_correction_on_the_real_storage(uow_factory: UnitOfWorkFactory) -> None:
    ids = await minutes_world(uow_factory, NOW, conversation_id=CHANNEL, approvers=(POLLY[0], PER[0]),
                              recipients=(REX[0],))
    deps = deps_of(uow_factory)
    assert "justering" in await press_publish(uow_factory, ids)
    sent = await revision(uow_factory, ids)
    for approver in (POLLY, PER):
        await minutes_approval.approve(deps, await turn_of(uow_factory, approver),
                                       await approval_data(uow_factory, approver[0], sent))
    async with uow_factory() as u:
        (first,) = await u.minutes.versions(ids.meeting_id)
        actions = await u.actions.for_meeting(ids.meeting_id)
        minutes = await u.minutes.get(ids.meeting_id)
    assert minutes is not None and minutes.status is MinutesStatus.PUBLISHED and minutes.published_versions == 1
    assert {(a.approver_id, a.revision) for a in first.approvals} == {(POLLY[0], sent), (PER[0], sent)}
    assert [a.number for a in actions] == [1, 2, 3] and all(a.status is ActionStatus.OPEN for a in actions)

    await minutes_publish.correct(deps, await turn_of(uow_factory, SARA),
                                  {"forum_id": ids.forum_id, "meeting_id": ids.meeting_id})
    await edit_notes(uow_factory, ids, "Rättad anteckning.", NOW)
    assert "justering" in await press_publish(uow_factory, ids, correction_note="Fel anteckning")
    sent = await revision(uow_factory, ids)
    for approver in (POLLY, PER):
        await minutes_approval.approve(deps, await turn_of(uow_factory, approver),
                                       await approval_data(uow_factory, approver[0], sent))
    async with uow_factory() as u:
        old, second = await u.minutes.versions(ids.meeting_id)
        (latest,) = await u.minutes.published_for_forum(ids.forum_id)
    assert old == first and second.version == 2 and second.correction_note == "Fel anteckning"
    assert latest.version == 2 and second.first_paragraph == first.first_paragraph == 1
    assert second.content.items[0].notes == "Rättad anteckning."
    queued = await kinds(uow_factory)
    assert [slot for kind, _, slot in queued if kind == "minutes_published"] == ["v1-part-1", "v2-part-1"]
    assert [p for kind, p, _ in queued if kind == "minutes_recipient"] == [REX[0], REX[0]]
    assert len([k for k, _, _ in queued if k == "minutes_action"]) == 2  # Erik and Karin once: no new actions
