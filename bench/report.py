"""Benchmark: the follow-up report of a forum with three years of weekly meetings, 20 organisations and 1,500
actions (issue 11).

A migrated database (a SQLite file, or a fresh PostgreSQL database with FORUMBOT_BENCH_POSTGRES_URL) gets 156
weekly meetings, a contribution from every organisation to each (two areas ticked on every third), 1,500 actions
with their created/done/re-dated events. Measured, as the download does it: read the facts (bot/services/
followup_report.py `report_facts`), compile them and render the Word file with its two charts; and the CSV zip.
Targets: the Word file in at most 3 s, and at most 200 MB of memory beyond what the process held before (peak of
Python allocations by tracemalloc, and the growth of the process's resident size). Prints ratios to the targets.
Run: `.venv/bin/python bench/report.py`.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import resource
import statistics
import sys
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.minutes import database  # noqa: E402
from bot.services.followup_report import report_facts  # noqa: E402
from dialogs.documents.report import report_csv_zip, report_outline  # noqa: E402
from dialogs.documents.word import render_docx  # noqa: E402
from dialogs.texts import for_language  # noqa: E402
from domain.action_log import ActionEvent, EventKind  # noqa: E402
from domain.actions import ActionItem, ActionStatus  # noqa: E402
from domain.charter import Area, Charter, Goal  # noqa: E402
from domain.followup_report import compile_report  # noqa: E402
from domain.model import RoleKind, Schedule  # noqa: E402
from storage.db import make_engine, make_session_factory  # noqa: E402
from storage.unit_of_work import UnitOfWorkFactory  # noqa: E402

WEEKS, ORGANISATIONS, ACTIONS = 156, 20, 1500
TARGET_SECONDS, TARGET_MB = 3.0, 200.0
RUNS = 3
FIRST = date(2024, 1, 4)  # a Thursday
START, END = FIRST, FIRST + timedelta(weeks=WEEKS)


async def world(uow: UnitOfWorkFactory) -> str:
    at = datetime(2024, 1, 1, 8, tzinfo=UTC)
    charter = Charter(purpose="Trygghet", goals=(Goal("g1", "Färre unga i centrum sent"),),
                      areas=tuple(Area(f"a{n}", name) for n, name in enumerate(("Centrum", "Norrby", "Droger",
                                                                                "Skolfrånvaro"))))
    async with uow() as u:
        forum_id = await u.forums.create(name="Trygghetsforum", tenant_id="t", conversation_id="19:bench@thread",
                                         chair_id="29:chair", schedule=Schedule(skip_public_holidays=False), now=at)
        await u.forums.replace_organisations(forum_id, [(None, f"Organisation {n + 1}") for n in range(ORGANISATIONS)],
                                             at)
        await u.forums.set_charter(forum_id, charter, at)
        await u.commit()
    async with uow() as u:
        forum = await u.forums.get(forum_id)
        assert forum is not None
        meetings = []
        for week in range(WEEKS):
            day = FIRST + timedelta(weeks=week)
            starts = datetime(day.year, day.month, day.day, 8, tzinfo=UTC)
            meetings.append(await u.meetings.ensure(forum, day, starts, at))
            for n, org in enumerate(forum.organisations):
                areas = {"x": [f"a{(week + n) % 4}", f"a{(week + n + 1) % 4}"]} if (week + n) % 3 == 0 else {}
                await u.contributions.add_version(
                    meeting_id=meetings[-1].id, organisation_id=org.id, sections=[("x", "Läget", f"Text {week} {n}")],
                    nothing_new=False, attending=True, submitted_by="29:p", submitted_by_name="P",
                    after_deadline=(week + n) % 7 == 0, now=starts - timedelta(days=1), areas=areas)
        roles = [r for r in forum.roles if r.kind is RoleKind.PARTICIPANT]
        for n in range(ACTIONS):
            meeting = meetings[n % WEEKS]
            created = meeting.starts_at + timedelta(hours=3)
            done = n % 3 != 0
            closed = created + timedelta(days=5 + n % 40)
            action = ActionItem(f"bench-{n}", forum_id, n + 1, f"Åtgärd {n + 1}", roles[n % len(roles)].id,
                                meeting.local_date + timedelta(days=14), meeting.id, "x",
                                ActionStatus.DONE if done else ActionStatus.OPEN, created, "29:chair",
                                closed_at=closed if done else None)
            await u.actions.add(action, created)
            u.action_log.append(ActionEvent(action.id, forum_id, created, EventKind.CREATED, "29:chair"))
            if n % 5 == 0:
                u.action_log.append(ActionEvent(action.id, forum_id, created + timedelta(days=3), EventKind.REDATED))
            if done:
                u.action_log.append(ActionEvent(action.id, forum_id, closed, EventKind.DONE))
        await u.commit()
    return forum_id


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


async def one_run(uow: UnitOfWorkFactory, forum_id: str, *, traced: bool) -> tuple[float, float, float, int, float]:
    """Timed without tracemalloc (it slows Python down several times); memory in a run of its own."""
    t = for_language("sv")
    gc.collect()
    rss_before = rss_mb()
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    async with uow() as u:
        forum = await u.forums.get(forum_id)
        assert forum is not None
        facts = await report_facts(u, forum, START, END, END)
    report = compile_report(facts)
    body = await asyncio.to_thread(lambda: render_docx(report_outline(t, report, made=END), title="Rapport"))
    word_seconds = time.perf_counter() - started
    zipped = report_csv_zip(t, report)
    csv_seconds = time.perf_counter() - started - word_seconds
    peak = 0
    if traced:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert report.meetings.held == WEEKS and report.actions.created == ACTIONS and zipped
    return word_seconds, csv_seconds, peak / 2**20, len(body), rss_mb() - rss_before


async def main() -> int:
    logging.basicConfig(level=logging.ERROR)
    async with database() as url:
        engine = make_engine(url)
        uow = UnitOfWorkFactory(make_session_factory(engine))
        try:
            setup = time.perf_counter()
            forum_id = await world(uow)
            print(f"world: {WEEKS} meetings x {ORGANISATIONS} organisations, {ACTIONS} actions "
                  f"({time.perf_counter() - setup:.1f} s to build, {url.split(':')[0]})")
            await one_run(uow, forum_id, traced=False)  # warm-up: matplotlib's font cache, SQLAlchemy's compiled SQL
            runs = [await one_run(uow, forum_id, traced=False) for _ in range(RUNS)]
            memory = await one_run(uow, forum_id, traced=True)
        finally:
            await engine.dispose()
    word = statistics.median(r[0] for r in runs)
    csv_s = statistics.median(r[1] for r in runs)
    peak = memory[2]
    rss = max([memory[4], *(r[4] for r in runs)])
    print(f"Word file with charts: median {word:.2f} s (target {TARGET_SECONDS:.0f} s: {word / TARGET_SECONDS:.2f}x), "
          f"{runs[0][3] / 1024:.0f} KB; CSV zip {csv_s * 1000:.0f} ms")
    print(f"memory: Python peak {peak:.0f} MB, resident growth {rss:.0f} MB "
          f"(target {TARGET_MB:.0f} MB: {max(peak, rss) / TARGET_MB:.2f}x)")
    ok = word <= TARGET_SECONDS and max(peak, rss) <= TARGET_MB
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
