"""`nästa möte`, `sammanställ`, `ställ in`, `flytta` and `exportera lägesbild`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from bot.services.guards import Need, chaired_forum, forum_for
from bot.services.meetings import meeting_on, upcoming_meeting
from bot.services.minutes_common import latest_started
from bot.services.minutes_export import export_minutes
from bot.services.new_time import tell_new_time
from bot.services.notify import Kind, to_person
from bot.services.ports import Deps, UnitOfWork
from bot.services.summaries import compile_for
from bot.services.turn import Reply, Turn
from dialogs.cards.elements import card, execute, heading, message, text
from dialogs.cards.meeting import next_meeting_card
from dialogs.cards.minutes_draft import minutes_button
from dialogs.cards.summary import summary_activities
from dialogs.texts import Texts
from dialogs.texts.formatting import format_date, format_datetime
from domain.collection import Phase, phase
from domain.meetings import MeetingStatus
from domain.minutes import may_draft
from domain.model import Forum
from domain.schedule import check_local_time, meeting_times, zone_of


@dataclass(frozen=True)
class MoveArgs:
    """`flytta <datum> till <datum> [<tid>]`, or the confirm card's data (`confirmed`, naming its forum)."""

    old: date
    new: date
    hour_minute: tuple[int, int] | None = None  # None: the forum's usual meeting time
    forum_id: str | None = None
    confirmed: bool = False

    def at(self, usual: time) -> time:
        return time(*self.hour_minute) if self.hour_minute else usual


@dataclass(frozen=True)
class ExportArgs:
    day: date
    request_id: str
    minutes: bool = False  # `exportera protokoll <datum>`: the published minutes, not the lägesbild


async def next_meeting(deps: Deps, turn: Turn) -> Reply:
    t = turn.t
    async with deps.uow() as uow:
        forum = await forum_for(uow, turn, Need.MEMBER)
        meeting = await upcoming_meeting(uow, forum, turn.now, deps.holidays)
        if meeting is None:
            await uow.commit()
            return Reply(text=t("collection.no_meeting", forum=forum.name))
        summary = await compile_for(uow, forum, meeting, turn.now)
        actions = await _minutes_of_last(uow, turn, forum)
        await uow.commit()
    return Reply(card=next_meeting_card(t, forum, meeting, summary, actions))


async def _minutes_of_last(uow: UnitOfWork, turn: Turn, forum: Forum) -> list[dict[str, object]]:
    """Once a meeting has started, its keepers get *Minnesanteckningar* here until the minutes are published."""
    if not may_draft(forum, turn.person.id):
        return []
    started = await latest_started(uow, forum, turn.now)
    minutes = await uow.minutes.get(started.id) if started else None
    if started is None or (minutes is not None and minutes.locked):
        return []
    return [minutes_button(turn.t, forum.id, started.id)]


async def preview(deps: Deps, turn: Turn, request_id: str) -> Reply:
    """`sammanställ`: the summary as it stands, to the chair only (1:1), never posted in the channel."""
    t = turn.t
    async with deps.uow() as uow:
        forum = await chaired_forum(uow, turn)
        meeting = await upcoming_meeting(uow, forum, turn.now, deps.holidays)
        if meeting is None:
            await uow.commit()
            return Reply(text=t("collection.no_meeting", forum=forum.name))
        summary = await compile_for(uow, forum, meeting, turn.now)
        activities = summary_activities(t, summary)
        for part, activity in enumerate(activities, start=1):
            await to_person(uow, Kind.SUMMARY_PREVIEW, turn.person.id, about=meeting.id, via=forum,
                            slot=f"{request_id[:30]}-{part}", payload=activity, now=turn.now)
        uow.audit.record(at=turn.now, action="summary.previewed", subject_type="meeting", subject_id=meeting.id,
                         actor_id=turn.person.id, forum_id=forum.id)
        await uow.commit()
    if not turn.origin.is_personal:
        reply_text = t("collection.preview_sent")
    else:  # after the deadline it is the summary itself, no longer a preview
        reply_text = t("collection.summary_intro_final") if summary.final else t("collection.preview_intro")
    return Reply(text=reply_text)


async def cancel(deps: Deps, turn: Turn, day: date) -> Reply:
    t = turn.t
    async with deps.uow() as uow:
        forum = await chaired_forum(uow, turn)
        meeting = await meeting_on(uow, forum, day, turn.now, deps.holidays)
        label = format_date(t, day)
        if meeting is None:
            return Reply(text=t("collection.no_meeting_on", date=label))
        if phase(meeting.times, turn.now) is Phase.CLOSED:
            return Reply(text=t("collection.already_started", date=label))
        await uow.meetings.set_status(meeting.id, MeetingStatus.CANCELLED, turn.person.id, turn.now)
        uow.audit.record(at=turn.now, action="meeting.cancelled", subject_type="meeting", subject_id=meeting.id,
                         actor_id=turn.person.id, forum_id=forum.id)
        await uow.commit()
    return Reply(text=t("collection.cancelled", date=label))


