"""The failure policy of the delivery worker, as plain functions of data: no botbuilder, no I/O.

What a failed call to Teams means (``failure_kind``), how long to wait before the next attempt
(``backoff_seconds``, ``parse_retry_after``) and what becomes of the row (``outcome_of``):

* 429: pause the conversation until Retry-After (or a backoff), retry; dead once the attempts are used up;
* timeouts, connection errors, 408/412 and 5xx (but 501/505): retry with backoff (at least a 503's
  Retry-After), dead once the attempts are used up;
* 401 (also after a new token): dead, never resent; 413: dead (our message is too large);
* 403/404: dead, and the conversation is gone when Teams says it is (an update's 404 may only mean the
  message was deleted);
* any other status: dead.
"""

from __future__ import annotations

import email.utils
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any, Literal

TRANSIENT_STATUSES = frozenset({408, 412, 429, 500, 502, 503, 504})
GONE_STATUSES = frozenset({403, 404})
MAX_RETRY_AFTER_SECONDS = 3600.0

OutcomeKind = Literal["sent", "retry", "dead", "cancelled", "deferred"]


@dataclass(frozen=True)
class Failure:
    """What a failed call told us: an HTTP status (None for timeouts, connection errors) and a short code."""

    status: int | None
    code: str
    retry_after: str | None = None

    @property
    def label(self) -> str:
        """The short code stored in last_error, e.g. '429 Throttled', 'timeout'."""
        return f"{self.status} {self.code}" if self.status is not None else self.code


class FailureKind(Enum):
    THROTTLED = "throttled"  # 429
    TRANSIENT = "transient"  # worth another attempt later
    UNAUTHORIZED = "unauthorized"  # 401: our credentials
    TOO_LARGE = "too_large"  # 413: our message
    GONE = "gone"  # 403/404: the conversation (or, for an update, maybe only the message)
    PERMANENT = "permanent"  # anything else: resending would not help


def failure_kind(failure: Failure) -> FailureKind:
    status = failure.status
    if status == 429:
        return FailureKind.THROTTLED
    if status is None or status in TRANSIENT_STATUSES or (status >= 500 and status not in (501, 505)):
        return FailureKind.TRANSIENT
    if status == 401:
        return FailureKind.UNAUTHORIZED
    if status == 413:
        return FailureKind.TOO_LARGE
    if status in GONE_STATUSES:
        return FailureKind.GONE
    return FailureKind.PERMANENT


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Retry-After as seconds from now: delta-seconds or an HTTP-date; None when absent or unreadable."""
    if not value:
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - now).total_seconds()
    if not math.isfinite(seconds):
        return None
    return min(max(0.0, seconds), MAX_RETRY_AFTER_SECONDS)


def backoff_seconds(attempt: int, base: float, cap: float, r: float) -> float:
    """Exponential backoff with jitter for the `attempt`-th failure (1-based), r in [0, 1).

    The delay is drawn from [base·2^(n-1), base·2^n], capped at `cap`: consecutive retries of one message
    always wait at least as long as the previous one, while messages failing together spread out in a band.
    (AWS-style decorrelated jitter needs the previous delay, which the row does not keep; this is a stateless
    cousin, like Polly's DecorrelatedJitterBackoffV2 used by Company Communicator.)
    """
    n = max(1, min(attempt, 60))
    low = min(cap, base * 2.0 ** (n - 1))
    high = min(cap, base * 2.0**n)
    return low + min(max(r, 0.0), 1.0) * (high - low)


@dataclass(frozen=True)
class NewPersonal:
    """A 1:1 chat the worker created: its reference is stored with the outcome."""

    conversation_id: str
    person_id: str
    tenant_id: str
    service_url: str
    bot_id: str | None
    aad_object_id: str | None
    reference: dict[str, Any]


@dataclass(frozen=True)
class Outcome:
    kind: OutcomeKind
    error: str = ""
    status_code: int | None = None
    activity_id: str | None = None
    conversation_id: str | None = None
    next_attempt_at: datetime | None = None
    attempted: bool = True
    gone_conversation_id: str | None = None  # 403/404: mark inactive, cancel its queued rows
    gone_person_id: str | None = None
    new_personal: NewPersonal | None = None  # a 1:1 chat we created: store its reference
    hold_lane: bool = False  # about the conversation: the rows after it to the same one wait until next_attempt_at
    throttled_until: datetime | None = None  # a 429: its conversation gets nothing before then


@dataclass(frozen=True)
class Target:
    """What the policy needs to know about where a failed call went."""

    created: bool  # the call was to make a 1:1 chat (create_conversation), not to a stored conversation
    conversation_id: str | None  # the conversation the call reached or was meant for
    personal: bool  # a 1:1 chat (made now or stored)
    is_update: bool  # an edit of a sent activity
    request_made: bool  # the request itself left (a create may fail before it)
    person_id: str | None  # the row's person, for 1:1 rows


@dataclass(frozen=True)
class Limits:
    max_attempts: int
    retry_base_seconds: float
    retry_max_seconds: float


def outcome_of(
    failure: Failure, attempt: int, target: Target, limits: Limits, now: datetime, random: Callable[[], float]
) -> Outcome:
    """What becomes of a row whose `attempt`-th call (1-based) failed; `random` draws the jitter in [0, 1)."""

    def backoff() -> float:
        return backoff_seconds(attempt, limits.retry_base_seconds, limits.retry_max_seconds, random())

    kind = failure_kind(failure)
    status = failure.status
    exhausted = attempt >= limits.max_attempts
    if kind is FailureKind.THROTTLED:
        wait = parse_retry_after(failure.retry_after, now)
        until = now + timedelta(seconds=backoff() if wait is None else wait)
        if exhausted:
            return Outcome("dead", failure.label, status, throttled_until=until)
        return Outcome("retry", failure.label, status, next_attempt_at=until, hold_lane=True, throttled_until=until)
    if kind is FailureKind.TRANSIENT:
        if exhausted:
            return Outcome("dead", failure.label, status)
        wait = backoff()
        retry_after = parse_retry_after(failure.retry_after, now)  # e.g. a 503 with Retry-After
        if retry_after is not None:
            wait = max(wait, retry_after)
        return Outcome("retry", failure.label, status, next_attempt_at=now + timedelta(seconds=wait), hold_lane=True)
    if kind is FailureKind.UNAUTHORIZED:
        return Outcome("dead", "unauthorized", status)
    if kind is FailureKind.TOO_LARGE:
        return Outcome("dead", "too_large", status)
    if kind is FailureKind.GONE:
        return _gone(failure, target)
    return Outcome("dead", failure.label, status)


def _gone(failure: Failure, target: Target) -> Outcome:
    # a 404 on an update may only mean the message was deleted: the conversation is gone only when Teams says
    # so (or for sends, where a 404 can only be about the conversation)
    conversation_level = failure.status == 403 or failure.code == "ConversationNotFound" or not target.is_update
    reached = target.request_made or not target.created
    gone = target.conversation_id if reached and conversation_level else None
    return Outcome(
        "dead",
        failure.label,
        failure.status,
        gone_conversation_id=gone,
        gone_person_id=target.person_id if gone and target.personal else None,
    )
