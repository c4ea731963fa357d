"""Lägesbild contributions: opening the card, submitting and editing it (being away: bot/services/away.py)."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from bot.services import summaries
from bot.services.guards import Need, forum_for, held_organisations
from bot.services.meetings import local_today, upcoming_meeting
from bot.services.notify import Kind, to_person
from bot.services.ports import Deps, UnitOfWork
from bot.services.turn import Reply, Turn
from dialogs.cards.contribution import (
    MAX_SECTION_CHARS,
    RESOLVE_KEEP_TEXT,
    RESOLVE_NOTHING_NEW,
    ContributionForm,
    base_version_of,
    build_form,
    closed_card,
    contribution_card,
    saved_card,
    stored_form,
    submitted_areas,
    submitted_values,
)
from dialogs.cards.elements import message
from dialogs.texts import Texts
from dialogs.texts.formatting import format_date, format_datetime
from domain.collection import Phase, card_recipient, may_submit, phase
from domain.errors import ConflictingWrite, StaleCard
from domain.meetings import ContributionVersion, Meeting, StaleVersion
from domain.model import Forum, RoleKind
from domain.screening import Screener, Tier, redact

log = logging.getLogger(__name__)


async def _form_with_latest(
    uow: UnitOfWork, t: Texts, forum: Forum, meeting: Meeting, organisation_id: str, now: Any,
    person_id: str = "",
) -> ContributionForm:
    """The form prefilled with the organisation's latest version, if any."""
    latest = await uow.contributions.latest(meeting.id, organisation_id)
    late = phase(meeting.times, now) is Phase.LATE
    standing_in = await stand_in_name(uow, forum, organisation_id, person_id, meeting.local_date) if person_id else ""
    return stored_form(t, forum, meeting, organisation_id, latest, late=late, standing_in_for=standing_in)


async def stand_in_name(
    uow: UnitOfWork, forum: Forum, organisation_id: str, person_id: str, day: date
) -> str:
    """The away participant's name when `person_id` is the deputy who gets the card on `day`, else ''."""
    participant = forum.role(organisation_id, RoleKind.PARTICIPANT)
    organisation = forum.organisation(organisation_id)
    if organisation is None or participant is None or participant.holder_id in (None, person_id):
        return ""
    people = await uow.people.many([participant.holder_id, person_id])
    recipient = card_recipient(forum, organisation, people, day)
    if recipient is None or recipient.person_id != person_id or recipient.role is not RoleKind.DEPUTY:
        return ""
    away = people.get(participant.holder_id)
    return away.display_name if away else ""


@dataclass(frozen=True)
class ReportArgs:
    request_id: str
    text: str = ""  # `lägesbild <text>`
    masked: bool = False  # the channel message already had an identity number masked


async def open_report(deps: Deps, turn: Turn, args: ReportArgs) -> Reply:
    """`lägesbild`: the card in a 1:1 chat; from a channel it is sent 1:1, never posted publicly.

    `lägesbild <text>` carries the text into the card, in the section it starts with (`Trender: …`) or the
    first one, with any identity number masked (`masked`: the channel message already had one masked).
    """
    t = turn.t
    request_id, text, masked = args.request_id, args.text, args.masked
    async with deps.uow() as uow:
        forum = await forum_for(uow, turn, Need.ROLE_HOLDER)
        held = held_organisations(turn, forum)
        meeting = await upcoming_meeting(uow, forum, turn.now, deps.holidays)
        if meeting is None:
            await uow.commit()
            return Reply(text=t("contribution.no_meeting", forum=forum.name))
        form = await _form_with_latest(uow, t, forum, meeting, held[0].id, turn.now, turn.person.id)
        notices: list[str] = []
        notes: list[str] = []
        if text.strip():
            form, had_number, placed = _prefilled(form, text, deps.screener)
            if placed:
                notes.append(t("screening.guard.report_placed", section=placed))
            if had_number or masked:
                notices.append(t("screening.guard.report_masked"))
        card = contribution_card(t, form, errors=notices, notes=notes)
        if turn.origin.is_personal:
            await uow.commit()
            return Reply(card=card)
        await to_person(uow, Kind.CONTRIBUTION_CARD, turn.person.id, about=meeting.id, via=forum,
                        day=meeting.local_date, slot=request_id, payload=message(None, card), now=turn.now)
        await uow.commit()
    return Reply(text=t("contribution.sent_privately"))


