"""Acting on an action from its card or in chat: done (with the outcome), a new due date (with the reason), a
request for help, a comment; and the chair reopening a closed one.

Who may: the holder of the owning role, the holder of that organisation's other role (the deputy), or the
chair; everyone else is refused politely, nothing stored. A card's button carries the action's state token: an
outdated card (the action was closed, re-dated or handed over since) is answered with the current state and a
note, nothing stored. Free text passes the personal-data guard before it is stored. Every change is appended to
the follow-up log; a re-dated action or help request tells the chair at once (Kind.ACTION_CHAIR_NOTE).
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass, replace
from datetime import date

from bot.services.guards import Need, chair_name, forum_for, require_chair
from bot.services.meetings import local_today
from bot.services.notify import Kind, texts_for, to_person
from bot.services.nudges import start_plan, stop_plan
from bot.services.ports import Deps, UnitOfWork
from bot.services.screening import screen_fields
from bot.services.turn import Reply, Turn
from dialogs.cards.action_card import ActionView, action_card, action_panel, group_card, state_token
from dialogs.cards.elements import Element, card, message, text
from dialogs.cards.escaping import escape_card_inline, escape_card_text
from dialogs.owners import action_number, owner_label
from dialogs.texts import Texts
from dialogs.texts.formatting import format_date
from domain.action_log import ActionEvent, EventKind
from domain.actions import ActionItem, ActionStatus, may_act
from domain.model import Forum

log = logging.getLogger(__name__)


class Act(enum.StrEnum):
    DONE = "done"
    REDATE = "redate"
    HELP = "help"
    COMMENT = "comment"


EXAMPLES = {Act.DONE: "act.example_done", Act.REDATE: "act.example_redate", Act.HELP: "act.example_help",
            Act.COMMENT: "act.example_comment"}


@dataclass(frozen=True)
class ActArgs:
    act: Act
    text: str = ""  # the outcome, reason, help text or comment
    due: date | None = None  # a new date
    number: int | None = None  # typed in chat
    action_id: str | None = None  # from a card
    forum_id: str | None = None  # from a card
    state: str | None = None  # from a card: the state token it was sent with
    request_id: str = ""
    from_card: bool = False
    masked: bool = False  # a channel message that held an identity number (now masked)
    date_typed: bool = False  # chat: something date-shaped was written (an impossible date reads as none)
    group: tuple[str, ...] = ()  # from a digest card: every action on it, so the whole card is redrawn


async def names_for(uow: UnitOfWork, forum: Forum, *person_ids: str | None) -> dict[str, str]:
    wanted = [p for p in {*(r.holder_id for r in forum.roles), *person_ids} if p]
    people = await uow.people.many(wanted)
    return {pid: person.display_name for pid, person in people.items()}


async def view_of(uow: UnitOfWork, t: Texts, forum: Forum, action: ActionItem, today: date, *, result: str = "",
                  buttons: bool = True, group: tuple[str, ...] = ()) -> ActionView:
    names = await names_for(uow, forum)
    return ActionView(action, forum.id, owner_label(t, forum, action.owner_role_id, names), today, result=result,
                      buttons=buttons, group=group)




async def _forum(uow: UnitOfWork, turn: Turn, args: ActArgs) -> Forum | None:
    if args.from_card:
        return await uow.forums.get(args.forum_id) if args.forum_id else None
    return await forum_for(uow, turn, Need.MEMBER)


async def _action(uow: UnitOfWork, forum: Forum, args: ActArgs) -> ActionItem | None:
    if args.from_card:
        found = await uow.actions.get(args.action_id, lock=True) if args.action_id else None
        return found if found is not None and found.forum_id == forum.id else None
    return await uow.actions.by_number(forum.id, args.number, lock=True) if args.number is not None else None


def _usage(t: Texts, args: ActArgs) -> str | None:
    """What is missing from a chat command (a card's inputs are checked by Teams, and here again)."""
    example = t(EXAMPLES[args.act])
    if args.number is None and not args.from_card:
        return t("act.no_number", example=example)
    if args.act is Act.REDATE and args.due is None:
        return t("act.date_missing", example=example)
    if not args.text.strip():
        return t("act.text_missing", example=example)
    return None


async def act(deps: Deps, turn: Turn, args: ActArgs) -> Reply:
    t = turn.t
    if args.masked:
        return Reply(text=t("act.masked"))
    if args.number is None and not args.from_card:
        return Reply(text=t("act.no_number", example=t(EXAMPLES[args.act])))
    async with deps.uow() as uow:
        forum = await _forum(uow, turn, args)
        action = await _action(uow, forum, args) if forum is not None else None
        if forum is None or action is None:
            if forum is None or args.from_card:
                return Reply(text=t("error.stale_card"))
            return Reply(text=t("act.unknown_action", number=action_number(t, args.number), forum=forum.name))
        today = local_today(forum, turn.now)
        refused = await _refusal(uow, deps, turn, forum, action, args, today)
        if refused is not None:
            return refused
        result = await _apply(uow, deps, turn, forum, action, args, today)
        if isinstance(result, Reply):
            return result
        changed, said = result
        view = await view_of(uow, t, forum, changed, today, result=said)
        shown = await _card(uow, t, forum, view, args)
        await uow.commit()
    log.info("action %s: %s by %s", action.id, args.act.value, turn.person.id)
    return Reply(card=shown, replace=args.from_card)


async def _card(uow: UnitOfWork, t: Texts, forum: Forum, view: ActionView, args: ActArgs) -> Element:
    """The card as it now stands: the one action, or, pressed on a digest, every action of the digest (each
    in its current state) with this one's result on it."""
    return await card_as_it_stands(uow, t, forum, view, args.group)


async def card_as_it_stands(uow: UnitOfWork, t: Texts, forum: Forum, view: ActionView,
                            group: tuple[str, ...]) -> Element:
    """`view`'s action alone, or with `group` (the ids on a digest) the whole digest as it now stands."""
    if not group or view.action.id not in group:
        return action_card(t, view)
    views = []
    for action_id in group:
        if action_id == view.action.id:
            views.append(replace(view, group=group))
            continue
        other = await uow.actions.get(action_id)
        if other is not None and other.forum_id == forum.id:
            views.append(await view_of(uow, t, forum, other, view.today, group=group))
    return group_card(t, t("act.group_heading", forum=escape_card_inline(forum.name)), views)


async def _refusal(uow: UnitOfWork, deps: Deps, turn: Turn, forum: Forum, action: ActionItem, args: ActArgs,
                   today: date) -> Reply | None:
    """Who may not, an outdated card, a closed action, missing words, a past date, an identity number."""
    t = turn.t
    number = action_number(t, action.number)
    if not may_act(forum, action, turn.person.id):
        names = await names_for(uow, forum)
        role = forum.role_by_id(action.owner_role_id)
        other = forum.other_role(role) if role is not None else None
        stand_in = owner_label(t, forum, other.id, names) if other is not None else t("act.stand_in_none")
        return Reply(text=t("act.not_allowed", owner=owner_label(t, forum, action.owner_role_id, names),
                            stand_in=stand_in, chair=await chair_name(uow, forum), number=number))
    if args.from_card and (not action.open or args.state != state_token(action)):
        view = await view_of(uow, t, forum, action, today, result=t("act.outdated"))
        return Reply(card=await _card(uow, t, forum, view, args), replace=True)
    if not action.open:
        return Reply(text=t("act.closed", number=number))
    missing = _usage(t, args)
    if missing is not None:
        return await _on_card(uow, t, forum, action, today, missing, args)
    if args.act is Act.REDATE and args.due is not None and args.due < today:
        return await _on_card(uow, t, forum, action, today, t("act.date_past", due=format_date(t, args.due)), args)
    if screen_fields(deps.screener, {"text": args.text}):
        return await _on_card(uow, t, forum, action, today, t("act.personal_data"), args)
    return None


async def _on_card(uow: UnitOfWork, t: Texts, forum: Forum, action: ActionItem, today: date, note: str,
                   args: ActArgs) -> Reply:
    """A refusal that keeps the action as it is: on the card (replaced, with the note) or as a chat answer."""
    if not args.from_card:
        return Reply(text=note)
    view = await view_of(uow, t, forum, action, today, result=note)
    return Reply(card=await _card(uow, t, forum, view, args), replace=True)


def _said(t: Texts, key: str, turn: Turn, today: date, **params: object) -> str:
    return t(key, name=escape_card_inline(turn.person.display_name), date=format_date(t, today), **params)


async def _apply(uow: UnitOfWork, deps: Deps, turn: Turn, forum: Forum, action: ActionItem, args: ActArgs,
                 today: date) -> tuple[ActionItem, str] | Reply:
    """Store the change and its log event; tell the chair of a new date or a request for help."""
    t, words = turn.t, args.text.strip()
    by_chair = turn.person.id == forum.chair_id
    event = ActionEvent(action.id, forum.id, turn.now, EventKind.COMMENTED, turn.person.id, {"text": words})
    changed, said = action, _said(t, "act.result_comment", turn, today)
    if args.act is Act.DONE:
        changed = replace(action, status=ActionStatus.DONE, closed_at=turn.now, outcome=words)
        event = replace(event, kind=EventKind.DONE, detail={"outcome": words})
        said = _said(t, "act.result_done", turn, today)
    elif args.act is Act.REDATE and args.due is not None:
        changed = replace(action, due=args.due)
        event = replace(event, kind=EventKind.REDATED,
                        detail={"due_before": action.due.isoformat(), "due": args.due.isoformat(), "reason": words})
        said = _said(t, "act.result_redated_by_chair" if by_chair else "act.result_redated", turn, today,
                     due=format_date(t, args.due))
    elif args.act is Act.HELP:
        event = replace(event, kind=EventKind.HELP_REQUESTED)
        said = _said(t, "act.result_help_by_chair" if by_chair else "act.result_help", turn, today)
    if changed is not action:
        await uow.actions.update(changed, turn.now)
    uow.action_log.append(event)
    if args.act is Act.DONE:
        await stop_plan(uow, action.id)
    elif args.act is Act.REDATE:
        await start_plan(uow, deps, forum, changed, turn.now)  # reminders for the new due date
    if args.act in (Act.REDATE, Act.HELP) and not by_chair:
        await _tell_chair(uow, deps, turn, forum, action, changed, args)
    return changed, said


async def _tell_chair(uow: UnitOfWork, deps: Deps, turn: Turn, forum: Forum, before: ActionItem,
                      action: ActionItem, args: ActArgs) -> None:
    """The chair hears at once of a new date or a request for help: what, who, why, and the action's card."""
    chair = await uow.people.get(forum.chair_id)
    t = texts_for(chair, forum, deps.default_language)
    number, name = action_number(t, action.number), turn.person.display_name
    if args.act is Act.REDATE:
        note = t("act.chair_redated", name=name, number=number, title=action.title, forum=forum.name,
                 before=format_date(t, before.due), due=format_date(t, action.due), reason=args.text.strip())
    else:
        note = t("act.chair_help", name=name, number=number, title=action.title, forum=forum.name,
                 text=args.text.strip())
    view = await view_of(uow, t, forum, action, local_today(forum, turn.now))
    content = card([text(escape_card_text(note), weight="Bolder"), *action_panel(t, view)])
    await to_person(uow, Kind.ACTION_CHAIR_NOTE, forum.chair_id, about=action.id, via=forum,
                    slot=args.request_id or turn.now.isoformat(), payload=message(note, content), now=turn.now)


async def reopen(deps: Deps, turn: Turn, args: ActArgs) -> Reply:
    """`återöppna Å-12 <skäl>`: the chair opens a closed action again (the reason is logged)."""
    t = turn.t
    async with deps.uow() as uow:
        forum = await require_chair(uow, turn, await forum_for(uow, turn, Need.CHAIR))
        example = t("act.example_reopen")
        if args.masked:
            return Reply(text=t("act.masked"))
        if args.number is None:
            return Reply(text=t("act.no_number", example=example))
        action = await uow.actions.by_number(forum.id, args.number)
        if action is None:
            return Reply(text=t("act.unknown_action", number=action_number(t, args.number), forum=forum.name))
        if action.status is not ActionStatus.DONE:
            return Reply(text=t("act.not_done", number=action_number(t, action.number)))
        if not args.text.strip():
            return Reply(text=t("act.text_missing", example=example))
        if screen_fields(deps.screener, {"text": args.text}):
            return Reply(text=t("act.personal_data"))
        today = local_today(forum, turn.now)
        changed = replace(action, status=ActionStatus.OPEN, closed_at=None, outcome="")
        await uow.actions.update(changed, turn.now)
        uow.action_log.append(ActionEvent(action.id, forum.id, turn.now, EventKind.REOPENED, turn.person.id,
                                          {"reason": args.text.strip()}))
        await start_plan(uow, deps, forum, changed, turn.now)
        view = await view_of(uow, t, forum, changed, today, result=_said(t, "act.result_reopened", turn, today))
        await uow.commit()
    log.info("action %s reopened by %s", action.id, turn.person.id)
    return Reply(card=action_card(t, view))
