"""The one delivery path for proactive messages: claim outbox rows, send them to Teams, record what happened.

docs/security.md (the outbox): at-least-once with our own de-duplication. A row is claimed (status
'sending' with a lease) and committed *before* the call to Teams; the outcome is recorded in a new
transaction afterwards. A crash in between leaves a 'sending' row whose lease expires and is retried (the
only duplicate window).

Sending (docs/teams-platform.md, "Proactive messages"):

* ``conversation_id`` rows: the stored reference, ``adapter.continue_conversation``;
* ``person_id`` rows: the person's stored 1:1 chat, or a new one made with ``adapter.create_conversation``
  through ``via_conversation_id`` (a team or group chat the person shares with the bot); the new reference is
  stored;
* ``operation='update'``: a PUT of the activity that the row ``update_of_id`` sent.

The service URL is checked against the allow-list immediately before every call (docs/security.md). Failures are
classified by its retry policy (see ``classify`` and ``DeliveryWorker._outcome_of_failure``); limits per conversation
and globally come from ``bot.ratelimit``. Logs carry row, conversation and activity ids only, never message
text.

Concurrency (issue 6 item 8): claimed rows go to one *lane* per conversation (``conversation_id``, or the
person for 1:1 rows), sent one after the other in id order; lanes run concurrently, with at most
``delivery_concurrency`` calls in flight (a call slower than ``delivery_slow_seconds`` gives its place up).
The background loop claims more as lanes finish, leaving rows to busy or held-back conversations queued, so
a hung conversation holds up only itself. A 429 pauses its conversation until Retry-After; everything pauses
only when several conversations are throttled and 429s are at least half of the recent responses. Report
rows (``report:<kind>``, bot.services.unreachable) are written when their round is done.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import logging
import math
import random as random_module
import weakref
from collections import deque
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from typing import Any, Literal
from urllib.parse import urlsplit

from botbuilder.core import BotAdapter, CloudAdapterBase, TurnContext
from botbuilder.schema import (
    Activity,
    ChannelAccount,
    ConversationParameters,
    ConversationReference,
    ResourceResponse,
)
from msrest.exceptions import ClientRequestError, HttpOperationError

from bot.adapter import set_http_timeout
from bot.metrics import Metrics
from bot.ratelimit import RateLimiter, Sleep
from bot.references import reference_from_json
from bot.services import unreachable
from bot.settings import Settings
from domain.clock import Clock
from domain.outbox import ClaimedMessage
from storage.conversations import StoredConversation
from storage.unit_of_work import SqlAlchemyUnitOfWork

log = logging.getLogger(__name__)

TRANSIENT_STATUSES = frozenset({408, 412, 429, 500, 502, 503, 504})
GONE_STATUSES = frozenset({403, 404})
MAX_RETRY_AFTER_SECONDS = 3600.0
UPDATE_TARGET_WAIT_SECONDS = 30.0
REPORT_WAIT_SECONDS = 2.0
BUSY_POLL_SECONDS = 0.5
THROTTLE_APP_SHARE = 0.5  # the share of 429s among recent responses that means "the whole app is throttled"
CHANNEL_ID = "msteams"

OutcomeKind = Literal["sent", "retry", "dead", "cancelled", "deferred"]


# ---------------------------------------------------------------------------- pure helpers


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
class Failure:
    """What a failed call told us: an HTTP status (None for timeouts, connection errors) and a short code."""

    status: int | None
    code: str
    retry_after: str | None = None

    @property
    def label(self) -> str:
        """The short code stored in last_error, e.g. '429 Throttled', 'timeout'."""
        return f"{self.status} {self.code}" if self.status is not None else self.code


def _safe_code(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    code = "".join(ch for ch in value if ch.isalnum() or ch in "._-")[:60]
    return code or None


def classify(error: BaseException) -> Failure:
    """Map an exception from botbuilder/msrest (or asyncio) to a Failure. Never reads message text."""
    if isinstance(error, HttpOperationError):
        response = getattr(error, "response", None)
        status = getattr(response, "status_code", None)
        headers = getattr(response, "headers", None) or {}
        retry_after = headers.get("Retry-After") if hasattr(headers, "get") else None
        body = getattr(error, "error", None)
        code = _safe_code(getattr(getattr(body, "error", None), "code", None))
        if isinstance(status, int):
            if code is None:
                try:
                    code = HTTPStatus(status).phrase.replace(" ", "")
                except ValueError:
                    code = "Error"
            return Failure(status, code, str(retry_after) if retry_after is not None else None)
        return Failure(None, "http_error")
    if isinstance(error, TimeoutError):
        return Failure(None, "timeout")
    if isinstance(error, ClientRequestError | ConnectionError | OSError):
        return Failure(None, "connection_error")
    return Failure(None, f"error:{type(error).__name__}")


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or "?"
    except ValueError:
        return "?"


def disable_sdk_retries(tc: TurnContext) -> None:
    """msrest retries PUTs (honouring Retry-After) inside its worker thread; we own retries: switch that off.

    Measured with 4.17.1: an update answered 500/503/429+Retry-After was sent 4 times and then surfaced as a
    ClientRequestError without the status code. The Retry object must be mutated in place: the connector's
    session captured it when the client was built.
    """
    client = tc.turn_state.get(BotAdapter.BOT_CONNECTOR_CLIENT_KEY)
    policy = getattr(getattr(getattr(client, "config", None), "retry_policy", None), "policy", None)
    if policy is None:
        return
    with contextlib.suppress(AttributeError, TypeError):
        policy.total = 0
        policy.connect = 0
        policy.read = 0
        policy.status_forcelist = frozenset()
        policy.respect_retry_after_header = False


# ---------------------------------------------------------------------------- worker state


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
    new_personal: _NewPersonal | None = None  # a 1:1 chat we created: store its reference
    hold_lane: bool = False  # about the conversation: the rows after it to the same one wait until next_attempt_at


@dataclass
class _Call:
    """What the turn callback saw (botbuilder's on_turn_error would swallow exceptions raised in it)."""

    activity_id: str | None = None
    conversation_id: str | None = None
    new_reference: dict[str, Any] | None = None
    error: BaseException | None = None
    request_made: bool = False


@dataclass(frozen=True)
class _Route:
    """Where one claimed message goes."""

    kind: Literal["continue", "create"]
    rate_key: str
    service_url: str
    conversation: StoredConversation | None = None  # continue
    via: StoredConversation | None = None  # create
    update_activity_id: str | None = None
    person_aad_object_id: str | None = None


@dataclass(frozen=True)
class _NewPersonal:
    conversation_id: str
    person_id: str
    tenant_id: str
    service_url: str
    bot_id: str | None
    aad_object_id: str | None
    reference: dict[str, Any]


@dataclass(eq=False)
class _Lane:
    """The claimed rows to one conversation, sent one after the other by one task."""

    key: str
    queue: deque[ClaimedMessage] = field(default_factory=deque)
    task: asyncio.Task[None] | None = None


_THREADED_LOOPS: weakref.WeakSet[asyncio.AbstractEventLoop] = weakref.WeakSet()
IO_THREAD_HEADROOM = 16  # for in-turn replies and token fetches next to the worker's calls


def _ensure_io_threads(settings: Settings) -> None:
    """msrest sends with `requests` in the loop's default executor (min(32, CPUs + 4) threads: 6 on two cores).

    A hung call holds its thread until the HTTP timeout, so a few hung conversations would starve every other
    send and every in-turn reply. Give the loop enough threads for every call the worker can have in flight.
    """
    loop = asyncio.get_running_loop()
    if loop in _THREADED_LOOPS:
        return
    workers = settings.delivery_concurrency + settings.delivery_max_slow + IO_THREAD_HEADROOM
    loop.set_default_executor(ThreadPoolExecutor(max_workers=workers, thread_name_prefix="forumbot-io"))
    _THREADED_LOOPS.add(loop)


class DeliveryWorker:
    """Claims due outbox rows and sends them. One per process; safe with several processes on PostgreSQL."""

    def __init__(
        self,
        *,
        settings: Settings,
        uow: Callable[[], SqlAlchemyUnitOfWork],
        adapter: CloudAdapterBase,
        clock: Clock,
        sleep: Sleep = asyncio.sleep,
        random: Callable[[], float] = random_module.random,
        metrics: Metrics | None = None,
    ) -> None:
        self._settings = settings
        self.metrics = metrics or Metrics()
        self._uow = uow
        self._adapter = adapter
        self._clock = clock
        self._sleep = sleep
        self._random = random
        self.limiter = RateLimiter.from_settings(settings, clock, random)
        self._lock = asyncio.Lock()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._paused_until: datetime | None = None
        self._conversation_paused: dict[str, datetime] = {}
        self._throttles: deque[tuple[datetime, str, datetime]] = deque()  # recent 429s: when, conversation, until
        self._accepted: deque[datetime] = deque()  # recent accepted sends (for telling app-wide throttling apart)
        self._lanes: dict[str, _Lane] = {}
        self._holds: dict[str, datetime] = {}  # lane key -> its rows stay queued until then (retry, 429, limits)
        self._slots = asyncio.Semaphore(settings.delivery_concurrency)
        self._slow = 0
        self._held = 0  # claimed rows not yet given an outcome or released
        # lanes (conversations) at once; rows queued behind a lane's call do not count, so the rows of one
        # conversation claimed together cannot fill the worker while its first call hangs
        self._max_lanes = max(settings.delivery_batch, 4 * settings.delivery_concurrency)
        self._max_held = 4 * self._max_lanes  # rows, a safety bound
        self._processed = 0
        self._max_inline_wait = min(10.0, settings.delivery_lease_seconds / 4)
        # a claimed row is only sent while its lease outlasts a full call (timeout plus a rate-limit wait)
        self._lease_margin = timedelta(
            seconds=min(settings.delivery_timeout_seconds + self._max_inline_wait, settings.delivery_lease_seconds / 2)
        )

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        if self._task is not None and not self._task.done():
            return
        self._stopping = False
        self._task = asyncio.create_task(self._loop(), name="forumbot-delivery")
        log.info("delivery worker started")

    async def stop(self) -> None:
        """Stop claiming; let in-flight sends finish (bounded), else cancel them and give their leases back."""
        self._stopping = True
        self._wake.set()
        task, self._task = self._task, None
        grace = self._settings.delivery_timeout_seconds + self._max_inline_wait + 1.0
        tasks = {lane.task for lane in self._lanes.values() if lane.task is not None}
        if task is not None:
            tasks.add(task)
        if not tasks:
            return
        _, pending = await asyncio.wait(tasks, timeout=grace)
        for late in pending:
            late.cancel()
        for done in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await done
        log.info("delivery worker stopped")

    def wake(self) -> None:
        """Something was queued: look now instead of at the next poll."""
        self._wake.set()

    @property
    def paused_until(self) -> datetime | None:
        """The global pause (429s from several conversations: no sends to anyone before then), if in force."""
        return self._paused_until

    def conversation_paused_until(self, conversation_id: str) -> datetime | None:
        """The pause of one conversation after its 429 (its Retry-After), if one is in force."""
        return self._conversation_paused.get(conversation_id)

    async def _loop(self) -> None:
        failures = 0
        while not self._stopping:
            self._wake.clear()
            try:
                claimed = await self._pump()
                failures = 0
            except Exception:
                failures += 1
                claimed = 0
                log.exception("delivery round failed (%d in a row)", failures)
            if self._stopping:
                break
            if claimed and self._room() > 0:
                continue
            # a lane finishing (room for more, or its conversation's next row) or something queued sets the event
            timeout = await self._idle_seconds(failures)
            if not claimed and self._lanes:
                timeout = max(timeout, BUSY_POLL_SECONDS)  # what is due may be behind a running lane
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout)

    async def _idle_seconds(self, failures: int) -> float:
        poll = float(min(self._settings.tick_seconds, 5))
        if failures:
            return min(poll * failures, 60.0)
        try:
            async with self._uow() as uow:
                next_due = await uow.outbox.next_due_at()
        except Exception:
            log.exception("could not read the next due time")
            return poll
        now = self._clock.now()
        if next_due is None:
            return poll
        if self._paused_until is not None and self._paused_until > next_due:
            next_due = self._paused_until
        return min(poll, max(0.05, (next_due - now).total_seconds()))

    # ------------------------------------------------------------------ rounds

    async def drain(self, max_rounds: int = 50) -> None:
        """For tests: run rounds until nothing is due now (or max_rounds)."""
        for _ in range(max_rounds):
            if await self.run_once() == 0:
                return

    async def run_once(self) -> int:
        """Claim what is due, send it, and wait until every send has an outcome. Returns how many rows got one.

        The background loop does not wait: it claims more as lanes finish (`_pump`), so a hung conversation
        holds up nothing but itself.
        """
        before = self._processed
        await self._pump()
        await self.settle()
        return self._processed - before

    async def settle(self) -> None:
        """Wait until no lane is running (every claimed row has an outcome or was given back)."""
        while self._lanes:
            tasks = {lane.task for lane in self._lanes.values() if lane.task is not None}
            if not tasks:
                return
            await asyncio.wait(tasks)

    async def _pump(self) -> int:
        """Requeue expired leases, claim as many due rows as there is room for, and hand them to their lanes."""
        async with self._lock:
            _ensure_io_threads(self._settings)
            now = self._clock.now()
            room = self._room()
            async with self._uow() as uow:
                await uow.outbox.release_expired_leases(now, max_attempts=self._settings.delivery_max_attempts)
                claimed: list[ClaimedMessage] = []
                if not self._stopping and not self._paused(now) and room > 0:
                    self._holds = {key: until for key, until in self._holds.items() if until > now}
                    keys = set(self._lanes) | set(self._holds)
                    busy = [key for key in keys if not key.startswith(("person:", "report:"))]
                    busy_people = [key[len("person:"):] for key in keys if key.startswith("person:")]
                    claimed = await uow.outbox.claim_due(
                        now,
                        room,
                        self._settings.delivery_lease_seconds,
                        exclude_conversations=busy,
                        exclude_people=busy_people,
                    )
                await uow.commit()
            for message in claimed:
                self._dispatch(message)
            return len(claimed)

    def _room(self) -> int:
        lanes_left = self._max_lanes - len(self._lanes)
        return max(0, min(self._settings.delivery_batch, lanes_left, self._max_held - self._held))

    def _paused(self, now: datetime) -> bool:
        if self._paused_until is not None and self._paused_until <= now:
            self._paused_until = None
        return self._paused_until is not None

    def _dispatch(self, message: ClaimedMessage) -> None:
        """Rows to one conversation (or one person's 1:1 chat) go to one lane, sent one after the other in id
        order; lanes run concurrently. A report row waits in its own lane until its round is done."""
        key = message.conversation_id or f"person:{message.person_id}"
        if unreachable.is_report_kind(message.kind):
            key = f"report:{message.id}"
        self._held += 1
        lane = self._lanes.get(key)
        if lane is None:
            lane = self._lanes[key] = _Lane(key)
            lane.queue.append(message)
            lane.task = asyncio.create_task(self._run_lane(lane), name=f"forumbot-delivery-lane-{message.id}")
        else:
            lane.queue.append(message)

    async def _run_lane(self, lane: _Lane) -> None:
        hold_until: datetime | None = None
        try:
            while lane.queue and not self._stopping:
                message = lane.queue[0]
                now = self._clock.now()
                if self._paused(now):
                    hold_until = self._paused_until
                    break
                if now + self._lease_margin >= message.lease_until:
                    break  # not enough lease left for a full call: give the rest back, due now
                lane.queue.popleft()
                try:
                    outcome = await self._deliver(message)
                except BaseException:
                    lane.queue.appendleft(message)  # cancelled (stop) or a bug: give it back with the rest
                    raise
                # From here a request may have reached Teams: if recording fails, the row keeps its lease and
                # comes back (one attempt counted) when it expires, instead of being resent at once.
                self._held -= 1
                try:
                    await self._record(message, outcome)
                except Exception:
                    log.exception("could not record the outcome of row %s; its lease will expire", message.id)
                self._processed += 1
                if outcome.hold_lane:
                    # what failed was about the conversation: what follows to it waits as long, in order
                    hold_until = outcome.next_attempt_at
                    if hold_until is not None:
                        self._holds[lane.key] = max(hold_until, self._holds.get(lane.key, hold_until))
                    break
        except Exception:
            log.exception("delivery lane %s failed", lane.key)
        finally:
            if self._lanes.get(lane.key) is lane:
                del self._lanes[lane.key]
            leftovers = list(lane.queue)
            lane.queue.clear()
            self._held -= len(leftovers)
            if leftovers:
                await self._release(leftovers, hold_until)
            self._wake.set()

    async def _release(self, messages: list[ClaimedMessage], until: datetime | None) -> None:
        try:
            async with self._uow() as uow:
                await uow.outbox.release([m.id for m in messages], self._clock.now(), until=until)
                await uow.commit()
        except Exception:
            log.exception("could not release %d claimed rows; their leases will expire", len(messages))

    # ------------------------------------------------------------------ one message

    async def _deliver(self, message: ClaimedMessage) -> Outcome:
        if unreachable.is_report_kind(message.kind):
            composed = await self._compose_report(message)
            if isinstance(composed, Outcome):
                return composed
            message = replace(message, payload=composed)
        try:
            route = await self._route(message)
        except _Stop as stop:
            return stop.outcome
        try:
            activity = Activity().deserialize(message.payload)
        except Exception:
            return Outcome("dead", "bad_payload", attempted=False)

        paused = self._conversation_pause(route.rate_key)
        if paused is not None:
            return Outcome("deferred", next_attempt_at=paused, attempted=False, hold_lane=True)
        waited = await self.limiter.acquire(route.rate_key, sleep=self._sleep, max_wait=self._max_inline_wait)
        if waited is None:
            until = self._clock.now() + timedelta(seconds=self.limiter.retry_in(route.rate_key))
            return Outcome("deferred", next_attempt_at=until, attempted=False, hold_lane=True)
        now = self._clock.now()
        if self._paused(now):
            return Outcome("deferred", next_attempt_at=self._paused_until, attempted=False, hold_lane=True)

        # The service-URL allow-list, immediately before the call, on the URL the SDK will actually use.
        if not self._settings.service_url_sendable(route.service_url) or (
            route.conversation is not None and not self._settings.service_url_sendable(route.conversation.service_url)
        ):
            log.error("delivery alert: service_url_not_allowed row=%s host=%s", message.id, _host(route.service_url))
            return Outcome("dead", "service_url_not_allowed", attempted=False)

        call, failure = await self._attempt(message, route, activity)
        lease_left = self._clock.now() + self._lease_margin < message.lease_until
        if failure is not None and failure.status == 401 and lease_left:
            # The token may have been revoked or rotated: drop it, fetch a new one and try once more.
            log.warning("delivery got 401: row=%s; dropping the cached token and retrying once", message.id)
            self._refresh_credentials()
            self.limiter.record(route.rate_key)  # the second request counts against the limits too
            call, failure = await self._attempt(message, route, activity)
            if failure is not None and failure.status == 401:
                failure = replace(failure, code="unauthorized_after_refresh")
        if failure is not None:
            outcome = self._outcome_of_failure(message, route, call, failure)
        else:
            self._note_accepted()
            outcome = Outcome(
                "sent",
                status_code=200 if route.update_activity_id else 201,
                activity_id=call.activity_id,
                conversation_id=call.conversation_id,
            )
        if route.kind == "create" and call.new_reference is not None and call.conversation_id:
            outcome = replace(outcome, new_personal=self._new_personal(message, route, call))
        return outcome

    async def _attempt(
        self, message: ClaimedMessage, route: _Route, activity: Activity
    ) -> tuple[_Call, Failure | None]:
        """One call to Teams, bounded by the timeout, holding one of the concurrency places while it is quick."""
        call = _Call()
        timeout = self._settings.delivery_timeout_seconds

        def request() -> Awaitable[None]:
            if route.kind == "continue":
                return asyncio.wait_for(self._continue(route, activity, call), timeout)
            return asyncio.wait_for(self._create(message, route, activity, call), timeout)

        try:
            await self._in_slot(request)
            if call.error is not None:
                raise call.error
        except Exception as error:
            return call, classify(error)
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

    def _set_timeout(self, tc: TurnContext) -> None:
        """This call's HTTP timeout (the adapter's clients default to the shorter in-turn reply timeout)."""
        client = tc.turn_state.get(BotAdapter.BOT_CONNECTOR_CLIENT_KEY)
        set_http_timeout(client, self._settings.delivery_timeout_seconds)

    def _refresh_credentials(self) -> None:
        refresh = getattr(self._adapter, "refresh_credentials", None)
        if callable(refresh):
            try:
                refresh()
            except Exception:
                log.exception("could not drop the cached token")

    def _conversation_pause(self, key: str) -> datetime | None:
        until = self._conversation_paused.get(key)
        if until is None:
            return None
        if until <= self._clock.now():
            del self._conversation_paused[key]
            return None
        return until

    def _throttled(self, key: str, now: datetime, until: datetime) -> None:
        """A 429 pauses its conversation until Retry-After; 429s from several conversations in a short window
        (Teams also limits per app and tenant) pause everything."""
        current = self._conversation_paused.get(key)
        if current is None or until > current:
            self._conversation_paused[key] = until
        self.metrics.throttle_pauses.labels(scope="conversation").inc()
        self._throttles.append((now, key, until))
        self._forget_old_responses(now)
        conversations = {k for _, k, _ in self._throttles}
        # Several conversations, and at least as many 429s as accepted sends: Teams is throttling the app, not
        # a few busy conversations (with 10 % of conversations throttled and the rest flowing, nobody else waits).
        app_wide = len(self._throttles) >= len(self._accepted) * THROTTLE_APP_SHARE / (1 - THROTTLE_APP_SHARE)
        if len(conversations) >= self._settings.throttle_pause_conversations and app_wide:
            until_all = max(u for _, _, u in self._throttles)
            if self._paused_until is None or until_all > self._paused_until:
                if self._paused_until is None:
                    self.metrics.throttle_pauses.labels(scope="all").inc()
                self._paused_until = until_all
                log.warning(
                    "delivery throttled in %d conversations: pausing everything for %.1f s",
                    len(conversations),
                    (until_all - now).total_seconds(),
                )

    def _forget_old_responses(self, now: datetime) -> None:
        window_start = now - timedelta(seconds=self._settings.throttle_window_seconds)
        while self._throttles and self._throttles[0][0] < window_start:
            self._throttles.popleft()
        while self._accepted and self._accepted[0] < window_start:
            self._accepted.popleft()

    def _note_accepted(self) -> None:
        now = self._clock.now()
        self._accepted.append(now)
        if len(self._accepted) > 4 * self._settings.rate_global_per_second * self._settings.throttle_window_seconds:
            self._forget_old_responses(now)

    async def _compose_report(self, message: ClaimedMessage) -> dict[str, Any] | Outcome:
        """A round's report is written when every row of the round is final: wait for this worker's lanes first,
        else come back when the round's next retry is due."""
        for _ in range(2):
            async with self._uow() as uow:
                result = await unreachable.compose_report(uow, message, self._clock.now())
            if not isinstance(result, unreachable.Wait):
                break
            others = {lane.task for lane in self._lanes.values() if lane.task is not None and lane.key[:7] != "report:"}
            if not others:
                break
            await asyncio.wait(others, timeout=self._settings.delivery_timeout_seconds + self._max_inline_wait)
            if self._clock.now() + self._lease_margin >= message.lease_until:
                break
        now = self._clock.now()
        if isinstance(result, unreachable.Wait):
            later = max(result.until or now, now + timedelta(seconds=REPORT_WAIT_SECONDS))
            return Outcome("deferred", next_attempt_at=later, attempted=False)
        if result is None:
            return Outcome("cancelled", "nothing_to_report", attempted=False)
        return result

    @staticmethod
    def _new_personal(message: ClaimedMessage, route: _Route, call: _Call) -> _NewPersonal:
        assert route.via is not None and message.person_id is not None and call.new_reference is not None
        bot = call.new_reference.get("bot")
        return _NewPersonal(
            conversation_id=str(call.conversation_id),
            person_id=message.person_id,
            tenant_id=route.via.tenant_id,
            service_url=route.service_url,
            bot_id=bot.get("id") if isinstance(bot, dict) else None,
            aad_object_id=route.person_aad_object_id,
            reference=call.new_reference,
        )

    async def _route(self, message: ClaimedMessage) -> _Route:
        async with self._uow() as uow:
            if message.operation == "update":
                if message.update_of_id is None:
                    raise _Stop(Outcome("dead", "update_target_missing", attempted=False))
                target = await uow.outbox.resolve_update_target(message.update_of_id)
                if target is None:
                    raise _Stop(Outcome("dead", "update_target_missing", attempted=False))
                if target.status == "sent" and target.conversation_id and not target.activity_id:
                    # The channel never told us the message's id, so it cannot be edited: post the new version.
                    log.info("update posted as a new message: row=%s target=%s", message.id, target.row_id)
                    return self._continue_route(await uow.conversations.get(target.conversation_id))
                if not target.ready:
                    if target.status in ("pending", "retry", "sending"):
                        later = self._clock.now() + timedelta(seconds=UPDATE_TARGET_WAIT_SECONDS)
                        raise _Stop(Outcome("deferred", next_attempt_at=later, attempted=False))
                    raise _Stop(Outcome("dead", "update_target_unavailable", attempted=False))
                assert target.conversation_id is not None
                conversation = await uow.conversations.get(target.conversation_id)
                return self._continue_route(conversation, update_activity_id=target.activity_id)
            if message.conversation_id is not None:
                conversation = await uow.conversations.get(message.conversation_id)
                return self._continue_route(conversation)
            assert message.person_id is not None
            personal = await uow.conversations.personal_for(message.person_id)
            if personal is not None and personal.active:
                return self._continue_route(personal)
            via = await uow.conversations.get(message.via_conversation_id) if message.via_conversation_id else None
            if via is None or not via.active:
                raise _Stop(Outcome("dead", "no_conversation", attempted=False))
            person = await uow.people.get(message.person_id)
            return _Route(
                kind="create",
                rate_key=f"create:{message.person_id}",
                service_url=via.service_url,
                via=via,
                person_aad_object_id=person.aad_object_id if person else None,
            )

    @staticmethod
    def _continue_route(conversation: StoredConversation | None, *, update_activity_id: str | None = None) -> _Route:
        if conversation is None:
            raise _Stop(Outcome("dead", "conversation_unknown", attempted=False))
        if not conversation.active:
            raise _Stop(Outcome("cancelled", "conversation_inactive", attempted=False))
        service_url = conversation.reference.get("serviceUrl")
        return _Route(
            kind="continue",
            rate_key=conversation.id,
            service_url=service_url if isinstance(service_url, str) else "",
            conversation=conversation,
            update_activity_id=update_activity_id,
        )

    async def _continue(self, route: _Route, activity: Activity, call: _Call) -> None:
        assert route.conversation is not None
        reference = reference_from_json(dict(route.conversation.reference))

        async def callback(tc: TurnContext) -> None:
            disable_sdk_retries(tc)
            self._set_timeout(tc)
            call.conversation_id = tc.activity.conversation.id if tc.activity.conversation else None
            try:
                call.request_made = True
                if route.update_activity_id is not None:
                    activity.id = route.update_activity_id
                    response = await tc.update_activity(activity)
                    call.activity_id = route.update_activity_id
                    if isinstance(response, ResourceResponse) and response.id:
                        call.activity_id = response.id
                else:
                    response = await tc.send_activity(activity)
                    call.activity_id = response.id if response is not None else None
            except Exception as error:
                call.error = error

        await self._adapter.continue_conversation(reference, callback, self._settings.app_id)

    async def _create(self, message: ClaimedMessage, route: _Route, activity: Activity, call: _Call) -> None:
        via = route.via
        assert via is not None and message.person_id is not None
        person_id = message.person_id
        via_bot = via.reference.get("bot")
        bot_id = (via_bot.get("id") if isinstance(via_bot, dict) else None) or via.bot_id
        bot_id = bot_id or f"28:{self._settings.app_id}"
        tenant = via.tenant_id
        parameters = ConversationParameters(
            is_group=False,
            bot=ChannelAccount(id=bot_id),
            members=[ChannelAccount(id=person_id)],
            tenant_id=tenant,
            channel_data={"tenant": {"id": tenant}},
        )
        user = ChannelAccount(id=person_id, aad_object_id=route.person_aad_object_id)

        async def callback(tc: TurnContext) -> None:
            # The CreateConversation turn is an event with no `from` and no conversation type: fix both so the
            # stored reference works for later continue_conversation calls (and the reply has a recipient).
            disable_sdk_retries(tc)
            self._set_timeout(tc)
            try:
                tc.activity.from_property = user
                reference: ConversationReference = TurnContext.get_conversation_reference(tc.activity)
                data: dict[str, Any] = reference.serialize()
                conversation = dict(data.get("conversation") or {})
                conversation["conversationType"] = "personal"
                conversation["tenantId"] = tenant
                data["conversation"] = conversation
                data["channelId"] = data.get("channelId") or CHANNEL_ID
                data["serviceUrl"] = route.service_url
                call.conversation_id = str(conversation.get("id"))
                call.new_reference = data
                call.request_made = True
                response = await tc.send_activity(activity)
                call.activity_id = response.id if response is not None else None
            except Exception as error:
                call.error = error

        await self._adapter.create_conversation(
            self._settings.app_id,
            callback,
            parameters,
            CHANNEL_ID,
            route.service_url,
        )

    def _outcome_of_failure(self, message: ClaimedMessage, route: _Route, call: _Call, failure: Failure) -> Outcome:
        """The retry policy of docs/security.md, as implemented."""
        now = self._clock.now()
        attempt = message.attempts + 1
        status = failure.status
        conversation_id = call.conversation_id or (route.conversation.id if route.conversation else None)
        if status == 429:
            wait = parse_retry_after(failure.retry_after, now)
            if wait is None:
                wait = self._backoff(attempt)
            until = now + timedelta(seconds=wait)
            log.warning("delivery throttled: row=%s pause_seconds=%.1f", message.id, wait)
            self._throttled(route.rate_key, now, until)
            if attempt >= self._settings.delivery_max_attempts:
                return Outcome("dead", failure.label, status)
            return Outcome("retry", failure.label, status, next_attempt_at=until, hold_lane=True)
        if status is None or status in TRANSIENT_STATUSES or (status >= 500 and status not in (501, 505)):
            if attempt >= self._settings.delivery_max_attempts:
                log.warning("delivery gave up: row=%s attempts=%d error=%s", message.id, attempt, failure.label)
                return Outcome("dead", failure.label, status)
            wait = self._backoff(attempt)
            retry_after = parse_retry_after(failure.retry_after, now)  # e.g. a 503 with Retry-After
            if retry_after is not None:
                wait = max(wait, retry_after)
            until = now + timedelta(seconds=wait)
            return Outcome("retry", failure.label, status, next_attempt_at=until, hold_lane=True)
        if status == 401:
            log.error(
                "delivery alert: unauthorized row=%s code=%s: Teams refused the bot's token, also a new one; "
                "check FORUMBOT_APP_ID, FORUMBOT_APP_PASSWORD and FORUMBOT_APP_TENANT_ID (the message is not resent)",
                message.id,
                failure.code,
            )
            return Outcome("dead", "unauthorized", status)
        if status == 413:
            log.warning("delivery refused as too large: row=%s (not resent)", message.id)
            return Outcome("dead", "too_large", status)
        if status in GONE_STATUSES:
            # a 404 on an update may only mean the message was deleted: the conversation is gone only when
            # Teams says so (or for sends, where a 404 can only be about the conversation)
            conversation_level = (
                status == 403 or failure.code == "ConversationNotFound" or route.update_activity_id is None
            )
            reached = call.request_made or route.kind == "continue"
            gone = conversation_id if reached and conversation_level else None
            log.warning("delivery target gone: row=%s conversation=%s error=%s", message.id, gone, failure.label)
            personal = route.kind == "create" or (
                route.conversation is not None and route.conversation.type == "personal"
            )
            return Outcome(
                "dead",
                failure.label,
                status,
                gone_conversation_id=gone,
                gone_person_id=message.person_id if gone and personal else None,
            )
        return Outcome("dead", failure.label, status)

    def _backoff(self, attempt: int) -> float:
        return backoff_seconds(
            attempt, self._settings.retry_base_seconds, self._settings.retry_max_seconds, self._random()
        )

    # ------------------------------------------------------------------ recording

    async def _record(self, message: ClaimedMessage, outcome: Outcome) -> None:
        now = self._clock.now()
        if outcome.attempted:
            self.metrics.send("ok" if outcome.kind == "sent" else outcome.kind, outcome.status_code)
        async with self._uow() as uow:
            outbox = uow.outbox
            created = outcome.new_personal
            if created is not None:
                await uow.conversations.save(
                    conversation_id=created.conversation_id,
                    tenant_id=created.tenant_id,
                    type="personal",
                    service_url=created.service_url,
                    reference=created.reference,
                    bot_id=created.bot_id,
                    user_id=created.person_id,
                    aad_object_id=created.aad_object_id,
                    team_id=None,
                    channel_id=None,
                    now=now,
                )
            if outcome.kind == "sent":
                await outbox.mark_sent(
                    message.id, outcome.activity_id, outcome.conversation_id, outcome.status_code, now
                )
            elif outcome.kind == "retry":
                assert outcome.next_attempt_at is not None
                await outbox.mark_retry(message.id, outcome.next_attempt_at, outcome.status_code, outcome.error, now)
            elif outcome.kind == "dead":
                await outbox.mark_dead(message.id, outcome.error, outcome.status_code, now, attempted=outcome.attempted)
            elif outcome.kind == "cancelled":
                await outbox.mark_cancelled(message.id, outcome.error, now)
            else:
                await outbox.release([message.id], now, until=outcome.next_attempt_at)
            if outcome.gone_conversation_id is not None:
                await uow.conversations.mark_inactive(outcome.gone_conversation_id, outcome.error, now)
                cancelled = await outbox.cancel_for_conversation(
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
            if (
                message.person_id is not None
                and outcome.kind in ("dead", "cancelled")
                and unreachable.member_unreachable(outcome.status_code, outcome.error)
            ):
                await unreachable.member_not_reached(uow, message, now)
            await uow.commit()
        log.info(
            "delivery %s: row=%s kind=%s attempt=%d status=%s activity=%s",
            outcome.kind,
            message.id,
            message.kind,
            message.attempts + (1 if outcome.attempted and outcome.kind in ("sent", "retry", "dead") else 0),
            outcome.status_code,
            outcome.activity_id,
        )


class _Stop(Exception):
    """Raised while routing when the message gets an outcome without any call."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__(outcome.kind)
        self.outcome = outcome
