"""Cards around publishing: the approver's card (justering), notes to the keepers, the correction note, owners."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from dialogs.cards.elements import Element, card, errors_block, execute, facts, heading, input_text, notice, text
from dialogs.cards.escaping import escape_card_inline, escape_card_text
from dialogs.cards.minutes_published import (
    MinutesView,
    changes_group,
    item_groups,
    open_action,
    paragraphs_words,
    split_cards,
)
from dialogs.texts import Texts
from dialogs.texts.formatting import format_date

MAX_COMMENT_CHARS = 2_000
MAX_NOTE_CHARS = 1_000


def _ids(forum_id: str, meeting_id: str, revision: int | None = None) -> dict[str, object]:
    data: dict[str, object] = {"forum_id": forum_id, "meeting_id": meeting_id}
    if revision is not None:
        data["revision"] = revision
    return data


def approval_cards(
    t: Texts, view: MinutesView, *, forum_id: str, meeting_id: str, revision: int, changes: Sequence[str] = (),
    correction_note: str = "", comment: str = "", errors: Sequence[str] = (), note: str | None = None,
) -> list[Element]:
    """The draft revision for an approver: the minutes, what changed since they saw it, Justera / Kommentera."""
    intro: list[Element] = [notice(note)] if note else []
    intro += [heading(t("published.title_draft", forum=escape_card_inline(view.forum_name))),
              text(t("published.approval_intro", forum=escape_card_inline(view.forum_name),
                     date=format_date(t, view.meeting_date))),
              facts([(t("published.paragraphs_label"),
                      paragraphs_words(t, view.first_paragraph, view.first_paragraph + len(view.content.items) - 1))])]
    if correction_note:
        intro.append(text(t("published.approval_intro_correction", note=escape_card_inline(correction_note)),
                          weight="Bolder"))
    groups: list[list[Element]] = [intro]
    if changes:
        groups.append(changes_group(t, "published.changes_since_seen", changes))
    groups += item_groups(t, view)
    last_body: list[Element] = []
    if errors:
        last_body.append(errors_block(errors, t("published.button_comment")))
    last_body.append(input_text("comment", t("published.comment_label"), value=comment or None, multiline=True,
                                max_length=MAX_COMMENT_CHARS, placeholder=t("published.comment_placeholder")))
    data = _ids(forum_id, meeting_id, revision)
    actions = [execute(t("published.button_approve"), "minutes.approve", data, validate=False),
               execute(t("published.button_comment"), "minutes.comment", data)]
    return split_cards(t, view, groups, actions=actions, last_body=last_body)


def comment_card(
    t: Texts, *, forum_name: str, meeting_date: date, approver_name: str, comment: str, forum_id: str,
    meeting_id: str,
) -> Element:
    """To the secretary and the chair: an approver's comment, and the button to fix the draft."""
    body = [text(t("published.comment_note", name=escape_card_inline(approver_name),
                   forum=escape_card_inline(forum_name), date=format_date(t, meeting_date)), weight="Bolder"),
            text(escape_card_text(comment)),
            text(t("published.comment_fix"), subtle=True)]
    return card(body, [open_action(t, forum_id, meeting_id)])


def correction_note_card(
    t: Texts, *, forum_name: str, meeting_date: date, forum_id: str, meeting_id: str, revision: int,
    value: str = "", errors: Sequence[str] = (),
) -> Element:
    """Publishing a correction asks what is corrected (shown as "Rättad <datum>: …" in the new version)."""
    body: list[Element] = []
    if errors:
        body.append(errors_block(errors, t("published.button_send_correction")))
    body += [text(t("published.correction_intro", forum=escape_card_inline(forum_name),
                    date=format_date(t, meeting_date))),
             input_text("correction_note", t("published.correction_note_label"), value=value or None,
                        multiline=True, max_length=MAX_NOTE_CHARS, required=True,
                        error=t("published.correction_note_required"))]
    publish = execute(t("published.button_send_correction"), "minutes.publish", _ids(forum_id, meeting_id, revision))
    return card(body, [publish, open_action(t, forum_id, meeting_id)])


def with_button(message: str, button: Element) -> Element:
    """A short message and one button (open the draft, show the minutes)."""
    return card([text(message)], [button])


def show_action(t: Texts, forum_id: str, meeting_id: str) -> Element:
    return execute(t("published.button_show"), "minutes.show", _ids(forum_id, meeting_id), validate=False)


def action_card(
    t: Texts, *, forum_name: str, meeting_date: date, number: str, title: str, owner: str, due: date,
    description: str, panel: Sequence[Element] = (),
) -> Element:
    """To the current holder of the owning role: the new action; with `panel` (dialogs/cards/action_card.py)
    its number, owner, due date and the buttons to act on it come from there."""
    body = [text(t("published.action_assigned", forum=escape_card_inline(forum_name),
                   date=format_date(t, meeting_date)), weight="Bolder")]
    if panel:
        if description.strip():
            body.append(text(escape_card_text(description)))
        body += [*panel, facts([(t("published.action_meeting_label"), format_date(t, meeting_date))])]
        return card(body)
    body.append(heading(f"{number} {escape_card_inline(title)}", size="Medium"))
    if description.strip():
        body.append(text(escape_card_text(description)))
    body += [facts([(t("published.action_owner_label"), escape_card_inline(owner)),
                    (t("published.action_due_label"), format_date(t, due)),
                    (t("published.action_meeting_label"), format_date(t, meeting_date))])]
    return card(body)
