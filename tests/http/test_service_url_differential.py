"""Issue 6 item 7 over real HTTP: a service URL that parsers read differently never gets a request, and only the
normalised URL is stored and sent to.

Two fake Bot Connectors listen on 127.0.0.1: `good` plays the allowed connector, `evil` the host an attacker
wants the bot's token sent to. Each forged serviceUrl reads as `good` to `urllib.parse` (what the allow-list
used to check) but names `evil` as the host a client connects to. The bot runs in local mode, where loopback
service URLs are allowed, so only the strict parser stands between the forged URL and `evil`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from botframework.connector.auth._connector_factory_impl import _ConnectorFactoryImpl
from sqlalchemy import func, select

from bot.runtime import RUNTIME, Runtime
from storage.orm import ConversationRow, OutboxRow, PersonRow
from storage.outbox import NewMessage
from tests.fakes.connector import FakeConnector, running_fake_connector
from tests.http.test_messages_endpoint import TENANT, activity, answer, post

Client = TestClient[web.Request, web.Application]
TEAM = "19:team-norrby@thread.tacv2"
CHANNEL = "19:gemensam@thread.tacv2"

# (id, form): {good} and {evil} are the two listeners' ports
FORGED: list[tuple[str, str]] = [
    ("backslash-at", "http://127.0.0.1:{evil}\\@127.0.0.1:{good}/"),  # urllib3 connects to the part before '\'
    ("userinfo", "http://127.0.0.1:{good}@127.0.0.1:{evil}/"),  # the connector's address dressed up as a user
    ("userinfo-backslash", "http://127.0.0.1:{good}\\\\@127.0.0.1:{evil}/"),
    ("percent-at", "http://127.0.0.1:{good}%40127.0.0.1:{evil}/"),
    ("newline-userinfo", "http://127.0.0.1:{good}\n@127.0.0.1:{evil}/"),
    ("tab-userinfo", "http://127.0.0.1:{good}\t@127.0.0.1:{evil}/"),
]


@pytest.fixture
async def evil() -> AsyncIterator[FakeConnector]:
    async with running_fake_connector() as connector:
        yield connector


def runtime_of(client: Client) -> Runtime:
    app = client.app
    assert app is not None
    return app[RUNTIME]


def channel_install(service_url: str) -> dict[str, Any]:
    """The bot added to a team's channel: it stores the reference and queues its welcome card (proactive)."""
    return activity(
        service_url,
        id="1700000000101",
        type="installationUpdate",
        action="add",
        text=None,
        conversation={"id": CHANNEL, "conversationType": "channel", "isGroup": True, "tenantId": TENANT},
        channelData={"tenant": {"id": TENANT}, "team": {"id": TEAM, "name": "Norrby"}, "channel": {"id": CHANNEL}},
    )


async def count(client: Client, row: type[Any]) -> int:
    async with runtime_of(client).uow() as uow:
        return int((await uow.session.execute(select(func.count()).select_from(row))).scalar_one())


@pytest.mark.parametrize(("name", "form"), FORGED, ids=[name for name, _ in FORGED])
async def test_a_forged_service_url_gets_no_reply_no_welcome_and_nothing_stored(
    http_client: Client, fake_connector: FakeConnector, evil: FakeConnector, name: str, form: str
) -> None:
    good = fake_connector
    forged = form.format(good=good.port, evil=evil.port)

    await answer(await post(http_client, activity(forged)), 201)  # a message that would get a reply
    await answer(await post(http_client, channel_install(forged)), 201)  # would queue a proactive welcome
    await runtime_of(http_client).delivery.drain()

    assert evil.requests == []
    assert good.requests == []
    assert await count(http_client, ConversationRow) == 0
    assert await count(http_client, PersonRow) == 0
    assert await count(http_client, OutboxRow) == 0


@pytest.mark.parametrize(("name", "form"), FORGED, ids=[name for name, _ in FORGED])
async def test_a_stored_forged_reference_is_never_sent_to(
    http_client: Client, fake_connector: FakeConnector, evil: FakeConnector, name: str, form: str
) -> None:
    """A reference stored before the fix (or edited behind the repository's back): the send is refused."""
    forged = form.format(good=fake_connector.port, evil=evil.port)
    runtime = runtime_of(http_client)
    now = runtime.clock.now()
    async with runtime.uow() as uow:
        await uow.conversations.save(
            conversation_id=CHANNEL, tenant_id=TENANT, type="channel", service_url=forged,
            reference={"serviceUrl": forged, "channelId": "msteams", "conversation": {"id": CHANNEL},
                       "bot": {"id": "28:forumbot"}},
            bot_id="28:forumbot", user_id=None, aad_object_id=None, team_id=TEAM, channel_id=CHANNEL, now=now,
        )
        row_id = await uow.outbox.enqueue(
            NewMessage(kind="welcome", subject_id=CHANNEL, recipient_id=CHANNEL, conversation_id=CHANNEL,
                       payload={"type": "message", "text": "x"}, occurrence_local_date="2026-11-23"),
            now,
        )
        await uow.commit()
    assert row_id is not None

    await runtime.delivery.drain()

    assert evil.requests == []
    assert fake_connector.requests == []
    async with runtime.uow() as uow:
        stored = await uow.outbox.get(row_id)
        assert stored is not None
        assert (stored.status, stored.last_error, stored.attempts) == ("dead", "service_url_not_allowed", 0)


@pytest.mark.parametrize(
    "spelling",
    ["http://127.0.0.1:{good}/", "HTTP://127.0.0.1:{good}/", "http://127.0.0.1:{good}", "http://127.0.0.1.:{good}/"],
    ids=["canonical", "uppercase-scheme", "no-slash", "trailing-dot"],
)
async def test_an_allowed_url_is_stored_and_used_only_in_its_normalised_form(
    http_client: Client, fake_connector: FakeConnector, evil: FakeConnector, spelling: str
) -> None:
    """The control: the same flow reaches the good connector (so the test above would have seen requests)."""
    good = fake_connector
    normalised = f"http://127.0.0.1:{good.port}/"

    await answer(await post(http_client, activity(spelling.format(good=good.port))), 201)
    assert len(good.sent_to("a:personal-alice")) == 1  # the in-turn reply
    await answer(await post(http_client, channel_install(spelling.format(good=good.port))), 201)
    await runtime_of(http_client).delivery.drain()
    assert len(good.sent_to(CHANNEL)) == 1  # the proactive welcome card, through the outbox
    assert evil.requests == []

    async with runtime_of(http_client).uow() as uow:
        stored = [await uow.conversations.get(cid) for cid in ("a:personal-alice", CHANNEL)]
    for conversation in stored:
        assert conversation is not None
        assert conversation.service_url == normalised
        assert conversation.reference["serviceUrl"] == normalised


async def test_replies_follow_the_normalised_url_not_the_raw_one(
    http_client: Client, fake_connector: FakeConnector, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The SDK builds the reply's connector client from activity.serviceUrl: it must already be normalised."""
    seen: list[str] = []
    original = _ConnectorFactoryImpl.create

    async def spy(self: _ConnectorFactoryImpl, service_url: str, audience: str | None = None) -> Any:
        seen.append(service_url)
        return await original(self, service_url, audience)

    monkeypatch.setattr(_ConnectorFactoryImpl, "create", spy)
    await answer(await post(http_client, activity(f"HTTP://127.0.0.1.:{fake_connector.port}")), 201)
    assert seen == [f"http://127.0.0.1:{fake_connector.port}/"]
    assert len(fake_connector.sent_to("a:personal-alice")) == 1
