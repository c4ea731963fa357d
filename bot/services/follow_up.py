"""The follow-up of earlier actions at a meeting (Uppföljning från föregående möten), for the summary and minutes.

Open actions are the forum's actions from meetings held before this one that are still open; closed ones are
those finished since the previous meeting started (the forum's last meeting before this one, not cancelled).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from bot.services.meetings import local_today
from bot.services.ports import UnitOfWork
from domain.actions import ActionItem, FollowUp, follow_up
from domain.meetings import Meeting
from domain.model import Forum


async def follow_up_for(uow: UnitOfWork, forum: Forum, meeting: Meeting, now: datetime) -> FollowUp:
    meetings = await uow.meetings.for_forum(forum)
    earlier = {m.id for m in meetings if m.starts_at < meeting.starts_at}
    previous = max((m for m in meetings if m.id in earlier and not m.cancelled), key=lambda m: m.starts_at,
                   default=None)
    actions = [a for a in await uow.actions.for_forum(forum.id) if a.meeting_id in earlier]
    return follow_up(actions, today=local_today(forum, now), closed_since=previous.starts_at if previous else None)


async def holder_names(uow: UnitOfWork, forum: Forum, actions: Iterable[ActionItem] = ()) -> dict[str, str]:
    """Display names of the people holding the forum's roles (for owner labels), by person id."""
    wanted = {r.holder_id for r in forum.roles if r.holder_id} | {a.created_by for a in actions}
    people = await uow.people.many(sorted(wanted))
    return {person_id: person.display_name for person_id, person in people.items()}
