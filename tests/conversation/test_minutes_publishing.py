"""Publishing minutes through the bot, in Swedish and English: directly, through two approvers (one comments,
the secretary fixes, both approve), a correction as version 2, and the refusals.

The drafts are written straight through the unit of work (the draft editor is another part of issue 8)."""

# "\u00a7" below is the paragraph sign (§): tests/unit/test_doc_references.py keeps the sign before a digit out of
# the sources, where it would read as a citation.
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from domain.clock import FixedClock
from storage.orm import OutboxRow
from storage.unit_of_work import UnitOfWorkFactory
from tests.cardcheck import validate_cards
from tests.conversation.harness import CHANNEL, Chat, User, action_data, inputs_of, make_bot, texts_in
from tests.conversation.minutes_flows import click
from tests.minutes_world import ANNA, ERIK, KARIN, PER, POLLY, REX, SARA, Ids, edit_notes, minutes_world, revision

PEOPLE = (ANNA, SARA, ERIK, KARIN, POLLY, PER, REX)

WORDS = {
    "sv": {"published": "är publicerade som \u00a7 1–2", "sent": "skickade för justering till Polly Persson, Per Holm",
           "commented": "din kommentar är skickad", "waiting": "när övriga justerare har justerat",
           "done": "Alla justerare har nu justerat", "changed": "\u00a7 1 Aktuellt: anteckningarna har ändrats",
           "title": "Minnesanteckningar – Trygghetsforum Norrby", "approved_by": "Justerad av",
           "not_keeper": "Bara ordföranden (Anna Lindqvist) eller forumets sekreterare",
           "not_approver": "Bara forumets justerare kan justera", "stale": "har ändrats sedan du fick dem",
           "note_label": "Vad rättas och varför?", "corrected": "Rättad", "version2": "version 2",
           "started": "Rättelsen är påbörjad", "action": "Du har fått en åtgärd",
           "roadmap": "senare version av Forumbot"},
    "en": {"published": "are published as \u00a7 1–2", "sent": "sent for approval to Polly Persson, Per Holm",
           "commented": "your comment has been sent", "waiting": "when the other approvers have approved",
           "done": "All approvers have now approved", "changed": "\u00a7 1 Aktuellt: the notes have changed",
           "title": "Minutes – Trygghetsforum Norrby", "approved_by": "Approved by",
           "not_keeper": "Only the chair (Anna Lindqvist) or the forum's secretary",
           "not_approver": "Only the forum's approvers can approve", "stale": "have changed since you got them",
           "note_label": "What is corrected and why?", "corrected": "Corrected", "version2": "version 2",
           "started": "The correction has started", "action": "You have been given an action",
           "roadmap": "later version of Forumbot"},
}


@dataclass(frozen=True)
class Queued:
    kind: str
    person_id: str | None
    conversation_id: str | None
    slot: str
    payload: dict[str, Any]

    @property
    def card(self) -> dict[str, Any]:
        content: dict[str, Any] = self.payload["attachments"][0]["content"]
        return content

    @property
    def shown(self) -> str:
        return "\n".join([str(self.payload.get("text") or "")] +
                         [texts_in(a["content"]) for a in self.payload.get("attachments", [])])


async def outbox(uow: UnitOfWorkFactory, kind: str) -> list[Queued]:
    async with uow() as u:
        rows = await u.session.scalars(select(OutboxRow).where(OutboxRow.kind == kind).order_by(OutboxRow.id))
        return [Queued(r.kind, r.person_id, r.conversation_id, r.slot, dict(r.payload)) for r in rows]


def user(person: tuple[str, str], language: str) -> User:
    return User(person[0], person[1], locale="sv-SE" if language == "sv" else "en-US")


def personal(bot: Any, person: tuple[str, str]) -> Chat:
    return Chat(bot, conversation_id=f"a:{person[0]}", conversation_type="personal")


async def forum(uow: UnitOfWorkFactory, clock: FixedClock, language: str, **roles: Any) -> Ids:
    ids = await minutes_world(uow, clock.now(), conversation_id=CHANNEL, **roles)
    async with uow() as u:
        for person in PEOPLE:
            await u.people.set_language(person[0], language, clock.now())
        found = await u.forums.get(ids.forum_id)
        assert found is not None
        await u.forums.update_settings(ids.forum_id, name=found.name, schedule=found.schedule, now=clock.now(),
                                       language=language)  # the channel's posts are in the forum's language
        await u.commit()
    return ids


