"""Meetings of a forum: which ones are near, their instants, and the chair cancelling or moving one."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.services.new_time import tell_new_time
from bot.services.ports import UnitOfWork
from dialogs.texts import DEFAULT_LANGUAGE
from domain.meetings import Cancel, Meeting, MeetingStatus, Redate, follows_schedule, plan_redating
from domain.model import Forum
from domain.schedule import HolidayCalendar, next_occurrences, occurrences

MAX_LOOKAHEAD_DAYS = 30




def local_today(forum: Forum, now: datetime) -> date:
    return now.astimezone(ZoneInfo(forum.schedule.timezone)).date()


async def meetings_near(
    uow: UnitOfWork, forum: Forum, now: datetime, holidays: HolidayCalendar
) -> list[Meeting]:
    """Meetings whose collection may be under way now: materialised from the schedule, plus moved ones."""
    today = local_today(forum, now)
    reach = max(forum.schedule.opens.days_before, forum.schedule.reminder.days_before,
                forum.schedule.deadline.days_before) + 1
    for occurrence in occurrences(forum.schedule, today - timedelta(days=1), today + timedelta(days=reach),
                                  holidays=holidays):
        if occurrence.skipped is None:
            await uow.meetings.ensure(forum, occurrence.local_date, occurrence.starts_at, now)
    window_start = now - timedelta(days=1)
    window_end = now + timedelta(days=MAX_LOOKAHEAD_DAYS)
    return [
        m for m in await uow.meetings.for_forum(forum)
        if not m.cancelled and window_start <= m.starts_at <= window_end
    ]


async def upcoming_meeting(
    uow: UnitOfWork, forum: Forum, now: datetime, holidays: HolidayCalendar
) -> Meeting | None:
    """The next meeting that has not started (contributions for it are accepted until it starts)."""
    for occurrence in next_occurrences(forum.schedule, now, 2, holidays=holidays):
        await uow.meetings.ensure(forum, occurrence.local_date, occurrence.starts_at, now)
    candidates = [m for m in await uow.meetings.for_forum(forum) if not m.cancelled and m.starts_at > now]
    return min(candidates, key=lambda m: m.starts_at, default=None)


async def meeting_on(
    uow: UnitOfWork, forum: Forum, day: date, now: datetime, holidays: HolidayCalendar, *,
    include_skipped: bool = False
) -> Meeting | None:
    """The meeting held (or originally scheduled) on a local date, materialising it from the schedule if needed.

    A date the schedule skips (holiday, break) only counts with `include_skipped` (moving such a meeting
    to another day makes it a real meeting).
    """
    stored = await uow.meetings.on_local_date(forum, day)
    if stored is not None:
        return stored
    for occurrence in occurrences(forum.schedule, day, day, holidays=holidays):
        if occurrence.skipped is None or include_skipped:
            return await uow.meetings.ensure(forum, occurrence.local_date, occurrence.starts_at, now)
    return None


async def follow_schedule(
    uow: UnitOfWork, forum: Forum, now: datetime, holidays: HolidayCalendar, *, default: str = DEFAULT_LANGUAGE
) -> int:
    """After the chair changed the schedule: make the future meetings stored so far match it.

    Meetings the chair moved or cancelled by hand are left alone. Each other future meeting keeps its place in
    the order and takes the date of the corresponding new occurrence, so contributions already sent for "the
    next meeting" stay with the next meeting; meetings beyond the new occurrences found are cancelled.
    Returns how many meetings changed.
    """
    meetings = await uow.meetings.for_forum(forum)
    following = follows_schedule(meetings, now)
    if not following:
        return 0
    upcoming = next_occurrences(forum.schedule, now, len(following), holidays=holidays)
    changes = plan_redating(forum.schedule, meetings, upcoming, now)
    redates = [c for c in changes if isinstance(c, Redate)]
    if redates:
        await uow.meetings.redate([(c.meeting.id, c.local_date, c.times.starts_at) for c in redates], now)
    for redate in redates:  # whoever already has the card keeps it and hears the new time once
        await tell_new_time(uow, forum, redate.meeting.id, redate.meeting.local_date, redate.times, now,
                            default=default)
    for change in changes:
        if isinstance(change, Cancel):
            await uow.meetings.set_status(change.meeting.id, MeetingStatus.CANCELLED, None, now)
    return len(changes)
