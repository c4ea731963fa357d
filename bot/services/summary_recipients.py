"""A restricted compiled lägesbild (domain/visibility.py `summary_restricted`): sent 1:1 to each person the forum's
choice allows instead of posted in the channel, where a short notice without content says it was sent and to whom.

The chair gets her own copy as always (bot/services/summaries.py). A late addition edits each person's copy in
place, the chair's included; someone allowed since the summary was sent gets it then. Every batch of recipients
is audited as `summary.read` (person ids and counts only).
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot.services.notify import Kind, texts_for, to_forum, to_person
from bot.services.ports import UnitOfWork
from dialogs.cards.minutes_draft import minutes_button
from dialogs.cards.summary import summary_activities
from dialogs.cards.visibility import summary_notice
from domain.audit import READ_SUMMARY
from domain.meetings import Meeting
from domain.model import Forum
from domain.reporting import Summary
from domain.visibility import summary_recipients

log = logging.getLogger(__name__)


async def send_restricted(
    uow: UnitOfWork, forum: Forum, meeting: Meeting, summary: Summary, now: datetime, *, default: str,
    revision: int = 1,
) -> int:
    """Each allowed person's copy (revision 1: new; later: edits of the copy they got), and the channel's notice
    (once per meeting). Answers how many messages were queued."""
    day = meeting.local_date
    recipients = summary_recipients(forum)
    # A late addition edits the chair's own copy too: with the channel left out it is the only one she has.
    copies = [(p, Kind.SUMMARY_MEMBER) for p in recipients]
    if revision > 1:
        copies.insert(0, (forum.chair_id, Kind.SUMMARY_CHAIR))
    queued = 0
    for person_id, first_kind in copies:
        t = texts_for(await uow.people.get(person_id), forum, default)
        activities = summary_activities(t, summary, actions=[minutes_button(t, forum.id, meeting.id)])
        for part, activity in enumerate(activities, start=1):
            original = None
            if revision > 1:
                original = await uow.outbox.find(kind=first_kind, subject_id=meeting.id, recipient_id=person_id,
                                                 occurrence_local_date=day.isoformat(), slot=f"part-{part}")
            if original is None:
                queued += await to_person(uow, first_kind, person_id, about=meeting.id, via=forum, day=day,
                                          slot=f"part-{part}", payload=activity, now=now)
            else:
                queued += await to_person(uow, Kind.SUMMARY_MEMBER_UPDATE, person_id, about=meeting.id, via=forum,
                                          day=day, slot=f"r{revision}-part-{part}", payload=activity, now=now,
                                          update_of=original.id)
    forum_texts = texts_for(None, forum, default)
    notice = summary_notice(forum_texts, forum, meeting, recipients, actions=[
        minutes_button(forum_texts, forum.id, meeting.id)])
    queued += await to_forum(uow, Kind.SUMMARY_NOTICE, forum, about=meeting.id, day=day, payload=notice, now=now)
    uow.audit.record(at=now, action=READ_SUMMARY, subject_type="meeting", subject_id=meeting.id, forum_id=forum.id,
                     detail={"revision": revision, "visibility": forum.visibility.value,
                             "recipients": [forum.chair_id, *recipients], "count": len(recipients) + 1})
    log.info("restricted summary queued: meeting=%s revision=%s recipients=%s", meeting.id, revision,
             len(recipients) + 1)
    return queued
