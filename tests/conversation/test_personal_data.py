"""The personal-data guard beyond the lägesbild card: setup fields, and text written in the channel (sv and en)."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from domain.clock import FixedClock
from storage.orm import OutboxRow
from storage.orm_auditors import AuditRow
from storage.unit_of_work import UnitOfWorkFactory
from tests.conversation.flows import join, set_up_forum, values_from
from tests.conversation.harness import (
    CHANNEL,
    Chat,
    User,
    action_data,
    card_of,
    inputs_of,
    make_bot,
    texts_in,
)

ANNA = User("29:anna", "Anna Lindqvist")
ERIK = User("29:erik", "Erik Johansson")
JOHN = User("29:john", "John Smith", locale="en-US")
MARY = User("29:mary", "Mary Jones", locale="en-GB")

FULL_WIDTH = "８１１２２８－９８７４"
# The number in any of the forms the tests type (ids in JSON are hex, so a bare "9874" may occur in them).
NUMBER = re.compile(r"(?:811228|８１１２２８)\D{0,4}(?:9874|９８７４|98 74)")
LAST_FOUR = ("9874", "９８７４", "98 74")


def assert_no_number(*blobs: str) -> None:
    for blob in blobs:
        assert NUMBER.search(blob) is None


def assert_not_shown(*visible: str) -> None:
    """Visible texts (what a person reads) carry not even the last four digits."""
    assert_no_number(*visible)
    for text in visible:
        for digits in LAST_FOUR:
            assert digits not in text


def channel(bot: Any, conversation_id: str = CHANNEL) -> Chat:
    return Chat(bot, conversation_id=conversation_id, conversation_type="channel")


def personal(bot: Any, user: User) -> Chat:
    return Chat(bot, conversation_id=f"a:{user.id}", conversation_type="personal")


async def forum_with_participants(uow: UnitOfWorkFactory, clock: FixedClock) -> tuple[Any, Chat]:
    bot, _ = make_bot(uow, clock)
    chat = channel(bot)
    await set_up_forum(chat, ANNA, name="Trygghetsforum", organisations=["Polisen", "Socialtjänsten"])
    await join(chat, ERIK, "Polisen", "participant")
    await join(chat, JOHN, "Socialtjänsten", "participant")
    return bot, chat


async def setup_card_of(chat: Chat, user: User, word: str = "konfigurera") -> tuple[dict[str, Any], dict[str, Any]]:
    card = card_of((await chat.say(user, word))[-1])
    return card, {**values_from(card), **action_data(card, "setup.save")}


@dataclass(frozen=True)
class Queued:
    kind: str
    person_id: str | None
    conversation_id: str | None
    payload: dict[str, Any]


async def outbox(uow: UnitOfWorkFactory, kind: str | None = None) -> list[Queued]:
    async with uow() as session:
        query = select(OutboxRow).order_by(OutboxRow.id)
        if kind is not None:
            query = query.where(OutboxRow.kind == kind)
        rows = list(await session.session.scalars(query))
        return [Queued(r.kind, r.person_id, r.conversation_id, dict(r.payload)) for r in rows]


async def audit_details(uow: UnitOfWorkFactory, action: str | None = None) -> list[dict[str, Any]]:
    async with uow() as session:
        query = select(AuditRow).order_by(AuditRow.id)
        if action is not None:
            query = query.where(AuditRow.action == action)
        return [{"action": a.action, **(a.detail or {})} for a in await session.session.scalars(query)]


def card_in(row: Queued) -> dict[str, Any]:
    attachments: Any = row.payload["attachments"]
    content: dict[str, Any] = attachments[0]["content"]
    return content


def first_input(card: dict[str, Any], prefix: str) -> str:
    return next(k for k in inputs_of(card) if k.startswith(prefix))


# --- item 6: every setup field is screened -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "typed", "label", "masked"),
    [
        ("name", "Trygghetsforum 19811228 - 9874", "Forumets namn", "Trygghetsforum ******** - ****"),
        ("organisations_new", f"Fritidsgården\nFamiljen {FULL_WIDTH}", "Nya organisationer, en per rad",
         "Fritidsgården\nFamiljen ******－****"),
        ("org__", "Polisen pnr-811228-9874", "Organisation 1", "Polisen pnr-******-****"),
        ("section__", "Ärende 81 12 28-98 74", "Punkt 1", "Ärende ** ** **-** **"),
        ("sections_new", "Uppföljning\n811228/9874", "Nya punkter, en per rad", "Uppföljning\n******/****"),
        ("breaks", "2026-12-21 2027-01-06\n811228\u00ad-9874", "Uppehåll", "2026-12-21 2027-01-06\n******\u00ad-****"),
    ],
)
async def test_a_personnummer_in_any_setup_field_is_refused_and_masked_and_nothing_is_saved(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, field: str, typed: str, label: str, masked: str
) -> None:
    bot, _ = make_bot(uow_factory, clock)
    chat = channel(bot)
    await set_up_forum(chat, ANNA, name="Trygghetsforum", organisations=["Polisen", "Socialtjänsten"])
    card, data = await setup_card_of(chat, ANNA)
    key = field if not field.endswith("__") else first_input(card, field)
    body = await chat.execute(ANNA, "setup.save", {**data, key: typed})
    returned = body["value"]
    shown = texts_in(returned)
    assert f"”{label}” har inte sparats eftersom texten innehåller något som ser ut som ett personnummer" in shown
    assert inputs_of(returned)[key]["value"] == masked  # what was typed is kept, the number masked
    assert_no_number(json.dumps(returned, ensure_ascii=False))
    assert_not_shown(shown)
    async with uow_factory() as uow:
        forum = await uow.forums.by_conversation(CHANNEL)
    audit = await audit_details(uow_factory, "screening.blocked")
    assert forum is not None and forum.name == "Trygghetsforum"
    assert [o.name for o in forum.organisations] == ["Polisen", "Socialtjänsten"]
    assert len(forum.sections) == 6 and not forum.schedule.breaks
    assert audit and key in audit[0]["fields"]
    assert_no_number(repr(audit))


async def test_the_refused_setup_card_keeps_the_rest_of_what_was_typed_and_saves_once_the_number_is_gone(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    bot, _ = make_bot(uow_factory, clock)
    chat = channel(bot)
    await set_up_forum(chat, ANNA, name="Trygghetsforum", organisations=["Polisen"])
    _, data = await setup_card_of(chat, ANNA)
    typed = {**data, "name": "Trygghetsforum Norrby", "organisations_new": f"Skolan\nFamiljen {FULL_WIDTH}"}
    returned = (await chat.execute(ANNA, "setup.save", typed))["value"]
    values = values_from(returned)
    assert values["name"] == "Trygghetsforum Norrby"
    assert values["organisations_new"] == "Skolan\nFamiljen ******－****"
    fixed = {**values, "organisations_new": "Skolan", **action_data(returned, "setup.save")}
    saved = (await chat.execute(ANNA, "setup.save", fixed))["value"]
    assert "Trygghetsforum Norrby är sparat" in texts_in(saved)


async def test_organisation_numbers_dates_and_phone_numbers_in_setup_fields_are_not_refused(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    bot, _ = make_bot(uow_factory, clock)
    chat = channel(bot)
    body = await set_up_forum(
        chat, ANNA, name="Trygghetsforum KS-2026-0042", organisations=["Bostadsbolaget AB 556036-0793", "Polisen"],
        breaks="2026-12-21 2027-01-06\n2027-06-21 – 2027-08-08", sections_new="Fältgruppen 070-123 45 67",
    )
    assert "Trygghetsforum KS-2026-0042 är sparat" in texts_in(body["value"])
    async with uow_factory() as uow:
        forum = await uow.forums.by_conversation(CHANNEL)
    assert forum is not None and forum.organisations[0].name == "Bostadsbolaget AB 556036-0793"
    assert len(forum.schedule.breaks) == 2


async def test_a_personnummer_in_the_setup_card_is_refused_in_english(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    bot, _ = make_bot(uow_factory, clock)
    chat = channel(bot, "19:other@thread.tacv2")
    await set_up_forum(chat, MARY, name="Safety forum", organisations=["Police"])
    _, data = await setup_card_of(chat, MARY, "setup")
    returned = (await chat.execute(MARY, "setup.save", {**data, "organisations_new": "Family 811228 + 9874"}))["value"]
    shown = texts_in(returned)
    assert "“New organisations, one per line” was not saved because the text contains what looks like" in shown
    assert values_from(returned)["organisations_new"] == "Family ****** + ****"
    assert_no_number(json.dumps(returned, ensure_ascii=False))
    assert_not_shown(shown)


# --- item 5: text written in the channel -------------------------------------------------------------------


async def test_report_text_written_in_the_channel_is_carried_into_the_private_card(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    _, chat = await forum_with_participants(uow_factory, clock)
    replies = await chat.say(ERIK, "<at>Forumbot</at> lägesbild Oro vid torget på kvällarna.\nFler unga än vanligt.")
    assert [r.text for r in replies] == ["Jag har skickat formuläret till dig i en privat chatt."]
    (row,) = await outbox(uow_factory, "contribution_card")
    card = card_in(row)
    assert inputs_of(card)[first_input(card, "s__")]["value"] == "Oro vid torget på kvällarna.\nFler unga än vanligt."
    assert "Lägesbilden är inte sparad ännu" not in texts_in(card)
    # The card says where the text was put, so nobody has to guess which field it landed in.
    assert "Det du skrev i kanalen ligger under ”Uppföljning av föregående minnesanteckningar”" in texts_in(card)
    assert await outbox(uow_factory, "screening_warning") == []


async def test_report_text_can_name_its_section(uow_factory: UnitOfWorkFactory, clock: FixedClock) -> None:
    _, chat = await forum_with_participants(uow_factory, clock)
    await chat.say(ERIK, "<at>Forumbot</at> lägesbild trender och mönster: Fler mopeder kring skolan.")
    (row,) = await outbox(uow_factory, "contribution_card")
    card = card_in(row)
    trends = next(k for k, node in inputs_of(card).items() if node.get("label") == "Trender och mönster")
    assert inputs_of(card)[trends]["value"] == "Fler mopeder kring skolan."
    assert "value" not in inputs_of(card)[first_input(card, "s__")]


async def test_a_personnummer_written_in_the_channel_gets_a_private_warning_and_is_never_echoed(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    _, chat = await forum_with_participants(uow_factory, clock)
    replies = await chat.say(ERIK, "<at>Forumbot</at> lägesbild Pojken med pnr 811228 - 9874 syns vid torget.")
    assert [r.text for r in replies] == ["Jag har skickat formuläret till dig i en privat chatt."]
    assert not any(r.attachments for r in replies)  # no card in the channel
    (warning,) = await outbox(uow_factory, "screening_warning")
    assert warning.person_id == ERIK.id and warning.conversation_id is None
    assert str(warning.payload["text"]).startswith("Ditt meddelande i kanalen innehåller något som ser ut som")
    assert "Ta bort meddelandet i kanalen" in str(warning.payload["text"])
    (row,) = await outbox(uow_factory, "contribution_card")
    card = card_in(row)
    assert inputs_of(card)[first_input(card, "s__")]["value"] == "Pojken med pnr ****** - **** syns vid torget."
    assert "Numret har maskerats med *" in texts_in(card)
    rows = await outbox(uow_factory)
    assert_no_number(*(json.dumps(r.payload, ensure_ascii=False) for r in rows), caplog.text)
    assert_not_shown(*(r.text or "" for r in replies), *(str(r.payload.get("text")) for r in rows),
                     *(texts_in(card_in(r)) for r in rows if r.payload.get("attachments")))
    assert_no_number(repr(await audit_details(uow_factory)))


@pytest.mark.parametrize(
    "said",
    [
        "<at>Forumbot</at> hej, gäller det 19811228-9874?",
        "<at>Forumbot</at> nästa möte pnr:811228-9874",
        "<at>Forumbot</at> ８１１２２８－９８７４",
    ],
)
async def test_any_message_to_the_bot_in_the_channel_with_a_personnummer_gets_the_private_warning(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, said: str
) -> None:
    _, chat = await forum_with_participants(uow_factory, clock)
    replies = await chat.say(ERIK, said)
    assert replies
    assert_not_shown(*(r.text or "" for r in replies), *(texts_in(card_of(r)) for r in replies if r.attachments))
    (warning,) = await outbox(uow_factory, "screening_warning")
    assert warning.person_id == ERIK.id


async def test_a_personnummer_in_the_channel_is_flagged_in_english(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    _, chat = await forum_with_participants(uow_factory, clock)
    replies = await chat.say(JOHN, "<at>Forumbot</at> report Boy with ID 811228-9874 seen at the square.")
    assert [r.text for r in replies] == ["I have sent you the form in a private chat."]
    (warning,) = await outbox(uow_factory, "screening_warning")
    assert str(warning.payload["text"]).startswith("Your message in the channel contains what looks like")
    (row,) = await outbox(uow_factory, "contribution_card")
    card = card_in(row)
    assert inputs_of(card)[first_input(card, "s__")]["value"] == "Boy with ID ******-**** seen at the square."
    assert "The number has been masked with *" in texts_in(card)
    assert_no_number(*(json.dumps(r.payload, ensure_ascii=False) for r in await outbox(uow_factory)))


async def test_a_phone_number_or_date_in_the_channel_is_no_reason_for_a_warning(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    _, chat = await forum_with_participants(uow_factory, clock)
    await chat.say(ERIK, "<at>Forumbot</at> lägesbild Ring 070-123 45 67 före 2026-11-26, dnr KS-2026-0042.")
    assert await outbox(uow_factory, "screening_warning") == []
    (row,) = await outbox(uow_factory, "contribution_card")
    card = card_in(row)
    assert "070-123 45 67" in inputs_of(card)[first_input(card, "s__")]["value"]


async def test_report_text_in_a_personal_chat_is_prefilled_and_a_number_masked(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    bot, _ = await forum_with_participants(uow_factory, clock)
    chat = personal(bot, ERIK)
    card = card_of((await chat.say(ERIK, "lägesbild Lugnt i centrum, men 811228-9874 nämndes."))[-1])
    assert inputs_of(card)[first_input(card, "s__")]["value"] == "Lugnt i centrum, men ******-**** nämndes."
    assert "Numret har maskerats med *" in texts_in(card)
    assert await outbox(uow_factory) == []  # a private chat needs no warning to delete anything
