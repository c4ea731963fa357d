"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

from alembic import command

from storage.migrate import alembic_config


async def test_migrations_match_the_models(database_url: str) -> None:
    # `database_url` is already migrated to head; `check` fails if autogenerate would find any difference.
    await asyncio.to_thread(command.check, alembic_config(database_url))
