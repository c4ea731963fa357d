"""The new owner's answer to a hand-over (Ta emot / Avböj), and `lämna över Å-12 @person` in chat."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from bot.services.guards import Need, forum_for
from bot.services.handover import (
    action_line,
    current_state,
    load,
    owner_text,
    refusal,
    resolve_target,
    transfer,
)
from bot.services.notify import Kind, texts_for, to_person
from bot.services.nudges import start_plan
from bot.services.ports import Deps, UnitOfWork
from bot.services.screening import screen_fields
from bot.services.turn import Reply, Turn
from dialogs.cards.elements import message
from dialogs.cards.handover import MAX_NOTE, PERSON_PREFIX, REASON
from domain.action_log import ActionEvent, EventKind
from domain.actions import ActionItem, answers_for, may_act
from domain.model import Forum

_ANSWERS = (EventKind.HANDOVER_ACCEPTED, EventKind.HANDOVER_DECLINED)
_NUMBER = re.compile(r"^\s*(?:[åa]-?)?(\d{1,6})\b", re.IGNORECASE)


async def _answered(uow: UnitOfWork, action: ActionItem) -> bool:
    """Whether the latest hand-over of the action has been accepted or declined already."""
    answered = False
    for event in await uow.action_log.for_action(action.id):
        if event.kind is EventKind.HANDED_OVER:
            answered = False
        elif event.kind in _ANSWERS:
            answered = True
    return answered


async def _checked(uow: UnitOfWork, turn: Turn, data: Mapping[str, Any]) -> tuple[Forum, ActionItem] | Reply:
    """The hand-over the card is about, if it still stands and this person answers for the new role."""
    t = turn.t
    loaded = await load(uow, data)
    if loaded is None:
        return Reply(text=t("error.stale_card"), replace=True)
    forum, action = loaded
    if not action.open or action.owner_role_id != str(data.get("owner_role_id", "")):
        return await current_state(uow, t, forum, action, replace=True)
    if not answers_for(forum, action.owner_role_id, turn.person.id):
        return Reply(text=t("handover.not_new_owner", number=action_line(t, action).number,
                            owner=await owner_text(uow, t, forum, action.owner_role_id)))
    if await _answered(uow, action):
        return Reply(text=t("handover.already_answered", number=action_line(t, action).number), replace=True)
    return forum, action


async def accept(deps: Deps, turn: Turn, data: Mapping[str, Any]) -> Reply:
    t = turn.t
    async with deps.uow() as uow:
        checked = await _checked(uow, turn, data)
        if isinstance(checked, Reply):
            return checked
        forum, action = checked
        uow.action_log.append(ActionEvent(action.id, forum.id, turn.now, EventKind.HANDOVER_ACCEPTED, turn.person.id,
                                          {"role": action.owner_role_id}))
        previous = forum.role_by_id(str(data.get("from_role", "")))
        if previous is not None and previous.holder_id not in (None, turn.person.id):
            await _tell(uow, turn, forum, action, previous.holder_id, Kind.ACTION_RECEIPT, "accepted",
                        "handover.accepted_receipt", data)
        await uow.commit()
    return Reply(text=t("handover.accepted", number=action_line(t, action).number, title=action.title), replace=True)


async def decline(deps: Deps, turn: Turn, data: Mapping[str, Any]) -> Reply:
    """Back to the role it came from; its holder and the chair are told (with the reason, if one was given)."""
    t = turn.t
    reason = " ".join(str(data.get(REASON) or "").split())[:MAX_NOTE]
    if screen_fields(deps.screener, {REASON: reason}):
        return Reply(text=t("handover.personal_data"))
    async with deps.uow() as uow:
        checked = await _checked(uow, turn, data)
        if isinstance(checked, Reply):
            return checked
        forum, action = checked
        back_to = forum.role_by_id(str(data.get("from_role", "")))
        if back_to is None:
            return await current_state(uow, t, forum, action, replace=True)
        back = replace(action, owner_role_id=back_to.id)
        await uow.actions.update(back, turn.now)
        detail: dict[str, object] = {"to_role": back_to.id, "from_role": action.owner_role_id,
                                     "to_holder": back_to.holder_id}
        if reason:
            detail["reason"] = reason
        uow.action_log.append(ActionEvent(action.id, forum.id, turn.now, EventKind.HANDOVER_DECLINED, turn.person.id,
                                          detail))
        await start_plan(uow, deps, forum, back, turn.now)
        told = {turn.person.id}
        if back_to.holder_id is not None and back_to.holder_id not in told:
            await _tell(uow, turn, forum, back, back_to.holder_id, Kind.ACTION_RECEIPT, "declined",
                        "handover.declined_notice", data, reason)
            told.add(back_to.holder_id)
        if forum.chair_id not in told:
            await _tell(uow, turn, forum, back, forum.chair_id, Kind.ACTION_CHAIR_NOTE, "declined",
                        "handover.declined_notice", data, reason)
        owner = await owner_text(uow, t, forum, back_to.id)
        await uow.commit()
    return Reply(text=t("handover.declined", number=action_line(t, back).number, title=back.title, owner=owner),
                 replace=True)


async def _tell(uow: UnitOfWork, turn: Turn, forum: Forum, action: ActionItem, person_id: str, kind: Kind,
                what: str, key: str, data: Mapping[str, Any], reason: str = "") -> None:
    words = texts_for(await uow.people.get(person_id), forum, turn.t.language)
    line = action_line(words, action)
    text = words(key, name=turn.person.display_name, number=line.number, title=action.title, forum=forum.name,
                 owner=await owner_text(uow, words, forum, action.owner_role_id))
    if reason:
        text += "\n\n" + words("handover.reason_line", reason=reason)
    slot = f"{what}:{data.get('request_id') or turn.now.isoformat()}"
    await to_person(uow, kind, person_id, about=action.id, via=forum, slot=slot, now=turn.now, payload=message(text))


@dataclass(frozen=True)
class HandOverArgs:
    """`lämna över Å-12 @person`: the words after the command and the people mentioned (read by the use case)."""

    text: str
    mentions: tuple[str, ...] = ()
    request_id: str = ""


def read_hand_over(args: HandOverArgs) -> tuple[int, str] | None:
    """The action's number (Å-12, å-12, A-12 or 12) and the one person mentioned; None when not so written."""
    found = _NUMBER.match(args.text)
    if found is None or len(set(args.mentions)) != 1:
        return None
    return int(found.group(1)), args.mentions[0]


async def hand_over_chat(deps: Deps, turn: Turn, args: HandOverArgs) -> Reply:
    t = turn.t
    wanted = read_hand_over(args)
    if wanted is None:
        return Reply(text=t("handover.chat_usage"))
    number_typed, person_id = wanted
    async with deps.uow() as uow:
        forum = await forum_for(uow, turn, Need.MEMBER)
        action = await uow.actions.by_number(forum.id, number_typed)
        number = t("record.action_number", number=number_typed)
        if action is None:
            return Reply(text=t("handover.unknown_action", number=number, forum=forum.name))
        if not may_act(forum, action, turn.person.id):
            return await refusal(uow, t, forum, action)
        if not action.open:
            return Reply(text=t("handover.closed", number=number, status=t(f"handover.status_{action.status.value}")))
        target = await resolve_target(uow, turn, forum, action, PERSON_PREFIX + person_id)
        if isinstance(target, str):
            return Reply(text=target)
        forum, role_id = target
        text = await transfer(uow, deps, turn, forum, action, role_id, note="",
                              slot=args.request_id or turn.now.isoformat())
        await uow.commit()
    return Reply(text=text)
