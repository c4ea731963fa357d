"""`minnesanteckningar` / `minutes` and the *Minnesanteckningar* button (`minutes.open`): the draft's cards.

The text command opens the draft of the latest meeting that has started (or of `minnesanteckningar <datum>`),
creating it on first open. `minutes.open` shows one of the draft's cards from the stored draft, saving nothing:
the overview (default), an item (`view` "item", `item`), the attendance, a new item, or an action (`view`
"action", `item`, `action`). Saving is in bot/services/minutes_save.py and minutes_actions.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.services.guards import Need, chair_name, forum_for
from bot.services.meetings import local_today, meeting_on
from bot.services.minutes_common import Draft, card_meeting, latest_started, open_draft
from bot.services.minutes_publish import show_published
from bot.services.minutes_views import action_view, attendance_view, frame_of, item_view, overview
from bot.services.ports import Deps, UnitOfWork
from bot.services.turn import Reply, Turn
from dialogs.cards.elements import Element
from dialogs.cards.minutes_draft import NO_FEEDBACK, Feedback, new_item_card
from dialogs.cards.minutes_form import locate_action
from dialogs.texts.formatting import format_date
from domain.errors import NotRecordKeeper
from domain.meetings import Meeting
from domain.minutes import may_draft
from domain.model import Forum


@dataclass(frozen=True)
class MinutesArgs:
    day: date | None = None  # `minnesanteckningar <datum>`; None: the latest meeting that has started


async def open_minutes(deps: Deps, turn: Turn, args: MinutesArgs) -> Reply:
    t = turn.t
    async with deps.uow() as uow:
        forum = await forum_for(uow, turn, Need.MEMBER)
        meeting = await _meeting(uow, deps, forum, turn, args.day)
        await uow.commit()
        if not may_draft(forum, turn.person.id) and meeting is None:
            raise NotRecordKeeper(chair=await chair_name(uow, forum))
    if meeting is None:
        if args.day is not None:
            return Reply(text=t("collection.no_meeting_on", date=format_date(t, args.day)))
        return Reply(text=t("draft.no_meeting", forum=forum.name))
    async with deps.uow() as uow:
        minutes = await uow.minutes.get(meeting.id)
    reader = not may_draft(forum, turn.person.id)
    if minutes is not None and (minutes.locked or (minutes.published_versions and reader)):
        return await show_published(deps, turn, forum, meeting)  # keepers get *Rätta* on it
    found = await open_draft(deps, turn, forum, meeting)
    if isinstance(found, Reply):
        return found
    async with deps.uow() as uow:
        return Reply(card=await overview(uow, turn, found))


async def _meeting(uow: UnitOfWork, deps: Deps, forum: Forum, turn: Turn, day: date | None) -> Meeting | None:
    if day is None:
        return await latest_started(uow, forum, turn.now)
    if forum.created_at is not None and day < local_today(forum, forum.created_at):
        return None  # the forum did not exist yet: no meeting of it to keep minutes of
    return await meeting_on(uow, forum, day, turn.now, deps.holidays)


async def show(deps: Deps, turn: Turn, data: Mapping[str, Any]) -> Reply:
    """A draft card from the stored draft. From another card (the summary, `nästa möte`) it comes as a new card;
    from the draft's own buttons (`in_place`) it replaces the pressed one."""
    in_place = bool(data.get("in_place"))
    async with deps.uow() as uow:
        forum, meeting = await card_meeting(uow, data)
    found = await open_draft(deps, turn, forum, meeting)
    if isinstance(found, Reply):
        return Reply(text=found.text, card=found.card, replace=in_place)
    async with deps.uow() as uow:
        card = await view(uow, turn, found, data)
    return Reply(card=card, replace=in_place)


async def view(
    uow: UnitOfWork, turn: Turn, draft: Draft, where: Mapping[str, Any], feedback: Feedback = NO_FEEDBACK
) -> Element:
    """The card `where` names (`view`, `item`, `action`); the overview when it names nothing that is there."""
    t = turn.t
    kind = str(where.get("view") or "overview")
    item = draft.content.item(str(where.get("item") or ""))
    if kind == "attendance":
        return attendance_view(t, draft, feedback=feedback)
    if kind == "new_item" and draft.minutes.published_versions == 0:
        return new_item_card(t, frame_of(t, draft), feedback=feedback)
    if kind == "action" and item is not None:
        located = locate_action(draft.content, str(where.get("action") or ""))
        if located is not None:
            return action_view(t, draft, located[0], located[1], feedback=feedback)
        return action_view(t, draft, item, None, feedback=feedback)
    if kind in ("item", "action") and item is not None:
        return item_view(t, draft, item, feedback=feedback)
    if kind in ("item", "action") and where.get("item"):
        feedback = Feedback(note=t("draft.item_gone"))
    return await overview(uow, turn, draft, feedback)
