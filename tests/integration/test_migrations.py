"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from alembic import command

from storage.migrate import alembic_config

ALEMBIC_INI = str(Path(__file__).resolve().parents[2] / "alembic.ini")


async def test_migrations_match_the_models(database_url: str) -> None:
    # `database_url` is already migrated to head; `check` fails if autogenerate would find any difference.
    await asyncio.to_thread(command.check, alembic_config(database_url))


async def test_every_migration_downgrades_and_upgrades_again_with_the_developers_alembic_ini(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`alembic downgrade` / `upgrade` from the repository's alembic.ini, the URL from FORUMBOT_DATABASE_URL."""
    from alembic.config import Config

    monkeypatch.setenv("FORUMBOT_DATABASE_URL", database_url)
    config = Config(ALEMBIC_INI)
    await asyncio.to_thread(command.downgrade, config, "base")
    await asyncio.to_thread(command.upgrade, config, "head")
    await asyncio.to_thread(command.check, alembic_config(database_url))
