"""An action item in the draft minutes: its card (title, description, owner role, due date, item) and the short
confirmation the `åtgärd` chat shortcut answers with."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from dialogs.cards.elements import (
    Element,
    card,
    choice_set,
    execute,
    facts,
    heading,
    input_date,
    input_text,
    text,
)
from dialogs.cards.escaping import escape_card_inline
from dialogs.cards.minutes_draft import NO_FEEDBACK, DraftFrame, Feedback, card_top, open_button
from dialogs.cards.minutes_form import (
    ACTION_DESCRIPTION,
    ACTION_DUE,
    ACTION_ITEM,
    ACTION_OWNER,
    ACTION_TITLE,
    MAX_DESCRIPTION,
    MAX_TITLE,
)
from dialogs.owners import action_number
from dialogs.texts import Texts
from domain.minutes import DraftAction


def number_label(t: Texts, action: DraftAction | None) -> str:
    """Å-12 once published; "ny" before (numbers are given at publication)."""
    if action is None or action.number is None:
        return t("draft.action_new")
    return action_number(t, action.number)


def action_line(t: Texts, action: DraftAction, owner: str, due: str) -> str:
    """One escaped line for the item card: "ny · Title · Polisen, deltagare (Anna) · senast 10 december"."""
    return t("draft.action_line", number=number_label(t, action), title=escape_card_inline(action.title),
             owner=escape_card_inline(owner), due=due)


def action_card(
    t: Texts,
    frame: DraftFrame,
    *,
    item_key: str,
    action: DraftAction | None,
    values: Mapping[str, str],
    base: str,
    owners: Sequence[tuple[str, str]],
    items: Sequence[tuple[str, str]],
    feedback: Feedback = NO_FEEDBACK,
) -> Element:
    """`owners`: (choice value, label) of every role and of the forum's people without one; `items`: (key, title)."""
    title = t("draft.action_title_edit" if action else "draft.action_title_new", number=number_label(t, action))
    body = card_top(t, frame, title, feedback)
    body += [
        input_text(ACTION_TITLE, t("draft.action_title_label"), value=values.get(ACTION_TITLE), max_length=MAX_TITLE,
                   required=True, error=t("draft.error.action_title")),
        input_text(ACTION_DESCRIPTION, t("draft.action_description_label"), value=values.get(ACTION_DESCRIPTION),
                   multiline=True, max_length=MAX_DESCRIPTION),
        choice_set(ACTION_OWNER, t("draft.action_owner_label"), owners, value=values.get(ACTION_OWNER) or None,
                   required=True, error=t("draft.error.action_owner")),
        input_date(ACTION_DUE, t("draft.action_due_label"), value=values.get(ACTION_DUE) or None, required=True,
                   error=t("draft.error.action_due")),
        choice_set(ACTION_ITEM, t("draft.action_item_label"), items, value=values.get(ACTION_ITEM) or item_key,
                   required=True),
    ]
    data = frame.data(item=item_key, action=action.key if action else "", base=base)
    if feedback.confirm_rules:
        data["confirmed"] = ",".join(feedback.confirm_rules)
    actions = [execute(t("draft.save_anyway" if feedback.confirm_rules else "draft.save"), "minutes.save_action",
                       data)]
    if action is not None:
        actions.append(execute(t("draft.remove_action"), "minutes.remove_action", data, validate=False))
    actions.append(open_button(t, frame, t("draft.cancel"), view="item", item=item_key))
    return card(body, actions)


def action_added_card(
    t: Texts, frame: DraftFrame, *, item_key: str, item_title: str, action: DraftAction, owner: str, due: str
) -> Element:
    """The answer to `åtgärd …` in the channel: what was added where, and *Ändra*."""
    body = [
        heading(t("draft.action_added_title"), size="Medium"),
        facts([
            (t("draft.fact_action"), escape_card_inline(action.title)),
            (t("draft.fact_owner"), escape_card_inline(owner)),
            (t("draft.fact_due"), due),
            (t("draft.fact_item"), escape_card_inline(item_title)),
            (t("draft.fact_meeting"), frame.meeting_label),
        ]),
        text(t("draft.action_added_note"), subtle=True),
    ]
    edit = execute(t("draft.edit"), "minutes.open", {**frame.data(), "view": "action", "item": item_key,
                                                     "action": action.key}, validate=False)
    return card(body, [edit])
