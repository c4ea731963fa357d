"""Benchmark: publishing large minutes and delivering everything they send (issue 8).

A forum of 20 organisations (a participant each) and 5 Teams recipients; minutes with 40 items and 30 actions
(owners spread over the organisations), no approvers. Measured:

1. render and enqueue: the chair's *Publicera* through the real use case on a migrated SQLite file — numbering,
   freezing the version, the channel post (split under the size limit), the recipients' copies and the owners'
   messages, all queued in the outbox (median of several runs, each on a fresh database);
2. delivery: the real `DeliveryWorker` sends the queue to the fake Bot Connector on loopback, which answers 429
   to any post beyond Teams' 7 per second per conversation (counted by arrival). Reported: the time until every
   message is delivered, the 429s (target 0), and the share of the permitted rate reached (target ≥ 90 %): the
   least time the windows allow (`permitted_seconds`: 7 posts per conversation and 30 requests for the whole bot
   in any second, a new 1:1 chat's creation counting as a request) divided by the measured time from the first
   request's arrival to the last one's. Also reported: the most requests that arrived within one second, against
   Teams' ~50 per app and tenant (the bot's own 30 in any second is counted when each request starts, so
   arrivals may bunch a little above it).

Run: `.venv/bin/python bench/minutes.py` (under a minute) on SQLite; with FORUMBOT_BENCH_POSTGRES_URL set (an admin
URL, e.g. from `scripts/pg-test-cluster.sh start`) each run gets a fresh PostgreSQL database. Exits 1 on a FAIL.
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.adapter import ForumAdapter
from bot.app import delivery_hooks
from bot.delivery.worker import DeliveryWorker
from bot.deps import build_deps
from bot.services import minutes_publish
from bot.services.turn import Origin, Turn
from bot.settings import Settings
from dialogs.texts import for_language
from domain.clock import SystemClock
from domain.minutes import Attendance, DraftAction, MinutesContent, MinutesItem
from domain.model import Person, RecordRoles, RoleKind, Schedule
from storage.db import make_engine, make_session_factory
from storage.migrate import upgrade_async
from storage.unit_of_work import UnitOfWorkFactory

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `devtools` and `tests` are not installed; run as a script
    sys.path.insert(0, str(ROOT))

from bench.turns import postgres_database  # noqa: E402
from devtools.fake_connector import FakeConnector, running_fake_connector  # noqa: E402

ITEMS, ACTIONS, ORGANISATIONS, RECIPIENTS = 40, 30, 20, 5
RUNS = 3
TENANT = "tenant-bench"
POSTGRES_ENV = "FORUMBOT_BENCH_POSTGRES_URL"  # as bench/turns.py: an admin URL; a fresh database per run
CHANNEL = "19:bench-forum@thread.tacv2"
CHAIR = Person("29:chair", "Anna Ordförande")
MEETING_DAY = date(2026, 11, 26)
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)  # the meeting (09:00 Stockholm) is over
PER_CONVERSATION = 7
RATE_TARGET = 0.90
TEAMS_APP_LIMIT = 50  # Teams' requests per second per app and tenant (the bot paces itself to 30)
GLOBAL_RATE: float = Settings.model_fields["rate_global_per_second"].default  # the bot's own pace, 30/s
NOTES = ("Läget har varit lugnt i centrum men oroligt vid Torget på kvällarna. Fältassistenterna har varit på "
         "plats tre kvällar och fritidsgården har haft extra öppet.\nPolisen rapporterar två insatser.")


def channel_reference(service_url: str) -> dict[str, object]:
    return {"activityId": "1", "user": {"id": CHAIR.id, "name": CHAIR.display_name},
            "bot": {"id": "28:bot", "name": "Forumbot"},
            "conversation": {"id": CHANNEL, "conversationType": "channel", "isGroup": True, "tenantId": TENANT},
            "channelId": "msteams", "locale": "sv-SE", "serviceUrl": service_url}


async def world(uow: UnitOfWorkFactory, service_url: str) -> tuple[str, str]:
    """The forum, its people and the draft; returns (forum id, meeting id)."""
    async with uow() as u:
        forum_id = await u.forums.create(name="Trygghetsforum Norrby", tenant_id=TENANT, conversation_id=CHANNEL,
                                         chair_id=CHAIR.id, schedule=Schedule(skip_public_holidays=False),
                                         now=NOW - timedelta(days=30))
        await u.forums.replace_sections(forum_id, [(None, f"Dagordningspunkt {i + 1}") for i in range(ITEMS)], NOW)
        await u.forums.replace_organisations(forum_id, [(None, f"Organisation {o + 1}")
                                                        for o in range(ORGANISATIONS)], NOW)
        await u.conversations.save(conversation_id=CHANNEL, tenant_id=TENANT, type="channel", service_url=service_url,
                                   reference=channel_reference(service_url), bot_id="28:bot", user_id=None,
                                   aad_object_id=None, team_id=CHANNEL, channel_id=CHANNEL, now=NOW)
        forum = await u.forums.get(forum_id)
        assert forum is not None
        people = [CHAIR] + [Person(f"29:p{o}", f"Deltagare {o + 1}") for o in range(ORGANISATIONS)]
        people += [Person(f"29:r{r}", f"Mottagare {r + 1}") for r in range(RECIPIENTS)]
        for person in people:
            await u.people.upsert(person.id, display_name=person.display_name, aad_object_id=None, tenant_id=TENANT,
                                  now=NOW)
        for o, organisation in enumerate(forum.organisations):
            await u.forums.set_membership(forum_id, f"29:p{o}", organisation.id, NOW)
            await u.forums.set_role_holder(organisation.id, RoleKind.PARTICIPANT, f"29:p{o}", NOW)
        await u.forums.set_record_roles(forum_id, RecordRoles(recipient_ids=tuple(f"29:r{r}"
                                                                                  for r in range(RECIPIENTS))), NOW)
        forum = await u.forums.get(forum_id)
        assert forum is not None
        meeting = await u.meetings.ensure(forum, MEETING_DAY, datetime(2026, 11, 26, 8, 0, tzinfo=UTC), NOW)
        roles = [r.id for r in forum.roles if r.kind is RoleKind.PARTICIPANT]
        items = tuple(
            MinutesItem(s.id, s.title, NOTES, (f"Beslut {i + 1}a om fortsatt arbete", f"Beslut {i + 1}b"),
                        (DraftAction(f"a{i}", f"Åtgärd för punkt {i + 1}: ta kontakt och återkoppla",
                                     roles[i % len(roles)], date(2026, 12, 10), "Med berörda"),)
                        if i < ACTIONS else ())
            for i, s in enumerate(forum.sections))
        content = MinutesContent(items, Attendance(tuple(o.id for o in forum.organisations), "Gäster"))
        await u.minutes.save_draft(meeting_id=meeting.id, forum_id=forum_id, content=content, actor_id=CHAIR.id,
                                   now=NOW, expected_revision=None)
        await u.commit()
    return forum_id, meeting.id


def chair_turn(forum: object) -> Turn:
    origin = Origin(tenant_id=TENANT, conversation_id=CHANNEL, conversation_type="channel",
                    service_url="https://smba.trafficmanager.net/emea/", user_id=CHAIR.id,
                    user_name=CHAIR.display_name, aad_object_id=None, bot_id="28:bot", team_id=CHANNEL,
                    channel_id=CHANNEL, locale="sv-SE")
    return Turn(origin=origin, person=CHAIR, t=for_language("sv"), now=NOW, forum=forum)  # type: ignore[arg-type]


async def publish(uow: UnitOfWorkFactory, forum_id: str, meeting_id: str) -> float:
    deps = build_deps(Settings(_env_file=None, mode="local"), uow)  # type: ignore[call-arg,arg-type]
    async with uow() as u:
        forum = await u.forums.get(forum_id)
        minutes = await u.minutes.get(meeting_id)
    assert minutes is not None
    started = time.perf_counter()
    reply = await minutes_publish.publish(deps, chair_turn(forum), {"forum_id": forum_id, "meeting_id": meeting_id,
                                                                     "revision": minutes.revision})
    elapsed = time.perf_counter() - started
    assert reply.text and "publicerade" in reply.text, reply
    return elapsed


def permitted_seconds(per_conversation: Counter[str], requests: int, global_rate: float) -> float:
    """The least time Teams' windows allow from the first request to the last: n posts to one conversation need
    ⌈n/7⌉ − 1 s (7 in any second), and all requests (posts and the creation of each new 1:1 chat) ⌈r/g⌉ − 1 s at
    the bot's global rate g (30 in any second by default)."""
    busiest = max((math.ceil(n / PER_CONVERSATION) - 1 for n in per_conversation.values()), default=0)
    return float(max(busiest, math.ceil(requests / global_rate) - 1))


