"""The follow-up report sent to each forum's chair at the end of every term (January–June, July–December).

On the first working day after a term ends (weekends and Swedish public holidays wait, as the forum's reminders
do), from 08:00 in the forum's time zone, the chair gets a 1:1 message with a button that makes fresh links (links
expire after 24 hours; the message stays). Once per forum and term: the outbox key holds the term, so a restart or
a second instance sends nothing twice. A forum without organisations, or created after the term ended, gets none.
Within three weeks of the term's end only, so a new deployment does not send old terms' reports.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.services.followup_report import ready_line
from bot.services.guards import chaired_forum, is_admin
from bot.services.notify import Kind, texts_for, to_person
from bot.services.ports import Deps
from bot.services.turn import Reply, Turn
from dialogs.cards.elements import card, execute, message, text
from dialogs.texts.formatting import format_date
from domain.errors import StaleCard
from domain.followup_report import last_term
from domain.model import Forum
from domain.nudge_rules import working_day_from

log = logging.getLogger(__name__)

SEND_FROM = time(8, 0)
WINDOW = timedelta(days=21)


def due_term(forum: Forum, now: datetime, holidays: Any) -> tuple[date, date, str] | None:
    local = now.astimezone(ZoneInfo(forum.schedule.timezone))
    start, end, key = last_term(local.date())
    first_day = working_day_from(end + timedelta(days=1), forum.follow_up, holidays)
    if local.date() < first_day or local.time() < SEND_FROM or local.date() > end + WINDOW:
        return None
    if forum.created_at is not None and forum.created_at.astimezone(local.tzinfo).date() > end:
        return None
    return start, end, key


async def term_reports_due(deps: Deps, now: datetime) -> int:
    """Queue the term's report message to the chairs whose term has ended; how many were queued."""
    async with deps.uow() as uow:
        due = [(f, term) for f in await uow.forums.all() if f.organisations
               and (term := due_term(f, now, deps.holidays)) is not None]
        queued = 0
        for forum, (start, end, key) in due:
            chair = await uow.people.get(forum.chair_id)
            t = texts_for(chair, forum, deps.default_language)
            line = t("report.term_text", start=format_date(t, start), end=format_date(t, end), forum=forum.name)
            body = card([text(line)], [execute(t("report.term_button"), "report.link",
                                               {"forum_id": forum.id, "start": start.isoformat(),
                                                "end": end.isoformat()}, validate=False)])
            if await to_person(uow, Kind.TERM_REPORT, forum.chair_id, about=forum.id, via=forum, slot=key,
                               payload=message(line, body), now=now):
                queued += 1
        await uow.commit()
    if queued:
        log.info("term reports queued: %s", queued)
    return queued


async def term_report_link(deps: Deps, turn: Turn, data: Mapping[str, Any]) -> Reply:
    """The term message's button: fresh links to the report of that term."""
    try:
        start, end = date.fromisoformat(str(data.get("start"))), date.fromisoformat(str(data.get("end")))
    except ValueError as error:
        raise StaleCard() from error
    async with deps.uow() as uow:
        forum_id = str(data.get("forum_id") or "")
        if is_admin(deps, turn):
            found = await uow.forums.get(forum_id)
            if found is None or found.tenant_id != turn.origin.tenant_id:
                raise StaleCard()
            forum = found
        else:
            forum = await chaired_forum(uow, turn, forum_id)
    return Reply(text=ready_line(turn.t, deps, forum, turn.person.id, start, end, turn.now))
