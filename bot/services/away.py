"""Being away: `frånvarande till <datum>` and `tillbaka`, and the chair told when nobody covers for it."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date
from zoneinfo import ZoneInfo

from bot.services.notify import Kind, texts_for, to_person
from bot.services.ports import Deps, UnitOfWork
from bot.services.turn import Reply, Turn
from dialogs.cards.elements import card, execute, message, text
from dialogs.texts.formatting import format_date
from domain.collection import uncovered_by_absence
from domain.model import Forum

log = logging.getLogger(__name__)

DEFAULT_TIMEZONE = "Europe/Stockholm"


async def set_away(deps: Deps, turn: Turn, until: date | None) -> Reply:
    """`frånvarande till <datum>` sets the date; `tillbaka` (`until` None) clears it.

    A participant whose organisation has no deputy to take over is told so, and so is the chair (1:1, once per
    absence), with a button to the members card where a deputy can be named.
    """
    t = turn.t
    lines: list[str] = []
    async with deps.uow() as uow:
        forums = [turn.forum] if turn.forum is not None else await uow.forums.for_person(turn.person.id)
        if until is not None:
            zone = forums[0].schedule.timezone if forums else DEFAULT_TIMEZONE
            today = turn.now.astimezone(ZoneInfo(zone)).date()
            if until < today:
                return Reply(text=t("contribution.away_past", date=format_date(t, until)))
        await uow.people.set_away_until(turn.person.id, until, turn.now)
        if until is not None:
            for forum in forums:
                first_day = turn.now.astimezone(ZoneInfo(forum.schedule.timezone)).date()
                holders = [r.holder_id for r in forum.roles if r.holder_id]
                people = await uow.people.many(holders)
                people[turn.person.id] = replace(turn.person, away_until=until)
                for organisation in uncovered_by_absence(forum, people, turn.person.id, first_day):
                    lines.append(t("contribution.away_no_deputy", organisation=organisation.name, forum=forum.name))
                    await _tell_chair_uncovered(uow, turn, forum, organisation.id, organisation.name,
                                                until, deps.default_language)
        await uow.commit()
    if until is None:
        return Reply(text=t("contribution.away_cleared"))
    if lines:
        return Reply(text="\n\n".join([t("contribution.away_set_no_deputy", date=format_date(t, until)), *lines]))
    return Reply(text=t("contribution.away_set", date=format_date(t, until)))


async def _tell_chair_uncovered(
    uow: UnitOfWork, turn: Turn, forum: Forum, organisation_id: str, organisation: str, until: date, default: str
) -> int:
    """The chair hears 1:1 that an organisation has nobody to send its lägesbild, with a button to fix it."""
    if forum.chair_id == turn.person.id:
        return 0
    chair = await uow.people.get(forum.chair_id)
    words = texts_for(chair, forum, default)
    line = words("contribution.away_chair_notice", name=turn.person.display_name, organisation=organisation,
                 forum=forum.name, date=format_date(words, until))
    notice = card([text(line)], [execute(words("contribution.away_name_deputy"), "members.open",
                                         {"forum_id": forum.id}, validate=False)])
    queued = await to_person(uow, Kind.AWAY_UNCOVERED, forum.chair_id, about=organisation_id, via=forum, day=until,
                             slot=turn.person.id, payload=message(line, notice), now=turn.now)
    if queued:
        log.info("chair told about an uncovered absence: forum=%s organisation=%s", forum.id, organisation_id)
    return int(queued)
