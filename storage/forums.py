"""Forum aggregate: the forum with its agenda, organisations, roles and memberships."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import String, cast, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.model import (
    AgendaSection,
    Forum,
    Membership,
    Organisation,
    Role,
    RoleKind,
    Schedule,
)
from storage.auditors_codec import (
    charter_from_json,
    retention_from_json,
    visibility_from_column,
)
from storage.cache import ReadCache
from storage.cache_sync import note_change
from storage.follow_up_codec import policy_from_json
from storage.forum_settings import ForumSettings
from storage.orm import AgendaSectionRow, ConversationRow, ForumRow, MembershipRow, OrganisationRow, RoleRow
from storage.records_codec import record_roles_from_json
from storage.schedule_codec import schedule_from_json, schedule_to_json


def new_id() -> str:
    return uuid.uuid4().hex


class ForumRepository(ForumSettings):
    def __init__(self, session: AsyncSession, cache: ReadCache | None = None) -> None:
        self._session = session
        self._cache = cache
        self._changed: set[str] = set()  # forums this unit of work changed: never cached from here

    async def _touch(self, forum_id: str) -> None:
        """Record a change to the forum aggregate: bump its revision and forget cached copies."""
        self._changed.add(forum_id)
        await self._session.execute(
            update(ForumRow).where(ForumRow.id == forum_id).values(revision=ForumRow.revision + 1)
        )
        note_change(self._session, "forum", forum_id)
        if self._cache is not None:
            self._cache.drop_forum(forum_id)

    def _forget_person(self, person_id: str) -> None:
        note_change(self._session, "person", person_id)
        if self._cache is not None:
            self._cache.drop_person(person_id)

    async def _forum_of_organisation(self, organisation_id: str) -> str:
        forum_id = await self._session.scalar(
            select(OrganisationRow.forum_id).where(OrganisationRow.id == organisation_id)
        )
        assert forum_id is not None
        return forum_id

    async def by_conversation(self, conversation_id: str) -> Forum | None:
        row = await self._session.scalar(select(ForumRow).where(ForumRow.conversation_id == conversation_id))
        return await self._load(row) if row else None

    async def in_team(self, team_id: str) -> list[Forum]:
        """Forums bound to any channel of the team (Teams tells membership changes on the team, not the channel)."""
        channels = select(ConversationRow.id).where(ConversationRow.team_id == team_id)
        rows = await self._session.scalars(select(ForumRow).where(ForumRow.conversation_id.in_(channels))
                                           .order_by(ForumRow.created_at))
        return [await self._load(row) for row in rows]

    async def get(self, forum_id: str) -> Forum | None:
        row = await self._session.get(ForumRow, forum_id)
        return await self._load(row) if row else None

    async def all(self) -> list[Forum]:
        rows = await self._session.scalars(select(ForumRow).order_by(ForumRow.created_at))
        return [await self._load(row) for row in rows]

    async def for_person(self, person_id: str) -> list[Forum]:
        ids = await self._session.scalars(
            select(MembershipRow.forum_id).where(MembershipRow.person_id == person_id)
        )
        chaired = await self._session.scalars(select(ForumRow.id).where(ForumRow.chair_id == person_id))
        forum_ids = sorted(set(ids) | set(chaired) | await self._keeps_record_of(person_id))
        forums = [await self.get(fid) for fid in forum_ids]
        return [f for f in forums if f is not None]

    async def _keeps_record_of(self, person_id: str) -> set[str]:
        """Forums where the person is secretary, approver or recipient of the minutes without being a member.

        The database keeps only forums whose record roles mention the id as text (the same on SQLite and
        PostgreSQL); the JSON then says in which role, so an id that is merely a prefix of another never counts."""
        mentioned = cast(ForumRow.record_roles, String).contains(person_id, autoescape=True)
        rows = await self._session.execute(select(ForumRow.id, ForumRow.record_roles).where(mentioned))
        found = set()
        for forum_id, stored in rows.all():
            record = record_roles_from_json(stored)
            if person_id in (record.secretary_id, *record.approver_ids, *record.recipient_ids):
                found.add(forum_id)
        return found

    async def first_for_person(self, person_id: str) -> Forum | None:
        """One forum the person chairs or belongs to (the oldest), for a 1:1 chat that names none."""
        if self._cache is not None:
            known, cached = self._cache.home_forum(person_id)
            if known:
                return cached
        member_of = select(MembershipRow.forum_id).where(MembershipRow.person_id == person_id)
        row = await self._session.scalar(
            select(ForumRow)
            .where((ForumRow.chair_id == person_id) | ForumRow.id.in_(member_of))
            .order_by(ForumRow.created_at)
            .limit(1)
        )
        forum = await self._load(row) if row else None
        if self._cache is not None and not self._changed:
            self._cache.put_home_forum(person_id, forum)
        return forum

    async def _load(self, row: ForumRow) -> Forum:
        cacheable = self._cache is not None and row.id not in self._changed
        if cacheable and self._cache is not None and (hit := self._cache.forum(row.id, row.revision)) is not None:
            return hit
        forum = await self._load_aggregate(row)
        if cacheable and self._cache is not None:
            self._cache.put_forum(forum, row.revision)
        return forum

    async def _load_aggregate(self, row: ForumRow) -> Forum:
        sections = await self._session.scalars(
            select(AgendaSectionRow)
            .where(AgendaSectionRow.forum_id == row.id, AgendaSectionRow.removed_at.is_(None))
            .order_by(AgendaSectionRow.position)
        )
        orgs = list(
            await self._session.scalars(
                select(OrganisationRow)
                .where(OrganisationRow.forum_id == row.id, OrganisationRow.removed_at.is_(None))
                .order_by(OrganisationRow.position)
            )
        )
        org_ids = [o.id for o in orgs]
        roles: list[RoleRow] = (
            list(await self._session.scalars(select(RoleRow).where(RoleRow.organisation_id.in_(org_ids))))
            if org_ids
            else []
        )
        members = await self._session.scalars(
            select(MembershipRow).where(MembershipRow.forum_id == row.id).order_by(MembershipRow.joined_at)
        )
        return Forum(
            id=row.id,
            name=row.name,
            tenant_id=row.tenant_id,
            conversation_id=row.conversation_id,
            chair_id=row.chair_id,
            schedule=schedule_from_json(row.schedule),
            sections=tuple(AgendaSection(s.id, s.title, s.position) for s in sections),
            organisations=tuple(Organisation(o.id, o.name, o.position, bool(o.external)) for o in orgs),
            roles=tuple(Role(r.id, r.organisation_id, RoleKind(r.kind), r.holder_id) for r in roles),
            memberships=tuple(Membership(m.person_id, m.organisation_id) for m in members),
            created_at=row.created_at,
            language=row.language,
            record=record_roles_from_json(row.record_roles),
            follow_up=policy_from_json(row.follow_up_policy),
            charter=charter_from_json(row.charter),
            visibility=visibility_from_column(row.summary_visibility),
            retention=retention_from_json(row.retention),
        )

    async def create(
        self,
        *,
        name: str,
        tenant_id: str,
        conversation_id: str,
        chair_id: str,
        schedule: Schedule,
        now: datetime,
    ) -> str:
        forum_id = new_id()
        self._session.add(
            ForumRow(
                id=forum_id,
                name=name,
                tenant_id=tenant_id,
                conversation_id=conversation_id,
                chair_id=chair_id,
                schedule=schedule_to_json(schedule),
                created_at=now,
                updated_at=now,
            )
        )
        self._changed.add(forum_id)
        await self._session.flush()
        note_change(self._session, "conversation", conversation_id)
        note_change(self._session, "person", chair_id)
        if self._cache is not None:
            self._cache.drop_conversation(conversation_id)
            self._cache.drop_person(chair_id)
        return forum_id

    async def update_settings(
        self, forum_id: str, *, name: str, schedule: Schedule, now: datetime, language: str | None = None
    ) -> None:
        await self._touch(forum_id)
        row = await self._session.get_one(ForumRow, forum_id)
        row.name = name
        row.schedule = schedule_to_json(schedule)
        row.language = language
        row.updated_at = now

    async def set_chair(self, forum_id: str, chair_id: str, now: datetime) -> None:
        await self._touch(forum_id)
        self._forget_person(chair_id)
        row = await self._session.get_one(ForumRow, forum_id)
        row.chair_id = chair_id
        row.updated_at = now

    async def replace_sections(
        self, forum_id: str, sections: Sequence[tuple[str | None, str]], now: datetime
    ) -> None:
        """Set the agenda to `sections` in order: (existing id or None for new, title). Others are removed."""
        await self._replace_ordered(AgendaSectionRow, forum_id, sections, now)

    async def replace_organisations(
        self, forum_id: str, organisations: Sequence[tuple[str | None, str]], now: datetime
    ) -> None:
        """Set the organisations in order; a removed organisation's roles are vacated and members unlinked."""
        kept = await self._replace_ordered(OrganisationRow, forum_id, organisations, now)
        removed = await self._session.scalars(
            select(OrganisationRow.id).where(
                OrganisationRow.forum_id == forum_id, OrganisationRow.id.not_in(kept)
            )
        )
        removed_ids = list(removed)
        if removed_ids:
            # Roles stay as records (history and later actions refer to them); only the holders leave.
            for role in await self._session.scalars(
                select(RoleRow).where(RoleRow.organisation_id.in_(removed_ids))
            ):
                role.holder_id = None
                role.updated_at = now
            for m in await self._session.scalars(
                select(MembershipRow).where(MembershipRow.organisation_id.in_(removed_ids))
            ):
                m.organisation_id = None
        for org_id in kept:
            await self._ensure_roles(org_id, now)

    async def _replace_ordered(
        self,
        model: type[AgendaSectionRow] | type[OrganisationRow],
        forum_id: str,
        items: Sequence[tuple[str | None, str]],
        now: datetime,
    ) -> list[str]:
        await self._touch(forum_id)
        label = "title" if model is AgendaSectionRow else "name"
        rows: list[AgendaSectionRow | OrganisationRow] = list(
            await self._session.scalars(select(model).where(model.forum_id == forum_id, model.removed_at.is_(None)))
        )
        existing = {r.id: r for r in rows}
        kept_ids = {item_id for item_id, _ in items if item_id in existing}
        kept: list[str] = []
        for position, (item_id, text) in enumerate(items, start=1):
            row = existing.pop(item_id, None) if item_id else None
            if row is None:
                row = await self._reusable(model, forum_id, text, existing, kept_ids)
            if row is None:
                row = model(id=new_id(), forum_id=forum_id, position=position, **{label: text})
                self._session.add(row)
            setattr(row, label, text)
            row.position = position
            row.removed_at = None
            kept.append(row.id)
        for row in existing.values():
            row.removed_at = now  # retired, never deleted: reports and past summaries refer to it
        await self._session.flush()
        return kept

    async def _reusable(
        self,
        model: type[AgendaSectionRow] | type[OrganisationRow],
        forum_id: str,
        text: str,
        existing: dict[str, AgendaSectionRow | OrganisationRow],
        kept_ids: set[str],
    ) -> AgendaSectionRow | OrganisationRow | None:
        """A new item with the name of one being dropped in this save, or of a retired one, reuses that row."""
        label = "title" if model is AgendaSectionRow else "name"
        wanted = text.strip().casefold()
        for row_id, row in list(existing.items()):
            if row_id not in kept_ids and str(getattr(row, label)).strip().casefold() == wanted:
                return existing.pop(row_id)
        retired: list[AgendaSectionRow | OrganisationRow] = list(
            await self._session.scalars(
                select(model)
                .where(model.forum_id == forum_id, model.removed_at.is_not(None))
                .order_by(model.removed_at.desc())
            )
        )
        return next((r for r in retired if str(getattr(r, label)).strip().casefold() == wanted), None)

    async def _ensure_roles(self, organisation_id: str, now: datetime) -> None:
        present = set(
            await self._session.scalars(select(RoleRow.kind).where(RoleRow.organisation_id == organisation_id))
        )
        for kind in RoleKind:
            if kind.value not in present:
                self._session.add(
                    RoleRow(id=new_id(), organisation_id=organisation_id, kind=kind.value, holder_id=None,
                            updated_at=now)
                )
        await self._session.flush()

    async def set_role_holder(
        self, organisation_id: str, kind: RoleKind, holder_id: str | None, now: datetime
    ) -> None:
        await self._touch(await self._forum_of_organisation(organisation_id))
        await self._ensure_roles(organisation_id, now)
        row = await self._session.scalar(
            select(RoleRow).where(RoleRow.organisation_id == organisation_id, RoleRow.kind == kind.value)
        )
        assert row is not None
        row.holder_id = holder_id
        row.updated_at = now

    async def vacate_roles_of(self, forum_id: str, person_id: str, now: datetime) -> None:
        await self._touch(forum_id)
        org_ids = select(OrganisationRow.id).where(OrganisationRow.forum_id == forum_id)
        for row in await self._session.scalars(
            select(RoleRow).where(RoleRow.organisation_id.in_(org_ids), RoleRow.holder_id == person_id)
        ):
            row.holder_id = None
            row.updated_at = now

    async def set_membership(
        self, forum_id: str, person_id: str, organisation_id: str | None, now: datetime
    ) -> None:
        await self._touch(forum_id)
        self._forget_person(person_id)
        row = await self._session.get(MembershipRow, (forum_id, person_id))
        if row is None:
            self._session.add(
                MembershipRow(forum_id=forum_id, person_id=person_id, organisation_id=organisation_id,
                              joined_at=now)
            )
        else:
            row.organisation_id = organisation_id
        await self._session.flush()

    async def remove_membership(self, forum_id: str, person_id: str) -> None:
        await self._touch(forum_id)
        self._forget_person(person_id)
        await self._session.execute(
            delete(MembershipRow).where(MembershipRow.forum_id == forum_id, MembershipRow.person_id == person_id)
        )
