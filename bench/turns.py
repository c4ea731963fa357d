"""Benchmark: time per turn over HTTP, Forumbot against a plain botbuilder echo bot on the same adapter.

Both bots run as aiohttp apps on 127.0.0.1 behind the same route (`bot.routes.messages`: body checks, parse,
`authenticate_request`, `adapter.process_activity`) and the same `ForumAdapter`, and both reply through one
fake Bot Connector on loopback (`devtools/fake_connector`). A turn is timed from the client's POST to
/api/messages until its response body has been read, so it includes the bot's outbound reply POST to the
connector. The echo bot's turn is the floor; Forumbot's turns are reported as multiples of its median.

Turns (sequential, warm-up first, then interleaved in a seeded random order so drift hits all alike):
  echo            the echo bot answers a 1:1 message with its text
  hjälp (1:1)     a participant asks for help in their 1:1 chat (the help card is POSTed)
  hjälp (kanal)   the same in the forum's channel, with an @mention
  gå med          a participant writes `gå med` in the channel (the join card is POSTed)
  lägesbild       Action.Execute `contribution.submit` from the 1:1 card: 6 sections × ~300 characters of
                  text that passes the personal-data screening; each one stores a new version (editing);
                  the updated card comes back in the invoke response (no outbound POST)

Targets: `hjälp` median ≤ 1.2 × echo median; lägesbild submission median ≤ 1.5 × echo median.
The table also shows Forumbot's database round trips per turn (statements including BEGIN, plus COMMIT and
ROLLBACK, counted on its engine), which is where most of its time over the floor goes on SQLite.
Forumbot runs on a SQLite file in a temporary directory; set FORUMBOT_BENCH_POSTGRES_URL to an admin URL
(e.g. postgresql+asyncpg://postgres@127.0.0.1:54329/postgres) to also run on a fresh PostgreSQL database,
created for the run and dropped after. The exit status is 0 either way: a bench reports, it does not gate.

Run: `.venv/bin/python bench/turns.py` (or `make bench`). `--profile` also runs `hjälp (1:1)` under cProfile
on SQLite and prints where the time goes.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import itertools
import json
import os
import pstats
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import create_app
from bot.deps import shared_screener as screener
from bot.runtime import RUNTIME
from storage.migrate import upgrade_async

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `bench` and `devtools` are not installed; run as a script, this folder comes first
    sys.path.insert(0, str(ROOT))

from bench._turns_world import (  # noqa: E402
    CARD,
    CHAIR,
    ERIK,
    MEMBERS,
    NOW,
    ORGANISATIONS,
    SECTION_TEXTS,
    TickingClock,
    echo_app,
    execute,
    last_card,
    message,
    serving,
    settings_for,
)
from devtools.cards import inputs_of  # noqa: E402
from devtools.fake_connector import FakeConnector, running_fake_connector  # noqa: E402

POSTGRES_ENV = "FORUMBOT_BENCH_POSTGRES_URL"
WARMUP = 50
RUNS = {"echo": 300, "hjälp (1:1)": 300, "hjälp (kanal)": 200, "gå med": 200, "lägesbild": 200}
TARGETS = {"hjälp (1:1)": 1.2, "hjälp (kanal)": 1.2, "lägesbild": 1.5}
SEED = 20261123


class Client:
    def __init__(self, session: aiohttp.ClientSession, connector: FakeConnector, statements: StatementCounter) -> None:
        self.session = session
        self.connector = connector
        self.statements = statements

    async def post(self, url: str, body: dict[str, Any]) -> tuple[float, int, bytes]:
        """One timed turn: seconds from POST to the response body read, the status and the body."""
        data = json.dumps(body).encode()
        headers = {"Content-Type": "application/json"}
        started = time.perf_counter()
        async with self.session.post(url, data=data, headers=headers) as response:
            raw = await response.read()
        return time.perf_counter() - started, response.status, raw

    async def turn(self, url: str, body: dict[str, Any]) -> Any:
        """An untimed turn for setting up; the invoke body, if any."""
        _, status, raw = await self.post(url, body)
        if status not in (200, 201):
            raise RuntimeError(f"turn failed: {status} {raw[:300]!r}")
        return json.loads(raw) if status == 200 and raw else None


# ---------------------------------------------------------------------------------------------- scenarios


@dataclass
class Scenario:
    name: str
    url: str
    build: Callable[[], dict[str, Any]]
    check: Callable[[int, bytes, int], None]  # status, body, outbound activity posts during the turn
    timings: list[float] = field(default_factory=list)
    statements: list[int] = field(default_factory=list)  # database round trips per timed turn


class StatementCounter:
    """Counts the forum app's database round trips: every statement (BEGIN included), COMMIT, ROLLBACK."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.count = 0
        sync_engine = engine.sync_engine
        event.listen(sync_engine, "before_cursor_execute", self._one)
        event.listen(sync_engine, "commit", self._one)
        event.listen(sync_engine, "rollback", self._one)

    def _one(self, *_: Any) -> None:
        self.count += 1


