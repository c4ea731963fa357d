"""The follow-up log is append-only, on SQLite and PostgreSQL: events come back in the order written, and the
database itself refuses to change or remove one (a trigger), whatever code runs. Reminder plans and the forum's
nudge policy round-trip; "what is due" returns only plans due by now, earliest first."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from domain.action_log import ActionEvent, EventKind
from domain.actions import ActionItem, ActionStatus
from domain.model import RoleKind, Schedule
from domain.nudges import NudgePlan, NudgePolicy, Stage
from storage.unit_of_work import UnitOfWorkFactory

pytestmark = pytest.mark.integration

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


async def _forum_with_actions(uow_factory: UnitOfWorkFactory, count: int = 2) -> tuple[str, list[str]]:
    async with uow_factory() as uow:
        forum_id = await uow.forums.create(name="Forum", tenant_id="t", conversation_id="19:f@thread.tacv2",
                                           chair_id="29:chair", schedule=Schedule(skip_public_holidays=False),
                                           now=NOW)
        await uow.forums.replace_organisations(forum_id, [(None, "Polisen")], NOW)
        forum = await uow.forums.get(forum_id)
        assert forum is not None
        meeting = await uow.meetings.ensure(forum, date(2026, 11, 26), NOW - timedelta(days=6), NOW)
        role = forum.role(forum.organisations[0].id, RoleKind.PARTICIPANT)
        assert role is not None
        ids = []
        for n in range(1, count + 1):
            ids.append(f"action-{n}")
            await uow.actions.add(ActionItem(f"action-{n}", forum_id, n, f"Åtgärd {n}", role.id,
                                             date(2026, 12, 10), meeting.id, "s1", ActionStatus.OPEN, NOW,
                                             "29:chair"), NOW)
        await uow.commit()
    return forum_id, ids


async def test_events_are_kept_in_the_order_written_and_read_by_action_and_period(
    uow_factory: UnitOfWorkFactory,
) -> None:
    forum_id, (first, second) = await _forum_with_actions(uow_factory)
    async with uow_factory() as uow:
        uow.action_log.append(ActionEvent(first, forum_id, NOW, EventKind.CREATED, "29:chair", {"paragraph": 7}))
        uow.action_log.append(ActionEvent(second, forum_id, NOW, EventKind.CREATED, "29:chair"))
        uow.action_log.append(ActionEvent(first, forum_id, NOW + timedelta(days=3), EventKind.DONE, "29:polly",
                                          {"outcome": "Skolan ringd"}))
        await uow.commit()
    async with uow_factory() as uow:
        events = await uow.action_log.for_action(first)
        assert [(e.kind, e.actor_id) for e in events] == [(EventKind.CREATED, "29:chair"), (EventKind.DONE, "29:polly")]
        assert events[0].detail == {"paragraph": 7} and events[1].detail == {"outcome": "Skolan ringd"}
        assert events[0].id is not None and events[1].id is not None and events[0].id < events[1].id
        in_period = await uow.action_log.for_forum(forum_id, NOW, NOW + timedelta(days=1))
        assert [e.kind for e in in_period] == [EventKind.CREATED, EventKind.CREATED]


@pytest.mark.parametrize("statement", ["UPDATE action_events SET kind = 'done'", "DELETE FROM action_events"])
async def test_the_database_refuses_to_change_or_remove_a_log_row(
    uow_factory: UnitOfWorkFactory, statement: str
) -> None:
    forum_id, (first, _) = await _forum_with_actions(uow_factory)
    async with uow_factory() as uow:
        uow.action_log.append(ActionEvent(first, forum_id, NOW, EventKind.CREATED, "29:chair"))
        await uow.commit()
    async with uow_factory() as uow:
        with pytest.raises(DBAPIError, match="append-only"):
            await uow.session.execute(text(statement))
    async with uow_factory() as uow:
        assert [e.kind for e in await uow.action_log.for_action(first)] == [EventKind.CREATED]


def test_no_code_path_updates_or_deletes_a_log_row() -> None:
    """Besides the trigger: nothing outside the migration names the table next to UPDATE or DELETE."""
    root = Path(__file__).resolve().parents[2]
    offenders = []
    for folder in ("bot", "domain", "dialogs", "storage"):
        for path in (root / folder).rglob("*.py"):
            if "migrations" in path.parts or path == root / "storage" / "retention.py":
                continue  # the migration, and the disposal job's one way (tests/integration/test_logs_guard.py)
            source = path.read_text(encoding="utf-8")
            for needle in ("update(ActionEventRow", "delete(ActionEventRow", "UPDATE action_events",
                           "DELETE FROM action_events"):
                if needle in source:
                    offenders.append(f"{path.relative_to(root)}: {needle}")
    assert offenders == []


async def test_plans_round_trip_and_only_due_ones_are_read_earliest_first(uow_factory: UnitOfWorkFactory) -> None:
    forum_id, (first, second) = await _forum_with_actions(uow_factory)
    async with uow_factory() as uow:
        await uow.nudge_plans.save(NudgePlan(first, forum_id, NOW + timedelta(hours=1), Stage.BEFORE), NOW)
        await uow.nudge_plans.save(NudgePlan(second, forum_id, NOW - timedelta(hours=1), Stage.OVERDUE, 2, True,
                                             "2026-12-01"), NOW)
        await uow.commit()
    async with uow_factory() as uow:
        assert [p.action_id for p in await uow.nudge_plans.due(NOW, 10)] == [second]
        assert [p.action_id for p in await uow.nudge_plans.due(NOW + timedelta(hours=2), 10)] == [second, first]
        assert await uow.nudge_plans.get(second) == NudgePlan(second, forum_id, NOW - timedelta(hours=1),
                                                               Stage.OVERDUE, 2, True, "2026-12-01")
        await uow.nudge_plans.save(NudgePlan(second, forum_id, None, Stage.OVERDUE, 2, True), NOW)
        await uow.nudge_plans.remove(first)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.nudge_plans.due(NOW + timedelta(days=30), 10) == []
        assert list(await uow.nudge_plans.for_actions([first, second])) == [second]


async def test_the_forums_nudge_policy_and_a_persons_pause_survive_a_reload(uow_factory: UnitOfWorkFactory) -> None:
    forum_id, _ = await _forum_with_actions(uow_factory, count=0)
    policy = NudgePolicy(days_before=3, overdue_every=7, escalate_after=1, quiet_from=time(16, 30),
                         weekly_overview=False, overview_weekday=4)
    async with uow_factory() as uow:
        assert (await uow.forums.get(forum_id)).follow_up == NudgePolicy()  # type: ignore[union-attr]
        await uow.forums.set_follow_up_policy(forum_id, policy, NOW)
        await uow.people.upsert("29:polly", display_name="Polly", aad_object_id=None, tenant_id="t", now=NOW)
        await uow.people.set_nudges_paused_until("29:polly", date(2026, 12, 20), NOW)
        await uow.commit()
    async with uow_factory() as uow:
        assert (await uow.forums.get(forum_id)).follow_up == policy  # type: ignore[union-attr]
        person = await uow.people.get("29:polly")
        assert person is not None and person.nudges_paused_until == date(2026, 12, 20)
        assert person.nudges_paused_on(date(2026, 12, 20)) and not person.nudges_paused_on(date(2026, 12, 21))
