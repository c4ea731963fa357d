"""The shared guards: which forum a 1:1 chat is about, and who chairs it. They refuse by raising."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.services.guards import Need, bound_forum, chaired_forum, forum_for, held_organisations
from bot.services.ports import UnitOfWork
from bot.services.turn import Origin, Turn
from dialogs.texts import for_language
from domain.errors import ChairsNoForum, ForumNotFound, ManyForums, NoRole, NotAMember, NotChair, StaleCard
from domain.model import Forum, Person, RoleKind, Schedule
from storage.unit_of_work import UnitOfWorkFactory

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
ANNA = Person("29:anna", "Anna Lindqvist")
ERIK = Person("29:erik", "Erik Johansson")


def turn_of(person: Person, forum: Forum | None = None) -> Turn:
    conversation = f"a:{person.id}" if forum is None else forum.conversation_id
    origin = Origin(tenant_id="t", conversation_id=conversation,
                    conversation_type="personal" if forum is None else "channel",
                    service_url="https://smba.trafficmanager.net/emea/", user_id=person.id,
                    user_name=person.display_name, aad_object_id=None, bot_id="28:bot", team_id=None,
                    channel_id=None, locale="sv-SE")
    return Turn(origin=origin, person=person, t=for_language("sv"), now=NOW, forum=forum)


async def add_forum(
    uow: UnitOfWork, name: str, *, chair: Person = ANNA, member: Person | None = None, role: bool = False
) -> Forum:
    for person in (chair, member):
        if person is not None:
            await uow.people.upsert(person.id, display_name=person.display_name, aad_object_id=None,
                                    tenant_id="t", now=NOW)
    forum_id = await uow.forums.create(name=name, tenant_id="t", conversation_id=f"19:{name}@thread.tacv2",
                                       chair_id=chair.id, schedule=Schedule(), now=NOW)
    await uow.forums.replace_organisations(forum_id, [(None, "Polisen")], NOW)
    forum = await uow.forums.get(forum_id)
    assert forum is not None
    if member is not None:
        await uow.forums.set_membership(forum_id, member.id, forum.organisations[0].id, NOW)
        if role:
            await uow.forums.set_role_holder(forum.organisations[0].id, RoleKind.PARTICIPANT, member.id, NOW)
    found = await uow.forums.get(forum_id)
    assert found is not None
    return found


async def test_the_forum_of_the_conversation_comes_first(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        here = await add_forum(uow, "Norrby", member=ERIK)
        await add_forum(uow, "Söderby", member=ERIK, role=True)
        for need in Need:
            assert (await forum_for(uow, turn_of(ERIK, here), need)).id == here.id


async def test_a_private_chat_is_about_the_one_forum_the_person_is_in(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        with pytest.raises(ForumNotFound):
            await forum_for(uow, turn_of(ERIK), Need.MEMBER)
        only = await add_forum(uow, "Norrby", member=ERIK)
        assert (await forum_for(uow, turn_of(ERIK), Need.MEMBER)).id == only.id
        await add_forum(uow, "Söderby", member=ERIK)
        with pytest.raises(ForumNotFound):  # a member's command cannot tell which one is meant
            await forum_for(uow, turn_of(ERIK), Need.MEMBER)


async def test_a_report_from_a_private_chat_goes_to_the_one_forum_where_the_person_holds_a_role(
    uow_factory: UnitOfWorkFactory,
) -> None:
    async with uow_factory() as uow:
        await add_forum(uow, "Norrby", member=ERIK)
        with pytest.raises(NotAMember):
            await forum_for(uow, turn_of(ERIK), Need.ROLE_HOLDER)
        held = await add_forum(uow, "Söderby", member=ERIK, role=True)
        assert (await forum_for(uow, turn_of(ERIK), Need.ROLE_HOLDER)).id == held.id
        await add_forum(uow, "Västerby", member=ERIK, role=True)
        with pytest.raises(ManyForums) as many:
            await forum_for(uow, turn_of(ERIK), Need.ROLE_HOLDER)
    assert many.value.key == "contribution.pick_forum"


async def test_a_chair_of_several_forums_is_told_which_ones(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        with pytest.raises(ChairsNoForum):
            await forum_for(uow, turn_of(ANNA), Need.CHAIR)
        first = await add_forum(uow, "Norrby", member=ERIK)
        assert (await forum_for(uow, turn_of(ANNA), Need.CHAIR)).id == first.id
        with pytest.raises(ChairsNoForum):
            await forum_for(uow, turn_of(ERIK), Need.CHAIR)  # a member who chairs nothing
        second = await add_forum(uow, "Söderby")
        with pytest.raises(ManyForums) as many:
            await forum_for(uow, turn_of(ANNA), Need.CHAIR)
    assert sorted(f.name for f in many.value.forums) == [first.name, second.name]


async def test_a_chairs_card_names_a_forum_she_chairs_or_is_stale(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        forum = await add_forum(uow, "Norrby", member=ERIK)
        assert (await chaired_forum(uow, turn_of(ANNA), forum.id)).id == forum.id
        for stale in ("", "no-such-forum"):
            with pytest.raises(StaleCard):
                await chaired_forum(uow, turn_of(ANNA), stale)
        with pytest.raises(NotChair) as refused:
            await chaired_forum(uow, turn_of(ERIK), forum.id)
    assert refused.value.params == {"chair": ANNA.display_name}


async def test_without_a_card_the_chair_check_is_about_the_turns_forum(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        forum = await add_forum(uow, "Norrby", member=ERIK)
        assert (await chaired_forum(uow, turn_of(ANNA))).id == forum.id  # her 1:1 chat: the forum she is in
        with pytest.raises(NotChair):
            await chaired_forum(uow, turn_of(ERIK, forum))


async def test_channel_commands_never_guess_a_forum_and_need_a_role_where_they_say_so(
    uow_factory: UnitOfWorkFactory,
) -> None:
    with pytest.raises(ForumNotFound):
        bound_forum(turn_of(ERIK))
    async with uow_factory() as uow:
        forum = await add_forum(uow, "Norrby", member=ERIK)
    assert bound_forum(turn_of(ERIK, forum)) is forum
    with pytest.raises(NoRole) as refused:
        held_organisations(turn_of(ERIK, forum), forum)
    assert refused.value.params == {"forum": "Norrby"}
