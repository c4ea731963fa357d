"""The archive package and the disclosure export behind the signed link (joined in bot/downloads.py):
`archive:<forum id>` with `arkivpaket-<year>.zip` or `utlamnande-<from>-<to>.zip`. The person must still be an
administrator when the file is fetched. An archive package is recorded (archive_exports: its files and the manifest's
checksum), which locks that year's minutes; both downloads are audited."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from datetime import date

from aiohttp import web

from bot.download_admin import still_admin
from bot.downloads import Download, gone
from bot.runtime import RUNTIME
from bot.services.archive import package, read_records, year_over
from bot.services.notify import texts_for
from domain import audit

log = logging.getLogger(__name__)

_ARCHIVE = re.compile(r"^arkivpaket-(?P<year>\d{4})\.zip$")
_DISCLOSURE = re.compile(r"^utlamnande-(?P<start>\d{4}-\d{2}-\d{2})-(?P<end>\d{4}-\d{2}-\d{2})\.zip$")


def _period(name: str) -> tuple[date, date, int | None] | None:
    if found := _ARCHIVE.match(name):
        year = int(found["year"])
        return date(year, 1, 1), date(year, 12, 31), year
    if found := _DISCLOSURE.match(name):
        try:
            start, end = date.fromisoformat(found["start"]), date.fromisoformat(found["end"])
        except ValueError:
            return None
        return (start, end, None) if start <= end else None
    return None


async def archive_download(request: web.Request, forum_id: str, person_id: str, name: str) -> web.Response:
    runtime = request.app[RUNTIME]
    wanted = _period(name)
    if wanted is None or await still_admin(request, person_id) is None:
        return gone()
    start, end, year = wanted
    now = runtime.clock.now()
    async with runtime.uow() as uow:
        forum = await uow.forums.get(forum_id)
        if forum is None or (year is not None and not year_over(forum, year, now)):
            return gone()
        t = texts_for(None, forum, runtime.deps.default_language)
        records = await read_records(uow, t, forum, start, end, now, raw=year is None)
    if year is not None and records.empty:
        return gone()  # nothing to archive: no empty package is registered (the command says so)
    body, listing, files = await asyncio.to_thread(package, t, records, runtime.deps.word_template)
    checksum = hashlib.sha256(listing).hexdigest()
    async with runtime.uow() as uow:
        if year is not None:
            await uow.archives.record(forum.id, year, person_id, now, checksum,
                                      [{"name": f.name, "sha256": f.sha256, "bytes": len(f.body)} for f in files])
        uow.audit.record(at=now, action=audit.ARCHIVE_EXPORTED if year is not None else audit.DISCLOSURE_EXPORTED,
                         subject_type="forum", subject_id=forum.id, actor_id=person_id, forum_id=forum.id,
                         detail={"start": start.isoformat(), "end": end.isoformat(), "files": len(files),
                                 "manifest_sha256": checksum})
        await uow.commit()
    log.info("package downloaded: forum=%s files=%s archive=%s", forum.id, len(files), year is not None)
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    return web.Response(body=body, content_type="application/zip", headers=headers)


DOWNLOADS: dict[str, Download] = {"archive:": archive_download}
