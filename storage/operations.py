"""What an operator sees of the outbox: dead letters and stuck rows, and retrying or dropping one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.outbox import CANCELLED, DEAD, PENDING, QUEUED, RETRY, SENDING, SENT
from storage.audit import AuditRepository
from storage.orm import ForumRow, OutboxRow

STUCK_AFTER = timedelta(minutes=30)


@dataclass(frozen=True)
class OutboxProblem:
    id: int
    kind: str
    status: str  # dead, or stuck: queued long past its time, or sending with an expired lease
    stuck: bool
    forum: str | None  # the forum's name, when the row goes to or through a forum's conversation
    attempts: int
    reason: str | None
    status_code: int | None
    due_at: datetime
    updated_at: datetime


class OutboxOperations:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def problems(self, now: datetime, *, forum: str | None = None, limit: int = 200) -> list[OutboxProblem]:
        """Dead letters, and rows that should have gone out more than 30 minutes ago, newest first."""
        late = now - STUCK_AFTER
        stuck = or_(
            and_(OutboxRow.status.in_(QUEUED), OutboxRow.next_attempt_at < late),
            and_(OutboxRow.status == SENDING, OutboxRow.lease_until < now),
        )
        forum_conversation = or_(
            ForumRow.conversation_id == OutboxRow.conversation_id,
            ForumRow.conversation_id == OutboxRow.via_conversation_id,
        )
        query = (
            select(OutboxRow, ForumRow.name)
            .outerjoin(ForumRow, forum_conversation)
            .where(or_(OutboxRow.status == DEAD, stuck))
            .order_by(OutboxRow.updated_at.desc(), OutboxRow.id.desc())
            .limit(limit)
        )
        if forum:
            query = query.where(or_(ForumRow.id == forum, ForumRow.name == forum))
        rows = (await self._session.execute(query)).all()
        return [
            OutboxProblem(id=row.id, kind=row.kind, status=row.status, stuck=row.status != DEAD, forum=name,
                          attempts=row.attempts, reason=row.last_error, status_code=row.last_status_code,
                          due_at=row.next_attempt_at, updated_at=row.updated_at)
            for row, name in rows
        ]

    async def retry(self, row_id: int, now: datetime) -> bool:
        """Queue a dead, cancelled or stuck row again, now, with a fresh attempt count. Never a sent one."""
        result = await self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == row_id, OutboxRow.status.in_((DEAD, CANCELLED, RETRY, PENDING, SENDING)))
            .values(status=PENDING, attempts=0, next_attempt_at=now, lease_until=None, updated_at=now)
        )
        done = bool(getattr(result, "rowcount", 0))
        if done:
            self._audit("outbox.retried", row_id, now)
        return done

    async def drop(self, row_id: int, now: datetime) -> bool:
        """Give up on a row that has not been sent: it is kept, cancelled, with the reason 'dropped'."""
        result = await self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == row_id, OutboxRow.status != SENT, OutboxRow.status != CANCELLED)
            .values(status=CANCELLED, lease_until=None, last_error="dropped_by_operator", updated_at=now)
        )
        done = bool(getattr(result, "rowcount", 0))
        if done:
            self._audit("outbox.dropped", row_id, now)
        return done

    def _audit(self, action: str, row_id: int, now: datetime) -> None:
        AuditRepository(self._session).record(at=now, action=action, subject_type="outbox", subject_id=str(row_id),
                                              actor_id="operator")
