"""One delivering process for the reliability tests: the app's DeliveryWorker, built from Settings (the
FORUMBOT_* environment) as `bot.app.create_app` builds it, and nothing else of the app.

Run as `python -m tests.reliability.worker_process`; it prints `started` once its loop runs and delivers until
it gets SIGTERM (stops like the app: in-flight sends finish) or SIGKILL (what the tests do to it).
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

from bot.adapter import ForumAdapter
from bot.app import delivery_hooks
from bot.delivery.worker import DeliveryWorker
from bot.settings import Settings
from domain.clock import SystemClock
from storage.db import make_engine, make_session_factory
from storage.unit_of_work import UnitOfWorkFactory


async def run() -> None:
    settings = Settings()
    engine = make_engine(settings.database_url)
    uow = UnitOfWorkFactory(make_session_factory(engine))
    worker = DeliveryWorker(
        settings=settings, uow=uow, adapter=ForumAdapter(settings), clock=SystemClock(),
        hooks=delivery_hooks(settings.default_language),
    )
    uow.after_commit = worker.wake
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await worker.start()
    print("started", flush=True)
    try:
        await stop.wait()
    finally:
        await worker.stop()
        await engine.dispose()
        print(f"stopped processed={worker.processed}", flush=True)


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    asyncio.run(run())
