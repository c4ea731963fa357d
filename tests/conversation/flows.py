"""Reusable steps: set a forum up, let people join (used by several conversation tests)."""

from __future__ import annotations

from typing import Any

from tests.conversation.harness import Chat, User, action_data, card_of, inputs_of


def values_from(card: dict[str, Any]) -> dict[str, Any]:
    """What Teams would submit for a card nobody edited: each input's current value."""
    return {key: node.get("value", "") for key, node in inputs_of(card).items()}


async def set_up_forum(
    chat: Chat, chair: User, *, name: str, organisations: list[str], **changes: Any
) -> dict[str, Any]:
    replies = await chat.say(chair, "konfigurera")
    card = card_of(replies[-1])
    data = values_from(card)
    data.update(name=name, organisations_new="\n".join(organisations), **changes)
    body = await chat.execute(chair, "setup.save", {**data, **action_data(card, "setup.save")})
    return body


async def join(chat: Chat, user: User, organisation: str, role: str = "participant") -> dict[str, Any]:
    replies = await chat.say(user, "gå med")
    card = card_of(replies[-1])
    choices = inputs_of(card)["organisation_id"]["choices"]
    org_id = next(c["value"] for c in choices if c["title"] == organisation)
    return await chat.execute(user, "join.submit",
                              {**action_data(card, "join.submit"), "organisation_id": org_id, "role": role})
