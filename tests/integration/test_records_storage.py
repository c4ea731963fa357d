"""Minutes and actions round-trip through the real database, on SQLite and PostgreSQL.

A saved draft bumps its revision and refuses a save from an older one; published versions are only ever added
(a second version 1 is a conflict) and the forum's latest versions come back by meeting date; action numbers are
unique per forum; the forum's record roles survive a reload.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from domain.actions import ActionItem, ActionStatus, FollowUp
from domain.errors import ConflictingWrite
from domain.minutes import (
    Approval,
    ApprovalDecision,
    Attendance,
    DraftAction,
    MinutesContent,
    MinutesFrame,
    MinutesItem,
    MinutesStatus,
    OwnerSnapshot,
    PublishedVersion,
    StaleDraft,
)
from domain.model import RecordRoles, RoleKind, Schedule
from storage.unit_of_work import UnitOfWorkFactory

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


async def _forum_with_meetings(uow_factory: UnitOfWorkFactory) -> tuple[str, list[str], str]:
    async with uow_factory() as uow:
        forum_id = await uow.forums.create(name="Forum", tenant_id="t", conversation_id="19:f@thread.tacv2",
                                           chair_id="29:chair", schedule=Schedule(skip_public_holidays=False),
                                           now=NOW)
        await uow.forums.replace_organisations(forum_id, [(None, "Polisen")], NOW)
        forum = await uow.forums.get(forum_id)
        assert forum is not None
        meetings = [await uow.meetings.ensure(forum, date(2026, 11, 26) + timedelta(weeks=n),
                                              NOW + timedelta(weeks=n), NOW) for n in range(2)]
        await uow.commit()
        role = forum.role(forum.organisations[0].id, RoleKind.PARTICIPANT)
        assert role is not None
        return forum_id, [m.id for m in meetings], role.id


def _content(role_id: str, title: str = "Ring skolan") -> MinutesContent:
    action = DraftAction("a1", title, role_id, date(2026, 12, 10))
    return MinutesContent((MinutesItem("s1", "Aktuellt", "Lugnt", ("Vi fortsätter",), (action,)),
                           MinutesItem("s2", "Övrigt")), Attendance(("o1",), "Gäst"))


def _version(forum_id: str, meeting_id: str, version: int, first: int, content: MinutesContent,
             day: date) -> PublishedVersion:
    frame = MinutesFrame("Forum", day, "Europe/Stockholm", {"o1": "Polisen"},
                         {"r1": OwnerSnapshot("Polisen", RoleKind.PARTICIPANT, "Anna")})
    approval = Approval("29:j", "Justerare", 2, ApprovalDecision.APPROVED, NOW)
    return PublishedVersion(meeting_id, forum_id, version, first, content, frame, NOW, "29:chair", "Ordförande",
                            (approval,), "" if version == 1 else "Fel datum", FollowUp((), ()))


async def test_a_draft_round_trips_and_a_save_from_an_older_revision_is_refused(
    uow_factory: UnitOfWorkFactory,
) -> None:
    forum_id, (meeting_id, _), role_id = await _forum_with_meetings(uow_factory)
    async with uow_factory() as uow:
        first = await uow.minutes.save_draft(meeting_id=meeting_id, forum_id=forum_id, content=_content(role_id),
                                             actor_id="29:chair", now=NOW, expected_revision=None)
        await uow.commit()
    assert first.revision == 1
    async with uow_factory() as uow:
        second = await uow.minutes.save_draft(meeting_id=meeting_id, forum_id=forum_id,
                                              content=_content(role_id, "Ring rektor"), actor_id="29:sec", now=NOW,
                                              expected_revision=1)
        await uow.commit()
    async with uow_factory() as uow:
        with pytest.raises(StaleDraft):
            await uow.minutes.save_draft(meeting_id=meeting_id, forum_id=forum_id, content=_content(role_id),
                                         actor_id="29:chair", now=NOW, expected_revision=1)
    async with uow_factory() as uow:
        stored = await uow.minutes.get(meeting_id)
    assert stored is not None and stored == second
    assert stored.revision == 2 and stored.updated_by == "29:sec"
    assert stored.content.actions()[0].title == "Ring rektor"
    assert stored.content.attendance.guests == "Gäst"


async def test_approvals_and_published_versions_are_kept_and_never_replaced(uow_factory: UnitOfWorkFactory) -> None:
    forum_id, meeting_ids, role_id = await _forum_with_meetings(uow_factory)
    for n, meeting_id in enumerate(meeting_ids):
        async with uow_factory() as uow:
            await uow.minutes.save_draft(meeting_id=meeting_id, forum_id=forum_id, content=_content(role_id),
                                         actor_id="29:chair", now=NOW, expected_revision=None)
            await uow.minutes.set_status(meeting_id, MinutesStatus.IN_APPROVAL, sent_revision=1, now=NOW)
            await uow.minutes.add_approval(meeting_id, Approval("29:j", "J", 1, ApprovalDecision.COMMENTED, NOW, "x"))
            await uow.minutes.publish(_version(forum_id, meeting_id, 1, 1 + 2 * n, _content(role_id),
                                               date(2026, 11, 26) + timedelta(weeks=n)))
            await uow.commit()
    async with uow_factory() as uow:
        await uow.minutes.publish(_version(forum_id, meeting_ids[0], 2, 1, _content(role_id, "Rättad"),
                                           date(2026, 11, 26)))
        await uow.commit()
    async with uow_factory() as uow:
        with pytest.raises(ConflictingWrite):
            await uow.minutes.publish(_version(forum_id, meeting_ids[0], 2, 1, _content(role_id), date(2026, 11, 26)))
    async with uow_factory() as uow:
        versions = await uow.minutes.versions(meeting_ids[0])
        latest = await uow.minutes.published_for_forum(forum_id)
        minutes = await uow.minutes.get(meeting_ids[0])
        drafts = await uow.minutes.drafts_for_forum(forum_id)
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].content.actions()[0].title == "Ring skolan"
    assert versions[1].correction_note == "Fel datum" and versions[1].approvals[0].approver_name == "Justerare"
    assert [(v.meeting_id, v.version, v.first_paragraph, v.last_paragraph) for v in latest] == [
        (meeting_ids[0], 2, 1, 2), (meeting_ids[1], 1, 3, 4)]
    assert minutes is not None and minutes.locked and minutes.published_versions == 2
    assert minutes.approvals[0].comment == "x"
    assert drafts == []


async def test_action_numbers_are_unique_per_forum_and_record_roles_survive(uow_factory: UnitOfWorkFactory) -> None:
    forum_id, (meeting_id, _), role_id = await _forum_with_meetings(uow_factory)
    action = ActionItem(id="act-1", forum_id=forum_id, number=1, title="Ring skolan", owner_role_id=role_id,
                        due=date(2026, 12, 10), meeting_id=meeting_id, item_key="s1", status=ActionStatus.OPEN,
                        created_at=NOW, created_by="29:chair")
    async with uow_factory() as uow:
        assert await uow.actions.next_number(forum_id) == 1
        await uow.actions.add(action, NOW)
        await uow.forums.set_record_roles(forum_id, RecordRoles("29:sec", ("29:j1", "29:j2"), ("29:r",),
                                                                ("ledning@example.se",), 10), NOW)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.actions.next_number(forum_id) == 2
        with pytest.raises(ConflictingWrite):
            await uow.actions.add(ActionItem(**{**action.__dict__, "id": "act-2"}), NOW)
    async with uow_factory() as uow:
        done = ActionItem(**{**action.__dict__, "status": ActionStatus.DONE, "closed_at": NOW, "outcome": "Klart"})
        await uow.actions.update(done, NOW)
        await uow.commit()
    async with uow_factory() as uow:
        forum = await uow.forums.get(forum_id)
        mine = await uow.actions.for_roles([role_id])
        by_number = await uow.actions.by_number(forum_id, 1)
    assert forum is not None and forum.record.approver_ids == ("29:j1", "29:j2")
    assert forum.record.recipient_emails == ("ledning@example.se",) and forum.record.action_due_days == 10
    assert mine == [done] and by_number == done
    async with uow_factory() as uow:  # approvers and recipients find the forum without being members
        assert [f.id for f in await uow.forums.for_person("29:j2")] == [forum_id]
        assert [f.id for f in await uow.forums.for_person("29:r")] == [forum_id]
        assert await uow.forums.for_person("29:nobody") == []


async def test_two_meetings_cannot_take_the_same_paragraph_numbers(uow_factory: UnitOfWorkFactory) -> None:
    """Two publications that read the same highest § at once: the second is refused, not numbered twice."""
    forum_id, meeting_ids, role_id = await _forum_with_meetings(uow_factory)
    for meeting_id in meeting_ids:
        async with uow_factory() as uow:
            await uow.minutes.save_draft(meeting_id=meeting_id, forum_id=forum_id, content=_content(role_id),
                                         actor_id="29:chair", now=NOW, expected_revision=None)
            await uow.commit()
    async with uow_factory() as uow:
        await uow.minutes.publish(_version(forum_id, meeting_ids[0], 1, 7, _content(role_id), date(2026, 11, 26)))
        await uow.commit()
    async with uow_factory() as uow:
        with pytest.raises(ConflictingWrite):
            await uow.minutes.publish(_version(forum_id, meeting_ids[1], 1, 7, _content(role_id), date(2026, 12, 3)))
    async with uow_factory() as uow:
        await uow.minutes.publish(_version(forum_id, meeting_ids[0], 2, 7, _content(role_id), date(2026, 11, 26)))
        await uow.commit()  # a correction keeps its meeting's numbers
