"""The real app over real HTTP, a fake Bot Connector on loopback, and Teams-shaped activities."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from bot.runtime import RUNTIME, Runtime
from bot.services.cycle import run_cycle
from bot.settings import Settings
from domain.clock import FixedClock
from tests.fakes.connector import FakeConnector

TENANT = "tenant-norrby"
TEAM = "19:team-norrby@thread.tacv2"
CHANNEL = "19:gemensam-lagesbild@thread.tacv2"
BOT_ID = "28:forumbot"

_ids = itertools.count(1)


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    locale: str = "sv-SE"
    aad_object_id: str | None = None  # default: "aad-<id>"

    @property
    def object_id(self) -> str:
        return self.aad_object_id or f"aad-{self.id[3:]}"

    @property
    def personal_conversation(self) -> str:
        return f"a:1on1-{self.id[3:]}"


@dataclass
class Forumbot:
    """A running Forumbot: post activities as Teams would, run ticks and drain the outbox at the fake clock."""

    client: TestClient  # type: ignore[type-arg]
    runtime: Runtime
    connector: FakeConnector
    clock: FixedClock
    responses: list[Any] = field(default_factory=list)

    def _activity(
        self, person: Person, conversation_id: str, conversation_type: str, **fields: Any
    ) -> dict[str, Any]:
        channel_data: dict[str, Any] = {"tenant": {"id": TENANT}}
        if conversation_type == "channel":
            channel_data.update(team={"id": TEAM, "name": "Trygghetsforum Norrby"}, channel={"id": CHANNEL})
        activity = {
            "id": f"act-{next(_ids)}",
            "channelId": "msteams",
            "serviceUrl": self.connector.url,
            "timestamp": self.clock.now().isoformat(),
            "from": {"id": person.id, "name": person.name, "aadObjectId": person.object_id},
            "recipient": {"id": BOT_ID, "name": "Forumbot"},
            "conversation": {
                "id": conversation_id,
                "conversationType": conversation_type,
                "isGroup": conversation_type != "personal",
                "tenantId": TENANT,
            },
            "locale": person.locale,
            "channelData": channel_data,
        }
        activity.update(fields)
        return activity

    async def post(self, activity: dict[str, Any]) -> Any:
        response = await self.client.post("/api/messages", json=activity)
        assert response.status in (200, 201), (response.status, await response.text())
        return await response.json() if response.status == 200 else None

    async def install_in_channel(self, installer: Person, action: str = "add") -> None:
        await self.post(self._activity(installer, CHANNEL, "channel", type="installationUpdate", action=action))

    async def say_in_channel(self, person: Person, text: str) -> None:
        mention = "<at>Forumbot</at>"
        await self.post(
            self._activity(
                person, f"{CHANNEL};messageid=root-{next(_ids)}", "channel", type="message",
                text=f"{mention} {text}",
                entities=[{"type": "mention", "text": mention, "mentioned": {"id": BOT_ID, "name": "Forumbot"}}],
            )
        )

    async def say_in_private(self, person: Person, text: str) -> None:
        await self.post(self._activity(person, person.personal_conversation, "personal", type="message", text=text))

    async def execute(
        self, person: Person, verb: str, data: dict[str, Any], *, conversation: str | None = None
    ) -> dict[str, Any]:
        conversation_id = conversation or person.personal_conversation
        conversation_type = "channel" if conversation_id.startswith("19:") else "personal"
        value = {"action": {"type": "Action.Execute", "verb": verb, "data": {"verb": verb, **data}},
                 "trigger": "manual"}
        body = await self.post(
            self._activity(person, conversation_id, conversation_type, type="invoke", name="adaptiveCard/action",
                           value=value)
        )
        assert isinstance(body, dict) and body["statusCode"] == 200, body
        return body

    async def tick(self, at: datetime | None = None) -> int:
        """One scheduler tick at the fake clock (optionally moved first), then deliver what is due."""
        if at is not None:
            self.clock.set(at)
        queued = await run_cycle(self.runtime.deps, self.clock.now())
        self.runtime.delivery.wake()
        await self.runtime.delivery.drain()
        return queued

    async def deliver(self) -> None:
        await self.runtime.delivery.drain()

    def cards_to(self, conversation_prefix: str) -> list[dict[str, Any]]:
        """Cards posted (not updated) to conversations whose id starts with the prefix, oldest first."""
        cards = []
        for request in self.connector.activity_posts(ok_only=True):
            if request.conversation_id and request.conversation_id.startswith(conversation_prefix):
                for attachment in (request.json or {}).get("attachments") or []:
                    if attachment.get("contentType") == "application/vnd.microsoft.card.adaptive":
                        cards.append(dict(attachment["content"]))
        return cards

    def last_card_to(self, conversation_prefix: str) -> dict[str, Any]:
        cards = self.cards_to(conversation_prefix)
        assert cards, f"no card sent to {conversation_prefix}"
        return cards[-1]


def e2e_settings(database_url: str, **overrides: Any) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        mode="local",
        database_url=database_url,
        allowed_tenants=[TENANT],
        retry_base_seconds=0.01,
        retry_max_seconds=0.05,
        **overrides,
    )


@asynccontextmanager
async def running_forumbot(
    database_url: str, connector: FakeConnector, clock: FixedClock, **settings: Any
) -> AsyncIterator[Forumbot]:
    app = create_app(e2e_settings(database_url, **settings), clock=clock, background=False)
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    try:
        yield Forumbot(client=client, runtime=app[RUNTIME], connector=connector, clock=clock)
    finally:
        await client.close()
