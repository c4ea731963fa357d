"""The tick's reminders of open actions on the in-memory unit of work: one digest per owner, forum and local day,
who gets it (holder, deputy while away, nobody while vacant, later while paused), escalation, closed actions."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.services.notify import Kind
from bot.services.nudge_tick import nudge_due
from bot.services.nudges import start_plan
from domain.action_log import EventKind
from domain.actions import ActionItem, ActionStatus
from domain.model import Forum, RoleKind, Schedule
from domain.nudges import NudgePolicy
from domain.schedule import local_to_utc
from tests.fakes.follow_up import FakeNudgePlans
from tests.services.conftest import World

ZONE = ZoneInfo("Europe/Stockholm")
CHANNEL = "19:forum@thread.tacv2"
ANNA, POLLY, PER, SARA = "29:anna", "29:polly", "29:per", "29:sara"
NAMES = {ANNA: "Anna Ordförande", POLLY: "Polly Polis", PER: "Per Polis", SARA: "Sara Skola"}
MONDAY = date(2026, 12, 7)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return local_to_utc(day, time(hour, minute), ZONE)


NOW = at(MONDAY, 8)


async def make_forum(world: World, *, deputy: bool = True, school_holder: str | None = SARA,
                     policy: NudgePolicy | None = None) -> Forum:
    async with world.deps.uow() as uow:
        forum_id = await uow.forums.create(name="Trygg i Norrby", tenant_id="t", conversation_id=CHANNEL,
                                           chair_id=ANNA, schedule=Schedule(), now=NOW)
        await uow.forums.replace_organisations(forum_id, [(None, "Polisen"), (None, "Skolan")], NOW)
        forum = await uow.forums.get(forum_id)
        assert forum is not None
        for person_id, name in NAMES.items():
            await uow.people.upsert(person_id, display_name=name, aad_object_id=None, tenant_id="t", now=NOW)
        police, school = forum.organisations
        await uow.forums.set_role_holder(police.id, RoleKind.PARTICIPANT, POLLY, NOW)
        if deputy:
            await uow.forums.set_role_holder(police.id, RoleKind.DEPUTY, PER, NOW)
        await uow.forums.set_role_holder(school.id, RoleKind.PARTICIPANT, school_holder, NOW)
        if policy is not None:
            await uow.forums.set_follow_up_policy(forum_id, policy, NOW)
        await uow.commit()
        forum = await uow.forums.get(forum_id)
        assert forum is not None
        return forum


def role_of(forum: Forum, organisation: str, kind: RoleKind = RoleKind.PARTICIPANT) -> str:
    org = next(o for o in forum.organisations if o.name == organisation)
    role = forum.role(org.id, kind)
    assert role is not None
    return role.id


async def add_action(world: World, forum: Forum, number: int, role_id: str, due: date,
                     now: datetime = NOW) -> ActionItem:
    action = ActionItem(id=f"a{number}", forum_id=forum.id, number=number, title=f"Åtgärd {number}",
                        owner_role_id=role_id, due=due, meeting_id="m1", item_key="k1", status=ActionStatus.OPEN,
                        created_at=now, created_by=ANNA)
    async with world.deps.uow() as uow:
        await uow.actions.add(action, now)
        await start_plan(uow, world.deps, forum, action, now)
        await uow.commit()
    return action


def nudges(world: World, kind: Kind = Kind.ACTION_NUDGE) -> list[Any]:
    return [r for r in world.db.outbox if r.message.kind == kind.value]


def texts_of(payload: dict[str, Any]) -> str:
    return repr(payload)


async def test_one_digest_per_owner_and_forum_with_every_action_due(world: World) -> None:
    forum = await make_forum(world)
    police, school = role_of(forum, "Polisen"), role_of(forum, "Skolan")
    for number, role in ((1, police), (2, police), (3, school)):
        await add_action(world, forum, number, role, MONDAY + timedelta(days=2))  # before-reminder: today
    assert await nudge_due(world.deps, NOW) == 2
    rows = nudges(world)
    assert sorted((r.message.person_id, r.message.subject_id, r.message.occurrence_local_date) for r in rows) == [
        (POLLY, forum.id, "2026-12-07"), (SARA, forum.id, "2026-12-07")]
    polly = next(r for r in rows if r.message.person_id == POLLY)
    assert polly.message.extra == {"action_ids": ["a1", "a2"]}
    shown = texts_of(polly.message.payload)
    assert "Å-1 Åtgärd 1" in shown and "Å-2 Åtgärd 2" in shown and "Åtgärd 3" not in shown
    assert "Ska vara klar om 2 dagar" in shown
    events = [e for e in world.db.follow_up.events if e.kind is EventKind.NUDGE_QUEUED]
    assert {(e.action_id, e.detail["recipient"], e.detail["outbox"], e.detail["stage"], e.detail["local_day"])
            for e in events} == {("a1", POLLY, polly.id, "before", "2026-12-07"),
                                 ("a2", POLLY, polly.id, "before", "2026-12-07"),
                                 ("a3", SARA, next(r.id for r in rows if r.message.person_id == SARA), "before",
                                  "2026-12-07")}
    plan = world.db.follow_up.plans["a1"]
    assert plan.next_at == at(MONDAY + timedelta(days=2), 8) and plan.last_local_day == "2026-12-07"
    # a second tick the same day sends nothing more
    assert await nudge_due(world.deps, NOW + timedelta(minutes=5)) == 0
    assert len(nudges(world)) == 2


async def test_the_deputy_is_asked_while_the_holder_is_away(world: World) -> None:
    forum = await make_forum(world)
    await add_action(world, forum, 1, role_of(forum, "Polisen"), MONDAY)
    async with world.deps.uow() as uow:
        await uow.people.set_away_until(POLLY, MONDAY + timedelta(days=3), NOW)
        await uow.commit()
    await nudge_due(world.deps, NOW)
    assert [r.message.person_id for r in nudges(world)] == [PER]
    assert "Ska vara klar i dag" in texts_of(nudges(world)[0].message.payload)
    # the card says why it came to Per
    assert ("Du får påminnelsen i stället för Polly Polis, som är frånvarande till och med torsdag 10 december "
            "2026.") in texts_of(nudges(world)[0].message.payload)


async def test_a_vacant_role_gets_no_reminder_and_its_plan_waits(world: World) -> None:
    forum = await make_forum(world, school_holder=None)
    await add_action(world, forum, 1, role_of(forum, "Skolan"), MONDAY)
    assert await nudge_due(world.deps, NOW) == 0
    assert nudges(world) == []
    assert world.db.follow_up.plans["a1"].next_at == at(MONDAY + timedelta(days=1), 8)


async def test_a_paused_owner_is_reminded_the_working_morning_after_the_pause(world: World) -> None:
    forum = await make_forum(world)
    await add_action(world, forum, 1, role_of(forum, "Polisen"), MONDAY)
    async with world.deps.uow() as uow:
        await uow.people.set_nudges_paused_until(POLLY, date(2026, 12, 11), NOW)  # until Friday
        await uow.commit()
    await nudge_due(world.deps, NOW)
    assert nudges(world) == []
    monday_after = at(date(2026, 12, 14), 8)
    assert world.db.follow_up.plans["a1"].next_at == monday_after
    await nudge_due(world.deps, monday_after)
    [row] = nudges(world)
    assert row.message.person_id == POLLY and row.message.occurrence_local_date == "2026-12-14"
    assert "Försenad" in texts_of(row.message.payload)


async def test_a_second_digest_the_same_day_waits_for_the_next_working_morning(world: World) -> None:
    forum = await make_forum(world)
    police = role_of(forum, "Polisen")
    await add_action(world, forum, 1, police, MONDAY)
    await nudge_due(world.deps, NOW)
    later = at(MONDAY, 11)
    await add_action(world, forum, 2, police, MONDAY, now=later)  # published later that day, due today
    assert await nudge_due(world.deps, later) == 0
    assert len(nudges(world)) == 1
    assert world.db.follow_up.plans["a2"].next_at == at(MONDAY + timedelta(days=1), 8)
    await nudge_due(world.deps, at(MONDAY + timedelta(days=1), 8))
    tuesday = [r for r in nudges(world) if r.message.occurrence_local_date == "2026-12-08"]
    assert [r.message.extra for r in tuesday] == [{"action_ids": ["a2"]}]


async def test_quiet_hours_after_an_outage_wait_for_the_morning(world: World) -> None:
    forum = await make_forum(world)
    await add_action(world, forum, 1, role_of(forum, "Polisen"), MONDAY + timedelta(days=2))
    evening = at(MONDAY, 20)
    await nudge_due(world.deps, evening)
    assert nudges(world) == []
    assert world.db.follow_up.plans["a1"].next_at == at(MONDAY + timedelta(days=1), 8)


async def test_the_chair_is_told_once_after_two_unanswered_overdue_reminders(world: World) -> None:
    forum = await make_forum(world)
    await add_action(world, forum, 1, role_of(forum, "Polisen"), MONDAY)
    day = MONDAY
    for _ in range(20):  # a tick every working morning for four weeks
        await nudge_due(world.deps, at(day, 8, 3))
        day += timedelta(days=1)
    days = [r.message.occurrence_local_date for r in nudges(world)]
    assert days[:4] == ["2026-12-07", "2026-12-10", "2026-12-14", "2026-12-17"]
    assert len(days) == len(set(days))
    [escalated] = nudges(world, Kind.ACTION_ESCALATED)
    assert (escalated.message.person_id, escalated.message.subject_id) == (ANNA, "a1")
    assert escalated.next_attempt_at == at(date(2026, 12, 17), 8, 3)  # after the 2nd overdue one went unanswered
    assert "Å-1" in texts_of(escalated.message.payload) and "2 påminnelser" in texts_of(escalated.message.payload)
    kinds = [e.kind for e in world.db.follow_up.events]
    assert kinds.count(EventKind.ESCALATED) == 1
    assert world.db.follow_up.plans["a1"].escalated


async def test_a_closed_action_loses_its_plan_at_the_tick(world: World) -> None:
    forum = await make_forum(world)
    action = await add_action(world, forum, 1, role_of(forum, "Polisen"), MONDAY)
    async with world.deps.uow() as uow:
        await uow.actions.update(replace(action, status=ActionStatus.DONE, closed_at=NOW), NOW)
        await uow.commit()
    assert await nudge_due(world.deps, NOW) == 0
    assert nudges(world) == [] and "a1" not in world.db.follow_up.plans


async def test_small_batches_still_give_one_digest_and_every_due_plan_in_one_tick(
        world: World, monkeypatch: Any) -> None:
    forum = await make_forum(world)
    police, school = role_of(forum, "Polisen"), role_of(forum, "Skolan")
    for number in range(1, 8):
        await add_action(world, forum, number, police if number % 2 else school, MONDAY)
    limits: list[int] = []
    original = FakeNudgePlans.due

    async def counting(self: FakeNudgePlans, now: datetime, limit: int) -> list[Any]:
        limits.append(limit)
        return await original(self, now, limit)

    monkeypatch.setattr(FakeNudgePlans, "due", counting)
    assert await nudge_due(world.deps, NOW, batch=3) == 2
    by_person = {r.message.person_id: r.message.extra["action_ids"] for r in nudges(world)}
    assert by_person == {POLLY: ["a1", "a3", "a5", "a7"], SARA: ["a2", "a4", "a6"]}
    assert limits and set(limits) == {3}
    assert all(p.next_at is not None and p.next_at > NOW for p in world.db.follow_up.plans.values())


@pytest.mark.parametrize("night", [date(2026, 3, 29), date(2026, 10, 25)])
async def test_one_reminder_per_local_day_with_ticks_across_the_dst_nights(world: World, night: date) -> None:
    policy = NudgePolicy(quiet_until=time(2, 30), quiet_from=time(23, 0), skip_weekends=False, skip_holidays=False,
                         overdue_every=1, escalate_after=0)
    forum = await make_forum(world, policy=policy)
    start = datetime.combine(night - timedelta(days=3), time(12, 0), tzinfo=UTC)
    await add_action(world, forum, 1, role_of(forum, "Polisen"), night, now=start)
    now = start
    while now < datetime.combine(night + timedelta(days=3), time(12, 0), tzinfo=UTC):
        await nudge_due(world.deps, now)
        now += timedelta(minutes=10)
    days = Counter(r.message.occurrence_local_date for r in nudges(world))
    expected = [night - timedelta(days=2)] + [night + timedelta(days=n) for n in range(4)]
    assert days == Counter({d.isoformat(): 1 for d in expected})


async def test_a_re_dated_action_is_not_reminded_twice_the_same_day(world: World) -> None:
    forum = await make_forum(world)
    action = await add_action(world, forum, 1, role_of(forum, "Polisen"), MONDAY)
    await nudge_due(world.deps, NOW)
    later = at(MONDAY, 10)
    async with world.deps.uow() as uow:
        redated = replace(action, due=MONDAY + timedelta(days=2))  # its "two days before" would be today
        await uow.actions.update(redated, later)
        plan = await start_plan(uow, world.deps, forum, redated, later)
        await uow.commit()
    assert plan is not None and plan.next_at == at(MONDAY + timedelta(days=2), 8)  # so: on its due date
    await nudge_due(world.deps, later)
    assert [r.message.occurrence_local_date for r in nudges(world)] == ["2026-12-07"]


async def test_a_changed_policy_moves_the_reminders_of_actions_already_open(world: World) -> None:
    from bot.services.nudges import replan_forum

    forum = await make_forum(world)
    await add_action(world, forum, 1, role_of(forum, "Polisen"), date(2026, 12, 23))  # a Wednesday
    assert world.db.follow_up.plans["a1"].next_at == at(date(2026, 12, 21), 8)  # two days before, by default
    stricter = replace(forum.follow_up, days_before=7)
    async with world.deps.uow() as uow:
        await uow.forums.set_follow_up_policy(forum.id, stricter, NOW)
        assert await replan_forum(uow, world.deps, replace(forum, follow_up=stricter), NOW) == 1
        await uow.commit()
    assert world.db.follow_up.plans["a1"].next_at == at(date(2026, 12, 16), 8)  # now a week before