@dataclass(frozen=True)
class Run:
    enqueue_seconds: float
    delivery_seconds: float  # first request's arrival to the last one's
    messages: int
    over_rate: int  # posts the connector refused for the per-conversation rate
    permitted_seconds: float
    busiest_second: int  # the most requests that arrived within one second


def busiest_second(arrivals: list[datetime]) -> int:
    """The most arrivals within any one second (a sliding window over the sorted times)."""
    arrivals = sorted(arrivals)
    most, first = 0, 0
    for last, at in enumerate(arrivals):
        while (at - arrivals[first]).total_seconds() >= 1.0:
            first += 1
        most = max(most, last - first + 1)
    return most


async def deliver(uow: UnitOfWorkFactory, connector: FakeConnector) -> tuple[float, int, int, Counter[str], int]:
    """Everything queued, sent by the real worker: (seconds, messages, requests, posts per conversation, busiest
    second)."""
    settings = Settings(_env_file=None, mode="local")  # type: ignore[call-arg,arg-type]
    clock = SystemClock()
    async with uow() as u:
        queued = (await u.outbox.counts()).get("pending", 0)
    worker = DeliveryWorker(settings=settings, uow=uow, adapter=ForumAdapter(settings), clock=clock,
                            hooks=delivery_hooks())
    started = time.perf_counter()
    await worker.start()
    try:
        while time.perf_counter() - started < 120:
            if len(connector.activity_posts(ok_only=True)) >= queued:
                break
            await asyncio.sleep(0.02)
    finally:
        await worker.stop()
    posts = connector.activity_posts(ok_only=True)
    assert len(posts) == queued, (len(posts), queued)
    arrivals = [r.at for r in connector.requests if r.method == "POST"]  # creations of 1:1 chats and posts
    elapsed = (max(arrivals) - min(arrivals)).total_seconds()
    return elapsed, queued, len(arrivals), Counter(p.conversation_id or "" for p in posts), busiest_second(arrivals)


