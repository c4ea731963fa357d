"""`historik Å-12` / `history A-12` (an action's follow-up log, for the chair and the forum's people) and
`exportera logg <från> <till>` / `export log <from> <to>` (the chair's CSV and Word of the forum's log for a period,
through the signed 24-hour download link), and the documents behind that link.

The log is only read here: events are appended where they happen (domain/action_log.py).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.services.guards import Need, chaired_forum, forum_for
from bot.services.notify import Kind, to_person
from bot.services.ports import Deps, UnitOfWork
from bot.services.turn import Reply, Turn
from dialogs.cards.elements import message
from dialogs.cards.follow_log import PAGE, history_card
from dialogs.documents.follow_log import LogContext, LogLine, log_csv, log_line, log_outline, log_section
from dialogs.documents.word import render_docx
from dialogs.owners import action_number, owner_label
from dialogs.texts import Texts
from dialogs.texts.formatting import format_date
from domain.action_log import ActionEvent
from domain.actions import ActionItem
from domain.minutes import may_read
from domain.model import Forum

log = logging.getLogger(__name__)

LOG_SUBJECT = "forum:"  # the signed link's subject for a forum's log (a meeting id never starts so)


def may_see_log(forum: Forum, person_id: str) -> bool:
    """The chair, the forum's members and role holders, its record keepers, approvers and recipients."""
    return (forum.chair_id == person_id or may_read(forum, person_id)
            or any(r.holder_id == person_id for r in forum.roles))


async def log_context(uow: UnitOfWork, forum: Forum, events: Iterable[ActionEvent],
                      actions: Iterable[ActionItem]) -> LogContext:
    by_id = {a.id: a for a in actions}
    wanted: set[str] = {r.holder_id for r in forum.roles if r.holder_id}
    for event in events:
        wanted |= {event.actor_id or ""} | {str(event.detail.get(k) or "") for k in ("recipient", "holder")}
    people = await uow.people.many(sorted(w for w in wanted if w))
    dates = {m.id: m.local_date for m in await uow.meetings.for_forum(forum)}
    return LogContext(forum, by_id, {i: p.display_name for i, p in people.items()}, dates)


# --- historik ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class HistoryArgs:
    number: int | None = None  # `historik Å-12`
    action_id: str = ""  # the "next events" button
    forum_id: str = ""
    page: int = 0


