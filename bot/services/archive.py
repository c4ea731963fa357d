"""`arkivera ÅR [FORUM]` / `archive YEAR [FORUM]` and `utlämna FRÅN TILL [FORUM]` / `disclose FROM TO [FORUM]`
(administrators, in the 1:1 chat): a forum's records as one deterministic zip through the signed 24-hour link.

The archive package (arkivpaket) of a year holds, per meeting held, every published version of the minutes and the
compiled lägesbild as posted, each as Word (the master) and PDF (its reading copy), and `manifest.json`
(domain/archive.py). Fetching it records the export (`archive_exports`) and locks the year: its minutes can no
longer be corrected. The disclosure export (for a request for allmän handling) holds the same documents for a
period plus, as CSV, the organisations' counting lägesbilder, the actions, the follow-up log, the goal evaluations
and the forum's audit entries. Every download is audited."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime

from bot.services.follow_log import forum_log_lines, period
from bot.services.followup_report import report_forum
from bot.services.forum_overview import personal_only
from bot.services.guards import require_admin
from bot.services.meetings import local_today
from bot.services.minutes_export import MinutesDocuments
from bot.services.ports import Deps, UnitOfWork
from bot.services.turn import Reply, Turn
from dialogs.documents.admin_csv import describe_action
from dialogs.documents.csv_file import csv_bytes
from dialogs.documents.follow_log import log_csv
from dialogs.documents.minutes import minutes_outline
from dialogs.documents.package import fixed_zip, zip_bytes
from dialogs.documents.pdf import render_pdf
from dialogs.documents.summary import summary_outline
from dialogs.documents.word import render_docx
from dialogs.texts import Texts
from dialogs.texts.formatting import format_date
from domain.archive import PackageFile, manifest
from domain.meetings import ContributionVersion
from domain.minutes import PublishedVersion
from domain.model import Forum
from domain.reporting import Summary

log = logging.getLogger(__name__)

SUBJECT = "archive:"  # + forum id (bot/download_archive.py)


@dataclass(frozen=True)
class ArchiveArgs:
    year: int
    forum_name: str = ""


@dataclass(frozen=True)
class DiscloseArgs:
    start: date
    end: date
    forum_name: str = ""


@dataclass(frozen=True)
class Records:
    """What a package holds, read from storage; rendered in a worker thread (`package`)."""

    forum: Forum
    covers: str
    minutes: tuple[tuple[date, PublishedVersion], ...]
    summaries: tuple[tuple[date, Summary], ...]
    tables: tuple[tuple[str, bytes], ...] = ()  # CSV files (disclosure only)

    @property
    def empty(self) -> bool:
        """No minutes and no compiled lägesbild: an archive package of it would hold only its manifest."""
        return not self.minutes and not self.summaries


def archive_name(year: int) -> str:
    return f"arkivpaket-{year}.zip"


def disclosure_name(start: date, end: date) -> str:
    return f"utlamnande-{start.isoformat()}-{end.isoformat()}.zip"


async def read_records(uow: UnitOfWork, t: Texts, forum: Forum, start: date, end: date, now: datetime, *,
                       raw: bool) -> Records:
    today = local_today(forum, now)
    in_period = [m for m in await uow.meetings.for_forum(forum) if start <= m.local_date <= end]
    # The archive: the meetings held. A disclosure: every record there is, a lägesbild posted before its meeting
    # (or for one cancelled later) too.
    held = in_period if raw else [m for m in in_period if not m.cancelled and m.local_date <= today]
    minutes, summaries = [], []
    for meeting in held:
        minutes += [(meeting.local_date, v) for v in await uow.minutes.versions(meeting.id)]
        summary = await uow.summaries.latest(meeting.id)  # as posted; a meeting never summarised has none
        if summary is not None:
            summaries.append((meeting.local_date, summary))
    tables: list[tuple[str, bytes]] = []
    if raw:  # every meeting of the period: lägesbilder received for one not yet held (or cancelled) are records too
        tables = await _raw_tables(uow, t, forum, [m.id for m in held], {m.id: m.local_date for m in held},
                                   start, end)
    return Records(forum, f"{start.isoformat()}/{end.isoformat()}", tuple(minutes), tuple(summaries), tuple(tables))


async def _raw_tables(uow: UnitOfWork, t: Texts, forum: Forum, meeting_ids: list[str], dates: dict[str, date],
                      start: date, end: date) -> list[tuple[str, bytes]]:
    names = {o.id: o.name for o in forum.organisations}
    stored = await uow.report.all_versions(meeting_ids)  # every version, not only the counting one
    area_names = {a.id: a.name for a in forum.charter.areas}

    def areas_of(version: ContributionVersion, section_id: str) -> str:
        ticked = dict(version.areas).get(section_id, ())
        return ", ".join(area_names.get(a, a) for a in ticked)

    submissions = [(dates[m].isoformat(), names.get(v.organisation_id, v.organisation_id), v.version, title, text,
                    areas_of(v, key), v.submitted_by_name, _utc(v.submitted_at), "ja" if v.after_deadline else "nej")
                   for m in meeting_ids for v in stored[m] for key, title, text in _rows_of(t, v)]
    actions = [(a.number, a.title, a.due.isoformat(), a.status.value, a.outcome, _utc(a.created_at))
               for a in await uow.actions.for_forum(forum.id)]
    evaluations = [(e.goal_text, t(f"charter.rating.{e.rating.value}"), e.period, e.comment, _utc(e.evaluated_at))
                   for e in await uow.goal_evaluations.for_forum(forum.id)]
    entries = await uow.audit.between(*period(forum, start, end), forum_id=forum.id, limit=1_000_000)
    people = await uow.people.many(sorted({e.actor_id for e in entries if e.actor_id}))
    audit_rows = [(e.id or "", _utc(e.at), e.action, describe_action(t, e.action),
                   e.subject_type, e.subject_id,
                   e.actor_id or "", people[e.actor_id].display_name if e.actor_id in people else "")
                  for e in entries]
    return [
        ("lagesbilder.csv", csv_bytes(("Möte", "Organisation", "Version", "Avsnitt", "Text", "Områden", "Av",
                                       "Tid (UTC)", "Sent"),
                                      submissions)),
        ("atgarder.csv", csv_bytes(("Nr", "Titel", "Klart senast", "Status", "Utfall", "Skapad (UTC)"), actions)),
        ("uppfoljningslogg.csv", log_csv(t, await forum_log_lines(uow, t, forum, start, end))),
        ("malutvardering.csv", csv_bytes(("Mål", "Bedömning", "Period", "Kommentar", "Tid (UTC)"), evaluations)),
        ("granskningslogg.csv", csv_bytes(("Nr", "Tid (UTC)", "Händelse", "Betyder", "Typ", "Id", "Av (Teams-id)",
                                           "Av (namn)"), audit_rows)),
    ]


def _utc(moment: datetime) -> str:
    """One time format in every CSV of a package, as the administrators' audit log export has it."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def _rows_of(t: Texts, version: ContributionVersion) -> list[tuple[str, str, str]]:
    """A version's sections with text; a version with none ("nothing new", not attending) still gets a row."""
    rows = [(key, title, text) for key, title, text in version.sections if text.strip()]
    if rows:
        return rows
    return [("", "", t("archive.nothing_new") if version.attending else t("archive.not_attending"))]


