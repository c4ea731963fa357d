"""The follow-up report behind the signed link (joined in bot/downloads.py): `report:<forum id>` with
`uppfoljningsrapport-<from>-<to>.docx` (Word with charts) or `.zip` (its tables as CSV). The person must still be the
forum's chair or an administrator when the file is fetched; the download is audited."""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import date

from aiohttp import web

from bot.downloads import Download, gone
from bot.runtime import RUNTIME
from bot.services.annual_basis import basis_of
from bot.services.followup_report import may_have_report, report_facts
from bot.services.meetings import local_today
from bot.services.notify import texts_for
from dialogs.documents.annual import annual_outline, annual_zip
from dialogs.documents.report import report_csv_zip, report_outline
from dialogs.documents.word import DOCX_CONTENT_TYPE, render_docx
from domain import audit
from domain.followup_report import compile_report

log = logging.getLogger(__name__)

_NAME = re.compile(r"^uppfoljningsrapport-(?P<start>\d{4}-\d{2}-\d{2})-(?P<end>\d{4}-\d{2}-\d{2})\.(?P<ext>docx|zip)$")


async def report_download(request: web.Request, forum_id: str, person_id: str, name: str) -> web.Response:
    runtime = request.app[RUNTIME]
    wanted = _NAME.match(name)
    if wanted is None:
        return gone()
    try:
        start, end = date.fromisoformat(wanted["start"]), date.fromisoformat(wanted["end"])
    except ValueError:
        return gone()
    now = runtime.clock.now()
    async with runtime.uow() as uow:
        forum = await uow.forums.get(forum_id)
        person = await uow.people.get(person_id)
        if forum is None or start > end or not may_have_report(runtime.deps, forum, person_id,
                                                               person.aad_object_id if person else None):
            return gone()
        today = local_today(forum, now)
        facts = await report_facts(uow, forum, start, end, today)
        uow.audit.record(at=now, action=audit.REPORT_EXPORTED, subject_type="forum", subject_id=forum.id,
                         actor_id=person_id, forum_id=forum.id,
                         detail={"format": wanted["ext"], "start": start.isoformat(), "end": end.isoformat()})
        await uow.commit()
    t = texts_for(person, forum, runtime.deps.default_language)  # the reader's language, as the reply was
    report = compile_report(facts)
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    log.info("follow-up report downloaded: forum=%s format=%s", forum.id, wanted["ext"])
    if wanted["ext"] == "zip":
        body = await asyncio.to_thread(report_csv_zip, t, report)
        return web.Response(body=body, content_type="application/zip", headers=headers)
    body = await asyncio.to_thread(
        lambda: render_docx(report_outline(t, report, made=today), template=runtime.deps.word_template or None,
                            title=t("report.doc_title", forum=forum.name), language=t.language))
    return web.Response(body=body, content_type=DOCX_CONTENT_TYPE, headers=headers)


_ANNUAL = re.compile(r"^arsunderlag-(?P<year>\d{4})\.(?P<ext>docx|zip)$")


async def annual_download(request: web.Request, forum_id: str, person_id: str, name: str) -> web.Response:
    runtime = request.app[RUNTIME]
    wanted = _ANNUAL.match(name)
    if wanted is None:
        return gone()
    now = runtime.clock.now()
    year = int(wanted["year"])
    async with runtime.uow() as uow:
        forum = await uow.forums.get(forum_id)
        person = await uow.people.get(person_id)
        if forum is None or not may_have_report(runtime.deps, forum, person_id,
                                                person.aad_object_id if person else None):
            return gone()
        basis = await basis_of(uow, forum, year, now)
        uow.audit.record(at=now, action=audit.ANNUAL_EXPORTED, subject_type="forum", subject_id=forum.id,
                         actor_id=person_id, forum_id=forum.id, detail={"format": wanted["ext"], "year": year})
        await uow.commit()
    t = texts_for(person, forum, runtime.deps.default_language)  # the reader's language, as the reply was
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    log.info("annual basis downloaded: forum=%s year=%s format=%s", forum.id, year, wanted["ext"])
    if wanted["ext"] == "zip":
        return web.Response(body=await asyncio.to_thread(annual_zip, t, basis), content_type="application/zip",
                            headers=headers)
    body = await asyncio.to_thread(
        lambda: render_docx(annual_outline(t, basis), template=runtime.deps.word_template or None,
                            title=t("annual.doc_title", year=year, forum=forum.name), language=t.language))
    return web.Response(body=body, content_type=DOCX_CONTENT_TYPE, headers=headers)


DOWNLOADS: dict[str, Download] = {"report:": report_download, "annual:": annual_download}
