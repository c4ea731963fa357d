"""The follow-up report's and the annual basis's reads (bot/services/ports.py `ReportReader`): a forum's records for a
period in a few bulk queries, not one per meeting."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import and_, exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.meetings import ContributionVersion
from storage.contributions import to_version
from storage.orm import ContributionRow, ContributionVersionRow

CHUNK = 500  # meeting ids per IN list


class ReportRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def counting_versions(
        self, meeting_ids: Sequence[str]
    ) -> dict[str, list[tuple[ContributionVersion, bool]]]:
        """Meeting id -> each organisation's counting version, and whether any of its versions arrived before the
        deadline (an on-time report changed late still counts as on time)."""
        found: dict[str, list[tuple[ContributionVersion, bool]]] = {m: [] for m in meeting_ids}
        earlier = aliased(ContributionVersionRow)
        on_time = exists().where(and_(earlier.contribution_id == ContributionRow.id, earlier.after_deadline.is_(False)))
        for start in range(0, len(meeting_ids), CHUNK):
            chunk = list(meeting_ids[start:start + CHUNK])
            rows = await self._session.execute(
                select(ContributionVersionRow, ContributionRow, on_time.label("on_time"))
                .join(ContributionRow, ContributionVersionRow.contribution_id == ContributionRow.id)
                .where(ContributionRow.meeting_id.in_(chunk),
                       ContributionVersionRow.version == ContributionRow.current_version)
                .order_by(ContributionRow.meeting_id, ContributionRow.organisation_id))
            for version, contribution, was_on_time in rows.all():
                found[contribution.meeting_id].append((to_version(version, contribution), bool(was_on_time)))
        return found

    async def all_versions(self, meeting_ids: Sequence[str]) -> dict[str, list[ContributionVersion]]:
        """Meeting id -> every stored version of every organisation's lägesbild, by organisation and version (the
        disclosure export holds them all, earlier versions too)."""
        found: dict[str, list[ContributionVersion]] = {m: [] for m in meeting_ids}
        for start in range(0, len(meeting_ids), CHUNK):
            chunk = list(meeting_ids[start:start + CHUNK])
            rows = await self._session.execute(
                select(ContributionVersionRow, ContributionRow)
                .join(ContributionRow, ContributionVersionRow.contribution_id == ContributionRow.id)
                .where(ContributionRow.meeting_id.in_(chunk))
                .order_by(ContributionRow.meeting_id, ContributionRow.organisation_id, ContributionVersionRow.version))
            for version, contribution in rows.all():
                found[contribution.meeting_id].append(to_version(version, contribution))
        return found
