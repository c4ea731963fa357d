"""Conversation references <-> JSON, and what an inbound activity tells us about where it came from."""

from __future__ import annotations

import unicodedata
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ConversationReference

from bot.services.turn import Origin
from domain.model import ConversationType

# Limits on what an inbound activity may carry, checked before anything is stored (bot/routes.py answers 400).
# Chosen so that real Teams traffic always fits; each is at most the width of the column it is stored in:
# - conversation ids: 400 (conversations.id). Teams sends `a:1…` personal ids of about 100-150 characters,
#   `19:…@thread.tacv2` channel and `19:…@thread.v2` chat ids, `…;messageid=<13 digits>` thread ids; the Agents SDK
#   only starts truncating conversation ids in URLs at 325.
# - user and bot ids: 200 (people.id, conversations.user_id/bot_id); Teams `29:…`/`28:<app id>` ids are ~40-140.
# - activity ids and replyToId: 256; Teams sends 13-digit timestamps or short `f:…`/GUID ids.
# - tenant ids and aadObjectId: 64 (GUIDs are 36).
# - team and channel ids (channelData): 400, like conversation ids.
# - display names (from, recipient, conversation name): 256, the Entra ID displayName maximum.
# Ids may not contain control, format, surrogate, private-use or line/paragraph separator characters; names may
# not contain control, surrogate or separator characters (format characters such as ZWJ in emoji and the
# right-to-left mark do occur in real names).
MAX_CONVERSATION_ID = 400
MAX_USER_ID = 200
MAX_ACTIVITY_ID = 256
MAX_GUID_ID = 64
MAX_NAME = 256
_NOT_IN_IDS = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})
_NOT_IN_NAMES = frozenset({"Cc", "Cs", "Zl", "Zp"})


def _bad_text(value: object, limit: int, forbidden: frozenset[str]) -> bool:
    if value is None:
        return False
    text = str(value)
    return len(text) > limit or any(unicodedata.category(ch) in forbidden for ch in text)


def identifier_problem(activity: Activity) -> str | None:
    """The first id or name that is too long or carries control characters (a field path), else None."""
    checks: list[tuple[str, object, int, frozenset[str]]] = [
        ("id", activity.id, MAX_ACTIVITY_ID, _NOT_IN_IDS),
        ("replyToId", activity.reply_to_id, MAX_ACTIVITY_ID, _NOT_IN_IDS),
    ]
    conversation = activity.conversation
    if conversation is not None:
        extra = getattr(conversation, "additional_properties", None) or {}
        checks += [
            ("conversation.id", conversation.id, MAX_CONVERSATION_ID, _NOT_IN_IDS),
            ("conversation.name", conversation.name, MAX_NAME, _NOT_IN_NAMES),
            ("conversation.tenantId", conversation.tenant_id or extra.get("tenantId"), MAX_GUID_ID, _NOT_IN_IDS),
        ]
    for label, account in (("from", activity.from_property), ("recipient", activity.recipient)):
        if account is not None:
            checks += [
                (f"{label}.id", account.id, MAX_USER_ID, _NOT_IN_IDS),
                (f"{label}.name", account.name, MAX_NAME, _NOT_IN_NAMES),
                (f"{label}.aadObjectId", account.aad_object_id, MAX_GUID_ID, _NOT_IN_IDS),
            ]
    data = activity.channel_data
    if isinstance(data, dict):
        for key, limit in (("tenant", MAX_GUID_ID), ("team", MAX_CONVERSATION_ID), ("channel", MAX_CONVERSATION_ID)):
            value = data.get(key)
            if isinstance(value, dict):
                checks.append((f"channelData.{key}.id", value.get("id"), limit, _NOT_IN_IDS))
    for label, value, limit, forbidden in checks:
        if _bad_text(value, limit, forbidden):
            return label
    return None


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
    ctype = conversation.conversation_type or (
        ConversationType.GROUP_CHAT.value if conversation.is_group else ConversationType.PERSONAL.value
    )
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
