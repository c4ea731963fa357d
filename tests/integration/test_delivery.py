"""The delivery worker against the fake Bot Connector, on SQLite and PostgreSQL.

Time is the FixedClock; the worker's sleep is a fake that advances it, so nothing here waits on the wall clock
except the timeout test (a 0.3 s client timeout against a hanging connector).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import pytest
from msrest.exceptions import ClientRequestError

from bot.adapter import ForumAdapter
from bot.app import delivery_hooks
from bot.delivery import DeliveryWorker, backoff_seconds, classify, parse_retry_after
from bot.ratelimit import RateLimiter, Window
from bot.settings import Settings
from domain.clock import Clock, FixedClock, SystemClock
from storage.orm import ConversationRow, OutboxRow
from storage.outbox import NewMessage
from storage.unit_of_work import UnitOfWorkFactory
from tests.fakes.connector import FakeConnector, running_fake_connector

pytestmark = pytest.mark.integration

CHANNEL = "19:forum@thread.tacv2"
TENANT = "tenant-1"
BOT = "28:bot"
TEXT = "Hemlig lägesbild: Kalle 12 år"  # must never appear in logs


class FakeSleep:
    """The worker's sleep: advances the test clock instead of waiting."""

    def __init__(self, clock: FixedClock) -> None:
        self.clock = clock
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        self.clock.set(self.clock.now() + timedelta(seconds=seconds))


@pytest.fixture
async def connector(clock: FixedClock) -> AsyncIterator[FakeConnector]:
    async with running_fake_connector(clock=clock) as fake:
        yield fake


WorkerFactory = Callable[..., DeliveryWorker]


@pytest.fixture
def make_worker(uow_factory: UnitOfWorkFactory, clock: FixedClock, clean_env: None) -> WorkerFactory:
    def make(**overrides: Any) -> DeliveryWorker:
        values: dict[str, Any] = {
            "mode": "local",
            "allowed_service_hosts": ["smba.trafficmanager.net"],
            "retry_base_seconds": 1.0,
            "retry_max_seconds": 60.0,
            "delivery_max_attempts": 4,
            "delivery_timeout_seconds": 5.0,
        }
        values.update(overrides)
        settings = Settings(_env_file=None, **values)  # type: ignore[call-arg]
        return DeliveryWorker(
            settings=settings,
            uow=uow_factory,
            adapter=ForumAdapter(settings),
            clock=clock,
            sleep=FakeSleep(clock),
            random=lambda: 0.5,
            hooks=delivery_hooks(),
        )

    return make


def reference(conversation_id: str, service_url: str, ctype: str = "channel", user: str = "29:alice") -> dict[str, Any]:
    """Shaped like TurnContext.get_conversation_reference(activity).serialize()."""
    return {
        "activityId": "1700000000000",
        "user": {
            "id": user,
            "name": "Alice Andersson",
            "aadObjectId": "00000000-0000-0000-0000-00000000a11c",
        },
        "bot": {"id": BOT, "name": "Forumbot"},
        "conversation": {"id": conversation_id, "conversationType": ctype, "isGroup": ctype != "personal"},
        "channelId": "msteams",
        "locale": "sv-SE",
        "serviceUrl": service_url,
    }


async def store_conversation(
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    service_url: str,
    conversation_id: str = CHANNEL,
    ctype: str = "channel",
    user: str = "29:alice",
) -> None:
    async with uow_factory() as uow:
        await uow.conversations.save(
            conversation_id=conversation_id,
            tenant_id=TENANT,
            type=ctype,
            service_url=service_url,
            reference=reference(conversation_id, service_url, ctype, user),
            bot_id=BOT,
            user_id=user if ctype == "personal" else None,
            aad_object_id=None,
            team_id=conversation_id if ctype == "channel" else None,
            channel_id=conversation_id if ctype == "channel" else None,
            now=clock.now(),
        )
        await uow.commit()


async def enqueue(
    uow_factory: UnitOfWorkFactory, clock: Clock, recipient: str = "29:alice", **overrides: Any
) -> int:
    values: dict[str, Any] = {
        "kind": "reminder",
        "subject_id": "meeting-1",
        "recipient_id": recipient,
        "payload": {"type": "message", "text": TEXT},
        "occurrence_local_date": "2026-11-23",
    }
    if "person_id" not in overrides:
        values["conversation_id"] = CHANNEL
    values.update(overrides)
    async with uow_factory() as uow:
        row_id = await uow.outbox.enqueue(NewMessage(**values), clock.now())
        await uow.commit()
    assert row_id is not None
    return row_id


async def row(uow_factory: UnitOfWorkFactory, row_id: int) -> dict[str, Any]:
    async with uow_factory() as uow:
        found = await uow.outbox.get(row_id)
        assert found is not None
        return {c.key: getattr(found, c.key) for c in OutboxRow.__table__.columns}


async def conversation(uow_factory: UnitOfWorkFactory, conversation_id: str) -> dict[str, Any] | None:
    async with uow_factory() as uow:
        found = await uow.session.get(ConversationRow, conversation_id)
        if found is None:
            return None
        return {c.key: getattr(found, c.key) for c in ConversationRow.__table__.columns}


# ---------------------------------------------------------------------------- happy paths


async def test_channel_message_is_posted_and_activity_id_recorded(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, connector: FakeConnector, make_worker: WorkerFactory
) -> None:
    await store_conversation(uow_factory, clock, connector.url)
    row_id = await enqueue(uow_factory, clock)
    worker = make_worker()

    await worker.drain()

    (request,) = connector.requests
    assert request.method == "POST"
    assert request.conversation_id == CHANNEL
    assert request.json["text"] == TEXT
    assert request.json["conversation"]["id"] == CHANNEL
    assert "Authorization" not in request.headers  # auth off in local mode: no token leaves
    stored = await row(uow_factory, row_id)
    assert stored["status"] == "sent"
    assert stored["sent_activity_id"] == request.response["id"]
    assert stored["sent_conversation_id"] == CHANNEL
    assert (stored["attempts"], stored["lease_until"], stored["last_error"]) == (1, None, None)
    assert stored["sent_at"] == clock.now()


