"""Handing an action over to another role (Lämna över) and the new owner's answer (Ta emot / Avböj).

The owner role changes at once; the new role's holder is told with Ta emot / Avböj, the previous holder gets a
receipt. Declining gives the action back to the role it came from and tells its holder and the chair. Who may
hand over: the holder of the owner role, the holder of that organisation's other role (the deputy), or the chair.
A person without a role in the forum: only the chair may fill their organisation's vacant role for them (as when
choosing an owner in the minutes). Every step is appended to the follow-up log.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from bot.services.action_acting import card_as_it_stands, view_of
from bot.services.follow_up import holder_names
from bot.services.meetings import local_today
from bot.services.minutes_actions import fill_role, person_owner
from bot.services.notify import Kind, texts_for, to_person
from bot.services.nudges import start_plan
from bot.services.ports import Deps, UnitOfWork
from bot.services.screening import screen_fields
from bot.services.turn import Reply, Turn
from dialogs.cards.action_card import group_of, state_token
from dialogs.cards.elements import Element, message
from dialogs.cards.escaping import escape_card_inline
from dialogs.cards.handover import (
    MAX_NOTE,
    NOTE,
    PERSON_PREFIX,
    ROLE_PREFIX,
    TO,
    ActionLine,
    handover_form,
    handover_message,
)
from dialogs.owners import owner_label
from dialogs.texts import Texts
from dialogs.texts.formatting import format_date
from domain.action_log import ActionEvent, EventKind
from domain.actions import ActionItem, may_act
from domain.model import Forum, RoleKind


def _outdated(forum: Forum, action: ActionItem, data: Mapping[str, Any], person_id: str) -> bool:
    """The card no longer matches the action (closed, re-dated, handed over). Told to the forum's people with
    the current state; someone outside the forum is refused without learning it."""
    member = person_id == forum.chair_id or forum.membership(person_id) is not None
    return member and (not action.open or str(data.get("state", "")) != state_token(action))


def action_line(t: Texts, action: ActionItem) -> ActionLine:
    return ActionLine(t("record.action_number", number=action.number), action.title, format_date(t, action.due))


async def load(uow: UnitOfWork, data: Mapping[str, Any]) -> tuple[Forum, ActionItem] | None:
    """The forum and action a card names; None when either is gone (the card is answered as outdated)."""
    forum = await uow.forums.get(str(data.get("forum_id", "")))
    action = await uow.actions.get(str(data.get("action_id", "")))
    if forum is None or action is None or action.forum_id != forum.id:
        return None
    return forum, action


async def owner_text(uow: UnitOfWork, t: Texts, forum: Forum, role_id: str) -> str:
    return owner_label(t, forum, role_id, await holder_names(uow, forum))


async def current_state(uow: UnitOfWork, t: Texts, forum: Forum, action: ActionItem, *, replace: bool) -> Reply:
    """An outdated card is answered with how the action stands now; nothing is stored."""
    line = action_line(t, action)
    state = t("handover.state", number=line.number, title=action.title, due=line.due,
              owner=await owner_text(uow, t, forum, action.owner_role_id),
              status=t(f"handover.status_{action.status.value}"))
    return Reply(text=t("handover.outdated") + "\n\n" + state, replace=replace)


async def refusal(uow: UnitOfWork, t: Texts, forum: Forum, action: ActionItem) -> Reply:
    chair = await uow.people.get(forum.chair_id)
    return Reply(text=t("handover.not_allowed", number=action_line(t, action).number,
                        owner=await owner_text(uow, t, forum, action.owner_role_id),
                        chair=chair.display_name if chair else forum.chair_id))


def _choices(t: Texts, forum: Forum, action: ActionItem, names: Mapping[str, str]) -> list[tuple[str, str]]:
    """The forum's other roles ("Org, roll (holder)" or vakant), then its people who hold no role."""
    roles = [(ROLE_PREFIX + role.id, owner_label(t, forum, role.id, names))
             for organisation in forum.organisations for kind in RoleKind
             if (role := forum.role(organisation.id, kind)) is not None and role.id != action.owner_role_id]
    holders = {r.holder_id for r in forum.roles if r.holder_id}
    people = [(PERSON_PREFIX + m.person_id, t("handover.person_choice", name=names.get(m.person_id, m.person_id)))
              for m in forum.memberships
              if m.organisation_id is not None and m.person_id not in holders]
    return roles + sorted(people, key=lambda choice: choice[1].casefold())


