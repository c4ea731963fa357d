"""The follow-up report (uppföljningsrapport) of a forum for a period: the figures, from plain records.

Rules, each with a test on hand-made data (tests/unit/test_followup_report.py):

* **Meetings** in the period are those whose held date (`local_date`) falls in it. *Held*: not cancelled and not
  after `today`; *cancelled*: cancelled; *moved*: held on another day than the schedule gave (counted among held
  or cancelled as it is too).
* **Participation** is counted per held meeting and per organisation of the forum today, from the organisation's
  counting contribution, in this order: no contribution: *missing*; "not attending": *not attending*; no version
  before the deadline: *late*; no text: *nothing new*; else *on time*. An organisation's *rate* is the share of held
  meetings it answered in any way (everything but missing).
* **Actions**: *created* in the period (created_at); *closed* in it (done, closed_at); *open at the end* and
  *overdue at the end* (created by the end, not closed by then, due before the end); *re-dated* and *handed over*:
  events of those kinds in the period; *median days to close*: over the actions closed in the period, calendar
  days from creation to closing; *overdue by organisation*: the owning role's organisation.
* **Decisions**: every decision of the latest published version of the minutes of meetings in the period.
* **Vacant roles**: the forum's participant and deputy roles without a holder today, and how many times a role fell
  vacant in the period (events).
* **Trends**: per ISO week of a held meeting, how many section texts were ticked with each area.
"""

from __future__ import annotations

import enum
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from zoneinfo import ZoneInfo

from domain.action_log import ActionEvent, EventKind
from domain.actions import ActionItem, ActionStatus
from domain.charter import GoalEvaluation, latest_evaluations
from domain.meetings import Meeting
from domain.model import Forum, RoleKind


