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
from bot.mail.smtp import SmtpConfig, SmtpTransport
from bot.mail.worker import MailPolicy, MailWorker
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


def mail_worker(settings: Settings, uow: UnitOfWorkFactory, clock: Clock) -> MailWorker | None:
    """The minutes mail sender, when FORUMBOT_SMTP_HOST and FORUMBOT_SMTP_FROM are set."""
    if not settings.mail_enabled:
        return None
    config = SmtpConfig(host=settings.smtp_host, port=settings.smtp_port, sender=settings.smtp_from,
                        username=settings.smtp_username, password=settings.smtp_password.get_secret_value(),
                        starttls=settings.smtp_starttls, timeout=settings.smtp_timeout_seconds)
    return MailWorker(uow=uow, transport=SmtpTransport(config), clock=clock, sender=settings.smtp_from,
                      template=settings.word_template, policy=MailPolicy(poll_seconds=settings.tick_seconds))


def _wake_both(delivery: DeliveryWorker, mail: MailWorker) -> None:
    """After a commit that queued an outbox row: publishing queues outbox rows and mail in one transaction."""
    delivery.wake()
    mail.wake()


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
        mail = mail_worker(settings, uow, the_clock)
        uow.after_commit = delivery.wake if mail is None else partial(_wake_both, delivery, mail)
        deps = build_deps(settings, uow, signer)
        bot = ForumBot(settings=settings, uow=uow, clock=the_clock, signer=signer, deps=deps)
        runtime = Runtime(
            settings=settings, clock=the_clock, engine=engine, uow=uow, adapter=adapter, bot=bot, delivery=delivery,
            metrics=metrics, deps=deps, background=[mail] if mail is not None else [],
        )
        app[RUNTIME] = runtime
        ticker = Ticker(runtime)
        # Another instance's changes reach this process's read cache at once (PostgreSQL only).
        listener = None if is_sqlite(settings.database_url) else CacheListener(settings.database_url, uow.cache)
        if listener is not None:
            await listener.start()
        if background:
            await delivery.start()
            if mail is not None:
                await mail.start()
            ticker.start()
        log.info("forumbot started: mode=%s auth=%s", settings.mode.value, settings.auth_enabled)
        try:
            yield
        finally:
            ticker.stop()
            await delivery.stop()
            if mail is not None:
                await mail.stop()
            if listener is not None:
                await listener.stop()
            await engine.dispose()
            log.info("forumbot stopped")

    app.cleanup_ctx.append(lifespan)
    return app
