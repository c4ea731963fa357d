"""Publishing, approving and correcting minutes, and reading them, as use cases on the fake unit of work."""

# "\u00a7" below is the paragraph sign (§): tests/unit/test_doc_references.py keeps the sign before a digit out of
# the sources, where it would read as a citation.
from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from bot.services import minutes_approval, minutes_publish
from bot.services.minutes_publish import ShowArgs
from domain.actions import ActionItem, ActionStatus
from domain.errors import NotApprover, NotReader, NotRecordKeeper
from domain.minutes import DraftAction, MinutesStatus
from domain.model import RoleKind
from tests.conversation.harness import action_data, texts_in
from tests.fakes.records import FakeActions
from tests.minutes_world import (
    ANNA,
    DUE,
    ERIK,
    KARIN,
    OLLE,
    PER,
    POLLY,
    RAW_LAGESBILD,
    REX,
    SARA,
    Ids,
    content_of,
    edit_notes,
    minutes_world,
    revision,
    save,
)
from tests.services.conftest import CHANNEL, World

PERSONNUMMER = "811228-9874"
NEXT_WEEK = date(2026, 11, 26)


async def world_with(world: World, **roles: Any) -> Ids:
    return await minutes_world(world.deps.uow, world.now, conversation_id=CHANNEL, **roles)


def rows(world: World, kind: str) -> list[Any]:
    return [r.message for r in world.db.outbox if r.message.kind == kind]


def shown(message: Any) -> str:
    payload = message.payload
    cards = [texts_in(a["content"]) for a in payload.get("attachments", [])]
    return "\n".join([str(payload.get("text") or ""), *cards])


async def press_publish(world: World, ids: Ids, who: tuple[str, str] = SARA, **extra: Any) -> Any:
    data = {"forum_id": ids.forum_id, "meeting_id": ids.meeting_id,
            "revision": await revision(world.deps.uow, ids), **extra}
    return await minutes_publish.publish(world.deps, await world.turn(*who, where=f"a:{who[0]}"), data)


async def test_without_approvers_publishing_numbers_everything_and_sends_it_to_everyone(world: World) -> None:
    ids = await world_with(world, recipients=(REX[0],))
    reply = await press_publish(world, ids)
    assert reply.text == "Minnesanteckningarna för torsdag 19 november 2026 är publicerade som \u00a7 1–2 i forumet " \
                         "och skickade till mottagarna."
    (version,) = world.db.records.versions[ids.meeting_id]
    assert (version.version, version.first_paragraph, version.last_paragraph) == (1, 1, 2)
    assert [a.number for a in version.content.actions()] == [1, 2, 3]
    assert version.frame.owners[ids.police_role].holder_name == "Erik Johansson"
    assert world.db.records.minutes[ids.meeting_id].status is MinutesStatus.PUBLISHED
    actions = sorted(world.db.records.actions.values(), key=lambda a: a.number)
    assert [(a.number, a.status, a.meeting_id, a.item_key) for a in actions] == [
        (1, ActionStatus.OPEN, ids.meeting_id, ids.sections[0]),
        (2, ActionStatus.OPEN, ids.meeting_id, ids.sections[0]),
        (3, ActionStatus.OPEN, ids.meeting_id, ids.sections[1])]
    (post,) = rows(world, "minutes_published")
    assert post.conversation_id == CHANNEL and "\u00a7 1 Aktuellt" in shown(post) and "Å-3 Boka lokal" in shown(post)
    assert [m.person_id for m in rows(world, "minutes_recipient")] == [REX[0]]
    owners = {m.person_id: shown(m) for m in rows(world, "minutes_action")}
    assert set(owners) == {ERIK[0], KARIN[0]}
    assert "Å-1 Kontakta skolan om kvällarna" in owners[ERIK[0]] and "torsdag 10 december 2026" in owners[ERIK[0]]
    (vacant,) = rows(world, "minutes_owner_vacant")
    assert vacant.person_id == ANNA[0] and "Å-3" in shown(vacant) and "ingen har rollen" in shown(vacant)
    assert "(vakant)" not in shown(vacant)  # the role is named once, without a "(vakant)" after it
    assert {"minutes.published", "action.created"} <= {e["action"] for e in world.db.audit}


