"""The follow-up log of action items (uppföljningslogg): every event of an action, appended, never changed.

Each event has the instant, the actor (a Teams user id; None for Forumbot itself, e.g. a nudge) and a kind.
`detail` holds what the event needs to be read later: ids (outbox row, role, meeting), dates as ISO text, and the
person's own words where the event has them (an outcome, a reason, a comment, a help request); those words pass
the personal-data guard before they are written. Storage refuses updates and deletes of these rows (a trigger
on both backends), so the log can be trusted as written.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime


class EventKind(enum.StrEnum):
    """Stored values: never rename one."""

    CREATED = "created"  # published with the minutes: detail meeting, paragraph, owner_role, due
    NUDGE_QUEUED = "nudge_queued"  # a reminder queued to the owner: detail outbox, recipient, stage, local_day
    NUDGE_DELIVERED = "nudge_delivered"  # the delivery result of that reminder: detail outbox, status
    NUDGE_FAILED = "nudge_failed"  # it could not be delivered: detail outbox, reason
    ESCALATED = "escalated"  # the chair was told it is overdue and unanswered: detail overdue_reminders
    DONE = "done"  # completed: detail outcome
    REDATED = "redated"  # a new due date: detail due_before, due, reason
    HANDED_OVER = "handed_over"  # to another role: detail from_role, to_role
    HANDOVER_ACCEPTED = "handover_accepted"
    HANDOVER_DECLINED = "handover_declined"  # back to the role it came from: detail to_role, reason
    HELP_REQUESTED = "help_requested"  # detail text
    COMMENTED = "commented"  # a progress note, no change: detail text
    REOPENED = "reopened"  # done -> open again: detail reason
    HOLDER_CHANGED = "holder_changed"  # the owning role got another holder (turnover): detail role, holder
    ROLE_VACANT = "role_vacant"  # the owning role lost its holder: detail role
    CANCELLED = "cancelled"  # removed from the minutes by a correction


@dataclass(frozen=True)
class ActionEvent:
    action_id: str
    forum_id: str
    at: datetime
    kind: EventKind
    actor_id: str | None = None
    detail: dict[str, object] = field(default_factory=dict)
    id: int | None = None  # given by storage, in the order events were appended
