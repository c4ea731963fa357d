"""Meeting occurrences of a forum's schedule, and the instants (UTC) derived from each meeting."""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Literal, TypeAlias
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

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


# Names the tz database ships that are not places: the host's own zone, a placeholder, a rules template.
_NOT_PLACES = frozenset({"localtime", "Factory", "posixrules"})
# Which years' DST transitions decide whether a wall time is safe (from 2025, a generation ahead).
DST_CHECK_YEARS = range(2025, 2061)


@cache
def _iana_names() -> frozenset[str]:
    return frozenset(name for name in available_timezones() if name not in _NOT_PLACES
                     and not name.startswith(("posix/", "right/")))


def is_known_timezone(name: str) -> bool:
    """A place in the IANA time zone list (`Europe/Stockholm`), not a folder (`America`) or `localtime`."""
    return name in _iana_names()


def zone_of(schedule: Schedule) -> ZoneInfo:
    if not is_known_timezone(schedule.timezone):
        raise UnknownTimezone(timezone=schedule.timezone)
    try:
        return ZoneInfo(schedule.timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a directory name or an overlong key
        raise UnknownTimezone(timezone=schedule.timezone) from None


@cache
def _transition_days(key: str) -> tuple[date, ...]:
    """Local days in DST_CHECK_YEARS on which the zone's UTC offset changes (and the day after, for midnight)."""
    zone = ZoneInfo(key)
    days: list[date] = []
    day = date(DST_CHECK_YEARS.start, 1, 1)
    last = date(DST_CHECK_YEARS.stop, 1, 1)
    offset = datetime.combine(day, time(0), tzinfo=zone).utcoffset()
    while day < last:
        following = day + timedelta(days=1)
        next_offset = datetime.combine(following, time(0), tzinfo=zone).utcoffset()
        if next_offset != offset:
            days += [day, following]
        day, offset = following, next_offset
    return tuple(dict.fromkeys(days))


def _unsafe_on(day: date, at: time, zone: ZoneInfo) -> bool:
    """The wall time does not exist (spring gap) or occurs twice (autumn) on that day in that zone."""
    wall = datetime.combine(day, at.replace(tzinfo=None, fold=0), tzinfo=zone)
    return wall.utcoffset() != wall.replace(fold=1).utcoffset()


def unsafe_hours(zone: ZoneInfo) -> tuple[tuple[time, time], ...]:
    """The zone's DST-unsafe wall-time ranges (first and last minute, inclusive), e.g. ((02:00, 02:59),)."""
    key = str(zone.key)
    ranges: dict[tuple[time, time], None] = {}
    for day in _transition_days(key)[:8]:  # the first few transitions show the zone's pattern
        start: time | None = None
        previous = time(0)
        for minute in range(24 * 60):
            at = time(minute // 60, minute % 60)
            if _unsafe_on(day, at, zone):
                start = at if start is None else start
            elif start is not None:
                ranges[(start, previous)] = None
                start = None
            previous = at
        if start is not None:
            ranges[(start, previous)] = None
    merged: list[tuple[time, time]] = []
    for first, last in sorted(ranges):
        minutes = first.hour * 60 + first.minute
        if merged and minutes <= merged[-1][1].hour * 60 + merged[-1][1].minute + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return tuple(merged)


def local_to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    """Local wall time to an aware UTC instant, always with fold=0.

    A time that does not exist (the spring gap, 02:00-02:59 on 2026-03-29 in Stockholm) is read with
    the offset in force before the change, so it moves forward by the gap: 02:30 becomes 03:30 CEST,
    as APScheduler does. A time that occurs twice (02:00-02:59 on 2026-10-25) is its first
    occurrence, still in summer time: 02:30 becomes 00:30 UTC.
    """
    return datetime.combine(day, at.replace(tzinfo=None, fold=0), tzinfo=zone).astimezone(UTC)


def check_local_time(at: time, zone: ZoneInfo, *, field: str = "time") -> None:
    """Refuse a wall time that, on some day of the zone's DST changes, does not exist or occurs twice.

    A forum's times repeat on many days, so a time is refused if any DST transition day in DST_CHECK_YEARS
    makes it missing or doubled in the forum's own zone (02:00-02:59 in Stockholm, 01:00-02:59 in New York,
    nothing in Tokyo). The error carries the zone and its unsafe ranges so the message can explain the rule.
    """
    if any(_unsafe_on(day, at, zone) for day in _transition_days(str(zone.key))):
        ranges = ", ".join(f"{first:%H:%M}–{last:%H:%M}" for first, last in unsafe_hours(zone))
        raise InvalidLocalTime(time=at.strftime("%H:%M"), field=field, zone=str(zone.key), ranges=ranges)


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
    zone = _check_pattern(schedule)
    offsets = {"opens": schedule.opens, "reminder": schedule.reminder, "deadline": schedule.deadline}
    check_local_time(schedule.time, zone)
    for field, offset in offsets.items():
        check_local_time(offset.at, zone, field=field)
    for field, offset in offsets.items():
        if not 0 <= offset.days_before <= MAX_DAYS_BEFORE:
            raise InvalidDaysBefore(days=offset.days_before, field=field)
    # Strictly in this order. With every wall time existing exactly once in the zone, local order is the order
    # of the instants, on DST days too: the deadline and the reminder always fall before the meeting.
    if _position(schedule.deadline) >= _position(Offset(0, schedule.time)):
        raise DeadlineAfterMeeting()
    if _position(schedule.reminder) >= _position(schedule.deadline):
        raise ReminderAfterDeadline()
    if _position(schedule.opens) >= _position(schedule.reminder):
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
