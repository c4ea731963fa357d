"""The draft minutes' cards built from a stored draft: the overview, an item, the attendance, an action."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from bot.services.follow_up import follow_up_for, holder_names
from bot.services.meetings import local_today
from bot.services.minutes_common import Draft, meeting_label
from bot.services.ports import UnitOfWork
from bot.services.turn import Turn
from dialogs.cards.elements import Element
from dialogs.cards.escaping import escape_card_inline
from dialogs.cards.follow_up import follow_up_elements
from dialogs.cards.minutes_action import action_card, action_line
from dialogs.cards.minutes_draft import (
    NO_FEEDBACK,
    ActionRow,
    DraftFrame,
    Feedback,
    ItemRow,
    attendance_card,
    item_card,
    overview_card,
)
from dialogs.cards.minutes_form import (
    ACTION_DUE,
    ACTION_FIELDS,
    ACTION_ITEM,
    ATTENDANCE_FIELDS,
    ITEM_FIELDS,
    PERSON_CHOICE,
    ROLE_CHOICE,
    action_values,
    attendance_values,
    base_of,
    item_values,
)
from dialogs.owners import owner_label
from dialogs.texts import Texts
from dialogs.texts.formatting import format_date, format_datetime
from domain.minutes import DraftAction, MinutesItem, MinutesStatus
from domain.model import Forum


def frame_of(t: Texts, draft: Draft) -> DraftFrame:
    return DraftFrame(draft.forum.id, draft.meeting.id, draft.minutes.revision, draft.forum.name,
                      meeting_label(t, draft.meeting), restructure=draft.minutes.published_versions == 0)


def _status(t: Texts, draft: Draft) -> str:
    minutes = draft.minutes
    if minutes.status is MinutesStatus.IN_APPROVAL:
        return t("draft.status_in_approval")
    saved = t("draft.status_saved", name=draft.names.get(minutes.updated_by or "", "?"),
              time=format_datetime(t, minutes.updated_at, draft.forum.schedule.timezone))
    if minutes.published_versions > 0:
        return f"{t('draft.status_correction')} {saved}"
    return saved


def publish_label(t: Texts, draft: Draft) -> str:
    approvers = bool(draft.forum.record.approver_ids)
    if draft.minutes.published_versions > 0:  # a correction is approved again when the forum has approvers
        return t("draft.send_correction_for_approval" if approvers else "draft.publish_correction")
    return t("draft.send_for_approval" if approvers else "draft.publish")


def _attendance_line(t: Texts, draft: Draft) -> str:
    attendance = draft.content.attendance
    names = [escape_card_inline(o.name) for o in draft.forum.organisations if o.id in attendance.organisation_ids]
    line = t("draft.attendance_line", names=", ".join(names)) if names else t("draft.attendance_none")
    if attendance.guests:
        line += "\r" + t("draft.guests_line", guests=escape_card_inline(attendance.guests))
    return line


async def overview(uow: UnitOfWork, turn: Turn, draft: Draft, feedback: Feedback = NO_FEEDBACK) -> Element:
    t = turn.t
    follow_up = await follow_up_for(uow, draft.forum, draft.meeting, turn.now)
    names = {**await holder_names(uow, draft.forum, follow_up.open), **draft.names}
    elements = follow_up_elements(t, draft.forum, follow_up, names, local_today(draft.forum, turn.now))
    rows = [ItemRow(i.key, i.title, len(i.decisions), len(i.actions), bool(i.notes.strip()))
            for i in draft.content.items]
    return overview_card(t, frame_of(t, draft), status=_status(t, draft), follow_up=elements,
                         attendance=_attendance_line(t, draft), rows=rows,
                         publish_label=publish_label(t, draft), feedback=feedback)


def owner_text(t: Texts, forum: Forum, role_id: str, names: Mapping[str, str]) -> str:
    return owner_label(t, forum, role_id, names)


def item_view(
    t: Texts, draft: Draft, item: MinutesItem, *, typed: Mapping[str, str] | None = None,
    stored: MinutesItem | None = None, feedback: Feedback = NO_FEEDBACK,
) -> Element:
    """The item's card; `typed` (what the person wrote) is laid over the stored values."""
    keys = [i.key for i in draft.content.items]
    shown = item_values(item)
    values = {**shown, **(typed or {})}
    rows = [ActionRow(a.key, action_line(t, a, owner_text(t, draft.forum, a.owner_role_id, draft.names),
                                         format_date(t, a.due))) for a in item.actions]
    return item_card(t, frame_of(t, draft), item, index=keys.index(item.key) + 1, count=len(keys), values=values,
                     base=base_of(shown, ITEM_FIELDS), actions=rows, stored=stored, feedback=feedback)


def attendance_view(
    t: Texts, draft: Draft, *, typed: Mapping[str, str] | None = None, feedback: Feedback = NO_FEEDBACK
) -> Element:
    shown = attendance_values(draft.content.attendance)
    organisations = [(o.id, o.name) for o in draft.forum.organisations]
    return attendance_card(t, frame_of(t, draft), organisations=organisations, values={**shown, **(typed or {})},
                           base=base_of(shown, ATTENDANCE_FIELDS), feedback=feedback)


def default_due(draft: Draft) -> date:
    return draft.meeting.local_date + timedelta(days=draft.forum.record.action_due_days)


def owner_choices(t: Texts, forum: Forum, names: Mapping[str, str]) -> list[tuple[str, str]]:
    """Every role of the forum's organisations ("Polisen, deltagare (Anna)"), then its people without a role."""
    live = {o.id for o in forum.organisations}
    order = {o.id: o.position for o in forum.organisations}
    roles = sorted((r for r in forum.roles if r.organisation_id in live),
                   key=lambda r: (order[r.organisation_id], r.kind.value != "participant"))
    choices = [(ROLE_CHOICE + r.id, owner_label(t, forum, r.id, names)) for r in roles]
    holders = {r.holder_id for r in forum.roles if r.holder_id}
    people = [m.person_id for m in forum.memberships if m.person_id not in holders]
    if forum.chair_id not in holders and forum.chair_id not in people:
        people.append(forum.chair_id)
    choices += [(PERSON_CHOICE + p, t("draft.owner_person", name=names.get(p, p))) for p in people]
    return choices


def action_view(
    t: Texts, draft: Draft, item: MinutesItem, action: DraftAction | None, *,
    typed: Mapping[str, str] | None = None, feedback: Feedback = NO_FEEDBACK,
) -> Element:
    """An action's card (a new one when `action` is None, due by default the forum's number of days after the
    meeting)."""
    if action is not None:
        shown = action_values(action, item.key)
    else:
        shown = {ACTION_DUE: default_due(draft).isoformat(), ACTION_ITEM: item.key}
    items = [(i.key, f"{n}. {i.title}") for n, i in enumerate(draft.content.items, 1)]
    return action_card(t, frame_of(t, draft), item_key=item.key, action=action, values={**shown, **(typed or {})},
                       base=base_of(shown, ACTION_FIELDS) if action else "",
                       owners=owner_choices(t, draft.forum, draft.names), items=items, feedback=feedback)
