"""Sending published minutes: the forum conversation, each Teams recipient 1:1, each new action's owner 1:1.

Every message goes through the outbox with a key per meeting, version and part (or action number), so a retry
never sends twice and a correction (the next version) is sent again. Each person gets their own language.
Recipients get exactly what the forum gets: the minutes as the keepers wrote them (never anyone's lägesbild).
E-mail recipients get a mail with the Word file, queued here too (`bot/services/mail.py`).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

from bot.services.mail import queue_minutes_mail
from bot.services.meetings import local_today
from bot.services.minutes_record import Publication, publish_version
from bot.services.notify import Kind, texts_for, to_forum, to_person
from bot.services.nudges import follow_publication
from bot.services.ports import Deps, UnitOfWork
from dialogs.cards.action_card import ActionView, action_panel
from dialogs.cards.elements import Element, message
from dialogs.cards.minutes_approval import action_card
from dialogs.cards.minutes_published import activities, change_lines, published_cards, published_view
from dialogs.owners import action_number, role_name, snapshot_label
from dialogs.texts import Texts
from dialogs.texts.formatting import format_date
from domain.actions import holder_for_day
from domain.errors import ConflictingWrite
from domain.meetings import Meeting
from domain.minutes import DraftAction, Minutes, PublishedVersion, StaleDraft, changes_between
from domain.model import Forum

log = logging.getLogger(__name__)


def reader_cards(t: Texts, publication: Publication, actions: list[Element] | None = None) -> list[Element]:
    """The version as every reader gets it; a correction starts with its note and what changed."""
    version, previous = publication.version, publication.previous
    changes: list[str] = []
    if previous is not None:
        view = published_view(t, version)
        changes = change_lines(t, view, changes_between(previous.content, version.content), previous.content)
    return published_cards(t, version, changes=changes, actions=actions or ())


async def publish_and_send(
    uow: UnitOfWork, deps: Deps, forum: Forum, meeting: Meeting, minutes: Minutes, *, actor_id: str, actor_name: str,
    now: datetime,
) -> Publication | None:
    """Publish the next version and queue everything it sends. None: a concurrent publication in the forum took
    the same action number first, or a concurrent save came first (nothing is kept: the caller does not commit
    and says so)."""
    try:
        publication = await publish_version(uow, forum, meeting, minutes, actor_id=actor_id, actor_name=actor_name,
                                            now=now)
    except (ConflictingWrite, StaleDraft):
        log.warning("minutes of meeting %s not published: a concurrent write came first", meeting.id)
        return None
    await follow_publication(uow, deps, forum, publication, actor_id=actor_id, now=now)
    await distribute(uow, deps, forum, publication, now)
    return replace(publication, mailed=await queue_minutes_mail(uow, deps, forum, publication.version, now))


async def distribute(uow: UnitOfWork, deps: Deps, forum: Forum, publication: Publication, now: datetime) -> int:
    """Queue the forum post, the recipients' copies and the owners' messages; returns how many were queued."""
    version = publication.version
    about, tag = version.meeting_id, f"v{version.version}"
    frame = version.frame
    t = texts_for(None, forum, deps.default_language)
    queued = 0
    for part, activity in enumerate(activities(t, reader_cards(t, publication), frame.forum_name,
                                               frame.meeting_date), start=1):
        queued += await to_forum(uow, Kind.MINUTES_PUBLISHED, forum, about=about, slot=f"{tag}-part-{part}",
                                 payload=activity, now=now)
    people = await uow.people.many(list(forum.record.recipient_ids))
    for recipient in forum.record.recipient_ids:
        rt = texts_for(people.get(recipient), forum, deps.default_language)
        for part, activity in enumerate(activities(rt, reader_cards(rt, publication), frame.forum_name,
                                                   frame.meeting_date), start=1):
            queued += await to_person(uow, Kind.MINUTES_RECIPIENT, recipient, about=about, via=forum,
                                      slot=f"{tag}-part-{part}", payload=activity, now=now)
    today = local_today(forum, now)
    holders = await uow.people.many([r.holder_id for r in forum.roles if r.holder_id])  # read once, not per action
    away = {p.id for p in holders.values() if p.is_away_on(today)}
    for action in publication.new_actions:
        queued += await _tell_owner(uow, deps, forum, version, action, now, away)
    log.info("minutes queued: meeting=%s version=%s messages=%s", about, version.version, queued)
    return queued


async def _tell_owner(
    uow: UnitOfWork, deps: Deps, forum: Forum, version: PublishedVersion, action: DraftAction, now: datetime,
    away: set[str],
) -> int:
    """The current holder of the owning role (their deputy while they are away) gets the action 1:1; a vacant
    role: the chair is told."""
    role = next((r for r in forum.roles if r.id == action.owner_role_id), None)
    holder = role.holder_id if role is not None else None
    owner = version.frame.owners.get(action.owner_role_id)
    frame = version.frame
    slot = f"a{action.number}"
    if holder is None:
        chair = await uow.people.get(forum.chair_id)
        t = texts_for(chair, forum, deps.default_language)
        note = t("published.action_vacant", number=action_number(t, action.number), title=action.title,
                 forum=frame.forum_name, date=format_date(t, frame.meeting_date), owner=role_name(t, owner))
        return await to_person(uow, Kind.MINUTES_OWNER_VACANT, forum.chair_id, about=version.meeting_id, via=forum,
                               slot=slot, payload=message(note), now=now)
    today = local_today(forum, now)
    # while the holder is away (frånvarande till), the organisation's deputy gets it, as with the reminders
    holder = holder_for_day(forum, action.owner_role_id, away.__contains__) or holder
    t = texts_for(await uow.people.get(holder), forum, deps.default_language)
    stored = await uow.actions.by_number(forum.id, action.number) if action.number is not None else None
    panel = action_panel(t, ActionView(stored, forum.id, snapshot_label(t, owner),
                                       today)) if stored is not None else []
    content = action_card(t, forum_name=frame.forum_name, meeting_date=frame.meeting_date,
                          number=action_number(t, action.number), title=action.title,
                          owner=snapshot_label(t, owner), due=action.due, description=action.description,
                          panel=panel)
    line = f"{action_number(t, action.number)} {action.title}"
    return await to_person(uow, Kind.MINUTES_ACTION, holder, about=version.meeting_id, via=forum, slot=slot,
                           payload=message(line, content), now=now)
