"""Benchmark: reminders at scale (issue 9). Two parts:

(a) "what is due now": `uow.nudge_plans.due(now, 1000)` with 100,000 and with 1,000,000 reminder plans (open
    actions with their plans, inserted in bulk), of which 1,000 are due: the median of repeated runs (through the
    unit of work, rows mapped to plans) must be ≤ 50 ms and about independent of the total (ratio printed);
(b) fan-out: 5,000 messages over 500 conversations (10 rounds of one to each, queued round by round), delivered
    by real worker processes (this file run with `--worker`: the app's DeliveryWorker from Settings) to the fake
    Bot Connector on loopback, which answers 429 to any post beyond 7 per second to one conversation or 50 per
    second for the whole app. The bot's `rate_global_per_second` is 50. Target: ≥ 90 % of the permitted rate
    (50/s: the least time the windows allow from the first post to the last, divided by the measured time) and
    zero 429; with one process, and with two processes sharing the budget on PostgreSQL.

Run: `.venv/bin/python bench/nudges.py` on SQLite (two processes are skipped: SQLite is one process); with
FORUMBOT_BENCH_POSTGRES_URL set (an admin URL, e.g. from `scripts/pg-test-cluster.sh start`) everything runs on
fresh PostgreSQL databases. `--messages N` scales the fan-out (default 5,000: about 100 s per run at 50/s).
Exits 1 on a FAIL.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import math
import os
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text

from bot.settings import Settings
from storage.db import make_engine, make_session_factory
from storage.migrate import upgrade_async
from storage.orm import ActionRow, ForumRow, MeetingRow, OrganisationRow, RoleRow
from storage.orm_follow_up import NudgePlanRow
from storage.outbox import NewMessage
from storage.unit_of_work import UnitOfWorkFactory

SCRIPT = Path(__file__).resolve()
ROOT = SCRIPT.parents[1]
if str(ROOT) not in sys.path:  # `devtools` is not installed; run as a script, this file's folder comes first
    sys.path.insert(0, str(ROOT))

from bench.turns import postgres_database  # noqa: E402
from devtools.fake_connector import FakeConnector, running_fake_connector  # noqa: E402

POSTGRES_ENV = "FORUMBOT_BENCH_POSTGRES_URL"
NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
DUE, SIZES, RUNS = 1_000, (100_000, 1_000_000), 15
DUE_TARGET_MS, RATIO_TARGET = 50.0, 2.0
CONVERSATIONS, PER_CONVERSATION, APP_RATE, RATE_TARGET = 500, 7, 50, 0.90
FORUM, ROLE, MEETING = "forum-bench", "role-bench", "meeting-bench"
CHUNK = 20_000


@asynccontextmanager
async def sqlite_database() -> AsyncIterator[str]:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        await upgrade_async(url)
        yield url


def database(admin_url: str | None) -> AbstractAsyncContextManager[str]:
    return postgres_database(admin_url) if admin_url else sqlite_database()


# ---------------------------------------------------------------------------------------------- (a) the due query


async def forum_rows(uow: UnitOfWorkFactory) -> None:
    async with uow() as u:
        u.session.add(ForumRow(id=FORUM, name="Bench", tenant_id="t", conversation_id="19:bench", chair_id="29:c",
                               schedule={}, created_at=NOW, updated_at=NOW))
        u.session.add(OrganisationRow(id="org-bench", forum_id=FORUM, name="Org", position=0))
        u.session.add(RoleRow(id=ROLE, organisation_id="org-bench", kind="contact", holder_id="29:h", updated_at=NOW))
        u.session.add(MeetingRow(id=MEETING, forum_id=FORUM, original_date=date(2026, 11, 1),
                                 local_date=date(2026, 11, 1), starts_at=NOW, updated_at=NOW))
        await u.commit()


def next_at_of(n: int) -> datetime | None:
    """Plan n's next reminder: the first DUE are due (in the last hours), a tenth have none, the rest are later."""
    if n < DUE:
        return NOW - timedelta(minutes=1 + n % 600)
    if n % 10 == 0:
        return None
    return NOW + timedelta(minutes=1 + n % (60 * 24 * 60))


