"""The use cases' dependencies for tests that call a use case directly, as create_app builds them."""

from __future__ import annotations

from bot.deps import build_deps
from bot.services.ports import Deps, UnitOfWorkFactory
from bot.settings import Settings


def deps_of(uow: UnitOfWorkFactory) -> Deps:
    settings = Settings(_env_file=None, mode="local")  # type: ignore[call-arg]
    return build_deps(settings, uow)
