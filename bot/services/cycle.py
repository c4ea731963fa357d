"""One tick of the weekly cycle: decide from the database what is due, queue it, then deliver.

Every message has a unique outbox key (what, which meeting, which organisation, which local day, which slot),
so a second tick, a restart or a DST night that fires twice cannot send anything twice, and a tick after an
outage catches up on whatever is still useful.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from bot.services.contributions import build_form, request_payload
from bot.services.meetings import meetings_near, times_for
from bot.services.summaries import FORUM_LANGUAGE, post_summary
from dialogs.texts import for_language
from domain.collection import Recipient, card_recipients, due_work, reminder_recipients
from domain.model import Forum, Person, RoleKind
from domain.outbox import NewMessage
from storage.meetings import StoredMeeting
from storage.unit_of_work import SqlAlchemyUnitOfWork, UnitOfWorkFactory

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)


async def run_due_work(runtime: Runtime, now: datetime) -> int:
    """One tick; returns how many rows it queued (their commits woke the delivery worker)."""
    return await run_cycle(runtime.uow, now)


async def run_cycle(uow_factory: UnitOfWorkFactory, now: datetime) -> int:
    async with uow_factory() as uow:
        forums = await uow.forums.all()
    total = 0
    for forum in forums:
        try:
            async with uow_factory() as uow:
                total += await _forum_cycle(uow, forum, now)
                await uow.commit()
        except Exception:  # one broken forum must not stop the others
            log.exception("cycle failed for forum %s", forum.id)
    return total


async def _forum_cycle(uow: SqlAlchemyUnitOfWork, forum: Forum, now: datetime) -> int:
    if not forum.organisations:
        return 0
    queued = 0
    holders = [r.holder_id for r in forum.roles if r.holder_id]
    people = await uow.people.many(holders)
    for meeting in await meetings_near(uow, forum, now):
        due = due_work(times_for(forum, meeting), now)
        if due.send_cards or due.send_reminders:
            answered = {v.organisation_id for v in await uow.contributions.latest_for_meeting(meeting.id)}
            carded_now: set[str] = set()
            if due.send_cards:
                for recipient in card_recipients(forum, people, meeting.local_date):
                    if recipient.organisation.id not in answered and await _queue_card(
                        uow, forum, meeting, recipient, people, now, reminder=False
                    ):
                        carded_now.add(recipient.organisation.id)
                queued += len(carded_now)
            if due.send_reminders:
                # After an outage both can fall due in one tick: the card just sent is reminder enough.
                for recipient in reminder_recipients(forum, people, meeting.local_date, answered | carded_now):
                    queued += await _queue_card(uow, forum, meeting, recipient, people, now, reminder=True)
        if due.post_summary:
            queued += await post_summary(uow, forum, meeting, now)
    return queued


async def _queue_card(
    uow: SqlAlchemyUnitOfWork,
    forum: Forum,
    meeting: StoredMeeting,
    recipient: Recipient,
    people: dict[str, Person],
    now: datetime,
    *,
    reminder: bool,
) -> int:
    person = people.get(recipient.person_id)
    t = for_language(person.speaks(FORUM_LANGUAGE) if person else FORUM_LANGUAGE)
    standing_in = ""
    if recipient.role is RoleKind.DEPUTY:
        participant = forum.role(recipient.organisation.id, RoleKind.PARTICIPANT)
        away = people.get(participant.holder_id) if participant and participant.holder_id else None
        standing_in = away.display_name if away else ""
    kind = "reminder" if reminder else "collection_open"
    if await uow.outbox.sent_before(kind, meeting.id, recipient.organisation.id):
        return 0  # the organisation already has it for this meeting, even if the meeting was re-dated since
    form = build_form(t, forum, meeting, recipient.organisation.id, standing_in_for=standing_in)
    row = await uow.outbox.enqueue(
        NewMessage(
            kind=kind,
            subject_id=meeting.id,
            recipient_id=recipient.organisation.id,
            # The meeting's original date, not where it is now: moving it must never send its card again.
            occurrence_local_date=meeting.original_date.isoformat(),
            slot="1",
            person_id=recipient.person_id,
            via_conversation_id=forum.conversation_id,
            payload=request_payload(t, form, reminder=reminder),
        ),
        now,
    )
    if row is not None:
        log.info("%s queued: meeting=%s organisation=%s role=%s", "reminder" if reminder else "card",
                 meeting.id, recipient.organisation.id, recipient.role.value)
    return 1 if row is not None else 0
