"""Telling the chair who could not be reached: one message per round, and the result of `testa utskick`.

A *round* is the set of 1:1 rows sharing kind, subject, local date and slot (the cards of one meeting, its
reminders, one test message). Its report is an outbox row of kind ``report:<kind>`` to the chair with the same
subject, date and slot, so it is queued at most once, in the same transaction as what causes it (the test
message, or the first member of a round found unreachable). The worker writes its text only when every row of
the round is final (``compose_report``), so a crash anywhere repeats at most the report itself.

Only failures that are about the member count (their chat is gone, none could be made, Teams kept failing);
a 401 (our credentials) or a 413 (our message) never says a member is unreachable.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.services.notify import Kind, report_of, texts_for, to_person
from bot.services.ports import UnitOfWork
from dialogs.cards.elements import message
from dialogs.texts import DEFAULT_LANGUAGE, Texts
from dialogs.texts.formatting import format_date
from domain.model import Forum
from domain.outbox import (
    CANCELLED,
    DEAD,
    NO_DATE,
    QUEUED,
    REPORT_PREFIX,
    SENDING,
    SENT,
    ClaimedMessage,
    RoundNotDone,
    is_report_kind,
)

log = logging.getLogger(__name__)

NOTICE_KIND = Kind.UNREACHABLE
ROUND_KINDS = frozenset({Kind.COLLECTION_OPEN, Kind.REMINDER, Kind.TEST_MESSAGE})
TEST_KIND = Kind.TEST_MESSAGE

# last_error codes that say the member's chat is gone or could not be made or reached
UNREACHABLE_ERRORS = frozenset(
    {"no_conversation", "conversation_unknown", "conversation_inactive", "timeout", "connection_error", "lease_expired"}
)
# failures that are ours (credentials, message size, configuration), never the member's
NOT_THE_MEMBER = frozenset(
    {
        "unauthorized",
        "too_large",
        "service_url_not_allowed",
        "bad_payload",
        "update_target_missing",
        "update_target_unavailable",
        "nothing_to_report",
    }
)


def member_unreachable(status_code: int | None, error: str | None) -> bool:
    """Whether a final failure means the member could not be reached (and the chair should hear of it)."""
    code = (error or "").strip()
    if code in NOT_THE_MEMBER or status_code in (401, 413):
        return False
    if code in UNREACHABLE_ERRORS:
        return True
    if status_code is None:
        return False
    return status_code in (403, 404, 408, 412, 429) or status_code >= 500


async def on_undeliverable(
    uow: UnitOfWork, row: ClaimedMessage, status_code: int | None, error: str, now: datetime, *,
    default: str = DEFAULT_LANGUAGE,
) -> None:
    """The delivery worker's hook for a row that will never be sent (wired in bot.app.create_app): when it was
    a member's 1:1 message and the failure is about the member, the chair hears of it."""
    if row.person_id is not None and member_unreachable(status_code, error):
        await member_not_reached(uow, row, now, default=default)


async def member_not_reached(
    uow: UnitOfWork, row: ClaimedMessage, now: datetime, *, default: str = DEFAULT_LANGUAGE
) -> bool:
    """A 1:1 row is final and its member unreachable: queue the round's report (or, outside rounds, the daily
    notice). In the caller's unit of work."""
    if row.person_id is None or is_report_kind(row.kind) or row.kind == NOTICE_KIND:
        return False
    if row.kind in ROUND_KINDS:
        forum = await uow.forums.by_conversation(row.via_conversation_id) if row.via_conversation_id else None
        if forum is None:
            return False
        return await queue_report(
            uow, forum, kind=row.kind, subject_id=row.subject_id, occurrence_local_date=row.occurrence_local_date,
            slot=row.slot, now=now,
        )
    return await tell_chair(uow, row.person_id, row.via_conversation_id, now, default=default)


async def queue_report(
    uow: UnitOfWork,
    forum: Forum,
    *,
    kind: str,
    subject_id: str,
    occurrence_local_date: str,
    slot: str,
    now: datetime,
) -> bool:
    """Queue the chair's report of one round (once: the unique key is the round's). Its text comes later."""
    queued = await to_person(uow, report_of(kind), forum.chair_id, about=subject_id, via=forum,
                             day=occurrence_local_date, slot=slot, payload=message(""), now=now)
    if queued:
        log.info("round report queued: forum=%s kind=%s", forum.id, kind)
    return queued


