"""Alembic environment: async engines for both SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection

from storage.db import make_engine
from storage.orm import Base

target_metadata = Base.metadata

# Two processes migrating one PostgreSQL database at once (two instances starting together) take turns:
# the second waits here, then finds the schema up to date. Held until the migration transaction ends.
MIGRATION_LOCK = 0x466F72756D626F74  # "Forumbot"


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        context.run_migrations()


async def _run_async(url: str) -> None:
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
            await connection.commit()
    finally:
        await engine.dispose()


def run_migrations_online() -> None:
    # `forumbot migrate` passes the URL; the developers' alembic.ini leaves it to FORUMBOT_DATABASE_URL.
    url = context.config.get_main_option("sqlalchemy.url") or os.environ.get(
        "FORUMBOT_DATABASE_URL", "sqlite+aiosqlite:///forumbot.db"
    )
    asyncio.run(_run_async(url))


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `forumbot migrate`")
run_migrations_online()
