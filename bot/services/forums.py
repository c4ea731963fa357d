"""Forum setup: the first person to set up becomes chair; the chair edits everything later."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from bot.services.guards import chair_name, chaired_forum
from bot.services.meetings import follow_schedule
from bot.services.notify import texts_for
from bot.services.ports import Deps, UnitOfWork
from bot.services.screening import masked_values, screen_fields
from bot.services.turn import Reply, Turn
from bot.services.wording import word_form_errors
from dialogs.cards.elements import Element
from dialogs.cards.setup import (
    NEW_ORGANISATIONS,
    NEW_SECTIONS,
    ORG_PREFIX,
    SECTION_PREFIX,
    describe_schedule,
    forum_values,
    removal_card,
    saved_card,
    setup_card,
)
from dialogs.cards.setup_form import parse_setup, setup_free_text
from dialogs.texts import Texts
from dialogs.texts.formatting import format_datetime
from domain.model import Forum, Organisation, Schedule
from domain.revisions import setup_revision, typed_values
from domain.schedule import HolidayCalendar, next_occurrences
from domain.screening import Screener

log = logging.getLogger(__name__)


def _rows(forum: Forum) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    return [(s.id, s.title) for s in forum.sections], [(o.id, o.name) for o in forum.organisations]


def _card_forum(data: Mapping[str, Any]) -> str:
    return str(data.get("forum_id", ""))


async def open_setup(deps: Deps, turn: Turn) -> Reply:
    """`konfigurera`, in the forum's channel or group chat: the first person creates the forum and chairs it."""
    t = turn.t
    async with deps.uow() as uow:
        forum = await uow.forums.by_conversation(turn.origin.conversation_id.split(";messageid=")[0])
        if forum is None:
            forum = await _create_forum(uow, turn, deps.default_language)
            await uow.commit()
            return Reply(text=t("setup.created"), card=_setup_card(t, forum))
        if forum.chair_id != turn.person.id:
            return Reply(text=t("setup.already_setup", chair=await chair_name(uow, forum)))
    return Reply(card=_setup_card(t, forum))


def _setup_card(
    t: Texts,
    forum: Forum,
    *,
    typed: Mapping[str, Any] | None = None,
    errors: list[str] | None = None,
    note: str | None = None,
) -> Element:
    """The setup card for the forum as stored, with `typed` values (from a submitted card) laid over it.

    Only values for fields the current card has are kept: an item that has since been removed is not
    brought back by an outdated card.
    """
    values = forum_values(forum)
    for key, value in (typed or {}).items():
        if (key in values or key in (NEW_SECTIONS, NEW_ORGANISATIONS)) and isinstance(value, str | int | float):
            values[key] = str(value)
    sections, organisations = _rows(forum)
    return setup_card(t, forum_id=forum.id, values=values, sections=sections, organisations=organisations,
                      errors=errors or (), revision=setup_revision(forum), chair_id=forum.chair_id, note=note)


async def refresh_setup(deps: Deps, turn: Turn, data: Mapping[str, Any]) -> Reply:
    """Universal Actions refresh: the chair's copy of a setup card becomes the current one."""
    async with deps.uow() as uow:
        forum = await chaired_forum(uow, turn, _card_forum(data))
    return Reply(card=_setup_card(turn.t, forum), replace=True)


async def review_setup(deps: Deps, turn: Turn, data: Mapping[str, Any]) -> Reply:
    """Back from the removal question: the setup card with what the chair typed."""
    async with deps.uow() as uow:
        forum = await chaired_forum(uow, turn, _card_forum(data))
    if str(data.get("revision", "")) == setup_revision(forum):
        return Reply(card=_setup_card(turn.t, forum, typed=data), replace=True)
    typed = typed_values(dict(data), data.get("shown"))
    return Reply(card=_setup_card(turn.t, forum, typed=typed, note=turn.t("setup.stale.note")), replace=True)


async def _create_forum(uow: UnitOfWork, turn: Turn, default: str) -> Forum:
    # The forum's shared words (its default name and agenda) are in the forum's language, not the creator's.
    t = texts_for(None, None, default)
    conversation_id = turn.origin.conversation_id.split(";messageid=")[0]
    forum_id = await uow.forums.create(
        name=t("setup.default_name"),
        tenant_id=turn.origin.tenant_id or "",
        conversation_id=conversation_id,
        chair_id=turn.person.id,
        schedule=Schedule(),
        now=turn.now,
    )
    await uow.forums.replace_sections(forum_id, [(None, title) for title in t.words("setup.default_sections")],
                                      turn.now)
    uow.audit.record(at=turn.now, action="forum.created", subject_type="forum", subject_id=forum_id,
                     actor_id=turn.person.id, forum_id=forum_id)
    forum = await uow.forums.get(forum_id)
    assert forum is not None
    return forum


