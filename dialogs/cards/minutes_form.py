"""The draft minutes' card inputs: their ids, the values a card shows, and reading a submitted card back.

Every draft card carries `forum_id`, `meeting_id` and the draft `revision` it was built from, and a `base`:
a fingerprint of the part it shows (an item's text, an action, the attendance). A save from an older revision
whose part is unchanged in the stored draft (the other editor changed something else) is laid over the latest
draft; a changed part is a conflict, and the card comes back with what the person typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from domain.minutes import Attendance, DraftAction, MinutesContent, MinutesItem
from domain.revisions import fingerprint

ITEM_TITLE = "item_title"
NOTES = "notes"
DECISIONS = "decisions"
ATTENDING = "attending"
GUESTS = "guests"
ACTION_TITLE = "action_title"
ACTION_DESCRIPTION = "action_description"
ACTION_OWNER = "action_owner"
ACTION_DUE = "action_due"
ACTION_ITEM = "action_item"

ROLE_CHOICE = "role:"
PERSON_CHOICE = "person:"

MAX_TITLE = 200
MAX_NOTES = 4000
MAX_DECISIONS = 2000
MAX_GUESTS = 1000
MAX_DESCRIPTION = 1000

ITEM_FIELDS = (ITEM_TITLE, NOTES, DECISIONS)
ATTENDANCE_FIELDS = (ATTENDING, GUESTS)
ACTION_FIELDS = (ACTION_TITLE, ACTION_DESCRIPTION, ACTION_OWNER, ACTION_DUE, ACTION_ITEM)
LIMITS = {ITEM_TITLE: MAX_TITLE, NOTES: MAX_NOTES, DECISIONS: MAX_DECISIONS, GUESTS: MAX_GUESTS,
          ACTION_TITLE: MAX_TITLE, ACTION_DESCRIPTION: MAX_DESCRIPTION}


def submitted(data: Mapping[str, Any], fields: tuple[str, ...]) -> dict[str, str]:
    """The card's inputs among `fields`, as strings (a missing input is left out)."""
    return {key: str(data[key]) for key in fields if key in data and isinstance(data[key], str | int | float)}


def item_values(item: MinutesItem) -> dict[str, str]:
    return {ITEM_TITLE: item.title, NOTES: item.notes, DECISIONS: "\n".join(item.decisions)}


def attendance_values(attendance: Attendance) -> dict[str, str]:
    return {ATTENDING: ",".join(attendance.organisation_ids), GUESTS: attendance.guests}


def action_values(action: DraftAction, item_key: str) -> dict[str, str]:
    return {ACTION_TITLE: action.title, ACTION_DESCRIPTION: action.description,
            ACTION_OWNER: ROLE_CHOICE + action.owner_role_id, ACTION_DUE: action.due.isoformat(),
            ACTION_ITEM: item_key}


def base_of(values: Mapping[str, str], fields: tuple[str, ...]) -> str:
    """The fingerprint of what a card shows, so a later save can tell whether that part changed since."""
    return fingerprint(repr(tuple(values.get(key, "").strip() for key in fields)))


def decisions_of(raw: str) -> tuple[str, ...]:
    """One decision per line; blank lines and list markers typed by habit are dropped."""
    lines = (line.strip() for line in raw.replace("\r\n", "\n").split("\n"))
    return tuple(line.lstrip("-•* ").strip() for line in lines if line.lstrip("-•* ").strip())


def item_from(item: MinutesItem, values: Mapping[str, str]) -> MinutesItem:
    """The stored item with the card's title, notes and decisions (its actions are edited on their own card)."""
    title = " ".join(values.get(ITEM_TITLE, item.title).split()) or item.title
    return MinutesItem(item.key, title, values.get(NOTES, item.notes).strip(),
                       decisions_of(values.get(DECISIONS, "\n".join(item.decisions))), item.actions)


def attendance_from(values: Mapping[str, str], known: set[str]) -> Attendance:
    ids = [part.strip() for part in values.get(ATTENDING, "").split(",") if part.strip() in known]
    return Attendance(tuple(dict.fromkeys(ids)), values.get(GUESTS, "").strip())


def too_long(values: Mapping[str, str]) -> list[tuple[str, int]]:
    """(field, limit) for each value longer than its field allows."""
    return [(key, LIMITS[key]) for key, value in values.items() if key in LIMITS and len(value) > LIMITS[key]]


@dataclass(frozen=True)
class ActionInput:
    """An action as typed on its card, before the owner choice is resolved to a role."""

    title: str
    description: str
    owner: str  # "role:<id>", "person:<id>" or ""
    due: date | None
    item_key: str


def action_input(values: Mapping[str, str], default_item: str) -> ActionInput:
    raw_due = values.get(ACTION_DUE, "").strip()
    try:
        due: date | None = date.fromisoformat(raw_due) if raw_due else None
    except ValueError:
        due = None
    return ActionInput(" ".join(values.get(ACTION_TITLE, "").split()), values.get(ACTION_DESCRIPTION, "").strip(),
                       values.get(ACTION_OWNER, "").strip(), due, values.get(ACTION_ITEM, "").strip() or default_item)


def next_key(existing: list[str], prefix: str) -> str:
    """`<prefix><n>` with n one more than the highest used (keys are never reused within the minutes)."""
    numbers = [int(k[len(prefix):]) for k in existing if k.startswith(prefix) and k[len(prefix):].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1}"


def action_keys(content: MinutesContent) -> list[str]:
    return [a.key for a in content.actions()]


def locate_action(content: MinutesContent, key: str) -> tuple[MinutesItem, DraftAction] | None:
    for item in content.items:
        for action in item.actions:
            if action.key == key:
                return item, action
    return None


def without_action(content: MinutesContent, key: str) -> MinutesContent:
    items = tuple(MinutesItem(i.key, i.title, i.notes, i.decisions, tuple(a for a in i.actions if a.key != key))
                  for i in content.items)
    return replace(content, items=items)


def with_action(content: MinutesContent, item_key: str, action: DraftAction) -> MinutesContent:
    """`action` in item `item_key`: replacing the one with its key where it is, else appended to that item."""
    located = locate_action(content, action.key)
    if located is not None and located[0].key == item_key:
        items = tuple(MinutesItem(i.key, i.title, i.notes, i.decisions,
                                  tuple(action if a.key == action.key else a for a in i.actions))
                      for i in content.items)
        return replace(content, items=items)
    rest = without_action(content, action.key)
    items = tuple(MinutesItem(i.key, i.title, i.notes, i.decisions, (*i.actions, action)) if i.key == item_key
                  else i for i in rest.items)
    return replace(content, items=items)