async def form(uow: UnitOfWork, t: Texts, forum: Forum, action: ActionItem, *, errors: list[str] | None = None,
               replace_card: bool = False, group: tuple[str, ...] = ()) -> Reply:
    names = await holder_names(uow, forum)
    names.update({p.id: p.display_name for p in (await uow.people.many([m.person_id for m in forum.memberships]))
                  .values()})
    data: dict[str, object] = {"action_id": action.id, "forum_id": forum.id, "from_role": action.owner_role_id,
                               "state": state_token(action)}
    if group:  # opened on a digest: the form takes the digest's place, and the digest comes back after it
        data["group"] = ",".join(group)
    card = handover_form(t, action_line(t, action), owner=owner_label(t, forum, action.owner_role_id, names),
                         choices=_choices(t, forum, action, names), data=data, errors=errors or [])
    return Reply(card=card, replace=replace_card)


async def _pressed(uow: UnitOfWork, turn: Turn, data: Mapping[str, Any], *,
                   replace: bool) -> tuple[Forum, ActionItem] | Reply:
    """The action a hand-over button names, if the card is still current and this person may hand it over."""
    t = turn.t
    loaded = await load(uow, data)
    if loaded is None:
        return Reply(text=t("error.stale_card"))
    forum, action = loaded
    if _outdated(forum, action, data, turn.person.id):
        return await current_state(uow, t, forum, action, replace=replace)
    if not may_act(forum, action, turn.person.id):
        return await refusal(uow, t, forum, action)
    return forum, action


async def open_handover(deps: Deps, turn: Turn, data: Mapping[str, Any]) -> Reply:
    """Lämna över on a reminder card: the form, posted as a new card; pressed on a digest, the form takes the
    digest's place and the digest, redrawn, comes back after the hand-over."""
    t = turn.t
    async with deps.uow() as uow:
        checked = await _pressed(uow, turn, data, replace=False)
        if isinstance(checked, Reply):
            return checked
        forum, action = checked
        group = group_of(data)
        return await form(uow, t, forum, action, group=group, replace_card=bool(group) and action.id in group)


async def hand_over(deps: Deps, turn: Turn, data: Mapping[str, Any]) -> Reply:
    """The form's Lämna över: checked again on the server (permission, the card still current, the choice)."""
    t = turn.t
    note = " ".join(str(data.get(NOTE) or "").split())[:MAX_NOTE]
    async with deps.uow() as uow:
        checked = await _pressed(uow, turn, data, replace=True)
        if isinstance(checked, Reply):
            return checked
        forum, action = checked
        if screen_fields(deps.screener, {NOTE: note}):
            return await form(uow, t, forum, action, errors=[t("handover.personal_data")], replace_card=True,
                              group=group_of(data))
        target = await resolve_target(uow, turn, forum, action, str(data.get(TO) or ""))
        if isinstance(target, str):
            return await form(uow, t, forum, action, errors=[target], replace_card=True, group=group_of(data))
        forum, role_id = target
        text = await transfer(uow, deps, turn, forum, action, role_id, note=note, slot=_slot(turn, data))
        shown = await _digest_after(uow, t, forum, action.id, turn, group_of(data), text)
        await uow.commit()
    return Reply(card=shown, replace=True) if shown is not None else Reply(text=text, replace=True)


async def _digest_after(uow: UnitOfWork, t: Texts, forum: Forum, action_id: str, turn: Turn,
                        group: tuple[str, ...], said: str) -> Element | None:
    """Handed over from a digest: the digest again, as it now stands, with what happened on this action."""
    if action_id not in group:
        return None
    changed = await uow.actions.get(action_id)
    forum_now = await uow.forums.get(forum.id)
    if changed is None or forum_now is None:
        return None
    view = await view_of(uow, t, forum_now, changed, local_today(forum_now, turn.now), result=said,
                         buttons=may_act(forum_now, changed, turn.person.id))
    return await card_as_it_stands(uow, t, forum_now, view, group)


def _slot(turn: Turn, data: Mapping[str, Any]) -> str:
    return str(data.get("request_id") or turn.now.isoformat())