def _prefilled(form: ContributionForm, text: str, screener: Screener) -> tuple[ContributionForm, bool, str]:
    """The form with `text` added to a section, identity numbers masked; whether there was one; the section."""
    if not form.sections:
        return form, False, ""
    section, body = form.sections[0], text.strip()
    head, colon, rest = body.partition(":")
    if colon:
        named = next((s for s in form.sections if s.title.casefold() == head.strip().casefold()), None)
        if named is not None and rest.strip():
            section, body = named, rest.strip()
    numbers = [f for f in screener.screen_text(section.id, body) if f.tier is Tier.BLOCK]
    body = redact(body, numbers)
    before = form.values.get(section.id, "").strip()
    values = {**form.values, section.id: f"{before}\n\n{body}" if before else body}
    return replace(form, values=values), bool(numbers), section.title


async def reopen(deps: Deps, turn: Turn, data: Mapping[str, Any]) -> Reply:
    """The 'Ändra' button on a submitted card: the editable card again, prefilled."""
    t = turn.t
    async with deps.uow() as uow:
        forum, meeting = await _meeting_and_forum(uow, data)
        organisation_id = str(data.get("organisation_id", ""))
        if not may_submit(forum, turn.person.id, organisation_id):
            # Another organisation's report is never shown to someone who does not hold its roles.
            organisation = forum.organisation(organisation_id)
            return Reply(text=t("contribution.error.not_allowed",
                                organisation=organisation.name if organisation else "?"), replace=True)
        if phase(meeting.times, turn.now) is Phase.CLOSED:
            form = build_form(t, forum, meeting, organisation_id)
            return Reply(card=closed_card(t, form), replace=True)
        form = await _form_with_latest(uow, t, forum, meeting, organisation_id, turn.now, turn.person.id)
    return Reply(card=contribution_card(t, form), replace=True)


async def _meeting_and_forum(uow: UnitOfWork, data: Mapping[str, Any]) -> tuple[Forum, Meeting]:
    """The meeting a contribution card is about and its forum; `StaleCard` when either is gone."""
    meeting = await uow.meetings.get(str(data.get("meeting_id", "")))
    forum = await uow.forums.get(meeting.forum_id) if meeting else None
    if meeting is None or forum is None:
        raise StaleCard()
    return forum, meeting


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class _Answer:
    """What the card says, with "Inget nytt or your text?" already resolved if the person answered it."""

    values: dict[str, str]
    nothing_new: bool
    attending: bool
    away_raw: str
    areas: dict[str, tuple[str, ...]]  # section id -> ticked area ids (domain/charter.py)


def _read_answer(forum: Forum, data: Mapping[str, Any]) -> _Answer:
    values = submitted_values(forum.sections, data)
    nothing_new = str(data.get("nothing_new", "false")).lower() == "true"
    resolve = str(data.get("resolve") or "")
    if nothing_new and resolve == RESOLVE_KEEP_TEXT:
        nothing_new = False
    elif nothing_new and resolve == RESOLVE_NOTHING_NEW:
        values = dict.fromkeys(values, "")
    return _Answer(values, nothing_new, str(data.get("attending", "yes")) != "no",
                   str(data.get("away_until") or "").strip(),
                   {k: v for k, v in submitted_areas(forum, data).items() if values.get(k, "").strip()})


