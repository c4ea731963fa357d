"""Shared steps of the draft minutes' use cases: which meeting, the keeper rule, loading or creating the draft,
saving it, and the personal-data guard on its free text.

Rules (issue 8): the chair and the secretary keep the record (`may_draft`). A draft is opened for a meeting that
has started; it is created on first open from the agenda and the attendance the lägesbild gave (organisations
whose latest contribution says they attend). Published minutes are never edited here: the keepers correct them
with *Rätta* on the published card; everyone else is pointed to the published minutes.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.services.guards import chair_name
from bot.services.ports import Deps, UnitOfWork
from bot.services.turn import Reply, Turn
from dialogs.cards.elements import execute
from dialogs.cards.minutes_draft import Feedback, notice_card
from dialogs.texts import Texts
from dialogs.texts.formatting import format_date, format_datetime
from domain.errors import ConflictingWrite, NotRecordKeeper, StaleCard
from domain.meetings import Meeting
from domain.minutes import Minutes, MinutesContent, may_draft, starting_content
from domain.model import Forum
from domain.screening import Tier, redact

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Draft:
    """A keeper's view of one meeting's draft: the forum, the meeting, the stored minutes and people's names."""

    forum: Forum
    meeting: Meeting
    minutes: Minutes
    names: Mapping[str, str]  # person id -> display name (role holders, members, the chair, the last editor)

    @property
    def content(self) -> MinutesContent:
        return self.minutes.content


def card_int(data: Mapping[str, Any], key: str) -> int | None:
    try:
        return int(str(data.get(key, "")))
    except ValueError:
        return None


async def card_meeting(uow: UnitOfWork, data: Mapping[str, Any]) -> tuple[Forum, Meeting]:
    """The forum and meeting a draft card names; `StaleCard` when either is gone."""
    forum = await uow.forums.get(str(data.get("forum_id", "")))
    meeting = await uow.meetings.get(str(data.get("meeting_id", "")))
    if forum is None or meeting is None or meeting.forum_id != forum.id:
        raise StaleCard()
    return forum, meeting


async def latest_started(uow: UnitOfWork, forum: Forum, now: datetime) -> Meeting | None:
    """The forum's latest meeting that has started (and was not cancelled): the one minutes are written for."""
    started = [m for m in await uow.meetings.for_forum(forum) if not m.cancelled and m.starts_at <= now]
    return max(started, key=lambda m: m.starts_at, default=None)


def meeting_label(t: Texts, meeting: Meeting) -> str:
    return format_date(t, meeting.local_date)


def show_button(t: Texts, forum: Forum, meeting: Meeting) -> dict[str, Any]:
    return execute(t("draft.show_published"), "minutes.show", {"forum_id": forum.id, "meeting_id": meeting.id},
                   validate=False)


def published_reply(t: Texts, forum: Forum, meeting: Meeting, *, keeper: bool) -> Reply:
    """Published minutes are locked: a keeper hears how to correct them, and everyone gets the published card."""
    key = "draft.published_keeper" if keeper else "draft.published"
    return Reply(card=notice_card(t, t(key, date=meeting_label(t, meeting)), [show_button(t, forum, meeting)]))


def not_started_reply(t: Texts, forum: Forum, meeting: Meeting) -> Reply:
    starts = format_datetime(t, meeting.starts_at, forum.schedule.timezone)
    return Reply(text=t("draft.not_started", starts=starts))


async def keeper_draft(
    uow: UnitOfWork, turn: Turn, forum: Forum, meeting: Meeting, *, create: bool
) -> Draft | Reply:
    """The draft for a keeper, created on first open when `create`; otherwise the answer to give instead.

    A non-keeper sees published minutes, and is refused (`NotRecordKeeper`) while there are none.
    """
    t = turn.t
    minutes = await uow.minutes.get(meeting.id, lock=not create)
    keeper = may_draft(forum, turn.person.id)
    if not keeper:
        if minutes is not None and minutes.published_versions > 0:
            return published_reply(t, forum, meeting, keeper=False)
        raise NotRecordKeeper(chair=await chair_name(uow, forum))
    if minutes is not None and minutes.locked:
        return published_reply(t, forum, meeting, keeper=True)
    if meeting.starts_at > turn.now:
        return not_started_reply(t, forum, meeting)
    if minutes is None:
        if not create:
            raise StaleCard()
        minutes = await _create(uow, turn, forum, meeting)
    return Draft(forum, meeting, minutes, await names_for(uow, forum, minutes))


async def _create(uow: UnitOfWork, turn: Turn, forum: Forum, meeting: Meeting) -> Minutes:
    """The first draft: the agenda's sections, and the organisations whose latest contribution says they attend."""
    contributions = await uow.contributions.latest_for_meeting(meeting.id)
    attending = [c.organisation_id for c in contributions if c.attending]
    content = starting_content(forum, [(s.id, s.title) for s in forum.sections], attending)
    minutes = await uow.minutes.save_draft(meeting_id=meeting.id, forum_id=forum.id, content=content,
                                           actor_id=turn.person.id, now=turn.now, expected_revision=None)
    audit_saved(uow, turn, forum, meeting, minutes, created=True)
    log.info("minutes draft created: meeting=%s items=%s", meeting.id, len(content.items))
    return minutes


