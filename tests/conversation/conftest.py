"""Conversation tests run in process on SQLite; storage behaviour on PostgreSQL is covered by integration/e2e."""

from __future__ import annotations

import pytest


@pytest.fixture
def backend() -> str:
    return "sqlite"
