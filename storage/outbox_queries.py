"""The outbox's read side: lookups for use cases (was this sent before, to whom), for the worker (the next due
time, an update's target, a round's rows) and for health and admin views. Mixed into OutboxRepository."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.outbox import CANCELLED, DEAD, NO_DATE, QUEUED, SENDING, UpdateTarget
from storage.orm import OutboxRow


class OutboxQueries:
    _session: AsyncSession

    async def find(
        self,
        *,
        kind: str,
        subject_id: str,
        recipient_id: str,
        occurrence_local_date: str = NO_DATE,
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

    async def sent_before(self, kind: str, subject_id: str, recipient_id: str) -> bool:
        """Whether a row of this kind about the subject was queued for the recipient (any date, not cancelled)."""
        found = await self._session.scalar(
            select(OutboxRow.id)
            .where(OutboxRow.kind == kind, OutboxRow.subject_id == subject_id, OutboxRow.recipient_id == recipient_id,
                   OutboxRow.status != CANCELLED)
            .limit(1)
        )
        return found is not None

    async def recipients_of(self, kinds: Sequence[str], subject_id: str) -> list[tuple[str, str | None]]:
        """(recipient_id, person_id) of every row of these kinds about the subject that was not cancelled."""
        rows = await self._session.execute(
            select(OutboxRow.recipient_id, OutboxRow.person_id)
            .where(OutboxRow.kind.in_(list(kinds)), OutboxRow.subject_id == subject_id, OutboxRow.status != CANCELLED)
            .order_by(OutboxRow.id)
        )
        return [(recipient, person) for recipient, person in rows.all()]

    async def by_kind(self, kind: str) -> list[OutboxRow]:
        rows = await self._session.scalars(
            select(OutboxRow).where(OutboxRow.kind == kind).order_by(OutboxRow.id)
        )
        return list(rows)

    async def get(self, row_id: int) -> OutboxRow | None:
        return await self._session.get(OutboxRow, row_id, populate_existing=True)

    async def resolve_update_target(self, update_of_id: int) -> UpdateTarget | None:
        """The row an 'update' edits: sent_activity_id + sent_conversation_id (None until it is sent)."""
        row = await self._session.get(OutboxRow, update_of_id, populate_existing=True)
        if row is None:
            return None
        return UpdateTarget(
            row_id=row.id,
            status=row.status,
            activity_id=row.sent_activity_id,
            conversation_id=row.sent_conversation_id,
        )

    async def round_rows(
        self, *, kind: str, subject_id: str, occurrence_local_date: str, slot: str
    ) -> list[OutboxRow]:
        """The 1:1 rows of one round: same kind, subject, local date and slot, one per recipient."""
        rows = await self._session.scalars(
            select(OutboxRow)
            .where(
                OutboxRow.kind == kind,
                OutboxRow.subject_id == subject_id,
                OutboxRow.occurrence_local_date == occurrence_local_date,
                OutboxRow.slot == slot,
                OutboxRow.person_id.is_not(None),
            )
            .order_by(OutboxRow.id)
            .execution_options(populate_existing=True)
        )
        return list(rows)

    async def next_due_at(self) -> datetime | None:
        """When the worker next has something to do: the earliest queued row or expiring lease."""
        queued = await self._session.scalar(
            select(func.min(OutboxRow.next_attempt_at)).where(OutboxRow.status.in_(QUEUED))
        )
        leased = await self._session.scalar(
            select(func.min(OutboxRow.lease_until)).where(OutboxRow.status == SENDING)
        )
        candidates = [t for t in (queued, leased) if t is not None]
        return min(candidates) if candidates else None

    async def dead_letters(self, *, include_cancelled: bool = False, limit: int = 200) -> list[OutboxRow]:
        """Rows that will never be delivered, newest first (for admins)."""
        statuses = (DEAD, CANCELLED) if include_cancelled else (DEAD,)
        rows = await self._session.scalars(
            select(OutboxRow)
            .where(OutboxRow.status.in_(statuses))
            .order_by(OutboxRow.updated_at.desc(), OutboxRow.id.desc())
            .limit(limit)
        )
        return list(rows)

    async def oldest_due(self, now: datetime) -> datetime | None:
        """When the longest-waiting queued row fell due (None: nothing queued is due)."""
        found: datetime | None = await self._session.scalar(
            select(func.min(OutboxRow.next_attempt_at)).where(
                OutboxRow.status.in_(QUEUED), OutboxRow.next_attempt_at <= now
            )
        )
        if found is not None and found.tzinfo is None:  # SQLite's min() comes back as a naive UTC value
            found = found.replace(tzinfo=UTC)
        return found

    async def counts(self) -> dict[str, int]:
        """Rows per status (health and admin views)."""
        result = await self._session.execute(
            select(OutboxRow.status, func.count()).group_by(OutboxRow.status)
        )
        return {str(status): int(n) for status, n in result.all()}

    async def dead_for_forum(
        self, forum_id: str, conversation_id: str, *, limit: int = 20
    ) -> list[OutboxRow]:
        """The forum's dead letters, newest first: posts to its conversation, 1:1 messages made through it, and
        rows about the forum itself."""
        rows = await self._session.scalars(
            select(OutboxRow)
            .where(
                OutboxRow.status == DEAD,
                or_(
                    OutboxRow.conversation_id == conversation_id,
                    OutboxRow.via_conversation_id == conversation_id,
                    OutboxRow.subject_id == forum_id,
                ),
            )
            .order_by(OutboxRow.updated_at.desc(), OutboxRow.id.desc())
            .limit(limit)
            .execution_options(populate_existing=True)
        )
        return list(rows)
