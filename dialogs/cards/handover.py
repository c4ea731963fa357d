"""The hand-over cards: the form to give an action to another role or person, the message to the new owner with
Ta emot / Avböj, and the lists a role's new holder and the chair get when a role changes hands or falls vacant.

Names and titles are user-given: escaped here (dialogs/cards/escaping.py) before they go into a card.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dialogs.cards.elements import Element, card, choice_set, execute, heading, input_text, text
from dialogs.cards.escaping import escape_card_inline, escape_card_text
from dialogs.texts import Texts

TO = "to"  # the form's choice: "role:<id>" or "person:<id>"
NOTE = "note"
REASON = "reason"
ROLE_PREFIX = "role:"
PERSON_PREFIX = "person:"
MAX_NOTE = 500


@dataclass(frozen=True)
class ActionLine:
    """One action as the hand-over cards name it: "Å-12", its title, its due date (already worded)."""

    number: str
    title: str
    due: str


def handover_form(t: Texts, line: ActionLine, *, owner: str, choices: Sequence[tuple[str, str]],
                  data: dict[str, object], errors: Sequence[str] = ()) -> Element:
    """`choices` are (value, label) pairs: the forum's other roles first, then its people without a role."""
    body: list[Element] = [
        heading(t("handover.open_title", number=line.number, title=escape_card_inline(line.title)), size="Medium"),
        text(t("handover.owner_now", owner=escape_card_inline(owner)), subtle=True),
    ]
    body += [text(f"⚠ {e}", color="Attention") for e in errors]
    body += [
        choice_set(TO, t("handover.to_label"), choices, required=True, error=t("handover.to_error")),
        input_text(NOTE, t("handover.note_label"), multiline=True, max_length=MAX_NOTE),
    ]
    return card(body, [execute(t("handover.submit"), "action.handover", dict(data))])


def handover_message(t: Texts, line: ActionLine, *, intro: str, note: str, data: dict[str, object]) -> Element:
    """To the holder of the role the action was handed to: what, from whom, and Ta emot / Avböj."""
    body: list[Element] = [
        heading(t("handover.message_title", number=line.number), size="Medium"),
        text(intro),
        text(t("handover.message_due", due=line.due), subtle=True),
    ]
    if note:
        body.append(text(t("handover.note_line", note=escape_card_text(note))))
    body.append(input_text(REASON, t("handover.reason_label"), multiline=True, max_length=MAX_NOTE))
    return card(body, [execute(t("handover.accept"), "action.accept", dict(data), validate=False),
                       execute(t("handover.decline"), "action.decline", dict(data))])


def action_list_card(title: str, intro: str, lines: Sequence[ActionLine], t: Texts, *,
                     before: str = "", hint: str = "") -> Element:
    """A role's open actions: to its new holder (title "Du har nu rollen …") or to the chair (vacant)."""
    body: list[Element] = [heading(title, size="Medium")]
    if before:
        body.append(text(before, subtle=True))
    body.append(text(intro))
    body.append(text("\r".join(t("handover.action_line", number=a.number, title=escape_card_inline(a.title), due=a.due)
                               for a in lines)))
    if hint:
        body.append(text(hint, subtle=True))
    return card(body)
