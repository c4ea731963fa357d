"""The forum's charter in conversation, in Swedish and English: the chair edits purpose, goals and areas from the
setup card (a rename keeps the goal's id, an outdated card and a personal identity number store nothing), members
read it with `mål`, the chair rates the goals with `utvärdera mål`, and the areas come back on the lägesbild card
as a multi-select per section whose ticks are stored with the contribution."""

from __future__ import annotations

import json
from typing import Any

import pytest

from dialogs.cards.contribution import AREAS_INPUT
from domain.clock import FixedClock
from storage.unit_of_work import UnitOfWorkFactory
from tests.cardcheck import validate_cards
from tests.conversation.harness import action_data, card_of, inputs_of, make_bot, texts_in
from tests.conversation.test_follow_log import channel
from tests.conversation.test_minutes_publishing import forum, posted, user
from tests.minutes_world import ANNA, ERIK

WORDS = {
    "sv": {"setup": "konfigurera", "button": "Syfte och mål", "goals": "mål", "evaluate": "utvärdera mål 2026",
           "saved": "Sparat: syfte och mål", "stale": "Någon har ändrat", "number": "personnummer",
           "achieved": "Uppnått", "not_yet": "Inte utvärderat ännu", "chair_only": "Anna Lindqvist",
           "no_rating": "Välj en bedömning", "empty": "Inget har sparats, eftersom kortet är tomt"},
    "en": {"setup": "setup", "button": "Purpose and goals", "goals": "goals", "evaluate": "evaluate goals 2026",
           "saved": "Saved: purpose and goals", "stale": "Someone has changed", "number": "identity number",
           "achieved": "Achieved", "not_yet": "Not evaluated yet", "chair_only": "Anna Lindqvist",
           "no_rating": "Choose a rating", "empty": "Nothing was saved, as the card is empty"},
}


def _values(card: dict[str, Any]) -> dict[str, str]:
    return {k: str(v.get("value", "")) for k, v in inputs_of(card).items()}


@pytest.mark.parametrize("language", ["sv", "en"])
async def test_the_chair_sets_the_charter_members_read_it_and_goals_are_rated(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, language: str
) -> None:
    bot, _ = make_bot(uow_factory, clock)
    ids = await forum(uow_factory, clock, language)
    words, anna, erik = WORDS[language], user(ANNA, language), user(ERIK, language)
    chat = channel(bot)
    setup = card_of([r for r in await chat.say(anna, words["setup"]) if r.attachments][-1])
    await chat.execute(anna, "charter.open", action_data(setup, "charter.open"))
    opened = posted(chat)
    validate_cards([opened])
    save, values = action_data(opened, "charter.save"), _values(opened)
    typed = {"purpose": "Tidiga insatser för unga i centrum", "commissioned_by": "Socialnämnden",
             "goals_new": "Färre unga i centrum sent\nFler i fritidsverksamhet", "areas_new": "Centrum\nDroger"}
    empty = (await chat.execute(anna, "charter.save", {**save, **values}))["value"]  # saved with nothing typed
    assert words["empty"] in texts_in(empty)
    refused = (await chat.execute(anna, "charter.save", {**save, **values, **typed,
                                                          "purpose": "Gäller 19811218-9876"}))["value"]
    assert words["number"] in texts_in(refused) and "9876" not in texts_in(refused)
    stranger = (await chat.execute(erik, "charter.save", {**save, **values, **typed}))["value"]
    assert words["chair_only"] in texts_in(stranger)
    saved = (await chat.execute(anna, "charter.save", {**save, **values, **typed}))["value"]
    assert words["saved"] in texts_in(saved) and "Socialnämnden" in texts_in(saved)
    async with uow_factory() as u:
        stored = await u.forums.get(ids.forum_id)
        assert stored is not None
        first_goal = stored.charter.goals[0]
        assert [g.text for g in stored.charter.goals] == ["Färre unga i centrum sent", "Fler i fritidsverksamhet"]
        assert [a.name for a in stored.charter.areas] == ["Centrum", "Droger"]
        assert [a.action for a in await u.audit.by_action("charter.changed")] == ["charter.changed"]
    again = (await chat.execute(anna, "charter.save", {**save, **values, **typed}))["value"]  # the old card
    assert words["stale"] in texts_in(again)

    # A rename keeps the goal's id; emptying the second goal removes it.
    await chat.execute(anna, "charter.open", {"forum_id": ids.forum_id})
    current = posted(chat)
    edited = {**_values(current), f"goal__{first_goal.id}": "Färre unga i centrum efter 22",
              f"goal__{stored.charter.goals[1].id}": ""}
    await chat.execute(anna, "charter.save", {**action_data(current, "charter.save"), **edited})
    async with uow_factory() as u:
        renamed = await u.forums.get(ids.forum_id)
    assert renamed is not None and [(g.id, g.text) for g in renamed.charter.goals] == [
        (first_goal.id, "Färre unga i centrum efter 22")]

    shown = texts_in(card_of([r for r in await chat.say(erik, words["goals"]) if r.attachments][-1]))
    assert "Tidiga insatser för unga i centrum" in shown and words["not_yet"] in shown

    evaluation = card_of([r for r in await chat.say(anna, words["evaluate"]) if r.attachments][-1])
    validate_cards([evaluation])
    rate = action_data(evaluation, "goals.save")
    nothing = (await chat.execute(anna, "goals.save", {**rate, **_values(evaluation)}))["value"]
    assert words["no_rating"] in texts_in(nothing)
    rated = (await chat.execute(anna, "goals.save", {**rate, **_values(evaluation),
                                                      f"rating__{first_goal.id}": "achieved",
                                                      f"comment__{first_goal.id}": "Nattvandring gav effekt"}))
    assert words["achieved"] in texts_in(rated["value"]) and "2026" in texts_in(rated["value"])
    async with uow_factory() as u:
        evaluations = await u.goal_evaluations.for_forum(ids.forum_id)
    assert [(e.goal_id, e.rating.value, e.period, e.comment) for e in evaluations] == [
        (first_goal.id, "achieved", "2026", "Nattvandring gav effekt")]


