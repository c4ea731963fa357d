"""The per-process read cache: forums by revision, turn context and home forum within the time to live."""

from __future__ import annotations

from domain.model import Forum, Person, Schedule
from storage.cache import ReadCache


class Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def forum(forum_id: str = "f1") -> Forum:
    return Forum(id=forum_id, name="Forum", tenant_id="t", conversation_id="c", chair_id="29:a", schedule=Schedule())


def test_a_cached_forum_is_used_only_for_the_revision_it_was_loaded_at() -> None:
    cache = ReadCache()
    cache.put_forum(forum(), revision=3)
    assert cache.forum("f1", 3) == forum()
    assert cache.forum("f1", 4) is None
    cache.drop_forum("f1")
    assert cache.forum("f1", 3) is None


def test_turn_context_expires_and_follows_its_forum_and_person() -> None:
    ticks = Ticks()
    cache = ReadCache(ttl=60, monotonic=ticks)
    anna = Person("29:a", "Anna")
    key = ("29:a", "19:c", "{}")
    cache.put_forum(forum(), revision=1)
    cache.put_turn(key, anna, "f1")
    assert cache.turn(key) is not None
    cache.drop_forum("f1")  # the forum changed: the turn context must be rebuilt
    assert cache.turn(key) is None
    cache.put_forum(forum(), revision=2)
    cache.put_turn(key, anna, "f1")
    cache.drop_person("29:a")  # e.g. a new language
    assert cache.turn(key) is None
    cache.put_turn(key, anna, None)
    ticks.now = 61
    assert cache.turn(key) is None


def test_home_forum_remembers_none_too_until_the_person_changes() -> None:
    cache = ReadCache()
    assert cache.home_forum("29:a") == (False, None)
    cache.put_home_forum("29:a", None)
    assert cache.home_forum("29:a") == (True, None)
    cache.drop_person("29:a")
    assert cache.home_forum("29:a") == (False, None)