async def test_service_url_with_a_region_path_works(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, connector: FakeConnector, make_worker: WorkerFactory
) -> None:
    await store_conversation(uow_factory, clock, connector.url + "emea/")
    await enqueue(uow_factory, clock)
    await make_worker().drain()
    assert len(connector.sent_to(CHANNEL)) == 1
    assert connector.requests[0].raw_path.startswith("/emea/v3/conversations/")


async def test_person_without_a_chat_gets_one_created_and_stored(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, connector: FakeConnector, make_worker: WorkerFactory
) -> None:
    await store_conversation(uow_factory, clock, connector.url)  # the team channel alice shares with the bot
    row_id = await enqueue(uow_factory, clock, person_id="29:alice", via_conversation_id=CHANNEL)
    worker = make_worker()

    await worker.drain()

    (created,) = connector.created_conversations
    assert created["isGroup"] is False
    assert created["bot"] == {"id": BOT}
    assert created["members"] == [{"id": "29:alice"}]
    assert created["channelData"] == {"tenant": {"id": TENANT}}
    new_id = connector.created_ids[0]
    (body,) = connector.sent_to(new_id)
    assert body["text"] == TEXT
    assert body["recipient"]["id"] == "29:alice"
    stored = await row(uow_factory, row_id)
    assert (stored["status"], stored["sent_conversation_id"]) == ("sent", new_id)

    async with uow_factory() as uow:
        personal = await uow.conversations.personal_for("29:alice")
    assert personal is not None and personal.id == new_id
    assert (personal.type, personal.tenant_id, personal.service_url, personal.active) == (
        "personal",
        TENANT,
        connector.url,
        True,
    )
    assert personal.reference["user"]["id"] == "29:alice"  # type: ignore[index]
    assert personal.reference["conversation"]["conversationType"] == "personal"  # type: ignore[index]
    assert personal.reference["serviceUrl"] == connector.url

    # the next message to alice goes straight into that chat
    second = await enqueue(uow_factory, clock, person_id="29:alice", via_conversation_id=CHANNEL, slot="2")
    await worker.drain()
    assert len(connector.created_conversations) == 1
    assert len(connector.sent_to(new_id)) == 2
    assert (await row(uow_factory, second))["sent_conversation_id"] == new_id


async def test_person_with_a_stored_chat_gets_it_directly(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, connector: FakeConnector, make_worker: WorkerFactory
) -> None:
    await store_conversation(uow_factory, clock, connector.url, "a:alice-chat", "personal", "29:alice")
    row_id = await enqueue(uow_factory, clock, person_id="29:alice")
    await make_worker().drain()
    assert connector.created_conversations == []
    assert len(connector.sent_to("a:alice-chat")) == 1
    assert (await row(uow_factory, row_id))["status"] == "sent"


async def test_person_without_chat_or_shared_conversation_is_dead(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, connector: FakeConnector, make_worker: WorkerFactory
) -> None:
    row_id = await enqueue(uow_factory, clock, person_id="29:nobody")
    await make_worker().drain()
    assert connector.requests == []
    stored = await row(uow_factory, row_id)
    assert (stored["status"], stored["last_error"], stored["attempts"]) == ("dead", "no_conversation", 0)


async def test_update_puts_to_the_sent_activity(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, connector: FakeConnector, make_worker: WorkerFactory
) -> None:
    await store_conversation(uow_factory, clock, connector.url)
    original = await enqueue(uow_factory, clock, kind="summary")
    worker = make_worker()
    await worker.drain()
    activity_id = (await row(uow_factory, original))["sent_activity_id"]
    assert activity_id

    update = await enqueue(
        uow_factory,
        clock,
        kind="summary",
        slot="update-1",
        operation="update",
        update_of_id=original,
        payload={"type": "message", "text": "rättad"},
    )
    await worker.drain()

    ((updated_id, body),) = connector.updates_to(CHANNEL)
    assert updated_id == activity_id
    assert body["text"] == "rättad"
    assert body["id"] == activity_id
    stored = await row(uow_factory, update)
    assert (stored["status"], stored["sent_activity_id"]) == ("sent", activity_id)


async def test_update_waits_for_its_target(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, connector: FakeConnector, make_worker: WorkerFactory
) -> None:
    await store_conversation(uow_factory, clock, connector.url)
    original = await enqueue(uow_factory, clock, kind="summary")
    async with uow_factory() as uow:  # the original is in another worker's hands
        await uow.outbox.claim_due(clock.now(), 1, 600)
        await uow.commit()
    update = await enqueue(uow_factory, clock, kind="summary", slot="u", operation="update", update_of_id=original)
    await make_worker().drain()
    assert connector.requests == []
    stored = await row(uow_factory, update)
    assert (stored["status"], stored["attempts"]) == ("retry", 0)
    assert stored["next_attempt_at"] > clock.now()


# ---------------------------------------------------------------------------- failures