async def test_paragraph_and_action_numbers_continue_at_the_next_meeting(world: World) -> None:
    ids = await world_with(world)
    await press_publish(world, ids)
    async with world.deps.uow() as uow:
        forum = await uow.forums.get(ids.forum_id)
        assert forum is not None
        meeting = await uow.meetings.ensure(forum, NEXT_WEEK, world.now + timedelta(days=6), world.now)
        await uow.minutes.save_draft(meeting_id=meeting.id, forum_id=ids.forum_id, content=content_of(ids),
                                     actor_id=SARA[0], now=world.now, expected_revision=None)
        await uow.commit()
    nxt = replace(ids, meeting_id=meeting.id)
    reply = await press_publish(world, nxt)
    assert "\u00a7 3–4" in (reply.text or "")
    version = world.db.records.versions[meeting.id][0]
    assert version.first_paragraph == 3 and [a.number for a in version.content.actions()] == [4, 5, 6]
    assert version.frame.meeting_date == NEXT_WEEK
    # the follow-up frozen with the second minutes lists the first meeting's open actions, not its own
    assert [a.number for a in version.follow_up.open] == [1, 2, 3]


async def test_two_approvers_one_comments_the_secretary_fixes_both_approve(world: World) -> None:
    ids = await world_with(world, approvers=(POLLY[0], PER[0]), recipients=(REX[0],))
    reply = await press_publish(world, ids)
    assert reply.text == ("Minnesanteckningarna är skickade för justering till Polly Persson, Per Holm. De publiceras "
                          "när alla 2 justerare har justerat.")
    minutes = world.db.records.minutes[ids.meeting_id]
    assert minutes.status is MinutesStatus.IN_APPROVAL and minutes.sent_revision == minutes.revision
    cards = {m.person_id: m for m in rows(world, "minutes_approval")}
    assert set(cards) == {POLLY[0], PER[0]}
    polly_card = cards[POLLY[0]].payload["attachments"][0]["content"]
    assert "Läget är lugnt." in texts_in(polly_card) and rows(world, "minutes_published") == []
    polly = await world.turn(*POLLY, where=f"a:{POLLY[0]}")
    commented = await minutes_approval.comment(world.deps, polly, {**action_data(polly_card, "minutes.comment"),
                                                                    "comment": "Skriv kvällstid i \u00a7 1."})
    assert commented.text is not None and "kommentar är skickad" in commented.text
    notes = {m.person_id: shown(m) for m in rows(world, "minutes_comment")}
    assert set(notes) == {SARA[0], ANNA[0]} and "Skriv kvällstid i \u00a7 1." in notes[SARA[0]]
    assert "minutes.open" in json.dumps(rows(world, "minutes_comment")[0].payload)

    await edit_notes(world.deps.uow, ids, "Läget är lugnt, utom kvällstid.", world.now)
    assert world.db.records.minutes[ids.meeting_id].status is MinutesStatus.DRAFT
    per = await world.turn(*PER, where=f"a:{PER[0]}")
    early = await minutes_approval.approve(world.deps, per, action_data(
        cards[PER[0]].payload["attachments"][0]["content"], "minutes.approve"))
    assert early.text is not None and "ändras just nu" in early.text
    assert world.db.records.minutes[ids.meeting_id].approvals_for(minutes.revision)[-1].approver_id == POLLY[0]

    await press_publish(world, ids)
    sent = await revision(world.deps.uow, ids)
    second = [m for m in rows(world, "minutes_approval") if m.slot.startswith(f"r{sent}-")]
    assert {m.person_id for m in second} == {POLLY[0], PER[0]}
    assert "\u00a7 1 Aktuellt: anteckningarna har ändrats" in shown(second[0])
    first_wait = await minutes_approval.approve(world.deps, polly, action_data(
        second[0].payload["attachments"][0]["content"], "minutes.approve"))
    assert first_wait.text is not None and "när övriga justerare" in first_wait.text
    assert rows(world, "minutes_published") == []
    done = await minutes_approval.approve(world.deps, per, action_data(
        second[1].payload["attachments"][0]["content"], "minutes.approve"))
    assert done.text is not None and "är publicerade i forumet" in done.text
    (version,) = world.db.records.versions[ids.meeting_id]
    assert {(a.approver_id, a.revision) for a in version.approvals} == {(POLLY[0], version_revision(second)),
                                                                        (PER[0], version_revision(second))}
    assert "utom kvällstid" in version.content.items[0].notes
    assert len(rows(world, "minutes_published")) == 1 and len(rows(world, "minutes_recipient")) == 1
    assert {m.person_id for m in rows(world, "minutes_approved_note")} == {SARA[0], ANNA[0]}
    assert {m.person_id for m in rows(world, "minutes_action")} == {ERIK[0], KARIN[0]}
    assert "Justerad av" in shown(rows(world, "minutes_published")[0])


