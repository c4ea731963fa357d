"""People known to Forumbot, keyed by their Teams user id."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.model import Person
from storage.cache import ReadCache
from storage.cache_sync import note_change
from storage.orm import PersonRow


def _to_person(row: PersonRow) -> Person:
    return Person(
        id=row.id,
        display_name=row.display_name,
        aad_object_id=row.aad_object_id,
        language=row.language,
        away_until=row.away_until,
        client_language=row.client_language,
        nudges_paused_until=row.nudges_paused_until,
    )


class PersonRepository:
    def __init__(self, session: AsyncSession, cache: ReadCache | None = None) -> None:
        self._session = session
        self._cache = cache

    def _forget(self, person_id: str) -> None:
        note_change(self._session, "person", person_id)
        if self._cache is not None:
            self._cache.drop_person(person_id)

    async def get(self, person_id: str) -> Person | None:
        row = await self._session.get(PersonRow, person_id)
        return _to_person(row) if row else None

    async def many(self, person_ids: list[str]) -> dict[str, Person]:
        if not person_ids:
            return {}
        rows = await self._session.scalars(select(PersonRow).where(PersonRow.id.in_(person_ids)))
        return {r.id: _to_person(r) for r in rows}

    async def upsert(
        self,
        person_id: str,
        *,
        display_name: str | None,
        aad_object_id: str | None,
        tenant_id: str | None,
        now: datetime,
        client_language: str | None = None,
    ) -> Person:
        """Record a person seen in an activity; keep the latest name, AAD id and Teams client language."""
        row = await self._session.get(PersonRow, person_id)
        if row is None:
            row = PersonRow(
                id=person_id,
                display_name=display_name or person_id,
                aad_object_id=aad_object_id,
                tenant_id=tenant_id,
                client_language=client_language,
                updated_at=now,
            )
            self._session.add(row)
        else:
            changed = False
            if display_name and row.display_name != display_name:
                row.display_name, changed = display_name, True
            if aad_object_id and row.aad_object_id != aad_object_id:
                row.aad_object_id, changed = aad_object_id, True
            if tenant_id and row.tenant_id != tenant_id:
                row.tenant_id, changed = tenant_id, True
            if client_language and row.client_language != client_language:
                row.client_language, changed = client_language, True
            if changed:
                row.updated_at = now
                self._forget(person_id)
        await self._session.flush()
        return _to_person(row)

    async def set_language(self, person_id: str, language: str | None, now: datetime) -> None:
        row = await self._session.get_one(PersonRow, person_id)
        row.language = language
        row.updated_at = now
        self._forget(person_id)

    async def set_nudges_paused_until(self, person_id: str, until: date | None, now: datetime) -> None:
        row = await self._session.get_one(PersonRow, person_id)
        row.nudges_paused_until = until
        row.updated_at = now
        self._forget(person_id)

    async def set_away_until(self, person_id: str, until: date | None, now: datetime) -> None:
        row = await self._session.get_one(PersonRow, person_id)
        row.away_until = until
        row.updated_at = now
        self._forget(person_id)
