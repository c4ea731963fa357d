"""Saving the draft minutes from their cards: an item (then on to where the button leads), the attendance, a new
item, removing an item.

Every submit saves what changed (nothing changed: nothing is stored, so moving between cards never makes the
other editor's card outdated). A card from an older revision whose part is unchanged in the stored draft is laid
over the latest draft; when the other editor changed the same part the card comes back with what the person
typed, the stored text beside it and a note, and nothing is lost. Items are added and removed only before the
minutes were first published: a correction keeps the items and so their § numbers (`check_correction`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from bot.services.minutes_common import (
    Draft,
    card_int,
    card_meeting,
    keeper_draft,
    screen_draft,
    stale_note,
    store,
)
from bot.services.minutes_draft import view
from bot.services.minutes_views import action_view, attendance_view, frame_of, item_view, overview
from bot.services.ports import Deps, UnitOfWork
from bot.services.turn import Reply, Turn
from dialogs.cards.escaping import escape_card_inline
from dialogs.cards.minutes_draft import Feedback, new_item_card, remove_item_card
from dialogs.cards.minutes_form import (
    ATTENDANCE_FIELDS,
    DECISIONS,
    GUESTS,
    ITEM_FIELDS,
    ITEM_TITLE,
    NOTES,
    attendance_from,
    attendance_values,
    base_of,
    item_from,
    item_values,
    locate_action,
    next_key,
    submitted,
    too_long,
)
from dialogs.texts import Texts
from domain.minutes import MinutesItem, StaleDraft


def _labels(t: Texts) -> dict[str, str]:
    return {ITEM_TITLE: t("draft.item_title_label"), NOTES: t("draft.notes_label"),
            DECISIONS: t("draft.decisions_label"), GUESTS: t("draft.guests_label")}


def _length_errors(t: Texts, values: Mapping[str, str]) -> list[str]:
    labels = _labels(t)
    return [t("draft.error.too_long", field=labels.get(key, key), max=limit) for key, limit in too_long(values)]


def _outdated(data: Mapping[str, Any], draft: Draft, shown_now: str) -> bool:
    """The card is from another revision and the part it shows has changed since (a real conflict)."""
    return card_int(data, "revision") != draft.minutes.revision and str(data.get("base", "")) != shown_now


async def load_draft(uow: UnitOfWork, turn: Turn, data: Mapping[str, Any]) -> Draft | Reply:
    forum, meeting = await card_meeting(uow, data)
    found = await keeper_draft(uow, turn, forum, meeting, create=False)
    if isinstance(found, Reply):
        return Reply(text=found.text, card=found.card, replace=True)
    return found


async def save_item(deps: Deps, turn: Turn, data: Mapping[str, Any]) -> Reply:
    """An item card's button: save its title, notes and decisions, then go where `go` says."""
    t = turn.t
    async with deps.uow() as uow:
        found = await load_draft(uow, turn, data)
        if isinstance(found, Reply):
            return found
        draft = found
        item = draft.content.item(str(data.get("item", "")))
        if item is None:
            return Reply(card=await overview(uow, turn, draft, Feedback(note=t("draft.item_gone"))), replace=True)
        typed = submitted(data, ITEM_FIELDS)
        changed = item_from(item, typed)
        if (changed.title, changed.notes, changed.decisions) != (item.title, item.notes, item.decisions):
            refused = _refuse_item(deps, uow, turn, draft, item, typed, data)
            if refused is not None:
                await uow.commit()  # only the personal-data guard's audit entry, when it refused
                return Reply(card=refused, replace=True)
            try:
                draft = await store(uow, turn, draft, draft.content.replace_item(changed), draft.minutes.revision)
            except StaleDraft:
                return Reply(card=item_view(t, draft, item, typed=typed, feedback=Feedback(note=t("draft.retry"))),
                             replace=True)
            await uow.commit()
            item = changed
        return Reply(card=await _go(uow, turn, draft, item, str(data.get("go", "stay"))), replace=True)


def _refuse_item(
    deps: Deps, uow: UnitOfWork, turn: Turn, draft: Draft, item: MinutesItem, typed: dict[str, str],
    data: Mapping[str, Any],
) -> dict[str, Any] | None:
    t = turn.t
    if _outdated(data, draft, base_of(item_values(item), ITEM_FIELDS)):
        return item_view(t, draft, item, typed=typed, stored=item, feedback=Feedback(note=stale_note(t, draft)))
    errors = _length_errors(t, typed)
    if not " ".join(typed.get(ITEM_TITLE, item.title).split()):
        errors.append(t("draft.error.item_title"))
    if errors:
        return item_view(t, draft, item, typed=typed, feedback=Feedback(errors=errors))
    screened = screen_draft(deps, uow, turn, draft, typed, _labels(t), data)
    if screened is not None:
        return item_view(t, draft, item, typed={**typed, **screened.masked}, feedback=screened.feedback)
    return None


async def _go(uow: UnitOfWork, turn: Turn, draft: Draft, item: MinutesItem, go: str) -> dict[str, Any]:
    t = turn.t
    keys = [i.key for i in draft.content.items]
    index = keys.index(item.key)
    if go in ("prev", "next"):
        target = draft.content.items[max(0, min(len(keys) - 1, index + (1 if go == "next" else -1)))]
        return item_view(t, draft, target)
    if go == "overview":
        return await overview(uow, turn, draft)
    if go == "new_action":
        return action_view(t, draft, item, None)
    if go.startswith("action:"):
        located = locate_action(draft.content, go.removeprefix("action:"))
        if located is not None:
            return action_view(t, draft, located[0], located[1])
    if go == "remove" and draft.minutes.published_versions == 0:
        return remove_item_card(t, frame_of(t, draft), item, base=base_of(item_values(item), ITEM_FIELDS))
    return item_view(t, draft, item, feedback=Feedback(note=t("draft.saved")))


