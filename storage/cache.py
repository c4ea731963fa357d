"""A per-process read cache for what every turn reads: forums (by revision), and recent turn context.

Forums change rarely and are read on every turn. Each forum row carries a `revision` that every write bumps,
so a cached aggregate is reused only while the stored revision matches. Writes in this process drop entries at
once; another instance's write is seen at the next revision check, or, for the turn context (which skips the
database entirely for someone who wrote a moment ago), as soon as its PostgreSQL NOTIFY arrives
(storage/cache_sync.py), and within `ttl` seconds at the latest.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from domain.model import Forum, Person


@dataclass(frozen=True)
class TurnContextEntry:
    person: Person
    forum_id: str | None
    stored_at: float


class ReadCache:
    def __init__(self, *, ttl: float = 60.0, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self._monotonic = monotonic
        self._forums: dict[str, tuple[int, Forum, float]] = {}
        self._turns: dict[tuple[str, str, str], TurnContextEntry] = {}
        self._home: dict[str, tuple[str | None, float]] = {}  # person -> a forum they belong to (1:1 chats)

    # -- forums ---------------------------------------------------------------------------------------------

    def forum(self, forum_id: str, revision: int) -> Forum | None:
        entry = self._forums.get(forum_id)
        return entry[1] if entry and entry[0] == revision else None

    def recent_forum(self, forum_id: str) -> Forum | None:
        """The cached forum if it was loaded within `ttl`, without asking the database for its revision."""
        entry = self._forums.get(forum_id)
        return entry[1] if entry and self._monotonic() - entry[2] < self.ttl else None

    def put_forum(self, forum: Forum, revision: int) -> None:
        self._forums[forum.id] = (revision, forum, self._monotonic())

    def drop_forum(self, forum_id: str) -> None:
        self._forums.pop(forum_id, None)

    # -- turn context ---------------------------------------------------------------------------------------

    def turn(self, key: tuple[str, str, str]) -> TurnContextEntry | None:
        entry = self._turns.get(key)
        if entry is None or self._monotonic() - entry.stored_at >= self.ttl:
            return None
        if entry.forum_id is not None and self.recent_forum(entry.forum_id) is None:
            return None
        return entry

    def put_turn(self, key: tuple[str, str, str], person: Person, forum_id: str | None) -> None:
        if len(self._turns) > 10_000:  # bounded: drop everything rather than track ages
            self._turns.clear()
        self._turns[key] = TurnContextEntry(person, forum_id, self._monotonic())

    def drop_person(self, person_id: str) -> None:
        self._home.pop(person_id, None)
        for key in [k for k in self._turns if k[0] == person_id]:
            del self._turns[key]

    # -- the forum a 1:1 chat is about ---------------------------------------------------------------------

    def home_forum(self, person_id: str) -> tuple[bool, Forum | None]:
        """(known, forum): whether a recent lookup is cached, and the forum it found (None: none)."""
        entry = self._home.get(person_id)
        if entry is None or self._monotonic() - entry[1] >= self.ttl:
            return False, None
        if entry[0] is None:
            return True, None
        forum = self.recent_forum(entry[0])
        return (forum is not None), forum

    def put_home_forum(self, person_id: str, forum: Forum | None) -> None:
        self._home[person_id] = (forum.id if forum else None, self._monotonic())

    def drop_conversation(self, conversation_id: str) -> None:
        for key in [k for k in self._turns if k[1] == conversation_id]:
            del self._turns[key]

    # -- changes announced by other instances (storage/cache_sync.py) ---------------------------------------

    def apply(self, change: str) -> None:
        """Drop what a `kind:id` announcement names (forum, person, conversation); unknown kinds: everything."""
        kind, _, key = change.partition(":")
        if kind == "forum":
            self.drop_forum(key)
        elif kind == "person":
            self.drop_person(key)
        elif kind == "conversation":
            self.drop_conversation(key)
        else:
            self.clear()

    def clear(self) -> None:
        self._forums.clear()
        self._turns.clear()
        self._home.clear()
