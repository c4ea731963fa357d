"""The compiled lägesbild: posted at the deadline, updated in place by late additions, previewed, exported."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

from bot.services.follow_up import summary_follow_up
from bot.services.notify import Kind, texts_for, to_forum, to_person
from bot.services.ports import UnitOfWork
from bot.services.summary_recipients import send_restricted
from dialogs.cards.elements import message
from dialogs.cards.minutes_draft import minutes_button
from dialogs.cards.summary import summary_activities
from dialogs.cards.summary_text import render_summary_markdown
from dialogs.texts import DEFAULT_LANGUAGE, Texts
from domain.meetings import Meeting
from domain.model import Forum
from domain.reporting import Summary, SummaryFrame, compile_frame, contribution_input, frame_for
from domain.visibility import summary_restricted

log = logging.getLogger(__name__)


async def frame_of(uow: UnitOfWork, forum: Forum, meeting: Meeting, now: datetime) -> SummaryFrame:
    """The frozen frame once the summary was posted; until then the forum and meeting as they are now, with the
    follow-up of earlier actions as it stands now (frozen with the frame when the summary is posted)."""
    frozen = await uow.summaries.frame(meeting.id)
    if frozen is not None:
        return frozen
    frame = frame_for(forum, meeting.local_date, meeting.times.starts_at, meeting.times.deadline_at)
    return replace(frame, follow_up=await summary_follow_up(uow, forum, meeting, now))


async def compile_for(uow: UnitOfWork, forum: Forum, meeting: Meeting, now: datetime) -> Summary:
    return await _compile(uow, forum, await frame_of(uow, forum, meeting, now), meeting, now)


async def recorded_summary(
    uow: UnitOfWork, forum: Forum, meeting: Meeting, now: datetime
) -> Summary:
    """What the record says: the latest posted revision, or (never posted) the summary as it stands now."""
    return await uow.summaries.latest(meeting.id) or await compile_for(uow, forum, meeting, now)


async def _compile(uow: UnitOfWork, forum: Forum, frame: SummaryFrame, meeting: Meeting, now: datetime) -> Summary:
    versions = await uow.contributions.latest_for_meeting(meeting.id)
    if now >= frame.deadline_at:  # a report changed after the deadline keeps its on-time text where it was
        versions += await uow.contributions.latest_on_time_for_meeting(meeting.id)
    names = {a.id: a.name for a in forum.charter.areas}  # as named when compiled; a posted summary keeps them
    return compile_frame(frame, [contribution_input(frame, v, names, frame.deadline_at) for v in versions],
                         compiled_at=now)


async def _chair_texts(uow: UnitOfWork, forum: Forum, default: str) -> Texts:
    return texts_for(await uow.people.get(forum.chair_id), forum, default)


async def post_summary(
    uow: UnitOfWork, forum: Forum, meeting: Meeting, now: datetime, *, default: str = DEFAULT_LANGUAGE
) -> int:
    """At the deadline: the summary to the forum conversation and 1:1 to the chair. Once per meeting.

    When the forum's visibility choice leaves out someone in the channel (domain/visibility.py), the summary goes
    1:1 to the allowed people instead and the channel gets a notice without content (summary_recipients.py)."""
    frame = await frame_of(uow, forum, meeting, now)
    summary = await _compile(uow, forum, frame, meeting, now)
    forum_texts = texts_for(None, forum, default)
    activities = summary_activities(forum_texts, summary, actions=_minutes(forum_texts, forum, meeting))
    if not await uow.summaries.record(meeting.id, len(activities), now):
        return 0
    uow.summaries.keep(meeting.id, 1, frame, summary)
    day = meeting.local_date
    queued = 0
    if summary_restricted(forum):
        queued += await send_restricted(uow, forum, meeting, summary, now, default=default)
        activities = []
    for part, activity in enumerate(activities, start=1):
        queued += await to_forum(uow, Kind.SUMMARY, forum, about=meeting.id, day=day, slot=f"part-{part}",
                                 payload=activity, now=now)
    chair_texts = await _chair_texts(uow, forum, default)
    chair_activities = summary_activities(chair_texts, summary, actions=_minutes(chair_texts, forum, meeting))
    for part, activity in enumerate(chair_activities, start=1):
        queued += await to_person(uow, Kind.SUMMARY_CHAIR, forum.chair_id, about=meeting.id, via=forum, day=day,
                                  slot=f"part-{part}", payload=activity, now=now)
    uow.audit.record(at=now, action="summary.posted", subject_type="meeting", subject_id=meeting.id,
                     forum_id=forum.id, detail={"parts": len(activities), "reported": summary.reported_count,
                                                "organisations": summary.organisation_count})
    log.info("summary queued: meeting=%s parts=%s", meeting.id, len(activities))
    return queued


async def update_after_late(
    uow: UnitOfWork, forum: Forum, meeting: Meeting, organisation_id: str, now: datetime, *,
    default: str = DEFAULT_LANGUAGE,
) -> int:
    """A late contribution: update the posted summary in place and send the chair one short note."""
    if await uow.summaries.revision(meeting.id) is None:
        return 0  # not posted yet: the summary at the deadline tick will include it
    frame = await frame_of(uow, forum, meeting, now)
    summary = await _compile(uow, forum, frame, meeting, now)
    forum_texts = texts_for(None, forum, default)
    activities = summary_activities(forum_texts, summary, actions=_minutes(forum_texts, forum, meeting))
    revision = await uow.summaries.bump(meeting.id, len(activities), now)
    uow.summaries.keep(meeting.id, revision, frame, summary)
    day = meeting.local_date
    queued = 0
    restricted = summary_restricted(forum)
    if restricted:  # the channel's copy, if any, is left as it was: the additions go to the allowed people only
        queued += await send_restricted(uow, forum, meeting, summary, now, default=default, revision=revision)
        activities = []
    for part, activity in enumerate(activities, start=1):
        original = await uow.outbox.find(kind=Kind.SUMMARY, subject_id=meeting.id,
                                         recipient_id=forum.conversation_id, occurrence_local_date=day.isoformat(),
                                         slot=f"part-{part}")
        if original is None:
            queued += await to_forum(uow, Kind.SUMMARY, forum, about=meeting.id, day=day, slot=f"part-{part}",
                                     payload=activity, now=now)
        else:
            queued += await to_forum(uow, Kind.SUMMARY_UPDATE, forum, about=meeting.id, day=day,
                                     slot=f"r{revision}-part-{part}", update_of=original.id, payload=activity,
                                     now=now)
    t = await _chair_texts(uow, forum, default)
    organisation = forum.organisation(organisation_id) or next(
        (o for o in frame.organisations if o.id == organisation_id), None
    )
    note = t("visibility.late_note" if restricted else "collection.late_note",
             organisation=organisation.name if organisation else "?", forum=forum.name)
    queued += await to_person(uow, Kind.SUMMARY_LATE_NOTE, forum.chair_id, about=meeting.id, via=forum, day=day,
                              slot=f"r{revision}", payload=message(note), now=now)
    uow.audit.record(at=now, action="summary.updated", subject_type="meeting", subject_id=meeting.id,
                     forum_id=forum.id, detail={"revision": revision, "organisation": organisation_id})
    return queued


def _minutes(t: Texts, forum: Forum, meeting: Meeting) -> list[dict[str, object]]:
    """The posted summary's *Minnesanteckningar* button (the keepers open the meeting's draft from it)."""
    return [minutes_button(t, forum.id, meeting.id)]


def export_markdown(t: Texts, summary: Summary) -> str:
    return render_summary_markdown(t, summary)

