"""`exportera protokoll <datum>` / `export minutes <date>`: signed links to the latest published version of a
meeting's minutes as Word and Markdown, for those who may read them; and the documents behind those links."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.services.guards import Need, forum_for
from bot.services.notify import Kind, to_person
from bot.services.ports import Deps, UnitOfWork
from bot.services.turn import Reply, Turn
from dialogs.cards.elements import message
from dialogs.documents.blocks import Heading
from dialogs.documents.follow_log import LogLine, log_section
from dialogs.documents.minutes import minutes_file_name, minutes_outline, minutes_title
from dialogs.documents.text import render_markdown, render_plain
from dialogs.documents.word import render_docx
from dialogs.texts import Texts
from dialogs.texts.formatting import format_date
from domain.minutes import PublishedVersion, may_read


async def published_version(uow: UnitOfWork, meeting_id: str, version: int | None = None) -> PublishedVersion | None:
    """The given version of a meeting's published minutes, or (None) the latest; None when there is none."""
    versions = await uow.minutes.versions(meeting_id)
    if version is None:
        return versions[-1] if versions else None
    return next((v for v in versions if v.version == version), None)


async def export_minutes(deps: Deps, turn: Turn, day: date, request_id: str) -> Reply:
    t = turn.t
    async with deps.uow() as uow:
        forum = await forum_for(uow, turn, Need.MEMBER)
        if not may_read(forum, turn.person.id):
            return Reply(text=t("word.not_reader"))
        meeting = await uow.meetings.on_local_date(forum, day)
        label = format_date(t, day)
        if meeting is None:
            return Reply(text=t("word.no_meeting", date=label))
        version = await published_version(uow, meeting.id)
        if version is None:
            return Reply(text=t("word.not_published", date=label))
        docx_name, md_name = minutes_file_name(version, "docx"), minutes_file_name(version, "md")
        line = t("word.export_ready", date=label, version=version.version,
                 docx_name=docx_name, docx_url=deps.links.link(meeting.id, turn.person.id, docx_name, turn.now),
                 md_name=md_name, md_url=deps.links.link(meeting.id, turn.person.id, md_name, turn.now))
        if turn.origin.is_personal:
            await uow.commit()
            return Reply(text=line)
        await to_person(uow, Kind.EXPORT_LINK, turn.person.id, about=meeting.id, via=forum,
                        slot=f"m-{request_id}"[:40], payload=message(line), now=turn.now)
        await uow.commit()
    return Reply(text=t("collection.export_sent"))


@dataclass(frozen=True)
class MinutesDocuments:
    """One version of the minutes in the three forms a person gets: Word, Markdown and plain text."""

    version: PublishedVersion
    t: Texts
    template: str = ""
    log: tuple[LogLine, ...] = ()  # the follow-up log of the meeting's actions, a last section of the Word file

    def docx(self) -> bytes:
        outline = minutes_outline(self.t, self.version)
        if self.log:
            outline += [Heading(self.t("followlog.minutes_section")), *log_section(self.t, self.log)]
        return render_docx(outline, template=self.template or None,
                           title=minutes_title(self.t, self.version), language=self.t.language)

    def markdown(self) -> str:
        return render_markdown(minutes_outline(self.t, self.version))

    def text(self) -> str:
        return render_plain(minutes_outline(self.t, self.version))