async def submit(deps: Deps, turn: Turn, data: Mapping[str, Any]) -> Reply:
    """Validate, screen, and store a new version. On any problem the card comes back with the text intact."""
    t = turn.t
    async with deps.uow() as uow:
        forum, meeting = await _meeting_and_forum(uow, data)
        organisation_id = str(data.get("organisation_id", ""))
        organisation = forum.organisation(organisation_id)
        answer = _read_answer(forum, data)
        values, nothing_new, attending = answer.values, answer.nothing_new, answer.attending
        current = phase(meeting.times, turn.now)
        form = build_form(t, forum, meeting, organisation_id, values=values, nothing_new=nothing_new,
                          attending=attending, away_until=answer.away_raw, late=current is Phase.LATE,
                          base_version=base_version_of(data), area_values=answer.areas)
        if organisation is None or not may_submit(forum, turn.person.id, organisation_id):
            name = organisation.name if organisation else "?"
            return Reply(card=contribution_card(t, form, errors=[t("contribution.error.not_allowed",
                                                                      organisation=name)]), replace=True)
        if current is Phase.CLOSED:
            return Reply(card=closed_card(t, form), replace=True)
        errors = _validate(t, forum, values, nothing_new, attending, answer.away_raw, local_today(forum, turn.now))
        if errors:
            return Reply(card=contribution_card(t, form, errors=errors), replace=True)
        if nothing_new and any(v.strip() for v in values.values()):
            # Never silently drop text: ask which one holds, with the card and the text kept.
            return Reply(card=contribution_card(t, form, ask_nothing_new=True), replace=True)
        latest = await uow.contributions.latest(meeting.id, organisation_id, lock=True)
        if latest is not None and _same_content(forum, latest, values, nothing_new, attending, answer.areas):
            # The same card pressed twice (or resent unchanged): nothing new is stored.
            if answer.away_raw:
                await uow.people.set_away_until(turn.person.id, date.fromisoformat(answer.away_raw), turn.now)
                await uow.commit()
            return Reply(card=saved_card(t, form, latest, forum.schedule.timezone, already=True), replace=True)
        if latest is not None and latest.version != base_version_of(data):
            # Someone else changed the report since this card was made: keep what this person typed, say so,
            # and let them send it over the newer version on purpose.
            return _changed_reply(t, forum, form, latest)
        refusal = await _screen(uow, turn, forum, meeting.id, form, data, deps.screener)
        if refusal is not None:
            return refusal
        version: ContributionVersion | None
        try:
            version = await _store(uow, turn, forum, meeting, organisation_id, values, nothing_new,
                                   attending, late=current is Phase.LATE, areas=answer.areas,
                                   expected_version=latest.version if latest else 0, default=deps.default_language)
            if answer.away_raw:
                await uow.people.set_away_until(turn.person.id, date.fromisoformat(answer.away_raw), turn.now)
            await uow.commit()
        except (ConflictingWrite, StaleVersion):
            # Another submit for the organisation won the race (PostgreSQL reports it as a unique violation on
            # the contribution or its version number): answer as for any newer version, nothing is lost.
            log.info("contribution submit lost a race: meeting=%s organisation=%s", meeting.id, organisation_id)
            version = None
    if version is None:
        return await _after_race(deps, turn, forum, meeting, form, answer)
    return Reply(card=saved_card(t, form, version, forum.schedule.timezone, already=False), replace=True)


def _changed_reply(t: Texts, forum: Forum, form: ContributionForm, latest: ContributionVersion) -> Reply:
    newer = replace(form, base_version=latest.version)
    changed = t("contribution.error.changed", name=latest.submitted_by_name,
                time=format_datetime(t, latest.submitted_at, forum.schedule.timezone))
    return Reply(card=contribution_card(t, newer, errors=[changed]), replace=True)


async def _screen(
    uow: UnitOfWork, turn: Turn, forum: Forum, meeting_id: str, form: ContributionForm,
    data: Mapping[str, Any], screener: Screener,
) -> Reply | None:
    """The personal-data guard: a refusal or a confirmation card, or None when the text may be stored."""
    t = turn.t
    values = form.values
    screened = screener.screen({s.id: values[s.id] for s in forum.sections if values[s.id].strip()})
    titles = {s.id: s.title for s in forum.sections}
    if screened.blocked:
        # Nothing is stored, and the number does not travel back either: the card returns with the rest of the
        # text as typed and the number fully masked in its field, in the author's own 1:1 chat only.
        findings = screened.with_tier(Tier.BLOCK)
        blocked = {(f.field, f.masked): f for f in findings}
        messages = [t("screening.blocked", field=titles.get(field, field), masked=masked)
                    for field, masked in blocked]
        masked_values = {**values}
        for field in {f.field for f in findings}:
            masked_values[field] = redact(values[field], [f for f in findings if f.field == field])
        _count_hits(uow, turn, forum, meeting_id, screened.rule_ids, "screening.blocked")
        await uow.commit()
        return Reply(card=contribution_card(t, replace(form, values=masked_values), errors=messages), replace=True)
    confirmed = set(str(data.get("confirmed") or "").split(","))
    if screened.needs_confirmation and not set(screened.rule_ids) <= confirmed:
        noticed = dict.fromkeys((f.field, f.text_key) for f in screened.findings)
        warnings = [t("screening.warn_intro")] + [
            t("screening.warn_item", field=titles.get(field, field), label=t(key)) for field, key in noticed
        ]
        return Reply(card=contribution_card(t, form, warnings=warnings, confirm_rules=screened.rule_ids),
                     replace=True)
    if screened.needs_confirmation:
        _count_hits(uow, turn, forum, meeting_id, screened.rule_ids, "screening.override", fields=screened.fields)
    return None


