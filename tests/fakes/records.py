"""In-memory minutes and action stores for the fake unit of work (see tests/fakes/uow.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from domain.actions import ActionItem
from domain.errors import ConflictingWrite
from domain.minutes import Approval, Minutes, MinutesContent, MinutesStatus, PublishedVersion, StaleDraft


@dataclass
class RecordTables:
    minutes: dict[str, Minutes] = field(default_factory=dict)  # meeting id -> working minutes
    versions: dict[str, list[PublishedVersion]] = field(default_factory=dict)  # meeting id -> versions
    actions: dict[str, ActionItem] = field(default_factory=dict)


class FakeMinutes:
    def __init__(self, tables: RecordTables) -> None:
        self._t = tables

    async def get(self, meeting_id: str, *, lock: bool = False) -> Minutes | None:
        return self._t.minutes.get(meeting_id)

    async def save_draft(
        self, *, meeting_id: str, forum_id: str, content: MinutesContent, actor_id: str, now: datetime,
        expected_revision: int | None,
    ) -> Minutes:
        current = self._t.minutes.get(meeting_id)
        if current is None:
            if expected_revision is not None:
                raise StaleDraft(0)
            saved = Minutes(meeting_id, forum_id, MinutesStatus.DRAFT, 1, content, now, actor_id)
        else:
            if expected_revision is None:
                raise ConflictingWrite()
            if current.revision != expected_revision:
                raise StaleDraft(current.revision)
            status = MinutesStatus.DRAFT if current.status is MinutesStatus.IN_APPROVAL else current.status
            saved = replace(current, status=status, revision=current.revision + 1, content=content,
                            updated_at=now, updated_by=actor_id)
        self._t.minutes[meeting_id] = saved
        return saved

    async def set_status(
        self, meeting_id: str, status: MinutesStatus, *, sent_revision: int | None, now: datetime
    ) -> None:
        current = self._t.minutes[meeting_id]
        self._t.minutes[meeting_id] = replace(current, status=status, sent_revision=sent_revision, updated_at=now)

    async def add_approval(self, meeting_id: str, approval: Approval) -> None:
        current = self._t.minutes[meeting_id]
        self._t.minutes[meeting_id] = replace(current, approvals=(*current.approvals, approval))

    async def publish(self, version: PublishedVersion) -> None:
        versions = self._t.versions.setdefault(version.meeting_id, [])
        if any(v.version == version.version for v in versions) or any(
            v.forum_id == version.forum_id and (v.version, v.first_paragraph) == (version.version,
                                                                                  version.first_paragraph)
            for vs in self._t.versions.values() for v in vs
        ):
            raise ConflictingWrite()
        versions.append(version)
        current = self._t.minutes[version.meeting_id]
        self._t.minutes[version.meeting_id] = replace(
            current, status=MinutesStatus.PUBLISHED, published_versions=version.version, updated_at=version.published_at
        )

    async def versions(self, meeting_id: str) -> list[PublishedVersion]:
        return list(self._t.versions.get(meeting_id, []))

    async def published_for_forum(self, forum_id: str) -> list[PublishedVersion]:
        latest = [vs[-1] for vs in self._t.versions.values() if vs and vs[-1].forum_id == forum_id]
        return sorted(latest, key=lambda v: v.frame.meeting_date)

    async def drafts_for_forum(self, forum_id: str) -> list[Minutes]:
        return [m for m in self._t.minutes.values() if m.forum_id == forum_id and not m.locked]


class FakeActions:
    def __init__(self, tables: RecordTables) -> None:
        self._t = tables

    async def next_number(self, forum_id: str) -> int:
        return max((a.number for a in self._t.actions.values() if a.forum_id == forum_id), default=0) + 1

    async def add(self, action: ActionItem, now: datetime) -> None:
        if action.id in self._t.actions or any(
            a.forum_id == action.forum_id and a.number == action.number for a in self._t.actions.values()
        ):
            raise ConflictingWrite()
        self._t.actions[action.id] = action

    async def update(self, action: ActionItem, now: datetime) -> None:
        self._t.actions[action.id] = action

    async def get(self, action_id: str, *, lock: bool = False) -> ActionItem | None:
        return self._t.actions.get(action_id)

    async def by_number(self, forum_id: str, number: int, *, lock: bool = False) -> ActionItem | None:
        return next((a for a in self._t.actions.values() if a.forum_id == forum_id and a.number == number), None)

    async def for_forum(self, forum_id: str) -> list[ActionItem]:
        return sorted((a for a in self._t.actions.values() if a.forum_id == forum_id), key=lambda a: a.number)

    async def for_roles(self, role_ids: Sequence[str]) -> list[ActionItem]:
        wanted = set(role_ids)
        return sorted((a for a in self._t.actions.values() if a.owner_role_id in wanted),
                      key=lambda a: (a.due, a.forum_id, a.number))

    async def for_meeting(self, meeting_id: str) -> list[ActionItem]:
        return sorted((a for a in self._t.actions.values() if a.meeting_id == meeting_id), key=lambda a: a.number)
