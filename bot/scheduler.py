"""APScheduler only ticks; the database decides what is due (unique keys make every tick idempotent)."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.services.cycle import run_cycle

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)


class Ticker:
    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self._scheduler: AsyncIOScheduler | None = None

    async def tick(self) -> None:
        started = time.perf_counter()
        now = self._runtime.clock.now()
        try:
            await run_cycle(self._runtime.deps, now)
            self._runtime.delivery.wake()
        except Exception:  # a failed tick must not stop the next one
            log.exception("tick failed")
            self._runtime.metrics.tick(time.perf_counter() - started, ok=False, now=now)
        else:
            self._runtime.metrics.tick(time.perf_counter() - started, ok=True, now=self._runtime.clock.now())

    def start(self) -> None:
        scheduler = AsyncIOScheduler(timezone="UTC")
        scheduler.add_job(
            self.tick,
            IntervalTrigger(seconds=self._runtime.settings.tick_seconds, timezone="UTC"),
            id="forumbot-tick",
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=3600,
        )
        # Catch up at once on start: whatever fell due while we were down is found by the same query.
        scheduler.add_job(self.tick, id="forumbot-catch-up", replace_existing=True, misfire_grace_time=3600)
        scheduler.start()
        self._scheduler = scheduler

    def stop(self) -> None:
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        self._scheduler = None
