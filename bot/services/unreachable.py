"""Tell the chair, once a day per person, when a member cannot be reached in a 1:1 chat."""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.services.summaries import FORUM_LANGUAGE
from dialogs.cards.elements import message
from dialogs.texts import for_language
from storage.outbox import NewMessage
from storage.unit_of_work import SqlAlchemyUnitOfWork

log = logging.getLogger(__name__)

NOTICE_KIND = "unreachable"


async def tell_chair(
    uow: SqlAlchemyUnitOfWork, person_id: str, via_conversation_id: str | None, now: datetime
) -> bool:
    """Queue the notice in the caller's unit of work. False when there is no forum, or the chair is the person."""
    if via_conversation_id is None:
        return False
    forum = await uow.forums.by_conversation(via_conversation_id)
    if forum is None or forum.chair_id == person_id:
        return False
    person = await uow.people.get(person_id)
    chair = await uow.people.get(forum.chair_id)
    t = for_language(chair.language if chair and chair.language else FORUM_LANGUAGE)
    membership = forum.membership(person_id)
    organisation = forum.organisation(membership.organisation_id or "") if membership else None
    text = t(
        "delivery.unreachable",
        name=person.display_name if person else person_id,
        organisation=organisation.name if organisation else t("membership.no_organisation"),
        forum=forum.name,
    )
    day = now.astimezone(ZoneInfo(forum.schedule.timezone)).date().isoformat()
    row = await uow.outbox.enqueue(
        NewMessage(kind=NOTICE_KIND, subject_id=person_id, recipient_id=forum.chair_id, occurrence_local_date=day,
                   slot=forum.id[:40], person_id=forum.chair_id, via_conversation_id=forum.conversation_id,
                   payload=message(text)),
        now,
    )
    if row is not None:
        log.info("chair told about an unreachable member: forum=%s person=%s", forum.id, person_id)
    return row is not None
