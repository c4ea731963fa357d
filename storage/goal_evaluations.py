"""The chair's evaluations of a forum's goals: appended, never changed (the latest per goal counts)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.charter import GoalEvaluation, GoalRating
from storage.orm_auditors import GoalEvaluationRow


class GoalEvaluationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def add(self, evaluation: GoalEvaluation) -> None:
        self._session.add(GoalEvaluationRow(
            forum_id=evaluation.forum_id, goal_id=evaluation.goal_id, goal_text=evaluation.goal_text,
            rating=evaluation.rating.value, comment=evaluation.comment, period=evaluation.period,
            evaluated_by=evaluation.evaluated_by, evaluated_at=evaluation.evaluated_at,
        ))

    async def for_forum(self, forum_id: str) -> list[GoalEvaluation]:
        rows = await self._session.scalars(
            select(GoalEvaluationRow).where(GoalEvaluationRow.forum_id == forum_id).order_by(GoalEvaluationRow.id)
        )
        return [GoalEvaluation(forum_id=r.forum_id, goal_id=r.goal_id, goal_text=r.goal_text,
                               rating=GoalRating(r.rating), comment=r.comment, period=r.period,
                               evaluated_by=r.evaluated_by, evaluated_at=r.evaluated_at, id=r.id) for r in rows]