async def publish(bot: Any, uow: UnitOfWorkFactory, ids: Ids, language: str, who: tuple[str, str] = SARA,
                  chat: Chat | None = None, **extra: Any) -> dict[str, Any]:
    data = {"forum_id": ids.forum_id, "meeting_id": ids.meeting_id, "revision": await revision(uow, ids), **extra}
    return await (chat or personal(bot, who)).execute(user(who, language), "minutes.publish", data)


def posted(chat: Chat) -> dict[str, Any]:
    """The card the last card action posted as a new message (the pressed card stays as it was)."""
    found = [a for a in chat.adapter.activity_buffer if a.attachments]
    assert found, "no card was posted"
    content: dict[str, Any] = found[-1].attachments[0].content
    return content


def said(body: dict[str, Any]) -> str:
    return texts_in(body["value"])


@pytest.mark.parametrize("language", ["sv", "en"])
async def test_publishing_without_approvers_posts_to_the_forum_recipients_and_owners(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, language: str
) -> None:
    bot, wake = make_bot(uow_factory, clock)
    ids = await forum(uow_factory, clock, language, recipients=(REX[0],))
    words = WORDS[language]
    body = await publish(bot, uow_factory, ids, language)
    assert words["published"] in said(body)
    (post,) = await outbox(uow_factory, "minutes_published")
    assert post.conversation_id == CHANNEL and words["title"] in post.shown
    assert [r.person_id for r in await outbox(uow_factory, "minutes_recipient")] == [REX[0]]
    owners = await outbox(uow_factory, "minutes_action")
    assert sorted(o.person_id or "" for o in owners) == sorted([ERIK[0], KARIN[0]])
    assert all(words["action"] in o.shown and words["roadmap"] not in o.shown for o in owners)
    assert [v.person_id for v in await outbox(uow_factory, "minutes_owner_vacant")] == [ANNA[0]]
    assert wake.wakes >= 1


@pytest.mark.parametrize("language", ["sv", "en"])
async def test_two_approvers_one_comments_the_secretary_fixes_and_both_approve(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, language: str
) -> None:
    bot, _ = make_bot(uow_factory, clock)
    ids = await forum(uow_factory, clock, language, approvers=(POLLY[0], PER[0]), recipients=(REX[0],))
    words = WORDS[language]
    assert words["sent"] in said(await publish(bot, uow_factory, ids, language))
    first = {q.person_id: q.card for q in await outbox(uow_factory, "minutes_approval")}
    polly, per = user(POLLY, language), user(PER, language)
    body = await personal(bot, POLLY).execute(polly, "minutes.comment",
                                              {**action_data(first[POLLY[0]], "minutes.comment"),
                                               "comment": "Skriv kvällstid i \u00a7 1."})
    assert words["commented"] in said(body)
    comments = await outbox(uow_factory, "minutes_comment")
    assert {c.person_id for c in comments} == {SARA[0], ANNA[0]}
    assert all("Skriv kvällstid i \u00a7 1." in c.shown for c in comments)
    assert action_data(comments[0].card, "minutes.open") == {"forum_id": ids.forum_id, "meeting_id": ids.meeting_id}

    await edit_notes(uow_factory, ids, "Läget är lugnt, utom kvällstid.", clock.now())
    await publish(bot, uow_factory, ids, language)
    sent = await revision(uow_factory, ids)
    second = {q.person_id: q for q in await outbox(uow_factory, "minutes_approval") if q.slot.startswith(f"r{sent}-")}
    assert set(second) == {POLLY[0], PER[0]} and words["changed"] in second[PER[0]].shown
    waiting = await personal(bot, POLLY).execute(polly, "minutes.approve",
                                                 action_data(second[POLLY[0]].card, "minutes.approve"))
    assert waiting["type"] == "application/vnd.microsoft.card.adaptive" and words["waiting"] in said(waiting)
    assert await outbox(uow_factory, "minutes_published") == []
    done = await personal(bot, PER).execute(per, "minutes.approve", action_data(second[PER[0]].card, "minutes.approve"))
    assert words["done"] in said(done)
    (post,) = await outbox(uow_factory, "minutes_published")
    assert words["approved_by"] in post.shown and "Polly Persson" in post.shown and "utom kvällstid" in post.shown
    assert [r.person_id for r in await outbox(uow_factory, "minutes_recipient")] == [REX[0]]
    assert {o.person_id for o in await outbox(uow_factory, "minutes_action")} == {ERIK[0], KARIN[0]}
    assert {n.person_id for n in await outbox(uow_factory, "minutes_approved_note")} == {SARA[0], ANNA[0]}


