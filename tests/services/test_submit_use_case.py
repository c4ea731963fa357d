"""Submitting a lägesbild (contributions.open_report / submit) on the in-memory unit of work."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.services import contributions
from tests.conversation.harness import action_data, inputs_of, texts_in
from tests.services.conftest import World
from tests.services.test_members_use_case import FATIMA, forum_with, join
from tests.services.test_setup_use_case import ERIK

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # collection for Thursday 26 November is open
WEDNESDAY_EVENING = datetime(2026, 11, 25, 16, 30, tzinfo=UTC)  # Wednesday 17:30 Stockholm: after the deadline


async def ready(world: World) -> None:
    await forum_with(world, "Polisen", "Skolan")
    await join(world, ERIK, "Polisen", "participant")
    await join(world, FATIMA, "Polisen", "deputy")
    world.now = MONDAY


async def report_card(world: World, who: tuple[str, str]) -> dict[str, Any]:
    reply = await contributions.open_report(world.deps, await world.turn(*who, where=f"a:{who[0]}"),
                                           contributions.ReportArgs("req-1"))
    assert reply.card is not None, reply.text
    return reply.card


def filled(card: dict[str, Any], text: str) -> dict[str, Any]:
    inputs = inputs_of(card)
    values = {k: v.get("value", "") for k, v in inputs.items()}
    second = [k for k in inputs if k.startswith("s__")][1]
    return {**values, second: text, **action_data(card, "contribution.submit")}


def versions(world: World) -> list[Any]:
    return [v for history in world.db.versions.values() for v in history]


async def test_a_role_holder_submits_and_the_version_is_stored_on_time(world: World) -> None:
    await ready(world)
    card = await report_card(world, ERIK)
    reply = await contributions.submit(world.deps, await world.turn(*ERIK, where="a:29:erik"),
                                       filled(card, "Oro vid torget på kvällarna."))
    [stored] = versions(world)
    assert (stored.version, stored.submitted_by, stored.after_deadline) == (1, "29:erik", False)
    assert "Oro vid torget på kvällarna." in [text for _, _, text in stored.sections]
    assert reply.replace and "Oro vid torget på kvällarna." in texts_in(reply.card or {})


async def test_a_submit_over_a_newer_version_keeps_both_texts_and_stores_nothing_new(world: World) -> None:
    await ready(world)
    erik_card = await report_card(world, ERIK)
    fatima_card = await report_card(world, FATIMA)
    await contributions.submit(world.deps, await world.turn(*FATIMA, where="a:29:fatima"),
                               filled(fatima_card, "Fatimas text."))
    reply = await contributions.submit(world.deps, await world.turn(*ERIK, where="a:29:erik"),
                                       filled(erik_card, "Eriks text."))
    assert [v.submitted_by for v in versions(world)] == ["29:fatima"]
    returned = texts_in(reply.card or {})
    assert "Eriks text." in returned and "Fatima Hassan" in returned  # what he typed is kept, and who came first


async def test_a_personnummer_is_refused_nothing_is_stored_and_the_number_is_masked(world: World) -> None:
    await ready(world)
    card = await report_card(world, ERIK)
    reply = await contributions.submit(world.deps, await world.turn(*ERIK, where="a:29:erik"),
                                       filled(card, "Pojke 811228-9874 vid torget."))
    assert versions(world) == []
    shown = texts_in(reply.card or {})
    assert "811228-9874" not in shown and "vid torget." in shown


async def test_someone_without_the_organisations_role_cannot_submit_for_it(world: World) -> None:
    await ready(world)
    card = await report_card(world, ERIK)
    await join(world, ("29:karin", "Karin Berg"), "Skolan", "participant")
    await contributions.submit(world.deps, await world.turn("29:karin", "Karin Berg", where="a:29:karin"),
                               filled(card, "Inte min organisation."))
    assert versions(world) == []


async def test_after_the_deadline_the_version_is_marked_late(world: World) -> None:
    await ready(world)
    card = await report_card(world, ERIK)
    world.now = WEDNESDAY_EVENING
    await contributions.submit(world.deps, await world.turn(*ERIK, where="a:29:erik"), filled(card, "Sent."))
    [stored] = versions(world)
    assert stored.after_deadline