async def test_sdk_retries_are_off_so_an_update_503_is_one_request(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, connector: FakeConnector, make_worker: WorkerFactory
) -> None:
    """msrest on its own retries a PUT answered 5xx three more times inside its thread (measured)."""
    await store_conversation(uow_factory, clock, connector.url)
    original = await enqueue(uow_factory, clock)
    worker = make_worker()
    await worker.drain()
    update = await enqueue(uow_factory, clock, slot="u", operation="update", update_of_id=original)
    connector.fail_next(CHANNEL, 503, {"Retry-After": "7"}, method="PUT")
    await worker.drain()
    assert connector.count(method="PUT") == 1
    stored = await row(uow_factory, update)
    assert (stored["status"], stored["last_status_code"], stored["last_error"]) == (
        "retry",
        503,
        "503 ServiceUnavailable",
    )
    assert stored["next_attempt_at"] == clock.now() + timedelta(seconds=7)  # Retry-After beats the 1.5 s backoff
    assert worker.paused_until is None  # only a 429 pauses everyone


async def test_429_honours_retry_after_and_pauses_only_its_conversation(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, connector: FakeConnector, make_worker: WorkerFactory
) -> None:
    """Issue 6 item 8 changed this: one throttled conversation no longer pauses everyone."""
    await store_conversation(uow_factory, clock, connector.url)
    await store_conversation(uow_factory, clock, connector.url, "19:other@thread.tacv2")
    throttled = await enqueue(uow_factory, clock)
    behind = await enqueue(uow_factory, clock, "29:cecilia")  # the same conversation, queued after it
    other = await enqueue(uow_factory, clock, "29:bertil", conversation_id="19:other@thread.tacv2")
    connector.fail_next(CHANNEL, 429, {"Retry-After": "2"})
    worker = make_worker()
    start = clock.now()

    await worker.drain()

    assert len(connector.activity_posts(CHANNEL)) == 1  # the throttled conversation waits ...
    assert len(connector.sent_to("19:other@thread.tacv2")) == 1  # ... the other one does not
    stored = await row(uow_factory, throttled)
    assert (stored["status"], stored["attempts"], stored["last_status_code"]) == ("retry", 1, 429)
    assert stored["last_error"] == "429 Throttled"
    assert stored["next_attempt_at"] == start + timedelta(seconds=2)
    assert worker.paused_until is None
    assert worker.conversation_paused_until(CHANNEL) == start + timedelta(seconds=2)
    waiting = await row(uow_factory, behind)
    assert (waiting["status"], waiting["attempts"]) == ("retry", 0)  # held back unsent, in order
    assert waiting["next_attempt_at"] == start + timedelta(seconds=2)
    assert (await row(uow_factory, other))["status"] == "sent"

    clock.set(start + timedelta(seconds=1.9))
    await enqueue(uow_factory, clock, "29:david")  # queued to the paused conversation meanwhile
    await worker.drain()
    assert len(connector.activity_posts(CHANNEL)) == 1  # nothing before Retry-After

    clock.set(start + timedelta(seconds=2))
    await worker.drain()
    assert len(connector.sent_to(CHANNEL)) == 3
    assert (await row(uow_factory, throttled))["status"] == "sent"
    assert (await row(uow_factory, behind))["attempts"] == 1  # the pause cost it no attempt
    assert all(r.at >= start + timedelta(seconds=2) for r in connector.activity_posts(CHANNEL)[1:])


async def test_429s_from_several_conversations_pause_everyone(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, connector: FakeConnector, make_worker: WorkerFactory
) -> None:
    conversations = [f"19:c{i}@thread.tacv2" for i in range(5)]
    for cid in conversations:
        await store_conversation(uow_factory, clock, connector.url, cid)
    for cid in conversations[:3]:
        await enqueue(uow_factory, clock, f"29:{cid}", conversation_id=cid)
        connector.fail_next(cid, 429, {"Retry-After": "3"})
    worker = make_worker(throttle_pause_conversations=3, throttle_window_seconds=10)
    start = clock.now()
    await worker.drain()
    assert len(connector.requests) == 3
    assert worker.paused_until == start + timedelta(seconds=3)  # three conversations throttled: Teams' app limit

    for cid in conversations[3:]:
        await enqueue(uow_factory, clock, f"29:{cid}", conversation_id=cid)
    clock.set(start + timedelta(seconds=2.5))
    await worker.drain()
    assert len(connector.requests) == 3  # an unthrottled conversation waits too

    clock.set(start + timedelta(seconds=3))
    await worker.drain()
    assert len(connector.activity_posts(ok_only=True)) == 5
    assert worker.paused_until is None


async def test_429_with_an_http_date_retry_after(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, connector: FakeConnector, make_worker: WorkerFactory
) -> None:
    await store_conversation(uow_factory, clock, connector.url)
    row_id = await enqueue(uow_factory, clock)
    when = clock.now() + timedelta(seconds=30)
    connector.fail_next(CHANNEL, 429, {"Retry-After": when.strftime("%a, %d %b %Y %H:%M:%S GMT")})
    await make_worker().drain()
    assert (await row(uow_factory, row_id))["next_attempt_at"] == when


async def test_500_retries_with_growing_backoff_then_dead(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, connector: FakeConnector, make_worker: WorkerFactory
) -> None:
    await store_conversation(uow_factory, clock, connector.url)
    row_id = await enqueue(uow_factory, clock)
    connector.fail_next(CHANNEL, 500, times=None)
    worker = make_worker(delivery_max_attempts=4)

    delays: list[float] = []
    for _ in range(10):
        await worker.drain()
        stored = await row(uow_factory, row_id)
        if stored["status"] != "retry":
            break
        delays.append((stored["next_attempt_at"] - clock.now()).total_seconds())
        clock.set(stored["next_attempt_at"])

    assert stored["status"] == "dead"
    assert (stored["attempts"], stored["last_status_code"], stored["last_error"]) == (
        4,
        500,
        "500 InternalServerError",
    )
    assert len(connector.requests) == 4
    assert len(delays) == 3
    assert delays == sorted(delays) and delays[0] < delays[-1]
    assert delays == [1.5, 3.0, 6.0]  # base 1 s, random 0.5 → middle of [1,2], [2,4], [4,8]