async def test_on_the_last_approval_the_keeper_who_sent_it_is_the_publisher_not_the_approver(world: World) -> None:
    ids = await world_with(world, approvers=(POLLY[0],))
    await press_publish(world, ids)  # the secretary sends it
    polly = await world.turn(*POLLY, where=f"a:{POLLY[0]}")
    card = rows(world, "minutes_approval")[0].payload["attachments"][0]["content"]
    await minutes_approval.approve(world.deps, polly, action_data(card, "minutes.approve"))
    (version,) = world.db.records.versions[ids.meeting_id]
    assert (version.published_by, version.published_by_name) == SARA
    assert [(a.approver_id, a.approver_name) for a in version.approvals] == [POLLY]


def version_revision(messages: list[Any]) -> int:
    return int(messages[0].slot.split("-")[0][1:])


async def test_an_approval_of_an_older_revision_is_refused_with_the_latest(world: World) -> None:
    ids = await world_with(world, approvers=(POLLY[0],))
    await press_publish(world, ids)
    old = rows(world, "minutes_approval")[0].payload["attachments"][0]["content"]
    await edit_notes(world.deps.uow, ids, "Ändrat.", world.now)
    await press_publish(world, ids)
    polly = await world.turn(*POLLY, where=f"a:{POLLY[0]}")
    refused = await minutes_approval.approve(world.deps, polly, action_data(old, "minutes.approve"))
    assert refused.replace and refused.card is not None
    assert "har ändrats sedan du fick dem" in texts_in(refused.card) and "Ändrat." in texts_in(refused.card)
    assert world.db.records.versions.get(ids.meeting_id) is None
    assert all(a.revision != int(action_data(old, "minutes.approve")["revision"])
               for a in world.db.records.minutes[ids.meeting_id].approvals)


async def test_only_keepers_publish_and_only_approvers_approve(world: World) -> None:
    ids = await world_with(world, approvers=(POLLY[0],))
    before = world.db.records.minutes[ids.meeting_id]
    with pytest.raises(NotRecordKeeper):
        await press_publish(world, ids, who=ERIK)
    assert world.db.records.minutes[ids.meeting_id] == before and world.db.outbox == []
    await press_publish(world, ids)
    card = rows(world, "minutes_approval")[0].payload["attachments"][0]["content"]
    erik = await world.turn(*ERIK, where=f"a:{ERIK[0]}")
    with pytest.raises(NotApprover):
        await minutes_approval.approve(world.deps, erik, action_data(card, "minutes.approve"))
    with pytest.raises(NotApprover):
        await minutes_approval.comment(world.deps, erik, {**action_data(card, "minutes.comment"), "comment": "x"})
    assert world.db.records.minutes[ids.meeting_id].approvals == ()


