"""The lägesbild card in a 1:1 chat: submit, edit, personal-data refusal and confirmation, in sv and en."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from domain.clock import FixedClock
from storage.orm import ContributionVersionRow, OutboxRow
from storage.orm_auditors import AuditRow
from storage.unit_of_work import UnitOfWorkFactory
from tests.conversation.flows import join, set_up_forum
from tests.conversation.harness import CHANNEL, Chat, User, card_of, inputs_of, make_bot, texts_in

ANNA = User("29:anna", "Anna Lindqvist")
ERIK = User("29:erik", "Erik Johansson")
FATIMA = User("29:fatima", "Fatima Hassan")
JOHN = User("29:john", "John Smith", locale="en-US")


async def forum_with_participants(uow: UnitOfWorkFactory, clock: FixedClock) -> tuple[Any, Chat]:
    bot, _ = make_bot(uow, clock)
    channel = Chat(bot, conversation_id=CHANNEL, conversation_type="channel")
    await set_up_forum(channel, ANNA, name="Trygghetsforum", organisations=["Polisen", "Socialtjänsten"])
    await join(channel, ERIK, "Polisen", "participant")
    await join(channel, FATIMA, "Polisen", "deputy")
    await join(channel, JOHN, "Socialtjänsten", "participant")
    return bot, channel


def personal(bot: Any, user: User) -> Chat:
    return Chat(bot, conversation_id=f"a:{user.id}", conversation_type="personal")


def submit_data(card: dict[str, Any], **texts: str) -> dict[str, Any]:
    """Fill section inputs by position (s1, s2 …) and keep everything else as shown."""
    inputs = inputs_of(card)
    sections = [k for k in inputs if k.startswith("s__")]
    data = {k: v.get("value", "") for k, v in inputs.items()}
    for name, value in texts.items():
        data[sections[int(name[1:]) - 1]] = value
    action = next(a for a in card["actions"] if a["verb"] == "contribution.submit")
    return {**data, **{k: v for k, v in action["data"].items() if k != "verb"}}


async def open_card(chat: Chat, user: User, word: str = "lägesbild") -> dict[str, Any]:
    return card_of((await chat.say(user, word))[-1])


async def test_a_participant_submits_and_the_card_shows_who_and_when(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    bot, _ = await forum_with_participants(uow_factory, clock)
    chat = personal(bot, ERIK)
    card = await open_card(chat, ERIK)
    assert all(node.get("label") for node in inputs_of(card).values())
    assert "Aktuella händelser" in texts_in(card)
    body = await chat.execute(ERIK, "contribution.submit", submit_data(card, s2="Oro vid centrum på kvällarna."))
    shown = texts_in(body["value"])
    assert "Inlämnad måndag 23 november 2026 kl. 08:00 av Erik Johansson" in shown
    assert "Oro vid centrum på kvällarna." in shown
    assert any(a.get("verb") == "contribution.open" for a in body["value"]["actions"])


async def test_editing_keeps_every_version_and_the_latest_counts(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    bot, _ = await forum_with_participants(uow_factory, clock)
    erik, fatima = personal(bot, ERIK), personal(bot, FATIMA)
    card = await open_card(erik, ERIK)
    await erik.execute(ERIK, "contribution.submit", submit_data(card, s2="Första versionen."))
    clock.set(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    again = await open_card(fatima, FATIMA)  # the deputy may edit the organisation's contribution too
    second_section = [k for k in inputs_of(again) if k.startswith("s__")][1]
    assert inputs_of(again)[second_section]["value"] == "Första versionen."  # prefilled with the latest
    body = await fatima.execute(FATIMA, "contribution.submit", submit_data(again, s2="Andra versionen."))
    assert "av Fatima Hassan" in texts_in(body["value"]) and "Version\n2" in texts_in(body["value"])
    async with uow_factory() as uow:
        rows = list(await uow.session.scalars(select(ContributionVersionRow).order_by(ContributionVersionRow.version)))
        assert [(r.version, r.submitted_by) for r in rows] == [(1, ERIK.id), (2, FATIMA.id)]


async def test_a_personnummer_is_refused_with_the_text_kept_and_the_number_masked(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    bot, _ = await forum_with_participants(uow_factory, clock)
    chat = personal(bot, ERIK)
    card = await open_card(chat, ERIK)
    typed = "Pojke med personnummer 811228-9874 syns ofta vid torget."
    body = await chat.execute(ERIK, "contribution.submit", submit_data(card, s2=typed))
    returned = body["value"]
    shown = texts_in(returned)
    assert "811228-****" in shown and "811228-9874" not in shown.replace(typed, "")
    field = [k for k in inputs_of(returned) if k.startswith("s__")][1]
    # The rest of what the user typed is kept; the number itself is never echoed back (not even 1:1: the card
    # the bot sends is stored in the chat's history), so the field holds it masked.
    assert inputs_of(returned)[field]["value"] == "Pojke med personnummer ******-**** syns ofta vid torget."
    assert "811228-9874" not in json.dumps(returned)
    async with uow_factory() as uow:
        assert list(await uow.session.scalars(select(ContributionVersionRow))) == []
        audit = list(await uow.session.scalars(select(AuditRow).where(AuditRow.action == "screening.blocked")))
        assert audit and "9874" not in repr([a.detail for a in audit])


async def test_a_weak_signal_asks_for_confirmation_and_send_anyway_stores_with_the_rule_id_only(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    bot, _ = await forum_with_participants(uow_factory, clock)
    chat = personal(bot, ERIK)
    card = await open_card(chat, ERIK)
    typed = "Oro kring adressen Storgatan 12 på kvällstid."
    warned = (await chat.execute(ERIK, "contribution.submit", submit_data(card, s3=typed)))["value"]
    titles = [a["title"] for a in warned["actions"]]
    assert titles == ["Skicka ändå", "Ändra"]
    async with uow_factory() as uow:
        assert list(await uow.session.scalars(select(ContributionVersionRow))) == []

    edit = (await chat.execute(ERIK, "contribution.edit", submit_data(warned, s3=typed) | {"verb": "x"}))["value"]
    assert [a["title"] for a in edit["actions"]] == ["Skicka"]

    anyway = next(a for a in warned["actions"] if a["title"] == "Skicka ändå")
    data = submit_data(warned, s3=typed) | {"confirmed": anyway["data"]["confirmed"]}
    stored = (await chat.execute(ERIK, "contribution.submit", data))["value"]
    assert "Inlämnad" in texts_in(stored)
    async with uow_factory() as uow:
        override = list(await uow.session.scalars(select(AuditRow).where(AuditRow.action == "screening.override")))
        assert [a.detail["rules"] for a in override] == [["address.street"]]
        assert "Storgatan" not in repr([a.detail for a in override])


async def test_the_card_works_in_english_for_an_english_teams_client(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    bot, _ = await forum_with_participants(uow_factory, clock)
    chat = personal(bot, JOHN)
    card = await open_card(chat, JOHN, "report")
    assert "Situation report for Trygghetsforum" in texts_in(card)
    empty = (await chat.execute(JOHN, "contribution.submit", submit_data(card)))["value"]
    assert "Please write something under at least one section" in texts_in(empty)
    refused = (await chat.execute(JOHN, "contribution.submit", submit_data(card, s1="ID 19811228-9874")))["value"]
    assert "19811228-****" in texts_in(refused)
    done = (await chat.execute(JOHN, "contribution.submit", submit_data(card, s1="Calm week.")))["value"]
    assert "Submitted Monday 23 November 2026 at 08:00 by John Smith" in texts_in(done)


async def test_nothing_new_and_not_attending_are_valid_answers(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    bot, _ = await forum_with_participants(uow_factory, clock)
    chat = personal(bot, ERIK)
    card = await open_card(chat, ERIK)
    body = await chat.execute(ERIK, "contribution.submit", submit_data(card) | {"nothing_new": "true",
                                                                                 "attending": "no"})
    shown = texts_in(body["value"])
    assert "Inget nytt att rapportera." in shown and "inte deltar" in shown


async def test_someone_without_a_role_cannot_submit_for_the_organisation(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    bot, _channel = await forum_with_participants(uow_factory, clock)
    card = await open_card(personal(bot, ERIK), ERIK)
    outsider = User("29:olle", "Olle Outsider")
    body = await personal(bot, outsider).execute(outsider, "contribution.submit", submit_data(card, s2="Hej"))
    assert "Bara deltagaren eller ersättaren för Polisen" in texts_in(body["value"])


async def test_asking_in_the_channel_sends_the_card_privately(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    _bot, channel = await forum_with_participants(uow_factory, clock)
    replies = await channel.say(ERIK, "<at>Forumbot</at> lägesbild")
    assert replies[-1].text == "Jag har skickat formuläret till dig i en privat chatt."
    assert not replies[-1].attachments
    async with uow_factory() as uow:
        rows = list(await uow.session.scalars(select(OutboxRow).where(OutboxRow.kind == "contribution_card")))
        assert [(r.person_id, r.via_conversation_id) for r in rows] == [(ERIK.id, CHANNEL)]


async def test_a_card_older_than_the_latest_version_does_not_silently_overwrite_it(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    bot, _ = await forum_with_participants(uow_factory, clock)
    erik, fatima = personal(bot, ERIK), personal(bot, FATIMA)
    old_card = await open_card(fatima, FATIMA)  # Fatima opens the form, then Erik submits first
    await erik.execute(ERIK, "contribution.submit", submit_data(await open_card(erik, ERIK), s2="Eriks text."))
    refused = (await fatima.execute(FATIMA, "contribution.submit", submit_data(old_card, s2="Fatimas text.")))["value"]
    shown = texts_in(refused)
    assert "Erik Johansson ändrade lägesbilden" in shown
    field = [k for k in inputs_of(refused) if k.startswith("s__")][1]
    assert inputs_of(refused)[field]["value"] == "Fatimas text."
    stored = (await fatima.execute(FATIMA, "contribution.submit", submit_data(refused, s2="Fatimas text.")))["value"]
    assert "Inlämnad" in texts_in(stored) and "Version\n2" in texts_in(stored)


async def test_nobody_outside_the_organisation_can_open_its_stored_report(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    bot, _ = await forum_with_participants(uow_factory, clock)
    erik = personal(bot, ERIK)
    receipt = (await erik.execute(ERIK, "contribution.submit",
                                  submit_data(await open_card(erik, ERIK), s2="Polisens interna bild.")))["value"]
    ids = next(a for a in receipt["actions"] if a["verb"] == "contribution.open")["data"]
    snoop = await personal(bot, JOHN).execute(JOHN, "contribution.open", ids)  # John is Socialtjänsten
    assert "Polisens interna bild." not in texts_in(snoop["value"])
    assert "Only the participant or deputy for Polisen" in texts_in(snoop["value"])
    own = await erik.execute(ERIK, "contribution.open", ids)
    assert "Polisens interna bild." in texts_in(own["value"])
