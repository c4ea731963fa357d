"""The visibility card's save on the in-memory database: checked again on the server, nothing stored on a refusal."""

from __future__ import annotations

from typing import Any

from bot.services import visibility
from dialogs.cards.visibility import external_input
from tests.conversation.harness import action_data, texts_in
from tests.unit.role_world import BY_ROLE, RoleWorld, role_world


async def _card(world: RoleWorld) -> dict[str, Any]:
    reply = await visibility.open_visibility(world.deps, world.turn(BY_ROLE["chair"]), {"forum_id": world.forum.id})
    assert reply.card is not None
    return reply.card


async def test_an_unknown_choice_is_refused_on_the_card_and_nothing_is_stored() -> None:
    world = await role_world()
    card = await _card(world)
    police = world.forum.organisations[0].id
    reply = await visibility.save_visibility(world.deps, world.turn(BY_ROLE["chair"]), {
        **action_data(card, "visibility.save"), "visibility": "all_the_world", external_input(police): "true"})
    assert "Välj vem som får se den sammanställda lägesbilden." in texts_in(reply.card or {})
    forum = await world.reload()
    assert forum.visibility.value == "municipal" and not forum.organisations[0].external
    assert not [e for e in world.db.audit if e["action"] in ("visibility.changed", "organisation.external_changed")]


async def test_only_the_forums_own_organisations_are_marked_and_each_change_is_audited_once() -> None:
    world = await role_world()
    card = await _card(world)
    police, social, housing = (o.id for o in world.forum.organisations)
    data = {**action_data(card, "visibility.save"), "visibility": "chair", external_input(police): "true",
            external_input(housing): "false", external_input("org-of-another-forum"): "true"}
    reply = await visibility.save_visibility(world.deps, world.turn(BY_ROLE["chair"]), data)
    assert "Endast ordföranden" in texts_in(reply.card or {})
    forum = await world.reload()
    assert {o.id: o.external for o in forum.organisations} == {police: True, social: False, housing: False}
    changed = [(e["subject_id"], e["detail"]) for e in world.db.audit if e["action"] == "organisation.external_changed"]
    assert sorted(changed) == sorted([(police, {"external": True}), (housing, {"external": False})])
    [moved] = [e["detail"] for e in world.db.audit if e["action"] == "visibility.changed"]
    assert moved == {"from": "municipal", "to": "chair"}
