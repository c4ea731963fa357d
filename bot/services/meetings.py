"""Meetings of a forum: which ones are near, their instants, and the chair cancelling or moving one."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.services.new_time import tell_new_time
from bot.services.ports import UnitOfWork
from domain.model import Forum
from domain.schedule import HolidayCalendar, MeetingTimes, meeting_times, next_occurrences, occurrences
from storage.meetings import StoredMeeting

MAX_LOOKAHEAD_DAYS = 30


def times_for(forum: Forum, meeting: StoredMeeting) -> MeetingTimes:
    zone = ZoneInfo(forum.schedule.timezone)
    local_time = meeting.starts_at.astimezone(zone).time().replace(tzinfo=None)
    return meeting_times(forum.schedule, meeting.local_date, local_time)


def local_today(forum: Forum, now: datetime) -> date:
    return now.astimezone(ZoneInfo(forum.schedule.timezone)).date()


async def meetings_near(
    uow: UnitOfWork, forum: Forum, now: datetime, holidays: HolidayCalendar
) -> list[StoredMeeting]:
    """Meetings whose collection may be under way now: materialised from the schedule, plus moved ones."""
    today = local_today(forum, now)
    reach = max(forum.schedule.opens.days_before, forum.schedule.reminder.days_before,
                forum.schedule.deadline.days_before) + 1
    for occurrence in occurrences(forum.schedule, today - timedelta(days=1), today + timedelta(days=reach),
                                  holidays=holidays):
        if occurrence.skipped is None:
            await uow.meetings.ensure(forum.id, occurrence.local_date, occurrence.starts_at, now)
    window_start = now - timedelta(days=1)
    window_end = now + timedelta(days=MAX_LOOKAHEAD_DAYS)
    return [
        m for m in await uow.meetings.for_forum(forum.id)
        if not m.cancelled and window_start <= m.starts_at <= window_end
    ]


async def upcoming_meeting(
    uow: UnitOfWork, forum: Forum, now: datetime, holidays: HolidayCalendar
) -> StoredMeeting | None:
    """The next meeting that has not started (contributions for it are accepted until it starts)."""
    for occurrence in next_occurrences(forum.schedule, now, 2, holidays=holidays):
        await uow.meetings.ensure(forum.id, occurrence.local_date, occurrence.starts_at, now)
    candidates = [m for m in await uow.meetings.for_forum(forum.id) if not m.cancelled and m.starts_at > now]
    return min(candidates, key=lambda m: m.starts_at, default=None)


async def meeting_on(
    uow: UnitOfWork, forum: Forum, day: date, now: datetime, holidays: HolidayCalendar, *,
    include_skipped: bool = False
) -> StoredMeeting | None:
    """The meeting held (or originally scheduled) on a local date, materialising it from the schedule if needed.

    A date the schedule skips (holiday, break) only counts with `include_skipped` (moving such a meeting
    to another day makes it a real meeting).
    """
    stored = await uow.meetings.on_local_date(forum.id, day)
    if stored is not None:
        return stored
    for occurrence in occurrences(forum.schedule, day, day, holidays=holidays):
        if occurrence.skipped is None or include_skipped:
            return await uow.meetings.ensure(forum.id, occurrence.local_date, occurrence.starts_at, now)
    return None


async def follow_schedule(uow: UnitOfWork, forum: Forum, now: datetime, holidays: HolidayCalendar) -> int:
    """After the chair changed the schedule: make the future meetings stored so far match it.

    Meetings the chair moved or cancelled by hand are left alone. Each other future meeting keeps its place in
    the order and takes the date of the corresponding new occurrence, so contributions already sent for "the
    next meeting" stay with the next meeting; meetings beyond the new occurrences found are cancelled.
    Returns how many meetings changed.
    """
    stored = [
        m for m in await uow.meetings.for_forum(forum.id)
        if m.starts_at > now and not m.cancelled and m.local_date == m.original_date
    ]
    if not stored:
        return 0
    upcoming = next_occurrences(forum.schedule, now, len(stored), holidays=holidays)
    taken = {m.original_date for m in await uow.meetings.for_forum(forum.id)} - {m.original_date for m in stored}
    targets = [o for o in upcoming if o.local_date not in taken]
    moved = [
        (meeting, target)
        for meeting, target in zip(stored, targets, strict=False)
        if (meeting.original_date, meeting.starts_at) != (target.local_date, target.starts_at)
    ]
    changes = [(meeting.id, target.local_date, target.starts_at) for meeting, target in moved]
    if changes:
        await uow.meetings.redate(changes, now)
    for meeting, target in moved:  # whoever already has the card keeps it and hears the new time once
        times = meeting_times(forum.schedule, target.local_date, forum.schedule.time)
        await tell_new_time(uow, forum, meeting.id, meeting.local_date, times, now)
    for meeting in stored[len(targets):]:
        await uow.meetings.set_status(meeting.id, "cancelled", None, now)
    return len(changes) + max(0, len(stored) - len(targets))
