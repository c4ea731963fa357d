"""Small builders for Adaptive Card 1.5 elements, so every card is labelled and consistent."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

Element = dict[str, Any]

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"


def card(body: Sequence[Element], actions: Sequence[Element] = (), *, refresh: Element | None = None) -> Element:
    result: Element = {"type": "AdaptiveCard", "$schema": SCHEMA, "version": "1.5", "body": list(body)}
    if actions:
        result["actions"] = list(actions)
    if refresh:
        result["refresh"] = refresh
    return result


def refresh(verb: str, data: dict[str, Any], user_ids: Sequence[str]) -> Element | None:
    """Universal Actions `refresh`: Teams asks for the current card when one of `user_ids` views it.

    Without user ids there is nothing to refresh automatically (Teams refreshes for at most 60 listed users).
    """
    ids = [u for u in user_ids if u][:60]
    if not ids:
        return None
    return {"action": {"type": "Action.Execute", "verb": verb, "data": {"verb": verb, **data}}, "userIds": ids}


def notice(message: str) -> Element:
    """An emphasised note at the top of a card (why it was sent back), in words, not colour alone."""
    return {
        "type": "Container",
        "style": "warning",
        "items": [text(f"ℹ {message}", weight="Bolder")],
    }


def heading(text: str, *, size: str = "Large") -> Element:
    return {"type": "TextBlock", "text": text, "size": size, "weight": "Bolder", "wrap": True}


def text(value: str, *, subtle: bool = False, weight: str | None = None, color: str | None = None) -> Element:
    block: Element = {"type": "TextBlock", "text": value, "wrap": True}
    if subtle:
        block["isSubtle"] = True
    if weight:
        block["weight"] = weight
    if color:
        block["color"] = color
    return block


def facts(pairs: Iterable[tuple[str, str]]) -> Element:
    return {"type": "FactSet", "facts": [{"title": k, "value": v} for k, v in pairs]}


def errors_block(messages: Sequence[str], title: str) -> Element:
    """Errors say what is wrong in words (and with a symbol), never by colour alone."""
    lines = "\r".join(f"- {m}" for m in messages)
    return {
        "type": "Container",
        "style": "attention",
        "items": [text(f"⚠ {title}", weight="Bolder", color="Attention"), text(lines)],
    }


def input_text(
    id: str,
    label: str,
    *,
    value: str | None = None,
    multiline: bool = False,
    max_length: int | None = None,
    required: bool = False,
    error: str | None = None,
    placeholder: str | None = None,
) -> Element:
    element: Element = {"type": "Input.Text", "id": id, "label": label, "isMultiline": multiline}
    if value:
        element["value"] = value
    if max_length:
        element["maxLength"] = max_length
    if required:
        element["isRequired"] = True
        element["errorMessage"] = error or label
    elif error:
        element["errorMessage"] = error
    if placeholder:
        element["placeholder"] = placeholder
    return element


def input_number(id: str, label: str, *, value: int, minimum: int, maximum: int, error: str) -> Element:
    return {
        "type": "Input.Number",
        "id": id,
        "label": label,
        "value": value,
        "min": minimum,
        "max": maximum,
        "isRequired": True,
        "errorMessage": error,
    }


def input_time(id: str, label: str, *, value: str, error: str) -> Element:
    return {"type": "Input.Time", "id": id, "label": label, "value": value, "isRequired": True, "errorMessage": error}


def input_date(id: str, label: str, *, value: str | None, required: bool = False, error: str | None = None) -> Element:
    element: Element = {"type": "Input.Date", "id": id, "label": label}
    if value:
        element["value"] = value
    if required:
        element["isRequired"] = True
    if error:
        element["errorMessage"] = error
    return element


def input_toggle(id: str, label: str, title: str, *, value: bool) -> Element:
    return {
        "type": "Input.Toggle",
        "id": id,
        "label": label,
        "title": title,
        "value": "true" if value else "false",
        "valueOn": "true",
        "valueOff": "false",
    }


def choice_set(
    id: str,
    label: str,
    choices: Sequence[tuple[str, str]],
    *,
    value: str | None = None,
    required: bool = False,
    error: str | None = None,
    compact: bool = True,
    multi: bool = False,
) -> Element:
    element: Element = {
        "type": "Input.ChoiceSet",
        "id": id,
        "label": label,
        "style": "compact" if compact else "expanded",
        "choices": [{"title": title, "value": val} for val, title in choices],
    }
    if multi:
        element["isMultiSelect"] = True
    if value is not None:
        element["value"] = value
    if required:
        element["isRequired"] = True
        element["errorMessage"] = error or label
    return element


def execute(title: str, verb: str, data: dict[str, Any] | None = None, *, validate: bool = True) -> Element:
    """Action.Execute (Universal Actions) with an Action.Submit fallback carrying the same verb."""
    payload = {"verb": verb, **(data or {})}
    action: Element = {
        "type": "Action.Execute",
        "title": title,
        "verb": verb,
        "data": payload,
        "fallback": {"type": "Action.Submit", "title": title, "data": payload},
    }
    if not validate:
        action["associatedInputs"] = "none"
        action["fallback"]["associatedInputs"] = "none"
    return action


def action_set(actions: Sequence[Element]) -> Element:
    return {"type": "ActionSet", "actions": list(actions)}


def attachment(content: Element) -> dict[str, Any]:
    return {"contentType": CARD_CONTENT_TYPE, "content": content}


def message(text_value: str | None = None, card_content: Element | None = None) -> dict[str, Any]:
    """A Bot Framework message activity as a plain dict (what the outbox stores)."""
    activity: dict[str, Any] = {"type": "message"}
    if text_value:
        activity["text"] = text_value
    if card_content is not None:
        activity["attachments"] = [attachment(card_content)]
    return activity
