"""Reminders of open actions through the bot, in Swedish and English: publishing minutes plans every new action
(and logs it), the tick sends each owner one digest for the forum that day, and anyone may pause their reminders
(`pausa påminnelser till <datum>` / `pause reminders until <date>`) and resume them, with polite refusals."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.services.cycle import run_cycle
from domain.action_log import EventKind
from domain.clock import FixedClock
from storage.unit_of_work import UnitOfWorkFactory
from tests.cardcheck import validate_cards
from tests.conversation.harness import CHANNEL, Chat, make_bot
from tests.conversation.test_minutes_publishing import forum, outbox, personal, publish, user
from tests.deps import deps_of
from tests.minutes_world import DUE, ERIK, KARIN, OLLE, Ids

TWO_DAYS_BEFORE = datetime(2026, 12, 8, 7, 5, tzinfo=UTC)  # Tuesday 08:05 in Stockholm, DUE is Thursday the 10th

WORDS = {
    "sv": {"heading": "Påminnelse: åtgärder i Trygghetsforum Norrby", "soon": "Ska vara klar om 2 dagar",
           "line": "Påminnelse från Trygghetsforum Norrby: 2 åtgärder väntar på dig.",
           "paused": "inga påminnelser om åtgärder till dig till och med söndag 20 december 2026",
           "pause": "pausa påminnelser till 2026-12-20", "resume": "återuppta påminnelser",
           "resumed": "Påminnelserna om dina åtgärder är på igen.", "already": "Dina påminnelser var redan på.",
           "past": "har redan varit", "invalid": "Skriv ett datum som ÅÅÅÅ-MM-DD",
           "pause_past": "pausa påminnelser till 2026-11-01", "pause_nothing": "pausa påminnelser till nästa vecka",
           "too_far": "Så långt kan jag inte pausa", "pause_far": "pausa påminnelser till 2030-01-01"},
    "en": {"heading": "Reminder: actions in Trygghetsforum Norrby", "soon": "Due in 2 days",
           "line": "Reminder from Trygghetsforum Norrby: 2 actions are waiting for you.",
           "paused": "no reminders about actions to you until and including Sunday 20 December 2026",
           "pause": "pause reminders until 2026-12-20", "resume": "resume reminders",
           "resumed": "The reminders about your actions are on again.", "already": "Your reminders were already on.",
           "past": "has already been", "invalid": "Write a date as YYYY-MM-DD",
           "pause_past": "pause reminders until 2026-11-01", "pause_nothing": "pause reminders until next week",
           "too_far": "I cannot pause that long", "pause_far": "pause reminders until 2030-01-01"},
}


async def published(uow_factory: UnitOfWorkFactory, clock: FixedClock, language: str) -> tuple[Any, Ids]:
    bot, _ = make_bot(uow_factory, clock)
    ids = await forum(uow_factory, clock, language)
    await publish(bot, uow_factory, ids, language)
    return bot, ids


@pytest.mark.parametrize("language", ["sv", "en"])
async def test_published_actions_are_planned_and_each_owner_gets_one_digest_that_day(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, language: str
) -> None:
    _bot, ids = await published(uow_factory, clock, language)
    async with uow_factory() as uow:
        actions = await uow.actions.for_meeting(ids.meeting_id)
        plans = await uow.nudge_plans.for_forum(ids.forum_id)
        events = [e for a in actions for e in await uow.action_log.for_action(a.id)]
    assert len(actions) == 3 and {p.action_id for p in plans} == {a.id for a in actions}
    assert all(p.next_at == datetime(2026, 12, 8, 7, 0, tzinfo=UTC) for p in plans)  # Tuesday 08:00, 2 days before
    created = {e.action_id: e.detail for e in events if e.kind is EventKind.CREATED}
    first = next(a for a in actions if a.number == 1)
    assert created[first.id] == {"meeting": ids.meeting_id, "paragraph": 1, "owner_role": ids.police_role,
                                 "due": DUE.isoformat(), "holder": ERIK[0]}  # who held the role then
    assert await run_cycle(deps_of(uow_factory), TWO_DAYS_BEFORE) >= 2
    await run_cycle(deps_of(uow_factory), TWO_DAYS_BEFORE.replace(minute=35))  # a later tick: nothing again
    digests = await outbox(uow_factory, "action_nudge")
    # Karin holds Skolan's participant role and stands in for its vacant deputy role: both in her one digest
    assert sorted(d.person_id or "" for d in digests) == sorted([ERIK[0], KARIN[0]])
    words = WORDS[language]
    karin = next(d for d in digests if d.person_id == KARIN[0])
    assert karin.payload["text"] == words["line"]
    assert words["heading"] in karin.shown and words["soon"] in karin.shown
    assert "Å-2 Samla in siffror" in karin.shown and "Å-3 Boka lokal" in karin.shown
    assert "Kontakta skolan" not in karin.shown
    assert validate_cards([d.card for d in digests]) == []
    async with uow_factory() as uow:
        queued = [e for a in actions for e in await uow.action_log.for_action(a.id)
                  if e.kind is EventKind.NUDGE_QUEUED]
    assert len(queued) == 3 and {e.detail["recipient"] for e in queued} == {ERIK[0], KARIN[0]}


@pytest.mark.parametrize("language", ["sv", "en"])
async def test_a_paused_owner_gets_nothing_until_they_resume(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, language: str
) -> None:
    bot, _ids = await published(uow_factory, clock, language)
    words = WORDS[language]
    erik = personal(bot, ERIK)
    [reply] = await erik.say(user(ERIK, language), words["pause"])
    assert words["paused"] in (reply.text or "")
    await run_cycle(deps_of(uow_factory), TWO_DAYS_BEFORE)
    assert [d.person_id for d in await outbox(uow_factory, "action_nudge")] == [KARIN[0]]
    [reply] = await erik.say(user(ERIK, language), words["resume"])
    assert reply.text == words["resumed"]
    await run_cycle(deps_of(uow_factory), TWO_DAYS_BEFORE.replace(hour=9))
    assert sorted(d.person_id or "" for d in await outbox(uow_factory, "action_nudge")) == sorted(
        [ERIK[0], KARIN[0]])
    [reply] = await erik.say(user(ERIK, language), words["resume"])
    assert reply.text == words["already"]


@pytest.mark.parametrize("language", ["sv", "en"])
async def test_pausing_is_refused_politely_for_a_past_missing_or_far_date_and_works_in_the_channel(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, language: str
) -> None:
    bot, ids = await published(uow_factory, clock, language)
    words = WORDS[language]
    olle = personal(bot, OLLE)  # anyone may pause, even someone in no forum
    for typed, expected in ((words["pause_past"], words["past"]), (words["pause_nothing"], words["invalid"]),
                            (words["pause_far"], words["too_far"])):
        [reply] = await olle.say(user(OLLE, language), typed)
        assert expected in (reply.text or ""), typed
    async with uow_factory() as uow:
        person = await uow.people.get(OLLE[0])
        assert person is not None and person.nudges_paused_until is None
    channel = Chat(bot, conversation_id=CHANNEL, conversation_type="channel")
    replies = await channel.say(user(KARIN, language), words["pause"])
    assert words["paused"] in (replies[-1].text or "")
    async with uow_factory() as uow:
        person = await uow.people.get(KARIN[0])
        assert person is not None and person.nudges_paused_until == date(2026, 12, 20)
    assert ids.forum_id


@pytest.mark.parametrize("language", ["sv", "en"])
async def test_done_pressed_on_a_digest_redraws_the_whole_digest_with_the_result(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, language: str
) -> None:
    from tests.conversation.harness import texts_in
    from tests.conversation.minutes_flows import buttons, click

    bot, _ids = await published(uow_factory, clock, language)
    await run_cycle(deps_of(uow_factory), TWO_DAYS_BEFORE)
    clock.set(TWO_DAYS_BEFORE)
    karin = next(d for d in await outbox(uow_factory, "action_nudge") if d.person_id == KARIN[0])
    done = {"sv": ("Markera som klar", "Klar, markerad av"), "en": ("Mark as done", "Done, marked by")}[language]
    pressed = next(b for b in buttons(karin.card) if b["title"] == done[0])
    field = f"outcome_{pressed['data']['action_id']}"
    after = await click(personal(bot, KARIN), user(KARIN, language), karin.card, done[0], **{field: "Siffror samlade"})
    shown = texts_in(after)
    assert "Å-2 Samla in siffror" in shown and "Å-3 Boka lokal" in shown, shown  # both still on the card
    assert done[1] in shown and "Siffror samlade" in shown
    assert [b["title"] for b in buttons(after)].count(done[0]) == 1  # only the open one still has Klar
    assert validate_cards([after]) == []


@pytest.mark.parametrize("language", ["sv", "en"])
async def test_handing_over_from_a_digest_takes_its_place_and_brings_the_digest_back_redrawn(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, language: str
) -> None:
    from tests.conversation.harness import inputs_of, texts_in
    from tests.conversation.minutes_flows import buttons, click

    bot, _ids = await published(uow_factory, clock, language)
    await run_cycle(deps_of(uow_factory), TWO_DAYS_BEFORE)
    clock.set(TWO_DAYS_BEFORE)
    karin = next(d for d in await outbox(uow_factory, "action_nudge") if d.person_id == KARIN[0])
    hand_over, submit = {"sv": ("Lämna över", "Lämna över"), "en": ("Hand over", "Hand over")}[language]
    chat, who = personal(bot, KARIN), user(KARIN, language)
    form = await click(chat, who, karin.card, hand_over)  # the first panel's: Å-2
    assert "to" in inputs_of(form), texts_in(form)  # the form, in the digest's place
    police = next(c["value"] for c in inputs_of(form)["to"]["choices"] if "Polisen" in c["title"])
    after = await click(chat, who, form, submit, to=police)
    shown = texts_in(after)
    assert "Å-2 Samla in siffror" in shown and "Å-3 Boka lokal" in shown, shown  # the digest is back
    assert "Erik Johansson" in shown  # Å-2's owner is now Polisen's role
    assert validate_cards([form, after]) == []
    assert buttons(after)
