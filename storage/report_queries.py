"""The follow-up report's and the annual basis's reads: a forum's records for a period, in few bulk queries
(bot/services/ports.py `ReportReader`)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession


class ReportRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
