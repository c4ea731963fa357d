"""The outbox: every proactive message is a row, inserted idempotently in the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.orm import OutboxRow

UNIQUE_KEY = ("kind", "subject_id", "recipient_id", "occurrence_local_date", "slot")
NO_DATE = "-"


@dataclass
class NewMessage:
    """A message to queue. Exactly one of conversation_id / person_id says where it goes.

    person_id means "this person's 1:1 chat": the worker uses the stored personal conversation or,
    if none exists yet, creates one through `via_conversation_id` (a team or group chat the person shares
    with the bot).
    """

    kind: str
    subject_id: str
    recipient_id: str
    payload: dict[str, object]
    occurrence_local_date: str = NO_DATE
    slot: str = "1"
    conversation_id: str | None = None
    person_id: str | None = None
    via_conversation_id: str | None = None
    operation: str = "send"
    update_of_id: int | None = None
    extra: dict[str, object] = field(default_factory=dict)


class OutboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def enqueue(self, message: NewMessage, now: datetime) -> int | None:
        """Insert unless a row with the same unique key exists. Returns the new row id, or None."""
        if (message.conversation_id is None) == (message.person_id is None):
            raise ValueError("exactly one of conversation_id and person_id must be set")
        values = {
            "kind": message.kind,
            "subject_id": message.subject_id,
            "recipient_id": message.recipient_id,
            "occurrence_local_date": message.occurrence_local_date,
            "slot": message.slot,
            "conversation_id": message.conversation_id,
            "person_id": message.person_id,
            "via_conversation_id": message.via_conversation_id,
            "operation": message.operation,
            "update_of_id": message.update_of_id,
            "payload": message.payload,
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
            "updated_at": now,
        }
        dialect = self._session.bind.dialect.name if self._session.bind else "sqlite"
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        stmt = (
            insert(OutboxRow)
            .values(**values)
            .on_conflict_do_nothing(index_elements=list(UNIQUE_KEY))
            .returning(OutboxRow.id)
        )
        result = await self._session.execute(stmt)
        return result.scalar_one_or_none()

    async def find(
        self, *, kind: str, subject_id: str, recipient_id: str, occurrence_local_date: str = NO_DATE,
        slot: str = "1",
    ) -> OutboxRow | None:
        return await self._session.scalar(
            select(OutboxRow).where(
                OutboxRow.kind == kind,
                OutboxRow.subject_id == subject_id,
                OutboxRow.recipient_id == recipient_id,
                OutboxRow.occurrence_local_date == occurrence_local_date,
                OutboxRow.slot == slot,
            )
        )

    async def by_kind(self, kind: str) -> list[OutboxRow]:
        rows = await self._session.scalars(select(OutboxRow).where(OutboxRow.kind == kind).order_by(OutboxRow.id))
        return list(rows)
