"""Telling organisations that already got a meeting's card that the meeting's time changed (once per change)."""

from __future__ import annotations

from datetime import date, datetime

from bot.services.notify import Kind, texts_for, to_person
from bot.services.ports import UnitOfWork
from dialogs.cards.elements import message
from dialogs.texts import DEFAULT_LANGUAGE
from dialogs.texts.formatting import format_date, format_datetime
from domain.model import Forum
from domain.schedule import MeetingTimes

CARD_KINDS = (Kind.COLLECTION_OPEN, Kind.REMINDER)


async def tell_new_time(
    uow: UnitOfWork, forum: Forum, meeting_id: str, old: date, times: MeetingTimes, now: datetime, *,
    default: str = DEFAULT_LANGUAGE,
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
        words = texts_for(person, forum, default)
        key = "collection.moved_notice" if times.deadline_at > now else "collection.moved_notice_compiled"
        line = words(key, forum=forum.name, old=format_date(words, old),
                     new=format_datetime(words, times.starts_at, tz),
                     deadline=format_datetime(words, times.deadline_at, tz))
        queued += await to_person(uow, Kind.MEETING_MOVED, person_id, recipient=organisation_id, about=meeting_id,
                                  via=forum, slot=times.starts_at.isoformat(), payload=message(line), now=now)
    return queued
