"""The draft minutes as a few small cards, each usable on a phone and far under Teams' size limit.

* The overview: the follow-up of earlier actions, the attendance, and per item its title, a short status and an
  *Ändra* button; *Publicera* / *Skicka för justering* (handled by the publishing part, verb `minutes.publish`).
* One card per item: notes, decisions (one per line), its actions, *Föregående / Nästa / Spara / Översikt*.
* The attendance card, the new-item card and the remove-item question.

User text is escaped where it is shown as text; inputs carry it as typed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dialogs.cards.elements import (
    Element,
    action_set,
    card,
    choice_set,
    errors_block,
    execute,
    heading,
    input_text,
    notice,
    text,
)
from dialogs.cards.escaping import escape_card_inline, escape_card_text
from dialogs.cards.minutes_form import (
    ATTENDING,
    DECISIONS,
    GUESTS,
    ITEM_TITLE,
    MAX_DECISIONS,
    MAX_GUESTS,
    MAX_NOTES,
    MAX_TITLE,
    NOTES,
)
from dialogs.cards.summary import utf16_size
from dialogs.texts import Texts
from domain.minutes import MinutesItem

CARD_BUDGET = 28_000  # UTF-16 bytes: a safe size for any Teams card


@dataclass(frozen=True)
class DraftFrame:
    """What every draft card names: the forum, the meeting and the revision the card was built from."""

    forum_id: str
    meeting_id: str
    revision: int
    forum_name: str
    meeting_label: str
    restructure: bool  # items may be added and removed (never published yet)

    def data(self, **more: Any) -> dict[str, Any]:
        return {"forum_id": self.forum_id, "meeting_id": self.meeting_id, "revision": self.revision, **more}


@dataclass(frozen=True)
class Feedback:
    """Why a card came back: a note, errors, or personal-data warnings to confirm (`confirm_rules`)."""

    note: str | None = None
    errors: Sequence[str] = ()
    warnings: Sequence[str] = ()
    confirm_rules: Sequence[str] = ()


NO_FEEDBACK = Feedback()


def card_top(t: Texts, frame: DraftFrame, title: str, feedback: Feedback) -> list[Element]:
    body: list[Element] = [
        text(t("draft.context", forum=escape_card_inline(frame.forum_name), date=frame.meeting_label), subtle=True),
        heading(title, size="Medium"),
    ]
    if feedback.note:
        body.append(notice(feedback.note))
    if feedback.errors:
        body.append(errors_block(feedback.errors, t("draft.errors_title")))
    if feedback.warnings:
        body.append(errors_block(feedback.warnings, t("draft.warn_title")))
    return body


def open_button(t: Texts, frame: DraftFrame, title: str, **where: str) -> Element:
    """A button that shows another draft card in place of this one, without saving anything."""
    return execute(title, "minutes.open", {**frame.data(), "in_place": True, **where}, validate=False)


# -- the overview ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemRow:
    key: str
    title: str
    decisions: int
    actions: int
    has_notes: bool


def item_status(t: Texts, row: ItemRow) -> str:
    parts = [t.plural("draft.status_decisions", row.decisions), t.plural("draft.status_actions", row.actions),
             t("draft.status_notes_yes" if row.has_notes else "draft.status_notes_no")]
    return " · ".join(parts)


def _row(t: Texts, frame: DraftFrame, index: int, row: ItemRow, *, button: bool) -> Element:
    label = text(f"**{index}. {escape_card_inline(row.title)}**\r{item_status(t, row)}")
    if not button:
        return label
    edit = action_set([open_button(t, frame, t("draft.edit"), view="item", item=row.key)])
    return {"type": "ColumnSet", "columns": [
        {"type": "Column", "width": "stretch", "items": [label]},
        {"type": "Column", "width": "auto", "verticalContentAlignment": "Center", "items": [edit]},
    ]}


def overview_card(
    t: Texts,
    frame: DraftFrame,
    *,
    status: str,
    follow_up: Sequence[Element],
    attendance: str,
    rows: Sequence[ItemRow],
    publish_label: str,
    feedback: Feedback = NO_FEEDBACK,
) -> Element:
    """The draft at a glance. With many items the per-item buttons give way to one list to pick from."""
    head = [*card_top(t, frame, t("draft.overview_title"), feedback), text(status, subtle=True), *follow_up,
            heading(t("draft.attendance_title"), size="Medium"), text(attendance),
            action_set([open_button(t, frame, t("draft.attendance_edit"), view="attendance")]),
            heading(t("draft.items_title"), size="Medium")]
    if not rows:
        head.append(text(t("draft.no_items"), subtle=True))
    tail: list[Element] = []
    if frame.restructure:
        tail.append(action_set([open_button(t, frame, t("draft.add_item"), view="new_item")]))
    actions = [execute(publish_label, "minutes.publish", {"forum_id": frame.forum_id, "meeting_id": frame.meeting_id,
                                                          "revision": frame.revision}, validate=False)]
    result = card([*head, *(_row(t, frame, n, r, button=True) for n, r in enumerate(rows, 1)), *tail], actions)
    if utf16_size(result) <= CARD_BUDGET:
        return result
    pick = choice_set("item", t("draft.pick_item"), [(r.key, f"{n}. {r.title}") for n, r in enumerate(rows, 1)],
                      value=rows[0].key if rows else None)
    compact = [*(_row(t, frame, n, r, button=False) for n, r in enumerate(rows, 1)), pick,
               action_set([execute(t("draft.edit"), "minutes.open", {**frame.data(), "in_place": True,
                                                                     "view": "item"})])]
    return card([*head, *compact, *tail], actions)


# -- one item --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionRow:
    key: str
    line: str  # already escaped: "ny · Title · owner · senast date"


def item_card(
    t: Texts,
    frame: DraftFrame,
    item: MinutesItem,
    *,
    index: int,
    count: int,
    values: Mapping[str, str],
    base: str,
    actions: Sequence[ActionRow],
    stored: MinutesItem | None = None,
    feedback: Feedback = NO_FEEDBACK,
) -> Element:
    """`values` are what the inputs show (the stored item, or what the person typed); `stored` is the other
    editor's newer text after a conflict, shown for comparison."""
    data = frame.data(item=item.key, base=base)
    body = card_top(t, frame, t("draft.item_title", index=index, count=count), feedback)
    if stored is not None:
        body.append(_stored_item(t, stored))
    body += [
        input_text(ITEM_TITLE, t("draft.item_title_label"), value=values.get(ITEM_TITLE), max_length=MAX_TITLE,
                   required=True, error=t("draft.error.item_title")),
        input_text(NOTES, t("draft.notes_label"), value=values.get(NOTES), multiline=True, max_length=MAX_NOTES),
        input_text(DECISIONS, t("draft.decisions_label"), value=values.get(DECISIONS), multiline=True,
                   max_length=MAX_DECISIONS, placeholder=t("draft.decisions_placeholder")),
        text(t("draft.actions_title"), weight="Bolder"),
    ]
    if not actions:
        body.append(text(t("draft.no_actions"), subtle=True))
    for row in actions:
        body.append(text(row.line))
        edit = execute(t("draft.edit_action"), "minutes.save_item", {**data, "go": "action:" + row.key})
        body.append(action_set([edit]))
    extra = [execute(t("draft.new_action"), "minutes.save_item", {**data, "go": "new_action"})]
    if frame.restructure:
        extra.append(execute(t("draft.remove_item"), "minutes.save_item", {**data, "go": "remove"}))
    body.append(action_set(extra))
    return card(body, _item_actions(t, data, index, count, feedback))


