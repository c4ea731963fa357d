"""Acting on an action from its card and in chat, in Swedish and English: Klar / done, Nytt datum / new date,
Behöver hjälp / need help, Kommentar / comment and the chair's återöppna / reopen.

The actions are set up through the stores (publishing has its own tests); the card pressed is the action's own
card as sent. What is checked is what people see (the card updated in place with who did what, polite refusals,
the chair's note) and what is kept (the action, its follow-up log), including that refusals store nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from dialogs.cards.action_card import ActionView, action_card
from dialogs.texts import for_language
from domain.action_log import EventKind
from domain.actions import ActionItem, ActionStatus
from domain.clock import FixedClock
from domain.model import Forum
from storage.orm import OutboxRow
from storage.unit_of_work import UnitOfWorkFactory
from tests.cardcheck import validate_cards
from tests.conversation.harness import Chat, User, card_of, texts_in
from tests.conversation.minutes_flows import click
from tests.conversation.test_action_lists import NOW, _with_actions
from tests.conversation.test_contribution import ANNA, ERIK, FATIMA, JOHN, forum_with_participants, personal

TODAY = date(2026, 11, 23)  # Monday, the clock's day in Stockholm
PERSONNUMMER = "19811228-9874"


async def _action(uow: UnitOfWorkFactory, forum: Forum, number: int) -> ActionItem:
    async with uow() as u:
        found = await u.actions.by_number(forum.id, number)
    assert found is not None
    return found


async def _log(uow: UnitOfWorkFactory, action_id: str) -> list[tuple[EventKind, str | None, dict[str, object]]]:
    async with uow() as u:
        return [(e.kind, e.actor_id, e.detail) for e in await u.action_log.for_action(action_id)]


async def _chair_notes(uow: UnitOfWorkFactory) -> list[tuple[str | None, str]]:
    async with uow() as u:
        rows = await u.session.scalars(select(OutboxRow).where(OutboxRow.kind == "action_chair_note")
                                       .order_by(OutboxRow.id))
        return [(r.person_id, texts_in(dict(r.payload)["attachments"][0]["content"])) for r in rows]


def _sent_card(forum: Forum, action: ActionItem, language: str, owner: str) -> dict[str, Any]:
    """The action's card as the owner got it (the panel of dialogs/cards/action_card.py)."""
    return action_card(for_language(language), ActionView(action, forum.id, owner, TODAY))


def _field(name: str, action: ActionItem) -> str:
    return f"{name}_{action.id}"


async def _setup(uow: UnitOfWorkFactory, clock: FixedClock) -> tuple[Any, Chat, Forum]:
    bot, channel = await forum_with_participants(uow, clock)
    record = await _with_actions(uow, publish=False)
    return bot, channel, record.forum


async def _press(chat: Chat, user: User, card: dict[str, Any], title: str, **typed: str) -> dict[str, Any]:
    """Press a button of the card with `typed` inputs: the card the person sees next (a text answer as a card)."""
    return await click(chat, user, card, title, **typed)


