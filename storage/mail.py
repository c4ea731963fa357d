"""The mail queue of published minutes: queued in the publishing transaction, sent by bot/mail.

Status flow as the outbox: ``pending → sending(lease_until) → sent | retry(next_attempt_at) | dead``. An
expired lease (a worker that died) makes the row due again. ``last_error`` holds a short code, never an address
or message text. Claims use FOR UPDATE SKIP LOCKED on PostgreSQL and a conditional UPDATE on SQLite, as the
outbox does, so two instances never send the same row at once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import CursorResult, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from domain.mail import MailStatus, QueuedMail
from storage.orm import MailRow

UNIQUE_KEY = ("meeting_id", "version", "address")
MAX_ERROR = 200


def _queued(row: MailRow) -> QueuedMail:
    return QueuedMail(id=row.id, forum_id=row.forum_id, meeting_id=row.meeting_id, version=row.version,
                      address=row.address, language=row.language, attempts=row.attempts,
                      created_at=row.created_at)


class MailRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def _dialect(self) -> str:
        return self._session.bind.dialect.name if self._session.bind else "sqlite"

    async def enqueue(
        self, *, forum_id: str, meeting_id: str, version: int, address: str, language: str, now: datetime
    ) -> bool:
        """Queue one mail unless that version was already queued to that address; True when queued now."""
        insert = postgresql.insert if self._dialect() == "postgresql" else sqlite.insert
        stmt = (
            insert(MailRow)
            .values(forum_id=forum_id, meeting_id=meeting_id, version=version, address=address, language=language,
                    status=MailStatus.PENDING, attempts=0, next_attempt_at=now, created_at=now, updated_at=now)
            .on_conflict_do_nothing(index_elements=list(UNIQUE_KEY))
            .returning(MailRow.id)
        )
        return (await self._session.execute(stmt)).scalar_one_or_none() is not None

    async def claim_due(self, now: datetime, limit: int, lease_seconds: float) -> list[QueuedMail]:
        """Take up to `limit` due rows (status 'sending', leased); the caller commits before sending."""
        lease_until = now + timedelta(seconds=lease_seconds)
        expired = (MailRow.status == MailStatus.SENDING) & (MailRow.lease_until < now)
        due = (
            select(MailRow.id)
            .where((MailRow.status.in_(MailStatus.QUEUED) & (MailRow.next_attempt_at <= now)) | expired)
            .order_by(MailRow.id)
            .limit(limit)
        )
        if self._dialect() == "postgresql":
            due = due.with_for_update(skip_locked=True)
        taken: list[int] = []
        for row_id in list(await self._session.scalars(due)):
            result = await self._session.execute(
                update(MailRow)
                .where(MailRow.id == row_id,
                       MailRow.status.in_(MailStatus.QUEUED) | ((MailRow.status == MailStatus.SENDING)
                                                                & (MailRow.lease_until < now)))
                .values(status=MailStatus.SENDING, lease_until=lease_until, attempts=MailRow.attempts + 1,
                        updated_at=now)
                .execution_options(synchronize_session=False)
            )
            if isinstance(result, CursorResult) and result.rowcount == 1:
                taken.append(row_id)
        if not taken:
            return []
        rows = await self._session.scalars(
            select(MailRow).where(MailRow.id.in_(taken)).order_by(MailRow.id)
            .execution_options(populate_existing=True)
        )
        return [_queued(r) for r in rows]

    async def _set(self, row_id: int, **values: object) -> None:
        await self._session.execute(
            update(MailRow).where(MailRow.id == row_id).values(lease_until=None, **values)
            .execution_options(synchronize_session=False)
        )

    async def mark_sent(self, row_id: int, now: datetime, code: int | None = None) -> None:
        await self._set(row_id, status=MailStatus.SENT, sent_at=now, updated_at=now, last_code=code,
                        last_error=None)

    async def mark_retry(self, row_id: int, now: datetime, at: datetime, code: int | None, error: str) -> None:
        await self._set(row_id, status=MailStatus.RETRY, next_attempt_at=at, updated_at=now, last_code=code,
                        last_error=error[:MAX_ERROR])

    async def mark_dead(self, row_id: int, now: datetime, code: int | None, error: str) -> None:
        await self._set(row_id, status=MailStatus.DEAD, updated_at=now, last_code=code, last_error=error[:MAX_ERROR])

    async def rows_for_meeting(self, meeting_id: str) -> list[MailRow]:
        """Every queued mail of a meeting, by id (operators and tests)."""
        return list(await self._session.scalars(
            select(MailRow).where(MailRow.meeting_id == meeting_id).order_by(MailRow.id)))
