"""Telling organisations that already got a meeting's card that the meeting's time changed (once per change)."""

from __future__ import annotations

from datetime import date, datetime

from bot.services.ports import UnitOfWork
from dialogs.cards.elements import message
from dialogs.texts import DEFAULT_LANGUAGE, for_language
from dialogs.texts.formatting import format_date, format_datetime
from domain.model import Forum
from domain.outbox import NewMessage
from domain.schedule import MeetingTimes

CARD_KINDS = ("collection_open", "reminder")


async def tell_new_time(
    uow: UnitOfWork, forum: Forum, meeting_id: str, old: date, times: MeetingTimes, now: datetime
) -> int:
    """One short message per organisation that already got the card for this meeting: the new time.

    The card they have keeps working; it is never sent again. When the new deadline has already passed the
    message says the summary is being compiled now instead of naming a deadline in the past.
    """
    already = dict.fromkeys(
        (recipient, person) for recipient, person in await uow.outbox.recipients_of(CARD_KINDS, meeting_id) if person
    )
    told: set[str] = set()
    queued = 0
    tz = forum.schedule.timezone
    for organisation_id, person_id in already:
        if organisation_id in told or person_id is None:
            continue
        told.add(organisation_id)
        person = await uow.people.get(person_id)
        words = for_language(person.speaks(DEFAULT_LANGUAGE) if person else DEFAULT_LANGUAGE)
        key = "collection.moved_notice" if times.deadline_at > now else "collection.moved_notice_compiled"
        line = words(key, forum=forum.name, old=format_date(words, old),
                     new=format_datetime(words, times.starts_at, tz),
                     deadline=format_datetime(words, times.deadline_at, tz))
        row = await uow.outbox.enqueue(
            NewMessage(kind="meeting_moved", subject_id=meeting_id, recipient_id=organisation_id,
                       slot=times.starts_at.isoformat()[:40], person_id=person_id,
                       via_conversation_id=forum.conversation_id, payload=message(line)),
            now,
        )
        queued += row is not None
    return queued
