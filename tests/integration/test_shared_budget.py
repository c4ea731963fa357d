"""The rate budget shared by several delivery processes on one PostgreSQL database (bot.delivery.budget,
storage.send_budget): never more sends in a window than it allows, whichever process takes them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from bot.adapter import ForumAdapter
from bot.app import delivery_hooks
from bot.delivery.budget import LocalBudget, SharedBudget
from bot.delivery.worker import DeliveryWorker
from bot.settings import Settings
from domain.clock import FixedClock, SystemClock
from storage.db import make_engine, make_session_factory
from storage.send_budget import Limit, SendBudget, Taken, Wait
from storage.unit_of_work import UnitOfWorkFactory
from tests.fakes.connector import FakeConnector, running_fake_connector
from tests.integration.test_delivery import enqueue, row, store_conversation

pytestmark = pytest.mark.integration

PER_KEY = (Limit(7, 1.0), Limit(1800, 3600.0))


def most_in_any_window(times: list[datetime], seconds: float) -> int:
    """The largest number of `times` inside any half-open window [t, t + seconds)."""
    times = sorted(times)
    best, start = 0, 0
    for end, at in enumerate(times):
        while (at - times[start]).total_seconds() >= seconds:
            start += 1
        best = max(best, end - start + 1)
    return best


@pytest.fixture
async def second_process(database_url: str) -> AsyncIterator[UnitOfWorkFactory]:
    """Another engine (its own connections) on the same database: what a second process would have."""
    engine = make_engine(database_url)
    try:
        yield UnitOfWorkFactory(make_session_factory(engine))
    finally:
        await engine.dispose()


async def _take(uow_factory: UnitOfWorkFactory, key: str, now: datetime, app: Limit) -> Taken | Wait:
    async with uow_factory() as uow:
        result = await SendBudget(uow.session, 140.0).take(key, 1, PER_KEY, (app,), now)
        await uow.commit()
    return result


async def test_sends_are_counted_per_conversation_and_for_the_app_until_their_answer(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    now = clock.now()
    app = Limit(3, 1.0)
    taken = [await _take(uow_factory, "a", now, app) for _ in range(2)]
    assert all(isinstance(t, Taken) for t in taken)
    assert isinstance(await _take(uow_factory, "b", now, app), Taken)
    refused = await _take(uow_factory, "c", now, app)  # the app's window is full
    assert isinstance(refused, Wait)
    async with uow_factory() as uow:  # the first is answered half a second later
        await SendBudget(uow.session, 140.0).settle(taken[0].row_id, now + timedelta(seconds=0.5))  # type: ignore[union-attr]
        await uow.commit()
    # still in flight, the others keep counting; the answered one counts for a second after its answer
    assert isinstance(await _take(uow_factory, "c", now + timedelta(seconds=1.4), app), Wait)
    assert isinstance(await _take(uow_factory, "c", now + timedelta(seconds=1.6), app), Taken)


@pytest.mark.parametrize("backend", ["postgresql"])
async def test_two_processes_taking_at_once_never_get_more_than_the_window(
    uow_factory: UnitOfWorkFactory, second_process: UnitOfWorkFactory, clock: FixedClock
) -> None:
    now = clock.now()
    app = Limit(5, 1.0)
    attempts = [
        _take(factory, f"19:c{i}", now, app) for i in range(30) for factory in (uow_factory, second_process)
    ]
    results = await asyncio.gather(*attempts)
    assert sum(isinstance(r, Taken) for r in results) == 5
    # a refusal says when to come back: when the window has room again
    waits = [r.seconds for r in results if isinstance(r, Wait)]
    assert waits and max(waits) <= 1.0


def _settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "mode": "local",
        "allowed_service_hosts": ["smba.trafficmanager.net"],
        "retry_base_seconds": 1.0,
        "delivery_timeout_seconds": 5.0,
        "tick_seconds": 1,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def _worker(settings: Settings, factory: UnitOfWorkFactory) -> DeliveryWorker:
    return DeliveryWorker(settings=settings, uow=factory, adapter=ForumAdapter(settings), clock=SystemClock(),
                          hooks=delivery_hooks())


async def test_sqlite_keeps_the_in_memory_limiter_and_postgresql_shares_the_budget(
    uow_factory: UnitOfWorkFactory, backend: str, clean_env: None
) -> None:
    worker = _worker(_settings(), uow_factory)
    await worker.run_once()
    expected = SharedBudget if backend == "postgresql" else LocalBudget
    assert isinstance(worker.budget, expected)


@pytest.mark.parametrize("backend", ["postgresql"])
async def test_two_workers_on_one_database_share_the_apps_rate(
    uow_factory: UnitOfWorkFactory, second_process: UnitOfWorkFactory, clean_env: None
) -> None:
    clock = SystemClock()
    async with running_fake_connector() as connector:
        await _two_workers_deliver(uow_factory, second_process, clock, connector)


async def _two_workers_deliver(
    uow_factory: UnitOfWorkFactory, second_process: UnitOfWorkFactory, clock: SystemClock, connector: FakeConnector
) -> None:
    conversations = [f"19:c{i}@thread.tacv2" for i in range(20)]
    for cid in conversations:
        await store_conversation(uow_factory, clock, connector.url, cid)
    ids = [await enqueue(uow_factory, clock, f"29:p{n}:{cid}", conversation_id=cid)
           for n in range(2) for cid in conversations]
    settings = _settings(rate_global_per_second=8.0, delivery_batch=10, delivery_concurrency=8)
    workers = [_worker(settings, uow_factory), _worker(settings, second_process)]
    for worker in workers:
        await worker.start()
    try:
        async with asyncio.timeout(30):
            while len(connector.activity_posts(ok_only=True)) < len(ids):  # noqa: ASYNC110 (polls another process's work)
                await asyncio.sleep(0.1)
    finally:
        for worker in workers:
            await worker.stop()
    posts = connector.activity_posts()
    assert len(posts) == len(ids)  # each once: no duplicates, no 429
    assert most_in_any_window([p.at for p in posts], 1.0) <= 8
    for row_id in ids:
        assert (await row(uow_factory, row_id))["status"] == "sent"
    assert all(worker.processed > 0 for worker in workers)  # both delivered: the budget was shared, not idle
