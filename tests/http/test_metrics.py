"""GET /metrics after a few turns, deliveries and a tick: the counters moved; the token protects it; JSON logs."""

from __future__ import annotations

import io
import json
import logging
import re

from aiohttp import web
from aiohttp.test_utils import TestClient
from pydantic import SecretStr

from bot.log_safety import EscapeControlCharacters, JsonFormatter
from bot.runtime import RUNTIME
from bot.scheduler import Ticker
from bot.settings import Settings
from storage.outbox import NewMessage
from tests.fakes.connector import FakeConnector
from tests.http.conftest import ClientFactory
from tests.http.test_messages_endpoint import activity, answer, post

Client = TestClient[web.Request, web.Application]
SECRET_TEXT = "Hemlig text om ett enskilt barn"


def sample(body: str, name: str, **labels: str) -> float:
    """The value of one sample in the Prometheus text format (0 when absent)."""
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    pattern = re.escape(name) + (r"\{" + re.escape(wanted) + r"\}" if labels else "") + r" ([0-9.e+-]+)$"
    found = re.search(pattern, body, flags=re.MULTILINE)
    return float(found.group(1)) if found else 0.0


async def scrape(client: Client, headers: dict[str, str] | None = None) -> str:
    response = await client.get("/metrics", headers=headers or {})
    assert response.status == 200, response.status
    assert response.headers["Content-Type"].startswith("text/plain")
    return await response.text()


async def queue(client: Client, connector: FakeConnector, conversation: str, n: int) -> None:
    runtime = client.app[RUNTIME]
    async with runtime.uow() as uow:
        await uow.conversations.save(
            conversation_id=conversation, tenant_id="t", type="channel", service_url=connector.url,
            reference={"serviceUrl": connector.url, "conversation": {"id": conversation}, "channelId": "msteams",
                       "bot": {"id": "28:forumbot"}},
            bot_id="28:forumbot", user_id=None, aad_object_id=None, team_id=None, channel_id=None,
            now=runtime.clock.now(),
        )
        for i in range(n):
            await uow.outbox.enqueue(NewMessage(kind="test_message", subject_id="s", recipient_id=conversation,
                                                slot=str(i), conversation_id=conversation,
                                                payload={"type": "message", "text": "hej"}), runtime.clock.now())
        await uow.commit()


async def test_the_counters_move_with_turns_deliveries_and_ticks(
    http_client: Client, fake_connector: FakeConnector
) -> None:
    before = await scrape(http_client)
    assert sample(before, "forumbot_turns_total", kind="message", outcome="ok") == 0
    for n in range(3):
        await answer(await post(http_client, activity(fake_connector.url, id=f"170000000010{n}")), 201)
    await answer(await post(http_client, b"{not json"), 400)
    await queue(http_client, fake_connector, "19:channel-metrics", 2)
    fake_connector.throttle("19:channel-metrics", retry_after=60)
    runtime = http_client.app[RUNTIME]
    await runtime.delivery.run_once()
    await Ticker(runtime).tick()

    body = await scrape(http_client)
    assert sample(body, "forumbot_turns_total", kind="message", outcome="ok") == 3
    assert sample(body, "forumbot_turns_total", kind="unparsed", outcome="refused") == 1
    assert sample(body, "forumbot_turn_seconds_count", kind="message") == 3
    assert sample(body, "forumbot_sends_total", result="throttled") == 1
    assert sample(body, "forumbot_throttle_pauses_total", scope="conversation") == 1
    assert sample(body, "forumbot_ticks_total", outcome="ok") == 1
    assert sample(body, "forumbot_last_successful_tick_timestamp_seconds") > 0
    assert sample(body, "forumbot_tick_seconds_count") == 1
    assert sample(body, "forumbot_outbox_rows", status="retry") + sample(body, "forumbot_outbox_rows",
                                                                          status="pending") == 2
    assert sample(body, "forumbot_dead_letters") == 0
    assert "19:channel-metrics" not in body and "alice" not in body  # labels are kinds, never ids


async def test_metrics_want_the_token_when_one_is_set(
    local_settings: Settings, make_client: ClientFactory
) -> None:
    client = await make_client(local_settings.model_copy(update={"metrics_token": SecretStr("m" * 32)}))
    assert (await client.get("/metrics")).status == 401
    assert (await client.get("/metrics", headers={"Authorization": "Bearer wrong"})).status == 401
    assert "forumbot_turns_total" in await scrape(client, {"Authorization": "Bearer " + "m" * 32})


async def test_json_log_lines_parse_and_carry_no_message_text(
    http_client: Client, fake_connector: FakeConnector
) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(EscapeControlCharacters())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    level = root.level
    root.setLevel(logging.INFO)
    try:
        await answer(await post(http_client, activity(fake_connector.url, text=SECRET_TEXT)), 201)
        await answer(await post(http_client, activity(fake_connector.url, id="bad\nERROR forged line",
                                                       text=SECRET_TEXT)), (201, 400))
        logging.getLogger("bot.test").info("an id with a newline: %s", "x\ny")
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    lines = [line for line in stream.getvalue().splitlines() if line]
    assert lines
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    assert all({"time", "level", "logger", "message"} <= set(e) for e in entries)
    assert SECRET_TEXT not in stream.getvalue()
    assert any(e["message"] == "an id with a newline: x\\ny" for e in entries)
