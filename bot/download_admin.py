"""The administrators' downloads behind the signed link (joined in bot/downloads.py): the forum overview as CSV
(`admin:overview:<tenant>`, `forumoversikt-<date>.csv`) and the audit log (`admin:audit:<tenant>`,
`granskningslogg-<from>-<to>.csv`). The person must still be an administrator when the file is fetched."""

from __future__ import annotations

import logging
import re
from datetime import date

from aiohttp import web

from bot.downloads import Download, gone
from bot.runtime import RUNTIME
from bot.services.audit_export import tenant_entries
from bot.services.forum_overview import overview_rows, parallel_to, tenant_forums
from bot.services.notify import texts_for
from dialogs.documents.admin_csv import audit_csv, overview_csv
from dialogs.texts import Texts
from domain import audit

log = logging.getLogger(__name__)

_OVERVIEW = re.compile(r"^forumoversikt-\d{4}-\d{2}-\d{2}\.csv$")
_AUDIT = re.compile(r"^granskningslogg-(?P<start>\d{4}-\d{2}-\d{2})-(?P<end>\d{4}-\d{2}-\d{2})\.csv$")


def _csv(body: bytes, name: str) -> web.Response:
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    return web.Response(body=body, content_type="text/csv", charset="utf-8", headers=headers)


async def still_admin(request: web.Request, person_id: str) -> Texts | None:
    runtime = request.app[RUNTIME]
    async with runtime.uow() as uow:
        person = await uow.people.get(person_id)
    object_id = (person.aad_object_id or "").lower() if person else ""
    if not object_id or object_id not in runtime.deps.admins:
        return None
    return texts_for(person, None, runtime.deps.default_language)


async def overview_download(request: web.Request, tenant: str, person_id: str, name: str) -> web.Response:
    t = await still_admin(request, person_id)
    if t is None or not _OVERVIEW.match(name):
        return gone()
    runtime = request.app[RUNTIME]
    now = runtime.clock.now()
    async with runtime.uow() as uow:
        rows = await overview_rows(uow, t, await tenant_forums(uow, tenant), now)
        uow.audit.record(at=now, action=audit.OVERVIEW_READ, subject_type="tenant", subject_id=tenant,
                         actor_id=person_id, detail={"forums": len(rows), "format": "csv"})
        await uow.commit()
    log.info("forum overview downloaded: forums=%s", len(rows))
    return _csv(overview_csv(t, rows, parallel_to(rows)), name)


async def audit_download(request: web.Request, tenant: str, person_id: str, name: str) -> web.Response:
    t = await still_admin(request, person_id)
    wanted = _AUDIT.match(name)
    if t is None or wanted is None:
        return gone()
    try:
        start, end = date.fromisoformat(wanted["start"]), date.fromisoformat(wanted["end"])
    except ValueError:
        return gone()
    if start > end:
        return gone()
    runtime = request.app[RUNTIME]
    now = runtime.clock.now()
    async with runtime.uow() as uow:
        entries, names = await tenant_entries(uow, tenant, start, end)
        people = await uow.people.many(sorted({e.actor_id for e in entries if e.actor_id}))
        uow.audit.record(at=now, action=audit.AUDIT_EXPORTED, subject_type="tenant", subject_id=tenant,
                         actor_id=person_id, detail={"start": start.isoformat(), "end": end.isoformat(),
                                                     "entries": len(entries)})
        await uow.commit()
    log.info("audit log downloaded: entries=%s", len(entries))
    return _csv(audit_csv(t, entries, names, {p.id: p.display_name for p in people.values()}), name)


DOWNLOADS: dict[str, Download] = {"admin:overview:": overview_download, "admin:audit:": audit_download}
