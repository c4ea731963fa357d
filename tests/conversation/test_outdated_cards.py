"""Outdated cards: in Teams everyone but the presser keeps the original card with a working button.

Every card that changes stored state carries the revision it was built from; a submit from another
revision is refused with the current card (what the person typed kept where possible) and nothing changes.
"""

from __future__ import annotations

from typing import Any

from domain.clock import FixedClock
from domain.model import Forum, RoleKind
from storage.unit_of_work import UnitOfWorkFactory
from tests.conversation.flows import join, set_up_forum, values_from
from tests.conversation.harness import CHANNEL, Chat, User, action_data, card_of, inputs_of, make_bot, texts_in

ANNA = User("29:anna", "Anna Lindqvist")
ERIK = User("29:erik", "Erik Johansson")
FATIMA = User("29:fatima", "Fatima Hassan")
JOHN = User("29:john", "John Smith", locale="en-US")


def channel(bot: Any) -> Chat:
    return Chat(bot, conversation_id=CHANNEL, conversation_type="channel")


async def stored(uow_factory: UnitOfWorkFactory) -> Forum:
    async with uow_factory() as uow:
        forum = await uow.forums.by_conversation(CHANNEL)
    assert forum is not None
    return forum


async def setup_card(chat: Chat, user: User) -> dict[str, Any]:
    return card_of((await chat.say(user, "konfigurera" if user.locale.startswith("sv") else "setup"))[-1])


def submit_of(card: dict[str, Any], **changes: str) -> dict[str, Any]:
    """What Teams sends when the card is submitted: its inputs (with `changes` typed) and the action's data."""
    return values_from(card) | changes | action_data(card, "setup.save")