async def test_a_comment_with_an_identity_number_comes_back_masked_and_is_not_stored(world: World) -> None:
    ids = await world_with(world, approvers=(POLLY[0],))
    await press_publish(world, ids)
    card = rows(world, "minutes_approval")[0].payload["attachments"][0]["content"]
    polly = await world.turn(*POLLY, where=f"a:{POLLY[0]}")
    reply = await minutes_approval.comment(world.deps, polly, {**action_data(card, "minutes.comment"),
                                                                "comment": f"Gäller {PERSONNUMMER} i \u00a7 1"})
    assert reply.card is not None and PERSONNUMMER not in json.dumps(reply.card)
    assert "personnummer" in texts_in(reply.card)
    assert world.db.records.minutes[ids.meeting_id].approvals == () and rows(world, "minutes_comment") == []
    empty = await minutes_approval.comment(world.deps, polly, {**action_data(card, "minutes.comment"), "comment": ""})
    assert empty.card is not None and "Skriv vad som behöver ändras" in texts_in(empty.card)


async def test_a_correction_is_version_two_with_its_note_and_keeps_numbers_and_the_first_version(
    world: World,
) -> None:
    ids = await world_with(world, recipients=(REX[0],))
    await press_publish(world, ids)
    first = world.db.records.versions[ids.meeting_id][0]
    sara = await world.turn(*SARA, where=f"a:{SARA[0]}")
    started = await minutes_publish.correct(world.deps, sara, {"forum_id": ids.forum_id, "meeting_id": ids.meeting_id})
    assert started.card is not None and "minutes.open" in json.dumps(started.card)
    minutes = world.db.records.minutes[ids.meeting_id]
    assert minutes.status is MinutesStatus.DRAFT and minutes.published_versions == 1
    # the editor: action 1 gets a new due date, action 3 is removed, a new one is added to the second item
    items = minutes.content.items
    a1 = replace(items[0].actions[0], due=DUE + timedelta(days=7))
    new = DraftAction("a4", "Bjud in fritidsgården", ids.police_role, DUE)
    corrected = replace(minutes.content, items=(replace(items[0], actions=(a1, items[0].actions[1])),
                                                replace(items[1], actions=(new,))))
    await save(world.deps.uow, ids, corrected, world.now)
    asked = await press_publish(world, ids)
    assert asked.card is not None and "correction_note" in json.dumps(asked.card)
    masked = await press_publish(world, ids, correction_note=f"Fel datum för {PERSONNUMMER}")
    assert masked.card is not None and PERSONNUMMER not in json.dumps(masked.card)
    assert len(world.db.records.versions[ids.meeting_id]) == 1
    later = world.now + timedelta(days=1)
    world.now = later
    reply = await press_publish(world, ids, correction_note="Rätt förfallodag för Å-1")
    assert reply.text is not None and "version 2" in reply.text
    old, second = world.db.records.versions[ids.meeting_id]
    assert old == first and second.version == 2 and second.first_paragraph == first.first_paragraph
    assert second.correction_note == "Rätt förfallodag för Å-1"
    assert [a.number for a in second.content.actions()] == [1, 2, 4]
    actions = {a.number: a for a in world.db.records.actions.values()}
    assert actions[1].due == DUE + timedelta(days=7) and actions[3].status is ActionStatus.CANCELLED
    assert actions[4].status is ActionStatus.OPEN
    posts = rows(world, "minutes_published")
    assert [p.slot for p in posts] == ["v1-part-1", "v2-part-1"]
    assert "Rättad lördag 21 november 2026: Rätt förfallodag för Å-1" in shown(posts[1])
    assert "ny åtgärd: Bjud in fritidsgården" in shown(posts[1])
    assert [m.slot for m in rows(world, "minutes_recipient")] == ["v1-part-1", "v2-part-1"]
    assert [m.slot for m in rows(world, "minutes_action") if m.person_id == ERIK[0]] == ["a1", "a4"]
    audit = [e["action"] for e in world.db.audit]
    assert {"minutes.correction_started", "minutes.corrected", "action.updated", "action.cancelled"} <= set(audit)


