"""`uppföljningsrapport FRÅN TILL [FORUM]` / `follow-up report FROM TO [FORUM]`: the follow-up report of a forum
for a period (domain/followup_report.py), as Word with charts and its tables as CSV in a zip, through the signed
24-hour link. For the forum's chair, and for an administrator (any forum of their tenant, named after the dates
when not asked in its channel). In a channel the links go to the person 1:1, as every export's do."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

from bot.services.follow_log import period
from bot.services.forum_overview import tenant_forums
from bot.services.guards import chaired_forum, is_admin
from bot.services.notify import Kind, to_person
from bot.services.ports import Deps, UnitOfWork
from bot.services.turn import Reply, Turn
from dialogs.cards.elements import message
from dialogs.texts import Texts
from dialogs.texts.formatting import format_date
from domain.followup_report import Answer, Decision, MeetingFacts, ReportFacts
from domain.minutes import PublishedVersion
from domain.model import Forum

log = logging.getLogger(__name__)

SUBJECT = "report:"  # + forum id (bot/download_report.py)


@dataclass(frozen=True)
class ReportArgs:
    start: date
    end: date  # included
    forum_name: str = ""  # an administrator names the forum
    request_id: str = ""


def file_name(start: date, end: date, extension: str) -> str:
    return f"uppfoljningsrapport-{start.isoformat()}-{end.isoformat()}.{extension}"


def may_have_report(deps: Deps, forum: Forum, person_id: str, object_id: str | None) -> bool:
    return forum.chair_id == person_id or bool(object_id and object_id.lower() in deps.admins)


async def report_facts(uow: UnitOfWork, forum: Forum, start: date, end: date, today: date) -> ReportFacts:
    """Everything the report counts, read in bulk: a few queries per meeting of the period, not per record."""
    every = await uow.meetings.for_forum(forum)
    in_period = [m for m in every if start <= m.local_date <= end]
    counting = await uow.report.counting_versions([m.id for m in in_period])
    facts = [MeetingFacts(meeting, tuple(
        Answer(v.organisation_id, has_text=any(text.strip() for _, _, text in v.sections), attending=v.attending,
               on_time=on_time, areas=v.areas) for v, on_time in counting[meeting.id])) for meeting in in_period]
    dates = {m.id: m.local_date for m in every}
    latest: dict[str, PublishedVersion] = {}
    for version in await uow.minutes.published_for_forum(forum.id):
        if start <= dates.get(version.meeting_id, date.min) <= end:
            latest[version.meeting_id] = version  # oldest first: the last one stays
    decisions = tuple(Decision(dates[v.meeting_id], n, text)
                      for v in latest.values() for n, item in v.paragraphs() for text in item.decisions)
    return ReportFacts(
        forum=forum, start=start, end=end, today=today, meetings=tuple(facts),
        actions=tuple(await uow.actions.for_forum(forum.id)),
        events=tuple(await uow.action_log.for_forum(forum.id, *period(forum, start, end))),
        decisions=decisions, evaluations=tuple(await uow.goal_evaluations.for_forum(forum.id)))


def _named(forums: list[Forum], name: str) -> Forum | None:
    wanted = " ".join(name.split()).casefold()
    exact = [f for f in forums if f.name.casefold() == wanted]
    starting = [f for f in forums if f.name.casefold().startswith(wanted)]
    found = exact or starting
    return found[0] if len(found) == 1 else None


async def report_forum(deps: Deps, uow: UnitOfWork, turn: Turn, forum_name: str, example: str) -> Forum | Reply:
    """The forum a report is about: the chair's own; for an administrator the forum of this channel, the one
    named (`forum_name`: exactly, or the only one starting so) among the tenant's, or a question which one.
    `example`: the command as typed so far, for the question."""
    if not is_admin(deps, turn) or (turn.forum is not None and turn.forum.chair_id == turn.person.id):
        return await chaired_forum(uow, turn)
    if turn.forum is not None and not forum_name:
        return turn.forum
    forums = await tenant_forums(uow, turn.origin.tenant_id)
    found = _named(forums, forum_name) if forum_name else None
    if found is None:
        chaired = [f for f in forums if f.chair_id == turn.person.id]
        if not forum_name and len(chaired) == 1:
            return chaired[0]
        return Reply(text=turn.t("report.which_forum", example=f"{example} {forums[0].name if forums else 'Forum'}",
                                 forums=", ".join(f.name for f in forums) or "–"))
    return found


def ready_line(t: Texts, deps: Deps, forum: Forum, person_id: str, start: date, end: date, now: datetime) -> str:
    subject = SUBJECT + forum.id
    docx, zipped = file_name(start, end, "docx"), file_name(start, end, "zip")
    return t("report.ready", forum=forum.name, start=format_date(t, start), end=format_date(t, end),
             docx_name=docx, docx_url=deps.links.link(subject, person_id, docx, now),
             zip_name=zipped, zip_url=deps.links.link(subject, person_id, zipped, now))


async def followup_report(deps: Deps, turn: Turn, args: ReportArgs) -> Reply:
    t = turn.t
    if args.start > args.end:
        return Reply(text=t("report.order", start=format_date(t, args.start), end=format_date(t, args.end)))
    async with deps.uow() as uow:
        command = turn.t.words("commands.followup_report")[0]
        found = await report_forum(deps, uow, turn, args.forum_name,
                                   f"{command} {args.start.isoformat()} {args.end.isoformat()}")
        if isinstance(found, Reply):
            return found
        forum = found
        line = ready_line(t, deps, forum, turn.person.id, args.start, args.end, turn.now)
        uow.audit.record(at=turn.now, action="report.export_link", subject_type="forum", subject_id=forum.id,
                         actor_id=turn.person.id, forum_id=forum.id,
                         detail={"start": args.start.isoformat(), "end": args.end.isoformat()})
        if turn.origin.is_personal:
            await uow.commit()
            return Reply(text=line)
        await to_person(uow, Kind.EXPORT_LINK, turn.person.id, about=forum.id, via=forum,
                        slot=f"r-{args.request_id}"[:40], payload=message(line), now=turn.now)
        await uow.commit()
    log.info("follow-up report link sent: forum=%s", forum.id)
    return Reply(text=t("collection.export_sent"))
