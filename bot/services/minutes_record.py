"""Freezing a version of a meeting's minutes: § numbers, action numbers and rows, the frame, the follow-up.

`publish_version` is the one way minutes become published (directly, on the last approval, or as a
correction). It never updates a version row: every publication inserts the next version. Actions: a new one
gets the forum's next number and an `ActionItem` (OPEN); in a correction an edited one updates its row, one the
correction removed is CANCELLED; every change writes an audit entry (ids only).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from bot.services.follow_up import follow_up_for
from bot.services.ports import UnitOfWork
from dialogs.cards.minutes_published import MinutesView
from dialogs.owners import owner_label
from dialogs.texts import Texts
from domain.actions import ActionItem, ActionStatus
from domain.errors import StaleCard
from domain.meetings import Meeting
from domain.minutes import (
    Approval,
    ApprovalDecision,
    DraftAction,
    Minutes,
    MinutesContent,
    MinutesFrame,
    OwnerSnapshot,
    PublishedVersion,
    first_paragraph_after,
    number_actions,
)
from domain.model import Forum


async def forum_and_meeting(uow: UnitOfWork, data: Mapping[str, Any]) -> tuple[Forum, Meeting]:
    """The forum and meeting a minutes card names; `StaleCard` when either is gone or they do not match."""
    forum = await uow.forums.get(str(data.get("forum_id") or ""))
    meeting = await uow.meetings.get(str(data.get("meeting_id") or "")) if forum is not None else None
    if forum is None or meeting is None or meeting.forum_id != forum.id:
        raise StaleCard()
    return forum, meeting


async def archived_year(uow: UnitOfWork, forum: Forum, meeting: Meeting) -> int | None:
    """The meeting's year when an archive package of it was fetched: its published minutes are then locked, and a
    correction (started before, published or approved after) is refused (bot/services/archive.py)."""
    year = meeting.local_date.year
    return year if year in await uow.archives.archived_years(forum.id) else None


def revision_of(data: Mapping[str, Any]) -> int | None:
    try:
        return int(str(data.get("revision", "")))
    except ValueError:
        return None


async def names_of(uow: UnitOfWork, forum: Forum) -> dict[str, str]:
    """Display names of everyone holding a role in the forum (owner labels)."""
    ids = sorted({r.holder_id for r in forum.roles if r.holder_id})
    return {pid: p.display_name for pid, p in (await uow.people.many(ids)).items()}


async def first_paragraph_for(uow: UnitOfWork, forum: Forum, minutes: Minutes) -> int:
    """Where this meeting's § numbers start: kept from version 1 in a correction, else after the forum's last."""
    versions = await uow.minutes.versions(minutes.meeting_id)
    if versions:
        return versions[0].first_paragraph
    others = [v for v in await uow.minutes.published_for_forum(forum.id) if v.meeting_id != minutes.meeting_id]
    return first_paragraph_after(others)


async def draft_view(uow: UnitOfWork, t: Texts, forum: Forum, meeting: Meeting, minutes: Minutes) -> MinutesView:
    """The draft as an approver sees it: the § numbers it will get, owners with their current holders."""
    names = await names_of(uow, forum)
    owners = {a.owner_role_id: owner_label(t, forum, a.owner_role_id, names) for a in minutes.content.actions()}
    organisations = {o.id: o.name for o in forum.organisations}
    return MinutesView(forum.name, meeting.local_date, await first_paragraph_for(uow, forum, minutes),
                       minutes.content, owners, organisations)


def frame_for(forum: Forum, meeting: Meeting, role_ids: set[str], names: Mapping[str, str]) -> MinutesFrame:
    owners: dict[str, OwnerSnapshot] = {}
    for role in forum.roles:
        organisation = forum.organisation(role.organisation_id)
        if role.id in role_ids and organisation is not None:
            holder = names.get(role.holder_id, role.holder_id) if role.holder_id else None
            owners[role.id] = OwnerSnapshot(organisation.name, role.kind, holder)
    return MinutesFrame(forum.name, meeting.local_date, forum.schedule.timezone,
                        {o.id: o.name for o in forum.organisations}, owners)


@dataclass(frozen=True)
class Publication:
    version: PublishedVersion
    previous: PublishedVersion | None  # the version this one corrects
    new_actions: tuple[DraftAction, ...]  # numbered for the first time: their owners are told
    mailed: int = 0  # e-mails queued to the forum's e-mail recipients


async def publish_version(
    uow: UnitOfWork, forum: Forum, meeting: Meeting, minutes: Minutes, *, actor_id: str, actor_name: str,
    now: datetime,
) -> Publication:
    """Freeze the draft as the next version (approvals of its revision included) and keep the actions in step."""
    versions = await uow.minutes.versions(meeting.id)
    previous = versions[-1] if versions else None
    first = await first_paragraph_for(uow, forum, minutes)
    numbered, new = number_actions(minutes.content, await uow.actions.next_number(forum.id))
    note = minutes.content.correction_note.strip() if previous is not None else ""
    content = replace(numbered, correction_note="", sent_items=None)
    names = await names_of(uow, forum)
    follow = await follow_up_for(uow, forum, meeting, now)
    roles = {a.owner_role_id for a in content.actions()} | {a.owner_role_id for a in follow.open + follow.closed}
    version = PublishedVersion(
        meeting_id=meeting.id, forum_id=forum.id, version=(previous.version + 1) if previous else 1,
        first_paragraph=first, content=content, frame=frame_for(forum, meeting, roles, names), published_at=now,
        published_by=actor_id, published_by_name=actor_name, approvals=_approvals(forum, minutes),
        correction_note=note, follow_up=follow,
    )
    await _keep_actions(uow, forum, meeting, content, actor_id, now)
    # The draft keeps the numbered content, so a correction starts from what was published.
    await uow.minutes.save_draft(meeting_id=meeting.id, forum_id=forum.id, content=content, actor_id=actor_id,
                                 now=now, expected_revision=minutes.revision)
    await uow.minutes.publish(version)
    uow.audit.record(at=now, action="minutes.published" if previous is None else "minutes.corrected",
                     subject_type="meeting", subject_id=meeting.id, actor_id=actor_id, forum_id=forum.id,
                     detail={"version": version.version, "revision": minutes.revision,
                             "first_paragraph": first, "new_actions": [a.number for a in new]})
    return Publication(version, previous, tuple(new))


def _approvals(forum: Forum, minutes: Minutes) -> tuple[Approval, ...]:
    """The last approval of each named approver for the revision published."""
    if not forum.record.approver_ids:
        return ()
    latest: dict[str, Approval] = {}
    for approval in minutes.approvals_for(minutes.revision):
        if approval.decision is ApprovalDecision.APPROVED:
            latest[approval.approver_id] = approval
    return tuple(latest[a] for a in forum.record.approver_ids if a in latest)


async def _keep_actions(
    uow: UnitOfWork, forum: Forum, meeting: Meeting, content: MinutesContent, actor_id: str, now: datetime
) -> None:
    stored = {a.number: a for a in await uow.actions.for_meeting(meeting.id)}
    kept: set[int] = set()
    for item in content.items:
        for action in item.actions:
            assert action.number is not None
            kept.add(action.number)
            existing = stored.get(action.number)
            if existing is None:
                action_id = str(uuid.uuid4())
                await uow.actions.add(ActionItem(
                    id=action_id, forum_id=forum.id, number=action.number, title=action.title,
                    owner_role_id=action.owner_role_id, due=action.due, meeting_id=meeting.id, item_key=item.key,
                    status=ActionStatus.OPEN, created_at=now, created_by=actor_id, description=action.description,
                ), now)
                _audit(uow, "action.created", action_id, action, forum, actor_id, now)
                continue
            edited = replace(existing, title=action.title, owner_role_id=action.owner_role_id, due=action.due,
                             description=action.description, item_key=item.key)
            if edited != existing:
                await uow.actions.update(edited, now)
                _audit(uow, "action.updated", existing.id, action, forum, actor_id, now)
    for number, existing in stored.items():
        if number not in kept and existing.status is ActionStatus.OPEN:
            await uow.actions.update(replace(existing, status=ActionStatus.CANCELLED, closed_at=now), now)
            uow.audit.record(at=now, action="action.cancelled", subject_type="action", subject_id=existing.id,
                             actor_id=actor_id, forum_id=forum.id, detail={"number": number, "meeting": meeting.id})


def _audit(uow: UnitOfWork, what: str, action_id: str, action: DraftAction, forum: Forum, actor: str,
           now: datetime) -> None:
    uow.audit.record(at=now, action=what, subject_type="action", subject_id=action_id,
                     actor_id=actor, forum_id=forum.id, detail={"number": action.number, "key": action.key})
