"""The rate budget a send takes from before its call to Teams: in memory for one process (SQLite), in the
database for several (PostgreSQL: storage.send_budget, a send log under an advisory lock).

Both answer the same questions: may a send to this conversation go now (else wait a little, or defer it),
the call went out after waiting for a free place (`restart`), the call was answered (`settle`). The limits are
the Settings' rate fields: per conversation `rate_per_conversation_per_second` and `..._per_hour`, for the whole
app `rate_global_per_second` (docs/performance.md, "Shared budget").
"""

from __future__ import annotations

import asyncio
import logging
import random as random_module
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from bot.ratelimit import DEFAULT_JITTER_SECONDS, MAX_WAIT_ROUNDS, RateLimiter, Sleep, Window
from bot.settings import Settings
from domain.clock import Clock
from storage.send_budget import Limit, SendBudget, Taken
from storage.unit_of_work import SqlAlchemyUnitOfWork

log = logging.getLogger(__name__)

PRUNE_EVERY = 500  # takes between two clean-ups of the shared send log


@dataclass
class Ticket:
    """A place taken for one send: what `restart` and `settle` refer to."""

    key: str
    requests: int
    row_id: int | None = None  # the shared send log's row


class Budget(Protocol):
    async def acquire(self, key: str, *, sleep: Sleep, max_wait: float, requests: int = 1) -> Ticket | None: ...
    async def record(self, key: str, requests: int = 1) -> Ticket: ...
    async def restart(self, ticket: Ticket) -> None: ...
    async def settle(self, ticket: Ticket) -> None: ...
    async def retry_in(self, key: str) -> float: ...


class LocalBudget:
    """One process: the in-memory sliding windows (bot.ratelimit), no database round trip."""

    def __init__(self, limiter: RateLimiter) -> None:
        self.limiter = limiter

    async def acquire(self, key: str, *, sleep: Sleep, max_wait: float, requests: int = 1) -> Ticket | None:
        waited = await self.limiter.acquire(key, sleep=sleep, max_wait=max_wait, requests=requests)
        return None if waited is None else Ticket(key, requests)

    async def record(self, key: str, requests: int = 1) -> Ticket:
        self.limiter.record(key)
        return Ticket(key, requests)

    async def restart(self, ticket: Ticket) -> None:
        self.limiter.restart(ticket.key, requests=ticket.requests)

    async def settle(self, ticket: Ticket) -> None:
        self.limiter.settle(ticket.key, ticket.requests)

    async def retry_in(self, key: str) -> float:
        return self.limiter.retry_in(key)


class SharedBudget:
    """Several processes on PostgreSQL: every take is one short transaction on the shared send log."""

    def __init__(
        self,
        settings: Settings,
        uow: Callable[[], SqlAlchemyUnitOfWork],
        clock: Clock,
        random: Callable[[], float] = random_module.random,
        jitter_seconds: float = DEFAULT_JITTER_SECONDS,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._random = random
        self._jitter = jitter_seconds
        second = Window.per_second(settings.rate_per_conversation_per_second)
        app = Window.per_second(settings.rate_global_per_second)
        self.per_key = (Limit(second.limit, second.seconds), Limit(settings.rate_per_conversation_per_hour, 3600.0))
        self.app = (Limit(app.limit, app.seconds),)
        # a send never answered (its process died) stops counting after the longest a call can hold its row
        self._inflight = float(settings.delivery_lease_seconds) + settings.delivery_timeout_seconds
        self._longest = max(limit.seconds for limit in (*self.per_key, *self.app))
        self._takes = 0
        self._last_wait: dict[str, float] = {}
        # One take at a time from this process: the lanes would otherwise queue on the shared advisory lock
        # together, each holding a pooled connection, and every send would count longer (take to answer).
        self._taking = asyncio.Lock()

    def _store(self, uow: SqlAlchemyUnitOfWork) -> SendBudget:
        return SendBudget(uow.session, self._inflight)

    async def acquire(self, key: str, *, sleep: Sleep, max_wait: float, requests: int = 1) -> Ticket | None:
        waited = 0.0
        for _ in range(MAX_WAIT_ROUNDS):
            async with self._taking, self._uow() as uow:
                result = await self._store(uow).take(key, requests, self.per_key, self.app, self._clock.now())
                await uow.commit()
            if isinstance(result, Taken):
                await self._maybe_prune()
                return Ticket(key, requests, result.row_id)
            if waited + result.seconds > max_wait:
                self._last_wait[key] = result.seconds
                return None
            pause = result.seconds + self._random() * self._jitter
            await sleep(pause)
            waited += pause
        return None

    async def record(self, key: str, requests: int = 1) -> Ticket:
        async with self._uow() as uow:
            row_id = await self._store(uow).record(key, requests, self._clock.now())
            await uow.commit()
        return Ticket(key, requests, row_id)

    async def restart(self, ticket: Ticket) -> None:
        """Nothing to move: a shared place counts from its take until its answer, whenever the call went out."""

    async def settle(self, ticket: Ticket) -> None:
        if ticket.row_id is None:
            return
        try:
            async with self._uow() as uow:
                await self._store(uow).settle(ticket.row_id, self._clock.now())
                await uow.commit()
        except Exception:  # the place stays counted (the safe side) until it is too old to count
            log.exception("could not settle send %s in the shared budget", ticket.row_id)

    async def retry_in(self, key: str) -> float:
        """How long until `key` may send: the estimate of its last refused take (deferring a row)."""
        return self._last_wait.pop(key, self.per_key[0].seconds) + self._random() * self._jitter

    async def _maybe_prune(self) -> None:
        self._takes += 1
        if self._takes % PRUNE_EVERY != 1:
            return
        try:
            async with self._uow() as uow:
                await self._store(uow).prune(self._clock.now(), self._longest)
                await uow.commit()
        except Exception:
            log.exception("could not prune the shared send log")


async def budget_for(
    settings: Settings, uow: Callable[[], SqlAlchemyUnitOfWork], clock: Clock, limiter: RateLimiter,
    random: Callable[[], float] = random_module.random,
) -> Budget:
    """The shared budget on PostgreSQL (several processes may deliver), the in-memory one on SQLite."""
    async with uow() as unit:
        bind = unit.session.bind
        dialect = bind.dialect.name if bind is not None else "sqlite"
    if dialect == "postgresql":
        return SharedBudget(settings, uow, clock, random)
    return LocalBudget(limiter)
