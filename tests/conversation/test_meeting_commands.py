"""`nästa möte`, `ställ in`, `flytta`, `sammanställ`, `exportera lägesbild` and `frånvarande till`."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.exports import ExportSigner
from bot.services.cycle import run_cycle
from domain.clock import FixedClock
from storage.orm import OutboxRow
from storage.unit_of_work import UnitOfWorkFactory
from tests.conversation.harness import Chat, action_data, card_of, texts_in
from tests.conversation.test_contribution import (
    ANNA,
    ERIK,
    FATIMA,
    forum_with_participants,
    open_card,
    personal,
    submit_data,
)
from tests.deps import deps_of


async def kinds(uow: UnitOfWorkFactory) -> list[tuple[str, str]]:
    async with uow() as u:
        return [(r.kind, r.person_id or r.conversation_id or "")
                for r in await u.session.scalars(select(OutboxRow).order_by(OutboxRow.id))]


async def test_next_meeting_shows_date_deadline_and_who_has_reported(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    bot, channel = await forum_with_participants(uow_factory, clock)
    erik = personal(bot, ERIK)
    await erik.execute(ERIK, "contribution.submit", submit_data(await open_card(erik, ERIK), s1="Lugnt."))
    shown = texts_in(card_of((await channel.say(FATIMA, "nästa möte"))[-1]))
    assert "torsdag 26 november 2026 kl. 09:00" in shown
    assert "onsdag 25 november 2026 kl. 16:00" in shown
    assert "Har rapporterat (1 av 2)" in shown
    assert shown.split("Har rapporterat")[1].split("Har inte rapporterat")[0].count("Polisen") == 1
    assert "Socialtjänsten" in shown.split("Har inte rapporterat")[1]


async def test_a_cancelled_meeting_gets_no_cards_and_no_reminders(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    _bot, channel = await forum_with_participants(uow_factory, clock)
    refused = await channel.say(ERIK, "ställ in 2026-11-26")
    assert "Bara forumets ordförande" in (refused[-1].text or "")
    reply = await channel.say(ANNA, "ställ in 2026-11-26")
    assert reply[-1].text == "Mötet torsdag 26 november 2026 är inställt. Ingen lägesbild samlas in för det."
    before = await kinds(uow_factory)
    await run_cycle(deps_of(uow_factory), datetime(2026, 11, 23, 7, 0, tzinfo=UTC))
    await run_cycle(deps_of(uow_factory), datetime(2026, 11, 25, 11, 0, tzinfo=UTC))
    assert await kinds(uow_factory) == before
    nothing = await channel.say(ANNA, "ställ in 2026-11-27")
    assert "Det finns inget möte fredag 27 november 2026" in (nothing[-1].text or "")


async def test_moving_a_meeting_moves_its_deadline_and_refuses_the_dst_hour(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    _bot, channel = await forum_with_participants(uow_factory, clock)
    night = await channel.say(ANNA, "flytta 2026-11-26 till 2026-11-27 02:30")
    assert "02" in (night[-1].text or "") and "flyttat" not in (night[-1].text or "")
    moved = await channel.say(ANNA, "flytta 2026-11-26 till 2026-11-27 10:00")
    assert moved[-1].text == ("Mötet torsdag 26 november 2026 är flyttat till fredag 27 november 2026 kl. 10:00. "
                              "Deadline för lägesbilden: torsdag 26 november 2026 kl. 16:00.")
    shown = texts_in(card_of((await channel.say(ERIK, "nästa möte"))[-1]))
    assert "fredag 27 november 2026 kl. 10:00" in shown


async def test_the_chairs_preview_is_sent_privately_not_in_the_channel(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    _bot, channel = await forum_with_participants(uow_factory, clock)
    reply = await channel.say(ANNA, "sammanställ")
    assert reply[-1].text == "Jag har skickat sammanställningen till dig i en privat chatt."
    assert not reply[-1].attachments
    assert ("summary_preview", ANNA.id) in await kinds(uow_factory)
    assert "Bara forumets ordförande" in ((await channel.say(ERIK, "sammanställ"))[-1].text or "")


async def test_export_gives_the_chair_a_signed_link_to_a_markdown_file(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    bot, _channel = await forum_with_participants(uow_factory, clock)
    chat = Chat(bot, conversation_id="a:anna", conversation_type="personal")
    reply = (await chat.say(ANNA, "exportera lägesbild 2026-11-26"))[-1].text or ""
    assert "lagesbild-2026-11-26.md" in reply and "/exports/" in reply
    token = reply.split("/exports/")[1].split("/")[0]
    grant = bot.signer.verify(token, clock.now())
    assert grant is not None and grant.person_id == ANNA.id
    assert ExportSigner().verify(token, clock.now()) is None  # another key: refused
    assert bot.signer.verify(token[:-2] + "xx", clock.now()) is None  # tampered: refused


async def test_away_until_sends_the_card_to_the_deputy(uow_factory: UnitOfWorkFactory, clock: FixedClock) -> None:
    bot, _channel = await forum_with_participants(uow_factory, clock)
    erik = personal(bot, ERIK)
    assert (await erik.say(ERIK, "frånvarande till 2026-11-30"))[-1].text == (
        "Noterat: du är frånvarande till och med måndag 30 november 2026. Ersättaren får formulären under tiden."
    )
    assert "ÅÅÅÅ-MM-DD" in ((await erik.say(ERIK, "frånvarande till nästa vecka"))[-1].text or "")
    await run_cycle(deps_of(uow_factory), datetime(2026, 11, 23, 7, 0, tzinfo=UTC))
    cards = [who for kind, who in await kinds(uow_factory) if kind == "collection_open"]
    assert FATIMA.id in cards and ERIK.id not in cards  # Fatima is Polisen's deputy
    assert (await erik.say(ERIK, "tillbaka"))[-1].text == "Välkommen tillbaka! Du får formulären igen."


async def test_changing_the_weekday_moves_the_stored_meetings_and_keeps_reports_with_the_next_meeting(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    from tests.conversation.flows import values_from

    bot, channel = await forum_with_participants(uow_factory, clock)
    erik = personal(bot, ERIK)
    await erik.execute(ERIK, "contribution.submit", submit_data(await open_card(erik, ERIK), s1="Lugnt."))
    await channel.say(FATIMA, "nästa möte")  # materialises Thursday's meeting and maybe the one after
    card = card_of((await channel.say(ANNA, "konfigurera"))[-1])
    data = values_from(card) | {"weekday": "4", **action_data(card, "setup.save")}  # Friday
    await channel.execute(ANNA, "setup.save", data)
    shown = texts_in(card_of((await channel.say(FATIMA, "nästa möte"))[-1]))
    assert "fredag 27 november 2026 kl. 09:00" in shown
    assert "Har rapporterat (1 av 2)" in shown
    async with uow_factory() as uow:
        forum = await uow.forums.by_conversation(channel.conversation_id)
        assert forum is not None
        dates = [m.local_date.isoformat() for m in await uow.meetings.for_forum(forum) if not m.cancelled]
    assert "2026-11-26" not in dates and "2026-11-27" in dates


async def test_a_move_to_a_time_that_does_not_exist_gets_the_usage_not_an_apology(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    _bot, channel = await forum_with_participants(uow_factory, clock)
    reply = (await channel.say(ANNA, "flytta 2026-12-03 till 2026-12-04 25:00"))[-1].text or ""
    assert reply == "Skriv t.ex. **flytta 2026-12-24 till 2026-12-23 09:00**."
