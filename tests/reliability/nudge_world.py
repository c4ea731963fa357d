"""What the reliability tests share: 1,000 due reminder digests (outbox rows of kind action_nudge, one to each
owner's stored 1:1 chat, queued through storage), delivering processes started as real subprocesses, and what
the fake Bot Connector and the database say afterwards."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from domain.action_log import EventKind
from storage.orm import OutboxRow
from storage.orm_follow_up import ActionEventRow
from storage.outbox import NewMessage
from storage.unit_of_work import UnitOfWorkFactory
from tests.fakes.connector import FakeConnector
from tests.integration.test_delivery import BOT, TENANT, reference

ROOT = Path(__file__).resolve().parents[2]
FORUM = "forum-reliability"
DAY = "2026-11-23"


@dataclass(frozen=True)
class Owner:
    person_id: str
    conversation_id: str  # the stored 1:1 chat
    action_id: str


def owners(count: int) -> list[Owner]:
    return [Owner(f"29:owner-{n:04d}", f"a:personal-{n:04d}", f"action-{n:04d}") for n in range(count)]


async def queue_nudges(uow_factory: UnitOfWorkFactory, service_url: str, who: list[Owner], now: datetime) -> None:
    """Each owner's 1:1 chat stored (as a turn in it would have), and the day's digest queued to the person."""
    async with uow_factory() as uow:
        for owner in who:
            await uow.conversations.save(
                conversation_id=owner.conversation_id, tenant_id=TENANT, type="personal", service_url=service_url,
                reference=reference(owner.conversation_id, service_url, "personal", owner.person_id), bot_id=BOT,
                user_id=owner.person_id, aad_object_id=None, team_id=None, channel_id=None, now=now,
            )
        await uow.commit()
    async with uow_factory() as uow:
        for owner in who:
            await uow.outbox.enqueue(
                NewMessage(kind="action_nudge", subject_id=FORUM, recipient_id=owner.person_id,
                           person_id=owner.person_id, occurrence_local_date=DAY,
                           payload={"type": "message", "text": "Påminnelse: en åtgärd väntar på dig"},
                           extra={"action_ids": [owner.action_id], "forum_id": FORUM}),
                now,
            )
        await uow.commit()


def worker_env(database_url: str, **settings: str) -> dict[str, str]:
    """The environment of one delivering process: the test's database, local mode, and `settings`
    (FORUMBOT_<NAME> each)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FORUMBOT_", "Microsoft"))}
    env.update({"PYTHONPATH": str(ROOT), "FORUMBOT_DATABASE_URL": database_url, "FORUMBOT_MODE": "local"})
    env.update({f"FORUMBOT_{name.upper()}": value for name, value in settings.items()})
    return env


async def start_worker(env: dict[str, str]) -> asyncio.subprocess.Process:
    """A delivering process (tests/reliability/worker_process.py), once its loop runs."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.reliability.worker_process", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    try:
        line = await asyncio.wait_for(process.stdout.readline(), timeout=60)
    except TimeoutError:
        line = b""
    if line.strip() != b"started":
        process.kill()
        _, err = await process.communicate()
        raise AssertionError(f"the delivering process did not start: {err.decode()[-2000:]}")
    return process


@dataclass(frozen=True)
class Stopped:
    processed: int | None  # rows it gave an outcome (None: it did not stop cleanly)
    errors: str  # its stderr: warnings and errors


async def stop_worker(process: asyncio.subprocess.Process) -> Stopped:
    """SIGTERM (the app's own stop), SIGKILL if it takes too long."""
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
    try:
        out, err = await asyncio.wait_for(process.communicate(), timeout=30)
    except TimeoutError:
        process.kill()
        out, err = await process.communicate()
    lines = [line for line in out.decode().splitlines() if line.startswith("stopped processed=")]
    processed = int(lines[-1].split("=", 1)[1]) if lines else None
    return Stopped(processed, err.decode())


async def wait_for(condition: Callable[[], bool], within: float, what: str, poll: float = 0.01) -> float:
    """Poll `condition` (what another process did) until it holds; the seconds it took."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > within:
            raise AssertionError(f"not within {within:g} s: {what}")
        await asyncio.sleep(poll)
    return time.monotonic() - started


def accepted_per_conversation(connector: FakeConnector) -> Counter[str]:
    return Counter(r.conversation_id for r in connector.requests if r.is_activity_post and r.ok)


async def all_recorded(uow_factory: UnitOfWorkFactory, count: int, within: float = 10.0) -> None:
    """Wait until the database says `count` reminders were sent (the last are recorded just after their answers)."""
    started = time.monotonic()
    while (await outbox_statuses(uow_factory)).get("sent", 0) < count:
        if time.monotonic() - started > within:
            return
        await asyncio.sleep(0.05)


async def outbox_statuses(uow_factory: UnitOfWorkFactory) -> dict[str, int]:
    async with uow_factory() as uow:
        rows = await uow.session.execute(
            select(OutboxRow.status, func.count()).where(OutboxRow.kind == "action_nudge").group_by(OutboxRow.status)
        )
        return {status: count for status, count in rows.all()}


async def delivered_events(uow_factory: UnitOfWorkFactory) -> Counter[str]:
    """NUDGE_DELIVERED events in the follow-up log, per action."""
    async with uow_factory() as uow:
        ids = await uow.session.scalars(
            select(ActionEventRow.action_id).where(ActionEventRow.kind == EventKind.NUDGE_DELIVERED.value)
        )
        return Counter(ids)


def most_in_any_window(times: list[datetime], seconds: float) -> int:
    """The largest number of `times` inside any half-open window [t, t + seconds)."""
    times = sorted(times)
    best, start = 0, 0
    for end, at in enumerate(times):
        while (at - times[start]).total_seconds() >= seconds:
            start += 1
        best = max(best, end - start + 1)
    return best
