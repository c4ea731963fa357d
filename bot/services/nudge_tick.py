"""The tick's reminders of open actions: every plan due by now, one digest per owner, forum and local day.

One global query (`uow.nudge_plans.due`, on the index of next_at) reads the due plans in batches, whatever the
number of plans in total. Each plan due is settled in the same unit of work, so the next batch never reads it
again:

* the action is done, cancelled or gone: the plan is removed;
* outside working hours or days in the forum's zone (a tick after an outage): the plan waits for the working
  morning;
* the role is vacant (nobody to ask, not even a deputy): the plan waits for the next working morning (part of
  turnover sets it due at once when the role gets a holder);
* the person asked (the holder, or the deputy while the holder is away) paused reminders: the working morning
  after the pause;
* else the actions due for one person, forum and local day become ONE `Kind.ACTION_NUDGE`; if that person
  already got the forum's digest today the outbox key refuses it and the plans move to the next working
  morning, never lost. After `escalate_after` overdue reminders the chair is told once (`Kind.ACTION_ESCALATED`).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from bot.services.meetings import local_today
from bot.services.notify import Kind, texts_for, to_person, to_person_row
from bot.services.nudges import forum_zone
from bot.services.ports import Deps, UnitOfWork
from dialogs.cards.elements import message
from dialogs.cards.nudge_digest import DigestItem, digest_card, digest_line, escalation_card
from dialogs.owners import action_number, owner_label
from dialogs.texts import Texts
from dialogs.texts.formatting import format_date
from domain.action_log import ActionEvent, EventKind
from domain.actions import ActionItem, holder_for_day
from domain.model import Forum, Person
from domain.nudge_rules import next_nudge, next_working_instant, stage_on
from domain.nudges import NudgePlan, Stage

log = logging.getLogger(__name__)

BATCH = 500  # plans read per query
MAX_BATCHES = 40  # per tick; the rest waits for the next tick (each batch only reads plans due by now)


@dataclass(frozen=True)
class Due:
    plan: NudgePlan
    action: ActionItem
    forum: Forum


async def nudge_due(deps: Deps, now: datetime, *, batch: int = BATCH) -> int:
    """Queue every reminder due by `now`; how many digests were queued (escalations not counted)."""
    queued = 0
    for _ in range(MAX_BATCHES):
        async with deps.uow() as uow:
            plans = await uow.nudge_plans.due(now, batch)
            if plans:
                queued += await _settle(deps, uow, plans, now)
                await uow.commit()
        if len(plans) < batch:
            break
    return queued


async def _settle(deps: Deps, uow: UnitOfWork, plans: Sequence[NudgePlan], now: datetime) -> int:
    forums: dict[str, Forum | None] = {}
    actions: dict[str, dict[str, ActionItem]] = {}
    settling = {p.action_id: p for p in plans}
    for forum_id in dict.fromkeys(p.forum_id for p in plans):
        forums[forum_id] = await uow.forums.get(forum_id)
        actions[forum_id] = {a.id: a for a in await uow.actions.for_forum(forum_id)}
        # the forum's other plans due now join this batch, so a digest is never split across batches
        for plan in await uow.nudge_plans.for_forum(forum_id):
            if plan.next_at is not None and plan.next_at <= now:
                settling.setdefault(plan.action_id, plan)
    due: list[Due] = []
    for plan in settling.values():
        forum, action = forums[plan.forum_id], actions[plan.forum_id].get(plan.action_id)
        if forum is None or action is None or not action.open:
            await uow.nudge_plans.remove(plan.action_id)
            continue
        due.append(Due(plan, action, forum))
    holders = {r.holder_id for f in forums.values() if f is not None for r in f.roles if r.holder_id}
    people = await uow.people.many(sorted(holders | {f.chair_id for f in forums.values() if f is not None}))
    groups: dict[tuple[str, str, date], list[Due]] = defaultdict(list)
    for item in due:
        recipient = await _recipient_or_wait(deps, uow, item, people, now)
        if recipient is not None:
            groups[(item.forum.id, recipient, local_today(item.forum, now))].append(item)
    queued = 0
    for (_forum_id, recipient, today), items in groups.items():
        queued += await _send_digest(deps, uow, recipient, today, items, people, now)
    return queued


async def _wait(uow: UnitOfWork, plan: NudgePlan, until: datetime | None, now: datetime) -> None:
    await uow.nudge_plans.save(replace(plan, next_at=until), now)


async def _recipient_or_wait(deps: Deps, uow: UnitOfWork, item: Due, people: dict[str, Person],
                             now: datetime) -> str | None:
    """Who gets this action's reminder now; None when its plan was moved to wait instead."""
    forum, plan = item.forum, item.plan
    policy, zone, today = forum.follow_up, forum_zone(forum), local_today(forum, now)
    can_send = next_working_instant(now, policy, zone, deps.holidays)
    if can_send > now:  # quiet hours, a weekend or a holiday (a tick after an outage)
        await _wait(uow, plan, can_send, now)
        return None
    if plan.last_local_day == today.isoformat():  # at most one reminder per action and local day
        await _wait(uow, plan, next_working_instant(now, policy, zone, deps.holidays, not_on=today), now)
        return None

    def away(person_id: str) -> bool:
        person = people.get(person_id)
        return person is not None and person.is_away_on(today)

    recipient = holder_for_day(forum, item.action.owner_role_id, away)
    if recipient is None:
        log.info("nudge waits: action=%s role vacant", item.action.id)
        await _wait(uow, plan, next_working_instant(now, policy, zone, deps.holidays, not_on=today), now)
        return None
    person = people.get(recipient)
    if person is not None and person.nudges_paused_on(today) and person.nudges_paused_until is not None:
        until = next_working_instant(now, policy, zone, deps.holidays, not_on=person.nudges_paused_until)
        await _wait(uow, plan, until, now)
        return None
    return recipient


