"""The follow-up of earlier actions where people look before a meeting: `nästa möte` and the chair's preview."""

from __future__ import annotations

from sqlalchemy import select

from domain.clock import FixedClock
from storage.orm import OutboxRow
from storage.unit_of_work import UnitOfWorkFactory
from tests.conversation.harness import card_of, texts_in
from tests.conversation.test_action_lists import _with_actions
from tests.conversation.test_contribution import ANNA, ERIK, JOHN, forum_with_participants


async def test_next_meeting_shows_open_actions_overdue_first_and_those_closed_since(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    _bot, channel = await forum_with_participants(uow_factory, clock)
    assert "Uppföljning" not in texts_in(card_of((await channel.say(ERIK, "nästa möte"))[-1]))  # no actions yet
    await _with_actions(uow_factory)
    shown = texts_in(card_of((await channel.say(ERIK, "nästa möte"))[-1]))
    follow_up = shown.split("Uppföljning från föregående möten")[1]
    assert follow_up.index("Å-1") < follow_up.index("Å-3") < follow_up.index("Å-2")
    assert ("**Å-1** Kontakta \\*skolan\\* om rasterna · Polisen, deltagare (Erik Johansson) · senast fredag 20 "
            "november 2026 · **försenad**") in follow_up
    assert "Avslutade sedan förra mötet:\r- Å-4 Gammal åtgärd · klar måndag 23 november 2026" in follow_up
    english = texts_in(card_of((await channel.say(JOHN, "next meeting"))[-1]))
    assert "Follow-up from earlier meetings" in english and "Closed since the last meeting:" in english


async def test_the_chairs_preview_starts_with_the_follow_up(uow_factory: UnitOfWorkFactory, clock: FixedClock) -> None:
    _bot, channel = await forum_with_participants(uow_factory, clock)
    await _with_actions(uow_factory)
    await channel.say(ANNA, "sammanställ")
    async with uow_factory() as uow:
        [payload] = await uow.session.scalars(select(OutboxRow.payload).where(OutboxRow.kind == "summary_preview"))
    assert isinstance(payload, dict)
    shown = texts_in(payload["attachments"][0]["content"])
    assert shown.index("Uppföljning från föregående möten") < shown.index("Aktuella händelser")
    assert "**Å-1** Kontakta \\*skolan\\* om rasterna" in shown
