"""Append-only audit trail: ids, actions and rule ids; never message text."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.orm import AuditRow


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
