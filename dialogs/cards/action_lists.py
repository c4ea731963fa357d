"""`åtgärder`, `mina åtgärder` and `sök`: lists of open actions and search results, each one card.

User text (titles, names, excerpts, the query) is escaped. Lists are capped so a card stays well under Teams'
size limit: what is left out is counted ("… och 3 till"), and long titles are shortened.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from dialogs.cards.elements import Element, action_set, card, execute, heading, text
from dialogs.cards.escaping import escape_card_inline
from dialogs.cards.follow_up import shorten
from dialogs.owners import action_number, owner_label
from dialogs.texts import Texts
from dialogs.texts.formatting import format_date
from domain.actions import ActionItem, ActionStatus
from domain.model import Forum
from domain.text_search import ActionHit, MinutesHit

MAX_LISTED = 40  # actions on one list card
MAX_HITS = 10  # search hits of each kind (minutes paragraphs, actions)
MAX_TITLE = 150  # characters of a title shown in a list


@dataclass(frozen=True)
class Listed:
    """An action as a list shows it: its forum (owner and forum names) and the date of its meeting."""

    forum: Forum
    action: ActionItem
    meeting_date: date | None


def _inline(value: str) -> str:
    return escape_card_inline(shorten(value, MAX_TITLE))


def _common(t: Texts, entry: Listed, names: Mapping[str, str]) -> dict[str, str]:
    action = entry.action
    return {"number": action_number(t, action.number), "title": _inline(action.title),
            "owner": escape_card_inline(owner_label(t, entry.forum, action.owner_role_id, names)),
            "due": format_date(t, action.due)}


def forum_line(t: Texts, entry: Listed, names: Mapping[str, str], today: date) -> str:
    meeting = format_date(t, entry.meeting_date) if entry.meeting_date else t("actions.meeting_unknown")
    key = "actions.line_overdue" if entry.action.overdue_on(today) else "actions.line"
    return t(key, meeting=meeting, **_common(t, entry, names))


def my_line(t: Texts, entry: Listed, names: Mapping[str, str], today: date) -> str:
    key = "actions.my_line_overdue" if entry.action.overdue_on(today) else "actions.my_line"
    return t(key, forum=escape_card_inline(entry.forum.name), **_common(t, entry, names))


def _capped(t: Texts, lines: Sequence[str], limit: int) -> list[Element]:
    """The lines as one list block, at most `limit` of them, then how many were left out."""
    shown = [text("\r".join(f"- {line}" for line in lines[:limit]))] if lines else []
    if len(lines) > limit:
        shown.append(text(t.plural("actions.more", len(lines) - limit), subtle=True))
    return shown


def forum_actions_card(
    t: Texts, forum: Forum, mine: Sequence[Listed], others: Sequence[Listed], names: Mapping[str, str],
    today: date,
) -> Element:
    """The forum's open actions: the person's own first (when they have any), then the rest."""
    body: list[Element] = [heading(t("actions.title", forum=escape_card_inline(forum.name)))]
    if mine:
        body.append(heading(t("actions.mine_heading"), size="Medium"))
        body += _capped(t, [forum_line(t, e, names, today) for e in mine], MAX_LISTED)
    if others:
        body.append(heading(t("actions.others_heading" if mine else "actions.all_heading"), size="Medium"))
        room = max(MAX_LISTED - len(mine), MAX_LISTED // 4)  # the rest are still counted when theirs fill it
        body += _capped(t, [forum_line(t, e, names, today) for e in others], room)
    return card(body)


def my_actions_card(
    t: Texts, entries: Sequence[Listed], names: Mapping[str, str], today: date, *, only: Forum | None = None
) -> Element:
    """The person's open actions by due date, each naming its forum; `only`: in a channel, that forum's."""
    body: list[Element] = [heading(t("actions.my_title"))]
    if only is not None:
        body.append(text(t("actions.my_channel_note", forum=escape_card_inline(only.name)), subtle=True))
    body += _capped(t, [my_line(t, e, names, today) for e in entries], MAX_LISTED)
    return card(body)


def _paragraph_line(t: Texts, hit: MinutesHit) -> str:
    params = {"paragraph": hit.paragraph, "title": _inline(hit.title)}
    if hit.excerpt:
        return t("actions.search_paragraph_excerpt", excerpt=escape_card_inline(hit.excerpt), **params)
    return t("actions.search_paragraph", **params)


def _action_hit_line(t: Texts, hit: ActionHit) -> str:
    action = hit.action
    status = t("actions.status_open") if action.status is ActionStatus.OPEN else t("actions.status_done")
    params = {"number": action_number(t, action.number), "title": _inline(action.title), "status": status,
              "due": format_date(t, action.due)}
    if hit.excerpt:
        return t("actions.search_action_excerpt", excerpt=escape_card_inline(hit.excerpt), **params)
    return t("actions.search_action", **params)


def _minutes_groups(t: Texts, forum: Forum, hits: Sequence[MinutesHit]) -> list[Element]:
    """Shown hits grouped by meeting (newest first): a heading, the paragraphs, a button to the minutes."""
    body: list[Element] = []
    shown = hits[:MAX_HITS]
    for meeting_id in dict.fromkeys(h.meeting_id for h in shown):
        group = [h for h in shown if h.meeting_id == meeting_id]
        day = format_date(t, group[0].meeting_date)
        body.append(heading(t("actions.search_minutes_heading", date=day), size="Medium"))
        body.append(text("\r".join(f"- {_paragraph_line(t, h)}" for h in group)))
        body.append(action_set([execute(t("actions.show_minutes", date=day), "minutes.show",
                                        {"forum_id": forum.id, "meeting_id": meeting_id}, validate=False)]))
    if len(hits) > MAX_HITS:
        body.append(text(t.plural("actions.more", len(hits) - MAX_HITS), subtle=True))
    return body


def search_card(
    t: Texts, forum: Forum, query: str, minutes: Sequence[MinutesHit], actions: Sequence[ActionHit]
) -> Element:
    """What `sök` found: paragraphs of published minutes (with a button to each meeting's), then actions."""
    title = t("actions.search_title", query=_inline(query), forum=escape_card_inline(forum.name))
    body: list[Element] = [heading(title), *_minutes_groups(t, forum, minutes)]
    if actions:
        body.append(heading(t("actions.search_actions_heading"), size="Medium"))
        body += _capped(t, [_action_hit_line(t, h) for h in actions], MAX_HITS)
    return card(body)
