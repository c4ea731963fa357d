"""Setting a forum up, joining it and managing members, as people in Teams would."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from domain.clock import FixedClock
from storage.orm import OutboxRow
from storage.unit_of_work import UnitOfWorkFactory
from tests.conversation.flows import join, set_up_forum, values_from
from tests.conversation.harness import (
    CHANNEL,
    Chat,
    User,
    action_data,
    card_of,
    inputs_of,
    make_bot,
    texts_in,
)

ANNA = User("29:anna", "Anna Lindqvist")
ERIK = User("29:erik", "Erik Johansson")
FATIMA = User("29:fatima", "Fatima Hassan")
JOHN = User("29:john", "John Smith", locale="en-US")


def channel(bot) -> Chat:  # type: ignore[no-untyped-def]
    return Chat(bot, conversation_id=CHANNEL, conversation_type="channel")


async def test_the_first_person_to_set_up_becomes_chair_and_gets_the_setup_card(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    bot, _ = make_bot(uow_factory, clock)
    chat = channel(bot)
    replies = await chat.say(ANNA, "konfigurera")
    assert "du är ordförande" in (replies[-1].text or "")
    card = card_of(replies[-1])
    shown = texts_in(card)
    assert "Aktuella händelser" in shown and "Trender och mönster" in shown
    assert all(node.get("label") for node in inputs_of(card).values())
    async with uow_factory() as uow:
        forum = await uow.forums.by_conversation(CHANNEL)
    assert forum is not None and forum.chair_id == ANNA.id and len(forum.sections) == 6

    second = await chat.say(ERIK, "konfigurera")
    assert "Ordförande är Anna Lindqvist" in (second[-1].text or "")


async def test_saving_the_setup_stores_schedule_agenda_and_organisations(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    bot, _ = make_bot(uow_factory, clock)
    chat = channel(bot)
    body = await set_up_forum(chat, ANNA, name="Trygghetsforum Norrby", organisations=["Polisen", "Socialtjänsten"],
                              weekday="2", time="10:00", sections_new="Skolavslutning")
    assert body["type"] == "application/vnd.microsoft.card.adaptive"
    assert "Trygghetsforum Norrby är sparat" in texts_in(body["value"])
    async with uow_factory() as uow:
        forum = await uow.forums.by_conversation(CHANNEL)
    assert forum is not None
    assert forum.name == "Trygghetsforum Norrby"
    assert forum.schedule.weekday == 2 and forum.schedule.time.hour == 10
    assert [o.name for o in forum.organisations] == ["Polisen", "Socialtjänsten"]
    assert forum.sections[-1].title == "Skolavslutning"
    assert len(forum.roles) == 4  # participant and deputy per organisation, stored from the start


async def test_the_chair_can_rename_remove_and_reorder_sections(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    bot, _ = make_bot(uow_factory, clock)
    chat = channel(bot)
    await set_up_forum(chat, ANNA, name="Forum", organisations=["Polisen"])
    card = card_of((await chat.say(ANNA, "konfigurera"))[-1])
    data = values_from(card)
    section_keys = [k for k in data if k.startswith("section__")]
    first, second = section_keys[0], section_keys[1]
    data[first] = "Uppföljning"  # rename
    data[second] = ""  # remove
    data["section_pos__" + section_keys[-1][len("section__"):]] = "1"  # move the last to the top
    await chat.execute(ANNA, "setup.save", {**data, **action_data(card, "setup.save")})
    async with uow_factory() as uow:
        forum = await uow.forums.by_conversation(CHANNEL)
    assert forum is not None
    titles = [s.title for s in forum.sections]
    assert titles[0] == "Övrigt / frågor till forumet"
    assert "Uppföljning" in titles and "Aktuella händelser" not in titles
    assert len(titles) == 5


async def test_invalid_setup_comes_back_with_errors_and_the_users_values(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    bot, _ = make_bot(uow_factory, clock)
    chat = channel(bot)
    body = await set_up_forum(chat, ANNA, name="Mitt forum", organisations=["Polisen"], time="02:30",
                              deadline_days="0", deadline_time="23:00")
    card = body["value"]
    shown = texts_in(card)
    assert "02" in shown and "Kontrollera följande" in shown
    assert inputs_of(card)["name"]["value"] == "Mitt forum"
    async with uow_factory() as uow:
        forum = await uow.forums.by_conversation(CHANNEL)
    assert forum is not None and forum.name != "Mitt forum" and forum.organisations == ()


async def test_only_the_chair_can_save_the_setup(uow_factory: UnitOfWorkFactory, clock: FixedClock) -> None:
    bot, _ = make_bot(uow_factory, clock)
    chat = channel(bot)
    card = card_of((await chat.say(ANNA, "konfigurera"))[-1])
    data = {**values_from(card), "name": "Kapat", **action_data(card, "setup.save")}
    body = await chat.execute(ERIK, "setup.save", data)
    assert "Bara forumets ordförande" in texts_in(body["value"])


async def test_people_join_for_an_organisation_and_take_a_vacant_role(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    bot, _ = make_bot(uow_factory, clock)
    chat = channel(bot)
    await set_up_forum(chat, ANNA, name="Forum", organisations=["Polisen", "Socialtjänsten"])
    first = await join(chat, ERIK, "Polisen", "participant")
    assert "Du är deltagare för Polisen" in texts_in(first["value"])
    second = await join(chat, FATIMA, "Polisen", "participant")
    assert "Erik Johansson är redan deltagare för Polisen" in texts_in(second["value"])
    async with uow_factory() as uow:
        forum = await uow.forums.by_conversation(CHANNEL)
    assert forum is not None
    police = forum.organisations[0]
    role = forum.role(police.id, __import__("domain.model", fromlist=["RoleKind"]).RoleKind.PARTICIPANT)
    assert role is not None and role.holder_id == ERIK.id
    assert {m.person_id for m in forum.memberships} == {ERIK.id, FATIMA.id}


async def test_the_chair_names_a_deputy_and_hands_over_the_chair(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    bot, _ = make_bot(uow_factory, clock)
    chat = channel(bot)
    await set_up_forum(chat, ANNA, name="Forum", organisations=["Polisen"])
    await join(chat, ANNA, "Polisen", "member")
    await join(chat, ERIK, "Polisen", "participant")
    await join(chat, FATIMA, "Polisen", "member")
    card = card_of((await chat.say(ANNA, "medlemmar"))[-1])
    data = values_from(card)
    deputy_key = next(k for k in data if k.startswith("role__deputy__"))
    data[deputy_key] = FATIMA.id
    data["chair_id"] = ERIK.id
    body = await chat.execute(ANNA, "members.save", {**data, **action_data(card, "members.save")})
    assert "Erik Johansson är nu ordförande" in texts_in(body["value"])
    async with uow_factory() as uow:
        forum = await uow.forums.by_conversation(CHANNEL)
        trail = [row.action for row in await uow.audit.for_forum(forum.id)] if forum else []
    assert forum is not None and forum.chair_id == ERIK.id
    assert any(r.holder_id == FATIMA.id and r.kind.value == "deputy" for r in forum.roles)
    assert "forum.chair_changed" in trail and "role.assigned" in trail

    refused = await chat.say(ANNA, "medlemmar")
    assert "Bara forumets ordförande" in (refused[-1].text or "")


async def test_help_in_swedish_and_english_fits_the_persons_role(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    bot, _ = make_bot(uow_factory, clock)
    chat = channel(bot)
    before = texts_in(card_of((await chat.say(ANNA, "hjälp"))[-1]))
    assert "konfigurera" in before and "skapa forumet här" in before
    await set_up_forum(chat, ANNA, name="Forum", organisations=["Polisen"])
    chair = texts_in(card_of((await chat.say(ANNA, "hjälp"))[-1]))
    assert "Du är ordförande för Forum" in chair and "testa utskick" in chair
    english = texts_in(card_of((await chat.say(JOHN, "help"))[-1]))
    assert "What you can do" in english and "**join**" in english and "setup" not in english.split("join")[0]


async def test_unknown_input_and_a_bare_mention_get_a_friendly_pointer(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    bot, _ = make_bot(uow_factory, clock)
    chat = channel(bot)
    unknown = await chat.say(ANNA, "<at>Forumbot</at> vad är klockan?")
    assert "Skriv **hjälp**" in (unknown[-1].text or "")
    bare = await chat.say(ANNA, "<at>Forumbot</at>")
    assert "Hej Anna Lindqvist" in (bare[-1].text or "")
    english = await chat.say(JOHN, "what?")
    assert "Type **help**" in (english[-1].text or "")
    odd_card = await chat.execute(ANNA, "no.such.verb", {"x": 1})
    assert "knappen känner jag inte igen" in texts_in(odd_card["value"]) or odd_card["value"]


async def test_installing_queues_exactly_one_welcome_per_conversation(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    bot, wake = make_bot(uow_factory, clock)
    chat = channel(bot)
    await chat.install(ANNA)
    await chat.install(ANNA)  # re-install / app update
    async with uow_factory() as uow:
        rows = list(await uow.session.scalars(select(OutboxRow).where(OutboxRow.kind == "welcome")))
        assert len(rows) == 1
        assert rows[0].conversation_id == CHANNEL
        card = rows[0].payload["attachments"][0]["content"]  # type: ignore[index]
    assert "Anna Lindqvist lade till mig här" in texts_in(card)
    assert wake.wakes == 1


async def test_a_person_known_from_the_channel_is_welcomed_1_1_in_their_language_when_the_install_has_none(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    bot, _ = make_bot(uow_factory, clock)
    await channel(bot).say(replace(ERIK, locale="en-US"), "help")  # his Teams client speaks English
    mine = Chat(bot, conversation_id=f"a:{ERIK.id}", conversation_type="personal")
    await mine.install(replace(ERIK, locale=None))  # type: ignore[arg-type]  # an install event without a locale
    async with uow_factory() as uow:
        rows = list(await uow.session.scalars(select(OutboxRow).where(OutboxRow.kind == "welcome",
                                                                      OutboxRow.conversation_id == f"a:{ERIK.id}")))
        assert len(rows) == 1
        card = rows[0].payload["attachments"][0]["content"]  # type: ignore[index]
    assert "Hi! I'm Forumbot" in texts_in(card)


async def test_activities_from_a_tenant_not_on_the_allow_list_are_dropped_without_reply(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    bot, _ = make_bot(uow_factory, clock)
    chat = Chat(bot, conversation_id=CHANNEL, conversation_type="channel", tenant="other-tenant")
    assert await chat.say(ANNA, "konfigurera") == []
    async with uow_factory() as uow:
        assert await uow.forums.by_conversation(CHANNEL) is None
        assert await uow.people.get(ANNA.id) is None


async def test_a_person_can_switch_language(uow_factory: UnitOfWorkFactory, clock: FixedClock) -> None:
    bot, _ = make_bot(uow_factory, clock)
    chat = Chat(bot, conversation_id="a:anna-1on1", conversation_type="personal")
    reply = await chat.say(ANNA, "språk en")
    assert reply[-1].text == "I will write to you in English from now on."
    english = texts_in(card_of((await chat.say(ANNA, "hjälp"))[-1]))
    assert "What you can do" in english


async def test_removing_the_bot_marks_the_conversation_inactive_and_cancels_its_queue(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    from botbuilder.schema import Activity

    bot, _ = make_bot(uow_factory, clock)
    chat = channel(bot)
    await chat.install(ANNA)
    await chat._run(ANNA, Activity(type="installationUpdate", action="remove"))
    async with uow_factory() as uow:
        stored = await uow.conversations.get(CHANNEL)
        assert stored is not None and not stored.active
        rows = list(await uow.session.scalars(select(OutboxRow).where(OutboxRow.kind == "welcome")))
        assert [r.status for r in rows] == ["cancelled"]
    await chat.install(ANNA)  # installed again later: active again, but no second welcome
    async with uow_factory() as uow:
        stored = await uow.conversations.get(CHANNEL)
        assert stored is not None and stored.active
        assert len(list(await uow.session.scalars(select(OutboxRow).where(OutboxRow.kind == "welcome")))) == 1


async def test_a_card_button_whose_turn_fails_still_gets_a_readable_answer(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    from botbuilder.schema import Activity

    from bot.adapter import ForumAdapter
    from tests.conversation.harness import test_settings

    bot, _ = make_bot(uow_factory, clock)

    async def broken(*_: object) -> None:
        raise RuntimeError("boom")

    bot.card_actions["help.open"] = replace(bot.card_actions["help.open"], run=broken)
    chat = channel(bot)
    chat.adapter.on_turn_error = ForumAdapter(test_settings())._on_error
    value = {"action": {"type": "Action.Execute", "verb": "help.open", "data": {}}}
    replies = await chat._run(ANNA, Activity(type="invoke", name="adaptiveCard/action", value=value))
    invoke = [a for a in replies if a.type == "invokeResponse"]
    assert len(invoke) == 1 and invoke[0].value.status == 200
    assert "Inget av det du redan sparat har försvunnit" in invoke[0].value.body["value"]


async def test_joining_for_another_organisation_vacates_the_roles_held_for_the_first(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    bot, _ = make_bot(uow_factory, clock)
    chat = channel(bot)
    await set_up_forum(chat, ANNA, name="Forum", organisations=["Polisen", "Socialtjänsten"])
    await join(chat, ERIK, "Polisen", "participant")
    await join(chat, ERIK, "Socialtjänsten", "participant")
    async with uow_factory() as uow:
        forum = await uow.forums.by_conversation(CHANNEL)
    assert forum is not None
    held = {(r.organisation_id, r.kind.value) for r in forum.roles if r.holder_id == ERIK.id}
    assert held == {(forum.organisations[1].id, "participant")}
