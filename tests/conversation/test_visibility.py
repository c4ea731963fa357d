"""External organisations and who sees the compiled lägesbild, in Swedish and in English: the chair's card from
setup, its refusals, and what the channel and the people get at the deadline."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from bot.services.cycle import run_cycle
from domain.clock import FixedClock
from domain.visibility import SummaryVisibility
from storage.orm import OutboxRow
from storage.orm_auditors import AuditRow
from storage.unit_of_work import UnitOfWorkFactory
from tests.cardcheck import validate_cards
from tests.conversation.flows import join, set_up_forum
from tests.conversation.harness import CHANNEL, Chat, User, action_data, card_of, inputs_of, make_bot, texts_in
from tests.conversation.test_contribution import submit_data
from tests.conversation.test_minutes_publishing import posted
from tests.deps import deps_of

AFTER_DEADLINE = datetime(2026, 11, 25, 15, 30, tzinfo=UTC)  # the deadline is Wednesday 16:00 in Stockholm

WORDS = {
    "sv": {"command": "synlighet", "title": "Externa aktörer och synlighet", "label": "Vem får se",
           "saved": "skickas direkt till 2 personer", "stale": "har ändrats sedan kortet visades",
           "not_chair": "Anna Lindqvist", "notice": "skickad direkt till 2 personer från de kommunala",
           "setup": "konfigurera"},
    "en": {"command": "visibility", "title": "External organisations and visibility", "label": "Who may see",
           "saved": "sent directly to 2 people", "stale": "have changed since this card was shown",
           "not_chair": "Anna Lindqvist", "notice": "sent directly to 2 people from the municipal", "setup": "setup"},
}


def users(language: str) -> tuple[User, User, User]:
    locale = "sv-SE" if language == "sv" else "en-GB"
    return (User("29:anna", "Anna Lindqvist", locale), User("29:erik", "Erik Johansson", locale),
            User("29:bo", "Bo Bostad", locale))


async def forum_in(uow_factory: UnitOfWorkFactory, clock: FixedClock, language: str) -> tuple[Chat, tuple[User, ...]]:
    anna, erik, bo = users(language)
    bot, _ = make_bot(uow_factory, clock)
    channel = Chat(bot, conversation_id=CHANNEL, conversation_type="channel")
    await set_up_forum(channel, anna, name="Trygghetsforum", organisations=["Polisen", "Bostadsbolaget"],
                       language=language)
    await join(channel, erik, "Polisen", "participant")
    await join(channel, bo, "Bostadsbolaget", "participant")
    return channel, (anna, erik, bo)


def _choose(card: dict[str, Any], *, external: str, visibility: str) -> dict[str, Any]:
    inputs = inputs_of(card)
    toggle = next(k for k, v in inputs.items() if v.get("type") == "Input.Toggle" and v["label"] == external)
    values = {k: v.get("value", "") for k, v in inputs.items()}
    return {**values, toggle: "true", "visibility": visibility, **action_data(card, "visibility.save")}


async def _rows(uow_factory: UnitOfWorkFactory, kind: str) -> list[tuple[str | None, str | None, str]]:
    """(person, conversation, payload as text) of each queued row of `kind`."""
    async with uow_factory() as uow:
        found = await uow.session.scalars(select(OutboxRow).where(OutboxRow.kind == kind).order_by(OutboxRow.id))
        return [(r.person_id, r.conversation_id, str(r.payload)) for r in found]


@pytest.mark.parametrize("language", ["sv", "en"])
async def test_the_chair_marks_an_external_organisation_and_the_lägesbild_then_goes_1_1(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, language: str
) -> None:
    words = WORDS[language]
    channel, (anna, erik, _bo) = await forum_in(uow_factory, clock, language)
    setup = card_of((await channel.say(anna, words["setup"]))[-1])
    await channel.execute(anna, "visibility.open", action_data(setup, "visibility.open"))
    card = posted(channel)
    assert validate_cards([card]) == []
    assert card == card_of((await channel.say(anna, words["command"]))[-1])  # the command opens the same card
    assert words["title"] in texts_in(card)
    inputs = inputs_of(card)
    assert {v["label"] for v in inputs.values() if v.get("type") == "Input.Toggle"} == {"Polisen", "Bostadsbolaget"}
    assert inputs["visibility"]["label"].startswith(words["label"]) and inputs["visibility"]["value"] == "everyone"

    refused = await channel.execute(erik, "visibility.save", _choose(card, external="Bostadsbolaget",
                                                                     visibility="municipal"))
    assert words["not_chair"] in texts_in(refused["value"])
    saved = await channel.execute(anna, "visibility.save", _choose(card, external="Bostadsbolaget",
                                                                   visibility="municipal"))
    assert words["saved"] in texts_in(saved["value"])  # the chair and Erik for Polisen
    again = await channel.execute(anna, "visibility.save", _choose(card, external="Polisen", visibility="chair"))
    assert words["stale"] in texts_in(again["value"])  # an outdated copy changes nothing

    async with uow_factory() as uow:
        actions = list(await uow.session.scalars(select(AuditRow.action).order_by(AuditRow.id)))
        forum = await uow.forums.by_conversation(CHANNEL)
    assert forum is not None and [o.name for o in forum.organisations if o.external] == ["Bostadsbolaget"]
    assert forum.visibility.value == "municipal"
    assert actions.count("organisation.external_changed") == 1 and actions.count("visibility.changed") == 1

    clock.set(AFTER_DEADLINE)
    await run_cycle(deps_of(uow_factory), AFTER_DEADLINE)
    assert await _rows(uow_factory, "summary") == []  # nothing of its content in the channel
    [(_, conversation, notice)] = await _rows(uow_factory, "summary_notice")
    assert conversation == CHANNEL and words["notice"] in notice
    members = await _rows(uow_factory, "summary_member")
    assert {person for person, _, _ in members} == {erik.id}  # Anna has her own copy; Bo is external
    assert {person for person, _, _ in await _rows(uow_factory, "summary_chair")} == {anna.id}


@pytest.mark.parametrize("language", ["sv", "en"])
async def test_a_late_addition_edits_each_allowed_copy_in_place_and_never_the_channel(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, language: str
) -> None:
    channel, (anna, erik, bo) = await forum_in(uow_factory, clock, language)
    async with uow_factory() as uow:
        forum = await uow.forums.by_conversation(CHANNEL)
        assert forum is not None
        housing = next(o.id for o in forum.organisations if o.name == "Bostadsbolaget")
        await uow.forums.set_external(forum.id, {housing: True}, clock.now())
        await uow.forums.set_visibility(forum.id, SummaryVisibility.MUNICIPAL, clock.now())
        await uow.commit()
    clock.set(AFTER_DEADLINE)
    await run_cycle(deps_of(uow_factory), AFTER_DEADLINE)
    chat = Chat(channel.bot, conversation_id=f"a:{erik.id}", conversation_type="personal")
    card = card_of((await chat.say(erik, "lägesbild" if language == "sv" else "report"))[-1])
    await chat.execute(erik, "contribution.submit", submit_data(card, s2="Sent: oro vid stationen."))
    async with uow_factory() as uow:
        found = await uow.session.scalars(select(OutboxRow).order_by(OutboxRow.id))
        rows = {r.id: (r.kind, r.person_id, r.conversation_id, r.operation, r.update_of_id, str(r.payload))
                for r in found}
    updates = [row for row in rows.values() if row[0] == "summary_member_update"]
    assert {person for _, person, *_ in updates} == {anna.id, erik.id}
    for _, person, _, operation, update_of, payload in updates:
        assert operation == "update" and "Sent: oro vid stationen." in payload
        assert rows[update_of][1] == person and rows[update_of][0] in ("summary_member", "summary_chair")
    channel_rows = [row for row in rows.values() if row[2] == CHANNEL]
    assert not any("Sent: oro vid stationen." in row[5] for row in channel_rows)
    assert bo.id not in {row[1] for row in rows.values() if row[0].startswith("summary")}
