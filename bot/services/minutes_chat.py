"""`åtgärd <text> @person <datum>` / `action <text> @person <date>` in the forum's channel, during or after the
meeting: one action added to the draft of the latest meeting that has started (the draft is created if needed).

The @mention arrives as a Teams mention entity (its user id is in the request); the date is optional (the
forum's default number of days after the meeting). `Trender: <text> …` puts the action in the item of that
title; otherwise it goes in the last item. The answer is a short card with the action and *Ändra*.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from bot.services.guards import bound_forum, require_record_keeper
from bot.services.meetings import local_today
from bot.services.minutes_actions import fill_role, person_owner
from bot.services.minutes_common import Draft, keeper_draft, latest_started, open_draft, screen_draft, store
from bot.services.minutes_views import action_view, default_due, frame_of, owner_text
from bot.services.ports import Deps, UnitOfWork
from bot.services.turn import Reply, Turn
from dialogs.cards.minutes_action import action_added_card
from dialogs.cards.minutes_draft import Feedback
from dialogs.cards.minutes_form import (
    ACTION_DUE,
    ACTION_ITEM,
    ACTION_OWNER,
    ACTION_TITLE,
    MAX_TITLE,
    PERSON_CHOICE,
    ROLE_CHOICE,
    action_keys,
    next_key,
)
from dialogs.texts.formatting import format_date
from domain.errors import Usage
from domain.minutes import DraftAction, MinutesContent, MinutesItem, StaleDraft
from domain.model import Forum

_DATE = re.compile(r"\b(\d{4}-\d{1,2}-\d{1,2})\b")


@dataclass(frozen=True)
class ChatActionArgs:
    text: str  # the command's words, the mention's name already taken out
    mentions: tuple[str, ...] = ()  # user ids mentioned (the bot's own mention is not among them)
    masked: bool = False  # the message had an identity number, now masked


@dataclass(frozen=True)
class ChatAction:
    title: str
    owner_id: str
    due: date | None
    item_title: str | None  # "Trender: …" names the item


def read_chat_action(args: ChatActionArgs) -> ChatAction:
    """The action's words, its owner and its date; missing text or owner, or an impossible date, is `Usage`."""
    text = args.text
    found = _DATE.search(text)
    due = None
    if found is not None:
        try:
            due = date.fromisoformat("-".join(part.zfill(2) for part in found.group(1).split("-")))
        except ValueError as error:
            raise Usage("draft.chat_usage") from error
        text = text[:found.start()] + " " + text[found.end():]
    words = " ".join(text.split())
    head, colon, rest = words.partition(":")
    item_title = head.strip() if colon and rest.strip() else None
    title = rest.strip() if item_title else words
    if not title or not args.mentions or len(title) > MAX_TITLE:
        raise Usage("draft.chat_usage")
    if len(set(args.mentions)) > 1:  # one owner per action: never pick one of several silently
        raise Usage("draft.chat_one_owner")
    return ChatAction(title, args.mentions[0], due, item_title)


async def add_from_chat(deps: Deps, turn: Turn, args: ChatActionArgs) -> Reply:
    t = turn.t
    forum = bound_forum(turn)
    async with deps.uow() as uow:
        await require_record_keeper(uow, turn, forum)
        meeting = await latest_started(uow, forum, turn.now)
    if meeting is None:
        return Reply(text=t("draft.no_meeting", forum=forum.name))
    wanted = read_chat_action(args)
    if args.masked:
        return Reply(text=t("draft.chat_masked"))
    opened = await open_draft(deps, turn, forum, meeting)
    if isinstance(opened, Reply):
        return opened
    async with deps.uow() as uow:
        found = await keeper_draft(uow, turn, forum, meeting, create=False)
        if isinstance(found, Reply):
            return found
        reply = await _add(deps, uow, turn, found, wanted)
        await uow.commit()
    return reply


