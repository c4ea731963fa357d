"""Meetings: occurrences of a forum's schedule, materialised with a unique (forum, original date)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from domain.meetings import Meeting, MeetingStatus, meeting_from
from domain.model import Forum, Schedule
from domain.reporting import Summary, SummaryFrame
from storage.forums import new_id
from storage.orm import ForumRow, MeetingRow, SummaryRevisionRow, SummaryRow
from storage.schedule_codec import schedule_from_json
from storage.summary_codec import frame_from_json, frame_to_json, summary_from_json, summary_to_json


def _to_meeting(row: MeetingRow, schedule: Schedule) -> Meeting:
    """The domain meeting, its instants computed here, once, from the forum's schedule."""
    return meeting_from(schedule, id=row.id, forum_id=row.forum_id, original_date=row.original_date,
                        local_date=row.local_date, starts_at=row.starts_at, status=row.status)


class MeetingRepository:
    """Reads return the domain `Meeting`; the forum-scoped ones take the forum whose schedule gives its times."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def ensure(self, forum: Forum, original_date: date, starts_at: datetime, now: datetime) -> Meeting:
        """Materialise the occurrence if it is not stored yet (idempotent across instances)."""
        forum_id = forum.id
        dialect = self._session.bind.dialect.name if self._session.bind else "sqlite"
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        await self._session.execute(
            insert(MeetingRow)
            .values(
                id=new_id(),
                forum_id=forum_id,
                original_date=original_date,
                local_date=original_date,
                starts_at=starts_at,
                status=MeetingStatus.SCHEDULED.value,
                updated_at=now,
            )
            .on_conflict_do_nothing(index_elements=["forum_id", "original_date"])
        )
        row = await self._session.scalar(
            select(MeetingRow).where(MeetingRow.forum_id == forum_id, MeetingRow.original_date == original_date)
        )
        assert row is not None
        return _to_meeting(row, forum.schedule)

    async def get(self, meeting_id: str) -> Meeting | None:
        """A meeting by id, its times from the schedule its forum has stored (one query)."""
        found = (
            await self._session.execute(
                select(MeetingRow, ForumRow.schedule)
                .join(ForumRow, ForumRow.id == MeetingRow.forum_id)
                .where(MeetingRow.id == meeting_id)
            )
        ).first()
        return _to_meeting(found[0], schedule_from_json(found[1])) if found else None

    async def for_forum(self, forum: Forum) -> list[Meeting]:
        rows = await self._session.scalars(
            select(MeetingRow).where(MeetingRow.forum_id == forum.id).order_by(MeetingRow.original_date)
        )
        return [_to_meeting(r, forum.schedule) for r in rows]

    async def on_local_date(self, forum: Forum, local_date: date) -> Meeting | None:
        row = await self._session.scalar(
            select(MeetingRow).where(
                MeetingRow.forum_id == forum.id,
                (MeetingRow.local_date == local_date) | (MeetingRow.original_date == local_date),
            )
        )
        return _to_meeting(row, forum.schedule) if row else None

    async def set_status(self, meeting_id: str, status: MeetingStatus, actor_id: str | None, now: datetime) -> None:
        row = await self._session.get_one(MeetingRow, meeting_id)
        row.status = status.value
        row.changed_by = actor_id
        row.updated_at = now

    async def redate(self, changes: list[tuple[str, date, datetime]], now: datetime) -> None:
        """The schedule itself changed: each meeting (id, new date, new start) now belongs to another date.

        Two steps, so that meetings trading dates never collide on the unique (forum, date) key in between.
        """
        rows = [await self._session.get_one(MeetingRow, meeting_id) for meeting_id, _, _ in changes]
        for offset, row in enumerate(rows):
            row.original_date = date(1900, 1, 1) + timedelta(days=offset)
        await self._session.flush()
        for row, (_, day, starts_at) in zip(rows, changes, strict=True):
            row.original_date = day
            row.local_date = day
            row.starts_at = starts_at
            row.updated_at = now
        await self._session.flush()

    async def move(
        self, meeting_id: str, local_date: date, starts_at: datetime, actor_id: str | None, now: datetime
    ) -> None:
        row = await self._session.get_one(MeetingRow, meeting_id)
        row.local_date = local_date
        row.starts_at = starts_at
        row.status = MeetingStatus.SCHEDULED.value
        row.changed_by = actor_id
        row.updated_at = now


class SummaryRepository:
    """Whether a meeting's summary has been posted, and its revision (each late addition bumps it)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def revision(self, meeting_id: str) -> int | None:
        row = await self._session.get(SummaryRow, meeting_id)
        return row.revision if row else None

    async def parts(self, meeting_id: str) -> int:
        row = await self._session.get(SummaryRow, meeting_id)
        return row.parts if row else 0

    async def frame(self, meeting_id: str) -> SummaryFrame | None:
        """The frozen frame of a posted summary (None before it is posted, or for one posted before 0003)."""
        data = await self._session.scalar(
            select(SummaryRevisionRow.frame)
            .where(SummaryRevisionRow.meeting_id == meeting_id)
            .order_by(SummaryRevisionRow.revision)
            .limit(1)
        )
        return frame_from_json(data) if data is not None else None

    async def latest(self, meeting_id: str) -> Summary | None:
        """The latest posted revision of the summary, exactly as it was compiled."""
        data = await self._session.scalar(
            select(SummaryRevisionRow.content)
            .where(SummaryRevisionRow.meeting_id == meeting_id)
            .order_by(SummaryRevisionRow.revision.desc())
            .limit(1)
        )
        return summary_from_json(data) if data is not None else None

    def keep(self, meeting_id: str, revision: int, frame: SummaryFrame, summary: Summary) -> None:
        """Append a revision to the frozen record (never updated afterwards)."""
        self._session.add(
            SummaryRevisionRow(meeting_id=meeting_id, revision=revision, compiled_at=summary.compiled_at,
                               frame=frame_to_json(frame), content=summary_to_json(summary))
        )

    async def record(self, meeting_id: str, parts: int, now: datetime) -> bool:
        """Mark the summary as posted. False if it already was (another tick or instance got there first)."""
        dialect = self._session.bind.dialect.name if self._session.bind else "sqlite"
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        result = await self._session.execute(
            insert(SummaryRow)
            .values(meeting_id=meeting_id, compiled_at=now, revision=1, parts=parts)
            .on_conflict_do_nothing(index_elements=["meeting_id"])
            .returning(SummaryRow.meeting_id)
        )
        return result.scalar_one_or_none() is not None

    async def bump(self, meeting_id: str, parts: int, now: datetime) -> int:
        row = await self._session.get_one(SummaryRow, meeting_id, with_for_update=True)
        row.revision += 1
        row.parts = max(row.parts, parts)
        row.compiled_at = now
        return row.revision
