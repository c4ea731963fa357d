"""The forum's settings that are one JSON column or flag each: record roles, follow-up policy, charter, visibility,
retention plan, external organisations. Part of `ForumRepository` (storage/forums.py)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.charter import Charter
from domain.model import RecordRoles
from domain.nudges import NudgePolicy
from domain.retention import RetentionPlan
from domain.visibility import SummaryVisibility
from storage.auditors_codec import charter_to_json, retention_to_json
from storage.follow_up_codec import policy_to_json
from storage.orm import ForumRow, OrganisationRow
from storage.records_codec import record_roles_to_json


class ForumSettings:
    _session: AsyncSession

    async def _touch(self, forum_id: str) -> None:
        raise NotImplementedError

    async def _set(self, forum_id: str, now: datetime, **columns: object) -> None:
        """Change one-column settings of the forum: a change of the aggregate (its revision is bumped)."""
        row = await self._session.get(ForumRow, forum_id)
        assert row is not None
        await self._touch(forum_id)
        for name, value in columns.items():
            setattr(row, name, value)
        row.updated_at = now

    async def set_record_roles(self, forum_id: str, record: RecordRoles, now: datetime) -> None:
        await self._set(forum_id, now, record_roles=record_roles_to_json(record))

    async def set_follow_up_policy(self, forum_id: str, policy: NudgePolicy, now: datetime) -> None:
        await self._set(forum_id, now, follow_up_policy=policy_to_json(policy))

    async def set_charter(self, forum_id: str, charter: Charter, now: datetime) -> None:
        await self._set(forum_id, now, charter=charter_to_json(charter))

    async def set_visibility(self, forum_id: str, visibility: SummaryVisibility, now: datetime) -> None:
        await self._set(forum_id, now, summary_visibility=visibility.value)

    async def set_retention(self, forum_id: str, plan: RetentionPlan, now: datetime) -> None:
        await self._set(forum_id, now, retention=retention_to_json(plan))

    async def set_external(self, forum_id: str, external: Mapping[str, bool], now: datetime) -> None:
        """Mark the forum's organisations (by id) external or not; ids of other forums are ignored."""
        await self._touch(forum_id)
        for org in await self._session.scalars(
            select(OrganisationRow).where(OrganisationRow.forum_id == forum_id,
                                          OrganisationRow.id.in_(list(external)))
        ):
            org.external = bool(external[org.id])
        row = await self._session.get(ForumRow, forum_id)
        assert row is not None
        row.updated_at = now  # _touch above already bumped the revision

