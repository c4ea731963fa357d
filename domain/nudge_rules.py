"""When an action's next reminder goes out (the nudge policy's rules; the data is in domain/nudges.py).

Reminders go out at the start of the working day (the end of the quiet hours, 08:00 by default) on working days:
a weekend or a Swedish public holiday moves a reminder to the next working day, and one planned for today goes
at once in working hours, else the next working morning. Wall times are read in the forum's zone, so the DST
nights change nothing: there is one reminder per local day.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.nudges import NudgePolicy, Stage
from domain.schedule import HolidayCalendar, local_to_utc

MAX_SEARCH_DAYS = 60  # a run of holidays and weekends is never this long; a bound, not a rule


def is_working_day(day: date, policy: NudgePolicy, holidays: HolidayCalendar | None) -> bool:
    if policy.skip_weekends and day.weekday() >= 5:
        return False
    return not (policy.skip_holidays and holidays is not None and holidays(day) is not None)


def working_day_from(day: date, policy: NudgePolicy, holidays: HolidayCalendar | None) -> date:
    """`day` itself when reminders may go out that day, else the next day they may."""
    for offset in range(MAX_SEARCH_DAYS):
        candidate = day + timedelta(days=offset)
        if is_working_day(candidate, policy, holidays):
            return candidate
    return day + timedelta(days=MAX_SEARCH_DAYS)


def in_working_hours(at: time, policy: NudgePolicy) -> bool:
    return policy.quiet_until <= at < policy.quiet_from


def planned_day(due: date, stage: Stage, policy: NudgePolicy, overdue_index: int = 1) -> date:
    """The local day a stage is planned for, before weekends and holidays move it: due - N, due, due + k*M."""
    if stage is Stage.BEFORE:
        return due - timedelta(days=policy.days_before)
    if stage is Stage.ON_DUE:
        return due
    return due + timedelta(days=policy.overdue_every * max(1, overdue_index))


def _stages(policy: NudgePolicy) -> list[Stage]:
    stages = []
    if policy.days_before > 0:
        stages.append(Stage.BEFORE)
    if policy.on_due:
        stages.append(Stage.ON_DUE)
    return [*stages, Stage.OVERDUE]


def next_nudge(
    due: date, policy: NudgePolicy, *, now: datetime, zone: ZoneInfo, holidays: HolidayCalendar | None,
    overdue_sent: int = 0, after: Stage | None = None, not_on: date | None = None, last_sent: date | None = None,
) -> tuple[Stage, int, datetime]:
    """The next reminder of an action due on `due`: its stage, which overdue reminder it is (1, 2 …; 0 before
    that), and the instant it may go out.

    `after` is the stage sent last (None: none yet, e.g. a new or re-dated action); stages whose planned day has
    passed are skipped, so a late start does not send a backlog. The instant is the start of the working
    day (`quiet_until`) on the first working day on or after the planned day, or `now` itself when that day is
    today and it is working hours now. `not_on` (a local day already used for a reminder of this action, or a
    paused stretch's last day) pushes it to a later day: at most one reminder per local day. A stage that weekends,
    holidays or the hour would move onto the planned day of the next stage is skipped for that one. While overdue,
    a reminder comes at least `overdue_every` days after the last one sent (`last_sent`, when on or after the due date),
    so one moved past a weekend is not followed by another the next day.
    """
    today = now.astimezone(zone).date()
    earliest = today if not_on is None or not_on < today else not_on + timedelta(days=1)
    stages = _stages(policy)
    start = 0 if after is None else stages.index(after) + (0 if after is Stage.OVERDUE else 1)
    for position, stage in enumerate(stages[start:], start=start):
        index = overdue_sent + 1 if stage is Stage.OVERDUE else 0
        planned = planned_day(due, stage, policy, index)
        if stage is Stage.OVERDUE:
            if last_sent is not None and last_sent >= due:  # M days after the last reminder, however it moved
                planned = max(planned, last_sent + timedelta(days=policy.overdue_every))
            while planned < earliest:  # skip overdue reminders whose day has passed, keeping their rhythm
                index += 1
                planned += timedelta(days=policy.overdue_every)
        elif planned < earliest:
            continue
        at = _instant(working_day_from(planned, policy, holidays), policy, now, zone, holidays)
        if stage is not Stage.OVERDUE:
            # moved (weekend, holiday, late in the day) onto the next stage's day: that one says it all
            following = planned_day(due, stages[position + 1], policy, 1)
            if at.astimezone(zone).date() >= following:
                continue
        return stage, index, at
    raise AssertionError("the overdue stage always has a next day")  # pragma: no cover


def stage_on(due: date, today: date) -> Stage:
    """What a reminder sent on `today` is about: the due date ahead, today, or passed."""
    if today < due:
        return Stage.BEFORE
    return Stage.ON_DUE if today == due else Stage.OVERDUE


def next_working_instant(now: datetime, policy: NudgePolicy, zone: ZoneInfo, holidays: HolidayCalendar | None,
                         *, not_on: date | None = None) -> datetime:
    """`now` when reminders may go out now (working day, working hours) and today is not `not_on` or before it;
    else the start of the next working morning after that: where a reminder that cannot go now waits."""
    today = now.astimezone(zone).date()
    day = today if not_on is None or not_on < today else not_on + timedelta(days=1)
    return _instant(working_day_from(day, policy, holidays), policy, now, zone, holidays)


def _instant(day: date, policy: NudgePolicy, now: datetime, zone: ZoneInfo,
             holidays: HolidayCalendar | None) -> datetime:
    local_now = now.astimezone(zone)
    if day == local_now.date():
        if in_working_hours(local_now.time(), policy):
            return now
        if local_now.time() >= policy.quiet_from:  # too late today: the next working morning
            day = working_day_from(day + timedelta(days=1), policy, holidays)
    return local_to_utc(day, policy.quiet_until, zone)
