"""Moving a meeting after collection opened, moving past its deadline, and time zones in the setup card."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.services.cycle import run_cycle
from domain.clock import FixedClock
from storage.orm import OutboxRow
from storage.unit_of_work import UnitOfWorkFactory
from tests.conversation.flows import set_up_forum
from tests.conversation.harness import CHANNEL, Chat, User, card_of, make_bot, texts_in
from tests.conversation.test_contribution import ANNA, ERIK, JOHN, forum_with_participants, personal
from tests.deps import deps_of

KAREN = User("29:karen", "Karen White", locale="en-US")


async def queued(uow: UnitOfWorkFactory, subject: str | None = None) -> list[tuple[str, str | None, str]]:
    async with uow() as u:
        rows = await u.session.scalars(select(OutboxRow).order_by(OutboxRow.id))
        return [(r.kind, r.person_id, str(r.payload.get("text") or "")) for r in rows
                if subject is None or r.subject_id == subject]


def of_kind(rows: list[tuple[str, str | None, str]], kind: str) -> list[tuple[str, str | None, str]]:
    return [r for r in rows if r[0] == kind]


async def test_moving_after_the_cards_went_out_sends_nothing_again_and_tells_the_new_time_once(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    bot, channel = await forum_with_participants(uow_factory, clock)
    await personal(bot, JOHN).say(JOHN, "language en")
    await run_cycle(deps_of(uow_factory), datetime(2026, 11, 23, 7, 0, tzinfo=UTC))  # Monday 08:00: collection opens
    await run_cycle(deps_of(uow_factory), datetime(2026, 11, 25, 11, 0, tzinfo=UTC))  # Wednesday 12:00: reminders
    async with uow_factory() as u:
        meeting = next(r.subject_id for r in await u.session.scalars(select(OutboxRow)))
    before = await queued(uow_factory, meeting)
    assert len(of_kind(before, "collection_open")) == 2 and len(of_kind(before, "reminder")) == 2
    reply = (await channel.say(ANNA, "flytta 2026-11-26 till 2026-12-02 10:00"))[-1].text or ""
    assert "onsdag 2 december 2026 kl. 10:00" in reply
    assert "2 organisationer som redan fått formuläret får veta den nya tiden" in reply
    # Ticks through the new collection window and reminder: nothing is sent a second time.
    for now in (datetime(2026, 11, 29, 7, 0, tzinfo=UTC), datetime(2026, 12, 1, 11, 0, tzinfo=UTC),
                datetime(2026, 12, 1, 11, 30, tzinfo=UTC)):
        await run_cycle(deps_of(uow_factory), now)
    after = await queued(uow_factory, meeting)
    assert of_kind(after, "collection_open") == of_kind(before, "collection_open")
    assert of_kind(after, "reminder") == of_kind(before, "reminder")
    moved = of_kind(after, "meeting_moved")
    assert sorted(person or "" for _, person, _ in moved) == sorted([ERIK.id, JOHN.id])
    texts = {person: text for _, person, text in moved}
    assert "onsdag 2 december 2026 kl. 10:00" in texts[ERIK.id]
    assert "Wednesday 2 December 2026 at 10:00" in texts[JOHN.id] and "still works" in texts[JOHN.id]
    await channel.say(ANNA, "flytta 2026-11-26 till 2026-12-02 10:00")  # the same move again: told once
    assert len(of_kind(await queued(uow_factory), "meeting_moved")) == 2


@pytest.mark.parametrize(("chair", "command", "question", "anyway", "done"), [
    (ANNA, "flytta 2026-11-26 till 2026-11-23 15:00", "har deadline", "Flytta ändå", "är flyttat"),
    (KAREN, "move 2026-11-26 to 2026-11-23 15:00", "its deadline", "Move anyway", "has moved"),
])
async def test_a_move_whose_deadline_has_passed_asks_first(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, chair: User, command: str, question: str, anyway: str,
    done: str,
) -> None:
    bot, _ = make_bot(uow_factory, clock)
    channel = Chat(bot, conversation_id=CHANNEL, conversation_type="channel")
    await set_up_forum(channel, chair, name="Forum", organisations=["Polisen"])
    # Monday 08:00; moved to Monday 15:00, the deadline (the day before at 16:00) was Sunday: passed.
    asked = card_of((await channel.say(chair, command))[-1])
    assert question in texts_in(asked)
    async with uow_factory() as u:
        forum = await u.forums.by_conversation(CHANNEL)
        assert forum is not None
        assert all(m.local_date == m.original_date for m in await u.meetings.for_forum(forum))
    keep = next(a for a in asked["actions"] if a["title"] != anyway)
    kept = await channel.execute(chair, keep["verb"], keep["data"])
    assert ("inte flyttat" if chair is ANNA else "not been moved") in texts_in(kept["value"])
    button = next(a for a in asked["actions"] if a["title"] == anyway)
    body = await channel.execute(chair, button["verb"], button["data"])
    assert done in texts_in(body["value"])
    async with uow_factory() as u:
        moved = [m for m in await u.meetings.for_forum(forum) if m.local_date != m.original_date]
    assert [m.local_date.isoformat() for m in moved] == ["2026-11-23"]
    refused = await channel.execute(JOHN, button["verb"], button["data"])  # not the chair: refused
    assert "ordförande" in texts_in(refused["value"]) or "chair" in texts_in(refused["value"])


@pytest.mark.parametrize(("user", "zone", "expected"), [
    (ANNA, "America", "IANA"),
    (ANNA, "localtime", "IANA"),
    (KAREN, "Factory", "IANA"),
    (KAREN, "posixrules", "IANA"),
])
async def test_a_timezone_outside_the_iana_list_is_refused_with_the_card_kept(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, user: User, zone: str, expected: str
) -> None:
    bot, _ = make_bot(uow_factory, clock)
    channel = Chat(bot, conversation_id=CHANNEL, conversation_type="channel")
    body = await set_up_forum(channel, user, name="Mitt forum", organisations=["Polisen"], timezone=zone)
    shown = texts_in(body["value"])
    assert expected in shown and "Mitt forum" in shown
    async with uow_factory() as u:
        forum = await u.forums.by_conversation(CHANNEL)
    assert forum is not None and forum.schedule.timezone == "Europe/Stockholm" and forum.organisations == ()


@pytest.mark.parametrize(("user", "expected"), [
    (ANNA, "Klockan 01:30 går inte att välja i tidszonen America/New_York"),
    (KAREN, "01:30 cannot be chosen in the time zone America/New_York"),
])
async def test_dst_unsafe_times_follow_the_forums_own_zone(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, user: User, expected: str
) -> None:
    bot, _ = make_bot(uow_factory, clock)
    channel = Chat(bot, conversation_id=CHANNEL, conversation_type="channel")
    refused = await set_up_forum(channel, user, name="NY", organisations=["Polisen"], timezone="America/New_York",
                                 deadline_days="0", deadline_time="01:30")
    assert expected in texts_in(refused["value"]) and "01:00–02:59" in texts_in(refused["value"])
    saved = await set_up_forum(channel, user, name="Sthlm", organisations=["Polisen"], deadline_days="0",
                               deadline_time="01:30")  # Stockholm: 01:30 exists once every day
    assert "Sthlm" in texts_in(saved["value"])
    async with uow_factory() as u:
        forum = await u.forums.by_conversation(CHANNEL)
    assert forum is not None and forum.schedule.deadline.at.strftime("%H:%M") == "01:30"