async def test_a_correction_may_not_add_or_remove_items(world: World) -> None:
    ids = await world_with(world)
    await press_publish(world, ids)
    sara = await world.turn(*SARA, where=f"a:{SARA[0]}")
    await minutes_publish.correct(world.deps, sara, {"forum_id": ids.forum_id, "meeting_id": ids.meeting_id})
    content = world.db.records.minutes[ids.meeting_id].content
    await save(world.deps.uow, ids, replace(content, items=content.items[:1]), world.now)
    reply = await press_publish(world, ids, correction_note="Kortare")
    assert reply.card is not None and "behåller punkterna" in texts_in(reply.card)
    assert len(world.db.records.versions[ids.meeting_id]) == 1


async def test_readers_see_the_published_minutes_and_only_keepers_get_the_correct_button(world: World) -> None:
    ids = await world_with(world, recipients=(REX[0],))
    data = {"forum_id": ids.forum_id, "meeting_id": ids.meeting_id}
    erik = await world.turn(*ERIK, where=f"a:{ERIK[0]}")
    early = await minutes_publish.show(world.deps, erik, ShowArgs(data, "r1"))
    assert early.text == "Minnesanteckningarna för det mötet är inte publicerade än."
    await press_publish(world, ids)
    for who, may_correct in ((ERIK, False), (REX, False), (SARA, True), (ANNA, True)):
        reply = await minutes_publish.show(world.deps, await world.turn(*who, where=f"a:{who[0]}"), ShowArgs(data, "r"))
        assert reply.card is not None and "\u00a7 2 Trender" in texts_in(reply.card), who
        assert ("minutes.correct" in json.dumps(reply.card)) is may_correct, who
    with pytest.raises(NotReader):
        await minutes_publish.show(world.deps, await world.turn(*OLLE, where=f"a:{OLLE[0]}"), ShowArgs(data, "r"))
    english = await minutes_publish.show(world.deps, await world.turn(*ERIK, where=f"a:{ERIK[0]}", language="en"),
                                         ShowArgs(data, "r"))
    assert english.card is not None and "Minutes – Trygghetsforum Norrby" in texts_in(english.card)


async def test_the_minutes_never_carry_an_organisations_raw_lagesbild(world: World) -> None:
    ids = await world_with(world, recipients=(REX[0],))
    async with world.deps.uow() as uow:
        await uow.contributions.add_version(
            meeting_id=ids.meeting_id, organisation_id=ids.police, sections=[(ids.sections[0], "Aktuellt",
                                                                              RAW_LAGESBILD)],
            nothing_new=False, attending=True, submitted_by=ERIK[0], submitted_by_name=ERIK[1], after_deadline=False,
            now=world.now)
        await uow.commit()
    await press_publish(world, ids)
    minutes_rows = [r.message for r in world.db.outbox if r.message.kind.startswith("minutes_")]
    assert minutes_rows and all(RAW_LAGESBILD not in json.dumps(m.payload, ensure_ascii=False) for m in minutes_rows)
    assert RAW_LAGESBILD not in repr(world.db.records.versions[ids.meeting_id])


