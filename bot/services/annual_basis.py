"""`årsunderlag ÅR [FORUM]` / `annual basis YEAR [FORUM]`: the annual lägesbild basis of a forum
(domain/annual_basis.py) as Word and CSV through the signed 24-hour link, for the chair and the administrators."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from bot.services.followup_report import report_forum
from bot.services.meetings import local_today
from bot.services.notify import Kind, to_person
from bot.services.ports import Deps, UnitOfWork
from bot.services.turn import Reply, Turn
from dialogs.cards.elements import message
from domain.annual_basis import AnnualBasis, Mention, annual_basis
from domain.model import Forum

log = logging.getLogger(__name__)

SUBJECT = "annual:"  # + forum id (bot/download_report.py)


@dataclass(frozen=True)
class AnnualArgs:
    year: int
    forum_name: str = ""
    request_id: str = ""


def file_name(year: int, extension: str) -> str:
    return f"arsunderlag-{year}.{extension}"


async def basis_of(uow: UnitOfWork, forum: Forum, year: int, now: datetime) -> AnnualBasis:
    today = local_today(forum, now)
    names = {o.id: o.name for o in forum.organisations}
    mentions = []
    held = [m for m in await uow.meetings.for_forum(forum)
            if m.local_date.year == year and not m.cancelled and m.local_date <= today]
    counting = await uow.report.counting_versions([m.id for m in held])
    for meeting in held:
        for version, _ in counting[meeting.id]:
            areas = dict(version.areas)
            for section_id, title, text in version.sections:
                if text.strip() and areas.get(section_id):
                    mentions.append(Mention(meeting.id, meeting.local_date,
                                            names.get(version.organisation_id, version.organisation_id), title,
                                            text.strip(), areas[section_id]))
    return annual_basis(forum.name, year, [(a.id, a.name) for a in forum.charter.areas], mentions,
                        await uow.actions.for_forum(forum.id))


async def annual(deps: Deps, turn: Turn, args: AnnualArgs) -> Reply:
    t = turn.t
    async with deps.uow() as uow:
        command = t.words("commands.annual_basis")[0]
        found = await report_forum(deps, uow, turn, args.forum_name, f"{command} {args.year}")
        if isinstance(found, Reply):
            return found
        forum = found
        subject = SUBJECT + forum.id
        docx, zipped = file_name(args.year, "docx"), file_name(args.year, "zip")
        line = t("annual.ready", forum=forum.name, year=args.year,
                 docx_name=docx, docx_url=deps.links.link(subject, turn.person.id, docx, turn.now),
                 zip_name=zipped, zip_url=deps.links.link(subject, turn.person.id, zipped, turn.now))
        uow.audit.record(at=turn.now, action="annual_basis.export_link", subject_type="forum", subject_id=forum.id,
                         actor_id=turn.person.id, forum_id=forum.id, detail={"year": args.year})
        if turn.origin.is_personal:
            await uow.commit()
            return Reply(text=line)
        await to_person(uow, Kind.EXPORT_LINK, turn.person.id, about=forum.id, via=forum,
                        slot=f"y-{args.request_id}"[:40], payload=message(line), now=turn.now)
        await uow.commit()
    log.info("annual basis link sent: forum=%s year=%s", forum.id, args.year)
    return Reply(text=t("collection.export_sent"))


