"""The disposal job (gallring, issue 11): what each forum's retention rules say is due, removed in batches.

Called every tick. It works on the local day's run (Europe/Stockholm) from 02:00: the run is leased by the instance
doing it (`disposal_runs`), so several instances share it and a restart picks it up. Per tick at most `TIME_BUDGET`
seconds of work, in transactions of at most `BATCH` records, with a pause between them of three times the batch's
own time, so that turns wait for it as little as possible (bench/retention.py measures how much). A day's run
ends when a full pass over every forum finds nothing more that is due.

What is due (domain/retention.py `cutoff`): records dated before the cutoff — submissions, compiled summaries and
minutes by their meeting's date; actions by when they were closed (an open action never); the reminder events and
the audit entries by their time. Never a *bevaras* record, never under a rule without a decision reference, never
under a rule decided less than two weeks ago (`GRACE`), never the forum's latest minutes or highest action number
(the next ones continue from them), never an audit entry younger than 30 days. Each batch is logged with ids and
counts only, and appended to the audit trail as `retention.disposed` with the forum, the record type, the count
and the decision reference.
"""

from __future__ import annotations

import asyncio
import logging
import time as monotonic
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.services.meetings import local_today
from bot.services.ports import Deps, UnitOfWork
from domain import audit
from domain.model import Forum
from domain.retention import RecordType, cutoff

log = logging.getLogger(__name__)

ZONE = ZoneInfo("Europe/Stockholm")
STARTS = time(2, 0)
BATCH = 500
TIME_BUDGET = 2.0  # seconds of disposal per tick
PAUSE = 0.05  # seconds between batches at least: other transactions get the database …
DUTY = 3.0  # … and three times as long as the batch took, so the job holds the database a quarter of the time
LEASE = timedelta(minutes=5)


async def _batch(uow: UnitOfWork, forum: Forum, record_type: RecordType, before: datetime, now: datetime) -> int:
    store, day = uow.retention, before.astimezone(ZoneInfo(forum.schedule.timezone)).date()
    match record_type:
        case RecordType.SUBMISSION:
            return await store.dispose_submissions(forum.id, day, BATCH)
        case RecordType.SUMMARY:
            return await store.dispose_summaries(forum.id, day, BATCH)
        case RecordType.MINUTES:
            return await store.dispose_minutes(forum.id, day, BATCH)
        case RecordType.ACTION:
            return await store.dispose_actions(forum.id, before, BATCH, now)
        case RecordType.NUDGE_LOG:
            return await store.dispose_nudge_log(forum.id, before, BATCH, now)
        case RecordType.AUDIT_LOG:
            return await store.dispose_audit(forum.id, before, BATCH, now)
    return 0


async def dispose_forum_type(deps: Deps, forum: Forum, record_type: RecordType, now: datetime,
                             deadline: float) -> tuple[int, bool]:
    """Batches of one record type of one forum until nothing is due or the time is up: (removed, all done)."""
    rule = forum.retention.rule(record_type)
    removed = 0
    while monotonic.monotonic() < deadline:
        started = monotonic.monotonic()
        async with deps.uow() as uow:
            today = local_today(forum, now)
            last = await uow.retention.last_meeting(forum.id, today)
            day = cutoff(rule, today, last, ZoneInfo(forum.schedule.timezone))
            if day is None:
                return removed, True
            before = datetime.combine(day, time(0), ZoneInfo(forum.schedule.timezone))
            count = await _batch(uow, forum, record_type, before, now)
            if count:
                uow.audit.record(at=now, action=audit.DISPOSED, subject_type=record_type.value, subject_id=forum.id,
                                 forum_id=forum.id, detail={"type": record_type.value, "count": count,
                                                            "reference": rule.reference, "before": day.isoformat()})
            await uow.commit()
        if count:
            log.info("disposed: forum=%s type=%s count=%s", forum.id, record_type.value, count)
        removed += count
        if count < BATCH:
            return removed, True
        await asyncio.sleep(max(PAUSE, DUTY * (monotonic.monotonic() - started)))
    return removed, False


async def disposal_due(deps: Deps, now: datetime) -> int:
    """Dispose of what is due, for at most TIME_BUDGET seconds this tick; how many records were removed."""
    local = now.astimezone(ZONE)
    if local.time() < STARTS:
        return 0
    run = local.date().isoformat()
    async with deps.uow() as uow:
        if not await uow.retention.claim_run(run, now, LEASE):
            return 0
        forums = [f for f in await uow.forums.all() if any(f.retention.rules.values())]
        await uow.commit()
    deadline = monotonic.monotonic() + TIME_BUDGET
    removed, finished = 0, True
    for forum in forums:
        for record_type in RecordType:
            count, done = await dispose_forum_type(deps, forum, record_type, now, deadline)
            removed += count
            finished = finished and done
            if not done:
                break
        if not finished:
            break
    async with deps.uow() as uow:
        await uow.retention.end_run(run, now, removed, finished=finished)
        await uow.commit()
    return removed


__all__ = ["BATCH", "disposal_due", "dispose_forum_type"]
