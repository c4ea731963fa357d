"""The outbox keys of every kind of proactive message, pinned: a changed key would send a message again after an
upgrade (the unique key is what makes a second tick, a restart or a retry harmless)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.services import cycle, notify
from bot.services.notify import Kind
from tests.services.conftest import World
from tests.services.test_members_use_case import FATIMA, forum_with, join
from tests.services.test_setup_use_case import ANNA, ERIK
from tests.services.test_submit_use_case import MONDAY

WEDNESDAY_NOON = datetime(2026, 11, 25, 11, 30, tzinfo=UTC)  # Wednesday 12:30 Stockholm: reminders are due
AFTER_DEADLINE = datetime(2026, 11, 25, 15, 30, tzinfo=UTC)  # the deadline was Wednesday 16:00 Stockholm

REQUEST = "request-" + "x" * 60  # longer than a slot: cut to 40 characters


def test_the_stored_kind_names_never_change() -> None:
    assert {k.value for k in Kind} == {
        "welcome", "collection_open", "reminder", "contribution_card", "summary", "summary_update", "summary_chair",
        "summary_preview", "summary_late_note", "meeting_moved", "export_link", "chair_handover", "away_uncovered",
        "screening_warning", "test_message", "unreachable", "report:collection_open", "report:reminder",
        "report:test_message", "minutes_approval", "minutes_comment", "minutes_approved_note", "minutes_published",
        "minutes_recipient", "minutes_action", "minutes_owner_vacant", "minutes_copy",
        "action_nudge", "action_escalated", "action_chair_note", "action_handover", "action_receipt", "role_handover",
        "role_vacant", "weekly_overview",
        "summary_member", "summary_member_update", "summary_notice",  # issue 11, visibility
        "term_report",  # issue 11, the follow-up report at the end of each term
    }
    assert notify.report_of("test_message") is Kind.REPORT_TEST_MESSAGE


async def test_one_key_convention_for_people_forums_and_conversations(world: World) -> None:
    forum_id = await forum_with(world, "Polisen")
    forum = world.db.forums[forum_id].domain()
    day = date(2026, 11, 26)
    async with world.deps.uow() as uow:
        assert await notify.to_person(uow, Kind.EXPORT_LINK, "29:erik", about="m1", via=forum, slot=REQUEST,
                                      payload={}, now=world.now)
        assert await notify.to_person(uow, Kind.COLLECTION_OPEN, "29:erik", recipient="org-1", about="m1",
                                      via=forum, day=day, payload={}, now=world.now)
        assert await notify.to_person(uow, Kind.REPORT_TEST_MESSAGE, "29:anna", about=forum_id, via=forum,
                                      day="-", slot=REQUEST[:40], payload={}, now=world.now)
        assert await notify.to_person(uow, Kind.SCREENING_WARNING, "29:erik", about="19:chat", via="19:chat",
                                      slot="req-2", payload={}, now=world.now)
        assert await notify.to_forum(uow, Kind.SUMMARY, forum, about="m1", day=day, slot="part-1", payload={},
                                     now=world.now)
        assert await notify.to_forum(uow, Kind.SUMMARY_UPDATE, forum, about="m1", day=day, slot="r2-part-1",
                                     update_of=5, payload={}, now=world.now)
        assert await notify.to_conversation(uow, Kind.WELCOME, "19:chat", about="19:chat", payload={}, now=world.now)
        # the same key again is not queued a second time
        assert not await notify.to_forum(uow, Kind.SUMMARY, forum, about="m1", day=day, slot="part-1", payload={},
                                         now=world.now)
        await uow.commit()
    keys = [r.key for r in world.db.outbox]
    channel = forum.conversation_id
    assert keys == [
        ("export_link", "m1", "29:erik", "-", REQUEST[:40]),
        ("collection_open", "m1", "org-1", "2026-11-26", "1"),
        ("report:test_message", forum_id, "29:anna", "-", REQUEST[:40]),
        ("screening_warning", "19:chat", "29:erik", "-", "req-2"),
        ("summary", "m1", channel, "2026-11-26", "part-1"),
        ("summary_update", "m1", channel, "2026-11-26", "r2-part-1"),
        ("welcome", "19:chat", "19:chat", "-", "1"),
    ]
    messages = {r.message.kind: r.message for r in world.db.outbox}
    assert (messages["collection_open"].person_id, messages["collection_open"].via_conversation_id) == (
        "29:erik", channel)
    assert messages["screening_warning"].via_conversation_id == "19:chat"
    update = messages["summary_update"]
    assert (update.operation, update.update_of_id, update.conversation_id, update.person_id) == (
        "update", 5, channel, None)
    assert (messages["summary"].operation, messages["summary"].update_of_id) == ("send", None)


async def test_the_tick_queues_cards_reminders_and_the_summary_under_the_keys_it_always_had(world: World) -> None:
    forum_id = await forum_with(world, "Polisen", "Skolan")
    await join(world, ERIK, "Polisen", "participant")
    await join(world, FATIMA, "Skolan", "participant")
    forum = world.db.forums[forum_id].domain()
    organisations = {o.name: o.id for o in forum.organisations}
    for now in (MONDAY, WEDNESDAY_NOON, AFTER_DEADLINE):
        await cycle.run_cycle(world.deps, now)
    [meeting] = [m for m in world.db.meetings.values() if m.local_date == date(2026, 11, 26)]
    keys = sorted(r.key for r in world.db.outbox if r.message.subject_id == meeting.id)
    parts = [r.message.slot for r in world.db.outbox if r.message.kind == "summary"]
    assert keys == sorted([
        ("collection_open", meeting.id, organisations["Polisen"], "2026-11-26", "1"),
        ("collection_open", meeting.id, organisations["Skolan"], "2026-11-26", "1"),
        ("reminder", meeting.id, organisations["Polisen"], "2026-11-26", "1"),
        ("reminder", meeting.id, organisations["Skolan"], "2026-11-26", "1"),
        *[("summary", meeting.id, forum.conversation_id, "2026-11-26", slot) for slot in parts],
        *[("summary_chair", meeting.id, ANNA[0], "2026-11-26", slot) for slot in parts],
    ])
    assert parts == [f"part-{n}" for n in range(1, len(parts) + 1)]


async def test_the_weekly_overview_is_keyed_by_forum_and_local_day(world: World) -> None:
    from dataclasses import replace

    from bot.services.weekly_overview import overview_due_now
    from domain.actions import ActionItem, ActionStatus

    forum_id = await forum_with(world, "Polisen")
    forum = world.db.forums[forum_id].domain()
    monday_morning = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)  # 08:30 in Stockholm
    async with world.deps.uow() as uow:
        assert await overview_due_now(world.deps, uow, forum, [], monday_morning) == 0  # no action yet: none
        await uow.actions.add(ActionItem(id="a1", forum_id=forum_id, number=1, title="Ring", owner_role_id="r1",
                                         due=date(2026, 11, 20), meeting_id="m1", item_key="s1",
                                         status=ActionStatus.OPEN, created_at=world.now, created_by="29:anna"),
                              world.now)
        assert await overview_due_now(world.deps, uow, forum, [], monday_morning) == 1
        assert await overview_due_now(world.deps, uow, forum, [], monday_morning.replace(hour=9)) == 0  # once
        off = replace(forum, follow_up=replace(forum.follow_up, weekly_overview=False))
        assert await overview_due_now(world.deps, uow, off, [], datetime(2026, 11, 30, 7, 30, tzinfo=UTC)) == 0
        tuesday = replace(forum, follow_up=replace(forum.follow_up, overview_weekday=1))
        assert await overview_due_now(world.deps, uow, tuesday, [], datetime(2026, 11, 30, 7, 30, tzinfo=UTC)) == 0
        await uow.commit()
    assert [r.key for r in world.db.outbox if r.key[0] == "weekly_overview"] == [
        ("weekly_overview", forum_id, forum.conversation_id, "2026-11-23", "1")]
