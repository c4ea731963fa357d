"""A forum with published actions owned by roles, for the hand-over tests (fake, SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from domain.actions import ActionItem, ActionStatus
from domain.nudges import NudgePlan, Stage
from tests.minutes_world import DUE, ERIK, Ids, minutes_world

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # a Tuesday, 10:00 in Stockholm


async def handover_world(uow: Callable[[], Any], *, conversation_id: str) -> tuple[Ids, list[ActionItem]]:
    """The minutes world (Anna chairs; Erik holds Polisen's participant role, Karin Skolan's) and two open
    actions of Polisen's role, Å-1 and Å-2, each with a reminder plan due at 13:00."""
    ids = await minutes_world(uow, NOW, conversation_id=conversation_id, draft=False)
    actions = [ActionItem(id=f"act-{n}-{ids.forum_id[:8]}", forum_id=ids.forum_id, number=n, title=title,
                          owner_role_id=ids.police_role, due=DUE, meeting_id=ids.meeting_id,
                          item_key=ids.sections[0], status=ActionStatus.OPEN, created_at=NOW, created_by=ERIK[0])
               for n, title in ((1, "Kontakta skolan om kvällarna"), (2, "Samla in siffror"))]
    async with uow() as u:
        for action in actions:
            await u.actions.add(action, NOW)
            await u.nudge_plans.save(NudgePlan(action.id, ids.forum_id, datetime(2026, 12, 1, 12, 0, tzinfo=UTC),
                                               Stage.BEFORE), NOW)
        await u.commit()
    return ids, actions
