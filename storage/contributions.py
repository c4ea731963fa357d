"""Contributions (one per organisation and meeting) and every version submitted."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import ConflictingWrite
from domain.meetings import ContributionVersion, StaleVersion
from storage.forums import new_id
from storage.orm import ContributionRow, ContributionVersionRow


class ContributionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        # (meeting, organisation) -> the contribution row locked by `latest(..., lock=True)` (None: none yet),
        # so the `add_version` that follows in this unit of work needs no second round trip.
        self._locked: dict[tuple[str, str], ContributionRow | None] = {}

    async def add_version(
        self,
        *,
        meeting_id: str,
        organisation_id: str,
        sections: list[tuple[str, str, str]],
        nothing_new: bool,
        attending: bool,
        submitted_by: str,
        submitted_by_name: str,
        after_deadline: bool,
        now: datetime,
        expected_version: int | None = None,
        areas: Mapping[str, Sequence[str]] | None = None,  # section_id -> area ids (domain/charter.py)
    ) -> ContributionVersion:
        """Store the next version. With `expected_version`, raise StaleVersion if another one came first.

        The contribution row is locked (FOR UPDATE on PostgreSQL), so concurrent submits for one organisation
        take turns; two first submits racing to create the row end in an IntegrityError for the loser.
        """
        key = (meeting_id, organisation_id)
        if key in self._locked:
            row = self._locked.pop(key)
        else:
            row = await self._session.scalar(
                select(ContributionRow)
                .where(ContributionRow.meeting_id == meeting_id, ContributionRow.organisation_id == organisation_id)
                .with_for_update()
            )
        if expected_version is not None and (row.current_version if row else 0) != expected_version:
            raise StaleVersion(meeting_id, organisation_id)
        if row is None:
            row = ContributionRow(
                id=new_id(), meeting_id=meeting_id, organisation_id=organisation_id, current_version=0,
                updated_at=now,
            )
            self._session.add(row)
            await self._flush()
        row.current_version += 1
        row.updated_at = now
        version = ContributionVersionRow(
            id=new_id(),
            contribution_id=row.id,
            version=row.current_version,
            sections=[{"section_id": s, "title": t, "text": x} for s, t, x in sections],
            nothing_new=nothing_new,
            attending=attending,
            submitted_by=submitted_by,
            submitted_by_name=submitted_by_name,
            submitted_at=now,
            after_deadline=after_deadline,
            areas={section: list(ids) for section, ids in areas.items() if ids} if areas else None,
        )
        self._session.add(version)
        await self._flush()
        return to_version(version, row)

    async def _flush(self) -> None:
        try:
            await self._session.flush()
        except IntegrityError as error:  # another first submit for the organisation created the row first
            raise ConflictingWrite from error

    async def latest_for_meeting(self, meeting_id: str) -> list[ContributionVersion]:
        """The counting (latest) version of every organisation's contribution to the meeting."""
        stmt = (
            select(ContributionVersionRow, ContributionRow)
            .join(ContributionRow, ContributionVersionRow.contribution_id == ContributionRow.id)
            .where(
                ContributionRow.meeting_id == meeting_id,
                ContributionVersionRow.version == ContributionRow.current_version,
            )
        )
        return [to_version(v, c) for v, c in (await self._session.execute(stmt)).all()]

    async def latest_on_time_for_meeting(self, meeting_id: str) -> list[ContributionVersion]:
        """For each organisation whose counting version came after the deadline: its latest on-time version."""
        stmt = (
            select(ContributionVersionRow, ContributionRow)
            .join(ContributionRow, ContributionVersionRow.contribution_id == ContributionRow.id)
            .where(ContributionRow.meeting_id == meeting_id)
            .order_by(ContributionVersionRow.contribution_id, ContributionVersionRow.version.desc())
        )
        late_now: set[str] = set()
        found: dict[str, ContributionVersion] = {}
        for v, c in (await self._session.execute(stmt)).all():
            if v.version == c.current_version:
                if v.after_deadline:
                    late_now.add(c.id)
            elif c.id in late_now and c.id not in found and not v.after_deadline:
                found[c.id] = to_version(v, c)
        return list(found.values())

    async def latest(self, meeting_id: str, organisation_id: str, *, lock: bool = False) -> ContributionVersion | None:
        """The counting version. With `lock`, the contribution row is locked (FOR UPDATE on PostgreSQL) until
        the unit of work ends, and a following `add_version` for it reuses the row."""
        stmt = (
            select(ContributionRow, ContributionVersionRow)
            .outerjoin(
                ContributionVersionRow,
                (ContributionVersionRow.contribution_id == ContributionRow.id)
                & (ContributionVersionRow.version == ContributionRow.current_version),
            )
            .where(ContributionRow.meeting_id == meeting_id, ContributionRow.organisation_id == organisation_id)
        )
        if lock:
            stmt = stmt.with_for_update(of=ContributionRow)
        found = (await self._session.execute(stmt)).first()
        if lock:
            self._locked[(meeting_id, organisation_id)] = found[0] if found else None
        return to_version(found[1], found[0]) if found and found[1] is not None else None

    async def count_by_organisation(self, organisation_ids: list[str]) -> dict[str, int]:
        """How many meetings each organisation has submitted a report for (kept when it is retired)."""
        if not organisation_ids:
            return {}
        rows = await self._session.execute(
            select(ContributionRow.organisation_id, func.count())
            .where(ContributionRow.organisation_id.in_(organisation_ids))
            .group_by(ContributionRow.organisation_id)
        )
        return {org_id: int(count) for org_id, count in rows.all()}

    async def history(self, meeting_id: str, organisation_id: str) -> list[ContributionVersion]:
        stmt = (
            select(ContributionVersionRow, ContributionRow)
            .join(ContributionRow, ContributionVersionRow.contribution_id == ContributionRow.id)
            .where(ContributionRow.meeting_id == meeting_id, ContributionRow.organisation_id == organisation_id)
            .order_by(ContributionVersionRow.version)
        )
        return [to_version(v, c) for v, c in (await self._session.execute(stmt)).all()]


def to_version(v: ContributionVersionRow, c: ContributionRow) -> ContributionVersion:
    return ContributionVersion(
        contribution_id=c.id,
        meeting_id=c.meeting_id,
        organisation_id=c.organisation_id,
        version=v.version,
        sections=tuple((s["section_id"], s["title"], s["text"]) for s in v.sections),
        nothing_new=v.nothing_new,
        attending=v.attending,
        submitted_by=v.submitted_by,
        submitted_by_name=v.submitted_by_name,
        submitted_at=v.submitted_at,
        after_deadline=v.after_deadline,
        areas=tuple((section, tuple(ids)) for section, ids in (v.areas or {}).items()),
    )
