"""Pausing reminders: `pausa påminnelser till <datum>` and `återuppta påminnelser`, for anyone, 1:1 or in a channel.

The pause is the person's own (all forums). While it lasts the tick moves their actions' plans to the working
morning after it (bot/services/nudge_tick.py). Resuming early brings those plans back to their natural next
reminder at once.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from bot.services.nudges import resumed
from bot.services.ports import Deps, UnitOfWork
from bot.services.turn import Reply, Turn
from dialogs.texts.formatting import format_date
from domain.model import Forum

log = logging.getLogger(__name__)

DEFAULT_TIMEZONE = "Europe/Stockholm"
MAX_PAUSE_DAYS = 366


def _today(turn: Turn, forums: list[Forum]) -> date:
    zone = forums[0].schedule.timezone if forums else DEFAULT_TIMEZONE
    return turn.now.astimezone(ZoneInfo(zone)).date()


async def _forums(uow: UnitOfWork, turn: Turn) -> list[Forum]:
    return [turn.forum] if turn.forum is not None else await uow.forums.for_person(turn.person.id)


async def pause(deps: Deps, turn: Turn, until: date) -> Reply:
    t = turn.t
    async with deps.uow() as uow:
        today = _today(turn, await _forums(uow, turn))
        if until < today:
            return Reply(text=t("nudges.pause_past", date=format_date(t, until)))
        if until > today + timedelta(days=MAX_PAUSE_DAYS):
            return Reply(text=t("nudges.pause_too_far", date=format_date(t, today + timedelta(days=MAX_PAUSE_DAYS))))
        await uow.people.set_nudges_paused_until(turn.person.id, until, turn.now)
        uow.audit.record(at=turn.now, action="nudges.paused", subject_type="person", subject_id=turn.person.id,
                         actor_id=turn.person.id, forum_id=turn.forum.id if turn.forum else None,
                         detail={"until": until.isoformat()})
        await uow.commit()
    log.info("reminders paused: person=%s until=%s", turn.person.id, until.isoformat())
    return Reply(text=t("nudges.pause_set", date=format_date(t, until)))


async def resume(deps: Deps, turn: Turn, _: None) -> Reply:
    t = turn.t
    async with deps.uow() as uow:
        person = await uow.people.get(turn.person.id)
        if person is None or person.nudges_paused_until is None:
            return Reply(text=t("nudges.pause_not_paused"))
        await uow.people.set_nudges_paused_until(turn.person.id, None, turn.now)
        moved = 0
        for forum in await uow.forums.for_person(turn.person.id):
            moved += await _replan(deps, uow, forum, turn)
        uow.audit.record(at=turn.now, action="nudges.resumed", subject_type="person", subject_id=turn.person.id,
                         actor_id=turn.person.id, forum_id=turn.forum.id if turn.forum else None,
                         detail={"plans": moved})
        await uow.commit()
    log.info("reminders resumed: person=%s plans=%s", turn.person.id, moved)
    return Reply(text=t("nudges.pause_cleared"))


async def _replan(deps: Deps, uow: UnitOfWork, forum: Forum, turn: Turn) -> int:
    """Plans the pause pushed on: back to the next reminder their dates give (never twice on one local day)."""
    mine = {r.id for r in forum.roles if r.holder_id == turn.person.id}
    mine |= {o.id for r in forum.roles if r.id in mine and (o := forum.other_role(r)) is not None}
    actions = {a.id: a for a in await uow.actions.for_forum(forum.id) if a.open and a.owner_role_id in mine}
    moved = 0
    for plan in (await uow.nudge_plans.for_actions(list(actions))).values():
        if plan.next_at is None:
            continue
        earlier = resumed(plan, actions[plan.action_id], forum, deps.holidays, turn.now)
        if earlier.next_at is not None and earlier.next_at < plan.next_at:
            await uow.nudge_plans.save(earlier, turn.now)
            moved += 1
    return moved
