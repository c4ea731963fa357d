"""Archive packages made per forum and year (bot/services/ports.py `ArchiveStore`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.orm_auditors import ArchiveExportRow


class ArchiveRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(self, forum_id: str, year: int, created_by: str, now: datetime, manifest_sha256: str,
                     files: Sequence[Mapping[str, object]]) -> None:
        self._session.add(ArchiveExportRow(forum_id=forum_id, year=year, created_by=created_by, created_at=now,
                                           manifest_sha256=manifest_sha256, files=[dict(f) for f in files]))

    async def archived_years(self, forum_id: str) -> set[int]:
        rows = await self._session.scalars(select(ArchiveExportRow.year).where(ArchiveExportRow.forum_id == forum_id))
        return set(rows)
