"""In-memory follow-up log and reminder plans (the fakes of storage/follow_up.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from domain.action_log import ActionEvent
from domain.nudges import NudgePlan


@dataclass
class FollowUpTables:
    events: list[ActionEvent] = field(default_factory=list)
    plans: dict[str, NudgePlan] = field(default_factory=dict)


class FakeActionLog:
    def __init__(self, tables: FollowUpTables) -> None:
        self._t = tables

    def append(self, event: ActionEvent) -> None:
        self._t.events.append(replace(event, id=len(self._t.events) + 1, detail=dict(event.detail)))

    async def for_action(self, action_id: str) -> list[ActionEvent]:
        return [e for e in self._t.events if e.action_id == action_id]

    async def for_forum(self, forum_id: str, start: datetime | None = None,
                        end: datetime | None = None) -> list[ActionEvent]:
        return [e for e in self._t.events if e.forum_id == forum_id and (start is None or e.at >= start)
                and (end is None or e.at < end)]


class FakeNudgePlans:
    def __init__(self, tables: FollowUpTables) -> None:
        self._t = tables

    async def get(self, action_id: str) -> NudgePlan | None:
        return self._t.plans.get(action_id)

    async def save(self, plan: NudgePlan, now: datetime) -> None:
        self._t.plans[plan.action_id] = plan

    async def due(self, now: datetime, limit: int) -> list[NudgePlan]:
        due = [p for p in self._t.plans.values() if p.next_at is not None and p.next_at <= now]
        return sorted(due, key=lambda p: (p.next_at or now, p.action_id))[:limit]

    async def for_forum(self, forum_id: str) -> list[NudgePlan]:
        return sorted((p for p in self._t.plans.values() if p.forum_id == forum_id), key=lambda p: p.action_id)

    async def for_actions(self, action_ids: Sequence[str]) -> dict[str, NudgePlan]:
        return {a: self._t.plans[a] for a in action_ids if a in self._t.plans}

    async def remove(self, action_id: str) -> None:
        self._t.plans.pop(action_id, None)