async def test_the_owner_marks_an_action_done_from_its_card_and_the_card_says_who_did_it(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    bot, _channel, forum = await _setup(uow_factory, clock)
    action = await _action(uow_factory, forum, 1)
    sent = _sent_card(forum, action, "sv", "Polisen, deltagare (Erik Johansson)")
    assert validate_cards([sent]) == []
    shown = texts_in(sent)
    for button in ("Klar", "Nytt datum", "Behöver hjälp", "Kommentar", "Lämna över"):
        assert button in shown
    assert "fredag 20 november 2026 (försenad)" in shown
    erik = personal(bot, ERIK)
    after = await _press(erik, ERIK, sent, "Markera som klar", **{_field("outcome", action): "Skolan är kontaktad"})
    after_text = texts_in(after)
    assert validate_cards([after]) == []
    assert "Klar, markerad av Erik Johansson måndag 23 november 2026." in after_text
    assert "Utfall: Skolan är kontaktad" in after_text and "Markera som klar" not in after_text
    stored = await _action(uow_factory, forum, 1)
    assert stored.status is ActionStatus.DONE and stored.outcome == "Skolan är kontaktad"
    assert stored.closed_at == NOW
    assert await _log(uow_factory, action.id) == [(EventKind.DONE, ERIK.id, {"outcome": "Skolan är kontaktad"})]
    # the same, now outdated, card pressed again: the current state, nothing stored twice
    again = await _press(erik, ERIK, sent, "Markera som klar", **{_field("outcome", action): "Igen"})
    again_text = texts_in(again)
    assert "Kortet var inaktuellt, så inget ändrades." in again_text and "Utfall: Skolan är kontaktad" in again_text
    assert len(await _log(uow_factory, action.id)) == 1


async def test_a_stranger_is_refused_politely_and_nothing_is_stored(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    bot, _channel, forum = await _setup(uow_factory, clock)
    action = await _action(uow_factory, forum, 1)  # Polisen's; John holds Socialtjänsten's role
    sent = _sent_card(forum, action, "en", "Polisen, participant (Erik Johansson)")
    john = personal(bot, JOHN)
    answer = await _press(john, JOHN, sent, "Mark as done", **{_field("outcome", action): "Done by me"})
    assert texts_in(answer) == ("Only Polisen, participant (Erik Johansson), Polisen, deputy (Fatima Hassan) or "
                                "the chair (Anna Lindqvist) can change Å-1.")  # the deputy named, not "other role"
    assert (await _action(uow_factory, forum, 1)).open and await _log(uow_factory, action.id) == []
    refused = (await john.say(JOHN, "done A-1 finished"))[-1].text
    assert refused.startswith("Only Polisen, participant (Erik Johansson), Polisen, deputy (Fatima Hassan)")
    assert (await _action(uow_factory, forum, 1)).open


async def test_the_deputy_moves_the_date_and_the_chair_is_told_at_once(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    bot, _channel, forum = await _setup(uow_factory, clock)
    action = await _action(uow_factory, forum, 1)  # Erik's (participant); Fatima is Polisen's deputy
    sent = _sent_card(forum, action, "sv", "Polisen, deltagare (Erik Johansson)")
    fatima = personal(bot, FATIMA)
    past = await _press(fatima, FATIMA, sent, "Spara nytt datum", **{_field("due", action): "2026-11-20",
                                                                     _field("reason", action): "Sjuk"})
    assert "Det nya datumet fredag 20 november 2026 har redan passerat." in texts_in(past)
    no_reason = await _press(fatima, FATIMA, sent, "Spara nytt datum", **{_field("due", action): "2026-12-15",
                                                                          _field("reason", action): "  "})
    assert "Skriv också vad som gjordes eller vad det gäller" in texts_in(no_reason)
    assert (await _action(uow_factory, forum, 1)).due == date(2026, 11, 20) and await _chair_notes(uow_factory) == []
    moved = await _press(fatima, FATIMA, sent, "Spara nytt datum", **{_field("due", action): "2026-12-15",
                                                                      _field("reason", action): "Väntar på skolan"})
    moved_text = texts_in(moved)
    assert "Nytt datum tisdag 15 december 2026, ändrat av Fatima Hassan måndag 23 november 2026." in moved_text
    assert "Ordföranden har fått veta det." in moved_text and "(försenad)" not in moved_text
    assert (await _action(uow_factory, forum, 1)).due == date(2026, 12, 15)
    assert await _log(uow_factory, action.id) == [(EventKind.REDATED, FATIMA.id, {
        "due_before": "2026-11-20", "due": "2026-12-15", "reason": "Väntar på skolan"})]
    ((chair, note),) = await _chair_notes(uow_factory)
    assert chair == ANNA.id
    assert ("Fatima Hassan har flyttat Å-1 Kontakta *skolan* om rasterna i Trygghetsforum från fredag 20 november "
            "2026 till tisdag 15 december 2026. Skäl: Väntar på skolan") in note.replace("\\", "")
    # the card sent before the move is outdated now
    stale = await _press(personal(bot, ERIK), ERIK, sent, "Skicka kommentar", **{_field("comment", action): "Hej"})
    assert "Kortet var inaktuellt" in texts_in(stale) and "tisdag 15 december 2026" in texts_in(stale)
    assert len(await _log(uow_factory, action.id)) == 1


async def test_help_and_comments_from_the_card_are_logged_and_help_reaches_the_chair(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    bot, _channel, forum = await _setup(uow_factory, clock)
    action = await _action(uow_factory, forum, 3)  # Fatima's
    sent = _sent_card(forum, action, "sv", "Polisen, ersättare (Fatima Hassan)")
    fatima = personal(bot, FATIMA)
    helped = await _press(fatima, FATIMA, sent, "Be om hjälp", **{_field("help", action): "Behöver nycklar"})
    assert "Fatima Hassan bad om hjälp måndag 23 november 2026. Ordföranden har fått veta det." in texts_in(helped)
    commented = await _press(fatima, FATIMA, helped, "Skicka kommentar", **{_field("comment", action): "Bokat"})
    assert "Kommentar sparad av Fatima Hassan" in texts_in(commented)
    assert await _log(uow_factory, action.id) == [(EventKind.HELP_REQUESTED, FATIMA.id, {"text": "Behöver nycklar"}),
                                                  (EventKind.COMMENTED, FATIMA.id, {"text": "Bokat"})]
    ((chair, note),) = await _chair_notes(uow_factory)
    assert chair == ANNA.id and "Fatima Hassan behöver hjälp med Å-3" in note and "Behöver nycklar" in note
    stored = await _action(uow_factory, forum, 3)
    assert stored.open and stored.due == action.due


async def test_an_identity_number_in_the_outcome_is_refused_and_not_stored(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    bot, channel, forum = await _setup(uow_factory, clock)
    action = await _action(uow_factory, forum, 1)
    sent = _sent_card(forum, action, "sv", "Polisen, deltagare (Erik Johansson)")
    erik = personal(bot, ERIK)
    answer = await _press(erik, ERIK, sent, "Markera som klar",
                          **{_field("outcome", action): f"Pratade med {PERSONNUMMER}"})
    assert "ser ut att innehålla ett personnummer" in texts_in(answer) and PERSONNUMMER not in texts_in(answer)
    said = (await erik.say(ERIK, f"kommentar Å-1 Pratade med {PERSONNUMMER}"))[-1].text
    assert "ser ut att innehålla ett personnummer" in said
    in_channel = [a.text for a in await channel.say(ERIK, f"klar Å-1 Pratade med {PERSONNUMMER}") if a.text]
    assert "Meddelandet innehöll ett personnummer, så inget sparades." in in_channel[-1]
    assert (await _action(uow_factory, forum, 1)).open and await _log(uow_factory, action.id) == []


async def test_swedish_chat_commands_read_every_way_of_writing_the_number(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    bot, channel, forum = await _setup(uow_factory, clock)
    erik = personal(bot, ERIK)
    commented = card_of((await erik.say(ERIK, "kommentar å-1 Ringt två gånger"))[-1])
    assert "Kommentar sparad av Erik Johansson" in texts_in(commented)
    helped = card_of((await channel.say(ERIK, "behöver hjälp 1 Någon som känner rektorn?"))[-1])
    assert "Erik Johansson bad om hjälp" in texts_in(helped)
    moved = card_of((await erik.say(ERIK, "nytt datum A-1 2026-12-04 Rektorn är bortrest"))[-1])
    assert "Nytt datum fredag 4 december 2026" in texts_in(moved)
    done = card_of((await erik.say(ERIK, "klar Å-1 Rektorn kontaktad"))[-1])
    assert "Klar, markerad av Erik Johansson" in texts_in(done)
    action = await _action(uow_factory, forum, 1)
    assert [k for k, _, _ in await _log(uow_factory, action.id)] == [
        EventKind.COMMENTED, EventKind.HELP_REQUESTED, EventKind.REDATED, EventKind.DONE]
    assert (await erik.say(ERIK, "klar Å-1 Igen"))[-1].text == "Å-1 är redan avslutad, så inget ändrades."
    assert (await erik.say(ERIK, "klar Å-99 Klart"))[-1].text == "Jag hittar ingen åtgärd Å-99 i Trygghetsforum."
    assert "till exempel **klar Å-12 Skolan är kontaktad**" in (await erik.say(ERIK, "klar"))[-1].text
    assert "Skriv det nya datumet som ÅÅÅÅ-MM-DD" in (await erik.say(ERIK, "nytt datum Å-3 snart"))[-1].text
    assert "Skriv också vad som gjordes eller vad det gäller" in (await erik.say(ERIK, "kommentar Å-3"))[-1].text


async def test_english_chat_commands_and_the_chair_reopening(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    bot, channel, forum = await _setup(uow_factory, clock)
    john = personal(bot, JOHN)  # Socialtjänsten's participant, Å-2 is his
    assert "Comment saved by John Smith" in texts_in(card_of((await john.say(JOHN, "comment A-2 Route planned"))[-1]))
    helped = texts_in(card_of((await john.say(JOHN, "need help a-2 Need two more walkers"))[-1]))
    assert "John Smith asked for help Monday 23 November 2026. The chair has been told." in helped
    moved = texts_in(card_of((await john.say(JOHN, "new date 2 2026-12-08 Weather"))[-1]))
    assert "New date Tuesday 8 December 2026, changed by John Smith" in moved
    assert "Write the new date as YYYY-MM-DD" in (await john.say(JOHN, "new date A-2 2026-02-30 oops"))[-1].text
    done = texts_in(card_of((await john.say(JOHN, "done A-2 Walk held with 12 people"))[-1]))
    assert "Done, marked by John Smith Monday 23 November 2026." in done and "Outcome: Walk held" in done
    assert (await john.say(JOHN, "done A-2 again"))[-1].text == "Å-2 is already closed, so nothing was changed."
    notes = await _chair_notes(uow_factory)
    assert [p for p, _ in notes] == [ANNA.id, ANNA.id]  # help and the new date; comments and done are not sent
    # only the chair reopens
    refused = (await channel.say(ERIK, "återöppna Å-2 Inte klar"))[-1].text
    assert refused is not None and "Anna Lindqvist" in refused
    reopened = texts_in(card_of((await channel.say(ANNA, "återöppna Å-2 Vandringen blev inställd"))[-1]))
    assert "Öppnad igen av Anna Lindqvist" in reopened and "Klar" in reopened
    action = await _action(uow_factory, forum, 2)
    assert action.open and action.outcome == "" and action.closed_at is None
    log = await _log(uow_factory, action.id)
    assert log[-1] == (EventKind.REOPENED, ANNA.id, {"reason": "Vandringen blev inställd"})
    not_closed = (await channel.say(ANNA, "återöppna Å-2 Igen"))[-1].text
    assert not_closed == "Å-2 är inte avslutad, så den behöver inte öppnas igen."
