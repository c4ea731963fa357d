"""The disposal job's storage (bot/services/ports.py `RetentionStore`): what is due under a rule and removing it in
batches. The two logs are append-only; only a disposal permit lets a DELETE through (migration 0011): on SQLite a
row in `disposal_permits` inside the job's transaction, on PostgreSQL the SECURITY DEFINER function
`forumbot_dispose_log_rows`."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession


class RetentionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
