"""The chair managing members without joining, hand-overs, and absence that never leaves an organisation uncovered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from bot.services.cycle import run_cycle
from bot.services.membership import RosterMember
from domain.clock import FixedClock
from domain.model import RoleKind
from storage.orm import OutboxRow
from storage.unit_of_work import UnitOfWorkFactory
from tests.cardcheck import validate_cards
from tests.conversation.flows import join, set_up_forum, values_from
from tests.conversation.harness import CHANNEL, Chat, User, action_data, card_of, inputs_of, make_bot, texts_in
from tests.deps import deps_of

ANNA = User("29:anna", "Anna Lindqvist")
ERIK = User("29:erik", "Erik Johansson")
FATIMA = User("29:fatima", "Fatima Hassan")
JOHN = User("29:john", "John Smith", locale="en-US")
KAREN = User("29:karen", "Karen White", locale="en-US")


def channel_of(bot: Any) -> Chat:
    return Chat(bot, conversation_id=CHANNEL, conversation_type="channel")


def personal(bot: Any, user: User) -> Chat:
    return Chat(bot, conversation_id=f"a:{user.id}", conversation_type="personal")


def with_roster(bot: Any, *users: User) -> None:
    async def roster(_tc: Any) -> list[RosterMember]:
        return [RosterMember(id=u.id, name=u.name) for u in users]

    bot._roster = roster


@dataclass(frozen=True)
class Queued:
    person_id: str | None
    conversation_id: str | None
    recipient_id: str
    occurrence_local_date: str
    payload: dict[str, Any]


async def outbox(uow: UnitOfWorkFactory, kind: str) -> list[Queued]:
    async with uow() as u:
        rows = await u.session.scalars(select(OutboxRow).where(OutboxRow.kind == kind).order_by(OutboxRow.id))
        return [Queued(r.person_id, r.conversation_id, r.recipient_id, r.occurrence_local_date, dict(r.payload))
                for r in rows]


def text_of(row: Queued) -> str:
    payload: dict[str, Any] = row.payload
    parts = [str(payload.get("text") or "")]
    for attachment in payload.get("attachments") or []:
        parts.append(texts_in(attachment["content"]))
    return "\n".join(parts)


def choice_sets(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in inputs_of(card).items() if v["type"] == "Input.ChoiceSet"}


async def forum(uow: UnitOfWorkFactory) -> Any:
    async with uow() as u:
        found = await u.forums.by_conversation(CHANNEL)
    assert found is not None
    return found


# --- item 3: the chair manages members without joining ------------------------------------------------------


@pytest.mark.parametrize(("chair", "word"), [(ANNA, "medlemmar"), (KAREN, "members")])
async def test_a_chair_who_has_not_joined_names_a_deputy_and_keeps_the_chair(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, chair: User, word: str
) -> None:
    bot, _ = make_bot(uow_factory, clock)
    chat = channel_of(bot)
    await set_up_forum(chat, chair, name="Forum", organisations=["Polisen"])
    await join(chat, ERIK, "Polisen", "participant")
    await join(chat, FATIMA, "Polisen", "member")
    card = card_of((await chat.say(chair, word))[-1])
    chair_set = inputs_of(card)["chair_id"]
    assert chair_set["value"] == chair.id
    assert chair.id in [c["value"] for c in chair_set["choices"]]  # Teams would otherwise block Spara
    assert chair.name in [c["title"] for c in chair_set["choices"]]
    data = values_from(card)
    data[next(k for k in data if k.startswith("role__deputy__"))] = FATIMA.id
    body = await chat.execute(chair, "members.save", {**data, **action_data(card, "members.save")})
    assert ("Ändringarna är sparade" if chair is ANNA else "The changes are saved") in texts_in(body["value"])
    saved = await forum(uow_factory)
    assert saved.chair_id == chair.id
    assert saved.role(saved.organisations[0].id, RoleKind.DEPUTY).holder_id == FATIMA.id
    assert saved.membership(chair.id) is None  # she never had to join


@pytest.mark.node
async def test_the_members_card_never_has_an_empty_choice_set(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    bot, _ = make_bot(uow_factory, clock)
    chat = channel_of(bot)
    await set_up_forum(chat, ANNA, name="Forum", organisations=["Polisen"])
    nobody = card_of((await chat.say(ANNA, "medlemmar"))[-1])  # nobody joined, no roster
    await join(chat, ANNA, "Polisen", "member")
    with_roster(bot, ANNA)
    only_chair = card_of((await chat.say(ANNA, "medlemmar"))[-1])  # everyone in the roster has joined
    for card in (nobody, only_chair):
        assert all(node["choices"] for node in choice_sets(card).values()), choice_sets(card)
        assert "add_person" not in choice_sets(card) and "remove_people" not in choice_sets(card)
    assert validate_cards([nobody, only_chair]) == []


@pytest.mark.parametrize(("chair", "word", "saved_text"), [(ANNA, "medlemmar", "Ändringarna är sparade"),
                                                           (KAREN, "members", "The changes are saved")])
async def test_the_chair_names_a_participant_from_the_conversation_who_has_not_joined(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, chair: User, word: str, saved_text: str
) -> None:
    bot, _ = make_bot(uow_factory, clock)
    chat = channel_of(bot)
    await set_up_forum(chat, chair, name="Forum", organisations=["Polisen", "Skolan"])
    with_roster(bot, chair, ERIK)
    card = card_of((await chat.say(chair, word))[-1])
    key = next(k for k in inputs_of(card) if k.startswith("role__participant__"))
    assert ERIK.id in [c["value"] for c in inputs_of(card)[key]["choices"]]
    data = values_from(card) | {key: ERIK.id}
    body = await chat.execute(chair, "members.save", {**data, **action_data(card, "members.save")})
    assert saved_text in texts_in(body["value"])
    saved = await forum(uow_factory)
    polisen = saved.organisations[0]
    assert saved.role(polisen.id, RoleKind.PARTICIPANT).holder_id == ERIK.id
    membership = saved.membership(ERIK.id)
    assert membership is not None and membership.organisation_id == polisen.id
    assert saved.membership(chair.id) is None


@pytest.mark.parametrize(("new_chair", "expected"), [
    (ERIK, "Anna Lindqvist har gjort dig till ordförande för Forum"),
    (JOHN, "Anna Lindqvist has made you the chair of Forum"),
])
async def test_a_chair_hand_over_is_told_to_the_new_chair_in_a_private_chat(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, new_chair: User, expected: str
) -> None:
    bot, wake = make_bot(uow_factory, clock)
    chat = channel_of(bot)
    await set_up_forum(chat, ANNA, name="Forum", organisations=["Polisen"])
    await join(chat, new_chair, "Polisen", "participant")
    await chat.say(new_chair, "språk en" if new_chair is JOHN else "språk sv")
    card = card_of((await chat.say(ANNA, "medlemmar"))[-1])
    data = values_from(card) | {"chair_id": new_chair.id}
    before = wake.wakes
    await chat.execute(ANNA, "members.save", {**data, **action_data(card, "members.save")})
    rows = await outbox(uow_factory, "chair_handover")
    assert [(r.person_id, r.conversation_id) for r in rows] == [(new_chair.id, None)]
    assert expected in text_of(rows[0])
    assert wake.wakes > before
    assert (await forum(uow_factory)).chair_id == new_chair.id


# --- item 4: absence never leaves an organisation silently uncovered ----------------------------------------


async def small_forum(uow: UnitOfWorkFactory, clock: FixedClock) -> tuple[Any, Chat]:
    bot, _ = make_bot(uow, clock)
    chat = channel_of(bot)
    await set_up_forum(chat, ANNA, name="Trygghetsforum", organisations=["Polisen", "Skolan"])
    await join(chat, ERIK, "Polisen", "participant")
    await join(chat, JOHN, "Skolan", "participant")
    return bot, chat


@pytest.mark.parametrize(("user", "command", "expected"), [
    (ERIK, "frånvarande till 2026-11-30", "Ni har ingen ersättare för Polisen"),
    (JOHN, "away until 2026-11-30", "Skolan has no deputy"),
])
async def test_away_without_a_deputy_says_so_and_tells_the_chair_who_can_name_one(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, user: User, command: str, expected: str
) -> None:
    bot, chat = await small_forum(uow_factory, clock)
    reply = (await personal(bot, user).say(user, command))[-1].text or ""
    assert expected in reply
    rows = await outbox(uow_factory, "away_uncovered")
    assert [r.person_id for r in rows] == [ANNA.id]
    notice = rows[0].payload["attachments"][0]["content"]
    assert user.name in texts_in(notice) and "ersättare" in texts_in(notice)
    button = next(a for a in notice["actions"] if a["verb"] == "members.open")
    # The button opens the members card (in the channel, where the chair manages the forum).
    opened = await chat.execute(ANNA, "members.open", button["data"])
    assert opened["type"] == "application/vnd.microsoft.activity.message"
    await personal(bot, user).say(user, command)  # said twice: the chair is told once
    assert len(await outbox(uow_factory, "away_uncovered")) == 1


async def test_the_away_notice_button_in_the_chairs_private_chat_opens_the_members_card(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    bot, _chat = await small_forum(uow_factory, clock)
    await personal(bot, ERIK).say(ERIK, "frånvarande till 2026-11-30")
    notice = (await outbox(uow_factory, "away_uncovered"))[0].payload["attachments"][0]["content"]
    button = next(a for a in notice["actions"] if a["verb"] == "members.open")
    chair_chat = personal(bot, ANNA)
    await chair_chat.execute(ANNA, "members.open", button["data"])
    cards = [a for a in chair_chat.adapter.activity_buffer if a.attachments]
    assert cards and "Medlemmar i Trygghetsforum" in texts_in(card_of(cards[-1]))


@pytest.mark.parametrize(("user", "command", "expected"), [
    (ERIK, "frånvarande till 2026-11-20", "har redan varit"),
    (JOHN, "away until 2026-11-20", "has already passed"),
])
async def test_an_away_date_in_the_past_is_refused(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, user: User, command: str, expected: str
) -> None:
    bot, _chat = await small_forum(uow_factory, clock)
    reply = (await personal(bot, user).say(user, command))[-1].text or ""
    assert expected in reply
    async with uow_factory() as u:
        person = await u.people.get(user.id)
    assert person is not None and person.away_until is None


@pytest.mark.parametrize(("deputy", "expected"), [
    (FATIMA, "Du ersätter Erik Johansson"),
    (KAREN, "You are standing in for Erik Johansson"),
])
async def test_the_deputys_card_says_whom_they_stand_in_for(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, deputy: User, expected: str
) -> None:
    bot, chat = await small_forum(uow_factory, clock)
    await join(chat, deputy, "Polisen", "deputy")
    await chat.say(deputy, "språk sv" if deputy is FATIMA else "language en")  # proactive cards use the stored one
    reply = (await personal(bot, ERIK).say(ERIK, "frånvarande till 2026-11-30"))[-1].text or ""
    assert "ingen ersättare" not in reply
    assert await outbox(uow_factory, "away_uncovered") == []
    await run_cycle(deps_of(uow_factory), datetime(2026, 11, 23, 7, 0, tzinfo=UTC))
    cards = [r for r in await outbox(uow_factory, "collection_open") if r.person_id == deputy.id]
    assert len(cards) == 1 and expected in text_of(cards[0])
    own = (await personal(bot, deputy).say(deputy, "lägesbild" if deputy is FATIMA else "report"))[-1]
    assert expected in texts_in(card_of(own))


@pytest.mark.parametrize(("user", "word", "expected"), [
    (ERIK, "gå med", "Medlem (får inget lägesbildsformulär)"),
    (JOHN, "join", "Member (gets no situation report form)"),
])
async def test_the_join_card_says_what_each_role_means(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, user: User, word: str, expected: str
) -> None:
    bot, _ = make_bot(uow_factory, clock)
    chat = channel_of(bot)
    await set_up_forum(chat, ANNA, name="Forum", organisations=["Polisen"])
    card = card_of((await chat.say(user, word))[-1])
    roles = [c["title"] for c in inputs_of(card)["role"]["choices"]]
    assert expected in roles
    body = await join(chat, user, "Polisen", "member")
    assert ("inget lägesbildsformulär" if user is ERIK else "no situation report form") in texts_in(body["value"])