def package(t: Texts, records: Records, template: str) -> tuple[bytes, bytes, list[PackageFile]]:
    """(the zip, its manifest, the files): the same records give the same bytes."""
    forum, organisations = records.forum, tuple(o.name for o in records.forum.organisations)
    files: list[PackageFile] = []
    for day, version in records.minutes:
        stem = f"{day.isoformat()}-minnesanteckningar-v{version.version}"
        outline = minutes_outline(t, version)
        word = MinutesDocuments(version, t, template).docx()
        title = t("archive.minutes_title", date=format_date(t, day), version=version.version)
        files += [PackageFile(f"{stem}.docx", fixed_zip(word, f"{day.isoformat()}T00:00:00Z"), title, day,
                              organisations, version.version),
                  PackageFile(f"{stem}.pdf", render_pdf(outline, title=title), title, day, organisations,
                              version.version)]
    for day, summary in records.summaries:
        stem = f"{day.isoformat()}-lagesbild"
        outline = summary_outline(t, summary)
        title = t("archive.summary_title", date=format_date(t, day))
        word = render_docx(outline, template=template or None, title=title, language=t.language)
        files += [PackageFile(f"{stem}.docx", fixed_zip(word, f"{day.isoformat()}T00:00:00Z"), title, day,
                              organisations),
                  PackageFile(f"{stem}.pdf", render_pdf(outline, title=title), title, day, organisations)]
    files += [PackageFile(name, body, name) for name, body in records.tables]
    listing = manifest(forum.name, records.covers, files)
    return zip_bytes({**{f.name: f.body for f in files}, "manifest.json": listing}), listing, files


async def _links(deps: Deps, turn: Turn, command: str, forum_name: str, example: str, name: str,
                 year: int | None = None) -> Reply:
    require_admin(deps, turn)
    t = turn.t
    if (elsewhere := personal_only(t, turn, command)) is not None:
        return elsewhere
    async with deps.uow() as uow:
        found = await report_forum(deps, uow, turn, forum_name, example)
        if isinstance(found, Reply):
            return found
        if year is not None and not year_over(found, year, turn.now):
            return Reply(text=t("archive.year_not_over", year=year, next=year + 1))
        if year is not None and (await read_records(uow, t, found, date(year, 1, 1), date(year, 12, 31), turn.now,
                                                    raw=False)).empty:
            return Reply(text=t("archive.nothing", forum=found.name, year=year))  # an empty package locks nothing
        uow.audit.record(at=turn.now, action="archive.export_link", subject_type="forum", subject_id=found.id,
                         actor_id=turn.person.id, forum_id=found.id, detail={"file": name})
        await uow.commit()
    url = deps.links.link(SUBJECT + found.id, turn.person.id, name, turn.now)
    return Reply(text=t("archive.ready" if year is not None else "archive.disclose_ready", forum=found.name,
                        name=name, url=url))


def year_over(forum: Forum, year: int, now: datetime) -> bool:
    """A package covers a whole year that has ended in the forum's time zone: every meeting of it is then past and
    its lägesbild closed, so the lock on the year (its minutes can no longer be corrected) stops nothing to come."""
    return local_today(forum, now).year > year


async def archive(deps: Deps, turn: Turn, args: ArchiveArgs) -> Reply:
    command = turn.t.words("commands.archive")[0]
    return await _links(deps, turn, "archive", args.forum_name, f"{command} {args.year}", archive_name(args.year),
                        args.year)


async def disclose(deps: Deps, turn: Turn, args: DiscloseArgs) -> Reply:
    require_admin(deps, turn)
    t = turn.t
    if args.start > args.end:
        return Reply(text=t("admin.audit_order", start=format_date(t, args.start), end=format_date(t, args.end)))
    command = t.words("commands.disclose")[0]
    example = f"{command} {args.start.isoformat()} {args.end.isoformat()}"
    return await _links(deps, turn, "disclose", args.forum_name, example, disclosure_name(args.start, args.end))
