"""Shared fixtures: a migrated database per test on SQLite and (when configured) PostgreSQL, clocks, texts.

PostgreSQL: set FORUMBOT_TEST_POSTGRES_URL to an admin URL such as
postgresql+asyncpg://postgres@127.0.0.1:54329/postgres (`make test` starts a throwaway server and sets it).
Without it the PostgreSQL variants are not collected, except under CI=true where that is an error.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from domain.clock import FixedClock
from storage.db import make_engine, make_session_factory
from storage.migrate import upgrade_async
from storage.unit_of_work import UnitOfWorkFactory

pytest_plugins = ["tests.fakes.connector"]

POSTGRES_ENV = "FORUMBOT_TEST_POSTGRES_URL"
BACKENDS = ["sqlite", "postgresql"]


def pytest_report_header(config: pytest.Config) -> str:
    url = os.environ.get(POSTGRES_ENV)
    return f"forumbot backends: sqlite{', postgresql' if url else ' only (' + POSTGRES_ENV + ' unset)'}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get(POSTGRES_ENV):
        return
    if os.environ.get("CI") == "true":
        raise pytest.UsageError(f"{POSTGRES_ENV} must be set in CI: storage tests run on PostgreSQL too")
    keep = []
    deselected = []
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("backend") == "postgresql":
            deselected.append(item)
        else:
            keep.append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = keep


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def _create_pg_database(admin_url: str) -> tuple[str, str]:
    url = make_url(admin_url)
    name = f"forumbot_test_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(
        host=url.host, port=url.port, user=url.username, password=url.password, database=url.database
    )
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return url.set(database=name).render_as_string(hide_password=False), name


async def _drop_pg_database(admin_url: str, name: str) -> None:
    url = make_url(admin_url)
    conn = await asyncpg.connect(
        host=url.host, port=url.port, user=url.username, password=url.password, database=url.database
    )
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture
async def database_url(backend: str, tmp_path: Path) -> AsyncIterator[str]:
    """A freshly migrated, empty database of the given backend."""
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'forumbot.db'}"
        await upgrade_async(url)
        yield url
        return
    admin = os.environ[POSTGRES_ENV]
    url, name = await _create_pg_database(admin)
    try:
        await upgrade_async(url)
        yield url
    finally:
        await _drop_pg_database(admin, name)


@pytest.fixture
async def uow_factory(database_url: str) -> AsyncIterator[UnitOfWorkFactory]:
    engine = make_engine(database_url)
    try:
        yield UnitOfWorkFactory(make_session_factory(engine))
    finally:
        await engine.dispose()


@pytest.fixture
def clock() -> FixedClock:
    # Monday 23 November 2026, 07:00 UTC = 08:00 in Stockholm
    return FixedClock(datetime(2026, 11, 23, 7, 0, tzinfo=UTC))


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Remove every variable Settings would read, so tests see only what they set."""
    for key in list(os.environ):
        if (key.startswith("FORUMBOT_") and key != POSTGRES_ENV) or key.startswith("Microsoft"):
            monkeypatch.delenv(key, raising=False)
    yield