@pytest.mark.parametrize("status", [412, 502, 503, 504])
async def test_transient_statuses_retry_then_succeed(
    status: int,
    uow_factory: UnitOfWorkFactory,
    clock: FixedClock,
    connector: FakeConnector,
    make_worker: WorkerFactory,
) -> None:
    await store_conversation(uow_factory, clock, connector.url)
    row_id = await enqueue(uow_factory, clock)
    connector.fail_next(CHANNEL, status)
    worker = make_worker()
    await worker.drain()
    stored = await row(uow_factory, row_id)
    assert (stored["status"], stored["last_status_code"]) == ("retry", status)
    clock.set(stored["next_attempt_at"])
    await worker.drain()
    stored = await row(uow_factory, row_id)
    assert (stored["status"], stored["attempts"]) == ("sent", 2)
    assert len(connector.requests) == 2


async def test_a_hanging_connector_times_out_and_retries(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, connector: FakeConnector, make_worker: WorkerFactory
) -> None:
    await store_conversation(uow_factory, clock, connector.url)
    row_id = await enqueue(uow_factory, clock)
    connector.hang_next(CHANNEL)
    worker = make_worker(delivery_timeout_seconds=0.3)
    await worker.drain()
    stored = await row(uow_factory, row_id)
    assert (stored["status"], stored["last_error"], stored["last_status_code"]) == ("retry", "timeout", None)
    connector.release_hangs()
    clock.set(stored["next_attempt_at"])
    await worker.drain()
    assert (await row(uow_factory, row_id))["status"] == "sent"


async def test_connection_refused_is_transient(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, make_worker: WorkerFactory
) -> None:
    async with running_fake_connector() as gone:
        url = gone.url  # a port nobody listens on once it stops
    await store_conversation(uow_factory, clock, url)
    row_id = await enqueue(uow_factory, clock)
    await make_worker().drain()
    stored = await row(uow_factory, row_id)
    assert (stored["status"], stored["last_error"], stored["attempts"]) == ("retry", "connection_error", 1)


@pytest.mark.parametrize(("status", "code"), [(403, "BotNotInConversationRoster"), (404, "ConversationNotFound")])
async def test_gone_conversation_is_dead_inactive_and_its_queue_cancelled(
    status: int,
    code: str,
    uow_factory: UnitOfWorkFactory,
    clock: FixedClock,
    connector: FakeConnector,
    make_worker: WorkerFactory,
) -> None:
    await store_conversation(uow_factory, clock, connector.url)
    first = await enqueue(uow_factory, clock, "29:a")
    claimed_with_it = await enqueue(uow_factory, clock, "29:b")
    connector.fail_next(CHANNEL, status)
    worker = make_worker()
    await worker.drain()
    queued_later = await enqueue(uow_factory, clock, "29:c")
    await worker.drain()

    assert len(connector.requests) == 1  # one attempt, nothing more to that conversation
    stored = await row(uow_factory, first)
    assert (stored["status"], stored["last_status_code"], stored["last_error"]) == (
        "dead",
        status,
        f"{status} {code}",
    )
    for other in (claimed_with_it, queued_later):
        assert (await row(uow_factory, other))["status"] == "cancelled"
    conv = await conversation(uow_factory, CHANNEL)
    assert conv is not None
    assert (conv["active"], conv["inactive_reason"]) == (False, f"{status} {code}")


async def test_update_of_a_deleted_message_does_not_retire_the_conversation(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, connector: FakeConnector, make_worker: WorkerFactory
) -> None:
    await store_conversation(uow_factory, clock, connector.url)
    original = await enqueue(uow_factory, clock)
    worker = make_worker()
    await worker.drain()
    update = await enqueue(uow_factory, clock, slot="u", operation="update", update_of_id=original)
    connector.fail_next(CHANNEL, 404, body={"error": {"code": "ActivityNotFound", "message": "gone"}}, method="PUT")
    await worker.drain()
    assert (await row(uow_factory, update))["last_error"] == "404 ActivityNotFound"
    conv = await conversation(uow_factory, CHANNEL)
    assert conv is not None and conv["active"] is True


async def test_413_is_dead_after_exactly_one_request(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, connector: FakeConnector, make_worker: WorkerFactory
) -> None:
    await store_conversation(uow_factory, clock, connector.url)
    row_id = await enqueue(uow_factory, clock)
    connector.fail_next(CHANNEL, 413, times=None)
    worker = make_worker()
    await worker.drain()
    clock.set(clock.now() + timedelta(hours=1))
    await worker.drain()
    assert len(connector.requests) == 1
    stored = await row(uow_factory, row_id)
    assert (stored["status"], stored["last_status_code"], stored["last_error"]) == ("dead", 413, "too_large")
    conv = await conversation(uow_factory, CHANNEL)
    assert conv is not None and conv["active"] is True


def token_refreshes(worker: DeliveryWorker) -> int:
    adapter = worker._adapter
    assert isinstance(adapter, ForumAdapter)
    return adapter.authentication.credentials.refreshes


async def test_a_401_drops_the_token_and_is_retried_once(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, connector: FakeConnector, make_worker: WorkerFactory
) -> None:
    """Issue 6 item 9 changed this: a single 401 (an expired or revoked token) no longer kills the message."""
    await store_conversation(uow_factory, clock, connector.url)
    row_id = await enqueue(uow_factory, clock)
    connector.fail_next(CHANNEL, 401)
    worker = make_worker()
    await worker.drain()
    assert [r.status for r in connector.activity_posts(CHANNEL)] == [401, 201]
    assert token_refreshes(worker) == 1
    stored = await row(uow_factory, row_id)
    assert (stored["status"], stored["attempts"]) == ("sent", 1)


