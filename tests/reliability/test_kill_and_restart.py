"""The delivering process killed mid-run (SIGKILL, no goodbye) and started again: every owner gets the day's
reminder, a duplicate only for what was in flight at the kill, and the database says every one was sent.

The process is real (tests/reliability/worker_process.py: the app's DeliveryWorker from Settings), the fake Bot
Connector runs in this test's process on loopback and counts what arrives. Leases are short (5 s), so the rows
the killed process held are reclaimed by the next one within seconds: that is also the proof that expired
leases come back on PostgreSQL. Run with `-s` to see the counts.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from domain.clock import SystemClock
from storage.orm import OutboxRow
from storage.unit_of_work import UnitOfWorkFactory
from tests.fakes.connector import running_fake_connector
from tests.reliability.nudge_world import (
    accepted_per_conversation,
    all_recorded,
    delivered_events,
    outbox_statuses,
    owners,
    queue_nudges,
    start_worker,
    stop_worker,
    wait_for,
    worker_env,
)

pytestmark = [pytest.mark.integration, pytest.mark.reliability]

NUDGES = 1_000
KILL_AFTER = 400
CONCURRENCY = 8
LEASE_SECONDS = 5
BATCH = 20  # the default delivery_batch
# What one process can hold claimed and unrecorded at once, one row per lane (bot.delivery.worker: max_lanes).
# Not the concurrency: a call gives its place in flight back when Teams answers, before the shared budget's
# settle and the outcome are committed (two transactions), so answered-but-unrecorded rows come on top of the
# calls in flight; 11 duplicates with 8 in flight were measured.
MOST_HELD = max(BATCH, 4 * CONCURRENCY)


async def _held_at_kill(uow_factory: UnitOfWorkFactory) -> dict[str, int]:
    """The rows the killed process had claimed and not recorded (status 'sending'): person -> attempts."""
    async with uow_factory() as uow:
        rows = await uow.session.execute(
            select(OutboxRow.person_id, OutboxRow.attempts).where(OutboxRow.status == "sending")
        )
        return {str(person): attempts for person, attempts in rows.all()}


async def _sent_rows(uow_factory: UnitOfWorkFactory) -> dict[str, int]:
    async with uow_factory() as uow:
        rows = await uow.session.execute(
            select(OutboxRow.person_id, OutboxRow.attempts).where(OutboxRow.status == "sent")
        )
        return {str(person): attempts for person, attempts in rows.all()}


@pytest.mark.parametrize("backend", ["postgresql"])
async def test_a_killed_delivering_process_loses_nothing_and_repeats_only_what_was_in_flight(
    database_url: str, uow_factory: UnitOfWorkFactory
) -> None:
    who = owners(NUDGES)
    chat_of = {o.conversation_id: o for o in who}
    async with running_fake_connector() as connector:
        await queue_nudges(uow_factory, connector.url, who, SystemClock().now())
        # the worker's own pace is not what is tested here: the app's limit is set high so it sends flat out
        env = worker_env(database_url, delivery_lease_seconds=str(LEASE_SECONDS), delivery_timeout_seconds="2",
                         delivery_concurrency=str(CONCURRENCY), delivery_batch=str(BATCH), tick_seconds="1",
                         rate_global_per_second="1000")

        first = await start_worker(env)
        await wait_for(lambda: len(connector.activity_posts(ok_only=True)) >= KILL_AFTER, 60, "400 sends")
        first.kill()
        await first.wait()
        at_kill = len(connector.activity_posts(ok_only=True))
        held = await _held_at_kill(uow_factory)

        second = await start_worker(env)
        try:
            took = await wait_for(lambda: len(accepted_per_conversation(connector)) == NUDGES, 60,
                                  "every owner reached after the restart")
            await all_recorded(uow_factory, NUDGES)
        finally:
            stopped = await stop_worker(second)

    per_chat = accepted_per_conversation(connector)
    duplicated = {chat_of[c].person_id: n for c, n in per_chat.items() if n > 1}
    duplicates = sum(n - 1 for n in duplicated.values())
    statuses = await outbox_statuses(uow_factory)
    sent = await _sent_rows(uow_factory)
    report = (f"killed after {at_kill} accepted sends with {len(held)} rows claimed and not recorded; restarted, "
              f"all {NUDGES} owners reached {took:.1f} s later; duplicates: {duplicates} "
              f"({sorted(duplicated)}) with {CONCURRENCY} calls in flight at most; outbox: {statuses}")
    print(f"\n{report}")
    assert len(per_chat) == NUDGES, report
    assert set(duplicated) <= set(held), report  # only what the killed process held was sent twice
    assert duplicates <= len(held) <= MOST_HELD, report
    assert statuses == {"sent": NUDGES}, report
    # the rows held at the kill came back when their leases expired: the lost attempt counted, then sent
    assert all(sent[person] == attempts + 2 for person, attempts in held.items()), report
    # the follow-up log has each reminder's delivery once, whether or not it reached Teams twice
    assert await delivered_events(uow_factory) == {o.action_id: 1 for o in who}, report
    assert "Traceback" not in stopped.errors, stopped.errors[-2000:]
