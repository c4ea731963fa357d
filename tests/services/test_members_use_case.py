"""Joining and the chair's member changes (membership.join / open_members / save_members) on the fake."""

from __future__ import annotations

from typing import Any

import pytest

from bot.services import forums, membership
from domain.errors import NotChair
from domain.model import RoleKind
from tests.conversation.harness import action_data, inputs_of
from tests.services.conftest import World
from tests.services.test_setup_use_case import ANNA, ERIK, typed

FATIMA = ("29:fatima", "Fatima Hassan")


async def forum_with(world: World, *organisations: str) -> str:
    card = (await forums.open_setup(world.deps, await world.turn(*ANNA))).card or {}
    await forums.save_setup(world.deps, await world.turn(*ANNA),
                            typed(card, name="Forum", organisations_new="\n".join(organisations)))
    return next(iter(world.db.forums))


async def join(world: World, who: tuple[str, str], organisation: str, role: str) -> None:
    card = (await membership.open_join(world.deps, await world.turn(*who))).card or {}
    choices = inputs_of(card)["organisation_id"]["choices"]
    org_id = next(c["value"] for c in choices if c["title"] == organisation)
    await membership.join(world.deps, await world.turn(*who),
                          {**action_data(card, "join.submit"), "organisation_id": org_id, "role": role})


async def members_card(world: World, who: tuple[str, str] = ANNA) -> dict[str, Any]:
    reply = await membership.open_members(world.deps, await world.turn(*who), membership.MembersArgs())
    assert reply.card is not None, reply.text
    return reply.card


def submitted(card: dict[str, Any], **changes: Any) -> dict[str, Any]:
    values = {key: node.get("value", "") for key, node in inputs_of(card).items()}
    return {**values, **changes, **action_data(card, "members.save")}


async def test_joining_as_participant_makes_the_person_the_role_holder(world: World) -> None:
    forum_id = await forum_with(world, "Polisen")
    await join(world, ERIK, "Polisen", "participant")
    forum = world.db.forums[forum_id].domain()
    police = forum.organisations[0]
    role = forum.role(police.id, RoleKind.PARTICIPANT)
    assert role is not None and role.holder_id == "29:erik"
    assert forum.membership("29:erik") is not None


async def test_the_chair_names_a_deputy_and_the_role_changes_hands(world: World) -> None:
    forum_id = await forum_with(world, "Polisen")
    await join(world, ERIK, "Polisen", "participant")
    await join(world, FATIMA, "Polisen", "member")
    card = await members_card(world)
    deputy_key = next(k for k in inputs_of(card) if k.startswith("role__deputy__"))
    await membership.save_members(world.deps, await world.turn(*ANNA), submitted(card, **{deputy_key: "29:fatima"}))
    forum = world.db.forums[forum_id].domain()
    deputy = forum.role(forum.organisations[0].id, RoleKind.DEPUTY)
    assert deputy is not None and deputy.holder_id == "29:fatima"
    assigned = [e for e in world.db.audit if e["action"] == "role.assigned" and e["actor_id"] == "29:anna"]
    assert [e["detail"] for e in assigned] == [{"holder": "29:fatima"}]


async def test_someone_other_than_the_chair_cannot_change_members(world: World) -> None:
    forum_id = await forum_with(world, "Polisen")
    await join(world, ERIK, "Polisen", "participant")
    card = await members_card(world)
    before = world.db.forums[forum_id].domain()
    deputy_key = next(k for k in inputs_of(card) if k.startswith("role__deputy__"))
    with pytest.raises(NotChair) as refused:
        await membership.save_members(world.deps, await world.turn(*ERIK), submitted(card, **{deputy_key: "29:erik"}))
    assert world.db.forums[forum_id].domain() == before
    assert refused.value.params["chair"] == "Anna Lind"


async def test_handing_the_chair_over_tells_the_new_chair_privately(world: World) -> None:
    forum_id = await forum_with(world, "Polisen")
    await join(world, ERIK, "Polisen", "participant")
    card = await members_card(world)
    await membership.save_members(world.deps, await world.turn(*ANNA), submitted(card, chair_id="29:erik"))
    assert world.db.forums[forum_id].chair_id == "29:erik"
    told = [r.message for r in world.db.outbox if r.message.person_id == "29:erik"]
    assert len(told) == 1
    assert world.db.forums[forum_id].domain().membership("29:anna") is not None  # she stays a member