async def move(deps: Deps, turn: Turn, args: MoveArgs) -> Reply:
    """`flytta <datum> till <datum> <tid>`. A move whose deadline has already passed is confirmed first.

    Organisations that already got the card keep it (the outbox key is the meeting's original date, so it is
    never sent again) and get one short message with the new time.
    """
    t = turn.t
    confirmed = args.confirmed
    async with deps.uow() as uow:
        forum = await chaired_forum(uow, turn, args.forum_id)
        old, new = args.old, args.new
        new_time = args.at(forum.schedule.time)
        check_local_time(new_time, zone_of(forum.schedule))  # a ScheduleError is worded by the edge
        meeting = await meeting_on(uow, forum, old, turn.now, deps.holidays, include_skipped=True)
        if meeting is None:
            return Reply(text=t("collection.no_meeting_on", date=format_date(t, old)))
        if phase(meeting.times, turn.now) is Phase.CLOSED:
            return Reply(text=t("collection.already_started", date=format_date(t, old)))
        times = meeting_times(forum.schedule, new, new_time)
        if times.starts_at <= turn.now:
            return Reply(text=t("collection.move_in_past"))
        tz = forum.schedule.timezone
        if times.deadline_at <= turn.now and not confirmed:
            deadline = format_datetime(t, times.deadline_at, tz)
            return Reply(card=_confirm_move_card(t, forum, old, new, new_time, deadline))
        await uow.meetings.move(meeting.id, new, times.starts_at, turn.person.id, turn.now)
        uow.audit.record(at=turn.now, action="meeting.moved", subject_type="meeting", subject_id=meeting.id,
                         actor_id=turn.person.id, forum_id=forum.id,
                         detail={"from": old.isoformat(), "to": new.isoformat()})
        queued = await tell_new_time(uow, forum, meeting.id, old, times, turn.now, default=deps.default_language)
        await uow.commit()
    lines = [t("collection.moved", old=format_date(t, old), new=format_datetime(t, times.starts_at, tz),
               deadline=format_datetime(t, times.deadline_at, tz))]
    if queued:
        lines.append(t.plural("collection.moved_told", queued))
    return Reply(text=" ".join(lines), replace=confirmed)


def _confirm_move_card(t: Texts, forum: Forum, old: date, new: date, at: time, deadline: str) -> dict[str, object]:
    data = {"forum_id": forum.id, "old": old.isoformat(), "new": new.isoformat(), "time": at.strftime("%H:%M")}
    body = [heading(t("collection.move_confirm_title"), size="Medium"),
            text(t("collection.move_deadline_passed", old=format_date(t, old), new=format_date(t, new),
                   deadline=deadline))]
    return card(body, [execute(t("collection.move_anyway"), "meeting.move", data, validate=False),
                       execute(t("collection.move_keep"), "meeting.move_cancel", data, validate=False)])


async def keep_meeting(deps: Deps, turn: Turn) -> Reply:
    """'Flytta inte' on the confirm card: nothing changes."""
    return Reply(text=turn.t("collection.move_kept"), replace=True)


async def export(deps: Deps, turn: Turn, args: ExportArgs) -> Reply:
    """Signed 24-hour download links to the summary as Markdown and Word, given to the chair only; or (minutes)
    to the published minutes, for those who may read them."""
    if args.minutes:
        return await export_minutes(deps, turn, args.day, args.request_id)
    t = turn.t
    request_id = args.request_id
    async with deps.uow() as uow:
        forum = await chaired_forum(uow, turn)
        meeting = await meeting_on(uow, forum, args.day, turn.now, deps.holidays)
        if meeting is None:
            return Reply(text=t("collection.no_meeting_on", date=format_date(t, args.day)))
        name = f"lagesbild-{meeting.local_date.isoformat()}.md"
        url = deps.links.link(meeting.id, turn.person.id, name, turn.now)
        line = t("collection.export_ready", date=format_date(t, meeting.local_date), name=name, url=url)
        docx_name = f"lagesbild-{meeting.local_date.isoformat()}.docx"
        docx_url = deps.links.link(meeting.id, turn.person.id, docx_name, turn.now)
        line += " " + t("word.summary_docx_ready", name=docx_name, url=docx_url)
        if turn.origin.is_personal:
            await uow.commit()
            return Reply(text=line)
        await to_person(uow, Kind.EXPORT_LINK, turn.person.id, about=meeting.id, via=forum, slot=request_id,
                        payload=message(line), now=turn.now)
        await uow.commit()
    return Reply(text=t("collection.export_sent"))
