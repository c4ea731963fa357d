"""Setting a forum up (forums.open_setup / save_setup) on the in-memory unit of work."""

from __future__ import annotations

from typing import Any

import pytest

from bot.services import forums
from domain.errors import NotChair
from tests.conversation.harness import action_data, inputs_of, texts_in
from tests.services.conftest import World

ANNA = ("29:anna", "Anna Lind")
ERIK = ("29:erik", "Erik Johansson")


def typed(card: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """What Teams sends for the setup card: every input's shown value, the changes, and the action's data."""
    values = {key: node.get("value", "") for key, node in inputs_of(card).items()}
    return {**values, **changes, **action_data(card, "setup.save")}


async def opened(world: World) -> dict[str, Any]:
    reply = await forums.open_setup(world.deps, await world.turn(*ANNA))
    assert reply.card is not None
    return reply.card


async def test_the_first_setup_in_a_channel_creates_the_forum_chaired_by_whoever_opened_it(world: World) -> None:
    card = await opened(world)
    reply = await forums.save_setup(world.deps, await world.turn(*ANNA),
                                    typed(card, name="Lägesbild Norrby", organisations_new="Polisen\nSkolan"))
    forum = next(iter(world.db.forums.values())).domain()
    assert (forum.name, forum.chair_id) == ("Lägesbild Norrby", "29:anna")
    assert [o.name for o in forum.organisations] == ["Polisen", "Skolan"]
    assert len(forum.roles) == 4  # a participant and a deputy role per organisation, vacant
    assert reply.replace and "Lägesbild Norrby" in texts_in(reply.card or {})


async def test_a_setup_card_from_before_a_change_is_refused_and_nothing_changes(world: World) -> None:
    old = await opened(world)
    await forums.save_setup(world.deps, await world.turn(*ANNA), typed(old, name="Forum", organisations_new="Polisen"))
    stored = next(iter(world.db.forums.values())).domain()
    reply = await forums.save_setup(world.deps, await world.turn(*ANNA),
                                    typed(old, name="Skrivet över", organisations_new=""))
    after = next(iter(world.db.forums.values())).domain()
    assert after == stored  # the old card's empty organisation list removed nothing
    assert reply.replace and reply.card is not None


async def test_only_the_chair_may_change_the_setup(world: World) -> None:
    card = await opened(world)
    await forums.save_setup(world.deps, await world.turn(*ANNA), typed(card, name="Forum", organisations_new="Polisen"))
    before = next(iter(world.db.forums.values())).domain()
    fresh = (await forums.open_setup(world.deps, await world.turn(*ANNA))).card or {}
    with pytest.raises(NotChair) as refused:
        await forums.save_setup(world.deps, await world.turn(*ERIK), typed(fresh, name="Eriks forum"))
    assert next(iter(world.db.forums.values())).domain() == before
    assert refused.value.params["chair"] == "Anna Lind"


async def test_an_identity_number_in_the_name_is_refused_nothing_is_stored_and_the_field_is_masked(
    world: World,
) -> None:
    card = await opened(world)
    before = len(world.db.forums)
    reply = await forums.save_setup(world.deps, await world.turn(*ANNA),
                                    typed(card, name="Forum 811228-9874", organisations_new="Polisen"))
    forums_after = [f.domain() for f in world.db.forums.values()]
    assert len(forums_after) == before or all(f.name != "Forum 811228-9874" for f in forums_after)
    returned = inputs_of(reply.card or {})["name"]["value"]
    assert returned == "Forum ******-****"
    assert "screening.blocked" in [entry["action"] for entry in world.db.audit]


async def test_a_refused_save_keeps_the_forum_as_it_was_and_says_what_is_wrong(world: World) -> None:
    card = await opened(world)
    await forums.save_setup(world.deps, await world.turn(*ANNA), typed(card, name="Forum", organisations_new="Polisen"))
    before = next(iter(world.db.forums.values())).domain()
    fresh = (await forums.open_setup(world.deps, await world.turn(*ANNA))).card or {}
    reply = await forums.save_setup(world.deps, await world.turn(*ANNA), typed(fresh, name="  "))
    assert next(iter(world.db.forums.values())).domain() == before
    assert reply.replace and inputs_of(reply.card or {})["name"]["value"].strip() == ""
    assert texts_in(reply.card or {}) != texts_in(fresh)  # the card came back with the problem named


async def test_the_forum_language_is_stored_kept_when_not_chosen_and_shown_again(world: World) -> None:
    await forums.save_setup(world.deps, await world.turn(*ANNA), typed(await opened(world), language="en"))
    def stored() -> tuple[str | None, str]:
        [record] = world.db.forums.values()
        return record.domain().language, record.name

    assert stored()[0] == "en"
    card = await opened(world)
    assert inputs_of(card)["language"]["value"] == "en"
    await forums.save_setup(world.deps, await world.turn(*ANNA), typed(card, language="", name="Nytt namn"))
    assert stored() == ("en", "Nytt namn")
    await forums.save_setup(world.deps, await world.turn(*ANNA), typed(await opened(world), language="sv"))
    assert stored()[0] == "sv"


async def test_the_audit_entry_of_a_setup_save_records_the_forum_language(world: World) -> None:
    card = await opened(world)
    await forums.save_setup(world.deps, await world.turn(*ANNA),
                            typed(card, name="Forum", organisations_new="Polisen", language="en"))
    saved = [e for e in world.db.audit if e["action"] == "forum.settings_changed"]
    assert saved[-1]["detail"]["language"] == "en"
