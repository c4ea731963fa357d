"""One tick of the weekly cycle: decide from the database what is due, queue it, then deliver.

Every message has a unique outbox key (what, which meeting, which organisation, which local day, which slot),
so a second tick, a restart or a DST night that fires twice cannot send anything twice, and a tick after an
outage catches up on whatever is still useful.

The tick is a list of due-work producers: each looks at one forum and its meetings near now and queues what is
due. New due work joins by adding a producer to `PRODUCERS`. The reminders of open actions are not per forum:
`nudge_due` (bot/services/nudge_tick.py) reads every plan due by now in one query after the forums' producers.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from bot.services.disposal import disposal_due
from bot.services.meetings import meetings_near
from bot.services.notify import Kind, texts_for, to_person
from bot.services.nudge_tick import nudge_due
from bot.services.ports import Deps, UnitOfWork
from bot.services.report_schedule import term_reports_due
from bot.services.summaries import post_summary
from bot.services.weekly_overview import overview_due_now
from dialogs.cards.contribution import build_form, request_payload
from domain.collection import Recipient, card_recipients, due_work, reminder_recipients
from domain.meetings import Meeting
from domain.model import Forum, Person, RoleKind

log = logging.getLogger(__name__)

Producer = Callable[[Deps, UnitOfWork, Forum, Sequence[Meeting], datetime], Awaitable[int]]


async def run_cycle(deps: Deps, now: datetime) -> int:
    async with deps.uow() as uow:
        forums = await uow.forums.all()
    total = 0
    for forum in forums:
        try:
            async with deps.uow() as uow:
                total += await forum_cycle(deps, uow, forum, now)
                await uow.commit()
        except Exception:  # one broken forum must not stop the others
            log.exception("cycle failed for forum %s", forum.id)
    try:
        total += await nudge_due(deps, now)  # one query across all forums, not one per forum
    except Exception:
        log.exception("reminders of actions failed this tick")
    try:
        total += await term_reports_due(deps, now)  # the chair's follow-up report at the end of each term
    except Exception:
        log.exception("term reports failed this tick")
    try:
        await disposal_due(deps, now)  # gallring: a bounded number of batches per tick
    except Exception:
        log.exception("disposal failed this tick")
    return total


async def forum_cycle(
    deps: Deps, uow: UnitOfWork, forum: Forum, now: datetime, producers: Sequence[Producer] | None = None
) -> int:
    """Every producer's due work for one forum, in the caller's unit of work. How many messages were queued."""
    if not forum.organisations:
        return 0
    meetings = await meetings_near(uow, forum, now, deps.holidays)
    queued = 0
    for produce in PRODUCERS if producers is None else producers:
        queued += await produce(deps, uow, forum, meetings, now)
    return queued


async def collection_due(
    deps: Deps, uow: UnitOfWork, forum: Forum, meetings: Sequence[Meeting], now: datetime
) -> int:
    """The contribution cards when collection opens, and the reminders to whoever has not answered."""
    holders = [r.holder_id for r in forum.roles if r.holder_id]
    people = await uow.people.many(holders)
    queued = 0
    for meeting in meetings:
        due = due_work(meeting.times, now)
        if not (due.send_cards or due.send_reminders):
            continue
        answered = {v.organisation_id for v in await uow.contributions.latest_for_meeting(meeting.id)}
        carded_now: set[str] = set()
        if due.send_cards:
            for recipient in card_recipients(forum, people, meeting.local_date):
                if recipient.organisation.id not in answered and await _queue_card(
                    deps, uow, forum, meeting, recipient, people, now, reminder=False
                ):
                    carded_now.add(recipient.organisation.id)
            queued += len(carded_now)
        if due.send_reminders:
            # After an outage both can fall due in one tick: the card just sent is reminder enough.
            for recipient in reminder_recipients(forum, people, meeting.local_date, answered | carded_now):
                queued += await _queue_card(deps, uow, forum, meeting, recipient, people, now, reminder=True)
    return queued


async def summary_due(
    deps: Deps, uow: UnitOfWork, forum: Forum, meetings: Sequence[Meeting], now: datetime
) -> int:
    """The compiled summary at the deadline (once per meeting)."""
    queued = 0
    for meeting in meetings:
        since = forum.created_at
        contributed = bool(since is not None and since >= meeting.times.deadline_at
                           and await uow.contributions.latest_for_meeting(meeting.id))
        if due_work(meeting.times, now, forum_since=since, contributed=contributed).post_summary:
            queued += await post_summary(uow, forum, meeting, now, default=deps.default_language)
    return queued


PRODUCERS: tuple[Producer, ...] = (collection_due, summary_due, overview_due_now)


async def _queue_card(
    deps: Deps,
    uow: UnitOfWork,
    forum: Forum,
    meeting: Meeting,
    recipient: Recipient,
    people: dict[str, Person],
    now: datetime,
    *,
    reminder: bool,
) -> int:
    t = texts_for(people.get(recipient.person_id), forum, deps.default_language)
    standing_in = ""
    if recipient.role is RoleKind.DEPUTY:
        participant = forum.role(recipient.organisation.id, RoleKind.PARTICIPANT)
        away = people.get(participant.holder_id) if participant and participant.holder_id else None
        standing_in = away.display_name if away else ""
    kind = Kind.REMINDER if reminder else Kind.COLLECTION_OPEN
    if await uow.outbox.sent_before(kind, meeting.id, recipient.organisation.id):
        return 0  # the organisation already has it for this meeting, even if the meeting was re-dated since
    form = build_form(t, forum, meeting, recipient.organisation.id, standing_in_for=standing_in)
    queued = await to_person(
        uow, kind, recipient.person_id, recipient=recipient.organisation.id, about=meeting.id, via=forum,
        # The meeting's original date, not where it is now: moving it must never send its card again.
        day=meeting.original_date, payload=request_payload(t, form, reminder=reminder), now=now,
    )
    if queued:
        log.info("%s queued: meeting=%s organisation=%s role=%s", "reminder" if reminder else "card",
                 meeting.id, recipient.organisation.id, recipient.role.value)
    return int(queued)
