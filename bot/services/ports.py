"""What the use cases need from the outside world, as Protocols and one bundle of dependencies.

The use cases in `bot/services` import only `domain`, `dialogs` and each other. Storage, the personnummer
validator, the holiday calendar and signed export links are given to them: `Deps` is built once in
`bot/deps.py` (from `create_app`), and tests hand in the in-memory fakes of `tests/fakes/uow.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from types import TracebackType
from typing import Protocol, Self

from bot.services.ports_auditors import ArchiveStore, GoalEvaluationStore, ReportReader, RetentionStore
from domain.action_log import ActionEvent
from domain.actions import ActionItem
from domain.audit import AuditEntry
from domain.charter import Charter
from domain.meetings import ContributionVersion, Meeting, MeetingStatus
from domain.minutes import Approval, Minutes, MinutesContent, MinutesStatus, PublishedVersion
from domain.model import Forum, Person, RecordRoles, RoleKind, Schedule
from domain.nudges import NudgePlan, NudgePolicy
from domain.outbox import NewMessage
from domain.reporting import Summary, SummaryFrame
from domain.retention import RetentionPlan
from domain.schedule import HolidayCalendar
from domain.screening import Screener
from domain.visibility import SummaryVisibility


class ForumStore(Protocol):
    async def all(self) -> list[Forum]: ...
    async def get(self, forum_id: str) -> Forum | None: ...
    async def by_conversation(self, conversation_id: str) -> Forum | None: ...
    async def in_team(self, team_id: str) -> list[Forum]: ...  # bound to any channel of the team
    async def for_person(self, person_id: str) -> list[Forum]: ...
    async def first_for_person(self, person_id: str) -> Forum | None: ...
    async def create(
        self, *, name: str, tenant_id: str, conversation_id: str, chair_id: str, schedule: Schedule, now: datetime
    ) -> str: ...
    async def update_settings(
        self, forum_id: str, *, name: str, schedule: Schedule, now: datetime, language: str | None = None
    ) -> None: ...
    async def replace_organisations(
        self, forum_id: str, organisations: Sequence[tuple[str | None, str]], now: datetime
    ) -> None: ...
    async def replace_sections(
        self, forum_id: str, sections: Sequence[tuple[str | None, str]], now: datetime
    ) -> None: ...
    async def set_chair(self, forum_id: str, chair_id: str, now: datetime) -> None: ...
    async def set_membership(
        self, forum_id: str, person_id: str, organisation_id: str | None, now: datetime
    ) -> None: ...
    async def remove_membership(self, forum_id: str, person_id: str) -> None: ...
    async def set_role_holder(
        self, organisation_id: str, kind: RoleKind, holder_id: str | None, now: datetime
    ) -> None: ...
    async def vacate_roles_of(self, forum_id: str, person_id: str, now: datetime) -> None: ...
    async def set_record_roles(self, forum_id: str, record: RecordRoles, now: datetime) -> None: ...
    async def set_follow_up_policy(self, forum_id: str, policy: NudgePolicy, now: datetime) -> None: ...
    async def set_charter(self, forum_id: str, charter: Charter, now: datetime) -> None: ...
    async def set_visibility(self, forum_id: str, visibility: SummaryVisibility, now: datetime) -> None: ...
    async def set_retention(self, forum_id: str, plan: RetentionPlan, now: datetime) -> None: ...
    async def set_external(self, forum_id: str, external: Mapping[str, bool], now: datetime) -> None: ...


class PersonStore(Protocol):
    async def get(self, person_id: str) -> Person | None: ...
    async def many(self, person_ids: list[str]) -> dict[str, Person]: ...
    async def upsert(
        self,
        person_id: str,
        *,
        display_name: str | None,
        aad_object_id: str | None,
        tenant_id: str | None,
        now: datetime,
        client_language: str | None = None,
    ) -> Person: ...
    async def set_away_until(self, person_id: str, until: date | None, now: datetime) -> None: ...
    async def set_nudges_paused_until(self, person_id: str, until: date | None, now: datetime) -> None: ...
    async def set_language(self, person_id: str, language: str | None, now: datetime) -> None: ...


class ConversationStore(Protocol):
    async def get(self, conversation_id: str) -> object | None: ...
    async def save(
        self,
        *,
        conversation_id: str,
        tenant_id: str,
        type: str,
        service_url: str,
        reference: dict[str, object],
        bot_id: str | None,
        user_id: str | None,
        aad_object_id: str | None,
        team_id: str | None,
        channel_id: str | None,
        now: datetime,
    ) -> bool: ...
    async def mark_welcomed(self, conversation_id: str, now: datetime) -> bool: ...
    async def mark_inactive(self, conversation_id: str, reason: str, now: datetime) -> None: ...


class MeetingStore(Protocol):
    async def ensure(self, forum: Forum, original_date: date, starts_at: datetime, now: datetime) -> Meeting: ...
    async def get(self, meeting_id: str) -> Meeting | None: ...
    async def for_forum(self, forum: Forum) -> list[Meeting]: ...
    async def on_local_date(self, forum: Forum, local_date: date) -> Meeting | None: ...
    async def move(
        self, meeting_id: str, local_date: date, starts_at: datetime, actor_id: str | None, now: datetime
    ) -> None: ...
    async def redate(self, changes: list[tuple[str, date, datetime]], now: datetime) -> None: ...
    async def set_status(
        self, meeting_id: str, status: MeetingStatus, actor_id: str | None, now: datetime
    ) -> None: ...


class ContributionStore(Protocol):
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
    ) -> ContributionVersion: ...
    async def latest(
        self, meeting_id: str, organisation_id: str, *, lock: bool = False
    ) -> ContributionVersion | None: ...
    async def latest_for_meeting(self, meeting_id: str) -> list[ContributionVersion]: ...
    async def latest_on_time_for_meeting(self, meeting_id: str) -> list[ContributionVersion]: ...
    async def count_by_organisation(self, organisation_ids: list[str]) -> dict[str, int]: ...


class SummaryStore(Protocol):
    async def record(self, meeting_id: str, parts: int, now: datetime) -> bool: ...
    async def bump(self, meeting_id: str, parts: int, now: datetime) -> int: ...
    async def revision(self, meeting_id: str) -> int | None: ...
    async def frame(self, meeting_id: str) -> SummaryFrame | None: ...
    async def latest(self, meeting_id: str) -> Summary | None: ...
    def keep(self, meeting_id: str, revision: int, frame: SummaryFrame, summary: Summary) -> None: ...


class MinutesStore(Protocol):
    """A meeting's minutes: the working draft (one row, revision bumped per save) and its published versions."""

    async def get(self, meeting_id: str, *, lock: bool = False) -> Minutes | None: ...
    async def save_draft(
        self,
        *,
        meeting_id: str,
        forum_id: str,
        content: MinutesContent,
        actor_id: str,
        now: datetime,
        expected_revision: int | None,
    ) -> Minutes:
        """Create (expected_revision None, none stored yet) or replace the draft, bumping its revision.

        Raises `domain.minutes.StaleDraft` when the stored revision is not the expected one (checked under a row
        lock on PostgreSQL), and `ConflictingWrite` when a concurrent writer created it first. Leaves `status`
        as it is, except that a save while IN_APPROVAL goes back to DRAFT.
        """
        ...
    async def set_status(
        self, meeting_id: str, status: MinutesStatus, *, sent_revision: int | None, now: datetime
    ) -> None: ...
    async def add_approval(self, meeting_id: str, approval: Approval) -> None: ...
    async def publish(self, version: PublishedVersion) -> None:
        """Insert the version (never replaces one: unique meeting + version) and mark the minutes published."""
        ...
    async def versions(self, meeting_id: str) -> list[PublishedVersion]: ...  # oldest first
    async def published_for_forum(self, forum_id: str) -> list[PublishedVersion]:
        """The latest version of every published minutes of the forum, by meeting date."""
        ...
    async def drafts_for_forum(self, forum_id: str) -> list[Minutes]: ...


