"""Archive packages made per forum and year (bot/services/ports.py `ArchiveStore`)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession


class ArchiveRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
