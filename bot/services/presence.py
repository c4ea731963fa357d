"""Refresh what we know from every inbound activity: the person and the conversation reference."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

from bot.services.ports import UnitOfWork
from bot.services.turn import Origin
from dialogs.texts import language_of
from domain.model import Person

log = logging.getLogger(__name__)

DISPLAY_NAME_STORED = 200  # people.display_name; Teams (Entra ID) names may be 256 long and are accepted


def base_conversation_id(conversation_id: str) -> str:
    """A channel message arrives in a thread ('19:…@thread.tacv2;messageid=…'); the forum is the channel."""
    return conversation_id.split(";messageid=")[0]


def stored_reference(origin: Origin, reference: dict[str, Any]) -> dict[str, Any]:
    """The reference as stored: the channel itself rather than the thread, no activity id, and the service URL
    the handler checked and normalised (the same one as in the service_url column)."""
    stored = dict(reference)
    stored["serviceUrl"] = origin.service_url
    conversation = dict(stored.get("conversation") or {})
    conversation["id"] = base_conversation_id(origin.conversation_id)
    stored["conversation"] = conversation
    stored.pop("activityId", None)
    return stored


def turn_key(origin: Origin, reference: dict[str, Any]) -> tuple[str, str, str]:
    """Who, where, and through exactly which reference: equal keys need no refresh of the stored reference."""
    fingerprint = json.dumps(stored_reference(origin, reference), sort_keys=True, default=str)
    return (origin.user_id or "", base_conversation_id(origin.conversation_id), fingerprint)


async def record_origin(
    uow: UnitOfWork, origin: Origin, reference: dict[str, Any], now: datetime
) -> Person | None:
    """Upsert the sender and store the conversation reference. Caller checked tenant and service URL."""
    person = None
    if origin.user_id and origin.user_id != origin.bot_id:
        person = await uow.people.upsert(
            origin.user_id,
            display_name=origin.user_name[:DISPLAY_NAME_STORED] if origin.user_name else None,
            aad_object_id=origin.aad_object_id,
            tenant_id=origin.tenant_id,
            now=now,
            client_language=language_of(origin.locale),
        )
    conversation_id = base_conversation_id(origin.conversation_id)
    stored = stored_reference(origin, reference)
    created = await uow.conversations.save(
        conversation_id=conversation_id,
        tenant_id=origin.tenant_id or "",
        type=origin.conversation_type,
        service_url=origin.service_url,
        reference=stored,
        bot_id=origin.bot_id,
        user_id=origin.user_id,
        aad_object_id=origin.aad_object_id,
        team_id=origin.team_id,
        channel_id=origin.channel_id,
        now=now,
    )
    if created:
        log.info("stored new conversation reference: conversation=%s type=%s", conversation_id,
                 origin.conversation_type)
    return person
