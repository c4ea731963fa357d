"""`forumöversikt` / `forum overview` (administrators, FORUMBOT_ADMINS): every forum of the administrator's tenant
with purpose, cadence, organisations and activity, and the pairs that may be parallel (domain/overlap.py), as a
paged card in the 1:1 chat and a CSV through the signed link. Never in a channel: it shows the whole organisation."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from bot.services.guards import require_admin
from bot.services.meetings import local_today
from bot.services.ports import Deps, UnitOfWork
from bot.services.turn import Reply, Turn
from dialogs.cards.forum_overview import PAGE, OverviewRow, ParallelLine, overview_card
from dialogs.cards.setup import describe_schedule
from dialogs.texts import Texts
from domain import audit
from domain.model import Forum
from domain.overlap import RECENT_MEETINGS, ForumProfile, activity, overlaps

log = logging.getLogger(__name__)

SUBJECT = "admin:overview:"  # + tenant id (bot/download_admin.py)


@dataclass(frozen=True)
class OverviewArgs:
    page: int = 0


def personal_only(t: Texts, turn: Turn, command: str) -> Reply | None:
    """An administrator's command shows the whole organisation: only in the 1:1 chat."""
    if turn.origin.is_personal:
        return None
    return Reply(text=t("admin.personal_only", command=t.words(f"commands.{command}")[0]))


async def tenant_forums(uow: UnitOfWork, tenant_id: str | None) -> list[Forum]:
    return sorted((f for f in await uow.forums.all() if f.tenant_id == tenant_id), key=lambda f: f.name.casefold())


async def overview_rows(uow: UnitOfWork, t: Texts, forums: list[Forum], turn_now: datetime) -> list[OverviewRow]:
    rows = []
    for forum in forums:
        today = local_today(forum, turn_now)
        # Held: started by now (a meeting later today is still to come, and its deadline may not have passed).
        meetings = [m for m in await uow.meetings.for_forum(forum) if m.starts_at <= turn_now]
        held = sorted((m for m in meetings if not m.cancelled and m.local_date <= today),
                      key=lambda m: m.local_date)[-RECENT_MEETINGS:]
        answered = {m.id: await uow.contributions.latest_for_meeting(m.id) for m in held}
        actions = await uow.actions.for_forum(forum.id)
        rows.append(OverviewRow(
            forum_id=forum.id, name=forum.name, purpose=forum.charter.purpose,
            commissioned_by=forum.charter.commissioned_by, cadence=describe_schedule(t, forum.schedule)[0],
            organisations=tuple(o.name for o in forum.organisations),
            areas=tuple(a.name for a in forum.charter.areas),
            activity=activity(today, (o.id for o in forum.organisations), meetings, answered, actions),
        ))
    return rows


def parallel_lines(rows: list[OverviewRow]) -> list[ParallelLine]:
    names = {r.forum_id: r.name for r in rows}
    found = overlaps([ForumProfile(r.forum_id, r.name, r.organisations, r.areas) for r in rows])
    return [ParallelLine(names[o.first], names[o.second], o.organisations, o.areas, o.shared_organisations,
                         o.shared_areas) for o in found]


def parallel_to(rows: list[OverviewRow]) -> dict[str, list[str]]:
    """Forum id -> the names of the forums it may be parallel to (the CSV's last column)."""
    by_name = {r.name: r.forum_id for r in rows}
    found: dict[str, list[str]] = {}
    for line in parallel_lines(rows):
        found.setdefault(by_name[line.first], []).append(line.second)
        found.setdefault(by_name[line.second], []).append(line.first)
    return found


async def forum_overview(deps: Deps, turn: Turn, args: OverviewArgs) -> Reply:
    require_admin(deps, turn)
    t = turn.t
    if (elsewhere := personal_only(t, turn, "forum_overview")) is not None:
        return elsewhere
    tenant = turn.origin.tenant_id or ""
    async with deps.uow() as uow:
        forums = await tenant_forums(uow, tenant)
        rows = await overview_rows(uow, t, forums, turn.now)
        uow.audit.record(at=turn.now, action=audit.OVERVIEW_READ, subject_type="tenant", subject_id=tenant,
                         actor_id=turn.person.id, detail={"forums": len(rows), "page": args.page})
        await uow.commit()
    today = turn.now.date()
    page = max(0, min(args.page, max(0, (len(rows) - 1) // PAGE)))
    reply = Reply(card=overview_card(t, rows, parallel_lines(rows), today=today, page=page), replace=args.page > 0)
    if rows and page == 0:
        name = f"forumoversikt-{today.isoformat()}.csv"
        reply.text = t("admin.overview_csv", name=name,
                       url=deps.links.link(SUBJECT + tenant, turn.person.id, name, turn.now))
    log.info("forum overview shown: forums=%s page=%s", len(rows), page)
    return reply
