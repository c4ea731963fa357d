"""A forum's meeting and the versions of its contributions, as the use cases see them.

A `Meeting` carries its instants (`times`: starts, opens, reminder, deadline), computed once where the stored
row is read, so nothing downstream recomputes them from the schedule. Minutes and action items will hang off it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from domain.schedule import MeetingTimes


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


class StaleVersion(Exception):
    """The contribution's current version is not the one the submit was checked against (a concurrent submit)."""