async def resolve_target(uow: UnitOfWork, turn: Turn, forum: Forum, action: ActionItem,
                         choice: str) -> tuple[Forum, str] | str:
    """The role the action goes to, or why not (a sentence for the form or the chat)."""
    t = turn.t
    if choice.startswith(ROLE_PREFIX):
        role = forum.role_by_id(choice.removeprefix(ROLE_PREFIX))
        if role is None or forum.organisation(role.organisation_id) is None:
            return t("handover.unknown_target")
        role_id = role.id
    elif choice.startswith(PERSON_PREFIX):
        person_id = choice.removeprefix(PERSON_PREFIX)
        person = await uow.people.get(person_id)
        owner = person_owner(forum, person_id, turn.person.id)
        if person is None:
            return t("handover.unknown_target")
        if not owner.known:
            chair = await uow.people.get(forum.chair_id)
            key = "handover.needs_role" if owner.needs_role else "handover.no_organisation"
            return t(key, name=person.display_name, chair=chair.display_name if chair else forum.chair_id)
        forum, role_id = await fill_role(uow, turn, forum, owner)
    else:
        return t("handover.to_error")
    if role_id == action.owner_role_id:
        return t("handover.same_owner", number=action_line(t, action).number,
                 owner=await owner_text(uow, t, forum, role_id))
    return forum, role_id


async def transfer(uow: UnitOfWork, deps: Deps, turn: Turn, forum: Forum, action: ActionItem, role_id: str, *,
                   note: str, slot: str) -> str:
    """Give the action to `role_id` now: the log, a fresh reminder plan, the new owner told, the receipt."""
    from_role = action.owner_role_id
    moved = replace(action, owner_role_id=role_id)
    await uow.actions.update(moved, turn.now)
    detail: dict[str, object] = {"from_role": from_role, "to_role": role_id,
                                 "from_holder": forum.holder_of(from_role), "to_holder": forum.holder_of(role_id)}
    if note:
        detail["note"] = note
    uow.action_log.append(ActionEvent(action.id, forum.id, turn.now, EventKind.HANDED_OVER, turn.person.id, detail))
    await start_plan(uow, deps, forum, moved, turn.now)  # the reminders start again, for the new owner
    role = forum.role_by_id(role_id)
    new_holder = role.holder_id if role is not None else None
    if new_holder is not None:
        await _tell_new_owner(uow, turn, forum, moved, new_holder, from_role, note, slot)
    else:
        words = await _words(uow, forum.chair_id, forum, turn)
        line = action_line(words, moved)
        await to_person(uow, Kind.ACTION_CHAIR_NOTE, forum.chair_id, about=action.id, via=forum, slot=slot,
                        now=turn.now, payload=message(words(
                            "handover.vacant_target_chair", actor=turn.person.display_name, number=line.number,
                            title=moved.title, forum=forum.name, owner=await owner_text(uow, words, forum, role_id))))
    previous = forum.role_by_id(from_role)
    if previous is not None and previous.holder_id is not None:
        words = await _words(uow, previous.holder_id, forum, turn)
        line = action_line(words, moved)
        await to_person(uow, Kind.ACTION_RECEIPT, previous.holder_id, about=action.id, via=forum, slot=slot,
                        now=turn.now, payload=message(words(
                            "handover.receipt", actor=turn.person.display_name, number=line.number,
                            title=moved.title, forum=forum.name,
                            from_owner=await owner_text(uow, words, forum, from_role),
                            to_owner=await owner_text(uow, words, forum, role_id))))
    t = turn.t
    key = "handover.handed_over" if new_holder is not None else "handover.handed_over_vacant"
    return t(key, number=action_line(t, moved).number, title=moved.title,
             owner=await owner_text(uow, t, forum, role_id))


async def _words(uow: UnitOfWork, person_id: str, forum: Forum, turn: Turn) -> Texts:
    return texts_for(await uow.people.get(person_id), forum, turn.t.language)


async def _tell_new_owner(uow: UnitOfWork, turn: Turn, forum: Forum, action: ActionItem, holder_id: str,
                          from_role: str, note: str, slot: str) -> None:
    words = await _words(uow, holder_id, forum, turn)
    line = action_line(words, action)
    intro = words("handover.message_intro", actor=escape_card_inline(turn.person.display_name), number=line.number,
                  title=escape_card_inline(action.title), forum=escape_card_inline(forum.name),
                  owner=escape_card_inline(await owner_text(uow, words, forum, action.owner_role_id)))
    data: dict[str, object] = {"action_id": action.id, "forum_id": forum.id, "owner_role_id": action.owner_role_id,
                               "from_role": from_role}
    await to_person(uow, Kind.ACTION_HANDOVER, holder_id, about=action.id, via=forum, slot=slot, now=turn.now,
                    payload=message(card_content=handover_message(words, line, intro=intro, note=note, data=data)))
