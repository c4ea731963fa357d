"""The scheduler's tick against a real database: DST nights, repeated ticks and catch-up after an outage."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, select

from bot.services.cycle import run_cycle
from domain.model import Frequency, Offset, RoleKind, Schedule
from storage.orm import OutboxRow
from storage.unit_of_work import UnitOfWorkFactory
from tests.deps import deps_of


async def make_forum(uow_factory: UnitOfWorkFactory, schedule: Schedule, now: datetime) -> str:
    async with uow_factory() as uow:
        forum_id = await uow.forums.create(name="Forum", tenant_id="t", conversation_id="19:forum@thread.tacv2",
                                           chair_id="29:chair", schedule=schedule, now=now)
        await uow.forums.replace_sections(forum_id, [(None, "Aktuellt")], now)
        await uow.forums.replace_organisations(forum_id, [(None, "Polisen"), (None, "Skolan")], now)
        forum = await uow.forums.get(forum_id)
        assert forum is not None
        for index, org in enumerate(forum.organisations):
            person = f"29:p{index}"
            await uow.people.upsert(person, display_name=f"P{index}", aad_object_id=None, tenant_id="t", now=now)
            await uow.forums.set_membership(forum_id, person, org.id, now)
            await uow.forums.set_role_holder(org.id, RoleKind.PARTICIPANT, person, now)
        await uow.commit()
    return forum_id


async def counts(uow_factory: UnitOfWorkFactory) -> dict[str, int]:
    async with uow_factory() as uow:
        rows = await uow.session.execute(select(OutboxRow.kind, func.count()).group_by(OutboxRow.kind))
        return {kind: n for kind, n in rows.all()}


async def tick_every(uow_factory: UnitOfWorkFactory, start: datetime, end: datetime, step: timedelta) -> None:
    now = start
    while now <= end:
        await run_cycle(deps_of(uow_factory), now)
        now += step


async def test_the_autumn_dst_night_sends_each_card_and_reminder_exactly_once(uow_factory: UnitOfWorkFactory) -> None:
    # Meeting Monday 2026-10-26 09:00; collection opens Sunday 25 October 03:00 local, right after the
    # clocks went back (02:00-02:59 happens twice that night); reminder 08:00, deadline Monday 07:00.
    schedule = Schedule(frequency=Frequency.WEEKLY, weekday=0, time=time(9, 0), opens=Offset(1, time(3, 0)),
                        reminder=Offset(1, time(8, 0)), deadline=Offset(0, time(7, 0)), skip_public_holidays=False)
    start = datetime(2026, 10, 24, 20, 0, tzinfo=UTC)
    await make_forum(uow_factory, schedule, start)
    await tick_every(uow_factory, start, datetime(2026, 10, 26, 9, 0, tzinfo=UTC), timedelta(minutes=20))
    assert await counts(uow_factory) == {"collection_open": 2, "reminder": 2, "summary": 1, "summary_chair": 1}


async def test_the_spring_dst_week_keeps_local_times(uow_factory: UnitOfWorkFactory) -> None:
    schedule = Schedule(weekday=0, time=time(9, 0), opens=Offset(1, time(8, 0)), reminder=Offset(1, time(12, 0)),
                        deadline=Offset(1, time(16, 0)), skip_public_holidays=False)
    start = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)
    await make_forum(uow_factory, schedule, start)
    # Sunday 29 March 08:00 CEST = 06:00 UTC: nothing at 06:59 UTC on Saturday's offset, cards at 06:00 UTC.
    await run_cycle(deps_of(uow_factory), datetime(2026, 3, 29, 5, 59, tzinfo=UTC))
    assert await counts(uow_factory) == {}
    await run_cycle(deps_of(uow_factory), datetime(2026, 3, 29, 6, 0, tzinfo=UTC))
    assert await counts(uow_factory) == {"collection_open": 2}


async def test_a_restart_after_an_outage_catches_up_once_and_skips_what_is_no_longer_useful(
    uow_factory: UnitOfWorkFactory,
) -> None:
    schedule = Schedule(skip_public_holidays=False)  # Thursday 09:00, opens Monday 08:00, deadline Wed 16:00
    await make_forum(uow_factory, schedule, datetime(2026, 11, 20, 12, 0, tzinfo=UTC))
    # Down from Monday morning until Monday 11:00 UTC: the first tick after the restart sends the cards.
    await run_cycle(deps_of(uow_factory), datetime(2026, 11, 23, 11, 0, tzinfo=UTC))
    await run_cycle(deps_of(uow_factory), datetime(2026, 11, 23, 11, 0, 30, tzinfo=UTC))
    assert await counts(uow_factory) == {"collection_open": 2}
    # Down again across the reminder and the deadline: after it, reminders are pointless but the summary posts.
    await run_cycle(deps_of(uow_factory), datetime(2026, 11, 25, 18, 0, tzinfo=UTC))
    assert await counts(uow_factory) == {"collection_open": 2, "summary": 1, "summary_chair": 1}
