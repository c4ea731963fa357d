"""Meeting occurrences of a forum's schedule, and the instants (UTC) derived from each meeting."""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal, TypeAlias
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.errors import DomainError
from domain.model import Frequency, Offset, Schedule

HolidayCalendar: TypeAlias = Callable[[date], str | None]
"""The holiday's name for a local date, or None on an ordinary day (injected; see bot/holidays.py)."""

SkipReason: TypeAlias = Literal["holiday", "break"]

MAX_INTERVAL_WEEKS = 52
MAX_DAYS_BEFORE = 28
MONTHLY_ORDINALS = (1, 2, 3, 4, -1)
_SEARCH_WINDOW = timedelta(days=366)
_SEARCH_HORIZON = timedelta(days=3653)


class ScheduleError(DomainError):
    key = "schedule.error.invalid"


class InvalidLocalTime(ScheduleError):
    key = "schedule.error.dst_hour"


class InvalidWeekday(ScheduleError):
    key = "schedule.error.weekday"


class InvalidInterval(ScheduleError):
    key = "schedule.error.interval_weeks"


class InvalidMonthlyOrdinal(ScheduleError):
    key = "schedule.error.monthly_ordinal"


class MissingStartDate(ScheduleError):
    key = "schedule.error.start_date_required"


class InvalidDaysBefore(ScheduleError):
    key = "schedule.error.days_before"


class DeadlineAfterMeeting(ScheduleError):
    key = "schedule.error.deadline_after_meeting"


class ReminderAfterDeadline(ScheduleError):
    key = "schedule.error.reminder_after_deadline"


class OpensAfterReminder(ScheduleError):
    key = "schedule.error.opens_after_reminder"


class InvalidBreak(ScheduleError):
    key = "schedule.error.break_order"


class UnknownTimezone(ScheduleError):
    key = "schedule.error.timezone"


@dataclass(frozen=True)
class Occurrence:
    """A date of the schedule's pattern; `skipped` says why no meeting is held that day."""

    local_date: date
    starts_at: datetime  # aware, UTC
    skipped: SkipReason | None = None
    holiday_name: str | None = None  # the calendar's name when skipped for a holiday


@dataclass(frozen=True)
class MeetingTimes:
    starts_at: datetime
    opens_at: datetime
    reminder_at: datetime
    deadline_at: datetime


