"""One action as a card panel: number and title, owner, due date, status, what just happened, and the buttons
to act on it (Klar, Nytt datum, Behöver hjälp, Kommentar as forms that open in place, Lämna över).

Every button carries the action's `state_token`, so the server can tell an outdated card (the action was closed,
re-dated or handed over since the card was sent) and answer with the current state instead of acting on it.
Input ids carry the action id, so several panels can share one card (a digest) without clashing.
User text (title, outcome, owner names) is escaped.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from dialogs.cards.elements import Element, action_set, card, execute, facts, heading, input_text, notice, text
from dialogs.cards.escaping import escape_card_inline, escape_card_text
from dialogs.owners import action_number
from dialogs.texts import Texts
from dialogs.texts.formatting import format_date
from domain.actions import ActionItem, ActionStatus

MAX_TEXT_CHARS = 2_000  # outcome, reason, help text, comment

VERB_DONE = "action.done"
VERB_REDATE = "action.redate"
VERB_HELP = "action.help"
VERB_COMMENT = "action.comment"
VERB_HANDOVER_OPEN = "action.handover_open"  # part C's route


@dataclass(frozen=True)
class ActionView:
    action: ActionItem
    forum_id: str
    owner: str  # dialogs.owners.owner_label(...) text, not yet escaped
    today: date
    result: str = ""  # what just happened, shown on top ("Klar, markerad av Polly Polis 2 december")
    buttons: bool = True  # False once done/cancelled, or for readers without permission
    group: tuple[str, ...] = ()  # the ids of every action on the same card (a digest): the card is redrawn whole


MAX_GROUP = 20  # a digest never holds more actions than this (a forged list is cut)


def group_of(data: Mapping[str, Any]) -> tuple[str, ...]:
    """The action ids of the digest a button was pressed on (none: a card of one action)."""
    return tuple(i for i in str(data.get("group") or "").split(",") if i)[:MAX_GROUP]


def state_token(action: ActionItem) -> str:
    """Changes whenever the action's status, due date or owner changes (an outdated card no longer matches)."""
    raw = f"{action.id}|{action.status.value}|{action.due.isoformat()}|{action.owner_role_id}"
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]


def input_id(name: str, action_id: str) -> str:
    """The id of one of a panel's inputs ("outcome", "due", "reason", "help", "comment"), unique per action."""
    return f"{name}_{action_id}"


def _data(view: ActionView, verb: str) -> dict[str, Any]:
    data: dict[str, Any] = {"verb": verb, "action_id": view.action.id, "forum_id": view.forum_id,
                            "state": state_token(view.action)}
    if view.group:
        data["group"] = ",".join(view.group)
    return data


def _status(t: Texts, view: ActionView) -> str:
    action = view.action
    if action.status is ActionStatus.DONE:
        closed = action.closed_at.date() if action.closed_at else view.today
        return t("act.status_done", date=format_date(t, closed))
    if action.status is ActionStatus.CANCELLED:
        return t("act.status_cancelled")
    return t("act.status_overdue") if action.overdue_on(view.today) else t("act.status_open")


def _form(title: str, body: list[Element], submit: Element) -> Element:
    return {"type": "Action.ShowCard", "title": title,
            "card": {"type": "AdaptiveCard", "body": body, "actions": [submit]}}


def _text_form(t: Texts, view: ActionView, verb: str, key: str, name: str) -> Element:
    field = input_text(input_id(name, view.action.id), t(f"act.{key}_label"), multiline=True,
                       max_length=MAX_TEXT_CHARS, required=True, error=t(f"act.{key}_required"))
    return _form(t(f"act.button_{key}"), [field], execute(t(f"act.submit_{key}"), verb, _data(view, verb)))


def _redate_form(t: Texts, view: ActionView) -> Element:
    due: Element = {"type": "Input.Date", "id": input_id("due", view.action.id), "label": t("act.due_label"),
                    "min": view.today.isoformat(), "isRequired": True, "errorMessage": t("act.due_required")}
    reason = input_text(input_id("reason", view.action.id), t("act.reason_label"), multiline=True,
                        max_length=MAX_TEXT_CHARS, required=True, error=t("act.reason_required"))
    return _form(t("act.button_redate"), [due, reason],
                 execute(t("act.submit_redate"), VERB_REDATE, _data(view, VERB_REDATE)))


def _buttons(t: Texts, view: ActionView) -> Element:
    return action_set([
        _text_form(t, view, VERB_DONE, "done", "outcome"),
        _redate_form(t, view),
        _text_form(t, view, VERB_HELP, "help", "help"),
        _text_form(t, view, VERB_COMMENT, "comment", "comment"),
        execute(t("act.button_handover"), VERB_HANDOVER_OPEN, _data(view, VERB_HANDOVER_OPEN), validate=False),
    ])


def action_panel(t: Texts, view: ActionView) -> list[Element]:
    """The elements of one action (for a card of its own or a digest of several)."""
    action = view.action
    body: list[Element] = []
    if view.result:
        body.append(notice(view.result))
    body.append(heading(f"{action_number(t, action.number)} {escape_card_inline(action.title)}", size="Medium"))
    due = format_date(t, action.due)
    if action.overdue_on(view.today):
        due = t("act.due_overdue", due=due)
    body.append(facts([(t("act.owner_label"), escape_card_inline(view.owner)),
                       (t("act.due_fact"), due),
                       (t("act.status_label"), _status(t, view))]))
    if action.status is ActionStatus.DONE and action.outcome.strip():
        body.append(text(t("act.outcome_shown", outcome=escape_card_text(action.outcome))))
    if view.buttons and action.open:
        body.append(_buttons(t, view))
    return body


def action_card(t: Texts, view: ActionView) -> Element:
    """One action as a whole card."""
    return card(action_panel(t, view))


def group_card(t: Texts, heading_text: str, views: Sequence[ActionView]) -> Element:
    """Several actions on one card (a reminder digest), each panel set apart by a line."""
    body: list[Element] = [heading(heading_text)]
    for view in views:
        body.append({"type": "Container", "separator": True, "spacing": "Large", "items": action_panel(t, view)})
    return card(body)
