"""`granskningslogg FRÅN TILL` / `audit log FROM TO` (administrators): the audit trail of the administrator's tenant
for a period, as CSV through the signed 24-hour link, in the 1:1 chat only. Entries of the tenant's forums and those
that belong to no forum (installs, the administrators' own reads). Both the link and the download are audited."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from bot.services.forum_overview import personal_only, tenant_forums
from bot.services.guards import require_admin
from bot.services.ports import Deps, UnitOfWork
from bot.services.turn import Reply, Turn
from dialogs.texts.formatting import format_date
from domain import audit
from domain.audit import AuditEntry

log = logging.getLogger(__name__)

SUBJECT = "admin:audit:"  # + tenant id (bot/download_admin.py)
BATCH = 2000


@dataclass(frozen=True)
class AuditLogArgs:
    start: date
    end: date  # included


def bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The period in UTC days, as the CSV's times are: [start 00:00, end + 1 day 00:00)."""
    return datetime.combine(start, time(0), UTC), datetime.combine(end + timedelta(days=1), time(0), UTC)


def file_name(start: date, end: date) -> str:
    return f"granskningslogg-{start.isoformat()}-{end.isoformat()}.csv"


async def tenant_entries(uow: UnitOfWork, tenant_id: str, start: date, end: date) -> tuple[list[AuditEntry],
                                                                                         dict[str, str]]:
    """Every entry of the period that belongs to the tenant's forums or to no forum, by id; forum id -> name."""
    names = {f.id: f.name for f in await tenant_forums(uow, tenant_id)}
    begin, until = bounds(start, end)
    found: list[AuditEntry] = []
    after = 0
    while True:
        batch = await uow.audit.between(begin, until, after_id=after, limit=BATCH)
        found.extend(e for e in batch if e.forum_id is None or e.forum_id in names)
        if len(batch) < BATCH:
            return found, names
        after = batch[-1].id or after


async def audit_log(deps: Deps, turn: Turn, args: AuditLogArgs) -> Reply:
    require_admin(deps, turn)
    t = turn.t
    if (elsewhere := personal_only(t, turn, "audit_log")) is not None:
        return elsewhere
    if args.start > args.end:
        return Reply(text=t("admin.audit_order", start=format_date(t, args.start), end=format_date(t, args.end)))
    tenant = turn.origin.tenant_id or ""
    async with deps.uow() as uow:
        entries, _ = await tenant_entries(uow, tenant, args.start, args.end)
        uow.audit.record(at=turn.now, action="audit_log.export_link", subject_type="tenant", subject_id=tenant,
                         actor_id=turn.person.id, detail={"start": args.start.isoformat(),
                                                          "end": args.end.isoformat(), "entries": len(entries)})
        await uow.commit()
    name = file_name(args.start, args.end)
    log.info("audit log link made: entries=%s", len(entries))
    return Reply(text=t("admin.audit_ready", start=format_date(t, args.start), end=format_date(t, args.end),
                        entries=t.plural("admin.audit_count", len(entries)), name=name,
                        url=deps.links.link(SUBJECT + tenant, turn.person.id, name, turn.now)))


__all__ = ["SUBJECT", "AuditLogArgs", "audit", "audit_log", "file_name", "tenant_entries"]
