"""Publishing minutes (`minutes.publish`), correcting them (`minutes.correct`) and reading them (`minutes.show`).

* `publish`: only record keepers; the card's revision must be the draft's. With approvers the draft goes out for
  approval (bot/services/minutes_approval.py); without, it is published at once (bot/services/minutes_record.py)
  and sent (bot/services/minutes_distribution.py). A correction (the minutes were published before) needs a
  correction note (screened like every free text) and keeps the published items and § numbers.
* `correct`: only record keepers; the published minutes become a draft again (status DRAFT with
  `published_versions > 0`: a correction in progress), starting from the published content with its numbers.
* `show` / `show_published`: the published minutes for those who may read them (`may_read`); keepers get *Rätta*.
Every refusal says why and changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from bot.services.guards import require_record_keeper
from bot.services.mail import mail_outcome
from bot.services.minutes_approval import send_for_approval
from bot.services.minutes_distribution import publish_and_send, reader_cards
from bot.services.minutes_record import Publication, archived_year, forum_and_meeting, revision_of
from bot.services.notify import Kind, to_person
from bot.services.ports import Deps, UnitOfWork
from bot.services.screening import masked_values, screen_fields
from bot.services.turn import Reply, Turn
from dialogs.cards.minutes_approval import MAX_NOTE_CHARS, correction_note_card, show_action, with_button
from dialogs.cards.minutes_published import activities, correct_action, open_action, paragraphs_words
from dialogs.texts.formatting import format_date
from domain.errors import NotReader
from domain.meetings import Meeting
from domain.minutes import Minutes, MinutesStatus, NotSameItems, check_correction, may_draft, may_read
from domain.model import Forum

log = logging.getLogger(__name__)


async def publish(deps: Deps, turn: Turn, data: Mapping[str, Any]) -> Reply:
    """*Publicera* / *Skicka för justering* on the draft (and *Publicera rättelsen* on the correction note card)."""
    t = turn.t
    async with deps.uow() as uow:
        forum, meeting = await forum_and_meeting(uow, data)
        await require_record_keeper(uow, turn, forum)
        minutes = await uow.minutes.get(meeting.id, lock=True)
        if minutes is None:
            return Reply(text=t("published.no_draft"))
        if minutes.locked:
            return Reply(card=with_button(t("published.already_published"), show_action(t, forum.id, meeting.id)))
        if minutes.published_versions and (year := await archived_year(uow, forum, meeting)) is not None:
            return Reply(text=t("published.archived_correction", year=year))
        if revision_of(data) != minutes.revision:
            return Reply(card=with_button(t("published.stale_draft"), open_action(t, forum.id, meeting.id)))
        if minutes.status is MinutesStatus.IN_APPROVAL and minutes.sent_revision == minutes.revision:
            return Reply(text=t("published.already_in_approval"))
        if not minutes.content.items:
            return Reply(text=t("published.empty_draft"))
        if minutes.published_versions:
            checked = await _correction(uow, deps, turn, forum, meeting, minutes, data)
            if isinstance(checked, Reply):
                return checked
            minutes = checked
        if forum.record.approver_ids:
            reply = await send_for_approval(uow, deps, turn, forum, meeting, minutes)
            await uow.commit()
            return reply
        publication = await publish_and_send(uow, deps, forum, meeting, minutes, actor_id=turn.person.id,
                                             actor_name=turn.person.display_name, now=turn.now)
        if publication is None:
            return Reply(text=t("published.busy"))
        await uow.commit()
    return Reply(text=published_words(turn, publication, mail_outcome(t, deps, forum, publication.mailed)))


def published_words(turn: Turn, publication: Publication, mail: str | None = None) -> str:
    t, version = turn.t, publication.version
    day = format_date(t, version.frame.meeting_date)
    if version.corrected:
        words = t("published.published_reply_correction", version=version.version, date=day)
    else:
        words = t("published.published_reply", date=day,
                  paragraphs=paragraphs_words(t, version.first_paragraph, version.last_paragraph))
    return f"{words} {mail}" if mail else words


async def _correction(
    uow: UnitOfWork, deps: Deps, turn: Turn, forum: Forum, meeting: Meeting, minutes: Minutes,
    data: Mapping[str, Any],
) -> Minutes | Reply:
    """A correction keeps the items and needs a note: the minutes with the note kept, or the card asking for it."""
    t = turn.t
    versions = await uow.minutes.versions(meeting.id)
    try:
        check_correction(versions[-1], minutes.content)
    except NotSameItems:
        return Reply(card=with_button(t("published.correction_items_changed"), open_action(t, forum.id, meeting.id)))
    typed = "correction_note" in data
    note = str(data.get("correction_note") or "").strip() if typed else minutes.content.correction_note.strip()
    problems = screen_fields(deps.screener, {"correction_note": note})
    if not note or problems or len(note) > MAX_NOTE_CHARS:
        errors = [t("published.correction_note_has_number")] if problems else (
            [t("published.correction_note_too_long", max=MAX_NOTE_CHARS)] if note else
            [t("published.correction_note_required")] if typed else [])
        return Reply(card=correction_note_card(
            t, forum_name=forum.name, meeting_date=meeting.local_date, forum_id=forum.id, meeting_id=meeting.id,
            revision=minutes.revision, value=masked_values(problems).get("correction_note", note), errors=errors))
    if note == minutes.content.correction_note:
        return minutes
    return await uow.minutes.save_draft(meeting_id=meeting.id, forum_id=forum.id,
                                        content=replace(minutes.content, correction_note=note),
                                        actor_id=turn.person.id, now=turn.now, expected_revision=minutes.revision)


async def correct(deps: Deps, turn: Turn, data: Mapping[str, Any]) -> Reply:
    """*Rätta*: the published minutes become a draft again, from the published content (numbers kept)."""
    t = turn.t
    async with deps.uow() as uow:
        forum, meeting = await forum_and_meeting(uow, data)
        await require_record_keeper(uow, turn, forum)
        minutes = await uow.minutes.get(meeting.id, lock=True)
        if minutes is None or not minutes.published_versions:
            return Reply(text=t("published.not_published"))
        if not minutes.locked:
            return Reply(card=with_button(t("published.correction_in_progress"), open_action(t, forum.id, meeting.id)))
        if (year := await archived_year(uow, forum, meeting)) is not None:  # the archive holds the record
            return Reply(text=t("published.archived", year=year))
        latest = (await uow.minutes.versions(meeting.id))[-1]
        saved = await uow.minutes.save_draft(meeting_id=meeting.id, forum_id=forum.id, content=latest.content,
                                             actor_id=turn.person.id, now=turn.now, expected_revision=minutes.revision)
        await uow.minutes.set_status(meeting.id, MinutesStatus.DRAFT, sent_revision=None, now=turn.now)
        uow.audit.record(at=turn.now, action="minutes.correction_started", subject_type="meeting",
                         subject_id=meeting.id, actor_id=turn.person.id, forum_id=forum.id,
                         detail={"version": latest.version, "revision": saved.revision})
        await uow.commit()
    return Reply(card=with_button(t("published.correction_started"), open_action(t, forum.id, meeting.id)))


@dataclass(frozen=True)
class ShowArgs:
    data: Mapping[str, Any]
    request_id: str


async def show(deps: Deps, turn: Turn, args: ShowArgs) -> Reply:
    """`minutes.show` {forum_id, meeting_id, version?}."""
    async with deps.uow() as uow:
        forum, meeting = await forum_and_meeting(uow, args.data)
    try:
        version = int(str(args.data.get("version") or 0)) or None
    except ValueError:
        version = None
    return await show_published(deps, turn, forum, meeting, version=version, request_id=args.request_id)


async def show_published(
    deps: Deps, turn: Turn, forum: Forum, meeting: Meeting, *, version: int | None = None, request_id: str = ""
) -> Reply:
    """The published minutes of `meeting` (the latest version, or `version`) for someone who may read them.

    Keepers get *Rätta* on the latest version. Minutes too long for one card go 1:1 in parts.
    """
    t = turn.t
    if not may_read(forum, turn.person.id):
        raise NotReader()
    async with deps.uow() as uow:
        versions = await uow.minutes.versions(meeting.id)
        chosen = next((v for v in versions if v.version == version), versions[-1] if versions else None)
        if chosen is None:
            return Reply(text=t("published.not_published"))
        index = versions.index(chosen)
        actions = [correct_action(t, forum.id, meeting.id)] if (
            may_draft(forum, turn.person.id) and chosen is versions[-1]) else []
        cards = reader_cards(t, Publication(chosen, versions[index - 1] if index else None, ()), actions)
        uow.audit.record(at=turn.now, action="minutes.read", subject_type="meeting", subject_id=meeting.id,
                         actor_id=turn.person.id, forum_id=forum.id, detail={"version": chosen.version})
        if len(cards) == 1:
            await uow.commit()
            return Reply(card=cards[0])
        slot = request_id or turn.now.strftime("%Y%m%dT%H%M%S")
        for part, activity in enumerate(activities(t, cards, chosen.frame.forum_name, chosen.frame.meeting_date),
                                        start=1):
            await to_person(uow, Kind.MINUTES_COPY, turn.person.id, about=meeting.id, via=forum,
                            slot=f"{slot[:28]}-v{chosen.version}-{part}", payload=activity, now=turn.now)
        await uow.commit()
    return Reply(text=t.plural("published.sent_in_parts", len(cards)))