async def _add(deps: Deps, uow: UnitOfWork, turn: Turn, draft: Draft, wanted: ChatAction) -> Reply:
    t = turn.t
    named = _named(draft, wanted)
    title = f"{wanted.item_title}: {wanted.title}" if wanted.item_title and named is None else wanted.title
    owner = person_owner(draft.forum, wanted.owner_id, turn.person.id)
    if not owner.known:
        person = await uow.people.get(wanted.owner_id)
        if person is None:
            return Reply(text=t("draft.chat_unknown_person"))
        if owner.needs_role is not None:
            return Reply(text=t("draft.error.owner_needs_role", name=person.display_name))
        return Reply(text=t("draft.chat_unknown_owner", name=person.display_name))
    due = wanted.due or default_due(draft)
    today = local_today(draft.forum, turn.now)
    content, item = _with_item(turn, draft, named)
    if item is None:
        return Reply(text=t("draft.chat_no_items"))
    if due < today:  # the action card, filled in as typed, to pick another date
        error = t("draft.error.action_past_due", date=format_date(t, due), today=format_date(t, today))
        chosen = ROLE_CHOICE + owner.role_id if owner.role_id else PERSON_CHOICE + wanted.owner_id
        typed = {ACTION_TITLE: title, ACTION_OWNER: chosen, ACTION_DUE: due.isoformat(), ACTION_ITEM: item.key}
        return Reply(card=action_view(t, draft, draft.content.item(item.key) or item, None, typed=typed,
                                      feedback=Feedback(errors=[error])))
    labels = {ACTION_TITLE: t("draft.action_title_label")}
    screened = screen_draft(deps, uow, turn, draft, {ACTION_TITLE: title}, labels, {})
    if screened is not None:  # the card lets the keeper rewrite it or confirm it
        typed = {ACTION_TITLE: screened.masked.get(ACTION_TITLE, title), ACTION_DUE: due.isoformat(),
                 ACTION_ITEM: item.key}
        return Reply(card=action_view(t, draft, draft.content.item(item.key) or item, None, typed=typed,
                                      feedback=screened.feedback))
    forum, role_id = await fill_role(uow, turn, draft.forum, owner)
    draft = Draft(forum, draft.meeting, draft.minutes, draft.names)
    action = DraftAction(next_key(action_keys(content), "a"), title, role_id, due)
    content = replace(content, items=tuple(replace(i, actions=(*i.actions, action)) if i.key == item.key else i
                                           for i in content.items))
    try:
        draft = await store(uow, turn, draft, content, draft.minutes.revision)
    except StaleDraft:
        return Reply(text=t("draft.retry"))
    names = {**draft.names, **await _holder(uow, forum, role_id)}
    return Reply(card=action_added_card(t, frame_of(t, draft), item_key=item.key, item_title=item.title,
                                        action=action, owner=owner_text(t, forum, role_id, names),
                                        due=format_date(t, due)))


def _named(draft: Draft, wanted: ChatAction) -> MinutesItem | None:
    if not wanted.item_title:
        return None
    wanted_title = " ".join(wanted.item_title.casefold().split())
    titles = [(i, " ".join(i.title.casefold().split())) for i in draft.content.items]
    exact = next((i for i, title in titles if title == wanted_title), None)
    if exact is not None:
        return exact
    starting = [i for i, title in titles if title.startswith(wanted_title)]  # "Trender" for "Trender och mönster"
    return starting[0] if len(starting) == 1 else None


def _with_item(turn: Turn, draft: Draft, named: MinutesItem | None) -> tuple[MinutesContent, MinutesItem | None]:
    """The content and the item the action goes in (the named one, else the last); a draft without items gets
    one (never in a correction)."""
    content = draft.content
    if content.items:
        return content, named or content.items[-1]
    if draft.minutes.published_versions > 0:
        return content, None
    item = MinutesItem(next_key([], "extra-"), turn.t("draft.chat_item"))
    return replace(content, items=(item,)), item


async def _holder(uow: UnitOfWork, forum: Forum, role_id: str) -> dict[str, str]:
    role = next((r for r in forum.roles if r.id == role_id), None)
    if role is None or role.holder_id is None:
        return {}
    person = await uow.people.get(role.holder_id)
    return {role.holder_id: person.display_name} if person else {}
