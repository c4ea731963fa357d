"""Approval (justering): the draft out to the named approvers, their approvals and comments.

A revision out for approval (`IN_APPROVAL`, `sent_revision`) is published when every named approver approved
that revision (`approved_by_all`): the last approval publishes it at once. A comment goes 1:1 to the secretary
and the chair with a button to fix the draft; their save sends it back to DRAFT and they send it again, and the
approvers then see what changed since the revision they saw (`MinutesContent.sent_items`). An approval or
comment on a card of an older revision is refused politely with the latest state; nothing is stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from bot.services.guards import require_approver
from bot.services.minutes_distribution import publish_and_send
from bot.services.minutes_record import Publication, archived_year, draft_view, forum_and_meeting, revision_of
from bot.services.notify import Kind, texts_for, to_person
from bot.services.ports import Deps, UnitOfWork
from bot.services.screening import masked_values, screen_fields
from bot.services.turn import Reply, Turn
from dialogs.cards.elements import Element, message, notice
from dialogs.cards.minutes_approval import MAX_COMMENT_CHARS, approval_cards, comment_card, show_action, with_button
from dialogs.cards.minutes_published import activities, change_lines, paragraphs_words
from dialogs.texts import Texts
from dialogs.texts.formatting import format_date
from domain.meetings import Meeting
from domain.minutes import (
    Approval,
    ApprovalDecision,
    Minutes,
    MinutesContent,
    MinutesStatus,
    approved_by_all,
    changes_between,
)
from domain.model import Forum


async def approver_cards(
    uow: UnitOfWork, t: Texts, forum: Forum, meeting: Meeting, minutes: Minutes, *, seen: MinutesContent | None,
    comment: str = "", errors: tuple[str, ...] = (), note: str | None = None,
) -> list[Element]:
    view = await draft_view(uow, t, forum, meeting, minutes)
    changes = change_lines(t, view, changes_between(seen, minutes.content), seen) if seen is not None else []
    correction = minutes.content.correction_note if minutes.published_versions else ""
    return approval_cards(t, view, forum_id=forum.id, meeting_id=meeting.id, revision=minutes.revision,
                          changes=changes, correction_note=correction, comment=comment, errors=errors, note=note)


async def send_for_approval(
    uow: UnitOfWork, deps: Deps, turn: Turn, forum: Forum, meeting: Meeting, minutes: Minutes
) -> Reply:
    """The draft to each approver 1:1, once per revision; the minutes wait IN_APPROVAL for their approvals."""
    previous = minutes.content.sent_items
    seen = None if previous is None else replace(minutes.content, items=previous)
    if seen is None and minutes.published_versions:  # a correction: what changed since the published version
        seen = (await uow.minutes.versions(meeting.id))[-1].content
    minutes = await uow.minutes.save_draft(
        meeting_id=meeting.id, forum_id=forum.id, content=replace(minutes.content, sent_items=minutes.content.items),
        actor_id=turn.person.id, now=turn.now, expected_revision=minutes.revision)
    await uow.minutes.set_status(meeting.id, MinutesStatus.IN_APPROVAL, sent_revision=minutes.revision, now=turn.now)
    minutes = replace(minutes, status=MinutesStatus.IN_APPROVAL, sent_revision=minutes.revision)
    approvers = forum.record.approver_ids
    people = await uow.people.many(list(approvers))
    for approver in approvers:
        t = texts_for(people.get(approver), forum, deps.default_language)
        cards = await approver_cards(uow, t, forum, meeting, minutes, seen=seen)
        for part, activity in enumerate(activities(t, cards, forum.name, meeting.local_date), start=1):
            await to_person(uow, Kind.MINUTES_APPROVAL, approver, about=meeting.id, via=forum,
                            slot=f"r{minutes.revision}-part-{part}", payload=activity, now=turn.now)
    uow.audit.record(at=turn.now, action="minutes.sent_for_approval", subject_type="meeting", subject_id=meeting.id,
                     actor_id=turn.person.id, forum_id=forum.id,
                     detail={"revision": minutes.revision, "approvers": list(approvers)})
    names = ", ".join(people[a].display_name if a in people else a for a in approvers)
    return Reply(text=turn.t.plural("published.sent_for_approval", len(approvers), names=names))


async def _out_for_approval(
    uow: UnitOfWork, turn: Turn, forum: Forum, meeting: Meeting, data: Mapping[str, Any]
) -> Minutes | Reply:
    """The minutes if the card's revision is the one out for approval; otherwise the polite refusal."""
    t = turn.t
    minutes = await uow.minutes.get(meeting.id, lock=True)
    if minutes is None:
        return Reply(text=t("published.no_draft"), replace=True)
    revision = revision_of(data)
    if minutes.status is MinutesStatus.IN_APPROVAL and revision == minutes.sent_revision == minutes.revision:
        return minutes
    if minutes.status is MinutesStatus.PUBLISHED:
        return Reply(card=with_button(t("published.approval_already_published"), show_action(t, forum.id, meeting.id)),
                     replace=True)
    if minutes.status is MinutesStatus.IN_APPROVAL:
        cards = await approver_cards(uow, t, forum, meeting, minutes, seen=None)
        return Reply(card=_noted(cards[-1], t("published.stale_approval")), replace=True)
    return Reply(text=t("published.stale_changing"), replace=True)


def _noted(content: Element, note: str) -> Element:
    return {**content, "body": [notice(note), *content.get("body", [])]}


