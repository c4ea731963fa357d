"""SQLAlchemy 2 rows. No behaviour: repositories map these to domain objects."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.ext.asyncio import AsyncAttrs
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(AsyncAttrs, DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class ForumRow(Base):
    __tablename__ = "forums"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    tenant_id: Mapped[str] = mapped_column(String(64))
    conversation_id: Mapped[str] = mapped_column(String(400), unique=True)
    chair_id: Mapped[str] = mapped_column(String(200))
    schedule: Mapped[dict[str, object]] = mapped_column(JSON)
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # bumped by every change
    language: Mapped[str | None] = mapped_column(String(8), nullable=True)  # the forum's language setting
    record_roles: Mapped[dict[str, object] | None] = mapped_column(JSON, nullable=True)  # secretary, approvers …
    follow_up_policy: Mapped[dict[str, object] | None] = mapped_column(JSON, nullable=True)  # nudges, overview
    charter: Mapped[dict[str, object] | None] = mapped_column(JSON, nullable=True)  # purpose, goals, areas …
    summary_visibility: Mapped[str | None] = mapped_column(String(12), nullable=True)  # domain/visibility.py
    retention: Mapped[dict[str, object] | None] = mapped_column(JSON, nullable=True)  # gallring per record type
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AgendaSectionRow(Base):
    __tablename__ = "agenda_sections"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    forum_id: Mapped[str] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class OrganisationRow(Base):
    __tablename__ = "organisations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    forum_id: Mapped[str] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    external: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # a private actor


class RoleRow(Base):
    """A function in an organisation; actions will be owned by roles, not people."""

    __tablename__ = "roles"
    __table_args__ = (UniqueConstraint("organisation_id", "kind", name="uq_roles_org_kind"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    holder_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PersonRow(Base):
    __tablename__ = "people"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)  # Teams user id 29:…
    aad_object_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    tenant_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    display_name: Mapped[str] = mapped_column(String(200))
    language: Mapped[str | None] = mapped_column(String(8), nullable=True)
    client_language: Mapped[str | None] = mapped_column(String(8), nullable=True)  # from the Teams locale
    away_until: Mapped[date | None] = mapped_column(Date(), nullable=True)
    nudges_paused_until: Mapped[date | None] = mapped_column(Date(), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MembershipRow(Base):
    __tablename__ = "memberships"

    forum_id: Mapped[str] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), primary_key=True)
    organisation_id: Mapped[str | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), nullable=True
    )
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ConversationRow(Base):
    """A stored conversation reference: JSON plus the columns we query and check."""

    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(String(400), primary_key=True)  # Teams conversation id
    tenant_id: Mapped[str] = mapped_column(String(64))
    type: Mapped[str] = mapped_column(String(20))
    service_url: Mapped[str] = mapped_column(String(400))
    reference: Mapped[dict[str, object]] = mapped_column(JSON)
    bot_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    user_id: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)
    aad_object_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    team_id: Mapped[str | None] = mapped_column(String(400), nullable=True)
    channel_id: Mapped[str | None] = mapped_column(String(400), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    inactive_reason: Mapped[str | None] = mapped_column(String(100), nullable=True)
    welcomed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MeetingRow(Base):
    """One occurrence of a forum's schedule, materialised when first needed."""

    __tablename__ = "meetings"
    __table_args__ = (UniqueConstraint("forum_id", "original_date", name="uq_meetings_forum_date"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    forum_id: Mapped[str] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"))
    original_date: Mapped[date] = mapped_column(Date())
    local_date: Mapped[date] = mapped_column(Date())
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(20), default="scheduled")  # scheduled | cancelled
    changed_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ContributionRow(Base):
    """One organisation's lägesbild for one meeting; versions hold the content."""

    __tablename__ = "contributions"
    __table_args__ = (
        UniqueConstraint("meeting_id", "organisation_id", name="uq_contributions_meeting_org"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    current_version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ContributionVersionRow(Base):
    __tablename__ = "contribution_versions"
    __table_args__ = (
        UniqueConstraint("contribution_id", "version", name="uq_contribution_versions_version"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    contribution_id: Mapped[str] = mapped_column(ForeignKey("contributions.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    sections: Mapped[list[dict[str, str]]] = mapped_column(JSON)  # [{section_id, title, text}]
    nothing_new: Mapped[bool] = mapped_column(Boolean, default=False)
    attending: Mapped[bool] = mapped_column(Boolean, default=True)
    submitted_by: Mapped[str] = mapped_column(String(200))
    submitted_by_name: Mapped[str] = mapped_column(String(200))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    after_deadline: Mapped[bool] = mapped_column(Boolean, default=False)
    areas: Mapped[dict[str, list[str]] | None] = mapped_column(JSON, nullable=True)  # section_id -> area ids


class SummaryRow(Base):
    """The compiled lägesbild of a meeting once posted (the record of what went out)."""

    __tablename__ = "summaries"

    meeting_id: Mapped[str] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    compiled_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revision: Mapped[int] = mapped_column(Integer, default=1)
    parts: Mapped[int] = mapped_column(Integer, default=1)


class SummaryRevisionRow(Base):
    """The frozen record of a posted summary: its frame (fixed at the first compilation) and its content.

    Revision 1 is what went out at the deadline; each late addition appends the next revision. Rows are only
    ever inserted: setup changes after the meeting never rewrite what a past meeting's summary said.
    """

    __tablename__ = "summary_revisions"

    meeting_id: Mapped[str] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    revision: Mapped[int] = mapped_column(Integer, primary_key=True)
    compiled_at: Mapped[datetime] = mapped_column(UTCDateTime())
    frame: Mapped[dict[str, object]] = mapped_column(JSON)
    content: Mapped[dict[str, object]] = mapped_column(JSON)


class OutboxRow(Base):
    """One proactive message. Unique key: what, about which subject, to whom, for which local day, which slot."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint(
            "kind", "subject_id", "recipient_id", "occurrence_local_date", "slot", name="uq_outbox_once"
        ),
        Index("ix_outbox_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str] = mapped_column(String(400))
    recipient_id: Mapped[str] = mapped_column(String(400))
    occurrence_local_date: Mapped[str] = mapped_column(String(10))
    slot: Mapped[str] = mapped_column(String(40))
    conversation_id: Mapped[str | None] = mapped_column(String(400), nullable=True)
    person_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    via_conversation_id: Mapped[str | None] = mapped_column(String(400), nullable=True)
    operation: Mapped[str] = mapped_column(String(10), default="send")  # send | update
    update_of_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    payload: Mapped[dict[str, object]] = mapped_column(JSON)
    meta: Mapped[dict[str, object] | None] = mapped_column(JSON, nullable=True)  # NewMessage.extra (ids, no text)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    sent_activity_id: Mapped[str | None] = mapped_column(String(400), nullable=True)
    sent_conversation_id: Mapped[str | None] = mapped_column(String(400), nullable=True)
    last_status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(400), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class MinutesRow(Base):
    """A meeting's minutes as they are being written: one row, its revision bumped by every save."""

    __tablename__ = "minutes"

    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    forum_id: Mapped[str] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))  # draft | in_approval | published
    revision: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict[str, object]] = mapped_column(JSON)
    sent_revision: Mapped[int | None] = mapped_column(Integer, nullable=True)
    published_versions: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    updated_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MinutesApprovalRow(Base):
    """An approval or a comment by a justerare on one revision of the draft (only ever inserted)."""

    __tablename__ = "minutes_approvals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("minutes.meeting_id", ondelete="CASCADE"), index=True)
    approver_id: Mapped[str] = mapped_column(String(200))
    approver_name: Mapped[str] = mapped_column(String(200))
    revision: Mapped[int] = mapped_column(Integer)
    decision: Mapped[str] = mapped_column(String(20))  # approved | commented
    comment: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class MinutesVersionRow(Base):
    """A published version of a meeting's minutes, frozen: only ever inserted (a correction is the next one)."""

    __tablename__ = "minutes_versions"
    # Two meetings of a forum published at once both read the same highest §: the second insert fails here
    # (a correction keeps its meeting's first § under the next version number, so it never collides).
    __table_args__ = (
        UniqueConstraint("forum_id", "version", "first_paragraph", name="uq_minutes_versions_paragraphs"),
    )

    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    forum_id: Mapped[str] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"), index=True)
    first_paragraph: Mapped[int] = mapped_column(Integer)
    last_paragraph: Mapped[int] = mapped_column(Integer)
    meeting_date: Mapped[date] = mapped_column(Date())
    content: Mapped[dict[str, object]] = mapped_column(JSON)
    frame: Mapped[dict[str, object]] = mapped_column(JSON)
    follow_up: Mapped[dict[str, object]] = mapped_column(JSON)
    approvals: Mapped[list[dict[str, object]]] = mapped_column(JSON)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime())
    published_by: Mapped[str] = mapped_column(String(200))
    published_by_name: Mapped[str] = mapped_column(String(200))
    correction_note: Mapped[str] = mapped_column(Text, default="")


class ActionRow(Base):
    """An action item (åtgärd), owned by a role; numbered per forum."""

    __tablename__ = "actions"
    __table_args__ = (UniqueConstraint("forum_id", "number", name="uq_actions_forum_number"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    forum_id: Mapped[str] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_role_id: Mapped[str] = mapped_column(ForeignKey("roles.id"), index=True)
    due: Mapped[date] = mapped_column(Date())
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    item_key: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20))  # open | done | cancelled
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(200))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    outcome: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MailRow(Base):
    """One e-mail of a published minutes version to one address (mail queue). Unique per meeting, version and
    address, so queuing twice sends once. The message is rendered at send time from the stored version."""

    __tablename__ = "mail_queue"
    __table_args__ = (
        UniqueConstraint("meeting_id", "version", "address", name="uq_mail_queue_once"),
        Index("ix_mail_queue_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    forum_id: Mapped[str] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"), index=True)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    address: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending|sending|retry|sent|dead
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_code: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the SMTP reply code
    last_error: Mapped[str | None] = mapped_column(String(200), nullable=True)  # a short code, never an address
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


__all__ = [
    "ActionRow",
    "AgendaSectionRow",
    "Base",
    "ContributionRow",
    "ContributionVersionRow",
    "ConversationRow",
    "ForumRow",
    "MailRow",
    "MeetingRow",
    "MembershipRow",
    "MinutesApprovalRow",
    "MinutesRow",
    "MinutesVersionRow",
    "OrganisationRow",
    "OutboxRow",
    "PersonRow",
    "RoleRow",
    "SummaryRevisionRow",
    "SummaryRow",
]


# The follow-up rows live in their own module; importing it here puts them on `Base.metadata` for Alembic.
import storage.orm_auditors  # noqa: E402
import storage.orm_delivery  # noqa: E402
import storage.orm_follow_up  # noqa: E402,F401
