"""Rows of what the auditors asked for (issue 11): goal evaluations, archive exports and the disposal permit. Same
metadata as `storage.orm` (imported there). The forum's charter, visibility and retention plan are JSON columns of
`forums`; an organisation's `external` flag is a column of `organisations`; a contribution's areas one of
`contribution_versions`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.orm import Base
from storage.types import UTCDateTime


class AuditRow(Base):
    """Append-only trail: who did what to which record. Never message text or matched values."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    forum_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    action: Mapped[str] = mapped_column(String(60))
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str] = mapped_column(String(400))
    detail: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)


class GoalEvaluationRow(Base):
    """One evaluation of one goal of a forum. Appended; the latest per goal is the current one."""

    __tablename__ = "goal_evaluations"
    __table_args__ = (Index("ix_goal_evaluations_forum_goal", "forum_id", "goal_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    forum_id: Mapped[str] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"))
    goal_id: Mapped[str] = mapped_column(String(36))
    goal_text: Mapped[str] = mapped_column(String(300))
    rating: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text, default="")
    period: Mapped[str] = mapped_column(String(16))
    evaluated_by: Mapped[str] = mapped_column(String(200))
    evaluated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ArchiveExportRow(Base):
    """An archive package made for a forum and year: what it held (name, SHA-256, size) and its manifest's checksum.
    The records of an archived year are locked: a correction of them is refused."""

    __tablename__ = "archive_exports"
    __table_args__ = (Index("ix_archive_exports_forum_year", "forum_id", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    forum_id: Mapped[str] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    manifest_sha256: Mapped[str] = mapped_column(String(64))
    files: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)  # [{name, sha256, bytes}]


class DisposalPermitRow(Base):
    """Present only inside the disposal job's transaction on SQLite: the append-only triggers of `audit_log` and
    `action_events` let a DELETE through while a permit exists (PostgreSQL uses a transaction-local setting and a
    SECURITY DEFINER function instead; migration 0011)."""

    __tablename__ = "disposal_permits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    purpose: Mapped[str] = mapped_column(String(40))


class DisposalRunRow(Base):
    """The daily disposal job's run of one local day: leased by the instance working on it, finished when a pass
    found nothing more that is due."""

    __tablename__ = "disposal_runs"

    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    lease_until: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    removed: Mapped[int] = mapped_column(Integer, default=0)