async def compose_report(
    uow: UnitOfWork, report: ClaimedMessage, now: datetime, *, default: str = DEFAULT_LANGUAGE
) -> dict[str, object] | RoundNotDone | None:
    """The report's message once its round is done; RoundNotDone while it is not; None when there is nothing to say."""
    kind = report.kind[len(REPORT_PREFIX):]
    forum = await uow.forums.by_conversation(report.via_conversation_id) if report.via_conversation_id else None
    if forum is None:
        return None
    rows = await uow.outbox.round_rows(
        kind=kind, subject_id=report.subject_id, occurrence_local_date=report.occurrence_local_date, slot=report.slot
    )
    unfinished = [r for r in rows if r.status in (*QUEUED, SENDING)]
    if unfinished:
        due = [r.next_attempt_at for r in unfinished if r.status in QUEUED]
        return RoundNotDone(min(due) if due else None)
    unreached = [
        r for r in rows if r.status in (DEAD, CANCELLED) and member_unreachable(r.last_status_code, r.last_error)
    ]
    if kind != TEST_KIND and not unreached:
        return None
    chair = await uow.people.get(forum.chair_id)
    t = texts_for(chair, forum, default)
    people = await uow.people.many([r.person_id for r in unreached if r.person_id])
    names: list[str] = []
    for r in unreached:
        person_id = r.person_id or ""
        person = people.get(person_id)
        membership = forum.membership(person_id)
        organisation = forum.organisation(membership.organisation_id or "") if membership else None
        names.append(
            t(
                "delivery.name_with_organisation",
                name=person.display_name if person else person_id,
                organisation=organisation.name if organisation else t("membership.no_organisation"),
            )
        )
    listed = join_names(t, names)
    paragraphs: list[str] = []
    if kind == TEST_KIND:
        reached = sum(1 for r in rows if r.status == SENT)
        key = "delivery.test_result_unreached" if names else "delivery.test_result"
        paragraphs.append(t.plural(key, reached, forum=forum.name, reached=reached, total=len(rows), names=listed))
        failed = len(rows) - reached - len(unreached)
        if failed:
            paragraphs.append(t.plural("delivery.failed", failed))
    else:
        key = f"delivery.round_{kind}" if t.has(f"delivery.round_{kind}") else "delivery.round_other"
        paragraphs.append(t(key, forum=forum.name, date=_date(t, report.occurrence_local_date), names=listed))
    if names:
        paragraphs.append(t.plural("delivery.reach_hint", len(names)))
    log.info(
        "round report composed: forum=%s kind=%s rows=%d unreached=%d", forum.id, kind, len(rows), len(unreached)
    )
    return message("\n\n".join(paragraphs))


def join_names(t: Texts, names: list[str]) -> str:
    """'A', 'A och B', 'A, B och C'."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {t('delivery.and')} {names[-1]}"


def _date(t: Texts, local_date: str) -> str:
    if local_date == NO_DATE:
        return ""
    try:
        return format_date(t, date.fromisoformat(local_date))
    except ValueError:
        return local_date


async def tell_chair(
    uow: UnitOfWork, person_id: str, via_conversation_id: str | None, now: datetime, *,
    default: str = DEFAULT_LANGUAGE,
) -> bool:
    """Queue the notice in the caller's unit of work. False when there is no forum, or the chair is the person."""
    if via_conversation_id is None:
        return False
    forum = await uow.forums.by_conversation(via_conversation_id)
    if forum is None or forum.chair_id == person_id:
        return False
    person = await uow.people.get(person_id)
    chair = await uow.people.get(forum.chair_id)
    t = texts_for(chair, forum, default)
    membership = forum.membership(person_id)
    organisation = forum.organisation(membership.organisation_id or "") if membership else None
    text = t(
        "delivery.unreachable",
        name=person.display_name if person else person_id,
        organisation=organisation.name if organisation else t("membership.no_organisation"),
        forum=forum.name,
    )
    day = now.astimezone(ZoneInfo(forum.schedule.timezone)).date()
    queued = await to_person(uow, Kind.UNREACHABLE, forum.chair_id, about=person_id, via=forum, day=day,
                             slot=forum.id, payload=message(text), now=now)
    if queued:
        log.info("chair told about an unreachable member: forum=%s person=%s", forum.id, person_id)
    return queued
