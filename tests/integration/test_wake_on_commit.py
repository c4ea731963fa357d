"""A commit that queued a proactive message wakes the delivery worker; nothing else does.

The unit of work counts the outbox rows it inserted and calls the factory's `after_commit` (create_app sets it
to `DeliveryWorker.wake`) after a commit that queued at least one.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.adapter import ForumAdapter
from bot.app import delivery_hooks
from bot.delivery.worker import DeliveryWorker
from bot.settings import Settings
from domain.clock import FixedClock
from domain.outbox import NewMessage
from storage.unit_of_work import UnitOfWorkFactory
from tests.fakes.connector import FakeConnector, running_fake_connector
from tests.integration.test_delivery import CHANNEL, enqueue, store_conversation

pytestmark = pytest.mark.integration


class Wakes:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> None:
        self.count += 1


def reminder(recipient: str = "29:alice") -> NewMessage:
    return NewMessage(
        kind="reminder",
        subject_id="meeting-1",
        recipient_id=recipient,
        conversation_id=CHANNEL,
        occurrence_local_date="2026-11-23",
        payload={"type": "message", "text": "Påminnelse"},
    )


@pytest.fixture
def wakes(uow_factory: UnitOfWorkFactory) -> Wakes:
    counter = Wakes()
    uow_factory.after_commit = counter
    return counter


async def test_a_commit_that_queued_messages_wakes_the_worker_once(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, wakes: Wakes
) -> None:
    async with uow_factory() as uow:
        await uow.outbox.enqueue(reminder("29:alice"), clock.now())
        await uow.outbox.enqueue(reminder("29:bertil"), clock.now())
        assert wakes.count == 0  # not before the rows are visible to the worker
        await uow.commit()
    assert wakes.count == 1


async def test_a_rolled_back_unit_of_work_does_not_wake_the_worker(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, wakes: Wakes
) -> None:
    async with uow_factory() as uow:
        await uow.outbox.enqueue(reminder(), clock.now())  # never committed
    with pytest.raises(RuntimeError):
        async with uow_factory() as uow:
            await uow.outbox.enqueue(reminder(), clock.now())
            raise RuntimeError("the use case failed")
    async with uow_factory() as uow:
        assert await uow.outbox.by_kind("reminder") == []
    assert wakes.count == 0


async def test_a_commit_that_queued_nothing_new_does_not_wake_the_worker(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, wakes: Wakes
) -> None:
    async with uow_factory() as uow:
        await uow.outbox.enqueue(reminder(), clock.now())
        await uow.commit()
    assert wakes.count == 1
    async with uow_factory() as uow:  # the same message again: the unique key keeps it out
        assert await uow.outbox.enqueue(reminder(), clock.now()) is None
        await uow.commit()
    await store_conversation(uow_factory, clock, "https://smba.trafficmanager.net/emea/")  # no outbox row at all
    assert wakes.count == 1


async def test_each_commit_of_one_unit_of_work_counts_only_its_own_rows(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, wakes: Wakes
) -> None:
    async with uow_factory() as uow:
        await uow.outbox.enqueue(reminder("29:alice"), clock.now())
        await uow.commit()
        await uow.outbox.enqueue(reminder("29:alice"), clock.now())  # already queued: nothing new
        await uow.commit()
    assert wakes.count == 1


@pytest.fixture
async def connector(clock: FixedClock) -> AsyncIterator[FakeConnector]:
    async with running_fake_connector(clock=clock) as fake:
        yield fake


async def test_the_background_worker_sends_right_after_the_commit_instead_of_at_its_next_poll(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, connector: FakeConnector, clean_env: None
) -> None:
    values: dict[str, Any] = {"mode": "local", "allowed_service_hosts": ["smba.trafficmanager.net"]}
    settings = Settings(_env_file=None, tick_seconds=30, **values)  # type: ignore[call-arg]
    worker = DeliveryWorker(
        settings=settings, uow=uow_factory, adapter=ForumAdapter(settings), clock=clock, hooks=delivery_hooks()
    )
    uow_factory.after_commit = worker.wake  # as create_app wires it
    await store_conversation(uow_factory, clock, connector.url)
    await worker.start()
    try:
        await asyncio.sleep(0.3)  # the loop has looked, found nothing, and waits up to 5 s for its next poll
        started = time.monotonic()
        await enqueue(uow_factory, clock)
        for _ in range(200):
            if connector.sent_to(CHANNEL):
                break
            await asyncio.sleep(0.02)
        assert len(connector.sent_to(CHANNEL)) == 1
        assert time.monotonic() - started < 2.5  # well before the 5 s poll
    finally:
        await worker.stop()
