"""Issue 6 item 9 at the HTTP edge: ids and names with control characters or beyond the documented limits are a
400 before anything is stored, real Teams-shaped ids pass, and a body that trickles in gets a 408."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from bot.references import MAX_ACTIVITY_ID, MAX_CONVERSATION_ID, MAX_GUID_ID, MAX_NAME, MAX_USER_ID
from bot.runtime import RUNTIME
from bot.settings import Mode, Settings
from storage.orm import ConversationRow, PersonRow
from tests.fakes.connector import FakeConnector
from tests.http.conftest import ClientFactory
from tests.http.test_messages_endpoint import TENANT, activity, answer, post

Client = TestClient[web.Request, web.Application]

# Shapes of real Teams ids (msteams-docs examples and what the Agents Playground sends), at their long end.
PERSONAL_CONVERSATION = "a:1" + "rQ3kXpZ9vT_aB-7cD2eF4gH6iJ8kL0mN1oP3qR5sT7uV9wX1yZ3aB5cD7eF9gH1iJ3kL5mN7oP9qR1sT3" * 2
USER = "29:1" + "XJKJMvc5GBtc2JwZq0oj8tHZmzrQgFmB25ATiQWA85gQtHieVkKilBZ9XHoq9j7Zaqt7CZ-NJWi7me2kHTL3Bw" + "x" * 40
THREAD = "19:e6b8b0f0d4c44c7e9a0a1f0a2b3c4d5e@thread.tacv2;messageid=1700000000000"
MEETING_CHAT = "19:meeting_" + "NzQ2ZTQ0YjMtYTg3NC00YmM5LWIyNTAtNTFmYzA0ZDc2ZmFl" * 2 + "@thread.v2"


def with_fields(base: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of `base` with the dotted `path` set to `value`."""
    body = json.loads(json.dumps(base))
    target = body
    *parents, last = path.split(".")
    for key in parents:
        target = target.setdefault(key, {})
    target[last] = value
    return body


async def stored_counts(client: Client) -> tuple[int, int]:
    app = client.app
    assert app is not None
    async with app[RUNTIME].uow() as uow:
        conversations = (await uow.session.execute(select(func.count()).select_from(ConversationRow))).scalar_one()
        people = (await uow.session.execute(select(func.count()).select_from(PersonRow))).scalar_one()
    return int(conversations), int(people)


REFUSED = [
    ("id", "17000\n00000001"),
    ("id", "1" * (MAX_ACTIVITY_ID + 1)),
    ("replyToId", "1700000000000\r\nERROR forged"),
    ("conversation.id", "a:personal-alice\nERROR bot.delivery: forged"),
    ("conversation.id", "a:personal-alice\u2028forged"),
    ("conversation.id", "a:" + "x" * MAX_CONVERSATION_ID),
    ("conversation.id", "a:personal\x00alice"),
    ("conversation.id", "a:personal\u202ealice"),  # a right-to-left override in an id
    ("conversation.name", "Forum\nERROR forged"),
    ("conversation.tenantId", TENANT + "\n"),
    ("from.id", "29:alice\tbob"),
    ("from.id", "29:" + "x" * MAX_USER_ID),
    ("from.name", "Alice\nERROR bot.delivery: delivery alert"),
    ("from.name", "Alice\x1b[2J"),
    ("from.name", "A" * (MAX_NAME + 1)),
    ("from.name", "Alice\ud800"),  # a lone surrogate (valid JSON, unencodable text)
    ("from.aadObjectId", "00000000-0000-0000-0000-00000000a11c" + "0" * MAX_GUID_ID),
    ("recipient.id", "28:bot\n"),
    ("recipient.name", "Forumbot\r"),
    ("channelData.tenant.id", TENANT + "\x85"),
    ("channelData.team.id", "19:team\n@thread.tacv2"),
    ("channelData.channel.id", "19:" + "c" * MAX_CONVERSATION_ID),
]


@pytest.mark.parametrize(("path", "value"), REFUSED, ids=[f"{p}-{i}" for i, (p, _) in enumerate(REFUSED)])
async def test_bad_ids_and_names_are_400_and_nothing_is_stored(
    http_client: Client, fake_connector: FakeConnector, path: str, value: str, caplog: pytest.LogCaptureFixture
) -> None:
    raw = json.dumps(with_fields(activity(fake_connector.url), path, value)).encode()  # \uXXXX escapes
    text = await answer(await post(http_client, raw), 400)
    assert json.loads(text) == {"error": f"{path} is too long or contains control characters"}
    assert fake_connector.requests == []
    assert await stored_counts(http_client) == (0, 0)
    assert all("forged" not in r.getMessage() for r in caplog.records)  # the value itself is never logged


