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
from domain.reporting import SummaryFollowUp, freeze_follow_up


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


async def summary_follow_up(uow: UnitOfWork, forum: Forum, meeting: Meeting, now: datetime) -> SummaryFollowUp | None:
    """The follow-up a compiled summary starts with, owners named as they are now (frozen once posted).

    None when the forum had no action at any earlier meeting: then the summary shows no follow-up at all and
    reads exactly as before minutes existed. Otherwise it is shown, if need be as "no open actions".
    """
    result = await follow_up_for(uow, forum, meeting, now)
    if result.is_empty() and not await _had_earlier_actions(uow, forum, meeting):
        return None
    names = await holder_names(uow, forum)
    return freeze_follow_up(forum, result, names, local_today(forum, now))


async def _had_earlier_actions(uow: UnitOfWork, forum: Forum, meeting: Meeting) -> bool:
    earlier = {m.id for m in await uow.meetings.for_forum(forum) if m.starts_at < meeting.starts_at}
    return any(a.meeting_id in earlier for a in await uow.actions.for_forum(forum.id))
