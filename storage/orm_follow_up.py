"""Rows of the follow-up of actions: the immutable event log, each open action's reminder plan, and the
shared send budget of several bot processes. Same metadata as `storage.orm` (imported there)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.orm import Base
from storage.types import UTCDateTime


class ActionEventRow(Base):
    """One event of an action (follow-up log). Append-only: triggers refuse UPDATE and DELETE (migration 0009)."""

    __tablename__ = "action_events"
    __table_args__ = (Index("ix_action_events_forum_at", "forum_id", "at"), Index("ix_action_events_at", "at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    action_id: Mapped[str] = mapped_column(String(36), index=True)  # no foreign key: the log outlives nothing
    forum_id: Mapped[str] = mapped_column(String(36))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    kind: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)


class NudgePlanRow(Base):
    """Where an open action is in its reminders; `next_at` indexed, so "what is due now" reads only what is due."""

    __tablename__ = "nudge_plans"
    __table_args__ = (Index("ix_nudge_plans_next_at", "next_at"),)

    action_id: Mapped[str] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True)
    forum_id: Mapped[str] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"), index=True)
    next_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    stage: Mapped[str] = mapped_column(String(20))
    overdue_sent: Mapped[int] = mapped_column(Integer, default=0)
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    last_local_day: Mapped[str] = mapped_column(String(10), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


__all__ = ["ActionEventRow", "NudgePlanRow"]
