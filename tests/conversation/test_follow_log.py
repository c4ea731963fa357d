"""The follow-up log through the bot, in Swedish and English: `historik Å-1` / `history A-1` for the forum's people
(events in order, split over cards when long, strangers refused), the nudge policy card from the setup card
(saved, refused with what was typed, outdated), and the weekly overview queued by the tick once on its day.

Events are appended straight through the unit of work (other parts write them where they happen)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bot.services import cycle
from domain.action_log import ActionEvent, EventKind
from domain.actions import ActionItem
from domain.clock import FixedClock
from storage.unit_of_work import UnitOfWorkFactory
from tests.cardcheck import validate_cards
from tests.conversation.harness import CHANNEL, Chat, action_data, card_of, inputs_of, make_bot, texts_in
from tests.conversation.test_minutes_publishing import forum, outbox, posted, publish, user
from tests.minutes_world import ANNA, ERIK, KARIN, OLLE, Ids

WORDS = {
    "sv": {"history": "historik", "title": "Historik för Å-1: Kontakta skolan om kvällarna", "created": "Skapad",
           "queued": "Påminnelse köad", "done": "Klar", "outcome": "Utfall: Kontakt tagen med rektorn",
           "redated": "Nytt datum", "bot": "Forumbot", "stranger": "Bara ordföranden och forumets deltagare",
           "missing": "Det finns ingen åtgärd Å-99", "more": "Nästa händelser", "page": "Händelse 26–30 av 30",
           "policy": "Påminnelser", "saved": "Påminnelserna i Trygghetsforum Norrby är sparade",
           "every": "var 5:e dag", "bad": "Dagar före klardatum: 0–14.", "stale": "har ändrats sedan kortet visades",
           "overview": "Veckoöversikt – Trygghetsforum Norrby", "overdue_line": "Å-1 Kontakta skolan om kvällarna",
           "vacant": "Skolan, ersättare: 1 öppen åtgärd", "paused": "Karin Ek till och med"},
    "en": {"history": "history", "title": "History of Å-1: Kontakta skolan om kvällarna", "created": "Created",
           "queued": "Reminder queued", "done": "Done", "outcome": "Outcome: Kontakt tagen med rektorn",
           "redated": "New date", "bot": "Forumbot", "stranger": "Only the chair and the forum's participants",
           "missing": "There is no action Å-99", "more": "Next events", "page": "Event 26–30 of 30",
           "policy": "Reminders", "saved": "The reminders of Trygghetsforum Norrby are saved",
           "every": "every 5 days", "bad": "Days before the due date: 0–14.", "stale": "have changed since this card",
           "overview": "Weekly overview – Trygghetsforum Norrby", "overdue_line": "Å-1 Kontakta skolan om kvällarna",
           "vacant": "Skolan, deputy: 1 open action", "paused": "Karin Ek until"},
}


async def published_actions(bot: Any, uow: UnitOfWorkFactory, clock: FixedClock,
                            language: str) -> tuple[Ids, list[ActionItem]]:
    ids = await forum(uow, clock, language)
    await publish(bot, uow, ids, language)
    async with uow() as u:
        return ids, await u.actions.for_forum(ids.forum_id)


async def append(uow: UnitOfWorkFactory, events: list[ActionEvent]) -> None:
    async with uow() as u:
        for event in events:
            u.action_log.append(event)
        await u.commit()


def channel(bot: Any) -> Chat:
    return Chat(bot, conversation_id=CHANNEL, conversation_type="channel")


def shown(replies: list[Any]) -> str:
    return "\n".join([str(r.text or "") for r in replies if r.type == "message"] +
                     [texts_in(card_of(r)) for r in replies if r.type == "message" and r.attachments])


@pytest.mark.parametrize("language", ["sv", "en"])
async def test_history_shows_an_actions_events_in_order_to_the_forum_and_refuses_a_stranger(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, language: str
) -> None:
    bot, _ = make_bot(uow_factory, clock)
    ids, actions = await published_actions(bot, uow_factory, clock, language)
    first = actions[0]
    now = clock.now()
    await append(uow_factory, [
        ActionEvent(first.id, ids.forum_id, now + timedelta(days=1), EventKind.NUDGE_QUEUED,
                    detail={"recipient": ERIK[0], "stage": "before", "local_day": "2026-11-24"}),
        ActionEvent(first.id, ids.forum_id, now + timedelta(days=2), EventKind.REDATED, ERIK[0],
                    detail={"due_before": "2026-12-10", "due": "2026-12-17", "reason": "Rektorn är sjuk"}),
        ActionEvent(first.id, ids.forum_id, now + timedelta(days=3), EventKind.DONE, ERIK[0],
                    detail={"outcome": "Kontakt tagen med rektorn"}),
    ])
    words = WORDS[language]
    text = shown(await channel(bot).say(user(KARIN, language), f"{words['history']} {first_number(language)}"))
    assert words["title"] in text
    order = [text.index(words[k]) for k in ("queued", "redated", "outcome")]
    assert order == sorted(order) and words["bot"] in text and "Erik Johansson" in text
    assert "Rektorn är sjuk" in text
    stranger = shown(await channel(bot).say(user(OLLE, language), f"{words['history']} 1"))
    assert words["stranger"] in stranger and "Rektorn" not in stranger
    missing = shown(await channel(bot).say(user(ANNA, language), f"{words['history']} 99"))
    assert words["missing"] in missing


def first_number(language: str) -> str:
    return "Å-1" if language == "sv" else "a-1"


@pytest.mark.parametrize("language", ["sv", "en"])
async def test_a_long_history_is_split_over_cards_with_a_next_button(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, language: str
) -> None:
    bot, _ = make_bot(uow_factory, clock)
    ids, actions = await published_actions(bot, uow_factory, clock, language)
    first = actions[0]
    async with uow_factory() as u:
        before = len(await u.action_log.for_action(first.id))  # CREATED, once publishing appends it
    # 30 events in all; each note is named by its place in the history
    await append(uow_factory, [ActionEvent(first.id, ids.forum_id, clock.now() + timedelta(minutes=p),
                                           EventKind.COMMENTED, ERIK[0], detail={"text": f"anteckning {p:02d}"})
                               for p in range(before + 1, 31)])
    words = WORDS[language]
    replies = await channel(bot).say(user(ERIK, language), f"{words['history']} 1")
    page_one = card_of([r for r in replies if r.attachments][-1])
    validate_cards([page_one])
    assert "anteckning 25" in texts_in(page_one) and "anteckning 26" not in texts_in(page_one)
    page_two = await channel(bot).execute(user(ERIK, language), "history.page", action_data(page_one, "history.page"))
    second = texts_in(page_two["value"])
    assert words["page"] in second and "anteckning 26" in second and "anteckning 30" in second
    assert "anteckning 25" not in second and words["more"] not in second


@pytest.mark.parametrize("language", ["sv", "en"])
async def test_the_chair_edits_the_nudge_policy_from_the_setup_card(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, language: str
) -> None:
    bot, _ = make_bot(uow_factory, clock)
    ids = await forum(uow_factory, clock, language)
    words, anna = WORDS[language], user(ANNA, language)
    chat = channel(bot)
    setup = card_of([r for r in await chat.say(anna, "konfigurera" if language == "sv" else "setup")
                     if r.attachments][-1])
    assert any(a.get("title") == words["policy"] for a in setup["actions"])
    await chat.execute(anna, "policy.open", action_data(setup, "policy.open"))
    opened = posted(chat)
    validate_cards([opened])
    fields = inputs_of(opened)
    assert fields["days_before"]["value"] == 2 and fields["overview_weekday"]["value"] == "0"
    save = action_data(opened, "policy.save")
    values = {k: str(v.get("value", "")) for k, v in fields.items()}
    refused = (await chat.execute(anna, "policy.save", {**save, **values, "days_before": "40"}))["value"]
    assert words["bad"] in texts_in(refused) and inputs_of(refused)["days_before"]["value"] == 40
    stranger = await chat.execute(user(ERIK, language), "policy.save", {**save, **values, "overdue_every": "5"})
    assert "Anna Lindqvist" in texts_in(stranger["value"])
    saved = (await chat.execute(anna, "policy.save", {**save, **values, "overdue_every": "5",
                                                       "weekly_overview": "false"}))["value"]
    assert words["saved"] in texts_in(saved) and words["every"] in texts_in(saved)
    async with uow_factory() as u:
        stored = await u.forums.get(ids.forum_id)
        audited = [dict(a.detail)["overdue_every"] for a in await u.audit.by_action("follow_up_policy.changed")]
    assert stored is not None and stored.follow_up.overdue_every == 5 and not stored.follow_up.weekly_overview
    assert audited == [5]
    again = (await chat.execute(anna, "policy.save", {**save, **values, "overdue_every": "9"}))["value"]
    assert words["stale"] in texts_in(again) and inputs_of(again)["overdue_every"]["value"] == 5
    async with uow_factory() as u:
        kept = await u.forums.get(ids.forum_id)
    assert kept is not None and kept.follow_up.overdue_every == 5


@pytest.mark.parametrize("language", ["sv", "en"])
async def test_the_weekly_overview_goes_to_the_forum_once_on_its_day(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, language: str
) -> None:
    bot, _ = make_bot(uow_factory, clock)
    _, actions = await published_actions(bot, uow_factory, clock, language)
    async with uow_factory() as u:
        await u.people.set_nudges_paused_until(KARIN[0], date(2026, 12, 20), clock.now())
        await u.commit()
    monday = datetime(2026, 12, 14, 7, 30, tzinfo=UTC)  # 08:30 Stockholm, the actions were due 10 December
    sunday = monday - timedelta(days=1)
    await cycle.run_cycle(bot.deps, sunday)
    assert await outbox(uow_factory, "weekly_overview") == []  # not its day
    await cycle.run_cycle(bot.deps, monday)
    await cycle.run_cycle(bot.deps, monday + timedelta(hours=2))
    (post,) = await outbox(uow_factory, "weekly_overview")
    words = WORDS[language]
    assert post.conversation_id == CHANNEL and words["overview"] in post.shown
    assert words["overdue_line"] in post.shown and words["vacant"] in post.shown and words["paused"] in post.shown
    validate_cards([post.card])
    assert len(actions) == 3


async def test_the_minutes_word_export_ends_with_the_log_of_the_meetings_actions(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    import io

    import docx

    from bot.services.follow_log import meeting_log_lines
    from bot.services.minutes_export import MinutesDocuments, published_version
    from dialogs.texts import for_language

    bot, _ = make_bot(uow_factory, clock)
    ids, actions = await published_actions(bot, uow_factory, clock, "sv")
    await append(uow_factory, [ActionEvent(actions[1].id, ids.forum_id, clock.now(), EventKind.HELP_REQUESTED,
                                           KARIN[0], detail={"text": "Behöver siffror från polisen"})])
    t = for_language("sv")
    async with uow_factory() as u:
        found = await u.forums.get(ids.forum_id)
        assert found is not None
        version = await published_version(u, ids.meeting_id)
        assert version is not None
        lines = tuple(await meeting_log_lines(u, t, found, ids.meeting_id))
    document = docx.Document(io.BytesIO(MinutesDocuments(version, t, "", lines).docx()))
    assert "Uppföljningslogg för mötets åtgärder" in [p.text for p in document.paragraphs]
    rows = [[c.text for c in r.cells] for r in document.tables[-1].rows]
    assert rows[-1][1:5] == ["Å-2", "Samla in siffror", "Behöver hjälp", "Karin Ek"]
    assert rows[-1][5] == "Behöver siffror från polisen"