def zone_of(schedule: Schedule) -> ZoneInfo:
    try:
        return ZoneInfo(schedule.timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a directory name or an overlong key
        raise UnknownTimezone(timezone=schedule.timezone) from None


def local_to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    """Local wall time to an aware UTC instant, always with fold=0.

    A time that does not exist (the spring gap, 02:00-02:59 on 2026-03-29 in Stockholm) is read with
    the offset in force before the change, so it moves forward by the gap: 02:30 becomes 03:30 CEST,
    as APScheduler does. A time that occurs twice (02:00-02:59 on 2026-10-25) is its first
    occurrence, still in summer time: 02:30 becomes 00:30 UTC.
    """
    return datetime.combine(day, at.replace(tzinfo=None, fold=0), tzinfo=zone).astimezone(UTC)


def check_local_time(at: time, *, field: str = "time") -> None:
    """Refuse a user-chosen wall time in 02:00-02:59, the hour that is missing or repeated at DST."""
    if time(2, 0) <= at.replace(tzinfo=None, fold=0) < time(3, 0):
        raise InvalidLocalTime(time=at.strftime("%H:%M"), field=field)


def _check_pattern(schedule: Schedule) -> ZoneInfo:
    if not 0 <= schedule.weekday <= 6:
        raise InvalidWeekday(weekday=schedule.weekday)
    if not 1 <= schedule.interval_weeks <= MAX_INTERVAL_WEEKS:
        raise InvalidInterval(interval_weeks=schedule.interval_weeks)
    if schedule.monthly_ordinal not in MONTHLY_ORDINALS:
        raise InvalidMonthlyOrdinal(monthly_ordinal=schedule.monthly_ordinal)
    if schedule.frequency == Frequency.EVERY_N_WEEKS and schedule.start_date is None:
        raise MissingStartDate()
    return zone_of(schedule)


def _position(offset: Offset) -> tuple[int, time]:
    return (-offset.days_before, offset.at)


def validate_schedule(schedule: Schedule) -> None:
    """Raise the first ScheduleError that makes the schedule unusable; return None when it is fine."""
    _check_pattern(schedule)
    offsets = {"opens": schedule.opens, "reminder": schedule.reminder, "deadline": schedule.deadline}
    check_local_time(schedule.time)
    for field, offset in offsets.items():
        check_local_time(offset.at, field=field)
    for field, offset in offsets.items():
        if not 0 <= offset.days_before <= MAX_DAYS_BEFORE:
            raise InvalidDaysBefore(days=offset.days_before, field=field)
    if _position(schedule.deadline) > _position(Offset(0, schedule.time)):
        raise DeadlineAfterMeeting()
    if _position(schedule.reminder) > _position(schedule.deadline):
        raise ReminderAfterDeadline()
    if _position(schedule.opens) > _position(schedule.reminder):
        raise OpensAfterReminder()
    for pause in schedule.breaks:
        if pause.last < pause.first:
            raise InvalidBreak(first=pause.first.isoformat(), last=pause.last.isoformat())


def _on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _weekly_dates(schedule: Schedule, first: date, last: date) -> Iterator[date]:
    if schedule.frequency == Frequency.WEEKLY:
        step = timedelta(weeks=1)
        day = _on_or_after(first, schedule.weekday)
    else:
        assert schedule.start_date is not None  # _check_pattern
        step = timedelta(weeks=schedule.interval_weeks)
        day = _on_or_after(schedule.start_date, schedule.weekday)  # the first meeting anchors the cycle
        if day < first:
            day += step * -(-(first - day).days // step.days)
    while day <= last:
        yield day
        day += step


def _nth_weekday(year: int, month: int, weekday: int, ordinal: int) -> date:
    if ordinal > 0:
        return _on_or_after(date(year, month, 1), weekday) + timedelta(weeks=ordinal - 1)
    month_end = date(year, month, calendar.monthrange(year, month)[1])
    return month_end - timedelta(days=(month_end.weekday() - weekday) % 7)


def _monthly_dates(schedule: Schedule, first: date, last: date) -> Iterator[date]:
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        day = _nth_weekday(year, month, schedule.weekday, schedule.monthly_ordinal)
        if first <= day <= last:
            yield day
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _occurrence(
    schedule: Schedule, zone: ZoneInfo, day: date, holidays: HolidayCalendar | None
) -> Occurrence:
    starts_at = local_to_utc(day, schedule.time, zone)
    if any(pause.contains(day) for pause in schedule.breaks):
        return Occurrence(day, starts_at, "break")
    holiday = holidays(day) if holidays is not None and schedule.skip_public_holidays else None
    if holiday is not None:
        return Occurrence(day, starts_at, "holiday", holiday)
    return Occurrence(day, starts_at)


def occurrences(
    schedule: Schedule, start: date, end: date, *, holidays: HolidayCalendar | None = None
) -> list[Occurrence]:
    """Every pattern date in [start, end] from schedule.start_date on, in order, skipped ones included.

    A date is skipped as "break" inside one of the schedule's breaks, else as "holiday" when the forum
    skips public holidays and `holidays` names the date (no calendar, no holiday skipping).
    Every N weeks counts from the first meeting: the first `weekday` on or after start_date, which
    that frequency requires (MissingStartDate).
    """
    zone = _check_pattern(schedule)
    first = max(start, schedule.start_date) if schedule.start_date else start
    dates = (
        _monthly_dates(schedule, first, end)
        if schedule.frequency == Frequency.MONTHLY
        else _weekly_dates(schedule, first, end)
    )
    return [_occurrence(schedule, zone, day, holidays) for day in dates]


def next_occurrences(
    schedule: Schedule, after: datetime, count: int, *, holidays: HolidayCalendar | None = None
) -> list[Occurrence]:
    """The next `count` meetings that are held (not skipped) and start strictly after `after`.

    Looks at most ten years ahead, so a schedule paused for longer returns fewer.
    """
    if after.tzinfo is None:
        raise ValueError("next_occurrences needs an aware datetime")
    window_start = after.astimezone(_check_pattern(schedule)).date()
    horizon = window_start + _SEARCH_HORIZON
    found: list[Occurrence] = []
    while len(found) < count and window_start <= horizon:
        window_end = window_start + _SEARCH_WINDOW
        found += [
            o
            for o in occurrences(schedule, window_start, window_end, holidays=holidays)
            if o.skipped is None and o.starts_at > after
        ]
        window_start = window_end + timedelta(days=1)
    return found[:count]


def meeting_times(schedule: Schedule, local_date: date, local_time: time | None = None) -> MeetingTimes:
    """The meeting's start and its opens/reminder/deadline instants, in UTC.

    `local_time` replaces schedule.time for a moved meeting; the offsets count back from `local_date`.
    Wall times are resolved as `local_to_utc` describes, so 08:00 stays 08:00 across DST.
    """
    zone = zone_of(schedule)

    def before(offset: Offset) -> datetime:
        return local_to_utc(local_date - timedelta(days=offset.days_before), offset.at, zone)

    return MeetingTimes(
        starts_at=local_to_utc(local_date, schedule.time if local_time is None else local_time, zone),
        opens_at=before(schedule.opens),
        reminder_at=before(schedule.reminder),
        deadline_at=before(schedule.deadline),
    )
