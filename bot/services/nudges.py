"""Reminder plans of open actions: started at publication, re-dating and hand-over; stopped when closed.

`start_plan` gives an action a fresh plan from the forum's nudge policy (domain/nudge_rules.py `next_nudge`);
`stop_plan` removes it. `follow_publication` does both for what a publication of minutes changed, and writes
the follow-up log's CREATED and CANCELLED events. The tick that sends what is due is in bot/services/nudge_tick.py.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.services.minutes_record import Publication
from bot.services.ports import Deps, UnitOfWork
from domain.action_log import ActionEvent, EventKind
from domain.actions import ActionItem, ActionStatus
from domain.model import Forum
from domain.nudge_rules import next_nudge
from domain.nudges import NudgePlan, Stage
from domain.schedule import HolidayCalendar

log = logging.getLogger(__name__)


def forum_zone(forum: Forum) -> ZoneInfo:
    return ZoneInfo(forum.schedule.timezone)


def resumed(plan: NudgePlan, action: ActionItem, forum: Forum, holidays: HolidayCalendar | None, now: datetime, *,
            not_on: date | None = None) -> NudgePlan:
    """The plan's next reminder by the forum's policy from `now` (passed stages skipped): never on the day of
    the last reminder or on `not_on`, and while overdue at least M days after the last one sent."""
    last = date.fromisoformat(plan.last_local_day) if plan.last_local_day else None
    stage, _index, at = next_nudge(action.due, forum.follow_up, now=now, zone=forum_zone(forum), holidays=holidays,
                                   overdue_sent=plan.overdue_sent, not_on=not_on or last, last_sent=last)
    return replace(plan, next_at=at, stage=stage)


async def start_plan(uow: UnitOfWork, deps: Deps, forum: Forum, action: ActionItem, now: datetime) -> NudgePlan | None:
    """A new, re-dated or handed-over action: a fresh plan replacing any earlier one. A closed action: none.

    The day of the last reminder is kept, so a re-dated action is not reminded twice on one local day."""
    if not action.open:
        await stop_plan(uow, action.id)
        return None
    previous = await uow.nudge_plans.get(action.id)
    fresh = NudgePlan(action_id=action.id, forum_id=forum.id, next_at=None, stage=Stage.BEFORE,
                      last_local_day=previous.last_local_day if previous is not None else "")
    plan = resumed(fresh, action, forum, deps.holidays, now)
    await uow.nudge_plans.save(plan, now)
    log.info("nudge plan started: action=%s stage=%s next_at=%s", action.id, plan.stage.value,
             plan.next_at.isoformat() if plan.next_at else None)
    return plan


async def stop_plan(uow: UnitOfWork, action_id: str) -> None:
    """Done or cancelled: no more reminders for the action."""
    await uow.nudge_plans.remove(action_id)



async def follow_publication(uow: UnitOfWork, deps: Deps, forum: Forum, publication: Publication, *, actor_id: str,
                             now: datetime) -> None:
    """After `publish_version`: each new action gets its plan and a CREATED event; an action a correction re-dated
    or gave another owner gets a fresh plan; one it removed (cancelled) loses its plan, with a CANCELLED event."""
    version = publication.version
    new = {a.number for a in publication.new_actions}
    before = {a.number: a for item in (publication.previous.content.items if publication.previous else ())
              for a in item.actions}
    paragraphs = {item.key: number for number, item in version.paragraphs()}
    for action in await uow.actions.for_meeting(version.meeting_id):
        if action.number in new and action.open:
            uow.action_log.append(ActionEvent(action.id, forum.id, now, EventKind.CREATED, actor_id, {
                "meeting": version.meeting_id, "paragraph": paragraphs.get(action.item_key),
                "owner_role": action.owner_role_id, "due": action.due.isoformat(),
                "holder": forum.holder_of(action.owner_role_id)}))  # the log names who held it then
            await start_plan(uow, deps, forum, action, now)
        elif action.status is ActionStatus.CANCELLED and action.number in before:  # removed by this correction
            uow.action_log.append(ActionEvent(action.id, forum.id, now, EventKind.CANCELLED, actor_id,
                                              {"meeting": version.meeting_id}))
            await stop_plan(uow, action.id)
        elif action.open and (old := before.get(action.number)) is not None and (
                old.due != action.due or old.owner_role_id != action.owner_role_id):
            await start_plan(uow, deps, forum, action, now)


async def replan_forum(uow: UnitOfWork, deps: Deps, forum: Forum, now: datetime) -> int:
    """The forum's nudge policy changed: every open action's next reminder by the new rules (the day of the last
    reminder kept, so none comes twice on one local day). Returns how many plans moved."""
    actions = {a.id: a for a in await uow.actions.for_forum(forum.id) if a.open}
    moved = 0
    for plan in (await uow.nudge_plans.for_actions(list(actions))).values():
        if plan.next_at is None:
            continue
        moved_plan = resumed(plan, actions[plan.action_id], forum, deps.holidays, now)
        if moved_plan.next_at != plan.next_at:
            await uow.nudge_plans.save(moved_plan, now)
            moved += 1
    return moved
