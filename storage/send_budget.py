"""The send log as a rate budget shared by every process on one database (bot.delivery.budget uses it).

A send *takes* a place: under a transaction-level advisory lock (PostgreSQL) the windows are counted and, if
one more fits, its row is inserted before the lock is released, so two processes can never both take the last
place. A row counts against an S-second window while it is in flight and for S seconds after its answer
(`settle`); Teams counts a request when it arrives, which is between the two, so the arrivals in any S seconds
are never more than the window allows, whichever processes made them (docs/performance.md, "Shared budget").
A row never settled (its process died) stops counting `inflight_seconds` after it started.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, case, delete, func, insert, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.orm_delivery import DeliverySendRow

BUDGET_LOCK = 0x466F72756D627564  # "Forumbud": one lock for every take, on every process


@dataclass(frozen=True)
class Limit:
    """At most `limit` (sends per conversation, requests for the whole app) in any `seconds`."""

    limit: int
    seconds: float


@dataclass(frozen=True)
class Taken:
    row_id: int


@dataclass(frozen=True)
class Wait:
    seconds: float  # an estimate: when the fullest window is expected to have room


def _counted(now: datetime, seconds: float, inflight_seconds: float) -> ColumnElement[bool]:
    row = DeliverySendRow
    return or_(
        row.settled_at > now - timedelta(seconds=seconds),
        and_(row.settled_at.is_(None), row.started_at > now - timedelta(seconds=inflight_seconds)),
    )


class SendBudget:
    """Take, settle and prune places in the shared windows (the caller commits each take at once)."""

    def __init__(self, session: AsyncSession, inflight_seconds: float) -> None:
        self._session = session
        self._inflight = inflight_seconds

    def _postgres(self) -> bool:
        return self._session.bind is not None and self._session.bind.dialect.name == "postgresql"

    async def take(
        self, key: str, requests: int, per_key: Sequence[Limit], app: Sequence[Limit], now: datetime
    ) -> Taken | Wait:
        """One send to `key` as `requests` calls: its row if every window has room, else how long to wait."""
        if self._postgres():
            await self._session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": BUDGET_LOCK})
        blocked: list[tuple[Limit, bool, int]] = []
        key_used = await self._used(now, per_key, key) if per_key else []
        app_used = await self._used(now, app, None) if app else []
        for limit, used in zip(per_key, key_used, strict=True):
            if used + 1 > limit.limit:
                blocked.append((limit, True, used + 1 - limit.limit))
        for limit, used in zip(app, app_used, strict=True):
            if used + requests > limit.limit:
                blocked.append((limit, False, used + requests - limit.limit))
        if blocked:
            waits = [await self._wait(now, limit, key if per_conversation else None, excess)
                     for limit, per_conversation, excess in blocked]
            return Wait(max(waits))
        return Taken(await self.record(key, requests, now))

    async def record(self, key: str, requests: int, now: datetime) -> int:
        """A send made without asking (a second try after a 401): counted like the others."""
        result = await self._session.execute(
            insert(DeliverySendRow)
            .values(rate_key=key, requests=requests, started_at=now, settled_at=None)
            .returning(DeliverySendRow.id)
        )
        return int(result.scalar_one())

    async def _used(self, now: datetime, limits: Sequence[Limit], key: str | None) -> list[int]:
        row = DeliverySendRow
        unit = 1 if key is not None else row.requests  # conversations count sends, the app counts requests
        columns = [func.coalesce(func.sum(case((_counted(now, lim.seconds, self._inflight), unit), else_=0)), 0)
                   for lim in limits]
        horizon = now - timedelta(seconds=max(lim.seconds for lim in limits))
        where: list[ColumnElement[bool]] = [or_(row.settled_at.is_(None), row.settled_at > horizon)]
        if key is not None:
            where.append(row.rate_key == key)
        values = (await self._session.execute(select(*columns).where(*where))).one()
        return [int(v) for v in values]

    async def _wait(self, now: datetime, limit: Limit, key: str | None, excess: int) -> float:
        """When `excess` units will have left the window (rows in flight are guessed to answer now)."""
        row = DeliverySendRow
        where: list[ColumnElement[bool]] = [_counted(now, limit.seconds, self._inflight)]
        if key is not None:
            where.append(row.rate_key == key)
        rows = (await self._session.execute(select(row.requests, row.settled_at).where(*where))).all()
        frees = sorted(((settled or now) + timedelta(seconds=limit.seconds), 1 if key is not None else n)
                       for n, settled in rows)
        freed = 0
        for at, units in frees:
            freed += units
            if freed >= excess:
                return max(0.0, (at - now).total_seconds())
        return limit.seconds

    async def settle(self, row_id: int, now: datetime) -> None:
        """The send was answered: from now it counts only for the windows' length."""
        await self._session.execute(
            update(DeliverySendRow)
            .where(DeliverySendRow.id == row_id, DeliverySendRow.settled_at.is_(None))
            .values(settled_at=now)
            .execution_options(synchronize_session=False)
        )

    async def prune(self, now: datetime, longest_window_seconds: float) -> int:
        """Forget rows no window can count any more."""
        row = DeliverySendRow
        result = await self._session.execute(
            delete(row)
            .where(or_(row.settled_at < now - timedelta(seconds=longest_window_seconds),
                       and_(row.settled_at.is_(None),
                            row.started_at < now - timedelta(seconds=longest_window_seconds + self._inflight))))
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0)
