"""The delivery loop: claim due outbox rows, hand them to one lane per conversation, record each outcome.

A row is claimed (status 'sending' with a lease) and committed *before* the call to Teams; the outcome is
recorded in a new transaction afterwards. A crash in between leaves a 'sending' row whose lease expires and is
retried (the only duplicate window).

Claimed rows go to one *lane* per conversation (``conversation_id``, or the person for 1:1 rows), sent one
after the other in id order; lanes run concurrently, with at most ``delivery_concurrency`` calls in flight (a
call slower than ``delivery_slow_seconds`` gives its place up). The background loop claims more as lanes
finish, leaving rows to busy or held-back conversations queued, so a hung conversation holds up only itself.
Report rows (``report:<kind>``) wait in their own lane and are written by the ``compose_report`` hook when
their round is done; rows that will never be sent go to the ``on_undeliverable`` hook. Both hooks are use
cases wired in ``bot.app.create_app``: this module knows none of them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random as random_module
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from bot.delivery import teams
from bot.delivery.budget import Budget, budget_for
from bot.delivery.policy import Outcome
from bot.delivery.recording import record
from bot.delivery.sending import DeliveryHooks, Sender
from bot.delivery.teams import Adapter, TeamsClient
from bot.delivery.throttle import Throttles
from bot.metrics import Metrics
from bot.ratelimit import RateLimiter, Sleep
from bot.settings import Settings
from domain.clock import Clock
from domain.outbox import ClaimedMessage, is_report_kind
from storage.unit_of_work import SqlAlchemyUnitOfWork

log = logging.getLogger(__name__)

BUSY_POLL_SECONDS = 0.5


@dataclass(eq=False)
class _Lane:
    """The claimed rows to one conversation, sent one after the other by one task."""

    key: str
    queue: deque[ClaimedMessage] = field(default_factory=deque)
    task: asyncio.Task[None] | None = None


class DeliveryWorker:
    """Claims due outbox rows and sends them. One per process; safe with several processes on PostgreSQL."""

    def __init__(
        self,
        *,
        settings: Settings,
        uow: Callable[[], SqlAlchemyUnitOfWork],
        adapter: Adapter,
        clock: Clock,
        sleep: Sleep = asyncio.sleep,
        random: Callable[[], float] = random_module.random,
        metrics: Metrics | None = None,
        hooks: DeliveryHooks | None = None,
    ) -> None:
        self._settings = settings
        self.metrics = metrics or Metrics()
        self._uow = uow
        self._adapter = adapter
        self._clock = clock
        self._hooks = hooks or DeliveryHooks()
        self.limiter = RateLimiter.from_settings(settings, clock, random)
        self._throttles = Throttles(settings, clock, self.metrics)
        self._sender = Sender(
            settings=settings, uow=uow, teams_client=TeamsClient(adapter, settings), clock=clock, sleep=sleep,
            random=random, limiter=self.limiter, throttles=self._throttles, compose_report=self._hooks.compose_report,
            other_lanes=self._other_lanes,
        )
        self._lock = asyncio.Lock()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._lanes: dict[str, _Lane] = {}
        self._holds: dict[str, datetime] = {}  # lane key -> its rows stay queued until then (retry, 429, limits)
        self._held = 0  # claimed rows not yet given an outcome or released
        # lanes (conversations) at once; rows queued behind a lane's call do not count, so the rows of one
        # conversation claimed together cannot fill the worker while its first call hangs
        self._max_lanes = max(settings.delivery_batch, 4 * settings.delivery_concurrency)
        self._max_held = 4 * self._max_lanes  # rows, a safety bound
        self._processed = 0
        self._random = random
        self._budget_chosen = False

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
        grace = self._settings.delivery_timeout_seconds + self._sender.max_inline_wait + 1.0
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
        return self._throttles.paused_until

    def conversation_paused_until(self, conversation_id: str) -> datetime | None:
        """The pause of one conversation after its 429 (its Retry-After), if one is in force."""
        return self._throttles.conversation_paused_until(conversation_id)

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
        paused_until = self._throttles.paused_until
        if paused_until is not None and paused_until > next_due:
            next_due = paused_until
        return min(poll, max(0.05, (next_due - now).total_seconds()))

    @property
    def processed(self) -> int:
        """Rows this worker has given an outcome since it was made."""
        return self._processed

    @property
    def budget(self) -> Budget:
        """The rate budget sends take from: shared through the database on PostgreSQL, in memory on SQLite."""
        return self._sender.budget

    async def _choose_budget(self) -> None:
        if not self._budget_chosen:
            self._sender.budget = await budget_for(self._settings, self._uow, self._clock, self.limiter, self._random)
            self._budget_chosen = True

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
            teams.ensure_io_threads(self._settings)
            await self._choose_budget()
            now = self._clock.now()
            room = self._room()
            async with self._uow() as uow:
                await uow.outbox.release_expired_leases(now, max_attempts=self._settings.delivery_max_attempts)
                claimed: list[ClaimedMessage] = []
                if not self._stopping and not self._throttles.paused(now) and room > 0:
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

    def _dispatch(self, message: ClaimedMessage) -> None:
        """Rows to one conversation (or one person's 1:1 chat) go to one lane, sent one after the other in id
        order; lanes run concurrently. A report row waits in its own lane until its round is done."""
        key = message.conversation_id or f"person:{message.person_id}"
        if is_report_kind(message.kind):
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
                if self._throttles.paused(now):
                    hold_until = self._throttles.paused_until
                    break
                if now + self._sender.lease_margin >= message.lease_until:
                    break  # not enough lease left for a full call: give the rest back, due now
                lane.queue.popleft()
                try:
                    outcome = await self._sender.deliver(message)
                except BaseException:
                    lane.queue.appendleft(message)  # cancelled (stop) or a bug: give it back with the rest
                    raise
                # From here a request may have reached Teams: if recording fails, the row keeps its lease and
                # comes back (one attempt counted) when it expires, instead of being resent at once.
                self._held -= 1
                await self._record(message, outcome)
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
            await self._close_lane(lane, hold_until)

    async def _close_lane(self, lane: _Lane, hold_until: datetime | None) -> None:
        if self._lanes.get(lane.key) is lane:
            del self._lanes[lane.key]
        leftovers = list(lane.queue)
        lane.queue.clear()
        self._held -= len(leftovers)
        if leftovers:
            await self._release(leftovers, hold_until)
        self._wake.set()

    def _other_lanes(self) -> set[asyncio.Task[None]]:
        return {lane.task for lane in self._lanes.values() if lane.task is not None and lane.key[:7] != "report:"}

    async def _release(self, messages: list[ClaimedMessage], until: datetime | None) -> None:
        try:
            async with self._uow() as uow:
                await uow.outbox.release([m.id for m in messages], self._clock.now(), until=until)
                await uow.commit()
        except Exception:
            log.exception("could not release %d claimed rows; their leases will expire", len(messages))

    # ------------------------------------------------------------------ one message

    # ------------------------------------------------------------------ recording

    async def _record(self, message: ClaimedMessage, outcome: Outcome) -> None:
        if outcome.attempted:
            self.metrics.send("ok" if outcome.kind == "sent" else outcome.kind, outcome.status_code)
        try:
            async with self._uow() as uow:
                await record(uow, message, outcome, self._clock.now(), self._hooks.on_undeliverable)
                await uow.commit()
        except Exception:
            log.exception("could not record the outcome of row %s; its lease will expire", message.id)
            return
        log.info(
            "delivery %s: row=%s kind=%s attempt=%d status=%s activity=%s",
            outcome.kind,
            message.id,
            message.kind,
            message.attempts + (1 if outcome.attempted and outcome.kind in ("sent", "retry", "dead") else 0),
            outcome.status_code,
            outcome.activity_id,
        )
