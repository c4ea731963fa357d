"""A role handed over while a reminder for it is queued, on SQLite and PostgreSQL: the queued digest to the
previous holder is cancelled in the database (no worker can claim it), the plans are due now, and the person
asked about the role from now on is the new holder, never the previous one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.services import turnover_commands
from bot.services.nudge_tick import nudge_due
from bot.services.turn import Origin, Turn
from bot.services.turnover_commands import NewHolderArgs
from dialogs.texts import for_language
from domain.action_log import EventKind
from domain.actions import holder_for_day
from domain.outbox import NewMessage
from storage.orm import OutboxRow
from storage.unit_of_work import UnitOfWorkFactory
from tests.deps import deps_of
from tests.handover_world import NOW, handover_world
from tests.minutes_world import ANNA, ERIK, POLLY

pytestmark = pytest.mark.integration

CHANNEL = "19:handover@thread.tacv2"


def _chair_turn(person: object) -> Turn:
    origin = Origin(tenant_id="tenant-norrby", conversation_id=CHANNEL, conversation_type="channel",
                    service_url="https://smba.trafficmanager.net/emea/", user_id=ANNA[0], user_name=ANNA[1],
                    aad_object_id=None, bot_id="28:forumbot", team_id="19:team", channel_id=CHANNEL, locale="sv-SE")
    return Turn(origin=origin, person=person, t=for_language("sv"), now=NOW, forum=None)  # type: ignore[arg-type]


async def test_a_queued_nudge_to_the_previous_holder_never_goes_out(uow_factory: UnitOfWorkFactory) -> None:
    ids, actions = await handover_world(uow_factory, conversation_id=CHANNEL)
    async with uow_factory() as uow:
        for person_id in (ERIK[0], POLLY[0]):  # Erik's digest of today, and an unrelated one to Polly
            await uow.outbox.enqueue(NewMessage(kind="action_nudge", subject_id=ids.forum_id, recipient_id=person_id,
                                                occurrence_local_date="2026-12-01", slot="1", person_id=person_id,
                                                via_conversation_id=CHANNEL, payload={"text": "påminnelse"}), NOW)
        anna = await uow.people.get(ANNA[0])
        forum = await uow.forums.get(ids.forum_id)
        await uow.commit()
    turn = _chair_turn(anna)
    turn.forum = forum
    reply = await turnover_commands.new_holder(deps_of(uow_factory), turn, NewHolderArgs("Polisen", (POLLY[0],)))
    assert "Polly Persson har nu rollen Polisen, deltagare" in (reply.text or "")
    async with uow_factory() as uow:
        rows = list(await uow.session.scalars(select(OutboxRow).order_by(OutboxRow.id)))
        claimed = await uow.outbox.claim_due(NOW + timedelta(minutes=5), 100, 30)
        plans = await uow.nudge_plans.due(NOW, 10)
        forum = await uow.forums.get(ids.forum_id)
        events = await uow.action_log.for_action(actions[0].id)
        await uow.commit()
    status = {(r.kind, r.person_id): r.status for r in rows}
    assert status[("action_nudge", ERIK[0])] == "cancelled"
    assert status[("action_nudge", POLLY[0])] in ("pending", "sending")
    assert ("role_handover", POLLY[0]) in status
    assert all(c.person_id != ERIK[0] for c in claimed)  # nothing for Erik can be delivered any more
    assert plans == []  # not early: the new holder is asked when the policy says, two days before the due date
    assert forum is not None
    assert holder_for_day(forum, ids.police_role, lambda person_id: False) == POLLY[0]
    assert [e.kind for e in events] == [EventKind.HOLDER_CHANGED]

    # The ticks up to the due date: the reminders go to Polly, on the policy's day, and never to Erik.
    deps = deps_of(uow_factory)
    for day in range(1, 10):
        await nudge_due(deps, datetime(2026, 12, day, 7, 5, tzinfo=UTC))  # every morning at 08:05 in Stockholm
    async with uow_factory() as uow:
        nudges = [(r.person_id, r.occurrence_local_date, r.status) for r in await uow.session.scalars(
            select(OutboxRow).where(OutboxRow.kind == "action_nudge").order_by(OutboxRow.id))]
    assert [n for n in nudges if n[0] == ERIK[0]] == [(ERIK[0], "2026-12-01", "cancelled")]
    assert [n[:2] for n in nudges if n[0] == POLLY[0]] == [(POLLY[0], "2026-12-01"), (POLLY[0], "2026-12-08")]
