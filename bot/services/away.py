"""Being away: `frånvarande till <datum>` and `tillbaka`, and the chair told when nobody covers for it."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date
from zoneinfo import ZoneInfo

from bot.services.ports import Deps, UnitOfWork
from bot.services.summaries import FORUM_LANGUAGE
from bot.services.turn import Reply, Turn
from dialogs.cards.elements import card, execute, message, text
from dialogs.texts import for_language
from dialogs.texts.formatting import format_date
from domain.collection import uncovered_by_absence
from domain.model import Forum
from domain.outbox import NewMessage

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
                    await _tell_chair_uncovered(uow, turn, forum, organisation.id, organisation.name, until)
        await uow.commit()
    if until is None:
        return Reply(text=t("contribution.away_cleared"))
    if lines:
        return Reply(text="\n\n".join([t("contribution.away_set_no_deputy", date=format_date(t, until)), *lines]))
    return Reply(text=t("contribution.away_set", date=format_date(t, until)))


async def _tell_chair_uncovered(
    uow: UnitOfWork, turn: Turn, forum: Forum, organisation_id: str, organisation: str, until: date
) -> int:
    """The chair hears 1:1 that an organisation has nobody to send its lägesbild, with a button to fix it."""
    if forum.chair_id == turn.person.id:
        return 0
    chair = await uow.people.get(forum.chair_id)
    words = for_language(chair.speaks(FORUM_LANGUAGE) if chair else FORUM_LANGUAGE)
    line = words("contribution.away_chair_notice", name=turn.person.display_name, organisation=organisation,
                 forum=forum.name, date=format_date(words, until))
    notice = card([text(line)], [execute(words("contribution.away_name_deputy"), "members.open",
                                         {"forum_id": forum.id}, validate=False)])
    row = await uow.outbox.enqueue(
        NewMessage(kind="away_uncovered", subject_id=organisation_id, recipient_id=forum.chair_id,
                   occurrence_local_date=until.isoformat(), slot=turn.person.id[:40], person_id=forum.chair_id,
                   via_conversation_id=forum.conversation_id, payload=message(line, notice)),
        turn.now,
    )
    if row is not None:
        log.info("chair told about an uncovered absence: forum=%s organisation=%s", forum.id, organisation_id)
    return 0 if row is None else 1
