"""`åtgärder` / `actions`, `mina åtgärder` / `my actions` and `sök` / `search`, in Swedish and English.

The actions and the published minutes are set up directly through the stores (publishing has its own tests);
what is checked is what each person sees: the chair all open actions, others theirs first, a person theirs
across forums (only this forum's in the channel), and search hits with their meeting, § and a button to the
minutes, politely saying when there is nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest

from domain.actions import ActionItem, ActionStatus
from domain.clock import FixedClock
from domain.minutes import DraftAction, MinutesContent, MinutesFrame, MinutesItem, PublishedVersion
from domain.model import Forum, RoleKind, Schedule
from storage.unit_of_work import UnitOfWorkFactory
from tests.cardcheck import validate_cards
from tests.conversation.harness import CHANNEL, User, card_of, texts_in
from tests.conversation.test_contribution import ANNA, ERIK, FATIMA, JOHN, forum_with_participants, personal

NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
LAST_WEEK = date(2026, 11, 19)
OLLE = User("29:olle", "Olle Outsider")
SECTION_SIGN = "\u00a7"  # the paragraph sign of the minutes' numbering


@dataclass
class Record:
    forum: Forum
    meeting_id: str


def _role(forum: Forum, organisation: str, kind: RoleKind) -> str:
    org = next(o for o in forum.organisations if o.name == organisation)
    role = forum.role(org.id, kind)
    assert role is not None
    return role.id


def _action(forum: Forum, meeting_id: str, number: int, title: str, role_id: str, due: date,
            status: ActionStatus = ActionStatus.OPEN) -> ActionItem:
    return ActionItem(id=f"{forum.id}-{number}", forum_id=forum.id, number=number, title=title, owner_role_id=role_id,
                      due=due, meeting_id=meeting_id, item_key="s1", status=status, created_at=NOW,
                      created_by=ANNA.id, closed_at=NOW if status is not ActionStatus.OPEN else None)


async def _with_actions(uow_factory: UnitOfWorkFactory, *, publish: bool = True) -> Record:
    async with uow_factory() as uow:
        forum = await uow.forums.by_conversation(CHANNEL)
        assert forum is not None
        meeting = await uow.meetings.ensure(forum, LAST_WEEK, datetime(2026, 11, 19, 8, 0, tzinfo=UTC), NOW)
        erik, fatima = _role(forum, "Polisen", RoleKind.PARTICIPANT), _role(forum, "Polisen", RoleKind.DEPUTY)
        john = _role(forum, "Socialtjänsten", RoleKind.PARTICIPANT)
        for action in (_action(forum, meeting.id, 1, "Kontakta *skolan* om rasterna", erik, date(2026, 11, 20)),
                       _action(forum, meeting.id, 2, "Ordna kvällsvandring", john, date(2026, 12, 1)),
                       _action(forum, meeting.id, 3, "Följ upp klottret vid Åbyskolan", fatima, date(2026, 11, 30)),
                       _action(forum, meeting.id, 4, "Gammal åtgärd", erik, date(2026, 11, 20), ActionStatus.DONE)):
            await uow.actions.add(action, NOW)
        if publish:
            items = (MinutesItem("s1", "Aktuella händelser", "Oro vid Åbyskolan på kvällarna.", ("Polisen går dit",),
                                 (DraftAction("k1", "Följ upp klottret vid Åbyskolan", fatima, date(2026, 11, 30),
                                              number=3),)),
                     MinutesItem("s2", "Övrigt", "Inget att tillägga."))
            content = MinutesContent(items)
            await uow.minutes.save_draft(meeting_id=meeting.id, forum_id=forum.id, content=content, actor_id=ANNA.id,
                                         now=NOW, expected_revision=None)
            frame = MinutesFrame(forum.name, LAST_WEEK, "Europe/Stockholm", {o.id: o.name for o in forum.organisations},
                                 {})
            await uow.minutes.publish(PublishedVersion(meeting.id, forum.id, 1, 5, content, frame, NOW, ANNA.id,
                                                       ANNA.name))
        await uow.commit()
    return Record(forum, meeting.id)


def _card(replies: list[Any]) -> dict[str, Any]:
    return card_of(replies[-1])


def _order(shown: str, *needles: str) -> list[int]:
    return [shown.index(n) for n in needles]


async def test_the_chair_sees_every_open_action_by_due_date_with_owner_meeting_and_overdue_marker(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    _bot, channel = await forum_with_participants(uow_factory, clock)
    assert (await channel.say(ANNA, "åtgärder"))[-1].text == "Det finns inga öppna åtgärder i Trygghetsforum."
    await _with_actions(uow_factory)
    card = _card(await channel.say(ANNA, "åtgärder"))
    shown = texts_in(card)
    assert "Öppna åtgärder – Trygghetsforum" in shown and "Alla öppna åtgärder" in shown
    assert "Dina åtgärder" not in shown and "Å-4" not in shown
    assert ("- **Å-1** Kontakta \\*skolan\\* om rasterna · Polisen, deltagare (Erik Johansson) · senast fredag 20 "
            "november 2026 · **försenad** · möte torsdag 19 november 2026") in shown
    first, third, second = _order(shown, "Å-1", "Å-3", "Å-2")
    assert first < third < second
    assert "Polisen, ersättare (Fatima Hassan)" in shown and "**försenad**" not in shown.split("Å-3")[1]


async def test_a_participant_sees_their_own_first_and_in_english_too(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    bot, channel = await forum_with_participants(uow_factory, clock)
    await _with_actions(uow_factory)
    shown = texts_in(_card(await channel.say(FATIMA, "åtgärder")))
    mine, others = shown.split("Övriga åtgärder")
    assert "Dina åtgärder" in mine and "Å-3" in mine and "Å-1" not in mine
    assert others.index("Å-1") < others.index("Å-2")
    john = personal(bot, JOHN)  # 1:1 with his one forum
    english = texts_in(_card(await john.say(JOHN, "actions")))
    assert "Open actions – Trygghetsforum" in english and "Your actions" in english
    assert english.index("Å-2") < english.index("Other actions") < english.index("Å-1")
    assert "· **overdue** · meeting Thursday 19 November 2026" in english


async def test_my_actions_lists_theirs_across_forums_in_private_and_only_this_forums_in_the_channel(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    bot, channel = await forum_with_participants(uow_factory, clock)
    erik = personal(bot, ERIK)
    assert (await erik.say(ERIK, "mina åtgärder"))[-1].text == "Du har inga öppna åtgärder."
    await _with_actions(uow_factory)
    async with uow_factory() as uow:  # Erik is also the participant for Polisen in a second forum
        other_id = await uow.forums.create(name="Brottsförebyggande rådet", tenant_id="tenant-norrby",
                                           conversation_id="19:bra@thread.tacv2", chair_id="29:bodil",
                                           schedule=Schedule(skip_public_holidays=False), now=NOW)
        await uow.forums.replace_organisations(other_id, [(None, "Polisen")], NOW)
        other = await uow.forums.get(other_id)
        assert other is not None
        await uow.forums.set_membership(other_id, ERIK.id, other.organisations[0].id, NOW)
        await uow.forums.set_role_holder(other.organisations[0].id, RoleKind.PARTICIPANT, ERIK.id, NOW)
        other = await uow.forums.get(other_id)
        assert other is not None
        meeting = await uow.meetings.ensure(other, LAST_WEEK, datetime(2026, 11, 19, 8, 0, tzinfo=UTC), NOW)
        role = _role(other, "Polisen", RoleKind.PARTICIPANT)
        await uow.actions.add(_action(other, meeting.id, 1, "Trygghetsvandring i centrum", role, date(2026, 11, 25)),
                              NOW)
        await uow.commit()
    card = _card(await erik.say(ERIK, "mina åtgärder"))
    shown = texts_in(card)
    assert "Mina åtgärder" in shown and "Gammal åtgärd" not in shown
    assert shown.index("Kontakta") < shown.index("Trygghetsvandring")  # by due date: 20 then 25 November
    assert "· Brottsförebyggande rådet · Polisen, deltagare (Erik Johansson) · senast onsdag 25 november" in shown
    assert "· Trygghetsforum · Polisen, deltagare (Erik Johansson) · senast fredag 20 november 2026 · **försenad**" \
        in shown
    in_channel = texts_in(_card(await channel.say(ERIK, "mina åtgärder")))
    assert "Kontakta" in in_channel and "Trygghetsvandring" not in in_channel
    assert "Här visas bara dina åtgärder i Trygghetsforum." in in_channel
    english = texts_in(_card(await personal(bot, JOHN).say(JOHN, "my actions")))
    assert "My actions" in english and "Ordna kvällsvandring · Trygghetsforum" in english and "Å-1" not in english


async def test_search_finds_published_minutes_and_actions_with_a_button_to_the_minutes(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    _bot, channel = await forum_with_participants(uow_factory, clock)
    record = await _with_actions(uow_factory)
    card = _card(await channel.say(ERIK, "sök abyskolan"))
    shown = texts_in(card)
    assert "Sökträffar för ”abyskolan” – Trygghetsforum" in shown
    assert "Protokoll torsdag 19 november 2026" in shown
    assert f"**{SECTION_SIGN} 5** Aktuella händelser: Oro vid Åbyskolan på kvällarna." in shown
    assert f"{SECTION_SIGN} 6" not in shown  # Övrigt does not mention it
    assert "**Å-3** Följ upp klottret vid Åbyskolan · öppen · senast måndag 30 november 2026" in shown
    buttons = [a for s in card["body"] if s["type"] == "ActionSet" for a in s["actions"]]
    assert [(b["verb"], b["data"]["forum_id"], b["data"]["meeting_id"]) for b in buttons] == [
        ("minutes.show", record.forum.id, record.meeting_id)]
    assert buttons[0]["title"] == "Visa protokollet torsdag 19 november 2026"
    done = texts_in(_card(await channel.say(FATIMA, "sök GAMMAL")))
    assert "**Å-4** Gammal åtgärd · klar" in done and "Protokoll" not in done
    english = texts_in(_card(await channel.say(JOHN, "search ÅBYSKOLAN kvällarna")))
    assert "Search results for “ÅBYSKOLAN kvällarna”" in english and "Minutes Thursday 19 November 2026" in english
    assert "Å-3" not in english  # every word must be found: the action does not mention the evenings


async def test_search_says_politely_when_nothing_is_found_how_to_search_and_who_may(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    _bot, channel = await forum_with_participants(uow_factory, clock)
    await _with_actions(uow_factory, publish=False)
    assert (await channel.say(ERIK, "sök Åbyskolan"))[-1].attachments  # the action, though nothing is published
    nothing = (await channel.say(ERIK, "sök brandlarm *nu*"))[-1].text
    assert nothing == "Inga träffar för ”brandlarm \\*nu\\*” i protokoll och åtgärder i Trygghetsforum."
    assert (await channel.say(ERIK, "sök"))[-1].text == "Skriv vad du söker efter, till exempel **sök skolan**."
    assert (await channel.say(JOHN, "search fire"))[-1].text == (
        "Nothing found for “fire” in the minutes and actions of Trygghetsforum.")
    refused = (await channel.say(OLLE, "sök skolan"))[-1].text or ""
    assert refused.startswith("Du är inte med i forumet ännu.")


async def test_a_long_list_is_capped_and_says_how_many_more(uow_factory: UnitOfWorkFactory, clock: FixedClock) -> None:
    _bot, channel = await forum_with_participants(uow_factory, clock)
    async with uow_factory() as uow:
        forum = await uow.forums.by_conversation(CHANNEL)
        assert forum is not None
        meeting = await uow.meetings.ensure(forum, LAST_WEEK, datetime(2026, 11, 19, 8, 0, tzinfo=UTC), NOW)
        role = _role(forum, "Polisen", RoleKind.PARTICIPANT)
        for n in range(1, 46):
            await uow.actions.add(_action(forum, meeting.id, n, f"Åtgärd {n} " + "x" * 300, role, date(2026, 12, 1)),
                                  NOW)
        await uow.commit()
    card = _card(await channel.say(ANNA, "åtgärder"))
    shown = texts_in(card)
    assert "**Å-40**" in shown and "**Å-41**" not in shown and "… och 5 till." in shown
    assert "x" * 300 not in shown  # long titles are shortened in a list
    assert len(json.dumps(card, ensure_ascii=False).encode("utf-8")) < 28_000  # well under Teams' limit


@pytest.mark.node
async def test_the_list_and_search_cards_are_valid_adaptive_cards(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    bot, channel = await forum_with_participants(uow_factory, clock)
    await _with_actions(uow_factory)
    cards = [_card(await channel.say(ANNA, "åtgärder")), _card(await channel.say(FATIMA, "åtgärder")),
             _card(await personal(bot, ERIK).say(ERIK, "mina åtgärder")), _card(await channel.say(ERIK, "sök skolan")),
             _card(await channel.say(JOHN, "search Åbyskolan"))]
    assert validate_cards(cards) == []