def _item_actions(t: Texts, data: dict[str, Any], index: int, count: int, feedback: Feedback) -> list[Element]:
    if feedback.confirm_rules:
        confirmed = ",".join(feedback.confirm_rules)
        return [execute(t("draft.save_anyway"), "minutes.save_item", {**data, "go": "stay", "confirmed": confirmed}),
                execute(t("draft.cancel"), "minutes.open", {**data, "in_place": True}, validate=False)]
    actions = []
    if index > 1:
        actions.append(execute(t("draft.previous"), "minutes.save_item", {**data, "go": "prev"}))
    if index < count:
        actions.append(execute(t("draft.next"), "minutes.save_item", {**data, "go": "next"}))
    actions.append(execute(t("draft.save"), "minutes.save_item", {**data, "go": "stay"}))
    actions.append(execute(t("draft.overview"), "minutes.save_item", {**data, "go": "overview"}))
    return actions


def _stored_item(t: Texts, item: MinutesItem) -> Element:
    lines = [text(t("draft.stored_now"), weight="Bolder")]
    if item.notes:
        lines.append(text(escape_card_text(item.notes)))
    if item.decisions:
        lines.append(text("\r".join(f"- {escape_card_inline(d)}" for d in item.decisions)))
    if len(lines) == 1:
        lines.append(text(t("draft.stored_empty"), subtle=True))
    return {"type": "Container", "style": "emphasis", "items": lines}


