"""What happened to a row, written in one transaction after the call: its status, a 1:1 chat that was made,
a conversation that is gone (its queued rows are cancelled), and the ``on_undeliverable`` hook for rows that
will never be sent (the chair hears of unreachable members through it)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from bot.delivery.policy import NewPersonal, Outcome
from domain.action_log import ActionEvent, EventKind
from domain.model import ConversationType
from domain.outbox import ClaimedMessage
from storage.outbox import OutboxRepository
from storage.unit_of_work import SqlAlchemyUnitOfWork

log = logging.getLogger(__name__)

# (unit of work, the row, its last status code, its error code, now), in the recording transaction
Undeliverable = Callable[[SqlAlchemyUnitOfWork, ClaimedMessage, int | None, str, datetime], Awaitable[object]]


async def record(
    uow: SqlAlchemyUnitOfWork,
    message: ClaimedMessage,
    outcome: Outcome,
    now: datetime,
    on_undeliverable: Undeliverable | None = None,
) -> None:
    """Write the outcome (the caller commits)."""
    if outcome.new_personal is not None:
        await _store_personal(uow, outcome.new_personal, now)
    await _mark(uow.outbox, message.id, outcome, now)
    _log_nudge_result(uow, message, outcome, now)
    if outcome.gone_conversation_id is not None:
        await uow.conversations.mark_inactive(outcome.gone_conversation_id, outcome.error, now)
        cancelled = await uow.outbox.cancel_for_conversation(
            outcome.gone_conversation_id,
            "conversation_inactive",
            now,
            person_id=outcome.gone_person_id,
        )
        log.info(
            "conversation inactive: conversation=%s cancelled_rows=%d",
            outcome.gone_conversation_id,
            cancelled,
        )
    if on_undeliverable is not None and outcome.kind in ("dead", "cancelled"):
        await on_undeliverable(uow, message, outcome.status_code, outcome.error, now)


NUDGE_KIND = "action_nudge"  # bot.services.notify.Kind.ACTION_NUDGE (services are not imported here)


def _log_nudge_result(uow: SqlAlchemyUnitOfWork, message: ClaimedMessage, outcome: Outcome, now: datetime) -> None:
    """A reminder digest reached its end: NUDGE_DELIVERED or NUDGE_FAILED for each action it was about, in the
    follow-up log (meta["action_ids"], set by the nudge producer). Retries and deferrals are not an end."""
    if message.kind != NUDGE_KIND or outcome.kind not in ("sent", "dead", "cancelled"):
        return
    action_ids = message.meta.get("action_ids")
    if not isinstance(action_ids, list):
        return
    forum_id = str(message.meta.get("forum_id") or message.subject_id)
    detail: dict[str, object]
    if outcome.kind == "sent":
        kind, detail = EventKind.NUDGE_DELIVERED, {"outbox": message.id, "status": outcome.status_code}
    else:
        kind, detail = EventKind.NUDGE_FAILED, {"outbox": message.id, "reason": outcome.error or outcome.kind}
    for action_id in action_ids:
        uow.action_log.append(ActionEvent(action_id=str(action_id), forum_id=forum_id, at=now, kind=kind,
                                          detail=dict(detail)))


async def _store_personal(uow: SqlAlchemyUnitOfWork, created: NewPersonal, now: datetime) -> None:
    await uow.conversations.save(
        conversation_id=created.conversation_id,
        tenant_id=created.tenant_id,
        type=ConversationType.PERSONAL.value,
        service_url=created.service_url,
        reference=created.reference,
        bot_id=created.bot_id,
        user_id=created.person_id,
        aad_object_id=created.aad_object_id,
        team_id=None,
        channel_id=None,
        now=now,
    )


async def _mark(outbox: OutboxRepository, row_id: int, outcome: Outcome, now: datetime) -> None:
    if outcome.kind == "sent":
        await outbox.mark_sent(row_id, outcome.activity_id, outcome.conversation_id, outcome.status_code, now)
    elif outcome.kind == "retry":
        assert outcome.next_attempt_at is not None
        await outbox.mark_retry(row_id, outcome.next_attempt_at, outcome.status_code, outcome.error, now)
    elif outcome.kind == "dead":
        await outbox.mark_dead(row_id, outcome.error, outcome.status_code, now, attempted=outcome.attempted)
    elif outcome.kind == "cancelled":
        await outbox.mark_cancelled(row_id, outcome.error, now)
    else:
        await outbox.release([row_id], now, until=outcome.next_attempt_at)
