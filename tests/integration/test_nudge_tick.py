"""The reminders' tick on SQLite and PostgreSQL: the due query in small batches finds every due plan once, each
owner gets one digest per forum and day (the outbox key refuses a second), the follow-up log names the outbox row,
and plans move on so a later tick the same day sends nothing."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.services.nudge_tick import nudge_due
from bot.services.nudges import start_plan
from domain.action_log import EventKind
from domain.actions import ActionItem, ActionStatus
from domain.model import RoleKind, Schedule
from domain.schedule import local_to_utc
from storage.unit_of_work import UnitOfWorkFactory
from tests.deps import deps_of

pytestmark = pytest.mark.integration

ZONE = ZoneInfo("Europe/Stockholm")
CREATED = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
DUE = date(2026, 12, 10)  # Thursday: the reminder two days before is Tuesday the 8th at 08:00
TUESDAY_MORNING = local_to_utc(date(2026, 12, 8), time(8, 0), ZONE)


async def _forum(uow_factory: UnitOfWorkFactory, count: int) -> tuple[str, list[str]]:
    deps = deps_of(uow_factory)
    async with uow_factory() as uow:
        forum_id = await uow.forums.create(name="Forum", tenant_id="t", conversation_id="19:f@thread.tacv2",
                                           chair_id="29:chair", schedule=Schedule(), now=CREATED)
        await uow.forums.replace_organisations(forum_id, [(None, "Polisen"), (None, "Skolan")], CREATED)
        forum = await uow.forums.get(forum_id)
        assert forum is not None
        for person in ("29:chair", "29:polly", "29:sara"):
            await uow.people.upsert(person, display_name=person[3:].title(), aad_object_id=None, tenant_id="t",
                                    now=CREATED)
        police, school = forum.organisations
        await uow.forums.set_role_holder(police.id, RoleKind.PARTICIPANT, "29:polly", CREATED)
        await uow.forums.set_role_holder(school.id, RoleKind.PARTICIPANT, "29:sara", CREATED)
        forum = await uow.forums.get(forum_id)
        assert forum is not None
        meeting = await uow.meetings.ensure(forum, date(2026, 11, 26), CREATED - timedelta(days=5), CREATED)
        roles = [forum.role(o.id, RoleKind.PARTICIPANT) for o in (police, school)]
        ids = []
        for n in range(1, count + 1):
            role = roles[n % 2]
            assert role is not None
            action = ActionItem(f"action-{n}", forum_id, n, f"Åtgärd {n}", role.id, DUE, meeting.id, "s1",
                                ActionStatus.OPEN, CREATED, "29:chair")
            await uow.actions.add(action, CREATED)
            await start_plan(uow, deps, forum, action, CREATED)
            ids.append(action.id)
        await uow.commit()
    return forum_id, ids


async def test_small_batches_give_each_owner_one_digest_and_log_its_outbox_row(
    uow_factory: UnitOfWorkFactory,
) -> None:
    forum_id, ids = await _forum(uow_factory, 7)
    deps = deps_of(uow_factory)
    async with uow_factory() as uow:
        assert await uow.nudge_plans.due(TUESDAY_MORNING - timedelta(minutes=1), 10) == []
        assert len(await uow.nudge_plans.due(TUESDAY_MORNING, 10)) == 7
    assert await nudge_due(deps, TUESDAY_MORNING, batch=2) == 2
    assert await nudge_due(deps, TUESDAY_MORNING + timedelta(minutes=30), batch=2) == 0
    async with uow_factory() as uow:
        polly = await uow.outbox.find(kind="action_nudge", subject_id=forum_id, recipient_id="29:polly",
                                      occurrence_local_date="2026-12-08")
        sara = await uow.outbox.find(kind="action_nudge", subject_id=forum_id, recipient_id="29:sara",
                                     occurrence_local_date="2026-12-08")
        assert polly is not None and sara is not None
        events = [e for a in ids for e in await uow.action_log.for_action(a)]
        queued = {e.action_id: e.detail for e in events if e.kind is EventKind.NUDGE_QUEUED}
        assert set(queued) == set(ids)
        assert {queued[a]["outbox"] for a in ids if int(a.split("-")[1]) % 2} == {sara.id}
        assert {queued[a]["outbox"] for a in ids if not int(a.split("-")[1]) % 2} == {polly.id}
        plans = await uow.nudge_plans.for_forum(forum_id)
        assert len(plans) == 7 and all(p.last_local_day == "2026-12-08" for p in plans)
        assert {p.next_at for p in plans} == {local_to_utc(DUE, time(8, 0), ZONE)}
        assert await uow.nudge_plans.due(TUESDAY_MORNING + timedelta(hours=1), 100) == []


async def test_a_done_action_loses_its_plan_and_gets_no_reminder(uow_factory: UnitOfWorkFactory) -> None:
    forum_id, ids = await _forum(uow_factory, 1)
    async with uow_factory() as uow:
        action = await uow.actions.get(ids[0])
        assert action is not None
        await uow.actions.update(replace(action, status=ActionStatus.DONE, closed_at=CREATED, outcome="Klart"),
                                 CREATED)
        await uow.commit()
    assert await nudge_due(deps_of(uow_factory), TUESDAY_MORNING) == 0
    async with uow_factory() as uow:
        assert await uow.nudge_plans.for_forum(forum_id) == []
        assert await uow.outbox.find(kind="action_nudge", subject_id=forum_id, recipient_id="29:sara",
                                     occurrence_local_date="2026-12-08") is None


async def test_two_ticks_at_once_on_postgresql_queue_one_digest_each_and_keep_the_plans_right(
    uow_factory: UnitOfWorkFactory, backend: str
) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite serves one process")
    forum_id, ids = await _forum(uow_factory, 6)
    deps = deps_of(uow_factory)
    first, second = await asyncio.gather(nudge_due(deps, TUESDAY_MORNING), nudge_due(deps, TUESDAY_MORNING))
    assert first + second == 2
    async with uow_factory() as uow:
        plans = await uow.nudge_plans.for_forum(forum_id)
        assert {p.next_at for p in plans} == {local_to_utc(DUE, time(8, 0), ZONE)}  # not pushed to tomorrow
        events = [e for a in ids for e in await uow.action_log.for_action(a) if e.kind is EventKind.NUDGE_QUEUED]
        assert len(events) == 6
