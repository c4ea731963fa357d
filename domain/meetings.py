"""A forum's meeting and the versions of its contributions, as the use cases see them.

A `Meeting` carries its instants (`times`: starts, opens, reminder, deadline), computed once where the stored
row is read, so nothing downstream recomputes them from the schedule. Minutes and action items will hang off it.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from domain.model import Schedule
from domain.schedule import MeetingTimes, Occurrence, meeting_times, zone_of


class MeetingStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Meeting:
    id: str
    forum_id: str
    original_date: date  # the date the schedule gave it (keys of cards and reminders use this)
    local_date: date  # the date it is held (differs once moved)
    status: MeetingStatus
    times: MeetingTimes

    @property
    def starts_at(self) -> datetime:
        return self.times.starts_at

    @property
    def cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    @property
    def moved(self) -> bool:
        return self.local_date != self.original_date


def meeting_from(
    schedule: Schedule, *, id: str, forum_id: str, original_date: date, local_date: date, starts_at: datetime,
    status: str,
) -> Meeting:
    """The meeting of a stored row: its instants from the schedule's offsets, at the stored wall time.

    The stored start gives the wall time (a moved meeting keeps its own), read in the forum's zone on
    `local_date`, so 08:00 stays 08:00 across DST.
    """
    local_time = starts_at.astimezone(zone_of(schedule)).time().replace(tzinfo=None)
    return Meeting(id, forum_id, original_date, local_date, MeetingStatus(status),
                   meeting_times(schedule, local_date, local_time))


@dataclass(frozen=True)
class Redate:
    """A meeting following the changed schedule to another date (and the schedule's time)."""

    meeting: Meeting
    local_date: date
    times: MeetingTimes


@dataclass(frozen=True)
class Cancel:
    """A meeting the changed schedule no longer has room for."""

    meeting: Meeting


Change = Redate | Cancel


def follows_schedule(meetings: Sequence[Meeting], now: datetime) -> list[Meeting]:
    """The future meetings a schedule change may re-date: not cancelled and not moved by hand, in date order."""
    return sorted((m for m in meetings if m.starts_at > now and not m.cancelled and not m.moved),
                  key=lambda m: m.original_date)


def plan_redating(
    schedule: Schedule, meetings: Sequence[Meeting], upcoming: Sequence[Occurrence], now: datetime
) -> list[Change]:
    """After the schedule changed: what happens to each stored future meeting that follows it.

    `meetings` are all the forum's stored meetings, `upcoming` the new schedule's next occurrences (at least
    as many as `follows_schedule` finds). Each following meeting keeps its place in the order and takes the
    date of the corresponding new occurrence not already held by another meeting, so contributions already
    sent for "the next meeting" stay with the next meeting; meetings beyond the occurrences are cancelled.
    Meetings already at their new date and time are left out.
    """
    stored = follows_schedule(meetings, now)
    taken = {m.original_date for m in meetings} - {m.original_date for m in stored}
    targets = [o for o in upcoming if o.local_date not in taken]
    changes: list[Change] = [
        Redate(meeting, target.local_date, meeting_times(schedule, target.local_date, schedule.time))
        for meeting, target in zip(stored, targets, strict=False)
        if (meeting.original_date, meeting.starts_at) != (target.local_date, target.starts_at)
    ]
    changes += [Cancel(meeting) for meeting in stored[len(targets):]]
    return changes


@dataclass(frozen=True)
class ContributionVersion:
    """One submitted version of an organisation's lägesbild for a meeting (versions are never overwritten)."""

    contribution_id: str
    meeting_id: str
    organisation_id: str
    version: int
    sections: tuple[tuple[str, str, str], ...]  # (section_id, title, text)
    nothing_new: bool
    attending: bool
    submitted_by: str
    submitted_by_name: str
    submitted_at: datetime
    after_deadline: bool
    areas: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (section_id, area ids ticked for it), domain/charter.py


class StaleVersion(Exception):
    """The contribution's current version is not the one the submit was checked against (a concurrent submit)."""
