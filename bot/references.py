"""Conversation references <-> JSON, and what an inbound activity tells us about where it came from."""

from __future__ import annotations

from typing import Any

from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ConversationReference

from bot.services.turn import Origin


def tenant_of(activity: Activity) -> str | None:
    """channelData.tenant.id first (the schema drops conversation.tenantId), then the raw conversation field."""
    channel_data = activity.channel_data
    if isinstance(channel_data, dict):
        tenant = channel_data.get("tenant")
        if isinstance(tenant, dict) and isinstance(tenant.get("id"), str):
            return str(tenant["id"])
    conversation = activity.conversation
    if conversation is not None:
        if conversation.tenant_id:
            return str(conversation.tenant_id)
        extra = getattr(conversation, "additional_properties", None) or {}
        if isinstance(extra.get("tenantId"), str):
            return str(extra["tenantId"])
    return None


def _channel_data_id(activity: Activity, key: str) -> str | None:
    data = activity.channel_data
    if isinstance(data, dict):
        value = data.get(key)
        if isinstance(value, dict) and isinstance(value.get("id"), str):
            return str(value["id"])
    return None


def origin_of(activity: Activity) -> Origin:
    conversation = activity.conversation
    assert conversation is not None and conversation.id
    ctype = conversation.conversation_type or ("groupChat" if conversation.is_group else "personal")
    sender = activity.from_property
    return Origin(
        tenant_id=tenant_of(activity),
        conversation_id=conversation.id,
        conversation_type=ctype,
        service_url=activity.service_url or "",
        user_id=sender.id if sender else None,
        user_name=sender.name if sender else None,
        aad_object_id=sender.aad_object_id if sender else None,
        bot_id=activity.recipient.id if activity.recipient else None,
        team_id=_channel_data_id(activity, "team"),
        channel_id=_channel_data_id(activity, "channel"),
        locale=activity.locale,
    )


def reference_to_json(activity: Activity) -> dict[str, Any]:
    reference = TurnContext.get_conversation_reference(activity)
    data: dict[str, Any] = reference.serialize()
    return data


def reference_from_json(data: dict[str, Any]) -> ConversationReference:
    reference: ConversationReference = ConversationReference().deserialize(data)
    return reference
