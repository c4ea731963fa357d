"""Minutes (draft, approvals, published versions) and action items, as the domain's types."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actions import ActionItem, ActionStatus
from domain.errors import ConflictingWrite
from domain.minutes import (
    Approval,
    ApprovalDecision,
    Minutes,
    MinutesContent,
    MinutesStatus,
    PublishedVersion,
    StaleDraft,
)
from storage.orm import ActionRow, MinutesApprovalRow, MinutesRow, MinutesVersionRow
from storage.records_codec import (
    approval_from_json,
    approval_to_json,
    content_from_json,
    content_to_json,
    follow_up_from_json,
    follow_up_to_json,
    frame_from_json,
    frame_to_json,
)


async def _flush(session: AsyncSession) -> None:
    """Write what is pending now; a unique key another writer took first is the domain's `ConflictingWrite`."""
    try:
        await session.flush()
    except IntegrityError as error:
        raise ConflictingWrite from error


def _lockable(session: AsyncSession) -> bool:
    return bool(session.bind and session.bind.dialect.name == "postgresql")


class MinutesRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def _row(self, meeting_id: str, *, lock: bool) -> MinutesRow | None:
        query = select(MinutesRow).where(MinutesRow.meeting_id == meeting_id)
        if lock and _lockable(self._session):
            query = query.with_for_update()
        return await self._session.scalar(query.execution_options(populate_existing=True))

    async def _approvals(self, meeting_id: str) -> tuple[Approval, ...]:
        rows = await self._session.scalars(
            select(MinutesApprovalRow).where(MinutesApprovalRow.meeting_id == meeting_id)
            .order_by(MinutesApprovalRow.id)
        )
        return tuple(Approval(r.approver_id, r.approver_name, r.revision, ApprovalDecision(r.decision), r.at,
                              r.comment) for r in rows)

    async def _domain(self, row: MinutesRow) -> Minutes:
        return Minutes(
            meeting_id=row.meeting_id, forum_id=row.forum_id, status=MinutesStatus(row.status),
            revision=row.revision, content=content_from_json(row.content), updated_at=row.updated_at,
            updated_by=row.updated_by, sent_revision=row.sent_revision,
            approvals=await self._approvals(row.meeting_id), published_versions=row.published_versions,
        )

    async def get(self, meeting_id: str, *, lock: bool = False) -> Minutes | None:
        row = await self._row(meeting_id, lock=lock)
        return await self._domain(row) if row is not None else None

    async def save_draft(
        self, *, meeting_id: str, forum_id: str, content: MinutesContent, actor_id: str, now: datetime,
        expected_revision: int | None,
    ) -> Minutes:
        row = await self._row(meeting_id, lock=True)
        if row is None:
            if expected_revision is not None:
                raise StaleDraft(0)
            row = MinutesRow(meeting_id=meeting_id, forum_id=forum_id, status=MinutesStatus.DRAFT.value, revision=1,
                             content=content_to_json(content), sent_revision=None, published_versions=0,
                             updated_by=actor_id, updated_at=now)
            self._session.add(row)
        else:
            if expected_revision is None:
                raise ConflictingWrite()
            if row.revision != expected_revision:
                raise StaleDraft(row.revision)
            if row.status == MinutesStatus.IN_APPROVAL.value:
                row.status = MinutesStatus.DRAFT.value
            row.revision += 1
            row.content = content_to_json(content)
            row.updated_by = actor_id
            row.updated_at = now
        await _flush(self._session)
        return await self._domain(row)

    async def set_status(
        self, meeting_id: str, status: MinutesStatus, *, sent_revision: int | None, now: datetime
    ) -> None:
        row = await self._row(meeting_id, lock=True)
        assert row is not None
        row.status = status.value
        row.sent_revision = sent_revision
        row.updated_at = now

    async def add_approval(self, meeting_id: str, approval: Approval) -> None:
        self._session.add(MinutesApprovalRow(
            meeting_id=meeting_id, approver_id=approval.approver_id, approver_name=approval.approver_name,
            revision=approval.revision, decision=approval.decision.value, comment=approval.comment, at=approval.at,
        ))
        await _flush(self._session)

    async def publish(self, version: PublishedVersion) -> None:
        self._session.add(MinutesVersionRow(
            meeting_id=version.meeting_id, version=version.version, forum_id=version.forum_id,
            first_paragraph=version.first_paragraph, last_paragraph=version.last_paragraph,
            meeting_date=version.frame.meeting_date, content=content_to_json(version.content),
            frame=frame_to_json(version.frame), follow_up=follow_up_to_json(version.follow_up),
            approvals=[approval_to_json(a) for a in version.approvals], published_at=version.published_at,
            published_by=version.published_by, published_by_name=version.published_by_name,
            correction_note=version.correction_note,
        ))
        await _flush(self._session)
        row = await self._row(version.meeting_id, lock=True)
        assert row is not None
        row.status = MinutesStatus.PUBLISHED.value
        row.published_versions = version.version
        row.updated_at = version.published_at

    @staticmethod
    def _version(row: MinutesVersionRow) -> PublishedVersion:
        return PublishedVersion(
            meeting_id=row.meeting_id, forum_id=row.forum_id, version=row.version,
            first_paragraph=row.first_paragraph, content=content_from_json(row.content),
            frame=frame_from_json(row.frame), published_at=row.published_at, published_by=row.published_by,
            published_by_name=row.published_by_name, approvals=tuple(approval_from_json(a) for a in row.approvals),
            correction_note=row.correction_note, follow_up=follow_up_from_json(row.follow_up),
        )

    async def versions(self, meeting_id: str) -> list[PublishedVersion]:
        rows = await self._session.scalars(
            select(MinutesVersionRow).where(MinutesVersionRow.meeting_id == meeting_id)
            .order_by(MinutesVersionRow.version)
        )
        return [self._version(r) for r in rows]

    async def published_for_forum(self, forum_id: str) -> list[PublishedVersion]:
        latest = (
            select(MinutesVersionRow.meeting_id, func.max(MinutesVersionRow.version).label("version"))
            .where(MinutesVersionRow.forum_id == forum_id)
            .group_by(MinutesVersionRow.meeting_id)
            .subquery()
        )
        rows = await self._session.scalars(
            select(MinutesVersionRow)
            .join(latest, (MinutesVersionRow.meeting_id == latest.c.meeting_id)
                  & (MinutesVersionRow.version == latest.c.version))
            .order_by(MinutesVersionRow.meeting_date, MinutesVersionRow.first_paragraph)
        )
        return [self._version(r) for r in rows]

    async def drafts_for_forum(self, forum_id: str) -> list[Minutes]:
        rows = await self._session.scalars(
            select(MinutesRow).where(MinutesRow.forum_id == forum_id,
                                     MinutesRow.status != MinutesStatus.PUBLISHED.value)
        )
        return [await self._domain(r) for r in rows]


