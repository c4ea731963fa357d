"""Proactive messages as data: what a use case queues, what the delivery worker holds, and their statuses.

Status flow: ``pending -> sending(lease_until) -> sent | retry(next_attempt_at) | dead(reason)``, plus
``cancelled`` for rows whose conversation is gone. An expired lease returns the row to ``retry``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

NO_DATE = "-"

PENDING = "pending"
SENDING = "sending"
RETRY = "retry"
SENT = "sent"
DEAD = "dead"
CANCELLED = "cancelled"
QUEUED = (PENDING, RETRY)
FINAL = (SENT, DEAD, CANCELLED)
MAX_ERROR_LENGTH = 120


@dataclass
class NewMessage:
    """A message to queue. Exactly one of conversation_id / person_id says where it goes.

    person_id means "this person's 1:1 chat": the worker uses the stored personal conversation or,
    if none exists yet, creates one through `via_conversation_id` (a team or group chat the person shares
    with the bot).
    """

    kind: str
    subject_id: str
    recipient_id: str
    payload: dict[str, object]
    occurrence_local_date: str = NO_DATE
    slot: str = "1"
    conversation_id: str | None = None
    person_id: str | None = None
    via_conversation_id: str | None = None
    operation: str = "send"
    update_of_id: int | None = None
    extra: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class ClaimedMessage:
    """A row this worker holds (status 'sending' until lease_until): everything needed to send it."""

    id: int
    kind: str
    subject_id: str
    recipient_id: str
    occurrence_local_date: str
    slot: str
    conversation_id: str | None
    person_id: str | None
    via_conversation_id: str | None
    operation: str  # send | update
    update_of_id: int | None
    payload: dict[str, Any]
    attempts: int  # attempts made before this one
    lease_until: datetime
    created_at: datetime
    last_status_code: int | None
    last_error: str | None
    meta: dict[str, Any] = field(default_factory=dict)  # NewMessage.extra as queued (ids only, never text)


@dataclass(frozen=True)
class UpdateTarget:
    """The row an 'update' message edits: its status and, once sent, its Teams activity and conversation."""

    row_id: int
    status: str
    activity_id: str | None
    conversation_id: str | None

    @property
    def ready(self) -> bool:
        return self.status == SENT and bool(self.activity_id) and bool(self.conversation_id)


REPORT_PREFIX = "report:"


def is_report_kind(kind: str) -> bool:
    """A round's report (``report:<kind>``): its text is written by the worker once the round is done."""
    return kind.startswith(REPORT_PREFIX)


@dataclass(frozen=True)
class RoundNotDone:
    """A round's report cannot be written yet; `until`: when the round's next retry is due, if one is scheduled."""

    until: datetime | None = None
