"""The follow-up log read by people: one line per event (time in the forum's zone, action, kind, actor, detail),
as CSV for Excel and as a Word document outline; `history_card` (dialogs/cards/follow_log.py) uses the same lines.

CSV choice: Swedish Excel reads a double-clicked .csv with the list separator of the Windows locale, which is `;`
in Sweden (the comma is the decimal sign there), and takes the file as UTF-8 only when it starts with a byte order
mark; without one å, ä and ö come out garbled. So: `;`, UTF-8 with BOM, CRLF line ends, every field quoted when
needed (csv.QUOTE_MINIMAL). A cell starting with = + - @ (or a tab/CR) would be read as a formula: it gets a leading
apostrophe, as OWASP advises against CSV injection. English Excel with a `,` list separator opens it in one column
per line, and Data > From Text reads it; the Word file reads the same everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from zoneinfo import ZoneInfo

from dialogs.documents.blocks import Block, Facts, Heading, Paragraph, Table, Title
from dialogs.documents.csv_file import csv_bytes
from dialogs.owners import action_number, owner_label
from dialogs.texts import Texts
from dialogs.texts.formatting import format_date, format_datetime
from domain.action_log import ActionEvent, EventKind
from domain.actions import ActionItem
from domain.model import Forum, RoleKind

MAX_DETAIL = 500  # characters of a detail on a card line; the exports carry it whole

_TEXT_DETAIL = {EventKind.HELP_REQUESTED, EventKind.COMMENTED}
_NO_DETAIL = {EventKind.HANDOVER_ACCEPTED, EventKind.CANCELLED}


@dataclass(frozen=True)
class LogContext:
    """What the lines need to name things: the forum, its actions by id, people's names, meetings' dates."""

    forum: Forum
    actions: Mapping[str, ActionItem]
    names: Mapping[str, str]
    meeting_dates: Mapping[str, date]


@dataclass(frozen=True)
class LogLine:
    at: str  # for reading: "onsdag 2 december 2026 kl. 07:52"
    number: str
    title: str
    kind: str
    actor: str
    detail: str
    stamp: str = ""  # for sorting and filtering in Excel: "2026-12-02 07:52", the forum's local time


def _str(detail: Mapping[str, object], key: str) -> str:
    value = detail.get(key)
    return "" if value is None else str(value)


def _day(t: Texts, raw: str) -> str:
    try:
        return format_date(t, date.fromisoformat(raw[:10]))
    except ValueError:
        return raw


def _role(t: Texts, context: LogContext, role_id: str, holder_id: str = "") -> str:
    """The role as it was: with the holder the event recorded, else the role alone (never today's holder, who may
    be someone else: the log must not put a later holder's name on an earlier event)."""
    if not role_id:
        return ""
    role = context.forum.role_by_id(role_id)
    if role is None:
        return owner_label(t, context.forum, role_id, context.names)
    frozen = replace(context.forum, roles=tuple(replace(r, holder_id=holder_id or None) if r.id == role_id else r
                                                for r in context.forum.roles))
    if holder_id:
        return owner_label(t, frozen, role_id, context.names)
    organisation = context.forum.organisation(role.organisation_id)
    kind = t("record.kind_deputy") if role.kind is RoleKind.DEPUTY else t("record.kind_participant")
    return f"{organisation.name if organisation else ''}, {kind}"


def _name(context: LogContext, person_id: str) -> str:
    return context.names.get(person_id, person_id)


def describe(t: Texts, context: LogContext, event: ActionEvent) -> str:
    """The event's detail as a sentence ("" when the kind says it all)."""
    d, kind = event.detail, event.kind
    key = f"followlog.detail.{kind.value}"
    if kind in _NO_DETAIL:
        return ""
    if kind in _TEXT_DETAIL:
        return t("followlog.detail.text", text=_str(d, "text"))
    if kind is EventKind.CREATED:
        meeting = context.meeting_dates.get(_str(d, "meeting"))
        return t(key, meeting=format_date(t, meeting) if meeting else _str(d, "meeting"),
                 paragraph=_str(d, "paragraph"), owner=_role(t, context, _str(d, "owner_role"), _str(d, "holder")),
                 due=_day(t, _str(d, "due")))
    if kind is EventKind.NUDGE_QUEUED:
        stage = _str(d, "stage")
        stage_text = t(f"followlog.stage.{stage}") if stage in ("before", "on_due", "overdue") else stage
        return t(key, recipient=_name(context, _str(d, "recipient")), stage=stage_text)
    if kind is EventKind.ESCALATED:
        count = d.get("overdue_reminders")
        return t.plural(key, count if isinstance(count, int) else 0)
    if kind is EventKind.REDATED:
        return t(key, before=_day(t, _str(d, "due_before")), due=_day(t, _str(d, "due")), reason=_str(d, "reason"))
    if kind is EventKind.HANDED_OVER:
        return t(key, from_role=_role(t, context, _str(d, "from_role"), _str(d, "from_holder")),
                 to_role=_role(t, context, _str(d, "to_role"), _str(d, "to_holder")),
                 note=_str(d, "note")).strip()
    if kind is EventKind.HANDOVER_DECLINED:
        return t(key, to_role=_role(t, context, _str(d, "to_role"), _str(d, "to_holder")),
                 reason=_str(d, "reason")).strip()
    if kind in (EventKind.HOLDER_CHANGED, EventKind.ROLE_VACANT):
        return t(key, role=_role(t, context, _str(d, "role")), holder=_name(context, _str(d, "holder")))
    return t(key, outcome=_str(d, "outcome"), reason=_str(d, "reason"))  # done, reopened, delivered, failed


def log_line(t: Texts, context: LogContext, event: ActionEvent) -> LogLine:
    action = context.actions.get(event.action_id)
    actor = _name(context, event.actor_id) if event.actor_id else t("followlog.forumbot")
    return LogLine(at=format_datetime(t, event.at, context.forum.schedule.timezone),
                   number=action_number(t, action.number if action else None), title=action.title if action else "",
                   kind=t(f"followlog.kind.{event.kind.value}"), actor=actor, detail=describe(t, context, event),
                   stamp=event.at.astimezone(ZoneInfo(context.forum.schedule.timezone)).strftime("%Y-%m-%d %H:%M"))


def _columns(t: Texts) -> tuple[str, ...]:
    return tuple(t(f"followlog.col_{c}") for c in ("time", "number", "title", "kind", "actor", "detail"))


def _cells(line: LogLine) -> tuple[str, ...]:
    return (line.stamp or line.at, line.number, line.title, line.kind, line.actor, line.detail)


def log_csv(t: Texts, lines: Sequence[LogLine]) -> bytes:
    """UTF-8 with BOM, `;`-separated, a header row, one row per event in the order given."""
    return csv_bytes(_columns(t), (_cells(line) for line in lines))


def log_outline(t: Texts, forum_name: str, start: date, end: date, lines: Sequence[LogLine]) -> list[Block]:
    blocks: list[Block] = [Title(t("followlog.doc_title", forum=forum_name)), Facts((
        (t("followlog.doc_forum"), forum_name),
        (t("followlog.doc_period"),
         t("followlog.doc_period_value", start=format_date(t, start), end=format_date(t, end))),
    )), Heading(t("followlog.doc_events"))]
    return blocks + log_section(t, lines)


def log_section(t: Texts, lines: Sequence[LogLine]) -> list[Block]:
    """The events as a table (or a line saying there are none): the body of the export, and a minutes section."""
    if not lines:
        return [Paragraph(t("followlog.doc_none"), italic=True)]
    return [Table(_columns(t), tuple(_cells(line) for line in lines))]
