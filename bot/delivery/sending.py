"""One claimed row, from routing to outcome: the conversation's pause, the rate limits and the allow-list
immediately before the call, the call in one of the concurrency places, a second try with a new token after
a 401, and the failure policy (bot.delivery.policy) for what went wrong. A report row first gets its text from
the ``compose_report`` hook, once its round is done.

The service URL is checked against the allow-list immediately before every call. Logs carry row, conversation
and activity ids only, never message text.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from bot.delivery import teams
from bot.delivery.budget import Budget, LocalBudget, Ticket
from bot.delivery.policy import Failure, FailureKind, Limits, Outcome, Target, failure_kind, outcome_of
from bot.delivery.recording import Undeliverable
from bot.delivery.routing import Stop, route_of
from bot.delivery.teams import Call, Route, TeamsClient
from bot.delivery.throttle import Throttles
from bot.ratelimit import RateLimiter, Sleep
from bot.settings import Settings
from domain.clock import Clock
from domain.model import ConversationType
from domain.outbox import ClaimedMessage, RoundNotDone, is_report_kind
from storage.unit_of_work import SqlAlchemyUnitOfWork

log = logging.getLogger(__name__)

REPORT_WAIT_SECONDS = 2.0

# (unit of work, the report row, now) -> its message, RoundNotDone, or None when there is nothing to report
ComposeReport = Callable[
    [SqlAlchemyUnitOfWork, ClaimedMessage, datetime], Awaitable[dict[str, object] | RoundNotDone | None]
]


def requests_of(route: Route) -> int:
    """Calls to Teams for one message: a first message to a person creates the 1:1 chat before posting."""
    return 2 if route.kind == "create" else 1


@dataclass(frozen=True)
class DeliveryHooks:
    """Use cases the worker calls without knowing them (wired in bot.app.create_app)."""

    on_undeliverable: Undeliverable | None = None  # a row is dead or cancelled, in the recording transaction
    compose_report: ComposeReport | None = None  # the text of a report row, once its round is done


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or "?"
    except ValueError:
        return "?"


class Sender:
    """Sends one claimed row at a time (many at once across lanes); owns the concurrency places."""

    def __init__(
        self,
        *,
        settings: Settings,
        uow: Callable[[], SqlAlchemyUnitOfWork],
        teams_client: TeamsClient,
        clock: Clock,
        sleep: Sleep,
        random: Callable[[], float],
        limiter: RateLimiter,
        throttles: Throttles,
        compose_report: ComposeReport | None,
        other_lanes: Callable[[], set[asyncio.Task[None]]],
    ) -> None:
        self._settings = settings
        self._uow = uow
        self._teams = teams_client
        self._clock = clock
        self._sleep = sleep
        self._random = random
        self.limiter = limiter
        self.budget: Budget = LocalBudget(limiter)  # the worker puts the shared one in on PostgreSQL
        self._throttles = throttles
        self._compose = compose_report
        self._other_lanes = other_lanes  # the running lanes that are not reports
        self._limits = Limits(settings.delivery_max_attempts, settings.retry_base_seconds, settings.retry_max_seconds)
        self._slots = asyncio.Semaphore(settings.delivery_concurrency)
        self._slow = 0
        self.max_inline_wait = min(10.0, settings.delivery_lease_seconds / 4)
        # a claimed row is only sent while its lease outlasts a full call (timeout plus a rate-limit wait)
        self.lease_margin = timedelta(
            seconds=min(settings.delivery_timeout_seconds + self.max_inline_wait, settings.delivery_lease_seconds / 2)
        )

    async def deliver(self, message: ClaimedMessage) -> Outcome:
        """Route, check and send one claimed row; its outcome (recorded by the caller)."""
        if is_report_kind(message.kind):
            composed = await self._compose_report(message)
            if isinstance(composed, Outcome):
                return composed
            message = replace(message, payload=composed)
        try:
            async with self._uow() as uow:
                route = await route_of(uow, message, self._clock)
        except Stop as stop:
            return stop.outcome
        try:
            activity = teams.parse_activity(message.payload)
        except Exception:
            return Outcome("dead", "bad_payload", attempted=False)
        held = await self._held_back(message, route)
        if isinstance(held, Outcome):
            return held
        return await self._send(message, route, activity, held)

    async def _held_back(self, message: ClaimedMessage, route: Route) -> Outcome | Ticket:
        """An outcome without a call when the conversation, the limits or the allow-list say not now (or never);
        else the place taken in the rate budget."""
        paused = self._throttles.conversation_pause(route.rate_key)
        if paused is not None:
            return Outcome("deferred", next_attempt_at=paused, attempted=False, hold_lane=True)
        ticket = await self.budget.acquire(route.rate_key, sleep=self._sleep, max_wait=self.max_inline_wait,
                                           requests=requests_of(route))
        if ticket is None:
            until = self._clock.now() + timedelta(seconds=await self.budget.retry_in(route.rate_key))
            return Outcome("deferred", next_attempt_at=until, attempted=False, hold_lane=True)
        if self._throttles.paused(self._clock.now()):
            await self.budget.settle(ticket)  # no call: its place counts only for the windows' length
            return Outcome(
                "deferred", next_attempt_at=self._throttles.paused_until, attempted=False, hold_lane=True
            )
        # The allow-list, immediately before the call, on the URL the SDK will actually use.
        if not self._settings.service_url_sendable(route.service_url) or (
            route.conversation is not None and not self._settings.service_url_sendable(route.conversation.service_url)
        ):
            log.error("delivery alert: service_url_not_allowed row=%s host=%s", message.id, _host(route.service_url))
            await self.budget.settle(ticket)
            return Outcome("dead", "service_url_not_allowed", attempted=False)
        return ticket

    async def _send(self, message: ClaimedMessage, route: Route, activity: Any, ticket: Ticket) -> Outcome:
        try:
            call, failure = await self._attempt(message, route, activity, ticket)
        finally:
            await self.budget.settle(ticket)
        lease_left = self._clock.now() + self.lease_margin < message.lease_until
        if failure is not None and failure.status == 401 and lease_left:
            # The token may have been revoked or rotated: drop it, fetch a new one and try once more.
            log.warning("delivery got 401: row=%s; dropping the cached token and retrying once", message.id)
            self._teams.refresh_credentials()
            second = await self.budget.record(route.rate_key)  # the second request counts against the limits too
            try:
                call, failure = await self._attempt(message, route, activity, second)
            finally:
                await self.budget.settle(second)
            if failure is not None and failure.status == 401:
                failure = replace(failure, code="unauthorized_after_refresh")
        if failure is not None:
            outcome = self._outcome_of_failure(message, route, call, failure)
        else:
            self._throttles.note_accepted()
            outcome = Outcome(
                "sent",
                status_code=200 if route.update_activity_id else 201,
                activity_id=call.activity_id,
                conversation_id=call.conversation_id,
            )
        if route.kind == "create" and call.new_reference is not None and call.conversation_id:
            assert message.person_id is not None
            outcome = replace(outcome, new_personal=teams.new_personal(route, call, message.person_id))
        return outcome

    async def _attempt(
        self, message: ClaimedMessage, route: Route, activity: Any, ticket: Ticket
    ) -> tuple[Call, Failure | None]:
        """One call to Teams, bounded by the timeout, holding one of the concurrency places while it is quick."""
        call = Call()
        timeout = self._settings.delivery_timeout_seconds

        async def request() -> None:  # called once a place in flight is free
            await self.budget.restart(ticket)
            await asyncio.wait_for(self._teams.send(route, activity, call, message.person_id), timeout)

        try:
            await self._in_slot(request)
            if call.error is not None:
                raise call.error
        except Exception as error:
            return call, teams.classify(error)
        return call, None

    async def _in_slot(self, request: Callable[[], Awaitable[None]]) -> None:
        """Run the call in one of `delivery_concurrency` places. A call still unanswered after
        `delivery_slow_seconds` gives its place up (while fewer than `delivery_max_slow` do), so hung conversations
        cannot take every place; it still ends at its own timeout."""
        await self._slots.acquire()
        holding, slow = True, False
        task = asyncio.ensure_future(request())
        try:
            done, _ = await asyncio.wait({task}, timeout=self._settings.delivery_slow_seconds)
            if not done and self._slow < self._settings.delivery_max_slow:
                self._slow += 1
                slow = True
                self._slots.release()
                holding = False
            await task
        finally:
            if not task.done():
                task.cancel()
            if holding:
                self._slots.release()
            if slow:
                self._slow -= 1

    def _outcome_of_failure(self, message: ClaimedMessage, route: Route, call: Call, failure: Failure) -> Outcome:
        """The policy's outcome (bot.delivery.policy), logged, and a 429's pause put in force."""
        now = self._clock.now()
        attempt = message.attempts + 1
        stored = route.conversation
        target = Target(
            created=route.kind == "create",
            conversation_id=call.conversation_id or (stored.id if stored else None),
            personal=route.kind == "create" or (stored is not None and stored.type == ConversationType.PERSONAL),
            is_update=route.update_activity_id is not None,
            request_made=call.request_made,
            person_id=message.person_id,
        )
        outcome = outcome_of(failure, attempt, target, self._limits, now, self._random)
        _log_failure(message.id, attempt, failure, outcome, now)
        if outcome.throttled_until is not None:
            self._throttles.throttled(route.rate_key, now, outcome.throttled_until)
        return outcome

    async def _compose_report(self, message: ClaimedMessage) -> dict[str, Any] | Outcome:
        """A round's report is written when every row of the round is final: wait for this worker's lanes first,
        else come back when the round's next retry is due."""
        compose = self._compose
        if compose is None:
            return Outcome("cancelled", "nothing_to_report", attempted=False)
        result: dict[str, object] | RoundNotDone | None = None
        for _ in range(2):
            async with self._uow() as uow:
                result = await compose(uow, message, self._clock.now())
            if not isinstance(result, RoundNotDone):
                break
            others = self._other_lanes()
            if not others:
                break
            await asyncio.wait(others, timeout=self._settings.delivery_timeout_seconds + self.max_inline_wait)
            if self._clock.now() + self.lease_margin >= message.lease_until:
                break
        now = self._clock.now()
        if isinstance(result, RoundNotDone):
            later = max(result.until or now, now + timedelta(seconds=REPORT_WAIT_SECONDS))
            return Outcome("deferred", next_attempt_at=later, attempted=False)
        if result is None:
            return Outcome("cancelled", "nothing_to_report", attempted=False)
        return dict(result)


def _log_failure(row_id: int, attempt: int, failure: Failure, outcome: Outcome, now: datetime) -> None:
    kind = failure_kind(failure)
    if kind is FailureKind.THROTTLED and outcome.throttled_until is not None:
        pause = (outcome.throttled_until - now).total_seconds()
        log.warning("delivery throttled: row=%s pause_seconds=%.1f", row_id, pause)
    elif kind is FailureKind.TRANSIENT and outcome.kind == "dead":
        log.warning("delivery gave up: row=%s attempts=%d error=%s", row_id, attempt, failure.label)
    elif kind is FailureKind.UNAUTHORIZED:
        log.error(
            "delivery alert: unauthorized row=%s code=%s: Teams refused the bot's token, also a new one; "
            "check FORUMBOT_APP_ID, FORUMBOT_APP_PASSWORD and FORUMBOT_APP_TENANT_ID (the message is not resent)",
            row_id,
            failure.code,
        )
    elif kind is FailureKind.TOO_LARGE:
        log.warning("delivery refused as too large: row=%s (not resent)", row_id)
    elif kind is FailureKind.GONE:
        log.warning(
            "delivery target gone: row=%s conversation=%s error=%s", row_id, outcome.gone_conversation_id, failure.label
        )
