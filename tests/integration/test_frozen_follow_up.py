"""A posted summary's follow-up is a record: closing an action later, or a late addition, never changes it.

On SQLite and PostgreSQL: the summary posted at the deadline carries the open actions as they stood (owners
named as they were); closing one and adding another afterwards leaves the stored summary, its late-addition
revision and its export as they were, while the next meeting's summary shows the change. A summary stored before
follow-ups existed (no `follow_up` in its JSON) still loads, updates and renders without one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.services.summaries import compile_for, export_markdown, post_summary, recorded_summary, update_after_late
from dialogs.cards.summary import render_summary_cards
from dialogs.texts import Texts
from domain.actions import ActionItem, ActionStatus
from domain.meetings import Meeting
from domain.model import Forum, RoleKind, Schedule
from domain.reporting import frame_for
from storage.orm import OutboxRow, SummaryRevisionRow, SummaryRow
from storage.summary_codec import frame_to_json, summary_to_json
from storage.unit_of_work import UnitOfWorkFactory

SETUP = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
SV = Texts("sv", strict=True)
HEADING = "Uppföljning från föregående möten"


@dataclass
class World:
    forum: Forum
    last_week: Meeting
    this_week: Meeting
    next_week: Meeting
    role_id: str


async def _world(uow_factory: UnitOfWorkFactory) -> World:
    async with uow_factory() as uow:
        forum_id = await uow.forums.create(name="Trygghetsforum", tenant_id="t", conversation_id="19:f@thread.tacv2",
                                           chair_id="29:chair", schedule=Schedule(skip_public_holidays=False),
                                           now=SETUP)
        await uow.forums.replace_sections(forum_id, [(None, "Aktuellt")], SETUP)
        await uow.forums.replace_organisations(forum_id, [(None, "Polisen"), (None, "Skolan")], SETUP)
        forum = await uow.forums.get(forum_id)
        assert forum is not None
        await uow.people.upsert("29:anna", display_name="Anna Lindqvist", aad_object_id=None, tenant_id="t",
                                now=SETUP)
        await uow.forums.set_role_holder(forum.organisations[0].id, RoleKind.PARTICIPANT, "29:anna", SETUP)
        forum = await uow.forums.get(forum_id)
        assert forum is not None
        meetings = [await uow.meetings.ensure(forum, day, datetime(day.year, day.month, day.day, 8, 0, tzinfo=UTC),
                                              SETUP)
                    for day in (date(2026, 11, 19), date(2026, 11, 26), date(2026, 12, 3))]
        role = forum.role(forum.organisations[0].id, RoleKind.PARTICIPANT)
        assert role is not None
        await uow.commit()
    return World(forum, meetings[0], meetings[1], meetings[2], role.id)


def _action(world: World, number: int, due: date, meeting: Meeting) -> ActionItem:
    return ActionItem(id=f"{world.forum.id}-a{number}", forum_id=world.forum.id, number=number,
                      title=f"Åtgärd {number}", owner_role_id=world.role_id, due=due, meeting_id=meeting.id,
                      item_key="s1", status=ActionStatus.OPEN, created_at=meeting.starts_at, created_by="29:chair")


async def _late_contribution(uow_factory: UnitOfWorkFactory, world: World, at: datetime) -> None:
    async with uow_factory() as uow:
        await uow.contributions.add_version(
            meeting_id=world.this_week.id, organisation_id=world.forum.organisations[1].id,
            sections=[(world.forum.sections[0].id, "Aktuellt", "Sent men viktigt.")], nothing_new=False,
            attending=True, submitted_by="29:skolan", submitted_by_name="Sara", after_deadline=True, now=at)
        await update_after_late(uow, world.forum, world.this_week, world.forum.organisations[1].id, at)
        await uow.commit()


def _follow_up_texts(cards: list[dict[str, Any]]) -> list[str]:
    texts = [str(e["text"]) for c in cards for e in c["body"] if e["type"] == "TextBlock"]
    start = texts.index(HEADING)
    return texts[start + 1:start + 3]


async def test_a_posted_follow_up_stays_as_it_was_when_actions_are_closed_later(
    uow_factory: UnitOfWorkFactory,
) -> None:
    world = await _world(uow_factory)
    deadline = world.this_week.times.deadline_at
    async with uow_factory() as uow:
        await uow.actions.add(_action(world, 1, deadline.date() - timedelta(days=1), world.last_week), SETUP)
        await uow.actions.add(_action(world, 2, deadline.date() + timedelta(days=7), world.last_week), SETUP)
        await post_summary(uow, world.forum, world.this_week, deadline)
        await uow.commit()
    async with uow_factory() as uow:
        posted = await uow.summaries.latest(world.this_week.id)
        payloads = [r.payload for r in await uow.session.scalars(select(OutboxRow).where(OutboxRow.kind == "summary"))]
    assert posted is not None and posted.follow_up is not None
    shown = _follow_up_texts(render_summary_cards(SV, posted))
    assert shown == [
        "- **Å-1** Åtgärd 1 · Polisen, deltagare (Anna Lindqvist) · senast tisdag 24 november 2026 · **försenad**",
        "- **Å-2** Åtgärd 2 · Polisen, deltagare (Anna Lindqvist) · senast onsdag 2 december 2026",
    ]
    assert any(HEADING in str(p) for p in payloads)  # what went to the channel carried it

    closed_at = deadline + timedelta(hours=20)
    async with uow_factory() as uow:  # after the meeting: Å-1 is done, its holder changes, Å-3 is added
        done = await uow.actions.by_number(world.forum.id, 1)
        assert done is not None
        await uow.actions.update(replace(done, status=ActionStatus.DONE, closed_at=closed_at, outcome="Klart"),
                                 closed_at)
        await uow.actions.add(_action(world, 3, deadline.date() + timedelta(days=3), world.last_week), closed_at)
        await uow.forums.set_role_holder(world.forum.organisations[0].id, RoleKind.PARTICIPANT, None, closed_at)
        await uow.commit()
    await _late_contribution(uow_factory, world, closed_at + timedelta(minutes=5))

    async with uow_factory() as uow:
        forum = await uow.forums.get(world.forum.id)
        assert forum is not None
        latest = await uow.summaries.latest(world.this_week.id)
        record = await recorded_summary(uow, forum, world.this_week, closed_at)
        revision = await uow.summaries.revision(world.this_week.id)
        next_summary = await compile_for(uow, forum, world.next_week, closed_at + timedelta(days=6))
    assert revision == 2 and latest is not None and "Sent men viktigt." in str(summary_to_json(latest))
    assert latest.follow_up == posted.follow_up and record.follow_up == posted.follow_up
    assert _follow_up_texts(render_summary_cards(SV, latest)) == shown
    assert "Åtgärd 3" not in export_markdown(SV, record) and "Anna Lindqvist" in export_markdown(SV, record)
    assert next_summary.follow_up is not None  # the next meeting shows what changed
    assert [a.number for a in next_summary.follow_up.actions.open] == [3, 2]
    assert [a.number for a in next_summary.follow_up.actions.closed] == [1]


async def test_a_summary_stored_before_follow_ups_loads_updates_and_renders_without_one(
    uow_factory: UnitOfWorkFactory,
) -> None:
    world = await _world(uow_factory)
    deadline = world.this_week.times.deadline_at
    async with uow_factory() as uow:  # posted by the earlier version of Forumbot: no follow_up in the JSON
        summary = await compile_for(uow, world.forum, world.this_week, deadline)
        meeting = world.this_week
        frame = frame_to_json(frame_for(world.forum, meeting.local_date, meeting.starts_at, deadline))
        content = summary_to_json(summary)
        del frame["follow_up"], content["follow_up"]
        uow.session.add(SummaryRow(meeting_id=world.this_week.id, compiled_at=deadline, revision=1, parts=1))
        await uow.session.flush()
        uow.session.add(SummaryRevisionRow(meeting_id=world.this_week.id, revision=1, compiled_at=deadline,
                                           frame=frame, content=content))
        await uow.actions.add(_action(world, 1, deadline.date(), world.last_week), deadline)
        await uow.commit()
    async with uow_factory() as uow:
        old = await uow.summaries.latest(world.this_week.id)
    assert old is not None and old.follow_up is None and old == summary
    await _late_contribution(uow_factory, world, deadline + timedelta(hours=1))
    async with uow_factory() as uow:
        updated = await uow.summaries.latest(world.this_week.id)
    assert updated is not None and updated.follow_up is None  # compiled against the old frozen frame
    assert HEADING not in str(render_summary_cards(SV, updated))