async def test_a_correction_goes_through_approval_again_with_its_note_and_what_changed(world: World) -> None:
    ids = await world_with(world, approvers=(POLLY[0],))
    await press_publish(world, ids)
    polly = await world.turn(*POLLY, where=f"a:{POLLY[0]}")
    first_card = rows(world, "minutes_approval")[0].payload["attachments"][0]["content"]
    await minutes_approval.approve(world.deps, polly, action_data(first_card, "minutes.approve"))
    assert len(world.db.records.versions[ids.meeting_id]) == 1
    sara = await world.turn(*SARA, where=f"a:{SARA[0]}")
    await minutes_publish.correct(world.deps, sara, {"forum_id": ids.forum_id, "meeting_id": ids.meeting_id})
    await edit_notes(world.deps.uow, ids, "Rättad text.", world.now)
    reply = await press_publish(world, ids, correction_note="Fel i \u00a7 1")
    assert reply.text is not None and "skickade för justering" in reply.text
    again = await press_publish(world, ids)
    assert again.text is not None and "redan ute på justering" in again.text
    second = rows(world, "minutes_approval")[-1]
    assert "Fel i \u00a7 1" in shown(second) and "\u00a7 1 Aktuellt: anteckningarna har ändrats" in shown(second)
    stale = await minutes_approval.approve(world.deps, polly, action_data(first_card, "minutes.approve"))
    assert stale.card is not None and "har ändrats sedan du fick dem" in texts_in(stale.card)
    done = await minutes_approval.approve(world.deps, polly, action_data(second.payload["attachments"][0]["content"],
                                                                          "minutes.approve"))
    assert done.text is not None and "publicerade" in done.text
    first, corrected = world.db.records.versions[ids.meeting_id]
    assert corrected.version == 2 and corrected.correction_note == "Fel i \u00a7 1"
    assert corrected.approvals[0].revision > first.approvals[0].revision
    late = await minutes_approval.approve(world.deps, polly, action_data(second.payload["attachments"][0]["content"],
                                                                          "minutes.approve"))
    assert late.card is not None and "redan publicerade" in texts_in(late.card)
    assert action_data(late.card, "minutes.show") == {"forum_id": ids.forum_id, "meeting_id": ids.meeting_id}
    assert len(world.db.records.versions[ids.meeting_id]) == 2


async def test_a_correction_out_for_approval_when_its_year_is_archived_is_not_published(world: World) -> None:
    ids = await world_with(world, approvers=(POLLY[0],))
    await press_publish(world, ids)
    polly = await world.turn(*POLLY, where=f"a:{POLLY[0]}")
    await minutes_approval.approve(world.deps, polly, action_data(
        rows(world, "minutes_approval")[0].payload["attachments"][0]["content"], "minutes.approve"))
    sara = await world.turn(*SARA, where=f"a:{SARA[0]}")
    await minutes_publish.correct(world.deps, sara, {"forum_id": ids.forum_id, "meeting_id": ids.meeting_id})
    await edit_notes(world.deps.uow, ids, "Rättad text.", world.now)
    await press_publish(world, ids, correction_note="Fel i \u00a7 1")
    card = rows(world, "minutes_approval")[-1].payload["attachments"][0]["content"]
    world.db.auditors.archives.append((ids.forum_id, 2026, "manifest"))  # the year's package is fetched meanwhile
    refused = await minutes_approval.approve(world.deps, polly, action_data(card, "minutes.approve"))
    assert refused.text is not None and "arkiverades medan rättelsen väntade" in refused.text
    assert len(world.db.records.versions[ids.meeting_id]) == 1
    minutes = world.db.records.minutes[ids.meeting_id]
    assert minutes.approvals_for(minutes.revision) == ()  # the approval is not stored either
    assert "Rättad text." in json.dumps([i.notes for i in minutes.content.items], ensure_ascii=False)  # draft kept
    again = await press_publish(world, ids)
    assert again.text is not None and "arkiverades medan rättelsen väntade" in again.text


async def test_a_comment_over_the_length_limit_is_refused_with_the_text_kept(world: World) -> None:
    ids = await world_with(world, approvers=(POLLY[0],))
    await press_publish(world, ids)
    card = rows(world, "minutes_approval")[0].payload["attachments"][0]["content"]
    polly = await world.turn(*POLLY, where=f"a:{POLLY[0]}")
    reply = await minutes_approval.comment(world.deps, polly, {**action_data(card, "minutes.comment"),
                                                                "comment": "x" * 2_001})
    assert reply.card is not None and "högst 2000 tecken" in texts_in(reply.card)
    assert world.db.records.minutes[ids.meeting_id].approvals == ()