EDITOR = {"sv": {"open": "Öppna utkastet", "edit": "Ändra", "new_action": "Ny åtgärd", "save": "Spara",
                 "overview": "Översikt", "send": "Skicka för justering", "since": "Ändrat sedan du såg utkastet",
                 "added": "\u00a7 1 Aktuellt: ny åtgärd: Ring fastighetsägaren"},
          "en": {"open": "Open the draft", "edit": "Edit", "new_action": "New action", "save": "Save",
                 "overview": "Overview", "send": "Send for approval", "since": "Changed since you saw the draft",
                 "added": "\u00a7 1 Aktuellt: new action: Ring fastighetsägaren"}}


@pytest.mark.parametrize("language", ["sv", "en"])
async def test_after_a_comment_an_action_added_in_the_editor_is_shown_to_the_approvers_as_a_change(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, language: str
) -> None:
    bot, _ = make_bot(uow_factory, clock)
    ids = await forum(uow_factory, clock, language, approvers=(POLLY[0], PER[0]))
    words = EDITOR[language]
    await publish(bot, uow_factory, ids, language)
    first = {q.person_id: q.card for q in await outbox(uow_factory, "minutes_approval")}
    await personal(bot, POLLY).execute(user(POLLY, language), "minutes.comment",
                                       {**action_data(first[POLLY[0]], "minutes.comment"), "comment": "Åtgärd saknas."})
    (to_sara,) = [c for c in await outbox(uow_factory, "minutes_comment") if c.person_id == SARA[0]]
    chat, sara = personal(bot, SARA), user(SARA, language)
    overview = await click(chat, sara, to_sara.card, words["open"])
    item = await click(chat, sara, overview, words["edit"])
    new = await click(chat, sara, item, words["new_action"])
    owner = str(inputs_of(new)["action_owner"]["choices"][0]["value"])
    saved = await click(chat, sara, new, words["save"], action_title="Ring fastighetsägaren", action_owner=owner)
    await click(chat, sara, await click(chat, sara, saved, words["overview"]), words["send"])
    sent = await revision(uow_factory, ids)
    second = {q.person_id: q for q in await outbox(uow_factory, "minutes_approval") if q.slot.startswith(f"r{sent}-")}
    assert set(second) == {POLLY[0], PER[0]}
    assert words["since"] in second[PER[0]].shown and words["added"] in second[PER[0]].shown


@pytest.mark.parametrize("language", ["sv", "en"])
async def test_a_correction_is_published_as_version_two_with_its_note(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, language: str
) -> None:
    bot, _ = make_bot(uow_factory, clock)
    ids = await forum(uow_factory, clock, language, recipients=(REX[0],))
    words = WORDS[language]
    await publish(bot, uow_factory, ids, language)
    chat = personal(bot, SARA)
    await chat.execute(user(SARA, language), "minutes.correct",
                       {"forum_id": ids.forum_id, "meeting_id": ids.meeting_id})
    started = posted(chat)
    assert words["started"] in texts_in(started) and "minutes.open" in json.dumps(started)
    await edit_notes(uow_factory, ids, "Läget är lugnt. Rättat stavfel.", clock.now())
    await publish(bot, uow_factory, ids, language, chat=chat)
    asked = posted(chat)
    assert words["note_label"] in texts_in(asked)
    body = await chat.execute(user(SARA, language), "minutes.publish",
                              {**action_data(asked, "minutes.publish"), "correction_note": "Stavfel i \u00a7 1"})
    assert words["version2"] in said(body)
    posts = await outbox(uow_factory, "minutes_published")
    assert [p.slot for p in posts] == ["v1-part-1", "v2-part-1"]
    assert f"{words['corrected']} " in posts[1].shown and "Stavfel i \u00a7 1" in posts[1].shown
    assert "\u00a7 1" in posts[1].shown and "Rättat stavfel" in posts[1].shown
    assert [r.slot for r in await outbox(uow_factory, "minutes_recipient")] == ["v1-part-1", "v2-part-1"]
    assert len(await outbox(uow_factory, "minutes_action")) == 2  # no action is new: nobody is told again


