"""GET /exports/{token}/{name}: exports behind a signed, expiring link.

The token names the meeting and the person; the file name says what: `lagesbild-<date>.md|docx` (the
compiled lägesbild, the chair only) or `protokoll-<date>-v<n>.md|docx` (published minutes, those who may read
them, `domain.minutes.may_read`). Who may have it is checked again at download time. The document is the
forum's (minutes are its official record): it is in the forum's language, whoever downloads it.
"""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import date

from aiohttp import web

from bot.downloads import handlers
from bot.exports import ExportSigner
from bot.runtime import RUNTIME
from bot.services.follow_log import LOG_SUBJECT, forum_log_lines, log_csv_file, log_docx_file, meeting_log_lines
from bot.services.minutes_export import MinutesDocuments, published_version
from bot.services.notify import texts_for
from bot.services.summaries import export_markdown, recorded_summary
from dialogs.documents.summary import summary_outline
from dialogs.documents.word import DOCX_CONTENT_TYPE, render_docx
from domain.minutes import may_read

log = logging.getLogger(__name__)

SIGNER = web.AppKey("export_signer", ExportSigner)
_NAME = re.compile(r"^(?P<kind>lagesbild|protokoll)-(?P<day>\d{4}-\d{2}-\d{2})(?:-v(?P<version>\d{1,4}))?"
                   r"\.(?P<ext>md|docx)$")
_GONE = {"error": "link expired or invalid"}
_LOG_NAME = re.compile(r"^logg-(?P<start>\d{4}-\d{2}-\d{2})-(?P<end>\d{4}-\d{2}-\d{2})\.(?P<ext>csv|docx)$")


def _file(body: bytes | str, name: str, ext: str) -> web.Response:
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    if ext == "docx":
        assert isinstance(body, bytes)
        return web.Response(body=body, content_type=DOCX_CONTENT_TYPE, headers=headers)
    assert isinstance(body, str)
    return web.Response(text=body, content_type="text/markdown", charset="utf-8", headers=headers)


async def download(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    now = runtime.clock.now()
    grant = request.app[SIGNER].verify(request.match_info["token"], now)
    name = request.match_info["name"]
    if grant is not None and grant.meeting_id.startswith(LOG_SUBJECT):
        return await _log_download(request, grant.meeting_id.removeprefix(LOG_SUBJECT), grant.person_id, name)
    if grant is not None:
        for prefix, handler in handlers().items():  # issue 11's documents (bot/downloads.py)
            if grant.meeting_id.startswith(prefix):
                return await handler(request, grant.meeting_id.removeprefix(prefix), grant.person_id, name)
    wanted = _NAME.match(name)
    if grant is None or wanted is None:
        return web.json_response(_GONE, status=404)
    ext, minutes = wanted["ext"], wanted["kind"] == "protokoll"
    template = runtime.deps.word_template
    async with runtime.uow() as uow:
        meeting = await uow.meetings.get(grant.meeting_id)
        forum = await uow.forums.get(meeting.forum_id) if meeting else None
        if meeting is None or forum is None or meeting.local_date.isoformat() != wanted["day"]:
            return web.json_response(_GONE, status=404)
        allowed = may_read(forum, grant.person_id) if minutes else forum.chair_id == grant.person_id
        if not allowed:
            return web.json_response(_GONE, status=404)
        t = texts_for(None, forum, runtime.deps.default_language)
        if minutes:
            version = await published_version(uow, meeting.id, int(wanted["version"] or 0) or None)
            if version is None:
                return web.json_response(_GONE, status=404)
            lines = tuple(await meeting_log_lines(uow, t, forum, meeting.id)) if ext == "docx" else ()
            documents = MinutesDocuments(version, t, template, lines)
            action, detail = "minutes.exported", {"format": ext, "version": version.version}
        else:
            summary = await recorded_summary(uow, forum, meeting, now)
            action, detail = "summary.exported", {"format": "markdown" if ext == "md" else "docx"}
        uow.audit.record(at=now, action=action, subject_type="meeting", subject_id=meeting.id,
                         actor_id=grant.person_id, forum_id=forum.id, detail=detail)
        await uow.commit()
    body: bytes | str
    if minutes:
        body = await asyncio.to_thread(documents.docx) if ext == "docx" else documents.markdown()
    elif ext == "docx":
        body = await asyncio.to_thread(render_docx, summary_outline(t, summary), template=template or None,
                                       title=summary.forum_name, language=t.language)
    else:
        body = export_markdown(t, summary)
    log.info("export downloaded: meeting=%s kind=%s format=%s", meeting.id, wanted["kind"], ext)
    return _file(body, name, ext)


async def _log_download(request: web.Request, forum_id: str, person_id: str, name: str) -> web.Response:
    """`logg-<from>-<to>.csv|docx`: the forum's follow-up log for the period, for its chair only."""
    runtime = request.app[RUNTIME]
    wanted = _LOG_NAME.match(name)
    if wanted is None:
        return web.json_response(_GONE, status=404)
    try:
        start, end = date.fromisoformat(wanted["start"]), date.fromisoformat(wanted["end"])
    except ValueError:
        return web.json_response(_GONE, status=404)
    if start > end:
        return web.json_response(_GONE, status=404)
    async with runtime.uow() as uow:
        forum = await uow.forums.get(forum_id)
        if forum is None or forum.chair_id != person_id:
            return web.json_response(_GONE, status=404)
        t = texts_for(None, forum, runtime.deps.default_language)
        lines = await forum_log_lines(uow, t, forum, start, end)
        uow.audit.record(at=runtime.clock.now(), action="follow_up_log.exported", subject_type="forum",
                         subject_id=forum.id, actor_id=person_id, forum_id=forum.id,
                         detail={"format": wanted["ext"], "start": start.isoformat(), "end": end.isoformat(),
                                 "events": len(lines)})
        await uow.commit()
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    log.info("follow-up log downloaded: forum=%s format=%s events=%s", forum.id, wanted["ext"], len(lines))
    if wanted["ext"] == "csv":
        return web.Response(body=log_csv_file(t, lines), content_type="text/csv", charset="utf-8", headers=headers)
    body = await asyncio.to_thread(log_docx_file, t, forum, start, end, lines, runtime.deps.word_template)
    return web.Response(body=body, content_type=DOCX_CONTENT_TYPE, headers=headers)


def add_export_routes(app: web.Application, signer: ExportSigner) -> None:
    app[SIGNER] = signer
    app.router.add_get("/exports/{token}/{name}", download)
