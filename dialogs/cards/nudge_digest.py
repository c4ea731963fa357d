"""The day's reminder digest to an owner: every action of one forum that is due a reminder today, in one card.

Each action is shown as a panel (number and title, owner, due date, how it stands: due in N days, today, overdue
since). `panel` is where the shared action panel (dialogs/cards/action_card.py `action_panel`, with the buttons
Klar / Nytt datum / Behöver hjälp / Kommentar / Lämna över) plugs in; until then each panel is plain and the card
tells how to answer in chat. The escalation note to the chair is here too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from dialogs.cards.elements import Element, card, facts, heading, text
from dialogs.cards.escaping import escape_card_inline
from dialogs.owners import action_number
from dialogs.texts import Texts
from dialogs.texts.formatting import format_date
from domain.actions import ActionItem


@dataclass(frozen=True)
class DigestItem:
    action: ActionItem
    owner: str  # dialogs.owners.owner_label text, not yet escaped


def standing(t: Texts, action: ActionItem, today: date) -> str:
    """"Ska vara klar om 2 dagar" / "i dag" / "Försenad sedan 10 december"."""
    if action.due > today:
        return t.plural("nudges.due_in", (action.due - today).days)
    if action.due == today:
        return t("nudges.due_today")
    return t("nudges.overdue_since", date=format_date(t, action.due))


def plain_panel(t: Texts, item: DigestItem, forum_id: str, today: date) -> list[Element]:
    action = item.action
    return [
        heading(f"{action_number(t, action.number)} {escape_card_inline(action.title)}", size="Medium"),
        facts([(t("nudges.owner_label"), escape_card_inline(item.owner)),
               (t("nudges.due_label"), format_date(t, action.due)),
               (t("nudges.standing_label"), standing(t, action, today))]),
    ]


Panel = Callable[[Texts, DigestItem, str, date], list[Element]]


def digest_card(t: Texts, forum_name: str, forum_id: str, items: Sequence[DigestItem], today: date,
                panel: Panel = plain_panel) -> Element:
    body: list[Element] = [heading(t("nudges.digest_heading", forum=escape_card_inline(forum_name))),
                           text(t.plural("nudges.digest_intro", len(items)))]
    for item in items:
        body.extend(panel(t, item, forum_id, today))
    body.append(text(t("nudges.digest_how", number=action_number(t, items[0].action.number)), subtle=True))
    return card(body)


def digest_line(t: Texts, forum_name: str, items: Sequence[DigestItem]) -> str:
    """The notification text (what shows in the activity feed): no titles, just how many."""
    return t.plural("nudges.digest_line", len(items), forum=forum_name)


def escalation_card(t: Texts, forum_name: str, item: DigestItem, reminders: int, today: date) -> Element:
    action = item.action
    return card([
        heading(t("nudges.escalated_heading", number=action_number(t, action.number)), size="Medium"),
        text(t.plural("nudges.escalated_body", reminders, number=action_number(t, action.number),
                      title=escape_card_inline(action.title), forum=escape_card_inline(forum_name))),
        facts([(t("nudges.owner_label"), escape_card_inline(item.owner)),
               (t("nudges.due_label"), format_date(t, action.due)),
               (t("nudges.standing_label"), standing(t, action, today))]),
    ])
