"""Rows of delivery at scale: the send log that several bot processes share as one rate budget (PostgreSQL).
Same metadata as `storage.orm` (imported there)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.orm import Base
from storage.types import UTCDateTime


class DeliverySendRow(Base):
    """One send to Teams, taken from the shared budget (bot.delivery.budget): in flight from `started_at` until
    `settled_at` (its answer). It counts against a window of S seconds while in flight and for S seconds after
    its answer, so wherever Teams counted its arrival, that arrival is inside what every process saw."""

    __tablename__ = "delivery_sends"
    __table_args__ = (
        Index("ix_delivery_sends_key_started", "rate_key", "started_at"),
        Index("ix_delivery_sends_started", "started_at"),
        Index("ix_delivery_sends_settled", "settled_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    rate_key: Mapped[str] = mapped_column(String(400))  # the conversation (or "person:<id>" for a new 1:1 chat)
    requests: Mapped[int] = mapped_column(Integer)  # calls to Teams (creating a 1:1 chat first is one more)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


__all__ = ["DeliverySendRow"]
