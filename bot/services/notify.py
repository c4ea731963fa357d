"""Proactive messages as intents: which kind, to whom, about what, once per which day and slot.

Every message a use case queues goes through `to_person`, `to_forum` or `to_conversation`, so the outbox's
unique key is built one way: ``(kind, about, recipient, day, slot)``.

* ``about`` is the subject the message is once-per (a meeting, a forum, an organisation, a conversation).
* ``day`` is the local date it belongs to, or none (`NO_DATE`).
* ``slot`` tells the occurrences of one subject and day apart: `ONCE`, a request id (one message per press of a
  button), a part of a message split in several, a revision. It is cut to `SLOT_LENGTH` characters here.

The keys must never change for a kind that is already stored: a changed key would send a message again after an
upgrade (tests/services/test_notify_keys.py pins them).

`texts_for` is the one rule for the language of a message: the person's own choice (else their Teams client's),
then the forum's language setting, then the configured default (FORUMBOT_DEFAULT_LANGUAGE, `Deps.default_language`).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from bot.services.ports import UnitOfWork
from dialogs.texts import Texts, for_language
from domain.model import Forum, Person
from domain.outbox import NO_DATE, REPORT_PREFIX, NewMessage

ONCE = "1"
SLOT_LENGTH = 40


class Kind(StrEnum):
    """Every kind of proactive message. The values are stored in the outbox: never rename one."""

    WELCOME = "welcome"
    COLLECTION_OPEN = "collection_open"
    REMINDER = "reminder"
    CONTRIBUTION_CARD = "contribution_card"
    SUMMARY = "summary"
    SUMMARY_UPDATE = "summary_update"
    SUMMARY_CHAIR = "summary_chair"
    SUMMARY_PREVIEW = "summary_preview"
    SUMMARY_LATE_NOTE = "summary_late_note"
    MEETING_MOVED = "meeting_moved"
    EXPORT_LINK = "export_link"
    CHAIR_HANDOVER = "chair_handover"
    AWAY_UNCOVERED = "away_uncovered"
    SCREENING_WARNING = "screening_warning"
    TEST_MESSAGE = "test_message"
    UNREACHABLE = "unreachable"
    REPORT_COLLECTION_OPEN = REPORT_PREFIX + "collection_open"
    REPORT_REMINDER = REPORT_PREFIX + "reminder"
    REPORT_TEST_MESSAGE = REPORT_PREFIX + "test_message"
    MINUTES_APPROVAL = "minutes_approval"  # the draft to an approver (per revision and part)
    MINUTES_COMMENT = "minutes_comment"  # an approver's comment to the secretary and the chair
    MINUTES_APPROVED_NOTE = "minutes_approved_note"  # the keepers: all approved, now published
    MINUTES_PUBLISHED = "minutes_published"  # the published version to the forum conversation
    MINUTES_RECIPIENT = "minutes_recipient"  # the published version to a named recipient 1:1
    MINUTES_ACTION = "minutes_action"  # a new action to the holder of its owning role
    MINUTES_OWNER_VACANT = "minutes_owner_vacant"  # the chair: a new action's owning role is vacant
    MINUTES_COPY = "minutes_copy"  # long minutes someone asked to see, sent 1:1 in parts
    # Follow-up of actions (issue 9). `about` in brackets.
    ACTION_NUDGE = "action_nudge"  # the day's reminder digest to an owner [forum], day = local day
    ACTION_ESCALATED = "action_escalated"  # the chair: overdue and unanswered after K reminders [action]
    ACTION_CHAIR_NOTE = "action_chair_note"  # the chair: re-dated / help asked / declined [action], slot = request
    ACTION_HANDOVER = "action_handover"  # the new owner, with Ta emot / Avböj [action], slot = request
    ACTION_RECEIPT = "action_receipt"  # the previous owner's receipt of a hand-over [action], slot = request
    ROLE_HANDOVER = "role_handover"  # a role's new holder: its open actions, once per change [role], slot = at
    ROLE_VACANT = "role_vacant"  # the chair: a role lost its holder, its actions need an owner [role], slot = at
    WEEKLY_OVERVIEW = "weekly_overview"  # the forum conversation, once per week [forum], day = local day
    # What the auditors asked for (issue 11).
    TERM_REPORT = "term_report"  # the chair: the term's follow-up report [forum], slot = term ("2026-H2")
    # Who sees the compiled lägesbild (issue 11, visibility). `about` the meeting, day = its local date.
    SUMMARY_MEMBER = "summary_member"  # restricted: the summary 1:1 to an allowed person, slot part-N
    SUMMARY_MEMBER_UPDATE = "summary_member_update"  # a late addition edits that copy, slot rR-part-N
    SUMMARY_NOTICE = "summary_notice"  # restricted: the channel's notice without content


def report_of(kind: str) -> Kind:
    """The kind of the chair's report on a round of `kind` (``report:<kind>``)."""
    return Kind(REPORT_PREFIX + kind)


