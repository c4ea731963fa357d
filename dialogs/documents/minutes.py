"""Published minutes as a document outline: forum, date, attendance, follow-up, § items, approval, version.

Everything comes from the frozen `PublishedVersion` (its names in `frame`, its § numbers, the follow-up as it
stood at publication), so a later setup change never alters a past record.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from dialogs.documents.blocks import Block, Bullets, Facts, Heading, Paragraph, Table, Title
from dialogs.owners import action_number, snapshot_label
from dialogs.texts import Texts
from dialogs.texts.formatting import format_date, format_datetime
from domain.actions import ActionItem
from domain.minutes import ApprovalDecision, DraftAction, MinutesItem, PublishedVersion


def minutes_title(t: Texts, version: PublishedVersion) -> str:
    return t("word.title", forum=version.frame.forum_name)


def version_line(t: Texts, version: PublishedVersion) -> str:
    if not version.corrected:
        return t("word.version_first")
    local_day = version.published_at.astimezone(ZoneInfo(version.frame.timezone)).date()
    return t("word.version_corrected", version=version.version, date=format_date(t, local_day))


def minutes_outline(t: Texts, version: PublishedVersion) -> list[Block]:
    frame = version.frame
    blocks: list[Block] = [Title(minutes_title(t, version)), Facts((
        (t("word.forum_label"), frame.forum_name),
        (t("word.date_label"), format_date(t, frame.meeting_date)),
        (t("word.paragraphs_label"),
         t("word.paragraph_range", first=version.first_paragraph, last=version.last_paragraph)),
        (t("word.version_label"), version_line(t, version)),
    ))]
    if version.corrected and version.correction_note.strip():
        blocks += [Heading(t("word.correction_label"), 2), Paragraph(version.correction_note)]
    blocks += _attendance(t, version)
    blocks += _follow_up(t, version)
    for number, item in version.paragraphs():
        blocks += _item(t, version, number, item)
    blocks += _approval(t, version)
    return blocks


def _attendance(t: Texts, version: PublishedVersion) -> list[Block]:
    attendance = version.content.attendance
    names = tuple(version.frame.organisation_names.get(o, o) for o in attendance.organisation_ids)
    blocks: list[Block] = [Heading(t("word.attendance"))]
    blocks.append(Bullets(names) if names else Paragraph(t("word.attendance_none"), italic=True))
    if attendance.guests.strip():
        blocks += [Heading(t("word.guests"), 2), Paragraph(attendance.guests)]
    return blocks


def _owner(t: Texts, version: PublishedVersion, role_id: str) -> str:
    return snapshot_label(t, version.frame.owners.get(role_id))


def _follow_up(t: Texts, version: PublishedVersion) -> list[Block]:
    follow_up = version.follow_up
    blocks: list[Block] = [Heading(t("word.follow_up"))]
    if follow_up.is_empty():
        return [*blocks, Paragraph(t("word.follow_up_none"), italic=True)]
    today = version.published_at.date()
    if follow_up.open:
        rows = tuple(_follow_up_row(t, version, a, overdue=a.overdue_on(today)) for a in follow_up.open)
        blocks += [Heading(t("word.follow_up_open"), 2), _action_table(t, rows)]
    if follow_up.closed:
        closed = tuple(_closed_line(t, a) for a in follow_up.closed)
        blocks += [Heading(t("word.follow_up_closed"), 2), Bullets(closed)]
    return blocks


def _follow_up_row(t: Texts, version: PublishedVersion, action: ActionItem, *, overdue: bool) -> tuple[str, ...]:
    due = format_date(t, action.due) + (f" ({t('word.overdue')})" if overdue else "")
    return (action_number(t, action.number), action.title, _owner(t, version, action.owner_role_id), due)


def _closed_line(t: Texts, action: ActionItem) -> str:
    line = f"{action_number(t, action.number)} {action.title}"
    return f"{line} – {t('word.outcome', outcome=action.outcome)}" if action.outcome.strip() else line


def _action_table(t: Texts, rows: tuple[tuple[str, ...], ...]) -> Table:
    columns = (t("word.col_number"), t("word.col_action"), t("word.col_owner"), t("word.col_due"))
    return Table(columns, rows)


def action_row(t: Texts, version: PublishedVersion, action: DraftAction) -> tuple[str, ...]:
    title = f"{action.title}\n{action.description}" if action.description.strip() else action.title
    return (action_number(t, action.number), title, _owner(t, version, action.owner_role_id),
            format_date(t, action.due))


def _item(t: Texts, version: PublishedVersion, number: int, item: MinutesItem) -> list[Block]:
    blocks: list[Block] = [Heading(t("word.paragraph", number=number, title=item.title))]
    if item.is_empty():
        return [*blocks, Paragraph(t("word.nothing_recorded"), italic=True)]
    if item.notes.strip():
        blocks += [Heading(t("word.notes"), 2), Paragraph(item.notes)]
    if item.decisions:
        blocks += [Heading(t("word.decisions"), 2), Bullets(item.decisions)]
    if item.actions:
        rows = tuple(action_row(t, version, a) for a in item.actions)
        blocks += [Heading(t("word.actions"), 2), _action_table(t, rows)]
    return blocks


def _approval(t: Texts, version: PublishedVersion) -> list[Block]:
    tz = version.frame.timezone
    approved = [a for a in version.approvals if a.decision is ApprovalDecision.APPROVED]
    lines = [t("word.approved_by", name=a.approver_name, at=format_datetime(t, a.at, tz)) for a in approved]
    blocks: list[Block] = [Heading(t("word.approval"))]
    blocks.append(Bullets(tuple(lines)) if lines else Paragraph(t("word.no_approvers")))
    blocks.append(Paragraph(t("word.published_by", name=version.published_by_name,
                              at=format_datetime(t, version.published_at, tz))))
    return blocks


def minutes_file_name(version: PublishedVersion, extension: str) -> str:
    """`protokoll-2026-11-26-v2.docx`: ASCII, the meeting date and the version."""
    return f"protokoll-{version.frame.meeting_date.isoformat()}-v{version.version}.{extension}"
