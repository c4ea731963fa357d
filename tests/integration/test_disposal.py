"""The disposal job (bot/services/disposal.py) on SQLite and PostgreSQL: what the rules say is due goes, with an
audit entry of count, type and decision reference; *bevaras*, a rule without a reference, open actions, the highest
action number and young audit entries stay; the day's run happens once, across ticks and instances."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.services.disposal import disposal_due
from domain.action_log import ActionEvent, EventKind
from domain.actions import ActionItem, ActionStatus
from domain.model import RoleKind, Schedule
from domain.retention import (
    RecordType,
    RetentionMode,
    RetentionPlan,
    RetentionRule,
    cutoff,
    in_force_from,
    months_before,
)
from storage.unit_of_work import SqlAlchemyUnitOfWork, UnitOfWorkFactory
from tests.deps import deps_of

pytestmark = pytest.mark.integration

NOW = datetime(2026, 12, 2, 2, 30, tzinfo=UTC)  # 03:30 in Stockholm: after the job's 02:00
OLD, RECENT = date(2025, 3, 6), date(2026, 11, 26)
AFTER_12 = RetentionRule(RetentionMode.AFTER_MONTHS, 12, "KS 2026/123")


def test_the_cutoff_of_each_rule() -> None:
    today = date(2026, 12, 2)
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert cutoff(AFTER_12, today, RECENT) == date(2025, 12, 2)
    assert cutoff(RetentionRule(RetentionMode.AFTER_MONTHS, 12, ""), today, RECENT) is None  # no reference
    assert cutoff(RetentionRule(), today, None) is None  # bevaras
    obsolete = RetentionRule(RetentionMode.WHEN_OBSOLETE, 6, "KS 2026/124")
    assert cutoff(obsolete, today, RECENT) is None  # still meeting
    assert cutoff(obsolete, today, date(2026, 5, 1)) == today + timedelta(days=1)  # no meeting for six months
    decided = replace(AFTER_12, decided_at=datetime(2026, 11, 30, 23, 30, tzinfo=UTC))  # 1 December in Stockholm
    stockholm = ZoneInfo("Europe/Stockholm")
    assert in_force_from(decided, stockholm) == date(2026, 12, 15)
    assert cutoff(decided, date(2026, 12, 14), RECENT, stockholm) is None  # two weeks' grace
    assert cutoff(decided, date(2026, 12, 15), RECENT, stockholm) == date(2025, 12, 15)


async def test_a_rule_decided_less_than_two_weeks_ago_disposes_of_nothing_yet(
    uow_factory: UnitOfWorkFactory,
) -> None:
    forum_id, _ = await _world(uow_factory)
    async with uow_factory() as uow:
        forum = await uow.forums.get(forum_id)
        assert forum is not None
        plan = RetentionPlan({r: replace(rule, decided_at=NOW - timedelta(days=1))
                              for r, rule in forum.retention.rules.items()})
        await uow.forums.set_retention(forum_id, plan, NOW)
        await uow.commit()
    deps = deps_of(uow_factory)
    assert await disposal_due(deps, NOW) == 0
    assert await disposal_due(deps, NOW + timedelta(days=12)) == 0
    assert await disposal_due(deps, NOW + timedelta(days=13)) == 3  # the grace is over: the same three as at once


async def _world(uow_factory: UnitOfWorkFactory) -> tuple[str, dict[str, str]]:
    at = datetime(2025, 1, 1, tzinfo=UTC)
    async with uow_factory() as uow:
        forum_id = await uow.forums.create(name="Forum", tenant_id="t", conversation_id="19:d@thread.tacv2",
                                           chair_id="29:chair", schedule=Schedule(), now=at)
        await uow.forums.replace_organisations(forum_id, [(None, "Polisen")], at)
        forum = await uow.forums.get(forum_id)
        assert forum is not None
        org = forum.organisations[0].id
        role = forum.role(org, RoleKind.PARTICIPANT)
        assert role is not None
        meetings = {}
        for day in (OLD, RECENT):
            meeting = await uow.meetings.ensure(forum, day, datetime(day.year, day.month, day.day, 8, tzinfo=UTC), at)
            meetings[day.isoformat()] = meeting.id
            await uow.contributions.add_version(
                meeting_id=meeting.id, organisation_id=org, sections=[("s", "Läget", f"Text {day}")],
                nothing_new=False, attending=True, submitted_by="29:p", submitted_by_name="P", after_deadline=False,
                now=at)
        old_meeting = meetings[OLD.isoformat()]
        closed_old = datetime(2025, 4, 1, tzinfo=UTC)
        for n, status, closed in ((1, ActionStatus.DONE, closed_old), (2, ActionStatus.OPEN, None),
                                  (3, ActionStatus.DONE, closed_old)):  # 3: the highest number, kept
            await uow.actions.add(ActionItem(f"a{n}", forum_id, n, f"Åtgärd {n}", role.id, date(2025, 3, 20),
                                             old_meeting, "s", status, at, "29:chair", closed_at=closed), at)
            uow.action_log.append(ActionEvent(f"a{n}", forum_id, at, EventKind.CREATED, "29:chair"))
            uow.action_log.append(ActionEvent(f"a{n}", forum_id, at, EventKind.NUDGE_QUEUED))
        uow.audit.record(at=at, action="summary.exported", subject_type="meeting", subject_id=old_meeting,
                         forum_id=forum_id)
        uow.audit.record(at=at, action="retention.changed", subject_type="forum", subject_id=forum_id,
                         forum_id=forum_id)  # the rule's own decision: kept as the proof of what follows
        uow.audit.record(at=NOW - timedelta(days=3), action="summary.exported", subject_type="meeting",
                         subject_id=old_meeting, forum_id=forum_id)
        await uow.forums.set_retention(forum_id, RetentionPlan({
            RecordType.SUBMISSION: AFTER_12, RecordType.ACTION: AFTER_12, RecordType.AUDIT_LOG: AFTER_12,
            RecordType.NUDGE_LOG: RetentionRule(RetentionMode.AFTER_MONTHS, 12, ""),  # no reference: nothing goes
        }), at)  # summaries, minutes: bevaras
        await uow.commit()
    return forum_id, meetings


async def test_what_is_due_goes_with_its_entry_and_nothing_else(uow_factory: UnitOfWorkFactory) -> None:
    forum_id, meetings = await _world(uow_factory)
    deps = deps_of(uow_factory)
    removed = await disposal_due(deps, NOW)
    assert removed == 3  # action 1 (with its events), the old submission, the old audit entry
    async with uow_factory() as uow:
        assert await uow.contributions.latest(meetings[OLD.isoformat()], (await _org(uow, forum_id))) is None
        assert await uow.contributions.latest(meetings[RECENT.isoformat()], (await _org(uow, forum_id))) is not None
        assert sorted(a.number for a in await uow.actions.for_forum(forum_id)) == [2, 3]
        assert await uow.action_log.for_action("a1") == []
        assert [e.kind for e in await uow.action_log.for_action("a2")] == [EventKind.CREATED, EventKind.NUDGE_QUEUED]
        disposed = await uow.audit.by_action("retention.disposed")
        assert sorted((d.detail["type"], d.detail["count"], d.detail["reference"]) for d in disposed) == [
            ("action", 1, "KS 2026/123"), ("audit_log", 1, "KS 2026/123"), ("submission", 1, "KS 2026/123")]
        kept = [a for a in await uow.audit.for_forum(forum_id) if a.action == "summary.exported"]
        assert [a.at for a in kept] == [NOW - timedelta(days=3)]  # the young one stays
        assert [a.action for a in await uow.audit.by_action("retention.changed")] == ["retention.changed"]
    assert await disposal_due(deps, NOW + timedelta(hours=1)) == 0  # the day's run is finished
    assert await disposal_due(deps, NOW + timedelta(days=1)) == 0  # the next night: nothing more is due


async def _org(uow: SqlAlchemyUnitOfWork, forum_id: str) -> str:
    forum = await uow.forums.get(forum_id)
    assert forum is not None
    return forum.organisations[0].id


async def test_the_run_is_leased_by_one_instance_and_waits_for_two_in_the_morning(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await _world(uow_factory)
    deps = deps_of(uow_factory)
    assert await disposal_due(deps, datetime(2026, 12, 2, 0, 30, tzinfo=UTC)) == 0  # 01:30 in Stockholm
    async with uow_factory() as uow:
        assert await uow.retention.claim_run("2026-12-02", NOW, timedelta(minutes=5))  # another instance has it
        await uow.commit()
    assert await disposal_due(deps, NOW) == 0
    assert await disposal_due(deps, NOW + timedelta(minutes=6)) == 3  # its lease ran out: this one takes over
