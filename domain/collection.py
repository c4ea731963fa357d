"""Who is asked for the lägesbild, who is reminded, and what is due at a given moment."""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from domain.model import Forum, Organisation, Person, RoleKind
from domain.schedule import MeetingTimes

LATE_SUMMARY_GRACE_HOURS = 12


@dataclass(frozen=True)
class Recipient:
    organisation: Organisation
    person_id: str
    role: RoleKind


def _holder(forum: Forum, organisation_id: str, kind: RoleKind) -> str | None:
    role = forum.role(organisation_id, kind)
    return role.holder_id if role else None


def card_recipient(
    forum: Forum, organisation: Organisation, people: Mapping[str, Person], day: date
) -> Recipient | None:
    """The participant, or the deputy when the participant is away on the meeting day or the role is vacant."""
    participant = _holder(forum, organisation.id, RoleKind.PARTICIPANT)
    if participant is not None:
        person = people.get(participant)
        if person is None or not person.is_away_on(day):
            return Recipient(organisation, participant, RoleKind.PARTICIPANT)
    deputy = _holder(forum, organisation.id, RoleKind.DEPUTY)
    if deputy is not None and deputy != participant:
        person = people.get(deputy)
        if person is None or not person.is_away_on(day):
            return Recipient(organisation, deputy, RoleKind.DEPUTY)
    return None


def card_recipients(forum: Forum, people: Mapping[str, Person], day: date) -> list[Recipient]:
    found = (card_recipient(forum, org, people, day) for org in forum.organisations)
    return [r for r in found if r is not None]


def reminder_recipients(
    forum: Forum, people: Mapping[str, Person], day: date, answered: Collection[str]
) -> list[Recipient]:
    """Organisations that have not answered at all (no text, no 'nothing new', no 'not attending')."""
    return [r for r in card_recipients(forum, people, day) if r.organisation.id not in answered]


def may_submit(forum: Forum, person_id: str, organisation_id: str) -> bool:
    """Anyone holding the organisation's participant or deputy role may submit or edit."""
    return any(
        role.organisation_id == organisation_id and role.holder_id == person_id for role in forum.roles
    )


class Phase(enum.StrEnum):
    BEFORE_OPEN = "before_open"
    OPEN = "open"  # collection open, before the reminder
    REMINDING = "reminding"  # after the reminder, before the deadline
    LATE = "late"  # after the deadline, before the meeting starts: late contributions accepted
    CLOSED = "closed"  # the meeting has started


def phase(times: MeetingTimes, now: datetime) -> Phase:
    if now >= times.starts_at:
        return Phase.CLOSED
    if now >= times.deadline_at:
        return Phase.LATE
    if now >= times.reminder_at:
        return Phase.REMINDING
    if now >= times.opens_at:
        return Phase.OPEN
    return Phase.BEFORE_OPEN


@dataclass(frozen=True)
class DueWork:
    send_cards: bool
    send_reminders: bool
    post_summary: bool


def due_work(times: MeetingTimes, now: datetime, *, forum_since: datetime | None = None,
             contributed: bool = False) -> DueWork:
    """What a tick at `now` should make sure has happened for one meeting.

    Cards and reminders only while they are still useful (before the deadline); the summary from the
    deadline until some hours after the meeting started, so a bot that was down at the deadline still
    posts it when it comes back, but not days later. A meeting whose deadline had passed when the forum was set
    up (`forum_since`) was never asked for: its summary waits until somebody has `contributed` anyway, so the
    forum's first message is never an empty lägesbild and what was sent is never left unposted.
    """
    current = phase(times, now)
    grace_over = (now - times.starts_at).total_seconds() > LATE_SUMMARY_GRACE_HOURS * 3600
    never_asked = forum_since is not None and forum_since >= times.deadline_at and not contributed
    return DueWork(
        send_cards=current in (Phase.OPEN, Phase.REMINDING),
        send_reminders=current is Phase.REMINDING,
        post_summary=current in (Phase.LATE, Phase.CLOSED) and not grace_over and not never_asked,
    )


def uncovered_by_absence(
    forum: Forum, people: Mapping[str, Person], person_id: str, first_day: date
) -> list[Organisation]:
    """Organisations the person is the participant for whose deputy cannot take over from `first_day`.

    No deputy, the person is their own deputy, or the deputy is away too: nobody would get the card.
    """
    uncovered = []
    for organisation in forum.organisations:
        if _holder(forum, organisation.id, RoleKind.PARTICIPANT) != person_id:
            continue
        deputy = _holder(forum, organisation.id, RoleKind.DEPUTY)
        deputy_person = people.get(deputy) if deputy else None
        if deputy is None or deputy == person_id or (deputy_person is not None and deputy_person.is_away_on(first_day)):
            uncovered.append(organisation)
    return uncovered
