"""The follow-up log (append only) and the reminder plans of open actions, as the domain's types."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.action_log import ActionEvent, EventKind
from domain.nudges import NudgePlan, Stage
from storage.orm_follow_up import ActionEventRow, NudgePlanRow


def _event(row: ActionEventRow) -> ActionEvent:
    return ActionEvent(action_id=row.action_id, forum_id=row.forum_id, at=row.at, kind=EventKind(row.kind),
                       actor_id=row.actor_id, detail=dict(row.detail or {}), id=row.id)


class ActionLogRepository:
    """Only `append` writes; there is deliberately no update or delete here (and the database refuses both)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def append(self, event: ActionEvent) -> None:
        self._session.add(ActionEventRow(action_id=event.action_id, forum_id=event.forum_id, at=event.at,
                                         actor_id=event.actor_id, kind=event.kind.value, detail=dict(event.detail)))

    async def for_action(self, action_id: str) -> list[ActionEvent]:
        await self._session.flush()
        rows = await self._session.scalars(
            select(ActionEventRow).where(ActionEventRow.action_id == action_id).order_by(ActionEventRow.id))
        return [_event(r) for r in rows]

    async def for_forum(self, forum_id: str, start: datetime | None = None,
                        end: datetime | None = None) -> list[ActionEvent]:
        """The forum's events with start <= at < end (either open), in the order they were appended."""
        await self._session.flush()
        query = select(ActionEventRow).where(ActionEventRow.forum_id == forum_id)
        if start is not None:
            query = query.where(ActionEventRow.at >= start)
        if end is not None:
            query = query.where(ActionEventRow.at < end)
        rows = await self._session.scalars(query.order_by(ActionEventRow.id))
        return [_event(r) for r in rows]


def _plan(row: NudgePlanRow) -> NudgePlan:
    return NudgePlan(action_id=row.action_id, forum_id=row.forum_id, next_at=row.next_at, stage=Stage(row.stage),
                     overdue_sent=row.overdue_sent, escalated=row.escalated, last_local_day=row.last_local_day)


class NudgePlanRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, action_id: str) -> NudgePlan | None:
        row = await self._session.get(NudgePlanRow, action_id, populate_existing=True)
        return _plan(row) if row is not None else None

    async def save(self, plan: NudgePlan, now: datetime) -> None:
        """Create or replace the action's plan."""
        row = await self._session.get(NudgePlanRow, plan.action_id)
        if row is None:
            row = NudgePlanRow(action_id=plan.action_id, forum_id=plan.forum_id)
            self._session.add(row)
        row.next_at, row.stage, row.overdue_sent = plan.next_at, plan.stage.value, plan.overdue_sent
        row.escalated, row.last_local_day, row.updated_at = plan.escalated, plan.last_local_day, now
        await self._session.flush()

    async def due(self, now: datetime, limit: int) -> list[NudgePlan]:
        """Plans with next_at <= now, earliest first, at most `limit` (reads the index on next_at only)."""
        rows = await self._session.scalars(
            select(NudgePlanRow).where(NudgePlanRow.next_at.is_not(None), NudgePlanRow.next_at <= now)
            .order_by(NudgePlanRow.next_at, NudgePlanRow.action_id).limit(limit))
        return [_plan(r) for r in rows]

    async def for_forum(self, forum_id: str) -> list[NudgePlan]:
        rows = await self._session.scalars(
            select(NudgePlanRow).where(NudgePlanRow.forum_id == forum_id).order_by(NudgePlanRow.action_id))
        return [_plan(r) for r in rows]

    async def for_actions(self, action_ids: Sequence[str]) -> dict[str, NudgePlan]:
        if not action_ids:
            return {}
        rows = await self._session.scalars(
            select(NudgePlanRow).where(NudgePlanRow.action_id.in_(list(action_ids))))
        return {r.action_id: _plan(r) for r in rows}

    async def remove(self, action_id: str) -> None:
        """The action needs no more reminders (the plan is state, not a record: the log keeps what happened)."""
        await self._session.execute(delete(NudgePlanRow).where(NudgePlanRow.action_id == action_id))
