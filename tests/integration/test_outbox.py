"""The outbox repository on SQLite and PostgreSQL: idempotent enqueue, claims, leases, transitions."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from domain.clock import FixedClock
from storage.orm import OutboxRow
from storage.outbox import NewMessage
from storage.unit_of_work import UnitOfWorkFactory

pytestmark = pytest.mark.integration

CONVERSATION = "19:forum@thread.tacv2"


def message(recipient: str = "29:alice", **overrides: object) -> NewMessage:
    values: dict[str, object] = {
        "kind": "reminder",
        "subject_id": "meeting-1",
        "recipient_id": recipient,
        "payload": {"type": "message", "text": "Påminnelse"},
        "occurrence_local_date": "2026-11-23",
        "slot": "1",
        "conversation_id": CONVERSATION,
    }
    values.update(overrides)
    return NewMessage(**values)  # type: ignore[arg-type]


async def enqueue_many(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, n: int, **overrides: object
) -> list[int]:
    ids: list[int] = []
    async with uow_factory() as uow:
        for i in range(n):
            row_id = await uow.outbox.enqueue(message(f"29:person-{i}", **overrides), clock.now())
            assert row_id is not None
            ids.append(row_id)
        await uow.commit()
    return ids


async def snapshot(uow_factory: UnitOfWorkFactory) -> dict[int, dict[str, object]]:
    """Every outbox row as a plain dict (rows must not be read after their session closed)."""
    async with uow_factory() as uow:
        rows = await uow.outbox.by_kind("reminder")
        return {r.id: {c.key: getattr(r, c.key) for c in OutboxRow.__table__.columns} for r in rows}


async def row_of(uow_factory: UnitOfWorkFactory, row_id: int) -> dict[str, object]:
    return (await snapshot(uow_factory))[row_id]


async def test_enqueue_is_idempotent(uow_factory: UnitOfWorkFactory, clock: FixedClock) -> None:
    async with uow_factory() as uow:
        first = await uow.outbox.enqueue(message(), clock.now())
        second = await uow.outbox.enqueue(message(payload={"type": "message", "text": "other"}), clock.now())
        await uow.commit()
    assert first is not None
    assert second is None
    rows = await snapshot(uow_factory)
    assert list(rows) == [first]
    assert first is not None
    assert rows[first]["payload"] == {"type": "message", "text": "Påminnelse"}
    assert rows[first]["status"] == "pending"


async def test_enqueue_in_separate_transactions_is_idempotent(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    for _ in range(2):
        async with uow_factory() as uow:
            await uow.outbox.enqueue(message(), clock.now())
            await uow.commit()
    async with uow_factory() as uow:
        assert len(await uow.outbox.by_kind("reminder")) == 1


async def test_enqueue_rolls_back_with_its_transaction(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    async with uow_factory() as uow:
        await uow.outbox.enqueue(message(), clock.now())
        # no commit: the business change failed, so the message must not exist
    async with uow_factory() as uow:
        assert await uow.outbox.by_kind("reminder") == []


async def test_claim_marks_sending_and_is_not_claimed_twice(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    ids = await enqueue_many(uow_factory, clock, 3)
    now = clock.now()
    async with uow_factory() as uow:
        claimed = await uow.outbox.claim_due(now, limit=2, lease_seconds=60)
        await uow.commit()
    assert [c.id for c in claimed] == ids[:2]
    assert all(c.lease_until == now + timedelta(seconds=60) for c in claimed)
    assert claimed[0].payload == {"type": "message", "text": "Påminnelse"}
    assert claimed[0].conversation_id == CONVERSATION
    assert claimed[0].attempts == 0

    async with uow_factory() as uow:
        again = await uow.outbox.claim_due(now, limit=10, lease_seconds=60)
        await uow.commit()
    assert [c.id for c in again] == ids[2:]

    async with uow_factory() as uow:
        assert await uow.outbox.claim_due(now, limit=10, lease_seconds=60) == []
    rows = (await snapshot(uow_factory)).values()
    assert {r["status"] for r in rows} == {"sending"}
    assert all(r["lease_until"] == now + timedelta(seconds=60) for r in rows)


async def test_claim_takes_only_due_rows(uow_factory: UnitOfWorkFactory, clock: FixedClock) -> None:
    (row_id,) = await enqueue_many(uow_factory, clock, 1)
    async with uow_factory() as uow:
        claimed = await uow.outbox.claim_due(clock.now(), limit=5, lease_seconds=60)
        await uow.outbox.mark_retry(
            row_id, clock.now() + timedelta(seconds=30), 500, "500 InternalServerError", clock.now()
        )
        await uow.commit()
    assert len(claimed) == 1
    async with uow_factory() as uow:
        assert await uow.outbox.claim_due(clock.now() + timedelta(seconds=29), 5, 60) == []
        later = await uow.outbox.claim_due(clock.now() + timedelta(seconds=30), 5, 60)
        await uow.commit()
    assert [c.id for c in later] == [row_id]
    assert later[0].attempts == 1
    assert later[0].last_error == "500 InternalServerError"


async def test_concurrent_claims_get_disjoint_rows(uow_factory: UnitOfWorkFactory, clock: FixedClock) -> None:
    ids = await enqueue_many(uow_factory, clock, 6)

    async def claim() -> list[int]:
        async with uow_factory() as uow:
            claimed = await uow.outbox.claim_due(clock.now(), limit=4, lease_seconds=60)
            await asyncio.sleep(0.05)  # hold the transaction open while the other claims
            await uow.commit()
        return [c.id for c in claimed]

    first, second = await asyncio.gather(claim(), claim())
    assert not set(first) & set(second)
    assert sorted(first + second) == ids
    assert {len(first), len(second)} == {4, 2}


# Row locks exist on PostgreSQL only; SQLite serialises writers (BEGIN IMMEDIATE), so this runs there only.
@pytest.mark.parametrize("backend", ["postgresql"])
async def test_postgres_skip_locked_skips_rows_held_by_an_open_transaction(
    backend: str, uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    ids = await enqueue_many(uow_factory, clock, 6)
    async with uow_factory() as holder:
        held = await holder.outbox.claim_due(clock.now(), limit=3, lease_seconds=60)
        # holder has not committed: its rows are locked and still 'pending' for everyone else
        async with uow_factory() as other:
            taken = await asyncio.wait_for(
                other.outbox.claim_due(clock.now(), limit=10, lease_seconds=60), 10
            )
            await other.commit()
        await holder.commit()
    assert [c.id for c in held] == ids[:3]
    assert [c.id for c in taken] == ids[3:]


async def test_expired_lease_goes_back_to_retry(uow_factory: UnitOfWorkFactory, clock: FixedClock) -> None:
    ids = await enqueue_many(uow_factory, clock, 2)
    async with uow_factory() as uow:
        await uow.outbox.claim_due(clock.now(), limit=1, lease_seconds=60)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.outbox.release_expired_leases(clock.now() + timedelta(seconds=59)) == 0
        later = clock.now() + timedelta(seconds=61)
        assert await uow.outbox.release_expired_leases(later) == 1
        await uow.commit()
    rows = await snapshot(uow_factory)
    row, untouched = rows[ids[0]], rows[ids[1]]
    assert (row["status"], row["lease_until"], row["attempts"]) == ("retry", None, 1)
    assert row["last_error"] == "lease_expired"
    assert row["next_attempt_at"] == later
    assert untouched["status"] == "pending"


async def test_expired_lease_at_max_attempts_is_dead(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    (row_id,) = await enqueue_many(uow_factory, clock, 1)
    async with uow_factory() as uow:
        await uow.outbox.claim_due(clock.now(), 1, 60)
        await uow.commit()
    async with uow_factory() as uow:
        await uow.outbox.release_expired_leases(clock.now() + timedelta(seconds=61), max_attempts=1)
        await uow.commit()
    row = await row_of(uow_factory, row_id)
    assert (row["status"], row["attempts"], row["last_error"]) == ("dead", 1, "lease_expired")


async def test_mark_transitions(uow_factory: UnitOfWorkFactory, clock: FixedClock) -> None:
    sent_id, retry_id, dead_id, cancel_id, released_id = await enqueue_many(uow_factory, clock, 5)
    now = clock.now()
    async with uow_factory() as uow:
        await uow.outbox.claim_due(now, 10, 60)
        assert await uow.outbox.mark_sent(sent_id, "1700000000001", CONVERSATION, 201, now)
        assert await uow.outbox.mark_retry(
            retry_id, now + timedelta(seconds=5), 503, "503 ServiceUnavailable", now
        )
        assert await uow.outbox.mark_dead(dead_id, "too_large", 413, now)
        assert await uow.outbox.mark_cancelled(cancel_id, "conversation_inactive", now)
        assert await uow.outbox.release([released_id], now, until=now + timedelta(seconds=2)) == 1
        await uow.commit()
    rows = await snapshot(uow_factory)
    async with uow_factory() as uow:
        # a row that is no longer 'sending' cannot be marked retry or dead by a late worker
        assert not await uow.outbox.mark_retry(sent_id, now, 500, "500 InternalServerError", now)
        assert not await uow.outbox.mark_dead(sent_id, "x", None, now)
        # nor sent twice
        assert not await uow.outbox.mark_sent(sent_id, "other", CONVERSATION, 201, now)
        await uow.commit()

    sent = rows[sent_id]
    assert (sent["status"], sent["sent_activity_id"], sent["sent_conversation_id"]) == (
        "sent",
        "1700000000001",
        CONVERSATION,
    )
    assert (sent["attempts"], sent["last_status_code"], sent["sent_at"], sent["lease_until"]) == (
        1,
        201,
        now,
        None,
    )
    retry = rows[retry_id]
    assert (retry["status"], retry["attempts"], retry["last_status_code"]) == ("retry", 1, 503)
    assert retry["last_error"] == "503 ServiceUnavailable"
    assert retry["next_attempt_at"] == now + timedelta(seconds=5)
    dead = rows[dead_id]
    assert (dead["status"], dead["attempts"], dead["last_status_code"]) == ("dead", 1, 413)
    assert dead["last_error"] == "too_large"
    cancelled = rows[cancel_id]
    assert (cancelled["status"], cancelled["attempts"], cancelled["last_error"]) == (
        "cancelled",
        0,
        "conversation_inactive",
    )
    released = rows[released_id]
    assert (released["status"], released["attempts"], released["lease_until"]) == ("retry", 0, None)
    assert released["next_attempt_at"] == now + timedelta(seconds=2)


async def test_mark_dead_without_a_request_does_not_count_an_attempt(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    (row_id,) = await enqueue_many(uow_factory, clock, 1)
    async with uow_factory() as uow:
        await uow.outbox.claim_due(clock.now(), 1, 60)
        await uow.outbox.mark_dead(row_id, "service_url_not_allowed", None, clock.now(), attempted=False)
        await uow.commit()
    row = await row_of(uow_factory, row_id)
    assert (row["status"], row["attempts"], row["last_error"]) == ("dead", 0, "service_url_not_allowed")


async def test_last_error_is_kept_short(uow_factory: UnitOfWorkFactory, clock: FixedClock) -> None:
    (row_id,) = await enqueue_many(uow_factory, clock, 1)
    async with uow_factory() as uow:
        await uow.outbox.claim_due(clock.now(), 1, 60)
        await uow.outbox.mark_retry(row_id, clock.now(), None, "x" * 1000 + "\nsecond line", clock.now())
        await uow.commit()
    error = (await row_of(uow_factory, row_id))["last_error"]
    assert isinstance(error, str)
    assert len(error) <= 120
    assert "\n" not in error


async def test_cancel_for_conversation_cancels_only_queued_rows(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    ids = await enqueue_many(uow_factory, clock, 4)
    other_conv = await enqueue_many(uow_factory, clock, 1, conversation_id="19:other", subject_id="m2")
    person_rows = await enqueue_many(
        uow_factory, clock, 1, conversation_id=None, person_id="29:person-0", subject_id="m3"
    )
    now = clock.now()
    async with uow_factory() as uow:
        claimed = await uow.outbox.claim_due(now, 2, 60)  # ids[0], ids[1] are 'sending'
        await uow.outbox.mark_sent(ids[0], "a1", CONVERSATION, 201, now)
        count = await uow.outbox.cancel_for_conversation(CONVERSATION, "conversation_inactive", now)
        await uow.commit()
    assert [c.id for c in claimed] == ids[:2]
    assert count == 2
    status = {i: r["status"] for i, r in (await snapshot(uow_factory)).items()}
    assert [status[i] for i in ids] == ["sent", "sending", "cancelled", "cancelled"]
    assert status[other_conv[0]] == "pending"
    assert status[person_rows[0]] == "pending"

    async with uow_factory() as uow:
        count = await uow.outbox.cancel_for_conversation(
            "a:personal", "conversation_inactive", now, person_id="29:person-0"
        )
        await uow.commit()
    assert count == 1
    assert (await row_of(uow_factory, person_rows[0]))["status"] == "cancelled"


async def test_resolve_update_target(uow_factory: UnitOfWorkFactory, clock: FixedClock) -> None:
    (original,) = await enqueue_many(uow_factory, clock, 1)
    async with uow_factory() as uow:
        assert await uow.outbox.resolve_update_target(999_999) is None
        target = await uow.outbox.resolve_update_target(original)
        assert target is not None and not target.ready and target.status == "pending"
        await uow.outbox.claim_due(clock.now(), 1, 60)
        await uow.outbox.mark_sent(original, "1700000000007", CONVERSATION, 201, clock.now())
        await uow.commit()
    async with uow_factory() as uow:
        target = await uow.outbox.resolve_update_target(original)
    assert target is not None and target.ready
    assert (target.activity_id, target.conversation_id) == ("1700000000007", CONVERSATION)


async def test_dead_letters_next_due_and_counts(uow_factory: UnitOfWorkFactory, clock: FixedClock) -> None:
    async with uow_factory() as uow:
        assert await uow.outbox.next_due_at() is None
    ids = await enqueue_many(uow_factory, clock, 3)
    now = clock.now()
    async with uow_factory() as uow:
        assert await uow.outbox.next_due_at() == now
        await uow.outbox.claim_due(now, 3, 60)
        await uow.outbox.mark_dead(ids[0], "403 BotNotInConversationRoster", 403, now)
        await uow.outbox.mark_cancelled(ids[1], "conversation_inactive", now)
        await uow.outbox.mark_retry(ids[2], now + timedelta(seconds=9), 500, "500 InternalServerError", now)
        await uow.commit()
    async with uow_factory() as uow:
        dead = [r.id for r in await uow.outbox.dead_letters()]
        everything = {r.id for r in await uow.outbox.dead_letters(include_cancelled=True)}
        assert await uow.outbox.next_due_at() == now + timedelta(seconds=9)
        counts = await uow.outbox.counts()
    assert dead == [ids[0]]
    assert everything == {ids[0], ids[1]}
    assert counts == {"dead": 1, "cancelled": 1, "retry": 1}


async def test_claim_leaves_rows_to_busy_conversations_and_people_queued(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    async with uow_factory() as uow:
        busy = await uow.outbox.enqueue(message("29:a", conversation_id="19:busy"), clock.now())
        free = await uow.outbox.enqueue(message("29:b", conversation_id="19:free"), clock.now())
        person_busy = await uow.outbox.enqueue(
            message("29:c", conversation_id=None, person_id="29:c", via_conversation_id="19:free"), clock.now()
        )
        person_free = await uow.outbox.enqueue(
            message("29:d", conversation_id=None, person_id="29:d", via_conversation_id="19:free"), clock.now()
        )
        await uow.commit()
    async with uow_factory() as uow:
        claimed = await uow.outbox.claim_due(
            clock.now(), 10, 60, exclude_conversations=["19:busy"], exclude_people=["29:c"]
        )
        await uow.commit()
    assert [m.id for m in claimed] == [free, person_free]
    assert (await row_of(uow_factory, busy))["status"] == "pending"
    assert (await row_of(uow_factory, person_busy))["status"] == "pending"


async def test_round_rows_are_the_one_to_one_rows_of_one_round(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    async with uow_factory() as uow:
        ids = [
            await uow.outbox.enqueue(
                message(p, conversation_id=None, person_id=p, via_conversation_id="19:forum", kind="test_message",
                        slot="req-1"),
                clock.now(),
            )
            for p in ("29:a", "29:b")
        ]
        await uow.outbox.enqueue(
            message("29:a", conversation_id=None, person_id="29:a", via_conversation_id="19:forum",
                    kind="test_message", slot="req-2"),
            clock.now(),
        )
        await uow.commit()
    async with uow_factory() as uow:
        rows = await uow.outbox.round_rows(
            kind="test_message", subject_id="meeting-1", occurrence_local_date="2026-11-23", slot="req-1"
        )
        assert [r.id for r in rows] == ids
