"""Forum entities and value objects (pure data, no behaviour beyond invariants)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime, time

from domain.charter import Charter
from domain.nudges import NudgePolicy
from domain.retention import RetentionPlan
from domain.visibility import SummaryVisibility


class Frequency(enum.StrEnum):
    WEEKLY = "weekly"
    EVERY_N_WEEKS = "every_n_weeks"
    MONTHLY = "monthly"


class RoleKind(enum.StrEnum):
    """A function in an organisation (funktion): the participant or the deputy (ersättare)."""

    PARTICIPANT = "participant"
    DEPUTY = "deputy"


class ConversationType(enum.StrEnum):
    PERSONAL = "personal"
    GROUP_CHAT = "groupChat"
    CHANNEL = "channel"


@dataclass(frozen=True)
class Offset:
    """A point in time relative to a meeting: `days_before` the meeting day at local `at`."""

    days_before: int
    at: time


@dataclass(frozen=True)
class DateRange:
    """An inclusive range of local dates (a break such as summer or jul)."""

    first: date
    last: date

    def contains(self, day: date) -> bool:
        return self.first <= day <= self.last


_OPENS = Offset(days_before=3, at=time(8, 0))
_REMINDER = Offset(days_before=1, at=time(12, 0))
_DEADLINE = Offset(days_before=1, at=time(16, 0))
_MEETING_TIME = time(9, 0)


@dataclass(frozen=True)
class Schedule:
    """When a forum meets and when collection opens, reminds and closes (local wall time)."""

    frequency: Frequency = Frequency.WEEKLY
    weekday: int = 3  # Monday = 0; Thursday by default
    time: time = _MEETING_TIME
    timezone: str = "Europe/Stockholm"
    interval_weeks: int = 1
    monthly_ordinal: int = 1  # 1..4, or -1 for the last such weekday of the month
    start_date: date | None = None  # first possible meeting day; None = from today
    opens: Offset = _OPENS
    reminder: Offset = _REMINDER
    deadline: Offset = _DEADLINE
    skip_public_holidays: bool = True
    breaks: tuple[DateRange, ...] = ()


@dataclass(frozen=True)
class AgendaSection:
    """A section of the forum's fixed agenda (dagordningspunkt)."""

    id: str
    title: str
    position: int


@dataclass(frozen=True)
class Organisation:
    """A participating actor (aktör, organisation)."""

    id: str
    name: str
    position: int
    external: bool = False  # a private actor (housing company, parish …): domain/visibility.py


@dataclass(frozen=True)
class Person:
    """Someone known to Forumbot, identified by their Teams user id (29:…)."""

    id: str
    display_name: str
    aad_object_id: str | None = None
    language: str | None = None
    away_until: date | None = None
    client_language: str | None = None  # what their Teams client last said (en-US -> en), when it is one we have
    nudges_paused_until: date | None = None  # `pausa påminnelser till <datum>`: no reminders to them until then

    def speaks(self, default: str) -> str:
        """The language for messages to this person: their own choice, else their Teams client's, else `default`."""
        return self.language or self.client_language or default

    def is_away_on(self, day: date) -> bool:
        return self.away_until is not None and day <= self.away_until

    def nudges_paused_on(self, day: date) -> bool:
        return self.nudges_paused_until is not None and day <= self.nudges_paused_until


@dataclass(frozen=True)
class Role:
    """A function in an organisation (funktion), held by a person or vacant."""

    id: str
    organisation_id: str
    kind: RoleKind
    holder_id: str | None


@dataclass(frozen=True)
class Membership:
    """A person participating in a forum on behalf of an organisation (deltagare)."""

    person_id: str
    organisation_id: str | None


@dataclass(frozen=True)
class RecordRoles:
    """Who keeps and gets a forum's record, set by the chair in setup."""

    secretary_id: str | None = None
    approver_ids: tuple[str, ...] = ()  # justerare, 0..2 (domain.minutes.MAX_APPROVERS)
    recipient_ids: tuple[str, ...] = ()  # Teams people who only receive published minutes
    recipient_emails: tuple[str, ...] = ()  # e.g. kommunledningen, when mail is configured
    action_due_days: int = 14  # the default due date of a new action, in days after the meeting


@dataclass(frozen=True)
class Forum:
    """A standing forum (samverkansforum) bound to one Teams channel or group chat."""

    id: str
    name: str
    tenant_id: str
    conversation_id: str
    chair_id: str
    schedule: Schedule
    sections: tuple[AgendaSection, ...] = ()
    organisations: tuple[Organisation, ...] = ()
    roles: tuple[Role, ...] = ()
    memberships: tuple[Membership, ...] = ()
    created_at: datetime | None = None
    language: str | None = None  # the forum's language setting (sv/en); unset: the configured default
    record: RecordRoles = RecordRoles()  # secretary, approvers, recipients (minutes)
    follow_up: NudgePolicy = field(default_factory=NudgePolicy)  # reminders of open actions and the weekly overview
    charter: Charter = field(default_factory=Charter)  # purpose, goals, commissioning body, areas (domain/charter.py)
    visibility: SummaryVisibility = SummaryVisibility.EVERYONE  # who sees the compiled lägesbild
    retention: RetentionPlan = field(default_factory=RetentionPlan)  # gallring per record type

    def role(self, organisation_id: str, kind: RoleKind) -> Role | None:
        for role in self.roles:
            if role.organisation_id == organisation_id and role.kind is kind:
                return role
        return None

    def organisation(self, organisation_id: str) -> Organisation | None:
        return next((o for o in self.organisations if o.id == organisation_id), None)

    def organisations_held_by(self, person_id: str) -> tuple[Organisation, ...]:
        """Organisations for which the person holds the participant or deputy role."""
        held = {r.organisation_id for r in self.roles if r.holder_id == person_id}
        return tuple(o for o in self.organisations if o.id in held)

    def is_external_person(self, person_id: str) -> bool:
        """The person takes part for an external organisation only (holds a role or is a member of one, and of no
        municipal one). The chair is never external."""
        if person_id == self.chair_id:
            return False
        orgs = {o.id for o in self.organisations_held_by(person_id)}
        member = self.membership(person_id)
        if member is not None and member.organisation_id:
            orgs.add(member.organisation_id)
        found = [o for o in self.organisations if o.id in orgs]
        return bool(found) and all(o.external for o in found)

    def membership(self, person_id: str) -> Membership | None:
        return next((m for m in self.memberships if m.person_id == person_id), None)

    def role_by_id(self, role_id: str) -> Role | None:
        return next((r for r in self.roles if r.id == role_id), None)

    def holder_of(self, role_id: str) -> str | None:
        role = self.role_by_id(role_id)
        return role.holder_id if role is not None else None

    def other_role(self, role: Role) -> Role | None:
        """The deputy of a participant role, or the participant of a deputy role (same organisation)."""
        other = RoleKind.DEPUTY if role.kind is RoleKind.PARTICIPANT else RoleKind.PARTICIPANT
        return self.role(role.organisation_id, other)
