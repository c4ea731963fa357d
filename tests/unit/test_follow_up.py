"""The follow-up of earlier actions: which actions, in which order, and how a person reads them."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from bot.services.follow_up import follow_up_for
from dialogs.cards.follow_up import follow_up_lines
from dialogs.texts import for_language
from domain.actions import ActionItem, ActionStatus, follow_up
from domain.model import RoleKind, Schedule
from tests.fakes.uow import FakeUnitOfWorkFactory

NOW = datetime(2026, 12, 3, 7, 0, tzinfo=UTC)  # Thursday 3 December, before the 09:00 meeting
TODAY = date(2026, 12, 3)


def _action(number: int, due: date, *, status: ActionStatus = ActionStatus.OPEN, meeting: str = "m1",
            closed_at: datetime | None = None, outcome: str = "") -> ActionItem:
    return ActionItem(id=f"a{number}", forum_id="f", number=number, title=f"Åtgärd {number}", owner_role_id="r1",
                      due=due, meeting_id=meeting, item_key="s1", status=status, created_at=NOW - timedelta(days=30),
                      created_by="29:chair", closed_at=closed_at, outcome=outcome)


def test_overdue_actions_come_first_then_by_due_date_and_only_recent_closures_are_listed() -> None:
    since = NOW - timedelta(days=7)
    actions = [
        _action(1, TODAY + timedelta(days=5)),
        _action(2, TODAY - timedelta(days=1)),
        _action(3, TODAY - timedelta(days=9)),
        _action(4, TODAY + timedelta(days=2)),
        _action(5, TODAY, status=ActionStatus.DONE, closed_at=since + timedelta(days=1)),
        _action(6, TODAY, status=ActionStatus.DONE, closed_at=since - timedelta(days=1)),
        _action(7, TODAY, status=ActionStatus.CANCELLED, closed_at=since + timedelta(days=1)),
    ]
    result = follow_up(actions, today=TODAY, closed_since=since)
    assert [a.number for a in result.open] == [3, 2, 4, 1]
    assert [a.number for a in result.closed] == [5]
    assert follow_up(actions, today=TODAY, closed_since=None).closed == ()


async def test_the_follow_up_of_a_meeting_takes_earlier_meetings_actions_and_names_owners_by_role() -> None:
    factory = FakeUnitOfWorkFactory()
    async with factory() as uow:
        forum_id = await uow.forums.create(name="Forum", tenant_id="t", conversation_id="19:f", chair_id="29:chair",
                                           schedule=Schedule(skip_public_holidays=False), now=NOW)
        await uow.forums.replace_organisations(forum_id, [(None, "Polisen")], NOW)
        forum = await uow.forums.get(forum_id)
        assert forum is not None
        organisation = forum.organisations[0].id
        await uow.forums.set_role_holder(organisation, RoleKind.PARTICIPANT, "29:anna", NOW)
        await uow.people.upsert("29:anna", display_name="Anna *Lind*", aad_object_id=None, tenant_id="t", now=NOW)
        forum = await uow.forums.get(forum_id)
        assert forum is not None
        role = forum.role(organisation, RoleKind.PARTICIPANT)
        assert role is not None
        last_week = await uow.meetings.ensure(forum, date(2026, 11, 26), NOW - timedelta(days=7), NOW)
        this_week = await uow.meetings.ensure(forum, TODAY, NOW + timedelta(hours=2), NOW)
        earlier = replace(_action(1, TODAY - timedelta(days=2), meeting=last_week.id), forum_id=forum_id,
                          owner_role_id=role.id)
        done = replace(_action(2, TODAY, meeting=last_week.id, status=ActionStatus.DONE,
                               closed_at=NOW - timedelta(days=1), outcome="Klart"), forum_id=forum_id,
                       owner_role_id=role.id)
        today = replace(_action(3, TODAY + timedelta(days=14), meeting=this_week.id), forum_id=forum_id,
                        owner_role_id=role.id)
        for action in (earlier, done, today):
            await uow.actions.add(action, NOW)
        result = await follow_up_for(uow, forum, this_week, NOW)
    assert [a.number for a in result.open] == [1] and [a.number for a in result.closed] == [2]
    sv = follow_up_lines(for_language("sv"), forum, result, {"29:anna": "Anna *Lind*"}, TODAY)
    assert sv[0] == ("- **Å-1** Åtgärd 1 · Polisen, deltagare (Anna \\*Lind\\*) · senast tisdag 1 december 2026"
                     " · **försenad**")
    assert sv[1:] == ["Avslutade sedan förra mötet:", "- Å-2 Åtgärd 2 · klar onsdag 2 december 2026: Klart"]
    en = follow_up_lines(for_language("en"), forum, result, {"29:anna": "Anna"}, TODAY)
    assert en[0].endswith("· **overdue**") and "Polisen, participant (Anna)" in en[0]