class ActionStore(Protocol):
    async def next_number(self, forum_id: str) -> int: ...  # one more than the highest stored (1 when none)
    async def add(self, action: ActionItem, now: datetime) -> None: ...  # ConflictingWrite on a taken number
    async def update(self, action: ActionItem, now: datetime) -> None: ...
    async def get(self, action_id: str, *, lock: bool = False) -> ActionItem | None: ...  # lock: FOR UPDATE
    async def by_number(self, forum_id: str, number: int, *, lock: bool = False) -> ActionItem | None: ...
    async def for_forum(self, forum_id: str) -> list[ActionItem]: ...  # by number
    async def for_roles(self, role_ids: Sequence[str]) -> list[ActionItem]: ...  # across forums, by due date
    async def for_meeting(self, meeting_id: str) -> list[ActionItem]: ...


class ActionLog(Protocol):
    """The follow-up log: append only (no update, no delete, here or in the database)."""

    def append(self, event: ActionEvent) -> None: ...
    async def for_action(self, action_id: str) -> list[ActionEvent]: ...  # in the order appended
    async def for_forum(
        self, forum_id: str, start: datetime | None = None, end: datetime | None = None
    ) -> list[ActionEvent]: ...  # start <= at < end, in the order appended


class NudgePlanStore(Protocol):
    async def get(self, action_id: str) -> NudgePlan | None: ...
    async def save(self, plan: NudgePlan, now: datetime) -> None: ...  # create or replace
    async def due(self, now: datetime, limit: int) -> list[NudgePlan]: ...  # next_at <= now, earliest first
    async def for_forum(self, forum_id: str) -> list[NudgePlan]: ...
    async def for_actions(self, action_ids: Sequence[str]) -> dict[str, NudgePlan]: ...
    async def remove(self, action_id: str) -> None: ...


