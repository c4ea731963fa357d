"""Forum setup: the first person to set up becomes chair; the chair edits everything later."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.forms import parse_setup, setup_free_text
from bot.services.meetings import follow_schedule, holidays
from bot.services.screening import masked_values, screen_fields, screener
from bot.services.summaries import FORUM_LANGUAGE
from bot.services.turn import Reply, Turn
from bot.services.wording import word_form_errors
from dialogs.cards.setup import ORG_PREFIX, SECTION_PREFIX, describe_schedule, forum_values, saved_card, setup_card
from dialogs.texts import Texts, for_language
from dialogs.texts.formatting import format_datetime
from domain.model import Forum, Schedule
from domain.schedule import next_occurrences
from storage.unit_of_work import SqlAlchemyUnitOfWork, UnitOfWorkFactory


def _rows(forum: Forum) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    return [(s.id, s.title) for s in forum.sections], [(o.id, o.name) for o in forum.organisations]


async def chair_name(uow: SqlAlchemyUnitOfWork, forum: Forum) -> str:
    chair = await uow.people.get(forum.chair_id)
    return chair.display_name if chair else forum.chair_id


async def chaired_forum(
    uow: SqlAlchemyUnitOfWork, turn: Turn, data: Mapping[str, Any]
) -> tuple[Forum | None, Reply | None]:
    """The forum a chair's card is about, or the reply refusing it (stale card, or not the chair)."""
    forum = await uow.forums.get(str(data.get("forum_id", "")))
    if forum is None:
        return None, Reply(text=turn.t("error.stale_card"))
    if forum.chair_id != turn.person.id:
        return None, Reply(text=turn.t("error.not_chair", chair=await chair_name(uow, forum)))
    return forum, None


async def open_setup(uow_factory: UnitOfWorkFactory, turn: Turn) -> Reply:
    t = turn.t
    if turn.origin.is_personal:
        return Reply(text=t("error.channel_only"))
    async with uow_factory() as uow:
        forum = await uow.forums.by_conversation(turn.origin.conversation_id.split(";messageid=")[0])
        if forum is None:
            forum = await _create_forum(uow, turn)
            await uow.commit()
            sections, organisations = _rows(forum)
            card = setup_card(t, forum_id=forum.id, values=forum_values(forum), sections=sections,
                              organisations=organisations)
            return Reply(text=t("setup.created"), card=card)
        if forum.chair_id != turn.person.id:
            return Reply(text=t("setup.already_setup", chair=await chair_name(uow, forum)))
    sections, organisations = _rows(forum)
    card = setup_card(t, forum_id=forum.id, values=forum_values(forum), sections=sections,
                      organisations=organisations)
    return Reply(card=card)


async def _create_forum(uow: SqlAlchemyUnitOfWork, turn: Turn) -> Forum:
    # The forum's shared words (its default name and agenda) are in the forum's language, not the creator's.
    t = for_language(FORUM_LANGUAGE)
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


async def save_setup(uow_factory: UnitOfWorkFactory, turn: Turn, data: Mapping[str, Any]) -> Reply:
    t = turn.t
    async with uow_factory() as uow:
        forum, refusal = await chaired_forum(uow, turn, data)
        if forum is None:
            return refusal or Reply(text=t("error.stale_card"))
        refused = await _refuse_personal_data(uow, turn, forum, data)
        if refused is not None:
            return refused
        known = {s.id: s.position for s in forum.sections} | {o.id: o.position for o in forum.organisations}
        form, errors = parse_setup(data, known)
        if form is None:
            sections, organisations = _rows(forum)
            values = {k: str(v) for k, v in data.items() if isinstance(v, str | int | float)}
            card = setup_card(t, forum_id=forum.id, values=values, sections=sections,
                              organisations=organisations, errors=word_form_errors(t, errors))
            return Reply(card=card, replace=True)
        await uow.forums.update_settings(forum.id, name=form.name, schedule=form.schedule, now=turn.now)
        await uow.forums.replace_sections(forum.id, form.sections, turn.now)
        await uow.forums.replace_organisations(forum.id, form.organisations, turn.now)
        uow.audit.record(at=turn.now, action="forum.settings_changed", subject_type="forum", subject_id=forum.id,
                         actor_id=turn.person.id, forum_id=forum.id,
                         detail={"sections": len(form.sections), "organisations": len(form.organisations)})
        saved = await uow.forums.get(forum.id)
        assert saved is not None
        if saved.schedule != forum.schedule:
            await follow_schedule(uow, saved, turn.now)
        chair = await chair_name(uow, saved)
        await uow.commit()
    return Reply(card=saved_card(t, forum=saved.name, lines=_facts(turn, saved), chair=chair), replace=True)


async def _refuse_personal_data(
    uow: SqlAlchemyUnitOfWork, turn: Turn, forum: Forum, data: Mapping[str, Any]
) -> Reply | None:
    """An identity number in any free-text field: nothing is saved, the card comes back with the number masked."""
    t = turn.t
    problems = screen_fields(screener(), setup_free_text(data))
    if not problems:
        return None
    labels = _setup_labels(t, forum)
    errors = [t("screening.guard.field_refused", field=labels.get(p.field, p.field)) for p in problems]
    values = {k: str(v) for k, v in data.items() if isinstance(v, str | int | float)} | masked_values(problems)
    sections, organisations = _rows(forum)
    card = setup_card(t, forum_id=forum.id, values=values, sections=sections, organisations=organisations,
                      errors=errors)
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


def _facts(turn: Turn, forum: Forum) -> list[tuple[str, str]]:
    t = turn.t
    meetings, collection = describe_schedule(t, forum.schedule)
    none = t("setup.fact_none")
    upcoming = next_occurrences(forum.schedule, turn.now, 1, holidays=holidays())
    next_label = format_datetime(t, upcoming[0].starts_at, forum.schedule.timezone) if upcoming else none
    return [
        (t("setup.fact_schedule"), meetings),
        (t("setup.fact_next"), next_label),
        (t("setup.fact_collection"), collection),
        (t("setup.fact_sections"), ", ".join(s.title for s in forum.sections) or none),
        (t("setup.fact_organisations"), ", ".join(o.name for o in forum.organisations) or none),
    ]