@pytest.mark.parametrize("language", ["sv", "en"])
async def test_refusals_change_nothing(uow_factory: UnitOfWorkFactory, clock: FixedClock, language: str) -> None:
    bot, _ = make_bot(uow_factory, clock)
    ids = await forum(uow_factory, clock, language, approvers=(POLLY[0],))
    words = WORDS[language]
    assert words["not_keeper"] in said(await publish(bot, uow_factory, ids, language, who=ERIK))
    assert await outbox(uow_factory, "minutes_approval") == []
    await publish(bot, uow_factory, ids, language)
    (old,) = await outbox(uow_factory, "minutes_approval")
    erik = await personal(bot, ERIK).execute(user(ERIK, language), "minutes.approve",
                                             action_data(old.card, "minutes.approve"))
    assert words["not_approver"] in said(erik)
    await edit_notes(uow_factory, ids, "Ändrat efter utskick.", clock.now())
    await publish(bot, uow_factory, ids, language)
    stale = await personal(bot, POLLY).execute(user(POLLY, language), "minutes.approve",
                                               action_data(old.card, "minutes.approve"))
    assert words["stale"] in said(stale) and "Ändrat efter utskick." in said(stale)
    assert await outbox(uow_factory, "minutes_published") == []


ALREADY = {"sv": ("redan publicerade", "har ändrats sedan du fick dem"),
           "en": ("already published", "have changed since you got them")}


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("verb", ["minutes.approve", "minutes.comment"])
async def test_an_old_approval_card_after_publication_says_the_minutes_are_already_published(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, language: str, verb: str
) -> None:
    bot, _ = make_bot(uow_factory, clock)
    ids = await forum(uow_factory, clock, language, approvers=(POLLY[0],))
    await publish(bot, uow_factory, ids, language)
    (card,) = [q.card for q in await outbox(uow_factory, "minutes_approval")]
    chat, polly = personal(bot, POLLY), user(POLLY, language)
    await chat.execute(polly, "minutes.approve", action_data(card, "minutes.approve"))
    late = await chat.execute(polly, verb, {**action_data(card, verb), "comment": "Sent påpekande."})
    already, changed = ALREADY[language]
    assert already in said(late) and changed not in said(late)
    assert action_data(late["value"], "minutes.show") == {"forum_id": ids.forum_id, "meeting_id": ids.meeting_id}
    async with uow_factory() as u:
        minutes = await u.minutes.get(ids.meeting_id)
        assert minutes is not None and [a.decision.value for a in minutes.approvals] == ["approved"]


@pytest.mark.node
async def test_every_minutes_card_is_a_valid_adaptive_card(uow_factory: UnitOfWorkFactory, clock: FixedClock) -> None:
    bot, _ = make_bot(uow_factory, clock)
    ids = await forum(uow_factory, clock, "sv", approvers=(POLLY[0],), recipients=(REX[0],))
    await publish(bot, uow_factory, ids, "sv")
    (approval,) = await outbox(uow_factory, "minutes_approval")
    await personal(bot, POLLY).execute(user(POLLY, "sv"), "minutes.comment",
                                       {**action_data(approval.card, "minutes.comment"), "comment": "Ändra"})
    await edit_notes(uow_factory, ids, "Ändrat.", clock.now())
    await publish(bot, uow_factory, ids, "sv")
    latest = (await outbox(uow_factory, "minutes_approval"))[-1]
    await personal(bot, POLLY).execute(user(POLLY, "sv"), "minutes.approve",
                                       action_data(latest.card, "minutes.approve"))
    chat = personal(bot, SARA)
    await chat.execute(user(SARA, "sv"), "minutes.correct", {"forum_id": ids.forum_id, "meeting_id": ids.meeting_id})
    started = posted(chat)
    await publish(bot, uow_factory, ids, "sv", chat=chat)
    note = posted(chat)
    await chat.execute(user(SARA, "sv"), "minutes.show", {"forum_id": ids.forum_id, "meeting_id": ids.meeting_id})
    shown = posted(chat)
    assert "minutes.correct" in json.dumps(shown)
    cards = [started, note, shown]
    for kind in ("minutes_approval", "minutes_comment", "minutes_published", "minutes_recipient", "minutes_action"):
        cards += [q.card for q in await outbox(uow_factory, kind)]
    assert len(cards) >= 10
    assert validate_cards(cards) == []