async def save_attendance(deps: Deps, turn: Turn, data: Mapping[str, Any]) -> Reply:
    t = turn.t
    async with deps.uow() as uow:
        found = await load_draft(uow, turn, data)
        if isinstance(found, Reply):
            return found
        draft = found
        typed = submitted(data, ATTENDANCE_FIELDS)
        typed.setdefault("attending", "")  # nobody ticked: Teams leaves the input out
        current = draft.content.attendance
        attendance = attendance_from(typed, {o.id for o in draft.forum.organisations})
        if attendance != current:
            refused = _refuse_attendance(deps, uow, turn, draft, typed, data)
            if refused is not None:
                await uow.commit()
                return Reply(card=refused, replace=True)
            content = replace(draft.content, attendance=attendance)
            try:
                draft = await store(uow, turn, draft, content, draft.minutes.revision)
            except StaleDraft:
                return Reply(card=attendance_view(t, draft, typed=typed, feedback=Feedback(note=t("draft.retry"))),
                             replace=True)
            await uow.commit()
        return Reply(card=await overview(uow, turn, draft, Feedback(note=t("draft.saved"))), replace=True)


def _refuse_attendance(
    deps: Deps, uow: UnitOfWork, turn: Turn, draft: Draft, typed: dict[str, str], data: Mapping[str, Any]
) -> dict[str, Any] | None:
    t = turn.t
    if _outdated(data, draft, base_of(attendance_values(draft.content.attendance), ATTENDANCE_FIELDS)):
        return attendance_view(t, draft, typed=typed, feedback=Feedback(note=stale_note(t, draft)))
    errors = _length_errors(t, typed)
    if errors:
        return attendance_view(t, draft, typed=typed, feedback=Feedback(errors=errors))
    screened = screen_draft(deps, uow, turn, draft, {GUESTS: typed.get(GUESTS, "")}, _labels(t), data)
    if screened is not None:
        return attendance_view(t, draft, typed={**typed, **screened.masked}, feedback=screened.feedback)
    return None


async def add_item(deps: Deps, turn: Turn, data: Mapping[str, Any]) -> Reply:
    """A new item (only before the first publication), added last; then its card."""
    t = turn.t
    async with deps.uow() as uow:
        found = await load_draft(uow, turn, data)
        if isinstance(found, Reply):
            return found
        draft = found
        frame = frame_of(t, draft)
        if draft.minutes.published_versions > 0:
            return Reply(card=await overview(uow, turn, draft, Feedback(note=t("draft.correction_items"))),
                         replace=True)
        title = " ".join(str(data.get(ITEM_TITLE, "")).split())
        errors = _length_errors(t, {ITEM_TITLE: title}) or ([] if title else [t("draft.error.item_title")])
        if errors:
            return Reply(card=new_item_card(t, frame, value=title, feedback=Feedback(errors=errors)), replace=True)
        screened = screen_draft(deps, uow, turn, draft, {ITEM_TITLE: title}, _labels(t), data)
        if screened is not None:
            await uow.commit()
            value = screened.masked.get(ITEM_TITLE, title)
            return Reply(card=new_item_card(t, frame, value=value, feedback=screened.feedback), replace=True)
        item = MinutesItem(next_key([i.key for i in draft.content.items], "extra-"), title)
        content = replace(draft.content, items=(*draft.content.items, item))
        draft = await store(uow, turn, draft, content, draft.minutes.revision)
        await uow.commit()
        return Reply(card=item_view(t, draft, item, feedback=Feedback(note=t("draft.item_added"))), replace=True)


async def remove_item(deps: Deps, turn: Turn, data: Mapping[str, Any]) -> Reply:
    """After the question: the item goes, with its notes, decisions and actions (never in a correction)."""
    t = turn.t
    async with deps.uow() as uow:
        found = await load_draft(uow, turn, data)
        if isinstance(found, Reply):
            return found
        draft = found
        item = draft.content.item(str(data.get("item", "")))
        if item is None:
            return Reply(card=await overview(uow, turn, draft, Feedback(note=t("draft.item_gone"))), replace=True)
        if draft.minutes.published_versions > 0:
            return Reply(card=item_view(t, draft, item, feedback=Feedback(note=t("draft.correction_items"))),
                         replace=True)
        if _outdated(data, draft, base_of(item_values(item), ITEM_FIELDS)):
            # Someone wrote in it since the question was asked: ask again with what it holds now.
            return Reply(card=await view(uow, turn, draft, {"view": "item", "item": item.key},
                                         Feedback(note=stale_note(t, draft))), replace=True)
        content = replace(draft.content, items=tuple(i for i in draft.content.items if i.key != item.key))
        draft = await store(uow, turn, draft, content, draft.minutes.revision)
        await uow.commit()
        return Reply(card=await overview(uow, turn, draft, Feedback(note=t("draft.item_removed",
                                                                          title=escape_card_inline(item.title)))),
                     replace=True)
