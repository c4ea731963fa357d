"""Install, re-install and removal: one welcome per conversation, ever; removal marks it inactive."""

from __future__ import annotations

import logging
from datetime import datetime

from bot.services.notify import Kind, to_conversation
from bot.services.ports import Deps
from bot.services.presence import base_conversation_id
from bot.services.turn import Origin
from dialogs.cards.elements import message
from dialogs.cards.welcome import welcome_card, welcome_text
from dialogs.texts import Texts

log = logging.getLogger(__name__)


async def welcome(
    deps: Deps, origin: Origin, t: Texts, installer: str | None, now: datetime
) -> None:
    """Queue the welcome card unless this conversation was welcomed before."""
    conversation_id = base_conversation_id(origin.conversation_id)
    personal = origin.is_personal
    async with deps.uow() as uow:
        if await uow.conversations.get(conversation_id) is None:
            return
        if not await uow.conversations.mark_welcomed(conversation_id, now):
            return
        card = welcome_card(t, personal=personal, installer=None if personal else installer)
        await to_conversation(uow, Kind.WELCOME, conversation_id, about=conversation_id,
                              payload={**message(None, card), "summary": welcome_text(t, personal=personal)}, now=now)
        uow.audit.record(at=now, action="conversation.installed", subject_type="conversation",
                         subject_id=conversation_id, actor_id=origin.user_id)
        await uow.commit()
    log.info("welcome queued: conversation=%s", conversation_id)


async def removed(deps: Deps, origin: Origin, now: datetime) -> None:
    conversation_id = base_conversation_id(origin.conversation_id)
    async with deps.uow() as uow:
        await uow.conversations.mark_inactive(conversation_id, "uninstalled", now)
        person_id = origin.user_id if origin.is_personal else None
        cancelled = await uow.outbox.cancel_for_conversation(conversation_id, "uninstalled", now, person_id=person_id)
        uow.audit.record(at=now, action="conversation.removed", subject_type="conversation",
                         subject_id=conversation_id, actor_id=origin.user_id, detail={"cancelled": cancelled})
        await uow.commit()
    log.info("bot removed: conversation=%s cancelled=%s", conversation_id, cancelled)