async def _send_digest(deps: Deps, uow: UnitOfWork, recipient: str, today: date, items: list[Due],
                       people: dict[str, Person], now: datetime) -> int:
    forum = items[0].forum
    items.sort(key=lambda d: (d.action.due, d.action.number))
    person = people.get(recipient)
    t = texts_for(person, forum, deps.default_language)
    names = {p.id: p.display_name for p in people.values()}
    shown = [DigestItem(d.action, owner_label(t, forum, d.action.owner_role_id, names),
                        _standing_in(t, forum, d.action.owner_role_id, recipient, people)) for d in items]
    payload = message(digest_line(t, forum.name, shown), digest_card(t, forum.name, forum.id, shown, today))
    row = await to_person_row(uow, Kind.ACTION_NUDGE, recipient, about=forum.id, via=forum, day=today,
                              payload=payload, now=now, extra={"action_ids": [d.action.id for d in items]})
    policy, zone = forum.follow_up, forum_zone(forum)
    if row is None:  # this person already has the forum's digest for today: tomorrow's working morning
        later = next_working_instant(now, policy, zone, deps.holidays, not_on=today)
        for d in items:
            current = await uow.nudge_plans.get(d.action.id)
            if current is not None and current.last_local_day == today.isoformat():
                continue  # a concurrent tick (another process) put it in that digest: its plan is already on
            await _wait(uow, d.plan, later, now)
        log.info("nudge digest already sent today: forum=%s recipient=%s moved=%s", forum.id, recipient, len(items))
        return 0
    for d in items:
        await _advance(deps, uow, d, recipient, row, today, people, now)
    log.info("nudge digest queued: forum=%s recipient=%s actions=%s outbox=%s", forum.id, recipient, len(items), row)
    return 1


async def _advance(deps: Deps, uow: UnitOfWork, item: Due, recipient: str, row: int, today: date,
                   people: dict[str, Person], now: datetime) -> None:
    """The reminder is queued: log it, escalate when due, and plan the next one."""
    action, plan, forum = item.action, item.plan, item.forum
    stage = stage_on(action.due, today)
    uow.action_log.append(ActionEvent(action.id, forum.id, now, EventKind.NUDGE_QUEUED, detail={
        "outbox": row, "recipient": recipient, "stage": stage.value, "local_day": today.isoformat()}))
    escalate_after = forum.follow_up.escalate_after
    escalated = plan.escalated
    if (stage is Stage.OVERDUE and not escalated and escalate_after > 0
            and plan.overdue_sent >= escalate_after):
        escalated = await _escalate(deps, uow, item, people, plan.overdue_sent, today, now)
    sent = plan.overdue_sent + (stage is Stage.OVERDUE)
    _, _, at = next_nudge(action.due, forum.follow_up, now=now, zone=forum_zone(forum), holidays=deps.holidays,
                          overdue_sent=sent, after=stage, not_on=today, last_sent=today)
    await uow.nudge_plans.save(replace(plan, next_at=at, stage=_stage_of_next(action, at, forum),
                                       overdue_sent=sent, escalated=escalated, last_local_day=today.isoformat()),
                               now)


def _stage_of_next(action: ActionItem, at: datetime, forum: Forum) -> Stage:
    return stage_on(action.due, at.astimezone(forum_zone(forum)).date())


async def _escalate(deps: Deps, uow: UnitOfWork, item: Due, people: dict[str, Person], reminders: int,
                    today: date, now: datetime) -> bool:
    """The chair hears once that the action is overdue and unanswered after `reminders` overdue reminders."""
    forum, action = item.forum, item.action
    chair = people.get(forum.chair_id)
    t = texts_for(chair, forum, deps.default_language)
    names = {p.id: p.display_name for p in people.values()}
    shown = DigestItem(action, owner_label(t, forum, action.owner_role_id, names))
    line = t("nudges.escalated_line", number=action_number(t, action.number), forum=forum.name)
    escalated = escalation_card(t, forum.name, shown, reminders, today, forum.id)
    if await to_person(uow, Kind.ACTION_ESCALATED, forum.chair_id, about=action.id, via=forum,
                       payload=message(line, escalated), now=now):
        uow.action_log.append(ActionEvent(action.id, forum.id, now, EventKind.ESCALATED,
                                          detail={"overdue_reminders": reminders}))
        log.info("action escalated to the chair: forum=%s action=%s reminders=%s", forum.id, action.id, reminders)
    return True  # told now, or already before (a re-dated or handed-over action's new plan): once per action


def _standing_in(t: Texts, forum: Forum, role_id: str, recipient: str, people: dict[str, Person]) -> str:
    """Why a deputy gets this reminder: its role's holder is away (said on the card, so nobody wonders)."""
    holder_id = forum.holder_of(role_id)
    holder = people.get(holder_id) if holder_id else None
    if holder is None or holder.id == recipient or holder.away_until is None:
        return ""
    return t("nudges.standing_in", holder=holder.display_name, until=format_date(t, holder.away_until))