async def test_an_outdated_setup_card_is_refused_and_keeps_only_what_was_typed(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    bot, _ = make_bot(uow_factory, clock)
    chat = channel(bot)
    await set_up_forum(chat, ANNA, name="Trygghetsforum", organisations=["Polisen", "Socialtjänsten"])
    old = await setup_card(chat, ANNA)
    newer = await setup_card(chat, ANNA)
    await chat.execute(ANNA, "setup.save", submit_of(newer, organisations_new="Fältassistenterna", time="10:00"))

    body = await chat.execute(ANNA, "setup.save", submit_of(old, name="Trygghetsforum Norrby"))

    card = body["value"]
    assert "Inställningarna har ändrats sedan det här kortet visades" in texts_in(card)
    inputs = inputs_of(card)
    assert inputs["name"]["value"] == "Trygghetsforum Norrby"  # typed on the old card: kept
    assert inputs["time"]["value"] == "10:00"  # shown on the old card as 09:00, not typed: the current value
    assert "Fältassistenterna" in [node.get("value") for key, node in inputs.items() if key.startswith("org__")]
    forum = await stored(uow_factory)
    assert forum.name == "Trygghetsforum"
    assert [o.name for o in forum.organisations] == ["Polisen", "Socialtjänsten", "Fältassistenterna"]
    assert forum.schedule.time.hour == 10

    # The card sent back is current: saving it works.
    saved = await chat.execute(ANNA, "setup.save", submit_of(card))
    assert "Trygghetsforum Norrby är sparat" in texts_in(saved["value"])
    assert (await stored(uow_factory)).name == "Trygghetsforum Norrby"


async def test_a_setup_submit_with_only_the_verb_and_forum_id_changes_nothing_in_english(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    bot, _ = make_bot(uow_factory, clock)
    chat = channel(bot)
    await set_up_forum(chat, JOHN, name="Safety forum", organisations=["Police", "Schools"])
    forum = await stored(uow_factory)

    body = await chat.execute(JOHN, "setup.save", {"forum_id": forum.id})

    assert "The settings have changed since this card was shown" in texts_in(body["value"])
    assert inputs_of(body["value"])["name"]["value"] == "Safety forum"
    after = await stored(uow_factory)
    assert after.name == "Safety forum" and [o.name for o in after.organisations] == ["Police", "Schools"]
    assert after.schedule == forum.schedule


async def test_the_chairs_copy_of_the_setup_card_refreshes_to_the_current_one(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    bot, _ = make_bot(uow_factory, clock)
    chat = channel(bot)
    await set_up_forum(chat, ANNA, name="Trygghetsforum", organisations=["Polisen"])
    old = await setup_card(chat, ANNA)
    assert old["refresh"]["userIds"] == [ANNA.id]
    assert old["refresh"]["action"]["verb"] == "setup.refresh"
    await chat.execute(ANNA, "setup.save", submit_of(await setup_card(chat, ANNA), name="Nytt namn"))

    body = await chat.execute(ANNA, "setup.refresh", {k: v for k, v in old["refresh"]["action"]["data"].items()
                                                      if k != "verb"})

    refreshed = body["value"]
    assert inputs_of(refreshed)["name"]["value"] == "Nytt namn"
    assert action_data(refreshed, "setup.save")["revision"] != action_data(old, "setup.save")["revision"]


async def test_removing_an_organisation_asks_first_and_back_keeps_what_was_typed(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    bot, _ = make_bot(uow_factory, clock)
    chat = channel(bot)
    await set_up_forum(chat, ANNA, name="Trygghetsforum", organisations=["Polisen", "Socialtjänsten"])
    await join(chat, ERIK, "Polisen", "participant")
    card = await setup_card(chat, ANNA)
    police = next(k for k, node in inputs_of(card).items() if k.startswith("org__") and node.get("value") == "Polisen")

    question = (await chat.execute(ANNA, "setup.save", submit_of(card, **{police: ""}, name="Forum 2")))["value"]

    shown = texts_in(question)
    assert "Ta bort organisationer?" in shown and "Polisen: inga inlämnade lägesbilder" in shown
    assert "får inga fler lägesbildskort" in shown
    assert [o.name for o in (await stored(uow_factory)).organisations] == ["Polisen", "Socialtjänsten"]

    back = (await chat.execute(ANNA, "setup.review", action_data(question, "setup.review")))["value"]
    assert inputs_of(back)["name"]["value"] == "Forum 2" and inputs_of(back)[police].get("value", "") == ""
    assert [o.name for o in (await stored(uow_factory)).organisations] == ["Polisen", "Socialtjänsten"]

    await chat.execute(ANNA, "setup.save", action_data(question, "setup.save"))
    forum = await stored(uow_factory)
    assert [o.name for o in forum.organisations] == ["Socialtjänsten"]
    assert forum.membership(ERIK.id) is not None and forum.membership(ERIK.id).organisation_id is None  # type: ignore[union-attr]


async def test_the_removal_question_in_english(uow_factory: UnitOfWorkFactory, clock: FixedClock) -> None:
    bot, _ = make_bot(uow_factory, clock)
    chat = channel(bot)
    await set_up_forum(chat, JOHN, name="Safety forum", organisations=["Police", "Schools"])
    card = await setup_card(chat, JOHN)
    police = next(k for k, node in inputs_of(card).items() if k.startswith("org__") and node.get("value") == "Police")
    question = (await chat.execute(JOHN, "setup.save", submit_of(card, **{police: ""})))["value"]
    shown = texts_in(question)
    assert "Remove organisations?" in shown and "Police: no submitted reports" in shown
    assert [a["title"] for a in question["actions"]] == ["Remove and save", "Back to the settings"]


async def test_an_organisation_added_again_under_its_name_is_the_same_organisation(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    bot, _ = make_bot(uow_factory, clock)
    chat = channel(bot)
    await set_up_forum(chat, ANNA, name="Trygghetsforum", organisations=["Polisen", "Socialtjänsten"])
    first_id = (await stored(uow_factory)).organisations[0].id
    card = await setup_card(chat, ANNA)
    question = (await chat.execute(ANNA, "setup.save", submit_of(card, **{f"org__{first_id}": ""})))["value"]
    await chat.execute(ANNA, "setup.save", action_data(question, "setup.save"))
    assert [o.id for o in (await stored(uow_factory)).organisations] != [first_id]

    await chat.execute(ANNA, "setup.save", submit_of(await setup_card(chat, ANNA), organisations_new="POLISEN"))

    forum = await stored(uow_factory)
    assert first_id in [o.id for o in forum.organisations]
    assert forum.organisation(first_id).name == "POLISEN"  # type: ignore[union-attr]


async def test_an_outdated_members_card_is_refused_and_nothing_changes(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    bot, _ = make_bot(uow_factory, clock)
    chat = channel(bot)
    await set_up_forum(chat, ANNA, name="Forum", organisations=["Polisen"])
    await join(chat, ERIK, "Polisen", "member")
    card = card_of((await chat.say(ANNA, "medlemmar"))[-1])
    assert card["refresh"]["userIds"] == [ANNA.id]
    await join(chat, FATIMA, "Polisen", "participant")  # the card on screen no longer shows this
    data = values_from(card) | action_data(card, "members.save")
    data[next(k for k in data if k.startswith("role__participant__"))] = ERIK.id

    body = await chat.execute(ANNA, "members.save", data)

    assert "Medlemmar eller roller har ändrats sedan det här kortet visades" in texts_in(body["value"])
    forum = await stored(uow_factory)
    role = forum.role(forum.organisations[0].id, RoleKind.PARTICIPANT)
    assert role is not None and role.holder_id == FATIMA.id


async def test_an_outdated_join_card_is_refused_in_english(uow_factory: UnitOfWorkFactory, clock: FixedClock) -> None:
    bot, _ = make_bot(uow_factory, clock)
    chat = channel(bot)
    await set_up_forum(chat, ANNA, name="Forum", organisations=["Polisen", "Socialtjänsten"])
    card = card_of((await chat.say(JOHN, "join"))[-1])
    org_id = inputs_of(card)["organisation_id"]["choices"][0]["value"]
    setup = await setup_card(chat, ANNA)
    question = (await chat.execute(ANNA, "setup.save", submit_of(setup, **{f"org__{org_id}": ""})))["value"]
    await chat.execute(ANNA, "setup.save", action_data(question, "setup.save"))

    body = await chat.execute(JOHN, "join.submit", {**action_data(card, "join.submit"), "organisation_id": org_id,
                                                    "role": "participant"})

    assert "The organisations have changed since this card was shown" in texts_in(body["value"])
    assert (await stored(uow_factory)).membership(JOHN.id) is None


async def test_a_chair_who_never_joined_stays_in_the_forum_after_handing_over(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    bot, _ = make_bot(uow_factory, clock)
    chat = channel(bot)
    await set_up_forum(chat, ANNA, name="Forum", organisations=["Polisen"])
    await join(chat, ERIK, "Polisen", "participant")
    card = card_of((await chat.say(ANNA, "medlemmar"))[-1])
    await chat.execute(ANNA, "members.save", values_from(card) | {"chair_id": ERIK.id}
                       | action_data(card, "members.save"))
    forum = await stored(uow_factory)
    assert forum.chair_id == ERIK.id and forum.membership(ANNA.id) is not None
    card = card_of((await chat.say(ERIK, "medlemmar"))[-1])
    assert ANNA.id in [c["value"] for c in inputs_of(card)["chair_id"]["choices"]]
