"""The use cases' dependencies, built once per process: storage, the personal-data guard, holidays, links."""

from __future__ import annotations

from functools import cache

from bot.exports import ExportSigner, SignedLinks
from bot.holidays import swedish_holidays
from bot.screening import make_screener
from bot.services.ports import Deps, UnitOfWorkFactory
from bot.settings import Settings
from domain.screening import Screener


@cache
def shared_screener() -> Screener:
    """One screener per process: its compiled rules and validator are shared by every use case."""
    return make_screener()


def public_url(settings: Settings) -> str:
    """Where people reach this bot's export downloads."""
    if settings.mode.value == "local":
        return f"http://{settings.host}:{settings.port}"
    return settings.public_base_url


def build_deps(settings: Settings, uow: UnitOfWorkFactory, signer: ExportSigner | None = None) -> Deps:
    return Deps(
        uow=uow,
        screener=shared_screener(),
        holidays=swedish_holidays(),
        links=SignedLinks(signer or ExportSigner(), public_url(settings)),
        default_language=settings.default_language,
        word_template=settings.word_template,
        mail_enabled=settings.mail_enabled,
        admins=frozenset(settings.admins),
    )