def language_for(person: Person | None, forum: Forum | None, default: str) -> str:
    """The one language rule: the person's choice, else the forum's language setting, else `default`."""
    fallback = (forum.language if forum is not None else None) or default
    return person.speaks(fallback) if person is not None else fallback


def texts_for(person: Person | None, forum: Forum | None, default: str) -> Texts:
    """The words for a message to `person` about `forum` (no person: a post to the forum conversation itself)."""
    return for_language(language_for(person, forum, default))


def _day(day: date | str | None) -> str:
    if day is None:
        return NO_DATE
    return day if isinstance(day, str) else day.isoformat()


async def to_person(
    uow: UnitOfWork,
    kind: Kind,
    person_id: str,
    *,
    about: str,
    via: Forum | str,
    payload: dict[str, object],
    now: datetime,
    day: date | str | None = None,
    slot: str = ONCE,
    recipient: str | None = None,
    extra: dict[str, object] | None = None,
    update_of: int | None = None,
) -> bool:
    """Queue a message to the person's 1:1 chat (made through `via`, a forum or a conversation id, if none exists).

    `recipient` is who the key counts the message for when that is not the person (an organisation: its card
    goes to whoever holds the role, once per organisation). `extra` is kept with the row for whoever records its
    delivery (the action ids of a reminder digest). With `update_of` (an outbox row id sent to that person) it
    edits that message in place instead. True when it was queued, False when it already was.
    """
    row = await to_person_row(uow, kind, person_id, about=about, via=via, payload=payload, now=now, day=day,
                              slot=slot, recipient=recipient, extra=extra, update_of=update_of)
    return row is not None


async def to_person_row(
    uow: UnitOfWork,
    kind: Kind,
    person_id: str,
    *,
    about: str,
    via: Forum | str,
    payload: dict[str, object],
    now: datetime,
    day: date | str | None = None,
    slot: str = ONCE,
    recipient: str | None = None,
    extra: dict[str, object] | None = None,
    update_of: int | None = None,
) -> int | None:
    """`to_person`, answering the outbox row id (None: that key was already queued)."""
    return await uow.outbox.enqueue(
        NewMessage(
            kind=kind.value,
            subject_id=about,
            recipient_id=recipient or person_id,
            occurrence_local_date=_day(day),
            slot=slot[:SLOT_LENGTH],
            person_id=person_id,
            via_conversation_id=via.conversation_id if isinstance(via, Forum) else via,
            operation="send" if update_of is None else "update",
            update_of_id=update_of,
            payload=payload,
            extra=dict(extra or {}),
        ),
        now,
    )


async def to_conversation(
    uow: UnitOfWork,
    kind: Kind,
    conversation_id: str,
    *,
    about: str,
    payload: dict[str, object],
    now: datetime,
    day: date | str | None = None,
    slot: str = ONCE,
    update_of: int | None = None,
) -> bool:
    """Queue a post to a conversation; with `update_of` (an outbox row id) it edits that post in place instead."""
    row = await uow.outbox.enqueue(
        NewMessage(
            kind=kind.value,
            subject_id=about,
            recipient_id=conversation_id,
            occurrence_local_date=_day(day),
            slot=slot[:SLOT_LENGTH],
            conversation_id=conversation_id,
            operation="send" if update_of is None else "update",
            update_of_id=update_of,
            payload=payload,
        ),
        now,
    )
    return row is not None


async def to_forum(
    uow: UnitOfWork,
    kind: Kind,
    forum: Forum,
    *,
    about: str,
    payload: dict[str, object],
    now: datetime,
    day: date | str | None = None,
    slot: str = ONCE,
    update_of: int | None = None,
) -> bool:
    """Queue a post to the forum's own conversation (the channel or group chat)."""
    return await to_conversation(uow, kind, forum.conversation_id, about=about, payload=payload, now=now, day=day,
                                 slot=slot, update_of=update_of)
