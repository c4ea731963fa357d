"""The tick is a list of due-work producers: every producer runs for every forum, and their counts add up."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pytest

from bot.services import cycle, forums
from bot.services.ports import Deps, UnitOfWork
from domain.meetings import Meeting
from domain.model import Forum
from tests.services.conftest import World
from tests.services.test_members_use_case import forum_with
from tests.services.test_setup_use_case import typed
from tests.services.test_submit_use_case import MONDAY


async def test_every_producer_runs_for_each_forum_and_the_tick_adds_their_counts(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await forum_with(world, "Polisen")
    second_turn = await world.turn("29:bo", "Bo Ek", where="19:other@thread.tacv2")
    card = (await forums.open_setup(world.deps, second_turn)).card or {}
    await forums.save_setup(world.deps, second_turn, typed(card, name="Andra", organisations_new="Skolan"))
    second = next(f for f in world.db.forums if f != first)
    calls: list[tuple[str, str, int]] = []

    def producer(name: str, queued: int):  # type: ignore[no-untyped-def]
        async def produce(deps: Deps, uow: UnitOfWork, forum: Forum, meetings: Sequence[Meeting],
                          now: datetime) -> int:
            assert deps is world.deps and now == MONDAY
            assert all(m.forum_id == forum.id for m in meetings) and meetings
            calls.append((name, forum.id, queued))
            return queued
        return produce

    monkeypatch.setattr(cycle, "PRODUCERS", (producer("a", 1), producer("b", 2), producer("c", 4)))
    total = await cycle.run_cycle(world.deps, MONDAY)
    assert sorted(calls) == sorted((name, forum_id, n) for forum_id in (first, second)
                                   for name, n in (("a", 1), ("b", 2), ("c", 4)))
    assert total == 14
    assert world.db.outbox == []  # the real producers did not run

