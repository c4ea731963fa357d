"""Append-only audit trail: ids, actions and rule ids; never message text."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.audit import AuditEntry
from storage.orm_auditors import AuditRow


class AuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

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
    ) -> None:
        self._session.add(
            AuditRow(
                at=at,
                actor_id=actor_id,
                forum_id=forum_id,
                action=action,
                subject_type=subject_type,
                subject_id=subject_id,
                detail=detail or {},
            )
        )

    async def for_forum(self, forum_id: str) -> list[AuditRow]:
        rows = await self._session.scalars(
            select(AuditRow).where(AuditRow.forum_id == forum_id).order_by(AuditRow.id)
        )
        return list(rows)

    async def by_action(self, action: str) -> list[AuditRow]:
        rows = await self._session.scalars(
            select(AuditRow).where(AuditRow.action == action).order_by(AuditRow.id)
        )
        return list(rows)

    async def between(
        self, start: datetime, end: datetime, *, forum_id: str | None = None, after_id: int = 0, limit: int = 5000
    ) -> list[AuditEntry]:
        query = select(AuditRow).where(AuditRow.at >= start, AuditRow.at < end, AuditRow.id > after_id)
        if forum_id is not None:
            query = query.where(AuditRow.forum_id == forum_id)
        rows = await self._session.scalars(query.order_by(AuditRow.id).limit(limit))
        return [AuditEntry(at=r.at, action=r.action, subject_type=r.subject_type, subject_id=r.subject_id,
                           actor_id=r.actor_id, forum_id=r.forum_id, detail=dict(r.detail or {}), id=r.id)
                for r in rows]
