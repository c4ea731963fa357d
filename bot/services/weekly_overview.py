"""The weekly overview (veckoöversikt): a producer of the tick posting one card to the forum conversation on the
policy's weekday at the start of the working day (domain/overview.py says when), once per forum and local day
(Kind.WEEKLY_OVERVIEW, about = forum, day = local day: a second tick or a restart is refused by the outbox key).
A forum that has never had an action (no minutes published with one) gets none: there is nothing to follow up.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from bot.services.follow_up import holder_names
from bot.services.notify import Kind, texts_for, to_forum
from bot.services.ports import Deps, UnitOfWork
from dialogs.cards.elements import message
from dialogs.cards.follow_log import overview_card
from domain.actions import ActionItem
from domain.meetings import Meeting
from domain.model import Forum
from domain.overview import overview_due, weekly_overview

log = logging.getLogger(__name__)


async def overview_card_for(uow: UnitOfWork, deps: Deps, forum: Forum, now: datetime,
                            actions: Sequence[ActionItem]) -> dict[str, object]:
    people_ids = {r.holder_id for r in forum.roles if r.holder_id} | {m.person_id for m in forum.memberships}
    people = await uow.people.many(sorted(people_ids | {forum.chair_id}))
    names = await holder_names(uow, forum)
    names |= {i: p.display_name for i, p in people.items()}
    t = texts_for(None, forum, deps.default_language)
    return overview_card(t, forum, weekly_overview(forum, actions, people, now), names)


async def overview_due_now(
    deps: Deps, uow: UnitOfWork, forum: Forum, meetings: Sequence[Meeting], now: datetime
) -> int:
    """A producer (bot/services/cycle.py PRODUCERS): 1 when this tick queued the forum's weekly overview."""
    day = overview_due(forum, now, deps.holidays)
    if day is None:
        return 0
    actions = await uow.actions.for_forum(forum.id)
    if not actions:
        return 0
    card = await overview_card_for(uow, deps, forum, now, actions)
    queued = await to_forum(uow, Kind.WEEKLY_OVERVIEW, forum, about=forum.id, day=day,
                            payload=message(None, card), now=now)
    if queued:
        log.info("weekly overview queued: forum=%s day=%s", forum.id, day.isoformat())
    return int(queued)
