"""Keeping every instance's read cache fresh on PostgreSQL: a NOTIFY per change, a LISTEN per process.

A unit of work that changes a forum, a person or a conversation notes it on its session; when the session
commits on PostgreSQL, one `pg_notify('forumbot_cache', 'forum:<id>')` per change goes out in the same
transaction (so it is delivered exactly when the change is visible, and never for a rollback). Each process
listens on one extra connection and drops those entries from its cache. While that connection is down the
cache falls back to its time to live, and it is cleared whenever the connection is (re)made. SQLite is single
process: nothing to announce.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import asyncpg
from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from storage.cache import ReadCache

log = logging.getLogger(__name__)

CHANNEL = "forumbot_cache"
_PENDING = "forumbot_cache_changes"


def note_change(session: AsyncSession, kind: str, key: str) -> None:
    """Announce `kind:key` to the other instances when this session commits."""
    pending: set[str] = session.sync_session.info.setdefault(_PENDING, set())
    pending.add(f"{kind}:{key}")


@event.listens_for(Session, "before_commit")
def _announce(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for payload in sorted(pending):
        session.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": payload[:7000]})


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_PENDING, None)


class CacheListener:
    """LISTEN on one connection of its own and drop what other instances (or this one) changed."""

    def __init__(self, url: str, cache: ReadCache, *, retry_seconds: float = 5.0) -> None:
        parts = make_url(url)
        self._connect_args: dict[str, Any] = {
            "host": parts.host, "port": parts.port, "user": parts.username, "password": parts.password,
            "database": parts.database, **{k: v for k, v in parts.query.items() if k == "ssl"},
        }
        self._cache = cache
        self._retry = retry_seconds
        self._task: asyncio.Task[None] | None = None
        self.connected = asyncio.Event()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="forumbot-cache-listener")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def _received(self, _connection: object, _pid: int, _channel: str, payload: str) -> None:
        self._cache.apply(payload)

    @staticmethod
    async def _until_closed(connection: asyncpg.Connection) -> None:
        closed = asyncio.Event()
        connection.add_termination_listener(lambda _c: closed.set())
        await closed.wait()

    async def _run(self) -> None:
        while True:
            connection = None
            try:
                connection = await asyncpg.connect(**self._connect_args, timeout=10)
                await connection.add_listener(CHANNEL, self._received)
                self._cache.clear()  # whatever happened while we were not listening
                self.connected.set()
                log.info("cache listener connected")
                await self._until_closed(connection)
                log.warning("cache listener lost its connection; the cache relies on its time to live meanwhile")
            except (OSError, asyncpg.PostgresError, TimeoutError) as error:
                log.warning("cache listener cannot connect: %s", type(error).__name__)
            finally:
                self.connected.clear()
                if connection is not None and not connection.is_closed():
                    await connection.close()
            await asyncio.sleep(self._retry)
