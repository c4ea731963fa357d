"""The follow-up of earlier actions as card elements and card-markdown lines (summary, draft, minutes).

User text (titles, outcomes, names) is escaped, so it never turns into formatting."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from dialogs.cards.elements import Element, heading, text
from dialogs.cards.escaping import escape_card_inline
from dialogs.owners import action_number, owner_label
from dialogs.texts import Texts
from dialogs.texts.formatting import format_date
from domain.actions import ActionItem, FollowUp
from domain.model import Forum


def open_line(t: Texts, forum: Forum, action: ActionItem, names: Mapping[str, str], today: date) -> str:
    key = "followup.open_overdue" if action.overdue_on(today) else "followup.open"
    return t(key, number=action_number(t, action.number), title=escape_card_inline(action.title),
             owner=escape_card_inline(owner_label(t, forum, action.owner_role_id, names)),
             due=format_date(t, action.due))


def closed_line(t: Texts, action: ActionItem) -> str:
    closed = action.closed_at.date() if action.closed_at else action.due
    key = "followup.closed_with_outcome" if action.outcome.strip() else "followup.closed"
    return t(key, number=action_number(t, action.number), title=escape_card_inline(action.title),
             closed=format_date(t, closed), outcome=escape_card_inline(action.outcome))


def follow_up_lines(t: Texts, forum: Forum, follow_up: FollowUp, names: Mapping[str, str], today: date) -> list[str]:
    """The follow-up as markdown list lines: open actions (overdue first), then those closed since."""
    if follow_up.is_empty():
        return [t("followup.none")]
    lines = [f"- {open_line(t, forum, a, names, today)}" for a in follow_up.open]
    if follow_up.closed:
        lines.append(t("followup.closed_heading"))
        lines += [f"- {closed_line(t, a)}" for a in follow_up.closed]
    return lines


def follow_up_elements(
    t: Texts, forum: Forum, follow_up: FollowUp, names: Mapping[str, str], today: date
) -> list[Element]:
    """A heading ("Uppföljning från föregående möten") and one wrapped text block with the lines."""
    return [heading(t("followup.heading"), size="Medium"),
            text("\r".join(follow_up_lines(t, forum, follow_up, names, today)))]
