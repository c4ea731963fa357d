"""The day's reminder digest to an owner: every action of one forum that is due a reminder today, in one card.

Each action is shown as the shared action panel (dialogs/cards/action_card.py `action_panel`: number and title,
owner, due date, status, and the buttons Klar / Nytt datum / Behöver hjälp / Kommentar / Lämna över); a press
redraws the whole digest in place. The escalation note to the chair is here too, with the same buttons.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from dialogs.cards.action_card import ActionView, action_panel
from dialogs.cards.elements import Element, card, heading, text
from dialogs.cards.escaping import escape_card_inline
from dialogs.owners import action_number
from dialogs.texts import Texts
from dialogs.texts.formatting import format_date
from domain.actions import ActionItem


@dataclass(frozen=True)
class DigestItem:
    action: ActionItem
    owner: str  # dialogs.owners.owner_label text, not yet escaped
    standing_in: str = ""  # "Du får den i stället för …, som är frånvarande …" (a deputy's reminder), not escaped


def standing(t: Texts, action: ActionItem, today: date) -> str:
    """"Ska vara klar om 2 dagar" / "i dag" / "Försenad sedan 10 december"."""
    if action.due > today:
        return t.plural("nudges.due_in", (action.due - today).days)
    if action.due == today:
        return t("nudges.due_today")
    return t("nudges.overdue_since", date=format_date(t, action.due))





def digest_card(t: Texts, forum_name: str, forum_id: str, items: Sequence[DigestItem], today: date) -> Element:
    """Every action with the shared action panel (its buttons; a press redraws the whole digest)."""
    group = tuple(item.action.id for item in items)
    body: list[Element] = [heading(t("nudges.digest_heading", forum=escape_card_inline(forum_name))),
                           text(t.plural("nudges.digest_intro", len(items)))]
    for item in items:
        # the number and title, then how it stands ("Ska vara klar om 2 dagar"), then the rest
        elements = action_panel(t, ActionView(item.action, forum_id, item.owner, today, group=group))
        elements.insert(1, text(standing(t, item.action, today), weight="Bolder"))
        if item.standing_in:
            elements.insert(2, text(escape_card_inline(item.standing_in), subtle=True))
        body.append({"type": "Container", "separator": True, "spacing": "Large", "items": elements})
    body.append(text(t("nudges.digest_how", number=action_number(t, items[0].action.number)), subtle=True))
    return card(body)


def digest_line(t: Texts, forum_name: str, items: Sequence[DigestItem]) -> str:
    """The notification text (what shows in the activity feed): no titles, just how many."""
    return t.plural("nudges.digest_line", len(items), forum=forum_name)


def escalation_card(t: Texts, forum_name: str, item: DigestItem, reminders: int, today: date,
                    forum_id: str) -> Element:
    """To the chair, with the action's buttons (the chair may re-date it or hand it over)."""
    action = item.action
    body = [
        heading(t("nudges.escalated_heading", number=action_number(t, action.number)), size="Medium"),
        text(t.plural("nudges.escalated_body", reminders, number=action_number(t, action.number),
                      title=escape_card_inline(action.title), forum=escape_card_inline(forum_name))),
    ]
    return card([*body, *action_panel(t, ActionView(action, forum_id, item.owner, today))])