class MailQueue(Protocol):
    """E-mails of published minutes, one per version and address (queuing the same twice is a no-op)."""

    async def enqueue(
        self, *, forum_id: str, meeting_id: str, version: int, address: str, language: str, now: datetime
    ) -> bool: ...


class OutboxEntry(Protocol):
    """A queued or finished proactive message, as the use cases read it back."""

    @property
    def id(self) -> int: ...
    @property
    def status(self) -> str: ...
    @property
    def person_id(self) -> str | None: ...
    @property
    def next_attempt_at(self) -> datetime: ...
    @property
    def last_status_code(self) -> int | None: ...
    @property
    def last_error(self) -> str | None: ...


class DeadLetter(OutboxEntry, Protocol):
    """A row that will not be delivered (or any row, read back by id): what the chair's list shows of it."""

    @property
    def kind(self) -> str: ...
    @property
    def conversation_id(self) -> str | None: ...
    @property
    def via_conversation_id(self) -> str | None: ...
    @property
    def subject_id(self) -> str: ...
    @property
    def updated_at(self) -> datetime: ...


class OutboxStore(Protocol):
    async def enqueue(self, message: NewMessage, now: datetime) -> int | None: ...
    async def find(
        self, *, kind: str, subject_id: str, recipient_id: str, occurrence_local_date: str = "-", slot: str = "1"
    ) -> OutboxEntry | None: ...
    async def round_rows(
        self, *, kind: str, subject_id: str, occurrence_local_date: str, slot: str
    ) -> Sequence[OutboxEntry]: ...
    async def recipients_of(self, kinds: Sequence[str], subject_id: str) -> list[tuple[str, str | None]]: ...
    async def sent_before(self, kind: str, subject_id: str, recipient_id: str) -> bool: ...
    async def cancel_for_conversation(
        self, conversation_id: str, reason: str, now: datetime, *, person_id: str | None = None
    ) -> int: ...
    async def cancel_queued(self, kind: str, subject_id: str, person_id: str, reason: str, now: datetime) -> int: ...
    async def dead_for_forum(self, forum_id: str, conversation_id: str, *, limit: int = 20) -> Sequence[DeadLetter]: ...
    async def get(self, row_id: int) -> DeadLetter | None: ...
    async def retry_dead(self, row_id: int, now: datetime) -> bool: ...


class AuditLog(Protocol):
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
    ) -> None: ...

    async def between(
        self, start: datetime, end: datetime, *, forum_id: str | None = None, after_id: int = 0, limit: int = 5000
    ) -> list[AuditEntry]: ...  # start <= at < end, by id; `after_id` pages on


class UnitOfWork(Protocol):
    """One use case's transaction: nothing is kept unless `commit()` is awaited inside `async with`."""

    @property
    def forums(self) -> ForumStore: ...
    @property
    def people(self) -> PersonStore: ...
    @property
    def conversations(self) -> ConversationStore: ...
    @property
    def meetings(self) -> MeetingStore: ...
    @property
    def contributions(self) -> ContributionStore: ...
    @property
    def summaries(self) -> SummaryStore: ...
    @property
    def outbox(self) -> OutboxStore: ...
    @property
    def minutes(self) -> MinutesStore: ...
    @property
    def actions(self) -> ActionStore: ...
    @property
    def mail(self) -> MailQueue: ...
    @property
    def action_log(self) -> ActionLog: ...
    @property
    def nudge_plans(self) -> NudgePlanStore: ...
    @property
    def audit(self) -> AuditLog: ...
    @property
    def goal_evaluations(self) -> GoalEvaluationStore: ...
    @property
    def report(self) -> ReportReader: ...
    @property
    def retention(self) -> RetentionStore: ...
    @property
    def archives(self) -> ArchiveStore: ...

    async def commit(self) -> None: ...
    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]


class ExportLinks(Protocol):
    """A signed, time-limited download address for a meeting's export, for one person."""

    def link(self, meeting_id: str, person_id: str, name: str, now: datetime) -> str: ...


@dataclass(frozen=True)
class Deps:
    """Everything a use case may use besides the turn: built once per process in `bot/deps.py`."""

    uow: UnitOfWorkFactory
    screener: Screener
    holidays: HolidayCalendar
    links: ExportLinks
    default_language: str = "sv"
    word_template: str = ""  # FORUMBOT_WORD_TEMPLATE: the .docx the Word documents are built on; "": the default
    mail_enabled: bool = False  # FORUMBOT_SMTP_HOST and FORUMBOT_SMTP_FROM are set: minutes are e-mailed
    admins: frozenset[str] = frozenset()  # FORUMBOT_ADMINS: Entra object ids of the administrators (issue 11)