async def open_draft(deps: Deps, turn: Turn, forum: Forum, meeting: Meeting) -> Draft | Reply:
    """`keeper_draft` with creation, in its own transaction; a concurrent first open is read back."""
    try:
        async with deps.uow() as uow:
            found = await keeper_draft(uow, turn, forum, meeting, create=True)
            await uow.commit()
        return found
    except ConflictingWrite:
        async with deps.uow() as uow:
            return await keeper_draft(uow, turn, forum, meeting, create=False)


async def names_for(uow: UnitOfWork, forum: Forum, minutes: Minutes | None = None) -> dict[str, str]:
    wanted = {r.holder_id for r in forum.roles if r.holder_id} | {m.person_id for m in forum.memberships}
    record = forum.record
    wanted |= {forum.chair_id, *record.approver_ids, *record.recipient_ids}
    wanted |= {record.secretary_id} if record.secretary_id else set()
    if minutes is not None and minutes.updated_by:
        wanted.add(minutes.updated_by)
    people = await uow.people.many(sorted(wanted))
    return {person_id: person.display_name for person_id, person in people.items()}


def audit_saved(
    uow: UnitOfWork, turn: Turn, forum: Forum, meeting: Meeting, minutes: Minutes, *, created: bool = False
) -> None:
    uow.audit.record(at=turn.now, action="minutes.saved", subject_type="meeting", subject_id=meeting.id,
                     actor_id=turn.person.id, forum_id=forum.id,
                     detail={"revision": minutes.revision, "created": created})


async def store(uow: UnitOfWork, turn: Turn, draft: Draft, content: MinutesContent, expected: int) -> Draft:
    """Save `content` over revision `expected` (raises `StaleDraft` when someone saved in between)."""
    saved = await uow.minutes.save_draft(meeting_id=draft.meeting.id, forum_id=draft.forum.id, content=content,
                                         actor_id=turn.person.id, now=turn.now, expected_revision=expected)
    audit_saved(uow, turn, draft.forum, draft.meeting, saved)
    log.info("minutes draft saved: meeting=%s revision=%s", draft.meeting.id, saved.revision)
    names = dict(draft.names)
    names.setdefault(turn.person.id, turn.person.display_name)
    return Draft(draft.forum, draft.meeting, saved, names)


def stale_note(t: Texts, draft: Draft) -> str:
    """Someone saved since this card was made: who and when, and that the typed text is still here."""
    minutes = draft.minutes
    name = draft.names.get(minutes.updated_by or "", minutes.updated_by or "?")
    when = format_datetime(t, minutes.updated_at, draft.forum.schedule.timezone)
    return t("draft.stale", name=name, time=when)


@dataclass(frozen=True)
class Screened:
    """Why the free text may not be stored as it is: the card's feedback, and fields with numbers masked."""

    feedback: Feedback
    masked: dict[str, str]


def screen_draft(
    deps: Deps, uow: UnitOfWork, turn: Turn, draft: Draft, fields: Mapping[str, str], labels: Mapping[str, str],
    data: Mapping[str, Any],
) -> Screened | None:
    """The personal-data guard, as for the lägesbild: identity numbers refused (masked in the card, never echoed);
    weaker signals confirmed once with *Spara ändå*. Audited by rule and field ids only."""
    t = turn.t
    screened = deps.screener.screen({k: v for k, v in fields.items() if v.strip()})
    if screened.blocked:
        findings = screened.with_tier(Tier.BLOCK)
        refused = list(dict.fromkeys(f.field for f in findings))
        masked = {name: redact(fields[name], [f for f in findings if f.field == name]) for name in refused}
        _audit_screening(uow, turn, draft, "screening.blocked", screened.rule_ids, tuple(refused))
        errors = [t("screening.guard.field_refused", field=labels.get(name, name)) for name in refused]
        return Screened(Feedback(errors=errors), masked)
    confirmed = set(str(data.get("confirmed") or "").split(","))
    if screened.needs_confirmation and not set(screened.rule_ids) <= confirmed:
        noticed = dict.fromkeys((f.field, f.text_key) for f in screened.findings)
        warnings = [t("draft.warn_intro")] + [t("screening.warn_item", field=labels.get(name, name), label=t(key))
                                               for name, key in noticed]
        return Screened(Feedback(warnings=warnings, confirm_rules=screened.rule_ids), {})
    if screened.needs_confirmation:
        _audit_screening(uow, turn, draft, "screening.override", screened.rule_ids, screened.fields)
    return None


def _audit_screening(
    uow: UnitOfWork, turn: Turn, draft: Draft, action: str, rule_ids: tuple[str, ...], fields: tuple[str, ...]
) -> None:
    uow.audit.record(at=turn.now, action=action, subject_type="meeting", subject_id=draft.meeting.id,
                     actor_id=turn.person.id, forum_id=draft.forum.id,
                     detail={"rules": list(rule_ids), "fields": list(fields)})
