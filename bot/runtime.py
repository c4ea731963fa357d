"""What a running Forumbot holds, shared by routes, the handler, the scheduler and the delivery worker."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.metrics import Metrics
from bot.settings import Settings
from domain.clock import Clock
from storage.unit_of_work import UnitOfWorkFactory

if TYPE_CHECKING:
    from bot.adapter import ForumAdapter
    from bot.delivery.worker import DeliveryWorker
    from bot.handler import ForumBot
    from bot.services.ports import Deps


@dataclass
class Runtime:
    settings: Settings
    clock: Clock
    engine: AsyncEngine
    uow: UnitOfWorkFactory
    adapter: ForumAdapter
    bot: ForumBot
    delivery: DeliveryWorker
    deps: Deps
    background: list[object] = field(default_factory=list)
    metrics: Metrics = field(default_factory=Metrics)


RUNTIME = web.AppKey("runtime", Runtime)
