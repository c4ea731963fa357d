"""Use cases called directly on the in-memory unit of work: no botbuilder, no database, no HTTP."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from bot.services.ports import Deps
from bot.services.presence import base_conversation_id
from bot.services.turn import Origin, Turn
from dialogs.texts import for_language
from domain.model import ConversationType, Person
from tests.fakes.uow import FakeDatabase, fake_deps

CHANNEL = "19:lagesbild@thread.tacv2"
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)  # a Friday; the forum meets on Thursdays


@dataclass
class World:
    """The fake database, the deps on it, and a way to make the turn of a person in a conversation."""

    deps: Deps
    db: FakeDatabase
    now: datetime = NOW
    people: dict[str, Person] = field(default_factory=dict)

    async def turn(self, person_id: str, name: str, *, where: str = CHANNEL, language: str = "sv") -> Turn:
        personal = not where.startswith("19:")
        origin = Origin(
            tenant_id="tenant-norrby", conversation_id=where,
            conversation_type=ConversationType.PERSONAL if personal else ConversationType.CHANNEL,
            service_url="https://smba.trafficmanager.net/emea/", user_id=person_id, user_name=name,
            aad_object_id=None, bot_id="28:forumbot", team_id=None if personal else "19:team",
            channel_id=None if personal else where, locale=f"{language}-SE",
        )
        async with self.deps.uow() as uow:
            person = await uow.people.upsert(person_id, display_name=name, aad_object_id=None,
                                             tenant_id="tenant-norrby", now=self.now)
            forum = await uow.forums.by_conversation(base_conversation_id(where))
            await uow.commit()
        return Turn(origin=origin, person=person, t=for_language(language), now=self.now, forum=forum)


@pytest.fixture
def world() -> World:
    deps, db = fake_deps()
    return World(deps, db)