# -- attendance, a new item, removing an item ------------------------------------------------------------


def attendance_card(
    t: Texts,
    frame: DraftFrame,
    *,
    organisations: Sequence[tuple[str, str]],
    values: Mapping[str, str],
    base: str,
    feedback: Feedback = NO_FEEDBACK,
) -> Element:
    data = frame.data(base=base)
    body = card_top(t, frame, t("draft.attendance_title"), feedback)
    body += [
        choice_set(ATTENDING, t("draft.attending_label"), organisations, value=values.get(ATTENDING) or None,
                   multi=True),
        input_text(GUESTS, t("draft.guests_label"), value=values.get(GUESTS), multiline=True, max_length=MAX_GUESTS,
                   placeholder=t("draft.guests_placeholder")),
    ]
    if feedback.confirm_rules:
        actions = [execute(t("draft.save_anyway"), "minutes.save_attendance",
                           {**data, "confirmed": ",".join(feedback.confirm_rules)})]
    else:
        actions = [execute(t("draft.save"), "minutes.save_attendance", data)]
    actions.append(open_button(t, frame, t("draft.cancel")))
    return card(body, actions)


def new_item_card(t: Texts, frame: DraftFrame, *, value: str = "", feedback: Feedback = NO_FEEDBACK) -> Element:
    body = card_top(t, frame, t("draft.new_item_title"), feedback)
    body.append(input_text(ITEM_TITLE, t("draft.item_title_label"), value=value, max_length=MAX_TITLE, required=True,
                           error=t("draft.error.item_title")))
    data = frame.data()
    if feedback.confirm_rules:
        data["confirmed"] = ",".join(feedback.confirm_rules)
    actions = [execute(t("draft.add_item"), "minutes.add_item", data), open_button(t, frame, t("draft.cancel"))]
    return card(body, actions)


def remove_item_card(t: Texts, frame: DraftFrame, item: MinutesItem, *, base: str) -> Element:
    """The question before an item goes, with what goes with it."""
    body = card_top(t, frame, t("draft.remove_title", title=escape_card_inline(item.title)), Feedback())
    body.append(text(t.plural("draft.remove_explained", len(item.actions))))
    actions = [
        execute(t("draft.remove_confirm"), "minutes.remove_item", frame.data(item=item.key, base=base),
                validate=False),
        open_button(t, frame, t("draft.remove_keep"), view="item", item=item.key),
    ]
    return card(body, actions)


def minutes_button(t: Texts, forum_id: str, meeting_id: str) -> Element:
    """*Minnesanteckningar*: opens the meeting's draft for its keepers (put on the summary and `nästa möte`)."""
    return execute(t("draft.minutes_button"), "minutes.open", {"forum_id": forum_id, "meeting_id": meeting_id},
                   validate=False)


def notice_card(t: Texts, message: str, buttons: Sequence[Element] = ()) -> Element:
    """A short answer with a way on (published minutes, a meeting not started yet)."""
    return card([text(message)], buttons)
