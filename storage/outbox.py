"""The outbox: every proactive message is a row, inserted idempotently in the caller's transaction.

Status flow (docs/security.md, "Proactive messages: the outbox"):
``pending → sending(lease_until) → sent | retry(next_attempt_at) | dead(reason)``, plus ``cancelled``
for rows whose conversation is gone. An expired lease returns the row to ``retry``. ``last_error`` only ever
holds short codes (``"429 Throttled"``, ``"service_url_not_allowed"``), never message text.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from domain.outbox import (  # noqa: F401  (re-exported: storage callers name them here)
    CANCELLED,
    DEAD,
    FINAL,
    MAX_ERROR_LENGTH,
    NO_DATE,
    PENDING,
    QUEUED,
    RETRY,
    SENDING,
    SENT,
    ClaimedMessage,
    NewMessage,
    UpdateTarget,
)
from storage.orm import OutboxRow
from storage.outbox_queries import OutboxQueries

UNIQUE_KEY = ("kind", "subject_id", "recipient_id", "occurrence_local_date", "slot")


def short_error(text: str) -> str:
    """last_error holds a short code; never let anything long (or multi-line) in."""
    return " ".join(text.split())[:MAX_ERROR_LENGTH]


def _claimed(row: OutboxRow) -> ClaimedMessage:
    assert row.lease_until is not None
    return ClaimedMessage(
        id=row.id,
        kind=row.kind,
        subject_id=row.subject_id,
        recipient_id=row.recipient_id,
        occurrence_local_date=row.occurrence_local_date,
        slot=row.slot,
        conversation_id=row.conversation_id,
        person_id=row.person_id,
        via_conversation_id=row.via_conversation_id,
        operation=row.operation,
        update_of_id=row.update_of_id,
        payload=dict(row.payload),
        attempts=row.attempts,
        lease_until=row.lease_until,
        created_at=row.created_at,
        last_status_code=row.last_status_code,
        last_error=row.last_error,
        meta=dict(row.meta or {}),
    )


def _rowcount(result: object) -> int:
    return int(result.rowcount) if isinstance(result, CursorResult) else 0


class OutboxRepository(OutboxQueries):
    """Queue rows (in the caller's transaction) and move them through their statuses; the lookups are in
    storage.outbox_queries."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._inserted = 0  # rows this repository queued since the last take_inserted()

    def take_inserted(self) -> int:
        """How many rows `enqueue` inserted since the last call (the unit of work asks at each commit)."""
        inserted, self._inserted = self._inserted, 0
        return inserted

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
            "meta": dict(message.extra) or None,
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
        row_id: int | None = result.scalar_one_or_none()
        if row_id is not None:
            self._inserted += 1
        return row_id

    # ------------------------------------------------------------------ the worker's side

    def _dialect(self) -> str:
        return self._session.bind.dialect.name if self._session.bind else "sqlite"

    async def claim_due(
        self,
        now: datetime,
        limit: int,
        lease_seconds: float,
        *,
        exclude_conversations: Sequence[str] = (),
        exclude_people: Sequence[str] = (),
    ) -> list[ClaimedMessage]:
        """Take up to `limit` due rows (pending/retry, next_attempt_at <= now) in id order: status 'sending'.

        Rows to `exclude_conversations` / `exclude_people` (what the caller is sending to right now) stay queued,
        so rows do not pile up behind a hung conversation while others wait.

        PostgreSQL locks the candidates with FOR UPDATE SKIP LOCKED, so concurrent workers get disjoint rows.
        SQLite has no row locks: each row is taken by a conditional UPDATE with a rowcount check (one process
        only, docs/security.md "SQLite and PostgreSQL"). The caller must commit before sending.
        """
        if limit <= 0:
            return []
        lease_until = now + timedelta(seconds=lease_seconds)
        conditions: list[ColumnElement[bool]] = [OutboxRow.status.in_(QUEUED), OutboxRow.next_attempt_at <= now]
        if exclude_conversations:
            conditions.append(
                or_(OutboxRow.conversation_id.is_(None), OutboxRow.conversation_id.not_in(list(exclude_conversations)))
            )
        if exclude_people:
            conditions.append(or_(OutboxRow.person_id.is_(None), OutboxRow.person_id.not_in(list(exclude_people))))
        due = select(OutboxRow.id).where(*conditions).order_by(OutboxRow.id).limit(limit)
        taken: list[int] = []
        if self._dialect() == "postgresql":
            ids = list(await self._session.scalars(due.with_for_update(skip_locked=True)))
            if ids:
                await self._session.execute(
                    update(OutboxRow)
                    .where(OutboxRow.id.in_(ids), OutboxRow.status.in_(QUEUED))
                    .values(status=SENDING, lease_until=lease_until, updated_at=now)
                    .execution_options(synchronize_session=False)
                )
                taken = ids
        else:
            for row_id in list(await self._session.scalars(due)):
                result = await self._session.execute(
                    update(OutboxRow)
                    .where(OutboxRow.id == row_id, OutboxRow.status.in_(QUEUED))
                    .values(status=SENDING, lease_until=lease_until, updated_at=now)
                    .execution_options(synchronize_session=False)
                )
                if _rowcount(result) == 1:
                    taken.append(row_id)
        if not taken:
            return []
        rows = await self._session.scalars(
            select(OutboxRow)
            .where(OutboxRow.id.in_(taken))
            .order_by(OutboxRow.id)
            .execution_options(populate_existing=True)
        )
        return [_claimed(row) for row in rows]

    async def release_expired_leases(self, now: datetime, *, max_attempts: int | None = None) -> int:
        """'sending' rows whose lease has run out (a crashed or stopped worker) go back to 'retry', due now.

        The lost attempt counts (it may have reached Teams); with `max_attempts`, a row that has used them all
        goes to 'dead' instead, so a message that kills the worker cannot loop forever. Returns rows changed.
        """
        expired = [OutboxRow.status == SENDING, OutboxRow.lease_until < now]
        changed = 0
        if max_attempts is not None:
            result = await self._session.execute(
                update(OutboxRow)
                .where(*expired, OutboxRow.attempts + 1 >= max_attempts)
                .values(
                    status=DEAD,
                    attempts=OutboxRow.attempts + 1,
                    lease_until=None,
                    last_error="lease_expired",
                    updated_at=now,
                )
                .execution_options(synchronize_session=False)
            )
            changed += _rowcount(result)
        result = await self._session.execute(
            update(OutboxRow)
            .where(*expired)
            .values(
                status=RETRY,
                attempts=OutboxRow.attempts + 1,
                lease_until=None,
                next_attempt_at=now,
                last_error="lease_expired",
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        return changed + _rowcount(result)

    async def _set(self, row_id: int, where: Sequence[ColumnElement[bool]], **values: Any) -> bool:
        result = await self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == row_id, *where)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return _rowcount(result) == 1

    async def mark_sent(
        self,
        row_id: int,
        activity_id: str | None,
        conversation_id: str | None,
        status_code: int | None,
        now: datetime,
    ) -> bool:
        """Teams accepted it: store the activity id and the conversation it went to (for later updates).

        Recorded even if the lease was lost meanwhile (what Teams has is the truth); never twice.
        """
        return await self._set(
            row_id,
            [OutboxRow.status != SENT],
            status=SENT,
            attempts=OutboxRow.attempts + 1,
            lease_until=None,
            sent_activity_id=activity_id,
            sent_conversation_id=conversation_id,
            last_status_code=status_code,
            last_error=None,
            sent_at=now,
            updated_at=now,
        )

    async def mark_retry(
        self, row_id: int, next_attempt_at: datetime, status_code: int | None, error: str, now: datetime
    ) -> bool:
        """A transient failure: one more attempt used, due again at next_attempt_at."""
        return await self._set(
            row_id,
            [OutboxRow.status == SENDING],
            status=RETRY,
            attempts=OutboxRow.attempts + 1,
            lease_until=None,
            next_attempt_at=next_attempt_at,
            last_status_code=status_code,
            last_error=short_error(error),
            updated_at=now,
        )

    async def mark_dead(
        self, row_id: int, reason: str, status_code: int | None, now: datetime, *, attempted: bool = True
    ) -> bool:
        """A permanent failure (or a refusal by us: pass attempted=False when no request left)."""
        values: dict[str, Any] = {
            "status": DEAD,
            "lease_until": None,
            "last_status_code": status_code,
            "last_error": short_error(reason),
            "updated_at": now,
        }
        if attempted:
            values["attempts"] = OutboxRow.attempts + 1
        return await self._set(row_id, [OutboxRow.status.in_((SENDING, *QUEUED))], **values)

    async def mark_cancelled(self, row_id: int, reason: str, now: datetime) -> bool:
        """Not sent and never will be (its conversation is gone); no attempt was made."""
        return await self._set(
            row_id,
            [OutboxRow.status.in_((SENDING, *QUEUED))],
            status=CANCELLED,
            lease_until=None,
            last_error=short_error(reason),
            updated_at=now,
        )

    async def release(self, row_ids: Sequence[int], now: datetime, *, until: datetime | None = None) -> int:
        """Give claimed rows back unsent (shutdown, global pause, rate limit): no attempt counted."""
        if not row_ids:
            return 0
        result = await self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.id.in_(list(row_ids)), OutboxRow.status == SENDING)
            .values(status=RETRY, lease_until=None, next_attempt_at=until or now, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        return _rowcount(result)

    async def cancel_for_conversation(
        self, conversation_id: str, reason: str, now: datetime, *, person_id: str | None = None
    ) -> int:
        """Queued rows (pending/retry) to a conversation that is gone → 'cancelled'.

        With person_id, that person's queued 1:1 rows (person_id set, no conversation) go too: they would
        reach the same dead chat. Rows held by a worker ('sending') are left to it. Returns the count.
        """
        target: ColumnElement[bool] = OutboxRow.conversation_id == conversation_id
        if person_id is not None:
            target = or_(target, OutboxRow.person_id == person_id)
        result = await self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.status.in_(QUEUED), target)
            .values(status=CANCELLED, lease_until=None, last_error=short_error(reason), updated_at=now)
            .execution_options(synchronize_session=False)
        )
        return _rowcount(result)

    async def cancel_queued(self, kind: str, subject_id: str, person_id: str, reason: str, now: datetime) -> int:
        """Queued rows (pending/retry) of one kind and subject to one person's 1:1 chat → 'cancelled' (a role's
        reminder digest to its previous holder). Rows a worker holds ('sending') are left to it. Returns the count."""
        result = await self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.status.in_(QUEUED), OutboxRow.kind == kind, OutboxRow.subject_id == subject_id,
                   OutboxRow.person_id == person_id)
            .values(status=CANCELLED, lease_until=None, last_error=short_error(reason), updated_at=now)
            .execution_options(synchronize_session=False)
        )
        return _rowcount(result)
    async def retry_dead(self, row_id: int, now: datetime) -> bool:
        """A dead letter back to 'pending', due now, with a fresh set of attempts (a chair asked). Only a row
        that is still dead: False when it is not (already retried, or never dead)."""
        changed = await self._set(
            row_id,
            [OutboxRow.status == DEAD],
            status=PENDING,
            attempts=0,
            lease_until=None,
            next_attempt_at=now,
            last_error=None,
            last_status_code=None,
            updated_at=now,
        )
        if changed:
            self._inserted += 1  # wakes the worker at commit, like a new row
        return changed