def expects_reply(connector: FakeConnector, card: bool) -> Callable[[int, bytes, int], None]:
    def check(status: int, raw: bytes, posts: int) -> None:
        if status != 201 or posts != 1:
            raise RuntimeError(f"expected 201 and one reply POSTed, got {status} and {posts}")
        attachments = (connector.requests[-1].json or {}).get("attachments") or []
        if card and not any(a.get("contentType") == CARD for a in attachments):
            raise RuntimeError("expected a card in the reply")

    return check


def expects_submitted(status: int, raw: bytes, posts: int) -> None:
    body = json.loads(raw) if raw else {}
    shown = json.dumps(body, ensure_ascii=False)
    if status != 200 or body.get("statusCode") != 200 or "Inlämnad" not in shown or posts != 0:
        raise RuntimeError(f"the submission was not stored: {status} {shown[:400]}")


async def set_up_forum(client: Client, url: str) -> dict[str, Any]:
    """A forum with 8 organisations and a participant in each; returns the data of a full submission."""
    connector = client.connector
    await client.turn(url, message(connector, CHAIR, "konfigurera", channel=True))
    card = last_card(connector)
    data = {key: node.get("value", "") for key, node in inputs_of(card).items()}
    data.update(name="Trygghetsforum Bench", organisations_new="\n".join(ORGANISATIONS))
    setup_data = next(a for a in card["actions"] if a.get("verb") == "setup.save")["data"]
    saved = await client.turn(url, execute(connector, CHAIR, "setup.save", data | setup_data, channel=True))
    if "är sparat" not in json.dumps(saved, ensure_ascii=False):
        raise RuntimeError(f"setup failed: {saved}")
    for person, organisation in zip([ERIK, *MEMBERS], ORGANISATIONS, strict=True):
        await client.turn(url, message(connector, person, "hjälp", channel=False))  # a 1:1 chat exists
        await client.turn(url, message(connector, person, "gå med", channel=True))
        join_card = last_card(connector)
        choices = inputs_of(join_card)["organisation_id"]["choices"]
        org_id = next(c["value"] for c in choices if c["title"] == organisation)
        joined = await client.turn(
            url,
            execute(
                connector,
                person,
                "join.submit",
                {
                    **join_card["actions"][0]["data"],
                    "organisation_id": org_id,
                    "role": "participant",
                },
                channel=True,
            ),
        )
        if "Du är deltagare" not in json.dumps(joined, ensure_ascii=False):
            raise RuntimeError(f"join failed: {joined}")
    await client.turn(url, message(connector, ERIK, "lägesbild", channel=False))
    report = last_card(connector)
    inputs = inputs_of(report)
    submission = {key: node.get("value", "") for key, node in inputs.items()}
    sections = [key for key in inputs if key.startswith("s__")]
    if len(sections) != len(SECTION_TEXTS):
        raise RuntimeError(f"expected {len(SECTION_TEXTS)} sections, the card has {len(sections)}")
    submission.update(zip(sections, SECTION_TEXTS, strict=True))
    action = next(a for a in report["actions"] if a.get("verb") == "contribution.submit")
    return submission | {k: v for k, v in action["data"].items() if k != "verb"}


def scenarios(connector: FakeConnector, echo_url: str, forum_url: str, submission: dict[str, Any]) -> list[Scenario]:
    # Each submission edits the one before, as from the card's "Ändra": it names the version it replaces.
    versions = itertools.count(0)
    return [
        Scenario(
            "echo",
            echo_url,
            lambda: message(connector, ERIK, "hjälp", channel=False),
            expects_reply(connector, False),
        ),
        Scenario(
            "hjälp (1:1)",
            forum_url,
            lambda: message(connector, ERIK, "hjälp", channel=False),
            expects_reply(connector, True),
        ),
        Scenario(
            "hjälp (kanal)",
            forum_url,
            lambda: message(connector, ERIK, "hjälp", channel=True),
            expects_reply(connector, True),
        ),
        Scenario(
            "gå med",
            forum_url,
            lambda: message(connector, ERIK, "gå med", channel=True),
            expects_reply(connector, True),
        ),
        Scenario(
            "lägesbild",
            forum_url,
            lambda: execute(
                connector, ERIK, "contribution.submit", submission | {"base_version": next(versions)}, channel=False
            ),
            expects_submitted,
        ),
    ]


