"""GET /exports/{token}/{name}: the chair's Markdown export behind a signed, expiring link."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.exports import ExportSigner
from bot.runtime import RUNTIME
from bot.services.summaries import export_markdown, recorded_summary
from dialogs.texts import DEFAULT_LANGUAGE, for_language

log = logging.getLogger(__name__)

SIGNER = web.AppKey("export_signer", ExportSigner)


async def download(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    now = runtime.clock.now()
    grant = request.app[SIGNER].verify(request.match_info["token"], now)
    if grant is None:
        return web.json_response({"error": "link expired or invalid"}, status=404)
    async with runtime.uow() as uow:
        meeting = await uow.meetings.get(grant.meeting_id)
        forum = await uow.forums.get(meeting.forum_id) if meeting else None
        if meeting is None or forum is None or forum.chair_id != grant.person_id:
            return web.json_response({"error": "link expired or invalid"}, status=404)
        person = await uow.people.get(grant.person_id)
        summary = await recorded_summary(uow, forum, meeting, now)
        uow.audit.record(at=now, action="summary.exported", subject_type="meeting", subject_id=meeting.id,
                         actor_id=grant.person_id, forum_id=forum.id, detail={"format": "markdown"})
        await uow.commit()
    body = export_markdown(for_language(person.speaks(DEFAULT_LANGUAGE) if person else None), summary)
    name = f"lagesbild-{meeting.local_date.isoformat()}.md"
    log.info("export downloaded: meeting=%s", meeting.id)
    return web.Response(
        text=body,
        content_type="text/markdown",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


def add_export_routes(app: web.Application, signer: ExportSigner) -> None:
    app[SIGNER] = signer
    app.router.add_get("/exports/{token}/{name}", download)
