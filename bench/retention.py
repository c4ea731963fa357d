"""Benchmark: the disposal job over 1,000,000 due rows while turns go on (issue 11).

A migrated database (a SQLite file, or a fresh PostgreSQL database with FORUMBOT_BENCH_POSTGRES_URL) gets a forum
whose audit log is to be disposed of after 12 months (with a decision reference) and 1,000,000 audit entries from
two years ago. A "turn" is what a small use case does on the database: read the forum and the person, append an
audit entry, commit. Measured in one process, as the bot runs: the median and 95th percentile of 200 turns while
idle, then of the turns that run while the job works its way through the rows for `JOB_SECONDS` (the job's own
ticks: batches of 500 with a pause between them, two seconds a tick). The ticks come every `TICK_SECONDS`: 30 by
default, as the bot's scheduler runs them (`FORUMBOT_TICK_SECONDS`); TICK_SECONDS=0.01 runs them back to back, the
worst case, in which the job holds the database a quarter of the time. Target: turn latency during the job at most
1.5x idle. Also prints the job's rows per second and the time it would take for all of them.
Run: `.venv/bin/python bench/retention.py` (ROWS=200000 for a shorter run).
"""

from __future__ import annotations

import asyncio
import logging
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from bench.minutes import database  # noqa: E402
from bot.deps import build_deps  # noqa: E402
from bot.services.disposal import TIME_BUDGET, disposal_due  # noqa: E402
from bot.settings import Settings  # noqa: E402
from domain.model import Schedule  # noqa: E402
from domain.retention import RecordType, RetentionMode, RetentionPlan, RetentionRule  # noqa: E402
from storage.db import make_engine, make_session_factory  # noqa: E402
from storage.orm_auditors import AuditRow  # noqa: E402
from storage.unit_of_work import UnitOfWorkFactory  # noqa: E402

ROWS = int(os.environ.get("ROWS", "1000000"))
CHUNK = 20_000
IDLE_TURNS = 200
JOB_SECONDS = float(os.environ.get("JOB_SECONDS", "120"))
TICK_SECONDS = float(os.environ.get("TICK_SECONDS", "30"))
TARGET = 1.5
NOW = datetime(2026, 12, 2, 2, 30, tzinfo=UTC)  # 03:30 in Stockholm


async def world(uow: UnitOfWorkFactory) -> str:
    async with uow() as u:
        forum_id = await u.forums.create(name="Forum", tenant_id="t", conversation_id="19:r@thread", chair_id="29:c",
                                         schedule=Schedule(), now=NOW)
        await u.forums.set_retention(forum_id, RetentionPlan(
            {RecordType.AUDIT_LOG: RetentionRule(RetentionMode.AFTER_MONTHS, 12, "KS 2026/123")}), NOW)
        await u.commit()
    old = NOW - timedelta(days=730)
    for start in range(0, ROWS, CHUNK):
        async with uow() as u:
            await u.session.execute(insert(AuditRow), [
                {"at": old + timedelta(seconds=n), "actor_id": "29:p", "forum_id": forum_id, "action": "summary.read",
                 "subject_type": "meeting", "subject_id": f"m{n % 500}", "detail": {}}
                for n in range(start, min(ROWS, start + CHUNK))])
            await u.commit()
    return forum_id


async def turn(uow: UnitOfWorkFactory, forum_id: str) -> float:
    started = time.perf_counter()
    async with uow() as u:
        await u.forums.get(forum_id)
        await u.people.get("29:c")
        u.audit.record(at=NOW, action="bench.turn", subject_type="forum", subject_id=forum_id, forum_id=forum_id)
        await u.commit()
    return time.perf_counter() - started


def p95(values: list[float]) -> float:
    return sorted(values)[int(len(values) * 0.95) - 1]


async def main() -> int:
    logging.basicConfig(level=logging.ERROR)
    async with database() as url:
        engine = make_engine(url)
        uow = UnitOfWorkFactory(make_session_factory(engine))
        try:
            built = time.perf_counter()
            forum_id = await world(uow)
            print(f"{ROWS} due audit entries on {url.split(':')[0]} ({time.perf_counter() - built:.0f} s to insert)")
            deps = build_deps(Settings(_env_file=None, mode="local"), uow)  # type: ignore[call-arg]
            for _ in range(20):
                await turn(uow, forum_id)  # warm-up
            idle = []
            for _ in range(IDLE_TURNS):  # paced as the turns during the job are
                idle.append(await turn(uow, forum_id))
                await asyncio.sleep(0.02)
            removed = 0
            stop = time.perf_counter() + JOB_SECONDS

            working = False

            async def job() -> None:
                nonlocal removed, working
                while time.perf_counter() < stop:
                    started = time.perf_counter()
                    working = True
                    removed += await disposal_due(deps, NOW)
                    working = False
                    await asyncio.sleep(max(0.0, min(stop, started + TICK_SECONDS) - time.perf_counter()))

            during: list[float] = []
            in_tick: list[float] = []  # the turns that began while a tick was disposing
            task = asyncio.create_task(job())
            while not task.done():
                busy = working
                during.append(await turn(uow, forum_id))
                if busy:
                    in_tick.append(during[-1])
                await asyncio.sleep(0.02)
            await task
        finally:
            await engine.dispose()
    ratio, ratio95 = statistics.median(during) / statistics.median(idle), p95(during) / p95(idle)
    rate = removed / JOB_SECONDS
    if in_tick and TICK_SECONDS > TIME_BUDGET:
        print(f"of them {len(in_tick)} began while a tick was disposing: median {statistics.median(in_tick) * 1000:.1f}"
              f" ms, p95 {p95(in_tick) * 1000:.1f} ms")
    print(f"turns idle: median {statistics.median(idle) * 1000:.1f} ms, p95 {p95(idle) * 1000:.1f} ms")
    print(f"turns during the job ({len(during)}): median {statistics.median(during) * 1000:.1f} ms "
          f"({ratio:.2f}x idle), p95 {p95(during) * 1000:.1f} ms ({ratio95:.2f}x idle); target {TARGET}x; "
          f"a tick every {TICK_SECONDS:g} s")
    print(f"the job removed {removed} rows in {JOB_SECONDS:.0f} s ({rate:.0f}/s): all {ROWS} in about "
          f"{ROWS / rate / 60:.0f} min" if rate else "the job removed nothing")
    ok = ratio <= TARGET and removed > 0
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