@pytest.mark.parametrize(
    ("overrides", "conversation_id"),
    [
        pytest.param({"conversation": {"id": PERSONAL_CONVERSATION, "conversationType": "personal"},
                      "from": {"id": USER, "name": "Alice Andersson"}}, PERSONAL_CONVERSATION, id="long-personal"),
        pytest.param({"conversation": {"id": THREAD, "conversationType": "channel", "isGroup": True},
                      "channelData": {"tenant": {"id": TENANT}, "team": {"id": "19:team@thread.tacv2"},
                                      "channel": {"id": THREAD.split(";")[0]}}},
                     THREAD.split(";")[0], id="channel-thread"),
        pytest.param({"conversation": {"id": MEETING_CHAT, "conversationType": "groupChat", "isGroup": True}},
                     MEETING_CHAT, id="meeting-chat"),
        pytest.param({"from": {"id": "29:alice", "name": "Åsa 👨\u200d👩\u200d👧 \u200fمريم" + "x" * 230}},
                     "a:personal-alice", id="long-name-with-zwj-and-rlm"),
        pytest.param({"id": "f:" + "9" * 60, "replyToId": "1" * MAX_ACTIVITY_ID}, "a:personal-alice", id="odd-ids"),
    ],
)
async def test_real_teams_shaped_ids_and_names_are_accepted(
    http_client: Client, fake_connector: FakeConnector, overrides: dict[str, Any], conversation_id: str
) -> None:
    body = activity(fake_connector.url)
    for key, value in overrides.items():
        body[key] = {**body[key], **value} if isinstance(value, dict) and isinstance(body.get(key), dict) else value
    await answer(await post(http_client, body), 201)
    assert fake_connector.activity_posts()  # answered
    app = http_client.app
    assert app is not None
    async with app[RUNTIME].uow() as uow:
        assert await uow.conversations.get(conversation_id) is not None
        person = await uow.people.get(body["from"]["id"])
        assert person is not None
        assert person.display_name == body["from"]["name"][:200]


def test_the_limits_fit_the_columns_they_are_stored_in() -> None:
    assert len(PERSONAL_CONVERSATION) <= MAX_CONVERSATION_ID
    assert ConversationRow.__table__.c.id.type.length == MAX_CONVERSATION_ID
    assert PersonRow.__table__.c.id.type.length == MAX_USER_ID
    assert ConversationRow.__table__.c.tenant_id.type.length == MAX_GUID_ID
    assert PersonRow.__table__.c.aad_object_id.type.length == MAX_GUID_ID


# --- a body that trickles in -------------------------------------------------------------------------------


@pytest.fixture
async def slow_reader_client(database_url: str, clean_env: None, make_client: ClientFactory) -> Client:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]  # pydantic-settings init kwarg
        mode=Mode.LOCAL,
        host="127.0.0.1",
        database_url=database_url,
        allowed_service_hosts=["smba.trafficmanager.net"],
        request_read_timeout_seconds=0.4,
    )
    return await make_client(settings)


async def raw_post(
    port: int, body: bytes, pieces: list[bytes], gap_seconds: float
) -> tuple[bytes, dict[str, str], float]:
    """POST over a plain socket: headers at once, then the body in `pieces` with pauses. Returns the status line,
    the response headers and the seconds until the status line arrived."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    loop = asyncio.get_running_loop()
    started = loop.time()
    writer.write(
        b"POST /api/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
    )
    await writer.drain()

    async def trickle() -> None:
        for piece in pieces:
            writer.write(piece)
            await writer.drain()
            await asyncio.sleep(gap_seconds)

    sender = asyncio.create_task(trickle())
    try:
        status = await asyncio.wait_for(reader.readline(), 5)
        elapsed = loop.time() - started
        headers: dict[str, str] = {}
        while (line := await asyncio.wait_for(reader.readline(), 5)) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
    finally:
        sender.cancel()
        with contextlib.suppress(asyncio.CancelledError, ConnectionError):
            await sender
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()
    return status, headers, elapsed


async def test_a_body_that_trickles_in_is_408_and_the_connection_closed(
    slow_reader_client: Client, fake_connector: FakeConnector
) -> None:
    body = json.dumps(activity(fake_connector.url)).encode()
    pieces = [body[i : i + 1] for i in range(len(body))]  # one byte every 50 ms: ~30 s for the whole body
    status, headers, elapsed = await raw_post(slow_reader_client.port, body, pieces, 0.05)
    assert status.startswith(b"HTTP/1.1 408"), status
    assert headers.get("connection", "").lower() == "close"
    assert 0.35 <= elapsed < 1.5
    assert fake_connector.requests == []
    assert await stored_counts(slow_reader_client) == (0, 0)


async def test_a_body_in_a_few_quick_pieces_is_read_normally(
    slow_reader_client: Client, fake_connector: FakeConnector
) -> None:
    body = json.dumps(activity(fake_connector.url)).encode()
    third = len(body) // 3
    pieces = [body[:third], body[third : 2 * third], body[2 * third :]]
    status, _, _ = await raw_post(slow_reader_client.port, body, pieces, 0.05)
    assert status.startswith(b"HTTP/1.1 201"), status
    assert len(fake_connector.sent_to("a:personal-alice")) == 1


def test_the_read_timeout_is_ten_seconds_by_default(local_settings: Settings) -> None:
    assert local_settings.request_read_timeout_seconds == 10.0