async def save_setup(deps: Deps, turn: Turn, data: Mapping[str, Any]) -> Reply:
    t = turn.t
    async with deps.uow() as uow:
        forum = await chaired_forum(uow, turn, _card_forum(data))
        if str(data.get("revision", "")) != setup_revision(forum):
            # An outdated copy (or a card from before revisions): saving it would undo what changed since.
            log.info("outdated setup card refused: forum=%s", forum.id)
            typed = typed_values(dict(data), data.get("shown"))
            return Reply(card=_setup_card(t, forum, typed=typed, note=t("setup.stale.note")), replace=True)
        refused = await _refuse_personal_data(uow, turn, forum, data, deps.screener)
        if refused is not None:
            return refused
        known = {s.id: s.position for s in forum.sections} | {o.id: o.position for o in forum.organisations}
        form, errors = parse_setup(data, known)
        if form is None:
            return Reply(card=_setup_card(t, forum, typed=data, errors=word_form_errors(t, errors)), replace=True)
        removed = _removed_organisations(forum, form.organisations)
        if removed and str(data.get("confirm_remove", "")) != ",".join(sorted(o.id for o in removed)):
            counts = await uow.contributions.count_by_organisation([o.id for o in removed])
            rows = [(o.id, o.name, counts.get(o.id, 0)) for o in removed]
            return Reply(card=removal_card(t, forum_id=forum.id, data=data, removed=rows), replace=True)
        await uow.forums.update_settings(forum.id, name=form.name, schedule=form.schedule, now=turn.now,
                                         language=form.language or forum.language)
        await uow.forums.replace_sections(forum.id, form.sections, turn.now)
        await uow.forums.replace_organisations(forum.id, form.organisations, turn.now)
        for organisation in removed:
            uow.audit.record(at=turn.now, action="organisation.retired", subject_type="organisation",
                             subject_id=organisation.id, actor_id=turn.person.id, forum_id=forum.id)
        uow.audit.record(at=turn.now, action="forum.settings_changed", subject_type="forum", subject_id=forum.id,
                         actor_id=turn.person.id, forum_id=forum.id,
                         detail={"sections": len(form.sections), "organisations": len(form.organisations),
                                 "language": form.language or forum.language})
        saved = await uow.forums.get(forum.id)
        assert saved is not None
        if saved.schedule != forum.schedule:
            await follow_schedule(uow, saved, turn.now, deps.holidays, default=deps.default_language)
        chair = await chair_name(uow, saved)
        await uow.commit()
    lines = _facts(turn, saved, deps.holidays)
    return Reply(card=saved_card(t, forum=saved.name, lines=lines, chair=chair, forum_id=saved.id), replace=True)


def _removed_organisations(forum: Forum, kept: list[tuple[str | None, str]]) -> list[Organisation]:
    """Stored organisations the form drops (an organisation typed again under the same name is kept)."""
    kept_ids = {item_id for item_id, _ in kept if item_id}
    kept_names = {name.casefold() for item_id, name in kept if not item_id}
    return [o for o in forum.organisations if o.id not in kept_ids and o.name.casefold() not in kept_names]


async def _refuse_personal_data(
    uow: UnitOfWork, turn: Turn, forum: Forum, data: Mapping[str, Any], screener: Screener
) -> Reply | None:
    """An identity number in any free-text field: nothing is saved, the card comes back with the number masked."""
    t = turn.t
    problems = screen_fields(screener, setup_free_text(data))
    if not problems:
        return None
    labels = _setup_labels(t, forum)
    errors = [t("screening.guard.field_refused", field=labels.get(p.field, p.field)) for p in problems]
    values = {k: str(v) for k, v in data.items() if isinstance(v, str | int | float)} | masked_values(problems)
    card = _setup_card(t, forum, typed=values, errors=errors)
    uow.audit.record(at=turn.now, action="screening.blocked", subject_type="forum", subject_id=forum.id,
                     actor_id=turn.person.id, forum_id=forum.id,
                     detail={"rules": sorted({r for p in problems for r in p.rule_ids}),
                             "fields": [p.field for p in problems]})
    await uow.commit()
    return Reply(card=card, replace=True)


def _setup_labels(t: Texts, forum: Forum) -> dict[str, str]:
    labels = {"name": t("setup.name"), "timezone": t("setup.timezone"), "breaks": t("screening.guard.breaks"),
              "sections_new": t("setup.sections_new"), "organisations_new": t("setup.organisations_new")}
    for number, section in enumerate(forum.sections, start=1):
        labels[SECTION_PREFIX + section.id] = t("setup.sections_item", number=number)
    for number, organisation in enumerate(forum.organisations, start=1):
        labels[ORG_PREFIX + organisation.id] = t("setup.organisations_item", number=number)
    return labels


def _facts(turn: Turn, forum: Forum, holidays: HolidayCalendar) -> list[tuple[str, str]]:
    t = turn.t
    meetings, collection = describe_schedule(t, forum.schedule)
    none = t("setup.fact_none")
    upcoming = next_occurrences(forum.schedule, turn.now, 1, holidays=holidays)
    next_label = format_datetime(t, upcoming[0].starts_at, forum.schedule.timezone) if upcoming else none
    return [
        (t("setup.fact_schedule"), meetings),
        (t("setup.fact_next"), next_label),
        (t("setup.fact_collection"), collection),
        (t("setup.fact_sections"), ", ".join(s.title for s in forum.sections) or none),
        (t("setup.fact_organisations"), ", ".join(o.name for o in forum.organisations) or none),
    ]
