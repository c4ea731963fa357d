"""The weekly overview of a forum's follow-up (veckoöversikt): what is open, overdue and closed this week, the
overdue actions by organisation, the vacant roles and who has paused their reminders; and when it is due.

It goes to the forum conversation once a week, on the policy's `overview_weekday`, at the start of the working day
(the end of the quiet hours). When that weekday is a holiday (or a weekend day that reminders skip), it goes on the
next working day of the same week instead; a week whose remaining days are all days off gets none.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.actions import ActionItem, ActionStatus
from domain.model import Forum, Person, Role, RoleKind
from domain.nudge_rules import in_working_hours, working_day_from
from domain.nudges import NudgePolicy
from domain.schedule import HolidayCalendar


def week_start(day: date) -> date:
    """The Monday of the day's week."""
    return day - timedelta(days=day.weekday())


def overview_day(today: date, policy: NudgePolicy, holidays: HolidayCalendar | None) -> date | None:
    """The local day of this week's overview: the chosen weekday, else the next working day of the same week."""
    chosen = week_start(today) + timedelta(days=policy.overview_weekday)
    day = working_day_from(chosen, policy, holidays)
    return day if week_start(day) == week_start(today) else None


def overview_due(forum: Forum, now: datetime, holidays: HolidayCalendar | None) -> date | None:
    """The local day, when the forum's overview is due now (its day, in working hours); else None."""
    policy = forum.follow_up
    if not policy.weekly_overview:
        return None
    local = now.astimezone(ZoneInfo(forum.schedule.timezone))
    if overview_day(local.date(), policy, holidays) != local.date() or not in_working_hours(local.time(), policy):
        return None
    return local.date()


@dataclass(frozen=True)
class VacantRole:
    role: Role
    open_actions: int


@dataclass(frozen=True)
class Paused:
    person_id: str
    until: date


@dataclass(frozen=True)
class Overview:
    today: date
    open: int
    overdue: int
    closed_this_week: int
    overdue_by_organisation: tuple[tuple[str, tuple[ActionItem, ...]], ...]  # (organisation id, by due date)
    vacant_roles: tuple[VacantRole, ...]
    paused: tuple[Paused, ...]


def _organisation_of(forum: Forum, action: ActionItem) -> str:
    role = forum.role_by_id(action.owner_role_id)
    return role.organisation_id if role is not None else ""


def weekly_overview(forum: Forum, actions: Iterable[ActionItem], people: Mapping[str, Person],
                    now: datetime) -> Overview:
    """`actions`: the forum's actions; `people`: the people of its roles and memberships (for their pauses)."""
    zone = ZoneInfo(forum.schedule.timezone)
    today = now.astimezone(zone).date()
    monday = week_start(today)
    all_actions = list(actions)
    open_ = [a for a in all_actions if a.open]
    overdue = sorted((a for a in open_ if a.overdue_on(today)), key=lambda a: (a.due, a.number))
    closed = [a for a in all_actions if a.status is ActionStatus.DONE and a.closed_at is not None
              and a.closed_at.astimezone(zone).date() >= monday]
    by_org: dict[str, list[ActionItem]] = {}
    for action in overdue:
        by_org.setdefault(_organisation_of(forum, action), []).append(action)
    order = {o.id: o.position for o in forum.organisations}
    ordered = sorted(by_org.items(), key=lambda e: order.get(e[0], 1 << 30))
    grouped = tuple((org, tuple(items)) for org, items in ordered)
    # A vacant participant role always matters; a vacant deputy role only when actions wait on it.
    counted = ((r, sum(1 for a in open_ if a.owner_role_id == r.id)) for r in forum.roles
               if r.holder_id is None and forum.organisation(r.organisation_id) is not None)
    vacant = tuple(VacantRole(r, n) for r, n in counted if n or r.kind is RoleKind.PARTICIPANT)
    paused = tuple(sorted((Paused(p.id, p.nudges_paused_until) for p in people.values()
                           if p.nudges_paused_until is not None and p.nudges_paused_until >= today),
                          key=lambda p: (p.until, p.person_id)))
    return Overview(today, len(open_), len(overdue), len(closed), grouped, vacant, paused)
