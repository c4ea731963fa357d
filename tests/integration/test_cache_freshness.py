"""Two instances on one PostgreSQL database: a forum change in one is seen by the other's next turn."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from domain.clock import FixedClock
from storage.cache import ReadCache
from storage.cache_sync import CacheListener
from storage.db import make_engine, make_session_factory
from storage.unit_of_work import UnitOfWorkFactory
from tests.conversation.flows import set_up_forum, values_from
from tests.conversation.harness import CHANNEL, Chat, User, action_data, card_of, make_bot, texts_in

ANNA = User("29:anna", "Anna Lindqvist")
ERIK = User("29:erik", "Erik Johansson")


@pytest.fixture
async def instances(database_url: str) -> AsyncIterator[list[tuple[UnitOfWorkFactory, CacheListener]]]:
    made = []
    engines = []
    for _ in range(2):
        engine = make_engine(database_url)
        engines.append(engine)
        uow = UnitOfWorkFactory(make_session_factory(engine), ReadCache(ttl=600))  # the TTL cannot help here
        listener = CacheListener(database_url, uow.cache)
        await listener.start()
        await asyncio.wait_for(listener.connected.wait(), timeout=10)
        made.append((uow, listener))
    try:
        yield made
    finally:
        for (_, listener), engine in zip(made, engines, strict=True):
            await listener.stop()
            await engine.dispose()


@pytest.mark.parametrize("backend", ["postgresql"])
async def test_a_rename_in_one_instance_reaches_the_other_instances_next_turn(
    backend: str, instances: list[tuple[UnitOfWorkFactory, CacheListener]], clock: FixedClock
) -> None:
    (first, _), (second, _) = instances
    chair_side = Chat(make_bot(first, clock)[0], conversation_id=CHANNEL, conversation_type="channel")
    member_side = Chat(make_bot(second, clock)[0], conversation_id=CHANNEL, conversation_type="channel")
    await set_up_forum(chair_side, ANNA, name="Trygghetsforum", organisations=["Polisen"])
    for _ in range(2):  # the second turn is served from the second instance's cache
        shown = texts_in(card_of((await member_side.say(ERIK, "nästa möte"))[-1]))
        assert "Trygghetsforum" in shown
    async with second() as uow:
        forum = await uow.forums.by_conversation(CHANNEL)
    assert forum is not None and second.cache.recent_forum(forum.id) is not None

    card = card_of((await chair_side.say(ANNA, "konfigurera"))[-1])
    await chair_side.execute(ANNA, "setup.save", values_from(card) | {"name": "Norrbyforumet"}
                             | action_data(card, "setup.save"))
    for _ in range(100):
        if second.cache.recent_forum(forum.id) is None:
            break
        await asyncio.sleep(0.05)

    shown = texts_in(card_of((await member_side.say(ERIK, "nästa möte"))[-1]))
    assert "Norrbyforumet" in shown and "Trygghetsforum" not in shown


def test_an_announcement_drops_what_it_names() -> None:
    from domain.model import Forum, Person, Schedule

    cache = ReadCache()
    forum = Forum(id="f1", name="F", tenant_id="t", conversation_id="19:c", chair_id="29:a", schedule=Schedule())
    cache.put_forum(forum, 3)
    cache.put_turn(("29:a", "19:c", "ref"), Person("29:a", "A"), "f1")
    cache.apply("person:29:a")
    assert cache.turn(("29:a", "19:c", "ref")) is None and cache.forum("f1", 3) is forum
    cache.apply("forum:f1")
    assert cache.forum("f1", 3) is None
    cache.put_forum(forum, 3)
    cache.apply("something-new")
    assert cache.forum("f1", 3) is None
