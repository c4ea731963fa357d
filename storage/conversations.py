"""Stored conversation references (JSON) with the columns we query and check before sending."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.model import ConversationType
from storage.cache import ReadCache
from storage.cache_sync import note_change
from storage.orm import ConversationRow


@dataclass(frozen=True)
class StoredConversation:
    id: str
    tenant_id: str
    type: str
    service_url: str
    reference: dict[str, object]
    bot_id: str | None
    user_id: str | None
    team_id: str | None
    channel_id: str | None
    active: bool
    welcomed_at: datetime | None


def _to_stored(row: ConversationRow) -> StoredConversation:
    return StoredConversation(
        id=row.id,
        tenant_id=row.tenant_id,
        type=row.type,
        service_url=row.service_url,
        reference=dict(row.reference),
        bot_id=row.bot_id,
        user_id=row.user_id,
        team_id=row.team_id,
        channel_id=row.channel_id,
        active=row.active,
        welcomed_at=row.welcomed_at,
    )


class ConversationRepository:
    def __init__(self, session: AsyncSession, cache: ReadCache | None = None) -> None:
        self._session = session
        self._cache = cache

    async def get(self, conversation_id: str) -> StoredConversation | None:
        row = await self._session.get(ConversationRow, conversation_id)
        return _to_stored(row) if row else None

    async def personal_for(self, person_id: str) -> StoredConversation | None:
        """The person's 1:1 chat with the bot, most recently refreshed first."""
        row = await self._session.scalar(
            select(ConversationRow)
            .where(ConversationRow.user_id == person_id, ConversationRow.type == ConversationType.PERSONAL.value)
            .order_by(ConversationRow.active.desc(), ConversationRow.updated_at.desc())
            .limit(1)
        )
        return _to_stored(row) if row else None

    async def save(
        self,
        *,
        conversation_id: str,
        tenant_id: str,
        type: str,
        service_url: str,
        reference: dict[str, object],
        bot_id: str | None,
        user_id: str | None,
        aad_object_id: str | None,
        team_id: str | None,
        channel_id: str | None,
        now: datetime,
    ) -> bool:
        """Insert or refresh a reference; reactivates it. Returns True when it was new."""
        row = await self._session.get(ConversationRow, conversation_id)
        created = row is None
        if row is None:
            row = ConversationRow(id=conversation_id, welcomed_at=None)
            self._session.add(row)
        values: dict[str, object] = {
            "tenant_id": tenant_id,
            "type": type,
            "service_url": service_url,
            "reference": reference,
            "bot_id": bot_id,
            "user_id": user_id if type == ConversationType.PERSONAL.value else None,
            "aad_object_id": aad_object_id if type == ConversationType.PERSONAL.value else None,
            "team_id": team_id or row.team_id,
            "channel_id": channel_id or row.channel_id,
            "active": True,
            "inactive_reason": None,
        }
        changed = created or any(getattr(row, key) != value for key, value in values.items())
        if changed:
            # Only a real change is written, so an ordinary turn reads the reference and writes nothing.
            for key, value in values.items():
                setattr(row, key, value)
            row.updated_at = now
            await self._session.flush()
        return created

    async def mark_welcomed(self, conversation_id: str, now: datetime) -> bool:
        """Set welcomed_at once (a conditional UPDATE, safe across instances). False if already set."""
        result = await self._session.execute(
            update(ConversationRow)
            .where(ConversationRow.id == conversation_id, ConversationRow.welcomed_at.is_(None))
            .values(welcomed_at=now, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0))

    async def mark_inactive(self, conversation_id: str, reason: str, now: datetime) -> None:
        note_change(self._session, "conversation", conversation_id)
        if self._cache is not None:
            self._cache.drop_conversation(conversation_id)
        row = await self._session.get(ConversationRow, conversation_id)
        if row is not None:
            row.active = False
            row.inactive_reason = reason
            row.updated_at = now
