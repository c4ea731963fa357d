"""Where a claimed row goes, read from the stored conversations: a route, or an outcome without any call.

* ``conversation_id`` rows: the stored reference;
* ``person_id`` rows: the person's stored 1:1 chat, or a new one made through ``via_conversation_id``;
* ``operation='update'``: the conversation and activity of the row ``update_of_id`` sent.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.delivery.policy import Outcome
from bot.delivery.teams import Route
from domain.clock import Clock
from domain.outbox import ClaimedMessage
from storage.conversations import StoredConversation
from storage.unit_of_work import SqlAlchemyUnitOfWork

log = logging.getLogger(__name__)

UPDATE_TARGET_WAIT_SECONDS = 30.0


class Stop(Exception):
    """Raised while routing when the message gets an outcome without any call."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__(outcome.kind)
        self.outcome = outcome


def _dead(error: str) -> Stop:
    return Stop(Outcome("dead", error, attempted=False))


async def route_of(uow: SqlAlchemyUnitOfWork, message: ClaimedMessage, clock: Clock) -> Route:
    """The route of one message; raises Stop when it has an outcome already (dead, cancelled, deferred)."""
    if message.operation == "update":
        return await _update_route(uow, message, clock)
    if message.conversation_id is not None:
        return continue_route(await uow.conversations.get(message.conversation_id))
    assert message.person_id is not None
    personal = await uow.conversations.personal_for(message.person_id)
    if personal is not None and personal.active:
        return continue_route(personal)
    via = await uow.conversations.get(message.via_conversation_id) if message.via_conversation_id else None
    if via is None or not via.active:
        raise _dead("no_conversation")
    person = await uow.people.get(message.person_id)
    return Route(
        kind="create",
        rate_key=f"create:{message.person_id}",
        service_url=via.service_url,
        via=via,
        person_aad_object_id=person.aad_object_id if person else None,
    )


async def _update_route(uow: SqlAlchemyUnitOfWork, message: ClaimedMessage, clock: Clock) -> Route:
    if message.update_of_id is None:
        raise _dead("update_target_missing")
    target = await uow.outbox.resolve_update_target(message.update_of_id)
    if target is None:
        raise _dead("update_target_missing")
    if target.status == "sent" and target.conversation_id and not target.activity_id:
        # The channel never told us the message's id, so it cannot be edited: post the new version.
        log.info("update posted as a new message: row=%s target=%s", message.id, target.row_id)
        return continue_route(await uow.conversations.get(target.conversation_id))
    if not target.ready:
        if target.status in ("pending", "retry", "sending"):
            later = clock.now() + timedelta(seconds=UPDATE_TARGET_WAIT_SECONDS)
            raise Stop(Outcome("deferred", next_attempt_at=later, attempted=False))
        raise _dead("update_target_unavailable")
    assert target.conversation_id is not None
    conversation = await uow.conversations.get(target.conversation_id)
    return continue_route(conversation, update_activity_id=target.activity_id)


def continue_route(conversation: StoredConversation | None, *, update_activity_id: str | None = None) -> Route:
    if conversation is None:
        raise _dead("conversation_unknown")
    if not conversation.active:
        raise Stop(Outcome("cancelled", "conversation_inactive", attempted=False))
    service_url = conversation.reference.get("serviceUrl")
    return Route(
        kind="continue",
        rate_key=conversation.id,
        service_url=service_url if isinstance(service_url, str) else "",
        conversation=conversation,
        update_activity_id=update_activity_id,
    )
