"""Benchmark: delivery through the outbox while some conversations hang and some are throttled (issue 6 item 8).

1,000 messages over 200 conversations (5 rounds of one message to each, queued round by round), sent by the real
`DeliveryWorker` loop to the fake Bot Connector on loopback, on a migrated SQLite file. Each configuration runs
twice: without faults, and with 10 % of the conversations hanging (never answering) and 10 % answering their
first request 429 with `Retry-After: 2`. Reported: the time until every healthy conversation has all its
messages, as a ratio to the run without faults (target ≤ 1.5), the time until the throttled ones have theirs
too, and how many requests reached a conversation before its Retry-After had passed (target 0; the fake
connector records every request's arrival time per conversation).

Run: `.venv/bin/python bench/delivery.py` (about two minutes on 2 cores). Exits 1 on a FAIL.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.adapter import ForumAdapter
from bot.app import delivery_hooks
from bot.delivery.worker import DeliveryWorker
from bot.settings import Settings
from domain.clock import SystemClock
from storage.db import make_engine, make_session_factory
from storage.migrate import upgrade_async
from storage.outbox import NewMessage
from storage.unit_of_work import UnitOfWorkFactory

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `devtools` is not installed; run as a script, this file's folder comes first
    sys.path.insert(0, str(ROOT))

from devtools.fake_connector import FakeConnector, running_fake_connector  # noqa: E402

CONVERSATIONS = 200
MESSAGES = 1_000
HANGING_SHARE = 0.10
THROTTLED_SHARE = 0.10
RETRY_AFTER_SECONDS = 2.0
TARGET_RATIO = 1.5
LIMIT_SECONDS = 300.0
TENANT = "tenant-bench"


@dataclass(frozen=True)
class Config:
    name: str
    overrides: dict[str, Any]


CONFIGS = (
    Config("defaults (global limit 30/s)", {}),
    Config("global limit 500/s", {"rate_global_per_second": 500.0}),
)


@dataclass(frozen=True)
class Run:
    healthy_seconds: float
    throttled_seconds: float | None
    early_requests: int
    duplicates: int
    requests: int


def reference(conversation_id: str, service_url: str) -> dict[str, Any]:
    return {
        "activityId": "1700000000000",
        "user": {"id": "29:someone", "name": "Someone"},
        "bot": {"id": "28:bot", "name": "Forumbot"},
        "conversation": {"id": conversation_id, "conversationType": "channel", "isGroup": True},
        "channelId": "msteams",
        "locale": "sv-SE",
        "serviceUrl": service_url,
    }


async def prepare(uow: UnitOfWorkFactory, clock: SystemClock, connector: FakeConnector, ids: list[str]) -> None:
    now = clock.now()
    async with uow() as u:
        for cid in ids:
            await u.conversations.save(
                conversation_id=cid, tenant_id=TENANT, type="channel", service_url=connector.url,
                reference=reference(cid, connector.url), bot_id="28:bot", user_id=None, aad_object_id=None,
                team_id=cid, channel_id=cid, now=now,
            )
        for n in range(MESSAGES):
            cid = ids[n % len(ids)]
            await u.outbox.enqueue(
                NewMessage(kind="bench", subject_id="meeting", recipient_id=cid, slot=str(n // len(ids)),
                           conversation_id=cid, payload={"type": "message", "text": f"message {n}"}),
                now,
            )
        await u.commit()


async def one_run(config: Config, faults: bool) -> Run:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        await upgrade_async(url)
        engine = make_engine(url)
        uow = UnitOfWorkFactory(make_session_factory(engine))
        clock = SystemClock()
        try:
            async with running_fake_connector() as connector:
                ids = [f"19:bench-{i:03d}@thread.tacv2" for i in range(CONVERSATIONS)]
                hanging = set(ids[:: int(1 / HANGING_SHARE)]) if faults else set()
                throttled = set(ids[1 :: int(1 / THROTTLED_SHARE)]) if faults else set()
                healthy = [cid for cid in ids if cid not in hanging and cid not in throttled]
                per_conversation = MESSAGES // CONVERSATIONS
                for cid in hanging:
                    connector.hang_next(cid, times=None)
                for cid in throttled:
                    connector.throttle(cid, retry_after=RETRY_AFTER_SECONDS, times=1)
                await prepare(uow, clock, connector, ids)
                settings = Settings(_env_file=None, mode="local", **config.overrides)  # type: ignore[call-arg]
                worker = DeliveryWorker(
                    settings=settings, uow=uow, adapter=ForumAdapter(settings), clock=clock, hooks=delivery_hooks()
                )

                ok: dict[str, int] = dict.fromkeys(ids, 0)
                seen = 0

                def delivered(conversations: list[str] | set[str]) -> bool:
                    nonlocal seen  # count new accepted posts only: rescanning every request would starve the loop
                    for request in connector.requests[seen:]:
                        if request.is_activity_post and request.ok and request.conversation_id in ok:
                            ok[request.conversation_id] += 1
                    seen = len(connector.requests)
                    return all(ok[c] >= per_conversation for c in conversations)

                started = time.perf_counter()
                await worker.start()
                healthy_seconds: float | None = None
                throttled_seconds: float | None = None
                try:
                    while time.perf_counter() - started < LIMIT_SECONDS:
                        elapsed = time.perf_counter() - started
                        if healthy_seconds is None and delivered(healthy):
                            healthy_seconds = elapsed
                        if throttled_seconds is None and throttled and delivered(throttled):
                            throttled_seconds = elapsed
                        if healthy_seconds is not None and (throttled_seconds is not None or not throttled):
                            break
                        await asyncio.sleep(0.05)
                finally:
                    connector.release_hangs()
                    await worker.stop()
                if healthy_seconds is None:
                    raise RuntimeError(f"healthy conversations not delivered within {LIMIT_SECONDS} s")
                duplicates = sum(max(0, len(connector.sent_to(c)) - per_conversation) for c in ids)
                return Run(healthy_seconds, throttled_seconds, len(connector.early_requests), duplicates,
                           len(connector.requests))
        finally:
            await engine.dispose()


async def main() -> int:
    logging.basicConfig(level=logging.ERROR)
    failed = False
    print(f"{MESSAGES} messages over {CONVERSATIONS} conversations; faults: {HANGING_SHARE:.0%} hanging, "
          f"{THROTTLED_SHARE:.0%} answering 429 with Retry-After: {RETRY_AFTER_SECONDS:g}")
    for config in CONFIGS:
        clean = await one_run(config, faults=False)
        faulty = await one_run(config, faults=True)
        ratio = faulty.healthy_seconds / clean.healthy_seconds
        ok = ratio <= TARGET_RATIO and faulty.early_requests == 0 and faulty.duplicates == 0
        failed |= not ok
        throttled = f"{faulty.throttled_seconds:.1f} s" if faulty.throttled_seconds is not None else "not all"
        print(f"\n{config.name}")
        print(f"  no faults:   all delivered after {clean.healthy_seconds:.1f} s ({clean.requests} requests)")
        print(f"  with faults: healthy delivered after {faulty.healthy_seconds:.1f} s, throttled after {throttled} "
              f"({faulty.requests} requests)")
        print(f"  ratio healthy/no faults: {ratio:.2f} (target <= {TARGET_RATIO}); "
              f"sends before Retry-After: {faulty.early_requests}; duplicates: {faulty.duplicates}  "
              f"{'PASS' if ok else 'FAIL'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