async def add_plans(uow: UnitOfWorkFactory, first: int, last: int) -> None:
    """Actions and their plans first..last-1, in chunks of multi-row inserts (SQLAlchemy's insertmanyvalues)."""
    for start in range(first, last, CHUNK):
        numbers = range(start, min(last, start + CHUNK))
        actions = [{"id": f"a-{n:07d}", "forum_id": FORUM, "number": n + 1, "title": "Åtgärd", "description": "",
                    "owner_role_id": ROLE, "due": date(2026, 12, 1), "meeting_id": MEETING, "item_key": "k",
                    "status": "open", "created_at": NOW, "created_by": "29:c", "outcome": "", "updated_at": NOW}
                   for n in numbers]
        plans = [{"action_id": f"a-{n:07d}", "forum_id": FORUM, "next_at": next_at_of(n), "stage": "before",
                  "overdue_sent": 0, "escalated": False, "last_local_day": "", "updated_at": NOW} for n in numbers]
        async with uow() as u:
            await u.session.execute(insert(ActionRow), actions)
            await u.session.execute(insert(NudgePlanRow), plans)
            await u.commit()


async def median_due_ms(uow: UnitOfWorkFactory) -> float:
    async with uow() as u:  # fresh statistics, as autovacuum would have them in a running system
        await u.session.execute(text("ANALYZE"))
        await u.commit()
    times = []
    for run in range(RUNS + 2):
        started = time.perf_counter()
        async with uow() as u:
            plans = await u.nudge_plans.due(NOW, DUE)
        if run >= 2:  # two warm-ups
            times.append((time.perf_counter() - started) * 1000)
        assert len(plans) == DUE, len(plans)
    return statistics.median(times)


async def due_query(admin_url: str | None) -> bool:
    async with database(admin_url) as url:
        engine = make_engine(url)
        uow = UnitOfWorkFactory(make_session_factory(engine))
        try:
            await forum_rows(uow)
            medians, done = [], 0
            for size in SIZES:
                started = time.perf_counter()
                await add_plans(uow, done, size)
                done = size
                medians.append(await median_due_ms(uow))
                print(f"  {size:>9,} plans ({DUE:,} due; inserted in {time.perf_counter() - started:.0f} s): "
                      f"due(now, {DUE}) median {medians[-1]:.1f} ms over {RUNS} runs")
        finally:
            await engine.dispose()
    ratio = medians[-1] / medians[0]
    ok = max(medians) <= DUE_TARGET_MS and ratio <= RATIO_TARGET
    print(f"  1M/100k ratio {ratio:.2f} (target ≤ {RATIO_TARGET:g}, each ≤ {DUE_TARGET_MS:g} ms)  "
          f"{'PASS' if ok else 'FAIL'}")
    return ok


# ---------------------------------------------------------------------------------------------- (b) the fan-out


def reference(cid: str, service_url: str) -> dict[str, object]:
    return {"activityId": "1700000000000", "user": {"id": "29:someone", "name": "Someone"},
            "bot": {"id": "28:bot", "name": "Forumbot"},
            "conversation": {"id": cid, "conversationType": "channel", "isGroup": True},
            "channelId": "msteams", "locale": "sv-SE", "serviceUrl": service_url}