async def test_a_second_401_is_dead_and_alerted_and_the_chair_is_not_told(
    uow_factory: UnitOfWorkFactory,
    clock: FixedClock,
    connector: FakeConnector,
    make_worker: WorkerFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await store_conversation(uow_factory, clock, connector.url)
    row_id = await enqueue(uow_factory, clock, person_id="29:alice", via_conversation_id=CHANNEL)
    connector.fail_next("v3/conversations", 401, times=2, method="POST")
    worker = make_worker()
    with caplog.at_level(logging.ERROR, logger="bot.delivery"):
        await worker.drain()
    stored = await row(uow_factory, row_id)
    assert (stored["status"], stored["last_error"], stored["last_status_code"]) == (
        "dead",
        "unauthorized",
        401,
    )
    assert len(connector.requests) == 2  # the first try and one with a new token; nothing after
    assert token_refreshes(worker) == 1
    alerts = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("unauthorized" in m and "FORUMBOT_APP_PASSWORD" in m for m in alerts)
    async with uow_factory() as uow:
        assert [r.kind for r in await uow.outbox.by_kind("unreachable")] == []
    assert (await conversation(uow_factory, CHANNEL) or {}).get("active") is True


async def test_other_4xx_is_dead(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, connector: FakeConnector, make_worker: WorkerFactory
) -> None:
    await store_conversation(uow_factory, clock, connector.url)
    row_id = await enqueue(uow_factory, clock)
    connector.fail_next(CHANNEL, 400)
    await make_worker().drain()
    stored = await row(uow_factory, row_id)
    assert (stored["status"], stored["last_error"]) == ("dead", "400 BadArgument")
    assert len(connector.requests) == 1


async def test_inactive_conversation_is_cancelled_without_a_request(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, connector: FakeConnector, make_worker: WorkerFactory
) -> None:
    await store_conversation(uow_factory, clock, connector.url)
    async with uow_factory() as uow:
        await uow.conversations.mark_inactive(CHANNEL, "uninstalled", clock.now())
        await uow.commit()
    row_id = await enqueue(uow_factory, clock)
    await make_worker().drain()
    assert connector.requests == []
    stored = await row(uow_factory, row_id)
    assert (stored["status"], stored["last_error"], stored["attempts"]) == (
        "cancelled",
        "conversation_inactive",
        0,
    )


# ----------------------------------------------------------------------------------- service URL allow-list


async def insert_tampered(uow_factory: UnitOfWorkFactory, clock: FixedClock, column_url: str, json_url: str) -> None:
    """A reference written behind the repository's back (admin edit, restored backup, SQL injection...)."""
    async with uow_factory() as uow:
        uow.session.add(
            ConversationRow(
                id=CHANNEL,
                tenant_id=TENANT,
                type="channel",
                service_url=column_url,
                reference=reference(CHANNEL, json_url),
                bot_id=BOT,
                user_id=None,
                aad_object_id=None,
                team_id=None,
                channel_id=None,
                active=True,
                inactive_reason=None,
                welcomed_at=None,
                updated_at=clock.now(),
            )
        )
        await uow.commit()


@pytest.mark.parametrize("where", ["both", "json_only", "column_only"])
async def test_service_url_off_the_allow_list_sends_nothing(
    where: str,
    uow_factory: UnitOfWorkFactory,
    clock: FixedClock,
    connector: FakeConnector,
    make_worker: WorkerFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    evil = "https://evil.example/"
    column_url = connector.url if where == "json_only" else evil
    json_url = connector.url if where == "column_only" else evil
    await insert_tampered(uow_factory, clock, column_url, json_url)
    row_id = await enqueue(uow_factory, clock)

    with caplog.at_level(logging.INFO):
        await make_worker().drain()

    assert connector.requests == []
    stored = await row(uow_factory, row_id)
    assert (stored["status"], stored["last_error"], stored["attempts"]) == (
        "dead",
        "service_url_not_allowed",
        0,
    )
    alerts = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert any("service_url_not_allowed" in m and f"row={row_id}" in m for m in alerts)
    assert all(TEXT not in r.getMessage() for r in caplog.records)


async def test_create_conversation_checks_the_allow_list_too(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, connector: FakeConnector, make_worker: WorkerFactory
) -> None:
    await insert_tampered(uow_factory, clock, "http://169.254.169.254/", "http://169.254.169.254/")
    row_id = await enqueue(uow_factory, clock, person_id="29:alice", via_conversation_id=CHANNEL)
    await make_worker().drain()
    assert connector.requests == []
    assert (await row(uow_factory, row_id))["last_error"] == "service_url_not_allowed"


async def test_production_style_https_host_must_be_listed(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, make_worker: WorkerFactory
) -> None:
    worker = make_worker(allowed_service_hosts=["smba.trafficmanager.net"])
    settings = worker._settings
    assert settings.service_url_allowed("https://smba.trafficmanager.net/emea/")
    assert not settings.service_url_allowed("http://smba.trafficmanager.net/emea/")
    assert not settings.service_url_allowed("https://smba.trafficmanager.net.evil.example/")


# ---------------------------------------------------------------------------- pace


async def test_twenty_messages_at_seven_per_second_take_two_seconds(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, connector: FakeConnector, make_worker: WorkerFactory
) -> None:
    await store_conversation(uow_factory, clock, connector.url)
    ids = [await enqueue(uow_factory, clock, f"29:p{i}") for i in range(20)]
    worker = make_worker(rate_per_conversation_per_second=7.0, delivery_batch=50)
    start = clock.now()

    await worker.drain()

    assert len(connector.sent_to(CHANNEL)) == 20
    assert clock.now() - start >= timedelta(seconds=2)
    for row_id in ids:
        assert (await row(uow_factory, row_id))["status"] == "sent"
    # at most 7 sends in any one-second window of clock time
    async with uow_factory() as uow:
        sent_at = sorted([(await uow.outbox.get(i)).sent_at for i in ids])  # type: ignore[union-attr]
    for i in range(len(sent_at) - 7):
        assert sent_at[i + 7] - sent_at[i] >= timedelta(seconds=1)


async def test_the_global_limit_spans_conversations(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, connector: FakeConnector, make_worker: WorkerFactory
) -> None:
    conversations = [f"19:c{i}@thread.tacv2" for i in range(10)]
    for cid in conversations:
        await store_conversation(uow_factory, clock, connector.url, cid)
    for cid in conversations:
        await enqueue(uow_factory, clock, f"29:{cid}", conversation_id=cid)
    worker = make_worker(rate_global_per_second=4.0)
    start = clock.now()
    await worker.drain()
    assert len(connector.requests) == 10
    assert clock.now() - start >= timedelta(seconds=2)  # 4 + 4 + 2


async def test_the_hourly_cap_defers_instead_of_holding_the_lease(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, connector: FakeConnector, make_worker: WorkerFactory
) -> None:
    await store_conversation(uow_factory, clock, connector.url)
    ids = [await enqueue(uow_factory, clock, f"29:p{i}") for i in range(3)]
    worker = make_worker(rate_per_conversation_per_hour=2)
    start = clock.now()
    await worker.drain()
    assert len(connector.requests) == 2
    third = await row(uow_factory, ids[2])
    assert (third["status"], third["attempts"]) == ("retry", 0)
    assert third["next_attempt_at"] >= start + timedelta(hours=1)
    assert clock.now() - start < timedelta(seconds=30)  # it did not sleep for an hour


# ---------------------------------------------------------------------------- background loop and shutdown


async def test_background_loop_delivers_on_wake_and_stops_cleanly(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, connector: FakeConnector, make_worker: WorkerFactory
) -> None:
    await store_conversation(uow_factory, clock, connector.url)
    worker = make_worker()
    await worker.start()
    try:
        row_id = await enqueue(uow_factory, clock)
        worker.wake()
        for _ in range(200):
            if connector.sent_to(CHANNEL):
                break
            await asyncio.sleep(0.02)
        assert len(connector.sent_to(CHANNEL)) == 1
    finally:
        await worker.stop()
    for _ in range(50):
        if (await row(uow_factory, row_id))["status"] == "sent":
            break
        await asyncio.sleep(0.02)
    assert (await row(uow_factory, row_id))["status"] == "sent"


async def test_stop_during_a_send_leaves_no_unleased_sending_row(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, connector: FakeConnector, make_worker: WorkerFactory
) -> None:
    await store_conversation(uow_factory, clock, connector.url)
    first = await enqueue(uow_factory, clock, "29:a")
    second = await enqueue(uow_factory, clock, "29:b")
    connector.hang_next(CHANNEL)
    worker = make_worker(delivery_timeout_seconds=0.5)
    await worker.start()
    for _ in range(200):
        if connector.hanging:
            break
        await asyncio.sleep(0.02)
    assert connector.hanging == 1
    await worker.stop()

    a, b = await row(uow_factory, first), await row(uow_factory, second)
    assert (a["status"], a["last_error"]) == ("retry", "timeout")  # the in-flight send finished (timed out)
    assert (b["status"], b["attempts"], b["lease_until"]) == (
        "retry",
        0,
        None,
    )  # never sent: lease given back
    async with uow_factory() as uow:
        counts = await uow.outbox.counts()
    assert "sending" not in counts


async def test_drain_after_stop_claims_nothing(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, connector: FakeConnector, make_worker: WorkerFactory
) -> None:
    await store_conversation(uow_factory, clock, connector.url)
    await enqueue(uow_factory, clock)
    worker = make_worker()
    await worker.stop()
    await worker.drain()
    assert connector.requests == []


# ---------------------------------------------------------------------------- pure helpers (no database)


def test_parse_retry_after(clock: FixedClock) -> None:
    now = clock.now()
    assert parse_retry_after("2", now) == 2.0
    assert parse_retry_after(" 0 ", now) == 0.0
    assert parse_retry_after("-5", now) == 0.0
    assert parse_retry_after("999999", now) == 3600.0
    date = (now + timedelta(seconds=90)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert parse_retry_after(date, now) == 90.0
    assert parse_retry_after(None, now) is None
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after("nan", now) is None


def test_backoff_grows_within_bands_and_is_capped() -> None:
    for r in (0.0, 0.3, 0.99):
        delays = [backoff_seconds(n, 1.0, 60.0, r) for n in range(1, 10)]
        assert delays == sorted(delays)
        assert delays[-1] == 60.0
    assert backoff_seconds(1, 1.0, 60.0, 0.0) == 1.0
    assert backoff_seconds(3, 1.0, 60.0, 0.999) < 8.0
    assert backoff_seconds(10_000, 1.0, 60.0, 0.5) == 60.0


def test_classify_non_http_errors() -> None:
    assert classify(TimeoutError()).label == "timeout"
    assert classify(ClientRequestError("refused")).label == "connection_error"
    assert classify(ConnectionResetError()).label == "connection_error"
    assert classify(ValueError("Kalle")).label == "error:ValueError"  # the message text never shows


def test_rate_windows_from_rates() -> None:
    assert Window.per_second(7) == Window(7, 1.0)
    assert Window.per_second(0.5) == Window(1, 2.0)
    assert Window.per_second(30) == Window(30, 1.0)
    with pytest.raises(ValueError):
        Window.per_second(0)


async def test_rate_limiter_is_a_sliding_window_on_the_injected_clock(clock: FixedClock) -> None:
    limiter = RateLimiter(
        per_conversation=[Window(3, 1.0)],
        global_windows=[Window(5, 1.0)],
        clock=clock,
        random=lambda: 0.0,
    )
    sleep = FakeSleep(clock)
    start = clock.now()
    for _ in range(3):
        assert await limiter.acquire("a", sleep=sleep, max_wait=10) == 0.0
    assert limiter.delay("a") == 1.0
    assert limiter.delay("b") == 0.0  # other conversations are not held up by a's window
    assert await limiter.acquire("b", sleep=sleep, max_wait=10) == 0.0
    assert await limiter.acquire("b", sleep=sleep, max_wait=10) == 0.0
    assert limiter.delay("c") == 1.0  # but the global window (5/s) is full
    assert await limiter.acquire("a", sleep=sleep, max_wait=0.5) is None  # too long: not waited, not counted
    assert clock.now() == start
    assert await limiter.acquire("a", sleep=sleep, max_wait=10) == 1.0
    assert clock.now() == start + timedelta(seconds=1)
    assert sleep.calls == [1.0]


# ---------------------------------------------------------------------------- hung and throttled conversations


async def test_eight_hanging_conversations_do_not_hold_up_the_other_thirty_two(
    uow_factory: UnitOfWorkFactory, clean_env: None
) -> None:
    """Issue 6 item 8: the real worker loop, wall-clock time, 8 of 40 conversations never answer."""
    wall = SystemClock()
    hanging = [f"19:hang{i}@thread.tacv2" for i in range(8)]
    healthy = [f"19:ok{i}@thread.tacv2" for i in range(32)]
    async with running_fake_connector() as connector:
        for cid in hanging + healthy:
            await store_conversation(uow_factory, wall, connector.url, cid)
        for cid in hanging:
            connector.hang_next(cid, times=None)
        for cid in hanging + healthy:  # the hanging ones first: the worst order for a serial worker
            await enqueue(uow_factory, wall, f"29:{cid}", conversation_id=cid)
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            mode="local",
            delivery_timeout_seconds=1.0,
            delivery_slow_seconds=0.2,
            rate_global_per_second=50.0,
            tick_seconds=1,
        )
        worker = DeliveryWorker(
            settings=settings, uow=uow_factory, adapter=ForumAdapter(settings), clock=wall, hooks=delivery_hooks()
        )
        started = time.monotonic()
        await worker.start()
        try:
            delivered: list[str] = []
            while time.monotonic() - started < 10.0:
                delivered = [cid for cid in healthy if connector.sent_to(cid)]
                if len(delivered) == len(healthy):
                    break
                await asyncio.sleep(0.05)
            elapsed = time.monotonic() - started
        finally:
            await worker.stop()
            connector.release_hangs()
        assert len(delivered) >= 30, f"{len(delivered)} of 32 healthy conversations reached in {elapsed:.1f} s"
        assert elapsed < 10.0
        assert all(len(connector.sent_to(cid)) == 1 for cid in healthy)  # nothing twice
        assert not any(connector.sent_to(cid) for cid in hanging)
    async with uow_factory() as uow:
        counts = await uow.outbox.counts()
    assert counts.get("sent") == 32 and "sending" not in counts  # the hung rows are retried later, not lost


def wall_clock_worker(uow_factory: UnitOfWorkFactory, wall: SystemClock) -> DeliveryWorker:
    """The real worker on the wall clock, with short timeouts and retries, for tests that time real sends."""
    settings = Settings(_env_file=None, mode="local", delivery_timeout_seconds=1.0, retry_base_seconds=0.2,
                        tick_seconds=1)  # type: ignore[call-arg]
    return DeliveryWorker(
        settings=settings, uow=uow_factory, adapter=ForumAdapter(settings), clock=wall, hooks=delivery_hooks()
    )


async def test_a_throttled_conversation_gets_nothing_before_retry_after_while_others_flow(
    uow_factory: UnitOfWorkFactory, clean_env: None
) -> None:
    wall = SystemClock()
    throttled = "19:throttled@thread.tacv2"
    others = [f"19:o{i}@thread.tacv2" for i in range(6)]
    async with running_fake_connector() as connector:
        for cid in [throttled, *others]:
            await store_conversation(uow_factory, wall, connector.url, cid)
        connector.throttle(throttled, retry_after=1.0, times=2)
        for n in range(3):
            for cid in [throttled, *others]:
                await enqueue(uow_factory, wall, f"29:{cid}", conversation_id=cid, slot=str(n))
        worker = wall_clock_worker(uow_factory, wall)
        await worker.start()
        try:
            for _ in range(200):
                if len(connector.sent_to(throttled)) == 3:
                    break
                await asyncio.sleep(0.05)
        finally:
            await worker.stop()
        assert [len(connector.sent_to(cid)) for cid in others] == [3] * 6
        assert len(connector.sent_to(throttled)) == 3
        assert connector.early_requests == []  # never a request before Retry-After had passed
        first_others = min(r.at for r in connector.activity_posts(ok_only=True) if r.conversation_id in others)
        last_others = max(r.at for r in connector.activity_posts(ok_only=True) if r.conversation_id in others)
        first_throttled_ok = min(r.at for r in connector.activity_posts(throttled, ok_only=True))
        assert last_others < first_throttled_ok  # the others did not wait for the two 1 s pauses
        assert first_throttled_ok - first_others >= timedelta(seconds=2)


async def test_429s_from_a_few_conversations_among_many_accepted_sends_pause_only_those(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, connector: FakeConnector, make_worker: WorkerFactory
) -> None:
    """Three throttled conversations while most sends are accepted are busy conversations, not app throttling."""
    conversations = [f"19:c{i}@thread.tacv2" for i in range(10)]
    for cid in conversations:
        await store_conversation(uow_factory, clock, connector.url, cid)
        await enqueue(uow_factory, clock, f"29:{cid}", conversation_id=cid)
    worker = make_worker(throttle_pause_conversations=3)
    await worker.drain()
    for cid in conversations[:3]:
        await enqueue(uow_factory, clock, f"29:{cid}", conversation_id=cid, slot="2")
        connector.fail_next(cid, 429, {"Retry-After": "3"})
    await enqueue(uow_factory, clock, "29:late", conversation_id=conversations[9], slot="2")
    await worker.drain()
    assert worker.paused_until is None
    assert len(connector.sent_to(conversations[9])) == 2  # not held up by the three throttled ones
    assert all(worker.conversation_paused_until(cid) is not None for cid in conversations[:3])


async def test_twenty_messages_to_one_conversation_keep_under_teams_per_conversation_rate(
    uow_factory: UnitOfWorkFactory, clean_env: None
) -> None:
    """A connector that answers 429 to the 8th post within a second gets none: the worker paces itself (7/s)."""
    wall = SystemClock()
    async with running_fake_connector() as connector:
        connector.rate_limit_per_second = 7
        await store_conversation(uow_factory, wall, connector.url)
        for n in range(20):
            await enqueue(uow_factory, wall, slot=str(n))
        worker = wall_clock_worker(uow_factory, wall)
        await worker.start()
        try:
            for _ in range(200):
                if len(connector.sent_to(CHANNEL)) == 20:
                    break
                await asyncio.sleep(0.05)
        finally:
            await worker.stop()
        posts = connector.activity_posts(CHANNEL, ok_only=True)
        assert len(posts) == 20 and connector.over_rate == []
        assert (posts[-1].at - posts[0].at) >= timedelta(seconds=2)  # 20 posts at ≤ 7/s take at least 2 s


async def test_a_send_counts_from_its_answer_so_a_slow_request_cannot_bunch_arrivals(clock: FixedClock) -> None:
    limiter = RateLimiter(per_conversation=[Window(2, 1.0)], global_windows=[], clock=clock, random=lambda: 0.0)
    sleep = FakeSleep(clock)
    assert await limiter.acquire("a", sleep=sleep, max_wait=10) == 0.0
    clock.set(clock.now() + timedelta(seconds=0.3))  # the first request took 0.3 s to be answered
    limiter.settle("a")
    assert await limiter.acquire("a", sleep=sleep, max_wait=10) == 0.0
    limiter.settle("a")
    assert limiter.delay("a") == pytest.approx(1.0)  # the third waits a full second from the first's answer


async def test_creating_a_chat_counts_as_one_more_request_against_the_bots_global_rate(clock: FixedClock) -> None:
    limiter = RateLimiter(per_conversation=[Window(7, 1.0)], global_windows=[Window(4, 1.0)], clock=clock,
                          random=lambda: 0.0)
    sleep = FakeSleep(clock)
    for person in ("29:a", "29:b"):  # two new 1:1 chats: create + send each
        assert await limiter.acquire(person, sleep=sleep, max_wait=10, requests=2) == 0.0
    assert limiter.delay("29:c") == pytest.approx(1.0)  # four requests made: the fifth waits for the window


async def test_a_send_that_waited_for_a_free_place_counts_from_when_it_goes_out(clock: FixedClock) -> None:
    limiter = RateLimiter(per_conversation=[Window(7, 1.0)], global_windows=[Window(2, 1.0)], clock=clock,
                          random=lambda: 0.0)
    sleep = FakeSleep(clock)
    start = clock.now()
    assert await limiter.acquire("a", sleep=sleep, max_wait=10) == 0.0
    assert await limiter.acquire("b", sleep=sleep, max_wait=10) == 0.0
    clock.set(start + timedelta(seconds=0.8))  # b waited 0.8 s for a place in flight before going out
    limiter.restart("b")
    clock.set(start + timedelta(seconds=1.0))
    assert limiter.delay("c") == pytest.approx(0.0)  # a has left the window
    assert await limiter.acquire("c", sleep=sleep, max_wait=10) == 0.0
    assert limiter.delay("d") == pytest.approx(0.8)  # b counts from 0.8 s, so the window frees at 1.8 s


# ---------------------------------------------------------------------------- the follow-up log

async def test_a_reminder_digest_logs_its_delivery_result_for_each_of_its_actions(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, connector: FakeConnector, make_worker: WorkerFactory
) -> None:
    from domain.action_log import EventKind

    other = "19:other@thread.tacv2"
    await store_conversation(uow_factory, clock, connector.url)
    await store_conversation(uow_factory, clock, connector.url, other)
    delivered = await enqueue(uow_factory, clock, kind="action_nudge", subject_id="forum-1",
                              extra={"action_ids": ["a-1", "a-2"]})
    failed = await enqueue(uow_factory, clock, "29:bob", kind="action_nudge", subject_id="forum-1",
                           conversation_id=other, extra={"action_ids": ["a-3"]})
    plain = await enqueue(uow_factory, clock, "29:carl", kind="reminder", extra={"action_ids": ["a-4"]})
    connector.fail_next(other, 413, times=None)
    await make_worker().drain()
    assert (await row(uow_factory, plain))["status"] == "sent"
    async with uow_factory() as uow:
        logged = {a: await uow.action_log.for_action(a) for a in ("a-1", "a-2", "a-3", "a-4")}
    for action_id in ("a-1", "a-2"):
        [event] = logged[action_id]
        assert (event.kind, event.forum_id, event.detail) == (
            EventKind.NUDGE_DELIVERED, "forum-1", {"outbox": delivered, "status": 201})
    [event] = logged["a-3"]
    assert (event.kind, event.detail) == (EventKind.NUDGE_FAILED, {"outbox": failed, "reason": "too_large"})
    assert logged["a-4"] == []  # only reminder digests are logged
