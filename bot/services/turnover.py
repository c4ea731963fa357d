"""Roles survive staff turnover: when a role gets another holder, or none, its open actions follow the role.

Called wherever a role's holder changes (the members card, joining for another organisation, `ny innehavare
<organisation> @person`, a person leaving the forum's team or chat): each open action of the role gets a
HOLDER_CHANGED or ROLE_VACANT event; the new holder gets ONE message listing them (Kind.ROLE_HANDOVER), a role
left vacant is told to the chair ONCE with the list (Kind.ROLE_VACANT). Reminder digests queued but not sent to
the previous holder in this forum are cancelled, and the affected reminder plans are made due now, so the next
tick asks whoever is asked about the role today (the new holder, or the deputy) and never the previous holder.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

from bot.services.handover import action_line
from bot.services.meetings import local_today
from bot.services.notify import Kind, texts_for, to_person
from bot.services.nudges import resumed
from bot.services.ports import UnitOfWork
from dialogs.cards.elements import message
from dialogs.cards.escaping import escape_card_inline
from dialogs.cards.handover import action_list_card
from dialogs.texts import Texts
from domain.action_log import ActionEvent, EventKind
from domain.actions import ActionItem
from domain.model import Forum, Role, RoleKind
from domain.schedule import HolidayCalendar

log = logging.getLogger(__name__)

CANCEL_REASON = "the role has another holder"


def kind_word(t: Texts, kind: RoleKind) -> str:
    return t("record.kind_deputy") if kind is RoleKind.DEPUTY else t("record.kind_participant")


def role_title(t: Texts, forum: Forum, role: Role) -> str:
    """"Polisen, deltagare": the role without who holds it."""
    organisation = forum.organisation(role.organisation_id)
    return f"{organisation.name if organisation else '?'}, {kind_word(t, role.kind)}"


async def follow_roles(uow: UnitOfWork, before: Forum, after: Forum, *, actor_id: str | None, now: datetime,
                       language: str, holidays: HolidayCalendar | None = None) -> dict[str, int]:
    """Compare the roles before and after a change; returns role id -> open actions that followed it."""
    open_actions = [a for a in await uow.actions.for_forum(after.id) if a.open]
    followed: dict[str, int] = {}
    for old in before.roles:
        new = after.role_by_id(old.id)
        holder = new.holder_id if new is not None else None
        owned = [a for a in open_actions if a.owner_role_id == old.id]
        if old.holder_id == holder or not owned:
            continue
        kind = EventKind.HOLDER_CHANGED if holder else EventKind.ROLE_VACANT
        for action in owned:
            uow.action_log.append(ActionEvent(action.id, after.id, now, kind, actor_id,
                                              {"role": old.id, "holder": holder, "previous": old.holder_id}))
        due_now = [a.id for a in owned]
        if old.holder_id is not None:
            cancelled = await uow.outbox.cancel_queued(Kind.ACTION_NUDGE.value, after.id, old.holder_id,
                                                       CANCEL_REASON, now)
            if cancelled:  # that digest also named the previous holder's other actions here: ask again for them
                still_held = {r.id for r in after.roles if r.holder_id == old.holder_id}
                due_now += [a.id for a in open_actions if a.owner_role_id in still_held]
                log.info("cancelled %d queued reminders of forum %s to its previous holder", cancelled, after.id)
        await _due_now(uow, after, [a for a in open_actions if a.id in set(due_now)], now, holidays)
        role = new or old
        if holder is not None:
            await _tell_holder(uow, after, role, holder, old.holder_id, owned, now, language)
        else:
            await _tell_chair(uow, after, role, old.holder_id, owned, now, language)
        followed[old.id] = len(owned)
    return followed


async def _due_now(uow: UnitOfWork, forum: Forum, owned: list[ActionItem], now: datetime,
                   holidays: HolidayCalendar | None) -> None:
    """The plans go on for whoever holds the role now. Today the new holder gets the one hand-over message that
    lists the actions (a reminder to the previous holder still queued is cancelled); the reminders follow from
    the next working day by the policy's rhythm — never early, and never a second message today."""
    today = local_today(forum, now)
    actions = {a.id: a for a in owned}
    for plan in (await uow.nudge_plans.for_actions(sorted(actions))).values():
        if plan.next_at is None:
            continue
        going_on = resumed(plan, actions[plan.action_id], forum, holidays, now, not_on=today)
        await uow.nudge_plans.save(replace(going_on, last_local_day=today.isoformat()), now)


async def _tell_holder(uow: UnitOfWork, forum: Forum, role: Role, holder_id: str, previous_id: str | None,
                       owned: list[ActionItem], now: datetime, language: str) -> None:
    words = texts_for(await uow.people.get(holder_id), forum, language)
    previous = await uow.people.get(previous_id) if previous_id else None
    card = action_list_card(
        words("handover.role_handover_title", role=escape_card_inline(role_title(words, forum, role)),
              forum=escape_card_inline(forum.name)),
        words.plural("handover.role_handover_intro", len(owned)),
        [action_line(words, a) for a in sorted(owned, key=lambda a: (a.due, a.number))], words,
        before=words("handover.role_handover_previous", name=escape_card_inline(previous.display_name))
        if previous else "",
    )
    await to_person(uow, Kind.ROLE_HANDOVER, holder_id, about=role.id, via=forum, slot=now.isoformat(), now=now,
                    payload=message(card_content=card))


async def _tell_chair(uow: UnitOfWork, forum: Forum, role: Role, previous_id: str | None,
                      owned: list[ActionItem], now: datetime, language: str) -> None:
    words = texts_for(await uow.people.get(forum.chair_id), forum, language)
    previous = await uow.people.get(previous_id) if previous_id else None
    organisation = forum.organisation(role.organisation_id)
    card = action_list_card(
        words("handover.role_vacant_title", role=escape_card_inline(role_title(words, forum, role)),
              forum=escape_card_inline(forum.name)),
        words.plural("handover.role_vacant_intro", len(owned),
                     name=escape_card_inline(previous.display_name if previous else "?")),
        [action_line(words, a) for a in sorted(owned, key=lambda a: (a.due, a.number))], words,
        hint=words("handover.role_vacant_hint", organisation=escape_card_inline(organisation.name)
                   if organisation else "?"),
    )
    await to_person(uow, Kind.ROLE_VACANT, forum.chair_id, about=role.id, via=forum, slot=now.isoformat(), now=now,
                    payload=message(card_content=card))
