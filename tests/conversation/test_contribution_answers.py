"""A card pressed twice, and "Inget nytt" ticked together with text, in sv and en."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from domain.clock import FixedClock
from storage.orm import ContributionVersionRow
from storage.unit_of_work import UnitOfWorkFactory
from tests.conversation.harness import User, texts_in
from tests.conversation.test_contribution import ERIK, JOHN, forum_with_participants, open_card, personal, submit_data


async def versions(uow: UnitOfWorkFactory) -> list[tuple[int, bool, list[str]]]:
    async with uow() as u:
        rows = await u.session.scalars(select(ContributionVersionRow).order_by(ContributionVersionRow.submitted_at,
                                                                              ContributionVersionRow.version))
        return [(r.version, r.nothing_new, [s["text"] for s in r.sections if s["text"]]) for r in rows]


async def version_count(uow: UnitOfWorkFactory) -> int:
    async with uow() as u:
        return int(await u.session.scalar(select(func.count()).select_from(ContributionVersionRow)) or 0)


@pytest.mark.parametrize(("user", "word", "already"), [
    (ERIK, "lägesbild", "Det här är redan sparat som version 1"),
    (JOHN, "report", "This is already saved as version 1"),
])
async def test_pressing_the_same_card_twice_stores_once_and_says_it_is_already_saved(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, user: User, word: str, already: str
) -> None:
    bot, _ = await forum_with_participants(uow_factory, clock)
    chat = personal(bot, user)
    data = submit_data(await open_card(chat, user, word), s1="Lugnt i centrum.")
    await chat.execute(user, "contribution.submit", data)
    again = await chat.execute(user, "contribution.submit", data)  # the same card, pressed again
    shown = texts_in(again["value"])
    assert already in shown
    assert "ändrade lägesbilden" not in shown and "changed the report" not in shown
    assert await version_count(uow_factory) == 1
    changed = await chat.execute(user, "contribution.submit", data | {next(k for k in data if k.startswith("s__")):
                                                                      "Något hände."})
    assert "ändrade lägesbilden" in texts_in(changed["value"]) or "changed the report" in texts_in(changed["value"])
    assert await version_count(uow_factory) == 1  # a different text over an old card is still a conflict


@pytest.mark.parametrize(("user", "word", "question", "keep_text", "keep_nothing"), [
    (ERIK, "lägesbild", "Vilket gäller?", "Skicka texten", "Inget nytt – skicka utan texten"),
    (JOHN, "report", "Which one holds?", "Send the text", "Nothing new – send without the text"),
])
async def test_nothing_new_with_text_asks_which_holds_and_keeps_the_text_until_answered(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, user: User, word: str, question: str, keep_text: str,
    keep_nothing: str,
) -> None:
    bot, _ = await forum_with_participants(uow_factory, clock)
    chat = personal(bot, user)
    data = submit_data(await open_card(chat, user, word), s1="Skadegörelse vid skolan.") | {"nothing_new": "true"}
    asked = (await chat.execute(user, "contribution.submit", data))["value"]
    shown = texts_in(asked)
    assert question in shown and "Skadegörelse vid skolan." in shown
    assert await version_count(uow_factory) == 0
    buttons = {a["title"]: a["data"] for a in asked["actions"]}
    assert set(buttons) == {keep_text, keep_nothing}
    kept = await chat.execute(user, "contribution.submit", data | {k: v for k, v in buttons[keep_text].items()
                                                                   if k != "verb"})
    assert "Skadegörelse vid skolan." in texts_in(kept["value"])
    assert await versions(uow_factory) == [(1, False, ["Skadegörelse vid skolan."])]
    # The other answer, from a fresh card: "nothing new" holds and the text is left out, on purpose.
    fresh = submit_data(await open_card(chat, user, word), s1="Skadegörelse vid skolan.") | {"nothing_new": "true"}
    asked = (await chat.execute(user, "contribution.submit", fresh))["value"]
    buttons = {a["title"]: a["data"] for a in asked["actions"]}
    await chat.execute(user, "contribution.submit", fresh | {k: v for k, v in buttons[keep_nothing].items()
                                                             if k != "verb"})
    assert (await versions(uow_factory))[-1] == (2, True, [])