def _action(row: ActionRow) -> ActionItem:
    return ActionItem(
        id=row.id, forum_id=row.forum_id, number=row.number, title=row.title, owner_role_id=row.owner_role_id,
        due=row.due, meeting_id=row.meeting_id, item_key=row.item_key, status=ActionStatus(row.status),
        created_at=row.created_at, created_by=row.created_by, description=row.description,
        closed_at=row.closed_at, outcome=row.outcome,
    )


class ActionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def next_number(self, forum_id: str) -> int:
        highest = await self._session.scalar(select(func.max(ActionRow.number)).where(ActionRow.forum_id == forum_id))
        return int(highest or 0) + 1

    async def add(self, action: ActionItem, now: datetime) -> None:
        self._session.add(ActionRow(
            id=action.id, forum_id=action.forum_id, number=action.number, title=action.title,
            description=action.description, owner_role_id=action.owner_role_id, due=action.due,
            meeting_id=action.meeting_id, item_key=action.item_key, status=action.status.value,
            created_at=action.created_at, created_by=action.created_by, closed_at=action.closed_at,
            outcome=action.outcome, updated_at=now,
        ))
        await _flush(self._session)

    async def update(self, action: ActionItem, now: datetime) -> None:
        row = await self._session.get(ActionRow, action.id)
        assert row is not None
        row.title, row.description, row.owner_role_id = action.title, action.description, action.owner_role_id
        row.due, row.status = action.due, action.status.value
        row.closed_at, row.outcome = action.closed_at, action.outcome
        row.updated_at = now

    async def get(self, action_id: str, *, lock: bool = False) -> ActionItem | None:
        """With `lock`, the row stays locked until the transaction ends (PostgreSQL), so two presses of one
        button are taken one after the other and the second sees the first's change."""
        query = select(ActionRow).where(ActionRow.id == action_id)
        return await self._one(query, lock)

    async def by_number(self, forum_id: str, number: int, *, lock: bool = False) -> ActionItem | None:
        return await self._one(select(ActionRow).where(ActionRow.forum_id == forum_id, ActionRow.number == number),
                               lock)

    async def _one(self, query: Select[ActionRow], lock: bool) -> ActionItem | None:
        if lock and _lockable(self._session):
            query = query.with_for_update()
        row = await self._session.scalar(query.execution_options(populate_existing=True))
        return _action(row) if row is not None else None

    async def for_forum(self, forum_id: str) -> list[ActionItem]:
        rows = await self._session.scalars(
            select(ActionRow).where(ActionRow.forum_id == forum_id).order_by(ActionRow.number))
        return [_action(r) for r in rows]

    async def for_roles(self, role_ids: Sequence[str]) -> list[ActionItem]:
        if not role_ids:
            return []
        rows = await self._session.scalars(
            select(ActionRow).where(ActionRow.owner_role_id.in_(list(role_ids)))
            .order_by(ActionRow.due, ActionRow.forum_id, ActionRow.number))
        return [_action(r) for r in rows]

    async def for_meeting(self, meeting_id: str) -> list[ActionItem]:
        rows = await self._session.scalars(
            select(ActionRow).where(ActionRow.meeting_id == meeting_id).order_by(ActionRow.number))
        return [_action(r) for r in rows]