def _same_content(
    forum: Forum, latest: ContributionVersion, values: Mapping[str, str], nothing_new: bool, attending: bool,
    areas: Mapping[str, tuple[str, ...]],
) -> bool:
    stored = {section_id: text for section_id, _, text in latest.sections if text}
    sent = {s.id: values.get(s.id, "").strip() for s in forum.sections if values.get(s.id, "").strip()}
    return (stored, latest.nothing_new, latest.attending, dict(latest.areas)) == (sent, nothing_new, attending,
                                                                                  dict(areas))


async def _after_race(
    deps: Deps, turn: Turn, forum: Forum, meeting: Meeting, form: ContributionForm,
    answer: _Answer,
) -> Reply:
    t = turn.t
    async with deps.uow() as uow:
        latest = await uow.contributions.latest(meeting.id, form.organisation_id)
    if latest is None:  # the other transaction did not commit either: let the person simply send again
        return Reply(card=contribution_card(t, form, errors=[t("contribution.error.retry")]), replace=True)
    if _same_content(forum, latest, answer.values, answer.nothing_new, answer.attending, answer.areas):
        return Reply(card=saved_card(t, form, latest, forum.schedule.timezone, already=True), replace=True)
    return _changed_reply(t, forum, form, latest)


def _validate(
    t: Texts, forum: Forum, values: Mapping[str, str], nothing_new: bool, attending: bool, away: str, today: date
) -> list[str]:
    errors = [
        t("contribution.error.section_too_long", section=s.title, max=MAX_SECTION_CHARS)
        for s in forum.sections
        if len(values.get(s.id, "")) > MAX_SECTION_CHARS
    ]
    if not nothing_new and attending and not any(v.strip() for v in values.values()):
        errors.append(t("contribution.error.empty"))
    if away:
        try:
            if not _ISO_DATE.match(away):
                raise ValueError(away)
            if date.fromisoformat(away) < today:
                errors.append(t("contribution.away_past", date=format_date(t, date.fromisoformat(away))))
        except ValueError:
            errors.append(t("contribution.error.away_date"))
    return errors


def _count_hits(
    uow: UnitOfWork, turn: Turn, forum: Forum, meeting_id: str, rule_ids: tuple[str, ...], action: str,
    fields: tuple[str, ...] = (),
) -> None:
    """Audit by rule id (and field id) only: never the text or the matched value."""
    uow.audit.record(at=turn.now, action=action, subject_type="meeting", subject_id=meeting_id,
                     actor_id=turn.person.id, forum_id=forum.id,
                     detail={"rules": list(rule_ids), "fields": list(fields)})


async def _store(
    uow: UnitOfWork, turn: Turn, forum: Forum, meeting: Meeting, organisation_id: str,
    values: Mapping[str, str], nothing_new: bool, attending: bool, *, late: bool, expected_version: int | None = None,
    default: str, areas: Mapping[str, tuple[str, ...]] | None = None,
) -> ContributionVersion:
    sections = [(s.id, s.title, values.get(s.id, "").strip()) for s in forum.sections]
    version = await uow.contributions.add_version(
        meeting_id=meeting.id, organisation_id=organisation_id, sections=sections, nothing_new=nothing_new,
        attending=attending, submitted_by=turn.person.id, submitted_by_name=turn.person.display_name,
        after_deadline=late, now=turn.now, expected_version=expected_version, areas=areas,
    )
    uow.audit.record(at=turn.now, action="contribution.submitted", subject_type="contribution",
                     subject_id=version.contribution_id, actor_id=turn.person.id, forum_id=forum.id,
                     detail={"meeting": meeting.id, "organisation": organisation_id, "version": version.version,
                             "late": late})
    log.info("contribution stored: meeting=%s organisation=%s version=%s late=%s", meeting.id, organisation_id,
             version.version, late)
    if late:
        await summaries.update_after_late(uow, forum, meeting, organisation_id, turn.now, default=default)
    return version


async def edit_again(deps: Deps, turn: Turn, data: Mapping[str, Any]) -> Reply:
    """'Ändra' after a warning: the editable card with what the person typed, nothing stored."""
    t = turn.t
    async with deps.uow() as uow:
        forum, meeting = await _meeting_and_forum(uow, data)
    form = build_form(
        t, forum, meeting, str(data.get("organisation_id", "")), values=submitted_values(forum.sections, data),
        nothing_new=str(data.get("nothing_new", "false")).lower() == "true",
        attending=str(data.get("attending", "yes")) != "no", away_until=str(data.get("away_until") or ""),
        late=phase(meeting.times, turn.now) is Phase.LATE, base_version=base_version_of(data),
        area_values=submitted_areas(forum, data),
    )
    return Reply(card=contribution_card(t, form), replace=True)
