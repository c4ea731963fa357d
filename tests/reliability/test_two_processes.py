"""Two delivering processes on one PostgreSQL database with 1,000 due reminders: each owner gets exactly one,
and together they never send faster than the app's limit (the fake Bot Connector measures arrivals in every
1 s window and answers 429 to any post beyond it, as Teams does per app)."""

from __future__ import annotations

import pytest

from domain.clock import SystemClock
from storage.unit_of_work import UnitOfWorkFactory
from tests.fakes.connector import running_fake_connector
from tests.reliability.nudge_world import (
    accepted_per_conversation,
    all_recorded,
    delivered_events,
    most_in_any_window,
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
APP_LIMIT = 50  # per second: Teams' per-app limit, and the bot's rate_global_per_second here


@pytest.mark.parametrize("backend", ["postgresql"])
async def test_two_processes_deliver_each_reminder_once_within_the_apps_rate(
    database_url: str, uow_factory: UnitOfWorkFactory
) -> None:
    who = owners(NUDGES)
    async with running_fake_connector(app_rate_limit_per_second=APP_LIMIT, rate_limit_per_second=7) as connector:
        await queue_nudges(uow_factory, connector.url, who, SystemClock().now())
        env = worker_env(database_url, rate_global_per_second=str(APP_LIMIT), tick_seconds="1")
        processes = [await start_worker(env), await start_worker(env)]
        try:
            took = await wait_for(lambda: len(accepted_per_conversation(connector)) == NUDGES, 80,
                                  "every owner reached", poll=0.1)
            await all_recorded(uow_factory, NUDGES)
        finally:
            stopped = [await stop_worker(p) for p in processes]

    posts = connector.activity_posts()
    per_chat = accepted_per_conversation(connector)
    busiest = most_in_any_window([p.at for p in posts], 1.0)
    statuses = await outbox_statuses(uow_factory)
    report = (f"{len(posts)} posts in {took:.1f} s ({NUDGES / took:.1f}/s), at most {busiest} in any second "
              f"(limit {APP_LIMIT}); 429s: {len(connector.over_rate)}; rows per process: "
              f"{[s.processed for s in stopped]}; outbox: {statuses}")
    print(f"\n{report}")
    assert len(posts) == NUDGES and set(per_chat.values()) == {1}, report  # each once: no duplicate, no 429
    assert connector.over_rate == [], report
    assert busiest <= APP_LIMIT, report
    assert statuses == {"sent": NUDGES}, report
    assert all(s.processed for s in stopped), report  # both delivered: the budget was shared, not idle
    assert sum(s.processed or 0 for s in stopped) == NUDGES, report
    assert await delivered_events(uow_factory) == {o.action_id: 1 for o in who}, report
    for s in stopped:
        assert "Traceback" not in s.errors, s.errors[-2000:]
