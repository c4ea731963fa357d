"""When an action's reminders go out: before, on and after the due date, at the working morning, past weekends,
Swedish public holidays and quiet hours, and exactly once per local day across the DST nights."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.holidays import swedish_holidays
from domain.nudge_rules import next_nudge, next_working_instant, stage_on
from domain.nudges import NudgePolicy, Stage
from domain.schedule import local_to_utc

ZONE = ZoneInfo("Europe/Stockholm")
HOLIDAYS = swedish_holidays()
POLICY = NudgePolicy()


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return local_to_utc(day, time(hour, minute), ZONE)


def first(due: date, now: datetime, policy: NudgePolicy = POLICY, **kw: object) -> tuple[Stage, int, datetime]:
    return next_nudge(due, policy, now=now, zone=ZONE, holidays=HOLIDAYS, **kw)  # type: ignore[arg-type]


def test_a_new_action_is_first_reminded_two_days_before_at_the_working_morning() -> None:
    due = date(2026, 12, 10)  # a Thursday
    assert first(due, local(date(2026, 12, 1), 10)) == (Stage.BEFORE, 0, local(date(2026, 12, 8), 8))


def test_on_the_due_date_then_every_third_day_while_overdue() -> None:
    due = date(2026, 12, 10)
    assert first(due, local(date(2026, 12, 8), 8), after=Stage.BEFORE, not_on=date(2026, 12, 8)) == (
        Stage.ON_DUE, 0, local(due, 8))
    assert first(due, local(due, 8), after=Stage.ON_DUE, not_on=due) == (
        Stage.OVERDUE, 1, local(date(2026, 12, 14), 8))  # due + 3 is Sunday: Monday morning
    assert first(due, local(date(2026, 12, 14), 8), after=Stage.OVERDUE, overdue_sent=1,
                 not_on=date(2026, 12, 14), last_sent=date(2026, 12, 14)) == (
        Stage.OVERDUE, 2, local(date(2026, 12, 17), 8))  # three days after the last one, not the next day


def test_in_working_hours_a_reminder_planned_for_today_goes_at_once() -> None:
    due = date(2026, 12, 10)
    now = local(date(2026, 12, 8), 13, 5)
    assert first(due, now) == (Stage.BEFORE, 0, now)


def test_in_the_quiet_evening_it_waits_for_the_next_working_morning() -> None:
    due = date(2026, 12, 11)
    assert first(due, local(date(2026, 12, 9), 17, 30)) == (Stage.BEFORE, 0, local(date(2026, 12, 10), 8))
    # late on the due date (a Friday): Monday is the first overdue day, so that reminder goes, once
    assert first(due, local(due, 18), after=Stage.BEFORE) == (Stage.OVERDUE, 1, local(date(2026, 12, 14), 8))
    # late on a Tuesday due date: Wednesday morning, before the overdue rhythm starts
    tuesday = date(2026, 12, 8)
    assert first(tuesday, local(tuesday, 18), after=Stage.BEFORE) == (Stage.ON_DUE, 0, local(date(2026, 12, 9), 8))


def test_a_late_start_skips_stages_that_have_passed_without_a_backlog() -> None:
    due = date(2026, 12, 1)
    stage, index, at = first(due, local(date(2026, 12, 9), 9))  # 8 days overdue: the next in the rhythm, due + 9
    assert stage is Stage.OVERDUE and index == 3 and at == local(date(2026, 12, 10), 8)


def test_weekends_and_swedish_holidays_move_it_to_the_next_working_day() -> None:
    # due 2026-12-28 (Monday): two days before is Saturday 26th (also annandag jul): onto the due date: skipped
    assert first(date(2026, 12, 28), local(date(2026, 12, 20), 9)) == (Stage.ON_DUE, 0, local(date(2026, 12, 28), 8))
    # due Friday 2027-01-08: before is Wednesday 6th, trettondedag jul: the 7th
    assert first(date(2027, 1, 8), local(date(2027, 1, 1), 9)) == (Stage.BEFORE, 0, local(date(2027, 1, 7), 8))
    # without those rules the day itself
    free = replace(POLICY, skip_weekends=False, skip_holidays=False)
    assert first(date(2027, 1, 8), local(date(2027, 1, 1), 9), free) == (Stage.BEFORE, 0, local(date(2027, 1, 6), 8))


def test_policy_without_reminder_before_or_on_the_due_date() -> None:
    policy = replace(POLICY, days_before=0, on_due=False, overdue_every=1)
    due = date(2026, 12, 8)
    assert first(due, local(date(2026, 12, 1), 9), policy) == (Stage.OVERDUE, 1, local(date(2026, 12, 9), 8))


def test_not_on_a_day_already_used_or_paused() -> None:
    due = date(2026, 12, 10)
    # paused until the 15th: the next reminder after it, the overdue one on the 16th (rhythm kept)
    assert first(due, local(date(2026, 12, 8), 8), not_on=date(2026, 12, 15)) == (
        Stage.OVERDUE, 2, local(date(2026, 12, 16), 8))


def test_stage_on_and_the_next_working_instant() -> None:
    assert [stage_on(date(2026, 12, 10), d) for d in (date(2026, 12, 9), date(2026, 12, 10), date(2026, 12, 11))] == [
        Stage.BEFORE, Stage.ON_DUE, Stage.OVERDUE]
    friday_noon = local(date(2026, 12, 11), 12)
    assert next_working_instant(friday_noon, POLICY, ZONE, HOLIDAYS) == friday_noon
    assert next_working_instant(friday_noon, POLICY, ZONE, HOLIDAYS, not_on=date(2026, 12, 11)) == local(
        date(2026, 12, 14), 8)
    assert next_working_instant(local(date(2026, 12, 11), 20), POLICY, ZONE, HOLIDAYS) == local(date(2026, 12, 14), 8)
    assert next_working_instant(local(date(2026, 12, 24), 9), POLICY, ZONE, HOLIDAYS) == local(date(2026, 12, 28), 8)


def simulate(due: date, policy: NudgePolicy, start: datetime, end: datetime, step: timedelta) -> list[datetime]:
    """Ticks every `step` from `start` to `end` with an injected clock; the instants a reminder went out."""
    sent, at = 0, next_nudge(due, policy, now=start, zone=ZONE, holidays=HOLIDAYS)[2]
    out: list[datetime] = []
    now = start
    while now <= end:
        if at <= now:
            out.append(now)
            today = now.astimezone(ZONE).date()
            done = stage_on(due, today)
            sent += done is Stage.OVERDUE
            _, _, at = next_nudge(due, policy, now=now, zone=ZONE, holidays=HOLIDAYS, overdue_sent=sent,
                                  after=done, not_on=today)
        now += step
    return out


@pytest.mark.parametrize("night", [date(2026, 3, 29), date(2026, 10, 25)])
@pytest.mark.parametrize("morning", [time(8, 0), time(2, 30), time(3, 0), time(1, 45)])
def test_exactly_one_reminder_per_local_day_across_the_dst_nights(night: date, morning: time) -> None:
    policy = replace(POLICY, quiet_until=morning, quiet_from=time(23, 0), skip_weekends=False, skip_holidays=False,
                     days_before=2, overdue_every=1)
    start = datetime.combine(night - timedelta(days=3), time(12, 0), tzinfo=UTC)
    end = datetime.combine(night + timedelta(days=3), time(12, 0), tzinfo=UTC)
    sent = simulate(night, policy, start, end, timedelta(minutes=7))
    days = [s.astimezone(ZONE).date() for s in sent]
    assert len(days) == len(set(days))
    assert days == [night - timedelta(days=2)] + [night + timedelta(days=n) for n in range(0, 4)]
    for s in sent[1:]:  # each at its working morning, within a tick of it, in local wall time
        wall = s.astimezone(ZONE)
        expected = local_to_utc(wall.date(), morning, ZONE)
        assert timedelta(0) <= s - expected < timedelta(minutes=7)


def test_across_a_weekend_of_ticks_nothing_goes_on_saturday_or_sunday() -> None:
    due = date(2026, 12, 12)  # Saturday
    sent = simulate(due, POLICY, local(date(2026, 12, 9), 9), local(date(2026, 12, 22), 9), timedelta(minutes=15))
    days = [s.astimezone(ZONE).date() for s in sent]
    # the due date's reminder waits for Monday, already overdue: it counts as the first overdue one
    assert days == [date(2026, 12, 10), date(2026, 12, 14), date(2026, 12, 18), date(2026, 12, 21)]
    assert all(d.weekday() < 5 for d in days)