async def run_one(client: Client, scenario: Scenario) -> float:
    body = scenario.build()
    before = len(client.connector.requests)
    statements = client.statements.count
    seconds, status, raw = await client.post(scenario.url, body)
    posts = sum(1 for r in client.connector.requests[before:] if r.is_activity_post)
    scenario.check(status, raw, posts)
    scenario.statements.append(client.statements.count - statements)
    return seconds


async def measure(client: Client, all_scenarios: list[Scenario]) -> None:
    for scenario in all_scenarios:
        for _ in range(WARMUP):
            await run_one(client, scenario)
    client.connector.reset()
    order = [s for s in all_scenarios for _ in range(RUNS[s.name])]
    random.Random(SEED).shuffle(order)
    for scenario in order:
        scenario.timings.append(await run_one(client, scenario))
        if len(client.connector.requests) > 1_000:  # keep the fake's request log short
            client.connector.reset()


# ---------------------------------------------------------------------------------------------- backends


@asynccontextmanager
async def sqlite_database() -> AsyncIterator[str]:
    with tempfile.TemporaryDirectory(prefix="forumbot-bench-") as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'forumbot.db'}"
        await upgrade_async(url)
        yield url


async def _admin(admin_url: str) -> asyncpg.Connection:
    url = make_url(admin_url)
    return await asyncpg.connect(
        host=url.host, port=url.port, user=url.username, password=url.password, database=url.database
    )


@asynccontextmanager
async def postgres_database(admin_url: str) -> AsyncIterator[str]:
    name = f"forumbot_bench_{uuid.uuid4().hex[:12]}"
    conn = await _admin(admin_url)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    try:
        url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        await upgrade_async(url)
        yield url
    finally:
        conn = await _admin(admin_url)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()


async def run_backend(
    database: AbstractAsyncContextManager[str], profile: bool = False
) -> tuple[list[Scenario], str | None]:
    async with database as database_url, running_fake_connector() as connector:
        settings = settings_for(database_url)
        forum = create_app(settings, clock=TickingClock(NOW), background=False)
        async with (
            serving(echo_app(settings)) as echo_url,
            serving(forum) as forum_url,
            aiohttp.ClientSession() as session,
        ):
            client = Client(session, connector, StatementCounter(forum[RUNTIME].engine))
            submission = await set_up_forum(client, forum_url)
            all_scenarios = scenarios(connector, echo_url, forum_url, submission)
            await measure(client, all_scenarios)
            report = await profile_help(client, all_scenarios[1]) if profile else None
    return all_scenarios, report


async def profile_help(client: Client, scenario: Scenario, turns: int = 300) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(turns):
        await run_one(client, scenario)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(25)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------- report


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[98]


def report(title: str, results: list[Scenario]) -> None:
    floor = statistics.median(results[0].timings)
    print(f"\n{title}")
    print(f"{'turn':<16}{'n':>5}{'median ms':>11}{'p99 ms':>9}{'× echo':>9}{'DB trips':>10}   target")
    for scenario in results:
        median = statistics.median(scenario.timings)
        ratio = median / floor
        target = TARGETS.get(scenario.name)
        verdict = "" if target is None else f"≤ {target:.1f}×  {'PASS' if ratio <= target else 'FAIL'}"
        print(
            f"{scenario.name:<16}{len(scenario.timings):>5}{median * 1000:>11.2f}"
            f"{p99(scenario.timings) * 1000:>9.2f}{ratio:>8.2f}×{statistics.median(scenario.statements):>10.0f}"
            f"   {verdict}"
        )


async def main_async(profile: bool) -> None:
    clean = screener().screen({str(i): text for i, text in enumerate(SECTION_TEXTS)})
    if clean.findings:
        raise RuntimeError(f"the bench text trips the screening: {clean.rule_ids}")
    print(
        f"turns over HTTP on 127.0.0.1; warm-up {WARMUP} each, then "
        f"{', '.join(f'{k} {v}' for k, v in RUNS.items())} in a seeded random order"
    )
    results, profiled = await run_backend(sqlite_database(), profile)
    report("SQLite (file in a temporary directory)", results)
    admin_url = os.environ.get(POSTGRES_ENV)
    if admin_url:
        pg_results, _ = await run_backend(postgres_database(admin_url))
        report(
            f"PostgreSQL ({make_url(admin_url).render_as_string(hide_password=True).rsplit('/', 1)[0]}/…)",
            pg_results,
        )
    else:
        print(f"\nPostgreSQL: skipped ({POSTGRES_ENV} not set)")
    if profiled:
        print("\ncProfile of 300 `hjälp (1:1)` turns on SQLite (client, bot and fake connector share the process):")
        print(profiled)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--profile", action="store_true", help="also profile hjälp (1:1) with cProfile")
    args = parser.parse_args()
    started = time.perf_counter()
    asyncio.run(main_async(args.profile))
    print(f"\n(bench took {time.perf_counter() - started:.0f} s; a bench reports, it does not fail the build)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