class Participation(enum.StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    NOTHING_NEW = "nothing_new"
    NOT_ATTENDING = "not_attending"
    MISSING = "missing"


@dataclass(frozen=True)
class Answer:
    """An organisation's counting contribution to a meeting, as the report needs it."""

    organisation_id: str
    has_text: bool
    attending: bool
    on_time: bool  # some version of it arrived before the deadline
    areas: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (section id, area ids)


@dataclass(frozen=True)
class MeetingFacts:
    meeting: Meeting
    answers: tuple[Answer, ...] = ()


@dataclass(frozen=True)
class Decision:
    meeting_date: date
    paragraph: int
    text: str


@dataclass(frozen=True)
class ReportFacts:
    forum: Forum
    start: date
    end: date  # included
    today: date
    meetings: tuple[MeetingFacts, ...]  # those of the period (any status)
    actions: tuple[ActionItem, ...]  # every action of the forum
    events: tuple[ActionEvent, ...]  # the events of the period
    decisions: tuple[Decision, ...] = ()
    evaluations: tuple[GoalEvaluation, ...] = ()


@dataclass(frozen=True)
class MeetingCounts:
    held: int
    cancelled: int
    moved: int


@dataclass(frozen=True)
class OrganisationParticipation:
    organisation_id: str
    name: str
    counts: dict[Participation, int]
    rate: float | None  # answered / held; None without held meetings


@dataclass(frozen=True)
class MeetingParticipation:
    day: date
    answered: float  # share of the organisations that answered in any way
    on_time: float  # share that reported on time (with text)


@dataclass(frozen=True)
class ActionFigures:
    created: int
    closed: int
    open_at_end: int
    overdue_at_end: int
    redated: int
    handed_over: int
    median_days_to_close: float | None
    overdue_by_organisation: tuple[tuple[str, int], ...]  # (organisation name, count), most first


@dataclass(frozen=True)
class AreaWeek:
    week: str  # ISO week, e.g. "2026-W48"
    monday: date
    counts: dict[str, int]  # area id -> ticked section texts


@dataclass(frozen=True)
class FollowUpReport:
    forum: Forum
    start: date
    end: date
    evaluations: dict[str, GoalEvaluation]  # goal id -> latest (at the end of the period)
    meetings: MeetingCounts
    participation: tuple[OrganisationParticipation, ...]
    over_time: tuple[MeetingParticipation, ...]
    actions: ActionFigures
    decisions: tuple[Decision, ...]
    vacant_roles: tuple[tuple[str, RoleKind], ...]  # (organisation name, kind)
    fell_vacant: int
    areas: tuple[tuple[str, str], ...]  # (area id, name) in charter order, then unknown ids seen
    trends: tuple[AreaWeek, ...] = field(default_factory=tuple)


def classify(answer: Answer | None) -> Participation:
    if answer is None:
        return Participation.MISSING
    if not answer.attending:
        return Participation.NOT_ATTENDING
    if not answer.on_time:
        return Participation.LATE
    if not answer.has_text:
        return Participation.NOTHING_NEW
    return Participation.ON_TIME


def _in(day: date, start: date, end: date) -> bool:
    return start <= day <= end


def held_meetings(facts: ReportFacts) -> list[MeetingFacts]:
    return sorted((m for m in facts.meetings if not m.meeting.cancelled and m.meeting.local_date <= facts.today
                   and _in(m.meeting.local_date, facts.start, facts.end)), key=lambda m: m.meeting.local_date)


def meeting_counts(facts: ReportFacts) -> MeetingCounts:
    inside = [m.meeting for m in facts.meetings if _in(m.meeting.local_date, facts.start, facts.end)]
    return MeetingCounts(held=len(held_meetings(facts)), cancelled=sum(1 for m in inside if m.cancelled),
                         moved=sum(1 for m in inside if m.moved))


def participation(facts: ReportFacts) -> tuple[tuple[OrganisationParticipation, ...], tuple[MeetingParticipation,
                                                                                             ...]]:
    held = held_meetings(facts)
    orgs = facts.forum.organisations
    by_org: list[OrganisationParticipation] = []
    for org in orgs:
        counts = Counter(classify(next((a for a in m.answers if a.organisation_id == org.id), None)) for m in held)
        answered = len(held) - counts[Participation.MISSING]
        by_org.append(OrganisationParticipation(org.id, org.name, {p: counts[p] for p in Participation},
                                                answered / len(held) if held else None))
    over_time = []
    for m in held:
        kinds = [classify(next((a for a in m.answers if a.organisation_id == o.id), None)) for o in orgs]
        total = len(kinds) or 1
        over_time.append(MeetingParticipation(
            m.meeting.local_date, sum(1 for k in kinds if k is not Participation.MISSING) / total,
            sum(1 for k in kinds if k is Participation.ON_TIME) / total))
    return tuple(by_org), tuple(over_time)


def local_day(facts: ReportFacts, moment: datetime) -> date:
    """The date in the forum's zone (the period is a range of local dates)."""
    return moment.astimezone(ZoneInfo(facts.forum.schedule.timezone)).date()


def action_figures(facts: ReportFacts) -> ActionFigures:
    start, end = facts.start, facts.end
    day = partial(local_day, facts)
    actions = [a for a in facts.actions if a.status is not ActionStatus.CANCELLED]
    created = [a for a in actions if _in(day(a.created_at), start, end)]
    closed = [a for a in actions if a.status is ActionStatus.DONE and a.closed_at is not None
              and _in(day(a.closed_at), start, end)]
    open_at_end = [a for a in actions if day(a.created_at) <= end
                   and not (a.status is ActionStatus.DONE and a.closed_at is not None and day(a.closed_at) <= end)]
    overdue = [a for a in open_at_end if a.due < end]
    org_of = {r.id: r.organisation_id for r in facts.forum.roles}
    names = {o.id: o.name for o in facts.forum.organisations}
    by_org = Counter(names.get(org_of.get(a.owner_role_id, ""), "?") for a in overdue)
    days = [(day(a.closed_at) - day(a.created_at)).days for a in closed if a.closed_at is not None]
    kinds = Counter(e.kind for e in facts.events if _in(day(e.at), start, end))
    return ActionFigures(
        created=len(created), closed=len(closed), open_at_end=len(open_at_end), overdue_at_end=len(overdue),
        redated=kinds[EventKind.REDATED], handed_over=kinds[EventKind.HANDED_OVER],
        median_days_to_close=float(statistics.median(days)) if days else None,
        overdue_by_organisation=tuple(sorted(by_org.items(), key=lambda item: (-item[1], item[0]))))


def trends(facts: ReportFacts) -> tuple[tuple[tuple[str, str], ...], tuple[AreaWeek, ...]]:
    weeks: dict[str, AreaWeek] = {}
    seen: list[str] = []
    for m in held_meetings(facts):
        year, week, _ = m.meeting.local_date.isocalendar()
        key = f"{year}-W{week:02d}"
        monday = date.fromisocalendar(year, week, 1)
        counts = weeks.setdefault(key, AreaWeek(key, monday, {})).counts
        for answer in m.answers:
            for _, ids in answer.areas:
                for area_id in ids:
                    counts[area_id] = counts.get(area_id, 0) + 1
                    if area_id not in seen:
                        seen.append(area_id)
    named = [(a.id, a.name) for a in facts.forum.charter.areas]
    known = {a for a, _ in named}
    areas = tuple(named + [(a, a) for a in seen if a not in known])
    return areas, tuple(weeks[k] for k in sorted(weeks))


def compile_report(facts: ReportFacts) -> FollowUpReport:
    by_org, over_time = participation(facts)
    areas, weekly = trends(facts)
    evaluations = latest_evaluations([e for e in facts.evaluations if local_day(facts, e.evaluated_at) <= facts.end])
    names = {o.id: o.name for o in facts.forum.organisations}
    vacant = tuple((names[r.organisation_id], r.kind) for r in facts.forum.roles
                   if r.holder_id is None and r.organisation_id in names)
    return FollowUpReport(
        forum=facts.forum, start=facts.start, end=facts.end, evaluations=evaluations,
        meetings=meeting_counts(facts), participation=by_org, over_time=over_time,
        actions=action_figures(facts), decisions=facts.decisions,
        vacant_roles=tuple(sorted(vacant, key=lambda v: (v[1] is not RoleKind.PARTICIPANT, v[0]))),  # gaps first
        fell_vacant=sum(1 for e in facts.events if e.kind is EventKind.ROLE_VACANT
                        and _in(local_day(facts, e.at), facts.start, facts.end)),
        areas=areas, trends=weekly)


def last_term(today: date) -> tuple[date, date, str]:
    """The term (termin) that ended most recently before `today`: (first day, last day, key "2026-H1")."""
    if today.month >= 7:
        return date(today.year, 1, 1), date(today.year, 6, 30), f"{today.year}-H1"
    return date(today.year - 1, 7, 1), date(today.year - 1, 12, 31), f"{today.year - 1}-H2"