@asynccontextmanager
async def database() -> AsyncIterator[str]:
    """A fresh migrated database: a SQLite file, or with FORUMBOT_BENCH_POSTGRES_URL a new PostgreSQL database."""
    admin = os.environ.get(POSTGRES_ENV)
    if not admin:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
            await upgrade_async(url)
            yield url
        return
    async with postgres_database(admin) as url:  # created, migrated, dropped afterwards
        yield url


async def one_run() -> Run:
    async with database() as url:
        engine = make_engine(url)
        uow = UnitOfWorkFactory(make_session_factory(engine))
        try:
            async with running_fake_connector() as connector:
                connector.rate_limit_per_second = PER_CONVERSATION
                forum_id, meeting_id = await world(uow, connector.url)
                enqueue = await publish(uow, forum_id, meeting_id)
                seconds, messages, requests, per_conversation, busiest = await deliver(uow, connector)
                permitted = permitted_seconds(per_conversation, requests, GLOBAL_RATE)
                return Run(enqueue, seconds, messages, len(connector.over_rate), permitted, busiest)
        finally:
            await engine.dispose()


async def main() -> int:
    logging.basicConfig(level=logging.ERROR)
    runs = [await one_run() for _ in range(RUNS)]
    enqueue_ms = statistics.median(r.enqueue_seconds for r in runs) * 1000
    seconds = statistics.median(r.delivery_seconds for r in runs)
    messages, over_rate = runs[0].messages, max(r.over_rate for r in runs)
    permitted = statistics.median(r.permitted_seconds for r in runs)
    busiest = max(r.busiest_second for r in runs)
    share = permitted / seconds if seconds else 1.0
    ok = over_rate == 0 and share >= RATE_TARGET and busiest <= TEAMS_APP_LIMIT
    backend = "PostgreSQL" if os.environ.get(POSTGRES_ENV) else "SQLite"
    print(f"publishing minutes: {ITEMS} items, {ACTIONS} actions, {ORGANISATIONS} organisations, {RECIPIENTS} "
          f"recipients, on {backend} ({RUNS} runs, medians)")
    print(f"  render and enqueue: {enqueue_ms:.0f} ms for {messages} messages")
    print(f"  delivery: {seconds:.2f} s (the limits permit {permitted:.2f} s at best): {share:.0%} of the permitted "
          f"rate (target >= {RATE_TARGET:.0%}); 429 for the per-conversation rate: {over_rate}; most requests in "
          f"one second: {busiest} (Teams allows {TEAMS_APP_LIMIT}; the bot paces itself to {GLOBAL_RATE:g} as it "
          f"sends and is answered, not as Teams receives)  {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
