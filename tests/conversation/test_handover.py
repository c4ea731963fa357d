"""Handing an action over from the reminder card and a role changing hands, through the bot, in sv and en."""

from __future__ import annotations

from typing import Any

import pytest

from dialogs.cards.action_card import state_token
from domain.clock import FixedClock
from storage.unit_of_work import UnitOfWorkFactory
from tests.cardcheck import validate_cards
from tests.conversation.harness import CHANNEL, Chat, User, make_bot, texts_in
from tests.conversation.minutes_flows import answer, click
from tests.conversation.test_minutes_publishing import outbox
from tests.handover_world import NOW, handover_world
from tests.minutes_world import ANNA, ERIK, KARIN, OLLE, POLLY

WORDS = {
    "sv": {"submit": "Lämna över", "accept": "Ta emot", "done": "är överlämnad till Skolan, deltagare (Karin Ek)",
           "accepted": "Du har tagit emot Å-1", "accepted_by": "har tagit emot",
           "stranger": "Bara den som har rollen", "got": "Du har fått åtgärden Å-1",
           "outdated": "har ändrats sedan kortet skickades", "cmd": "ny innehavare Polisen",
           "now": "Polly Persson har nu rollen Polisen, deltagare", "list": "Du har nu rollen Polisen, deltagare"},
    "en": {"submit": "Hand over", "accept": "Accept", "done": "is handed over to Skolan, participant (Karin Ek)",
           "accepted": "You have accepted Å-1", "accepted_by": "has accepted",
           "stranger": "Only the holder of the role",
           "got": "You have been given the action Å-1", "outdated": "has changed since this card was sent",
           "cmd": "new holder Polisen",
           "now": "Polly Persson now holds the role Polisen, participant",
           "list": "You now hold the role Polisen, participant"},
}


def _user(person: tuple[str, str], language: str) -> User:
    return User(person[0], person[1], locale="sv-SE" if language == "sv" else "en-US")


@pytest.mark.parametrize("language", ["sv", "en"])
async def test_lamna_over_from_the_card_and_the_new_owner_accepts(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, language: str
) -> None:
    words = WORDS[language]
    clock.set(NOW)
    ids, (first, _) = await handover_world(uow_factory, conversation_id=CHANNEL)
    bot, _ = make_bot(uow_factory, clock)
    erik_chat = Chat(bot, conversation_id=f"a:{ERIK[0]}", conversation_type="personal")
    data: dict[str, Any] = {"action_id": first.id, "forum_id": ids.forum_id, "state": state_token(first)}
    stranger = await answer(erik_chat, _user(OLLE, language), "action.handover_open", data)
    assert words["stranger"] in texts_in(stranger)
    form = await answer(erik_chat, _user(ERIK, language), "action.handover_open", data)
    validate_cards([form])
    done = await click(erik_chat, _user(ERIK, language), form, words["submit"], to="role:" + ids.school_role)
    assert words["done"] in texts_in(done)
    again = await click(erik_chat, _user(ERIK, language), form, words["submit"], to="role:" + ids.school_role)
    assert words["outdated"] in texts_in(again)  # the form is outdated now: nothing stored twice
    [offer] = await outbox(uow_factory, "action_handover")
    assert offer.person_id == KARIN[0] and words["got"] in offer.shown
    validate_cards([offer.card])
    karin_chat = Chat(bot, conversation_id=f"a:{KARIN[0]}", conversation_type="personal")
    accepted = await click(karin_chat, _user(KARIN, language), offer.card, words["accept"])
    assert words["accepted"] in texts_in(accepted)
    receipt, accepted_note = await outbox(uow_factory, "action_receipt")  # the hand-over's, then the answer's
    assert receipt.person_id == accepted_note.person_id == ERIK[0]
    assert "Karin Ek" in accepted_note.shown and words["accepted_by"] in accepted_note.shown


@pytest.mark.parametrize("language", ["sv", "en"])
async def test_the_chair_gives_a_role_a_new_holder_in_the_channel(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, language: str
) -> None:
    words = WORDS[language]
    clock.set(NOW)
    await handover_world(uow_factory, conversation_id=CHANNEL)
    bot, _ = make_bot(uow_factory, clock)
    channel = Chat(bot, conversation_id=CHANNEL, conversation_type="channel")
    polly = User(*POLLY)
    [reply] = await channel.say(_user(ANNA, language), f"<at>Forumbot</at> {words['cmd']} <at>{POLLY[1]}</at>",
                                mentions=(polly,))
    assert words["now"] in (reply.text or "")
    [handed] = await outbox(uow_factory, "role_handover")
    assert handed.person_id == POLLY[0] and words["list"] in handed.shown and "Samla in siffror" in handed.shown
    validate_cards([handed.card])
    [refused] = await channel.say(_user(ERIK, language), f"<at>Forumbot</at> {words['cmd']} <at>{POLLY[1]}</at>",
                                  mentions=(polly,))
    assert "Anna Lindqvist" in (refused.text or "")