@pytest.mark.parametrize("language", ["sv", "en"])
async def test_the_lagesbild_card_offers_the_areas_per_section_and_stores_the_ticks(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, language: str
) -> None:
    from domain.charter import Area, Charter
    from tests.conversation.harness import Chat

    bot, _ = make_bot(uow_factory, clock)
    ids = await forum(uow_factory, clock, language)
    async with uow_factory() as u:
        await u.forums.set_charter(ids.forum_id, Charter(areas=(Area("c", "Centrum"), Area("d", "Droger"))),
                                   clock.now())
        await u.commit()
    erik = user(ERIK, language)
    mine = Chat(bot, conversation_id=f"a:{ERIK[0]}", conversation_type="personal")
    replies = await mine.say(erik, "lägesbild" if language == "sv" else "report")
    card = card_of([r for r in replies if r.attachments][-1])
    validate_cards([card])
    fields = inputs_of(card)
    area_inputs = [k for k in fields if k.startswith(AREAS_INPUT)]
    assert area_inputs and all(fields[k].get("isMultiSelect") for k in area_inputs)
    section = area_inputs[0].removeprefix(AREAS_INPUT)
    data = {**{k: str(v.get("value", "")) for k, v in fields.items()}, **action_data(card, "contribution.submit"),
            f"s__{section}": "Oro kring torget", area_inputs[0]: "d,c,okänt", area_inputs[1]: "c"}
    body = await mine.execute(erik, "contribution.submit", data)
    assert ("Områden: Centrum, Droger" if language == "sv" else "Areas: Centrum, Droger") in texts_in(body["value"])
    async with uow_factory() as u:
        sent = action_data(card, "contribution.submit")
        latest = await u.contributions.latest(sent["meeting_id"], sent["organisation_id"])
    assert latest is not None and dict(latest.areas) == {section: ("c", "d")}  # the empty section's tick dropped

    # The compiled lägesbild names the areas under the organisation, in the card, the text forms and Word.
    from bot.services.summaries import compile_for
    from dialogs.cards.summary import summary_activities
    from dialogs.cards.summary_text import render_summary_markdown
    from dialogs.documents.summary import summary_outline
    from dialogs.texts import for_language

    async with uow_factory() as u:
        stored_forum, meeting = await u.forums.get(ids.forum_id), await u.meetings.get(sent["meeting_id"])
        assert stored_forum is not None and meeting is not None
        summary = await compile_for(u, stored_forum, meeting, clock.now())
    t = for_language(language)
    (entry,) = [e for s in summary.sections for e in s.entries]
    label = f"{entry.organisation.name} (Centrum, Droger)"
    assert entry.areas == ("Centrum", "Droger")
    assert label in render_summary_markdown(t, summary)
    assert label in json.dumps(summary_activities(t, summary), ensure_ascii=False)
    assert label in [getattr(b, "text", "") for b in summary_outline(t, summary)]