async def _history_reply(uow: UnitOfWork, t: Texts, forum: Forum, action: ActionItem, page: int) -> Reply:
    events = await uow.action_log.for_action(action.id)
    if not events:
        return Reply(text=t("followlog.history_empty", number=action_number(t, action.number)))
    page = max(0, min(page, (len(events) - 1) // PAGE))
    shown = events[page * PAGE:(page + 1) * PAGE]
    context = await log_context(uow, forum, shown, [action])
    lines = [log_line(t, context, e) for e in shown]
    more = ({"action_id": action.id, "forum_id": forum.id, "page": page + 1, "total": len(events)}
            if (page + 1) * PAGE < len(events) else None)
    title = t("followlog.history_title", number=action_number(t, action.number), title=action.title)
    owner = t("followlog.history_owner", owner=owner_label(t, forum, action.owner_role_id, context.names))
    return Reply(card=history_card(t, title=title, owner=owner, lines=lines, page=page, more=more))


async def history(deps: Deps, turn: Turn, args: HistoryArgs) -> Reply:
    t = turn.t
    async with deps.uow() as uow:
        if args.action_id:
            action = await uow.actions.get(args.action_id)
            forum = await uow.forums.get(action.forum_id) if action else None
            if turn.forum is not None and forum is not None and turn.forum.id != forum.id:
                forum = None  # a card from another forum's conversation
        else:
            forum = await forum_for(uow, turn, Need.MEMBER)
            action = await uow.actions.by_number(forum.id, args.number or 0)
            if action is None:
                return Reply(text=t("followlog.not_found", number=action_number(t, args.number),
                                    forum=forum.name))
        if forum is None or action is None or not may_see_log(forum, turn.person.id):
            log.info("history refused: person not in the forum")
            return Reply(text=t("followlog.not_member"))
        reply = await _history_reply(uow, t, forum, action, args.page)
        reply.replace = bool(args.action_id)  # the "next events" button turns the card to the next page
    log.info("history shown: action=%s page=%s", action.id, args.page)
    return reply


# --- exportera logg ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ExportLogArgs:
    start: date
    end: date  # included
    request_id: str = ""


def period(forum: Forum, start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, the day after end 00:00) in the forum's zone, as instants."""
    zone = ZoneInfo(forum.schedule.timezone)
    return (datetime.combine(start, time(0), zone), datetime.combine(end + timedelta(days=1), time(0), zone))


def log_file_name(start: date, end: date, extension: str) -> str:
    return f"logg-{start.isoformat()}-{end.isoformat()}.{extension}"


async def export_log(deps: Deps, turn: Turn, args: ExportLogArgs) -> Reply:
    t = turn.t
    if args.start > args.end:
        return Reply(text=t("followlog.export_order", start=format_date(t, args.start), end=format_date(t, args.end)))
    async with deps.uow() as uow:
        forum = await chaired_forum(uow, turn)
        count = len(await uow.action_log.for_forum(forum.id, *period(forum, args.start, args.end)))
        subject = LOG_SUBJECT + forum.id
        csv_name, docx_name = log_file_name(args.start, args.end, "csv"), log_file_name(args.start, args.end, "docx")
        line = t("followlog.export_ready", forum=forum.name, start=format_date(t, args.start),
                 end=format_date(t, args.end), events=t.plural("followlog.export_count", count),
                 csv_name=csv_name, csv_url=deps.links.link(subject, turn.person.id, csv_name, turn.now),
                 docx_name=docx_name, docx_url=deps.links.link(subject, turn.person.id, docx_name, turn.now))
        uow.audit.record(at=turn.now, action="follow_up_log.export_link", subject_type="forum", subject_id=forum.id,
                         actor_id=turn.person.id, forum_id=forum.id,
                         detail={"start": args.start.isoformat(), "end": args.end.isoformat(), "events": count})
        if turn.origin.is_personal:
            await uow.commit()
            return Reply(text=line)
        await to_person(uow, Kind.EXPORT_LINK, turn.person.id, about=forum.id, via=forum,
                        slot=f"l-{args.request_id}"[:40], payload=message(line), now=turn.now)
        await uow.commit()
    return Reply(text=t("collection.export_sent"))


async def forum_log_lines(uow: UnitOfWork, t: Texts, forum: Forum, start: date, end: date) -> list[LogLine]:
    events = await uow.action_log.for_forum(forum.id, *period(forum, start, end))
    context = await log_context(uow, forum, events, await uow.actions.for_forum(forum.id))
    return [log_line(t, context, e) for e in events]


async def meeting_log_lines(uow: UnitOfWork, t: Texts, forum: Forum, meeting_id: str) -> list[LogLine]:
    """Every event of the meeting's actions, in the order appended (the minutes' Word export ends with them)."""
    actions = await uow.actions.for_meeting(meeting_id)
    events = [e for a in actions for e in await uow.action_log.for_action(a.id)]
    events.sort(key=lambda e: e.id or 0)
    context = await log_context(uow, forum, events, actions)
    return [log_line(t, context, e) for e in events]


def log_csv_file(t: Texts, lines: list[LogLine]) -> bytes:
    return log_csv(t, lines)


def log_docx_file(t: Texts, forum: Forum, start: date, end: date, lines: list[LogLine], template: str) -> bytes:
    return render_docx(log_outline(t, forum.name, start, end, lines), template=template or None,
                       title=t("followlog.doc_title", forum=forum.name), language=t.language)


__all__ = ["LOG_SUBJECT", "ExportLogArgs", "HistoryArgs", "export_log", "forum_log_lines", "history",
           "log_csv_file", "log_docx_file", "log_section", "may_see_log", "meeting_log_lines"]
