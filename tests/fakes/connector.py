"""The fake Bot Connector for tests: it lives in devtools/fake_connector (bench/ uses it too); this module
re-exports it and adds the `fake_connector` fixture."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from devtools.fake_connector import (
    DEFAULT_ERROR_CODES,
    DEFAULT_ROSTER,
    FakeConnector,
    RecordedRequest,
    running_fake_connector,
)


@pytest.fixture
async def fake_connector() -> AsyncIterator[FakeConnector]:
    """A started fake Bot Connector (register: `pytest_plugins = ["tests.fakes.connector"]` in conftest)."""
    async with running_fake_connector() as connector:
        yield connector


__all__ = [
    "DEFAULT_ERROR_CODES",
    "DEFAULT_ROSTER",
    "FakeConnector",
    "RecordedRequest",
    "fake_connector",
    "running_fake_connector",
]
