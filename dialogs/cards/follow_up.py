"""The follow-up of earlier actions as card elements and card-markdown lines (summary, draft, minutes).

User text (titles, outcomes, names) is escaped, so it never turns into formatting."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from dialogs.cards.elements import Element, heading, text
from dialogs.cards.escaping import escape_card_inline, escape_markdown_inline
from dialogs.owners import action_number, owner_label, snapshot_label
from dialogs.texts import Texts
from dialogs.texts.formatting import format_date
from domain.actions import ActionItem, FollowUp
from domain.model import Forum
from domain.reporting import SummaryFollowUp

Escape = Callable[[str], str]
ELLIPSIS = "…"


def shorten(value: str, limit: int = 150) -> str:
    """One line of at most `limit` characters, cut with "…" (for a card that lists, not for the record)."""
    flat = " ".join(value.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + ELLIPSIS


def _format(t: Texts, key: str, plain: bool, **params: object) -> str:
    """A follow-up text; `plain` drops the catalog's own emphasis (for plain text without markup)."""
    return t.raw(key).replace("**", "").format(**params) if plain else t(key, **params)


def _open(t: Texts, action: ActionItem, owner: str, overdue: bool, escape: Escape, plain: bool = False) -> str:
    key = "followup.open_overdue" if overdue else "followup.open"
    return _format(t, key, plain, number=action_number(t, action.number), title=escape(action.title),
                   owner=escape(owner), due=format_date(t, action.due))


def _closed(t: Texts, action: ActionItem, escape: Escape, plain: bool = False) -> str:
    closed = action.closed_at.date() if action.closed_at else action.due
    key = "followup.closed_with_outcome" if action.outcome.strip() else "followup.closed"
    return _format(t, key, plain, number=action_number(t, action.number), title=escape(action.title),
                   closed=format_date(t, closed), outcome=escape(action.outcome))


def open_line(t: Texts, forum: Forum, action: ActionItem, names: Mapping[str, str], today: date) -> str:
    owner = owner_label(t, forum, action.owner_role_id, names)
    return _open(t, action, owner, action.overdue_on(today), escape_card_inline)


def closed_line(t: Texts, action: ActionItem) -> str:
    return _closed(t, action, escape_card_inline)


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


def frozen_lines(t: Texts, record: SummaryFollowUp, *, escape: Escape = escape_card_inline,
                 plain: bool = False) -> list[str]:
    """A frozen follow-up (a compiled summary's) as list lines, owners as named when it was made.

    Card markdown by default; `escape=escape_markdown_inline` for a Markdown export; `plain` for plain text."""
    follow_up = record.actions
    if follow_up.is_empty():
        return [t("followup.none")]
    lines = []
    for action in follow_up.open:
        owner = snapshot_label(t, record.owners.get(action.owner_role_id))
        lines.append(f"- {_open(t, action, owner, record.overdue(action), escape, plain)}")
    if follow_up.closed:
        lines.append(t("followup.closed_heading"))
        lines += [f"- {_closed(t, a, escape, plain)}" for a in follow_up.closed]
    return lines


def markdown_section(t: Texts, record: SummaryFollowUp | None) -> list[str]:
    """The follow-up as a Markdown section (heading, list, blank line); nothing when there is none."""
    if record is None:
        return []
    return [f"## {t('followup.heading')}", "", *frozen_lines(t, record, escape=escape_markdown_inline), ""]


def plain_section(t: Texts, record: SummaryFollowUp | None) -> list[str]:
    """The follow-up as plain text lines after a blank line; nothing when there is none."""
    if record is None:
        return []
    return ["", t("followup.heading"), *frozen_lines(t, record, escape=lambda v: " ".join(v.split()), plain=True)]


def frozen_elements(t: Texts, record: SummaryFollowUp, *, limit: int) -> list[Element]:
    """The heading and at most `limit` lines in one text block, then "n more" (a card that is not split); long
    titles and outcomes are shortened there."""
    lines = frozen_lines(t, record, escape=lambda value: escape_card_inline(shorten(value)))
    shown = lines[:limit]
    if len(lines) > limit:
        shown.append(t.plural("followup.more", len(lines) - limit))
    return [heading(t("followup.heading"), size="Medium"), text("\r".join(shown))]
