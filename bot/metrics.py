"""Prometheus metrics: one registry per app, counters moved where things happen, database gauges at scrape time.

`GET /metrics` answers in the Prometheus text format. With `FORUMBOT_METRICS_TOKEN` set it wants
`Authorization: Bearer <token>` (401 otherwise); operators who prefer a network boundary bind the endpoint
behind their ingress instead. Labels are kinds and outcomes only: never ids, names or text.
"""

from __future__ import annotations

import hmac
import logging
from datetime import datetime

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from domain.outbox import QUEUED
from storage.unit_of_work import UnitOfWorkFactory

log = logging.getLogger(__name__)

_LATENCY = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.turns = Counter("forumbot_turns_total", "Activities received on /api/messages.",
                             ["kind", "outcome"], registry=r)
        self.turn_seconds = Histogram("forumbot_turn_seconds", "Time to answer /api/messages.", ["kind"],
                                      buckets=_LATENCY, registry=r)
        self.sends = Counter("forumbot_sends_total", "Outbox delivery attempts by result.", ["result"], registry=r)
        self.throttle_pauses = Counter("forumbot_throttle_pauses_total",
                                       "Pauses after 429s: one conversation, or all sending.", ["scope"], registry=r)
        self.ticks = Counter("forumbot_ticks_total", "Scheduler ticks by outcome.", ["outcome"], registry=r)
        self.tick_seconds = Histogram("forumbot_tick_seconds", "Duration of a scheduler tick.",
                                      buckets=_LATENCY, registry=r)
        self.last_tick = Gauge("forumbot_last_successful_tick_timestamp_seconds",
                               "Unix time of the last tick that finished without an error.", registry=r)
        self.outbox_rows = Gauge("forumbot_outbox_rows", "Outbox rows by status.", ["status"], registry=r)
        self.outbox_oldest_due = Gauge("forumbot_outbox_oldest_due_age_seconds",
                                       "How long the oldest queued row has been due (0: nothing is late).",
                                       registry=r)
        self.dead_letters = Gauge("forumbot_dead_letters", "Outbox rows that will not be sent (status dead).",
                                  registry=r)

    def turn(self, kind: str, status: int, seconds: float) -> None:
        outcome = "ok" if status < 400 else ("refused" if status < 500 else "error")
        self.turns.labels(kind=kind, outcome=outcome).inc()
        self.turn_seconds.labels(kind=kind).observe(seconds)

    def send(self, result: str, status_code: int | None = None) -> None:
        self.sends.labels(result="throttled" if status_code == 429 else result).inc()

    def tick(self, seconds: float, *, ok: bool, now: datetime) -> None:
        self.ticks.labels(outcome="ok" if ok else "error").inc()
        self.tick_seconds.observe(seconds)
        if ok:
            self.last_tick.set(now.timestamp())

    async def refresh(self, uow_factory: UnitOfWorkFactory, now: datetime) -> None:
        """The database gauges, read when scraped (so every instance reports the shared outbox)."""
        async with uow_factory() as uow:
            counts = await uow.outbox.counts()
            oldest = await uow.outbox.oldest_due(now)
        for status in ("pending", "sending", "retry", "sent", "dead", "cancelled"):
            self.outbox_rows.labels(status=status).set(counts.get(status, 0))
        self.dead_letters.set(counts.get("dead", 0))
        self.outbox_oldest_due.set(max(0.0, (now - oldest).total_seconds()) if oldest else 0.0)

    def render(self) -> bytes:
        return generate_latest(self.registry)


def authorised(request: web.Request, token: str) -> bool:
    if not token:
        return True
    given = request.headers.get("Authorization", "")
    return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


__all__ = ["CONTENT_TYPE_LATEST", "QUEUED", "Metrics", "authorised"]