async def test_a_concurrent_publication_taking_the_action_numbers_keeps_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = await world_with(world)
    async with world.deps.uow() as uow:  # another meeting's minutes took Å-1 while these were being published
        await uow.actions.add(ActionItem("other", ids.forum_id, 1, "Annan", ids.police_role, DUE, "m-other", "s",
                                         ActionStatus.OPEN, world.now, SARA[0]), world.now)
        await uow.commit()

    async def read_before_the_other(self: FakeActions, forum_id: str) -> int:
        return 1

    monkeypatch.setattr(FakeActions, "next_number", read_before_the_other)
    reply = await press_publish(world, ids)
    assert reply.text is not None and "Försök igen" in reply.text
    assert ids.meeting_id not in world.db.records.versions and rows(world, "minutes_published") == []
    assert world.db.records.minutes[ids.meeting_id].status is MinutesStatus.DRAFT


async def test_publishing_queues_the_mail_to_e_mail_recipients_and_says_so_or_that_mail_is_off() -> None:
    from tests.fakes.uow import fake_deps
    from tests.services.conftest import World as ServiceWorld

    for enabled, said in ((True, "mejlas till 2 e-postmottagare"), (False, "fick inget mejl")):
        deps, db = fake_deps(mail_enabled=enabled)
        world = ServiceWorld(deps, db)
        ids = await world_with(world)
        async with deps.uow() as uow:
            forum = await uow.forums.get(ids.forum_id)
            assert forum is not None
            await uow.forums.set_record_roles(
                forum.id, replace(forum.record, recipient_emails=("ledning@norrby.se", "kansli@norrby.se")), world.now)
            await uow.commit()
        reply = await press_publish(world, ids)
        assert [(m.address, m.version) for m in db.mail] == (
            [("ledning@norrby.se", 1), ("kansli@norrby.se", 1)] if enabled else [])
        assert said in (reply.text or ""), reply.text


async def test_a_recipient_who_never_joined_reads_the_published_minutes_from_a_private_chat(world: World) -> None:
    """Kommunledningen is no member of the forum: its 1:1 chat still finds the forum through the record roles."""
    from bot.services import minutes_draft
    from bot.services.minutes_draft import MinutesArgs

    ids = await world_with(world, recipients=(REX[0],))
    await press_publish(world, ids)
    reply = await minutes_draft.open_minutes(world.deps, await world.turn(*REX, where=f"a:{REX[0]}"), MinutesArgs())
    assert reply.card is not None, reply.text
    assert "Minnesanteckningar – Trygghetsforum Norrby" in texts_in(reply.card)
    assert "minutes.correct" not in json.dumps(reply.card)  # a reader, not a keeper


async def test_while_the_owner_is_away_the_new_action_goes_to_the_deputy(world: World) -> None:
    ids = await world_with(world)
    async with world.deps.uow() as uow:
        forum = await uow.forums.get(ids.forum_id)
        assert forum is not None
        police = next(o for o in forum.organisations if o.name == "Polisen")
        await uow.people.upsert(POLLY[0], display_name=POLLY[1], aad_object_id=None, tenant_id="t", now=world.now)
        await uow.forums.set_role_holder(police.id, RoleKind.DEPUTY, POLLY[0], world.now)
        await uow.people.set_away_until(ERIK[0], world.now.date() + timedelta(days=14), world.now)
        await uow.commit()
    await press_publish(world, ids)
    owners = {m.person_id for m in rows(world, "minutes_action") if "Kontakta skolan" in shown(m)}
    assert owners == {POLLY[0]}  # Erik is away (frånvarande till): his deputy gets it, as with the reminders
