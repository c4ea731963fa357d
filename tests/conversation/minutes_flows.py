"""Steps shared by the draft-minutes conversation tests: a forum whose meeting has started, record roles, buttons."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from dialogs.cards.elements import text
from domain.clock import FixedClock
from storage.unit_of_work import UnitOfWorkFactory
from tests.conversation.flows import values_from
from tests.conversation.harness import Chat, User, action_data, card_of, inputs_of, posted_cards
from tests.conversation.test_contribution import (
    ANNA,
    ERIK,
    forum_with_participants,
    open_card,
    personal,
    submit_data,
)

MEETING_STARTED = datetime(2026, 11, 26, 8, 30, tzinfo=UTC)  # Thursday 09:30 in Stockholm, the meeting is on


def buttons(card: dict[str, Any]) -> list[dict[str, Any]]:
    """Every Action.Execute on the card, in the body's action sets and at its foot, in reading order."""
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "Action.Execute":
                found.append(node)
                return
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card.get("body", []))
    walk(card.get("actions", []))
    return found


def press(card: dict[str, Any], title: str, nth: int = 0) -> tuple[str, dict[str, Any]]:
    """The verb and data of the `nth` button titled `title`, as Teams sends it (the card's inputs as shown)."""
    matching = [b for b in buttons(card) if b["title"] == title]
    assert len(matching) > nth, f"no button {title!r} among {[b['title'] for b in buttons(card)]}"
    button = matching[nth]
    data = {k: v for k, v in button["data"].items() if k != "verb"}
    if button.get("associatedInputs") != "none":
        data = {**values_from(card), **data}
    return button["verb"], data


async def click(chat: Chat, user: User, card: dict[str, Any], title: str, nth: int = 0,
                **typed: str) -> dict[str, Any]:
    """Press a button with `typed` input values; the card the person sees next (a text answer as a card)."""
    verb, data = press(card, title, nth)
    return await answer(chat, user, verb, {**data, **typed})


async def answer(chat: Chat, user: User, verb: str, data: dict[str, Any]) -> dict[str, Any]:
    body = await chat.execute(user, verb, data)
    value = body["value"]
    if isinstance(value, str):
        cards = posted_cards(chat)  # an answer that opens a card posts it as a new message
        return cards[-1] if cards and not value else {"type": "AdaptiveCard", "body": [text(value)]}
    result: dict[str, Any] = value
    return result


async def forum_in_meeting(uow: UnitOfWorkFactory, clock: FixedClock) -> tuple[Any, Chat]:
    """The forum of the contribution tests, Polisen has reported and will attend, and the meeting has started."""
    bot, channel = await forum_with_participants(uow, clock)
    erik = personal(bot, ERIK)
    await erik.execute(ERIK, "contribution.submit", submit_data(await open_card(erik, ERIK), s2="Lugnt i centrum."))
    clock.set(MEETING_STARTED)
    return bot, channel


async def set_record_roles(channel: Chat, chair: User, **choices: str) -> dict[str, Any]:
    """From the setup card's button: the record roles card, with `choices` (input id -> value), saved."""
    setup = card_of((await channel.say(chair, "konfigurera"))[-1])
    roles = await click(channel, chair, setup, "Roller för minnesanteckningar")
    verb, data = press(roles, "Spara")
    return await answer(channel, chair, verb, {**data, **choices})


def person_choice(card: dict[str, Any], input_id: str, title_part: str) -> str:
    choices = inputs_of(card)[input_id]["choices"]
    return str(next(c["value"] for c in choices if title_part in c["title"]))


__all__ = ["ANNA", "MEETING_STARTED", "action_data", "buttons", "click", "forum_in_meeting", "person_choice",
           "press", "set_record_roles"]