async def queue_fan_out(url: str, connector: FakeConnector, messages: int) -> list[str]:
    engine = make_engine(url)
    uow = UnitOfWorkFactory(make_session_factory(engine))
    ids = [f"19:bench-{i:03d}@thread.tacv2" for i in range(CONVERSATIONS)]
    try:
        async with uow() as u:
            for cid in ids:
                await u.conversations.save(
                    conversation_id=cid, tenant_id="tenant-bench", type="channel", service_url=connector.url,
                    reference=reference(cid, connector.url), bot_id="28:bot", user_id=None, aad_object_id=None,
                    team_id=cid, channel_id=cid, now=NOW)
            for n in range(messages):
                cid = ids[n % len(ids)]
                await u.outbox.enqueue(NewMessage(kind="action_nudge", subject_id=FORUM, recipient_id=cid,
                                                  slot=str(n // len(ids)), conversation_id=cid,
                                                  payload={"type": "message", "text": f"påminnelse {n}"}), NOW)
            await u.commit()
    finally:
        await engine.dispose()
    return ids


async def start_worker(url: str) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FORUMBOT_", "Microsoft"))}
    env.update({"PYTHONPATH": str(ROOT), "FORUMBOT_DATABASE_URL": url, "FORUMBOT_MODE": "local",
                "FORUMBOT_RATE_GLOBAL_PER_SECOND": str(APP_RATE), "FORUMBOT_TICK_SECONDS": "1"})
    process = await asyncio.create_subprocess_exec(sys.executable, str(SCRIPT), "--worker",
                                                   cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE)
    assert process.stdout is not None
    if (await asyncio.wait_for(process.stdout.readline(), 60)).strip() != b"started":
        raise RuntimeError("the worker process did not start")
    return process


async def fan_out(url: str, processes: int, messages: int) -> bool:
    async with running_fake_connector(rate_limit_per_second=PER_CONVERSATION,
                                      app_rate_limit_per_second=APP_RATE) as connector:
        await queue_fan_out(url, connector, messages)
        workers = [await start_worker(url) for _ in range(processes)]
        try:
            limit = 3 * messages / APP_RATE + 60
            started = time.monotonic()
            while len(connector.activity_posts(ok_only=True)) < messages and time.monotonic() - started < limit:  # noqa: ASYNC110
                await asyncio.sleep(0.2)
        finally:
            for worker in workers:
                worker.send_signal(signal.SIGTERM)
            for worker in workers:
                await worker.wait()
        posts = connector.activity_posts()
    ok_posts = [p for p in posts if p.ok]
    arrivals = sorted(p.at for p in ok_posts)
    span = (arrivals[-1] - arrivals[0]).total_seconds() if len(arrivals) > 1 else 0.0
    per_conversation = Counter(p.conversation_id for p in ok_posts)
    busiest = max((math.ceil(n / PER_CONVERSATION) - 1 for n in per_conversation.values()), default=0)
    permitted = float(max(busiest, math.ceil(messages / APP_RATE) - 1))
    share = permitted / span if span else 0.0
    refused = len(posts) - len(ok_posts)
    duplicates = sum(n - 1 for n in Counter((p.conversation_id, p.json.get("text")) for p in ok_posts).values())
    ok = len(ok_posts) == messages and refused == 0 and duplicates == 0 and share >= RATE_TARGET
    print(f"  {processes} process{'es' if processes > 1 else ''}: {len(ok_posts):,}/{messages:,} delivered in "
          f"{span:.1f} s from the first post to the last ({len(ok_posts) / span if span else 0:.1f}/s), permitted "
          f"{permitted:.0f} s at {APP_RATE}/s: {share:.0%} of the permitted rate (target ≥ {RATE_TARGET:.0%}); "
          f"429s: {refused}; duplicates: {duplicates}  {'PASS' if ok else 'FAIL'}")
    return ok


async def fan_outs(admin_url: str | None, messages: int) -> bool:
    results = []
    async with database(admin_url) as url:
        results.append(await fan_out(url, 1, messages))
    if admin_url:
        async with database(admin_url) as url:
            results.append(await fan_out(url, 2, messages))
    else:
        print("  2 processes: skipped (SQLite is one process; set FORUMBOT_BENCH_POSTGRES_URL)")
    return all(results)


# ---------------------------------------------------------------------------------------------- the worker process


async def worker() -> None:
    """One delivering process: the app's DeliveryWorker from Settings (the FORUMBOT_* environment)."""
    from bot.adapter import ForumAdapter
    from bot.app import delivery_hooks
    from bot.delivery.worker import DeliveryWorker
    from domain.clock import SystemClock

    settings = Settings()
    engine = make_engine(settings.database_url)
    uow = UnitOfWorkFactory(make_session_factory(engine))
    delivery = DeliveryWorker(settings=settings, uow=uow, adapter=ForumAdapter(settings), clock=SystemClock(),
                              hooks=delivery_hooks(settings.default_language))
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await delivery.start()
    print("started", flush=True)
    try:
        await stop.wait()
    finally:
        await delivery.stop()
        await engine.dispose()


async def main_async(messages: int, parts: str) -> int:
    logging.basicConfig(level=logging.ERROR)
    admin_url = os.environ.get(POSTGRES_ENV)
    backend = "PostgreSQL" if admin_url else f"SQLite ({POSTGRES_ENV} not set)"
    ok = True
    if "a" in parts:
        print(f"(a) what is due now, on {backend}")
        ok &= await due_query(admin_url)
    if "b" in parts:
        print(f"(b) fan-out of {messages:,} messages over {CONVERSATIONS} conversations, on {backend}; the fake "
              f"connector enforces {PER_CONVERSATION}/s per conversation and {APP_RATE}/s per app")
        ok &= await fan_outs(admin_url, messages)
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--messages", type=int, default=5_000, help="fan-out size (default 5,000)")
    parser.add_argument("--parts", default="ab", help="which parts to run: a, b or ab (default)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        asyncio.run(worker())
        return 0
    return asyncio.run(main_async(args.messages, args.parts))


if __name__ == "__main__":
    sys.exit(main())
