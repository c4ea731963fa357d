"""An in-memory unit of work for unit tests of the use cases (bot/services), in the cosmicpython style.

`FakeDatabase` holds plain records; each `FakeUnitOfWork` works on a deep copy and writes it back only on
`commit()`, so a use case that forgets to commit (or fails half-way) leaves nothing behind, as on a real
database. It implements the Protocols of `bot/services/ports.py`; mypy checks that it does.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from types import TracebackType
from typing import Any, Self

from bot.services.ports import Deps, UnitOfWork
from domain.audit import AuditEntry
from domain.charter import Charter
from domain.errors import ConflictingWrite
from domain.meetings import ContributionVersion, Meeting, MeetingStatus, StaleVersion, meeting_from
from domain.model import (
    AgendaSection,
    Forum,
    Membership,
    Organisation,
    Person,
    RecordRoles,
    Role,
    RoleKind,
    Schedule,
)
from domain.nudges import NudgePolicy
from domain.outbox import NewMessage
from domain.reporting import Summary, SummaryFrame
from domain.retention import RetentionPlan
from domain.visibility import SummaryVisibility
from tests.fakes.auditors import AuditorTables, FakeArchives, FakeGoalEvaluations, FakeReports, FakeRetention
from tests.fakes.follow_up import FakeActionLog, FakeNudgePlans, FollowUpTables
from tests.fakes.mail import FakeMail, FakeMailQueue
from tests.fakes.records import FakeActions, FakeMinutes, RecordTables

_ids = itertools.count(1)


def new_id(prefix: str) -> str:
    return f"{prefix}-{next(_ids)}"


@dataclass
class Item:
    """An agenda section or organisation, kept after removal (retired) as the real storage does."""

    id: str
    label: str
    position: int
    removed: bool = False


@dataclass
class ForumRecord:
    id: str
    name: str
    tenant_id: str
    conversation_id: str
    chair_id: str
    schedule: Schedule
    created_at: datetime
    sections: list[Item] = field(default_factory=list)
    organisations: list[Item] = field(default_factory=list)
    roles: dict[tuple[str, RoleKind], Role] = field(default_factory=dict)
    memberships: dict[str, str | None] = field(default_factory=dict)  # person -> organisation, in join order
    language: str | None = None
    record: RecordRoles = field(default_factory=RecordRoles)
    follow_up: NudgePolicy = field(default_factory=NudgePolicy)
    charter: Charter = field(default_factory=Charter)
    visibility: SummaryVisibility = SummaryVisibility.EVERYONE
    retention: RetentionPlan = field(default_factory=RetentionPlan)
    external: set[str] = field(default_factory=set)  # ids of the organisations marked external

    def domain(self) -> Forum:
        live_orgs = [o for o in self.organisations if not o.removed]
        live_ids = {o.id for o in live_orgs}
        return Forum(
            id=self.id, name=self.name, tenant_id=self.tenant_id, conversation_id=self.conversation_id,
            chair_id=self.chair_id, schedule=self.schedule,
            sections=tuple(AgendaSection(s.id, s.label, s.position) for s in self.sections if not s.removed),
            organisations=tuple(Organisation(o.id, o.label, o.position, o.id in self.external) for o in live_orgs),
            roles=tuple(r for (org, _), r in self.roles.items() if org in live_ids),
            memberships=tuple(Membership(p, o) for p, o in self.memberships.items()),
            created_at=self.created_at, language=self.language, record=self.record, follow_up=self.follow_up,
            charter=self.charter, visibility=self.visibility, retention=self.retention,
        )


@dataclass
class OutboxRecord:
    id: int
    message: NewMessage
    next_attempt_at: datetime
    status: str = "pending"
    last_status_code: int | None = None
    last_error: str | None = None
    changed_at: datetime | None = None

    @property
    def updated_at(self) -> datetime:
        return self.changed_at or self.next_attempt_at

    @property
    def person_id(self) -> str | None:
        return self.message.person_id

    @property
    def kind(self) -> str:
        return self.message.kind

    @property
    def subject_id(self) -> str:
        return self.message.subject_id

    @property
    def conversation_id(self) -> str | None:
        return self.message.conversation_id

    @property
    def via_conversation_id(self) -> str | None:
        return self.message.via_conversation_id

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        m = self.message
        return (m.kind, m.subject_id, m.recipient_id, m.occurrence_local_date, m.slot)


@dataclass
class MeetingRecord:
    id: str
    forum_id: str
    original_date: date
    local_date: date
    starts_at: datetime
    status: MeetingStatus = MeetingStatus.SCHEDULED


@dataclass
class FakeDatabase:
    forums: dict[str, ForumRecord] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    conversations: dict[str, dict[str, Any]] = field(default_factory=dict)
    meetings: dict[str, MeetingRecord] = field(default_factory=dict)
    versions: dict[tuple[str, str], list[ContributionVersion]] = field(default_factory=dict)
    summaries: dict[str, dict[str, Any]] = field(default_factory=dict)
    outbox: list[OutboxRecord] = field(default_factory=list)
    audit: list[dict[str, Any]] = field(default_factory=list)
    records: RecordTables = field(default_factory=RecordTables)
    commits: int = 0
    mail: list[FakeMail] = field(default_factory=list)
    follow_up: FollowUpTables = field(default_factory=FollowUpTables)
    auditors: AuditorTables = field(default_factory=AuditorTables)


class FakeForums:
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    def _record(self, forum_id: str) -> ForumRecord:
        return self._db.forums[forum_id]

    async def all(self) -> list[Forum]:
        return [f.domain() for f in sorted(self._db.forums.values(), key=lambda f: f.created_at)]

    async def get(self, forum_id: str) -> Forum | None:
        found = self._db.forums.get(forum_id)
        return found.domain() if found else None

    async def by_conversation(self, conversation_id: str) -> Forum | None:
        return next((f.domain() for f in self._db.forums.values() if f.conversation_id == conversation_id), None)

    async def in_team(self, team_id: str) -> list[Forum]:
        channels = {c for c, fields in self._db.conversations.items() if fields.get("team_id") == team_id}
        return [f.domain() for f in self._db.forums.values() if f.conversation_id in channels]

    async def for_person(self, person_id: str) -> list[Forum]:
        def keeps_record(f: ForumRecord) -> bool:
            return person_id in (f.record.secretary_id, *f.record.approver_ids, *f.record.recipient_ids)

        return [f.domain() for f in sorted(self._db.forums.values(), key=lambda f: f.id)
                if person_id in f.memberships or f.chair_id == person_id or keeps_record(f)]

    async def first_for_person(self, person_id: str) -> Forum | None:
        mine = [f for f in self._db.forums.values() if person_id in f.memberships or f.chair_id == person_id]
        return min(mine, key=lambda f: f.created_at).domain() if mine else None

    async def create(
        self, *, name: str, tenant_id: str, conversation_id: str, chair_id: str, schedule: Schedule, now: datetime
    ) -> str:
        if any(f.conversation_id == conversation_id for f in self._db.forums.values()):
            raise ConflictingWrite
        forum_id = new_id("forum")
        self._db.forums[forum_id] = ForumRecord(forum_id, name, tenant_id, conversation_id, chair_id, schedule, now)
        return forum_id

    async def update_settings(
        self, forum_id: str, *, name: str, schedule: Schedule, now: datetime, language: str | None = None
    ) -> None:
        record = self._record(forum_id)
        record.name, record.schedule, record.language = name, schedule, language

    async def replace_organisations(
        self, forum_id: str, organisations: Sequence[tuple[str | None, str]], now: datetime
    ) -> None:
        record = self._record(forum_id)
        kept = _replace_items(record.organisations, organisations, "org")
        for (org, kind), role in list(record.roles.items()):
            if org not in kept:
                record.roles[(org, kind)] = replace(role, holder_id=None)
        for person, joined in list(record.memberships.items()):
            if joined is not None and joined not in kept:
                record.memberships[person] = None
        for org in kept:
            for kind in RoleKind:
                record.roles.setdefault((org, kind), Role(new_id("role"), org, kind, None))

    async def replace_sections(
        self, forum_id: str, sections: Sequence[tuple[str | None, str]], now: datetime
    ) -> None:
        _replace_items(self._record(forum_id).sections, sections, "section")

    async def set_chair(self, forum_id: str, chair_id: str, now: datetime) -> None:
        self._record(forum_id).chair_id = chair_id

    async def set_membership(
        self, forum_id: str, person_id: str, organisation_id: str | None, now: datetime
    ) -> None:
        self._record(forum_id).memberships[person_id] = organisation_id

    async def remove_membership(self, forum_id: str, person_id: str) -> None:
        self._record(forum_id).memberships.pop(person_id, None)

    async def set_role_holder(
        self, organisation_id: str, kind: RoleKind, holder_id: str | None, now: datetime
    ) -> None:
        record = next(f for f in self._db.forums.values() if any(o.id == organisation_id for o in f.organisations))
        role = record.roles.get((organisation_id, kind)) or Role(new_id("role"), organisation_id, kind, None)
        record.roles[(organisation_id, kind)] = replace(role, holder_id=holder_id)

    async def set_record_roles(self, forum_id: str, record: RecordRoles, now: datetime) -> None:
        self._record(forum_id).record = record

    async def set_follow_up_policy(self, forum_id: str, policy: NudgePolicy, now: datetime) -> None:
        self._record(forum_id).follow_up = policy

    async def set_charter(self, forum_id: str, charter: Charter, now: datetime) -> None:
        self._record(forum_id).charter = charter

    async def set_visibility(self, forum_id: str, visibility: SummaryVisibility, now: datetime) -> None:
        self._record(forum_id).visibility = visibility

    async def set_retention(self, forum_id: str, plan: RetentionPlan, now: datetime) -> None:
        self._record(forum_id).retention = plan

    async def set_external(self, forum_id: str, external: Mapping[str, bool], now: datetime) -> None:
        record = self._record(forum_id)
        ids = {o.id for o in record.organisations}
        for org_id, flag in external.items():
            if org_id in ids:
                (record.external.add if flag else record.external.discard)(org_id)

    async def vacate_roles_of(self, forum_id: str, person_id: str, now: datetime) -> None:
        record = self._record(forum_id)
        for key, role in list(record.roles.items()):
            if role.holder_id == person_id:
                record.roles[key] = replace(role, holder_id=None)


def _replace_items(items: list[Item], wanted: Sequence[tuple[str | None, str]], prefix: str) -> set[str]:
    """The storage rule: kept ids stay, a new name equal to a dropped or retired one reuses it, the rest retire."""
    by_id = {i.id: i for i in items}
    live_ids = {i.id for i in items if not i.removed}
    named_kept = {item_id for item_id, _ in wanted if item_id in live_ids}
    kept: set[str] = set()
    for position, (item_id, label) in enumerate(wanted, start=1):
        item = by_id.get(item_id) if item_id in live_ids else None
        if item is None:
            key = label.strip().casefold()
            item = next((i for i in items if i.id not in kept and i.id not in named_kept
                         and i.label.strip().casefold() == key), None)
        if item is None:
            item = Item(new_id(prefix), label, position)
            items.append(item)
        item.label, item.position, item.removed = label, position, False
        kept.add(item.id)
    for item in items:
        if item.id not in kept:
            item.removed = True
    items.sort(key=lambda i: i.position)
    return kept


class FakePeople:
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def get(self, person_id: str) -> Person | None:
        return self._db.people.get(person_id)

    async def many(self, person_ids: list[str]) -> dict[str, Person]:
        return {p: self._db.people[p] for p in person_ids if p in self._db.people}

    async def upsert(
        self,
        person_id: str,
        *,
        display_name: str | None,
        aad_object_id: str | None,
        tenant_id: str | None,
        now: datetime,
        client_language: str | None = None,
    ) -> Person:
        old = self._db.people.get(person_id) or Person(person_id, display_name or person_id)
        person = replace(old, display_name=display_name or old.display_name,
                         aad_object_id=aad_object_id or old.aad_object_id,
                         client_language=client_language or old.client_language)
        self._db.people[person_id] = person
        return person

    async def set_away_until(self, person_id: str, until: date | None, now: datetime) -> None:
        self._db.people[person_id] = replace(self._db.people[person_id], away_until=until)

    async def set_nudges_paused_until(self, person_id: str, until: date | None, now: datetime) -> None:
        self._db.people[person_id] = replace(self._db.people[person_id], nudges_paused_until=until)

    async def set_language(self, person_id: str, language: str | None, now: datetime) -> None:
        self._db.people[person_id] = replace(self._db.people[person_id], language=language)


class FakeConversations:
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def get(self, conversation_id: str) -> object | None:
        return self._db.conversations.get(conversation_id)

    async def save(self, *, conversation_id: str, now: datetime, **fields: Any) -> bool:
        old = self._db.conversations.get(conversation_id)
        new = {**(old or {"welcomed_at": None, "active": True}), **fields, "id": conversation_id}
        self._db.conversations[conversation_id] = new
        return new != old

    async def mark_welcomed(self, conversation_id: str, now: datetime) -> bool:
        row = self._db.conversations[conversation_id]
        if row["welcomed_at"] is not None:
            return False
        row["welcomed_at"] = now
        return True

    async def mark_inactive(self, conversation_id: str, reason: str, now: datetime) -> None:
        if conversation_id in self._db.conversations:
            self._db.conversations[conversation_id].update(active=False, inactive_reason=reason)


class FakeMeetings:
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    def _domain(self, m: MeetingRecord) -> Meeting:
        return meeting_from(self._db.forums[m.forum_id].schedule, id=m.id, forum_id=m.forum_id,
                            original_date=m.original_date, local_date=m.local_date, starts_at=m.starts_at,
                            status=m.status.value)

    async def ensure(self, forum: Forum, original_date: date, starts_at: datetime, now: datetime) -> Meeting:
        for m in self._db.meetings.values():
            if m.forum_id == forum.id and m.original_date == original_date:
                return self._domain(m)
        record = MeetingRecord(new_id("meeting"), forum.id, original_date, original_date, starts_at)
        self._db.meetings[record.id] = record
        return self._domain(record)

    async def get(self, meeting_id: str) -> Meeting | None:
        found = self._db.meetings.get(meeting_id)
        return self._domain(found) if found else None

    async def for_forum(self, forum: Forum) -> list[Meeting]:
        mine = [m for m in self._db.meetings.values() if m.forum_id == forum.id]
        return [self._domain(m) for m in sorted(mine, key=lambda m: m.original_date)]

    async def on_local_date(self, forum: Forum, local_date: date) -> Meeting | None:
        return next((self._domain(m) for m in self._db.meetings.values()
                     if m.forum_id == forum.id and m.local_date == local_date), None)

    async def move(
        self, meeting_id: str, local_date: date, starts_at: datetime, actor_id: str | None, now: datetime
    ) -> None:
        record = self._db.meetings[meeting_id]
        record.local_date, record.starts_at, record.status = local_date, starts_at, MeetingStatus.SCHEDULED

    async def redate(self, changes: list[tuple[str, date, datetime]], now: datetime) -> None:
        for meeting_id, day, starts_at in changes:
            record = self._db.meetings[meeting_id]
            record.original_date = record.local_date = day
            record.starts_at = starts_at

    async def set_status(self, meeting_id: str, status: MeetingStatus, actor_id: str | None, now: datetime) -> None:
        self._db.meetings[meeting_id].status = status


class FakeContributions:
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def add_version(
        self,
        *,
        meeting_id: str,
        organisation_id: str,
        sections: list[tuple[str, str, str]],
        nothing_new: bool,
        attending: bool,
        submitted_by: str,
        submitted_by_name: str,
        after_deadline: bool,
        now: datetime,
        expected_version: int | None = None,
        areas: Mapping[str, Sequence[str]] | None = None,  # section_id -> area ids (domain/charter.py)
    ) -> ContributionVersion:
        versions = self._db.versions.setdefault((meeting_id, organisation_id), [])
        if expected_version is not None and len(versions) != expected_version:
            raise StaleVersion(meeting_id, organisation_id)
        contribution_id = versions[0].contribution_id if versions else new_id("contribution")
        version = ContributionVersion(
            contribution_id, meeting_id, organisation_id, len(versions) + 1, tuple(sections), nothing_new,
            attending, submitted_by, submitted_by_name, now, after_deadline,
            tuple((section, tuple(ids)) for section, ids in (areas or {}).items() if ids),
        )
        versions.append(version)
        return version

    async def latest(
        self, meeting_id: str, organisation_id: str, *, lock: bool = False
    ) -> ContributionVersion | None:
        versions = self._db.versions.get((meeting_id, organisation_id))
        return versions[-1] if versions else None

    async def latest_for_meeting(self, meeting_id: str) -> list[ContributionVersion]:
        return [v[-1] for (m, _), v in self._db.versions.items() if m == meeting_id and v]

    async def latest_on_time_for_meeting(self, meeting_id: str) -> list[ContributionVersion]:
        found = []
        for (m, _), versions in self._db.versions.items():
            if m == meeting_id and versions and versions[-1].after_deadline:
                on_time = [v for v in versions if not v.after_deadline]
                if on_time:
                    found.append(on_time[-1])
        return found

    async def count_by_organisation(self, organisation_ids: list[str]) -> dict[str, int]:
        counts = {o: 0 for o in organisation_ids}
        for (_, organisation), versions in self._db.versions.items():
            if organisation in counts and versions:
                counts[organisation] += 1
        return {o: n for o, n in counts.items() if n}


class FakeSummaries:
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def record(self, meeting_id: str, parts: int, now: datetime) -> bool:
        if meeting_id in self._db.summaries:
            return False
        self._db.summaries[meeting_id] = {"parts": parts, "revision": 1, "kept": []}
        return True

    async def bump(self, meeting_id: str, parts: int, now: datetime) -> int:
        row = self._db.summaries[meeting_id]
        row["revision"] += 1
        row["parts"] = max(row["parts"], parts)
        return int(row["revision"])

    async def revision(self, meeting_id: str) -> int | None:
        row = self._db.summaries.get(meeting_id)
        return int(row["revision"]) if row else None

    async def frame(self, meeting_id: str) -> SummaryFrame | None:
        row = self._db.summaries.get(meeting_id)
        return row["kept"][0][1] if row and row["kept"] else None

    async def latest(self, meeting_id: str) -> Summary | None:
        row = self._db.summaries.get(meeting_id)
        return row["kept"][-1][2] if row and row["kept"] else None

    def keep(self, meeting_id: str, revision: int, frame: SummaryFrame, summary: Summary) -> None:
        self._db.summaries.setdefault(meeting_id, {"parts": 0, "revision": revision, "kept": []})
        self._db.summaries[meeting_id]["kept"].append((revision, frame, summary))


QUEUED_STATES = ("pending", "retry")


class FakeOutbox:
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def enqueue(self, message: NewMessage, now: datetime) -> int | None:
        if (message.conversation_id is None) == (message.person_id is None):
            raise ValueError("exactly one of conversation_id and person_id must be set")
        record = OutboxRecord(len(self._db.outbox) + 1, copy.deepcopy(message), now)
        if any(r.key == record.key for r in self._db.outbox):
            return None
        self._db.outbox.append(record)
        return record.id

    async def find(
        self, *, kind: str, subject_id: str, recipient_id: str, occurrence_local_date: str = "-", slot: str = "1"
    ) -> OutboxRecord | None:
        key = (kind, subject_id, recipient_id, occurrence_local_date, slot)
        return next((r for r in self._db.outbox if r.key == key), None)

    async def round_rows(
        self, *, kind: str, subject_id: str, occurrence_local_date: str, slot: str
    ) -> Sequence[OutboxRecord]:
        return [r for r in self._db.outbox if (r.message.kind, r.message.subject_id,
                                               r.message.occurrence_local_date, r.message.slot)
                == (kind, subject_id, occurrence_local_date, slot)]

    async def recipients_of(self, kinds: Sequence[str], subject_id: str) -> list[tuple[str, str | None]]:
        return [(r.message.recipient_id, r.message.person_id) for r in self._db.outbox
                if r.message.kind in kinds and r.message.subject_id == subject_id]

    async def sent_before(self, kind: str, subject_id: str, recipient_id: str) -> bool:
        return any(r.status == "sent" and (r.message.kind, r.message.subject_id, r.message.recipient_id)
                   == (kind, subject_id, recipient_id) for r in self._db.outbox)

    async def cancel_for_conversation(
        self, conversation_id: str, reason: str, now: datetime, *, person_id: str | None = None
    ) -> int:
        cancelled = 0
        for r in self._db.outbox:
            goes_there = r.message.conversation_id == conversation_id or (
                person_id is not None and r.message.person_id == person_id)
            if goes_there and r.status in ("pending", "retry"):
                r.status, r.last_error = "cancelled", reason
                cancelled += 1
        return cancelled

    async def cancel_queued(self, kind: str, subject_id: str, person_id: str, reason: str, now: datetime) -> int:
        cancelled = 0
        for r in self._db.outbox:
            m = r.message
            if (m.kind, m.subject_id, m.person_id) == (kind, subject_id, person_id) and r.status in QUEUED_STATES:
                r.status, r.last_error = "cancelled", reason
                cancelled += 1
        return cancelled

    def messages(self, kind: str | None = None) -> list[NewMessage]:
        return [r.message for r in self._db.outbox if kind is None or r.message.kind == kind]

    async def dead_for_forum(self, forum_id: str, conversation_id: str, *, limit: int = 20) -> list[OutboxRecord]:
        found = [r for r in self._db.outbox if r.status == "dead" and (
            conversation_id in (r.message.conversation_id, r.message.via_conversation_id)
            or r.message.subject_id == forum_id)]
        return list(reversed(found))[:limit]

    async def get(self, row_id: int) -> OutboxRecord | None:
        return next((r for r in self._db.outbox if r.id == row_id), None)

    async def retry_dead(self, row_id: int, now: datetime) -> bool:
        record = await self.get(row_id)
        if record is None or record.status != "dead":
            return False
        record.status, record.last_error, record.last_status_code, record.next_attempt_at = "pending", None, None, now
        record.changed_at = now
        return True


class FakeAudit:
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    def record(
        self,
        *,
        at: datetime,
        action: str,
        subject_type: str,
        subject_id: str,
        actor_id: str | None = None,
        forum_id: str | None = None,
        detail: dict[str, object] | None = None,
    ) -> None:
        self._db.audit.append({"at": at, "action": action, "subject_type": subject_type,
                               "subject_id": subject_id, "actor_id": actor_id, "forum_id": forum_id,
                               "detail": detail or {}})

    def actions(self) -> list[str]:
        return [entry["action"] for entry in self._db.audit]

    async def between(
        self, start: datetime, end: datetime, *, forum_id: str | None = None, after_id: int = 0, limit: int = 5000
    ) -> list[AuditEntry]:
        found = [AuditEntry(id=i, **{k: v for k, v in e.items()}) for i, e in enumerate(self._db.audit, start=1)
                 if start <= e["at"] < end and i > after_id and (forum_id is None or e["forum_id"] == forum_id)]
        return found[:limit]


class FakeUnitOfWork:
    """One transaction over a copy of the database; `commit()` writes the copy back."""

    def __init__(self, db: FakeDatabase) -> None:
        self._db = db
        self.committed = False

    async def __aenter__(self) -> Self:
        self._work = copy.deepcopy(self._db)
        self.forums = FakeForums(self._work)
        self.people = FakePeople(self._work)
        self.conversations = FakeConversations(self._work)
        self.meetings = FakeMeetings(self._work)
        self.contributions = FakeContributions(self._work)
        self.summaries = FakeSummaries(self._work)
        self.outbox = FakeOutbox(self._work)
        self.audit = FakeAudit(self._work)
        self.minutes = FakeMinutes(self._work.records)
        self.actions = FakeActions(self._work.records)
        self.mail = FakeMailQueue(self._work.mail)
        self.action_log = FakeActionLog(self._work.follow_up)
        self.nudge_plans = FakeNudgePlans(self._work.follow_up)
        self.goal_evaluations = FakeGoalEvaluations(self._work.auditors)
        self.report = FakeReports(self._work.auditors, self._work.versions)
        self.retention = FakeRetention(self._work.auditors)
        self.archives = FakeArchives(self._work.auditors)
        self.committed = False
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None

    async def commit(self) -> None:
        self._work.commits = self._db.commits + 1
        self._db.__dict__.update(copy.deepcopy(self._work).__dict__)
        self.committed = True


def _conforms(uow: FakeUnitOfWork) -> UnitOfWork:
    return uow  # mypy checks here that the fake implements every Protocol of bot/services/ports.py


class FakeUnitOfWorkFactory:
    def __init__(self, db: FakeDatabase | None = None) -> None:
        self.db = db or FakeDatabase()

    def __call__(self) -> UnitOfWork:
        return _conforms(FakeUnitOfWork(self.db))


def fake_deps(
    db: FakeDatabase | None = None, *, language: str = "sv", mail_enabled: bool = False
) -> tuple[Deps, FakeDatabase]:
    """Deps on an in-memory database, with the real screener and holiday calendar and a recording link maker."""
    from bot.deps import shared_screener
    from bot.holidays import swedish_holidays

    factory = FakeUnitOfWorkFactory(db)
    return Deps(uow=factory, screener=shared_screener(), holidays=swedish_holidays(), links=RecordingLinks(),
                default_language=language, mail_enabled=mail_enabled), factory.db


class RecordingLinks:
    def __init__(self) -> None:
        self.made: list[tuple[str, str, str]] = []

    def link(self, meeting_id: str, person_id: str, name: str, now: datetime) -> str:
        self.made.append((meeting_id, person_id, name))
        return f"https://forumbot.test/exports/signed-{len(self.made)}/{name}"
