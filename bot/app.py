"""create_app(settings): the aiohttp application with everything it needs, started and stopped in one place."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from functools import partial

from aiohttp import web

from bot.adapter import ForumAdapter
from bot.delivery.sending import DeliveryHooks
from bot.delivery.worker import DeliveryWorker
from bot.deps import build_deps
from bot.export_routes import add_export_routes
from bot.exports import ExportSigner
from bot.handler import ForumBot
from bot.metrics import Metrics
from bot.routes import add_routes
from bot.runtime import RUNTIME, Runtime
from bot.scheduler import Ticker
from bot.services import unreachable
from bot.settings import Settings
from dialogs.texts import DEFAULT_LANGUAGE
from domain.clock import Clock, SystemClock
from storage.cache_sync import CacheListener
from storage.db import is_sqlite, make_engine, make_session_factory
from storage.migrate import upgrade_async
from storage.unit_of_work import UnitOfWorkFactory

log = logging.getLogger(__name__)


def delivery_hooks(default_language: str = DEFAULT_LANGUAGE) -> DeliveryHooks:
    """The use cases the delivery worker calls: the chair hears of unreachable members and of each round.

    `default_language` (FORUMBOT_DEFAULT_LANGUAGE) is what the chair reads when neither she nor the forum chose one.
    """
    return DeliveryHooks(
        on_undeliverable=partial(unreachable.on_undeliverable, default=default_language),
        compose_report=partial(unreachable.compose_report, default=default_language),
    )


def create_app(
    settings: Settings,
    *,
    clock: Clock | None = None,
    migrate: bool = False,
    background: bool = True,
) -> web.Application:
    """Build the app. With `background=False` neither the ticker nor the delivery loop runs (tests drive them)."""
    app = web.Application(client_max_size=settings.max_request_bytes)
    add_routes(app)
    signer = ExportSigner(settings.signing_key.get_secret_value().encode() or None)
    add_export_routes(app, signer)

    async def lifespan(app: web.Application) -> AsyncIterator[None]:
        if migrate:
            await upgrade_async(settings.database_url)
        engine = make_engine(settings.database_url)
        the_clock = clock or SystemClock()
        uow = UnitOfWorkFactory(make_session_factory(engine))
        adapter = ForumAdapter(settings)
        metrics = Metrics()
        delivery = DeliveryWorker(
            settings=settings, uow=uow, adapter=adapter, clock=the_clock, metrics=metrics,
            hooks=delivery_hooks(settings.default_language),
        )
        uow.after_commit = delivery.wake  # a commit that queued something wakes the worker
        deps = build_deps(settings, uow, signer)
        bot = ForumBot(settings=settings, uow=uow, clock=the_clock, signer=signer, deps=deps)
        runtime = Runtime(
            settings=settings, clock=the_clock, engine=engine, uow=uow, adapter=adapter, bot=bot, delivery=delivery,
            metrics=metrics, deps=deps,
        )
        app[RUNTIME] = runtime
        ticker = Ticker(runtime)
        # Another instance's changes reach this process's read cache at once (PostgreSQL only).
        listener = None if is_sqlite(settings.database_url) else CacheListener(settings.database_url, uow.cache)
        if listener is not None:
            await listener.start()
        if background:
            await delivery.start()
            ticker.start()
        log.info("forumbot started: mode=%s auth=%s", settings.mode.value, settings.auth_enabled)
        try:
            yield
        finally:
            ticker.stop()
            await delivery.stop()
            if listener is not None:
                await listener.stop()
            await engine.dispose()
            log.info("forumbot stopped")

    app.cleanup_ctx.append(lifespan)
    return app