async def approve(deps: Deps, turn: Turn, data: Mapping[str, Any]) -> Reply:
    """*Justera*: record the approval of the revision out; the last one needed publishes the minutes."""
    t = turn.t
    async with deps.uow() as uow:
        forum, meeting = await forum_and_meeting(uow, data)
        require_approver(turn, forum)
        found = await _out_for_approval(uow, turn, forum, meeting, data)
        if isinstance(found, Reply):
            return found
        minutes = found
        if minutes.published_versions and (year := await archived_year(uow, forum, meeting)) is not None:
            return Reply(text=t("published.archived_correction", year=year), replace=True)  # nothing is stored
        already = any(a.approver_id == turn.person.id and a.decision is ApprovalDecision.APPROVED
                      for a in minutes.approvals_for(minutes.revision))
        if not already:
            approval = Approval(turn.person.id, turn.person.display_name, minutes.revision, ApprovalDecision.APPROVED,
                                turn.now)
            await uow.minutes.add_approval(meeting.id, approval)
            minutes = replace(minutes, approvals=(*minutes.approvals, approval))
            uow.audit.record(at=turn.now, action="minutes.approved", subject_type="meeting", subject_id=meeting.id,
                             actor_id=turn.person.id, forum_id=forum.id, detail={"revision": minutes.revision})
        if not approved_by_all(forum, minutes):
            await uow.commit()
            return Reply(text=t("published.approved_waiting"), replace=True)
        sender_id, sender_name = await _sender(uow, turn, minutes)
        publication = await publish_and_send(uow, deps, forum, meeting, minutes, actor_id=sender_id,
                                             actor_name=sender_name, now=turn.now)
        if publication is None:
            return Reply(text=t("published.busy"))
        await _tell_keepers(uow, deps, forum, publication, turn.now)
        await uow.commit()
    return Reply(text=t("published.approved_published"), replace=True)


async def _sender(uow: UnitOfWork, turn: Turn, minutes: Minutes) -> tuple[str, str]:
    """Who publishes on the last approval: the keeper who sent the revision (`send_for_approval` saved it as
    them, and nothing but a save changes `updated_by`), not the approver who pressed *Justera*."""
    sender_id = minutes.updated_by or turn.person.id
    if sender_id == turn.person.id:
        return sender_id, turn.person.display_name
    person = await uow.people.get(sender_id)
    return sender_id, person.display_name if person is not None else sender_id


def keepers_of(forum: Forum) -> list[str]:
    return list(dict.fromkeys(p for p in (forum.record.secretary_id, forum.chair_id) if p))


async def _tell_keepers(uow: UnitOfWork, deps: Deps, forum: Forum, publication: Publication, now: datetime) -> None:
    version = publication.version
    for keeper in keepers_of(forum):
        t = texts_for(await uow.people.get(keeper), forum, deps.default_language)
        note = t("published.approved_note", forum=forum.name, date=format_date(t, version.frame.meeting_date),
                 paragraphs=paragraphs_words(t, version.first_paragraph, version.last_paragraph))
        await to_person(uow, Kind.MINUTES_APPROVED_NOTE, keeper, about=version.meeting_id, via=forum,
                        slot=f"v{version.version}", payload=message(note), now=now)


async def comment(deps: Deps, turn: Turn, data: Mapping[str, Any]) -> Reply:
    """*Kommentera*: the comment (screened, required) to the secretary and the chair; the minutes stay out."""
    t = turn.t
    text = str(data.get("comment") or "").strip()
    async with deps.uow() as uow:
        forum, meeting = await forum_and_meeting(uow, data)
        require_approver(turn, forum)
        found = await _out_for_approval(uow, turn, forum, meeting, data)
        if isinstance(found, Reply):
            return found
        minutes = found
        problems = screen_fields(deps.screener, {"comment": text})
        if not text or problems or len(text) > MAX_COMMENT_CHARS:
            error = t("published.comment_has_number") if problems else (
                t("published.comment_required") if not text else t("published.comment_too_long",
                                                                     max=MAX_COMMENT_CHARS))
            cards = await approver_cards(uow, t, forum, meeting, minutes, seen=None,
                                         comment=masked_values(problems).get("comment", text), errors=(error,))
            return Reply(card=cards[-1], replace=True)
        approval = Approval(turn.person.id, turn.person.display_name, minutes.revision, ApprovalDecision.COMMENTED,
                            turn.now, text)
        await uow.minutes.add_approval(meeting.id, approval)
        uow.audit.record(at=turn.now, action="minutes.commented", subject_type="meeting", subject_id=meeting.id,
                         actor_id=turn.person.id, forum_id=forum.id, detail={"revision": minutes.revision})
        slot = f"r{minutes.revision}-c{len(minutes.approvals) + 1}"
        for keeper in keepers_of(forum):
            kt = texts_for(await uow.people.get(keeper), forum, deps.default_language)
            content = comment_card(kt, forum_name=forum.name, meeting_date=meeting.local_date,
                                   approver_name=turn.person.display_name, comment=text, forum_id=forum.id,
                                   meeting_id=meeting.id)
            line = kt("published.comment_note", name=turn.person.display_name, forum=forum.name,
                      date=format_date(kt, meeting.local_date))
            await to_person(uow, Kind.MINUTES_COMMENT, keeper, about=meeting.id, via=forum, slot=slot,
                            payload=message(line, content), now=turn.now)
        await uow.commit()
    return Reply(text=t("published.commented"), replace=True)
