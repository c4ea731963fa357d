"""`leveransproblem` / `delivery problems`: the forum's dead letters for its chair, each with why it failed (a
short code turned into words, never the message's text) and a button to try it again."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from dialogs.cards.elements import Element, action_set, card, execute, heading, text
from dialogs.cards.escaping import escape_card_inline
from dialogs.texts import Texts
from dialogs.texts.formatting import format_datetime

MAX_SHOWN = 10  # dead letters on one card, each with its button

_WHAT = {
    "action_nudge": "what_action_nudge",
    "minutes_published": "what_minutes",
    "minutes_recipient": "what_minutes",
    "minutes_action": "what_minutes",
    "collection_open": "what_collection",
    "contribution_card": "what_collection",
    "reminder": "what_reminder",
    "summary": "what_summary",
    "summary_update": "what_summary",
    "test_message": "what_test",
}
_REASONS = {
    "service_url_not_allowed": "reason_service_url_not_allowed",
    "bad_payload": "reason_bad_payload",
    "lease_expired": "reason_lease_expired",
    "unauthorized": "reason_unauthorized",
    "unauthorized_after_refresh": "reason_unauthorized",
    "too_large": "reason_too_large",
    "no_conversation": "reason_no_route",
    "conversation_unknown": "reason_no_route",
    "update_target_missing": "reason_no_route",
    "update_target_unavailable": "reason_no_route",
}
_GONE = ("BotNotInConversationRoster", "ConversationNotFound", "403", "404")


@dataclass(frozen=True)
class DeadLine:
    """One dead letter as the chair sees it."""

    row_id: int
    kind: str
    recipient: str  # a person's name, or "" for the forum's conversation
    when: datetime
    error: str


def what_of(t: Texts, kind: str) -> str:
    return t(f"delivery_problems.{_WHAT.get(kind, 'what_other')}")


def reason_of(t: Texts, error: str) -> str:
    code = error.strip()
    key = _REASONS.get(code)
    if key is not None:
        return t(f"delivery_problems.{key}")
    if any(part in code for part in _GONE):
        return t("delivery_problems.reason_gone")
    return t("delivery_problems.reason_other", code=escape_card_inline(code or "?"))


def recipient_of(t: Texts, line: DeadLine) -> str:
    return escape_card_inline(line.recipient) if line.recipient else t("delivery_problems.channel")


def problems_card(t: Texts, *, forum_id: str, forum_name: str, timezone: str, lines: Sequence[DeadLine],
                  more: int = 0, note: str | None = None) -> Element:
    """The dead letters, newest first, one "try again" button each (verb delivery.retry)."""
    body: list[Element] = []
    if note:
        body.append(text(note, weight="Bolder"))
    body.append(heading(t("delivery_problems.heading", forum=escape_card_inline(forum_name)), size="Medium"))
    if not lines:
        body.append(text(t("delivery_problems.none", forum=escape_card_inline(forum_name))))
        return card(body)
    body.append(text(t("delivery_problems.intro"), subtle=True))
    buttons: list[Element] = []
    for line in lines[:MAX_SHOWN]:
        what, recipient = what_of(t, line.kind), recipient_of(t, line)
        body.append(text("- " + t("delivery_problems.line", what=what, recipient=recipient,
                                  when=format_datetime(t, line.when, timezone), reason=reason_of(t, line.error))))
        buttons.append(execute(t("delivery_problems.retry", what=what, recipient=recipient), "delivery.retry",
                               {"row_id": line.row_id, "forum_id": forum_id}, validate=False))
    hidden = more + max(0, len(lines) - MAX_SHOWN)
    if hidden:
        body.append(text(t.plural("delivery_problems.more", hidden), subtle=True))
    body.append(action_set(buttons))
    return card(body)
