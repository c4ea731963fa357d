"""`leveransproblem` / `delivery problems`: the chair sees the forum's dead letters with why (never what they
said) and puts one back in the queue; on SQLite and PostgreSQL through the route table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.routing import TEXT, VERBS, Request, dispatch
from bot.services.turn import Origin, Turn
from dialogs.texts import for_language
from domain.errors import NotChair
from domain.model import ConversationType, Forum, Person, Schedule
from storage.outbox import NewMessage
from storage.unit_of_work import UnitOfWorkFactory
from tests.conversation.harness import texts_in
from tests.deps import deps_of

pytestmark = pytest.mark.integration

CHANNEL = "19:forum@thread.tacv2"
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
ANNA = Person("29:anna", "Anna Lindqvist")  # the chair
POLLY = Person("29:polly", "Polly Polis")
SECRET = "Hemlig text om Kalle"  # the message's text: never shown on the list


def _route(name: str):  # type: ignore[no-untyped-def]
    return next(r for r in (*TEXT, *VERBS) if r.name == name)


def _turn(forum: Forum, person: Person, language: str = "sv", *, personal: bool = False) -> Turn:
    where = f"a:{person.id}" if personal else CHANNEL
    origin = Origin(tenant_id="t", conversation_id=where,
                    conversation_type=ConversationType.PERSONAL if personal else ConversationType.CHANNEL,
                    service_url="https://smba.trafficmanager.net/emea/", user_id=person.id,
                    user_name=person.display_name, aad_object_id=None, bot_id="28:bot", team_id=None,
                    channel_id=None, locale=f"{language}-SE")
    return Turn(origin=origin, person=person, t=for_language(language), now=NOW,
                forum=None if personal else forum)


async def _world(uow_factory: UnitOfWorkFactory) -> tuple[Forum, int, int]:
    async with uow_factory() as uow:
        forum_id = await uow.forums.create(name="Trygg i Norrby", tenant_id="t", conversation_id=CHANNEL,
                                           chair_id=ANNA.id, schedule=Schedule(), now=NOW)
        for person in (ANNA, POLLY):
            await uow.people.upsert(person.id, display_name=person.display_name, aad_object_id=None,
                                    tenant_id="t", now=NOW)
        forum = await uow.forums.get(forum_id)
        assert forum is not None
        nudge = await uow.outbox.enqueue(NewMessage(
            kind="action_nudge", subject_id=forum_id, recipient_id=POLLY.id, person_id=POLLY.id,
            via_conversation_id=CHANNEL, payload={"type": "message", "text": SECRET},
            occurrence_local_date="2026-11-23", extra={"action_ids": ["a-1"]}), NOW)
        other = await uow.outbox.enqueue(NewMessage(  # another forum's: never listed here
            kind="reminder", subject_id="m-9", recipient_id="29:x", conversation_id="19:other@thread.tacv2",
            payload={"type": "message", "text": SECRET}), NOW)
        assert nudge is not None and other is not None
        await uow.outbox.mark_dead(nudge, "too_large", 413, NOW + timedelta(minutes=5))
        await uow.outbox.mark_dead(other, "too_large", 413, NOW)
        await uow.commit()
    return forum, nudge, other


@pytest.mark.parametrize("language", ["sv", "en"])
async def test_the_chair_sees_the_dead_letters_and_retries_one(
    uow_factory: UnitOfWorkFactory, language: str
) -> None:
    forum, nudge, other = await _world(uow_factory)
    deps = deps_of(uow_factory)
    t = for_language(language)
    reply = await dispatch(_route("delivery_problems"), deps, _turn(forum, ANNA, language), Request())
    shown = texts_in(reply.card or {})
    assert t("delivery_problems.what_action_nudge") in shown and "Polly Polis" in shown
    assert t("delivery_problems.reason_too_large") in shown
    assert SECRET not in str(reply.card)
    buttons = [a for a in str(reply.card).split("'verb': ") if a.startswith("'delivery.retry'")]
    assert len(buttons) >= 1 and f"'row_id': {other}" not in str(reply.card)

    pressed = await dispatch(_route("delivery.retry"), deps, _turn(forum, ANNA, language),
                             Request(data={"row_id": nudge, "forum_id": forum.id}))
    assert pressed.replace
    assert t("delivery_problems.retried", what=t("delivery_problems.what_action_nudge"),
             recipient="Polly Polis") in texts_in(pressed.card or {})
    assert t("delivery_problems.none", forum=forum.name) in texts_in(pressed.card or {})
    async with uow_factory() as uow:
        row = await uow.outbox.get(nudge)
        assert row is not None
        assert (row.status, row.attempts, row.last_error) == ("pending", 0, None)
        assert row.meta == {"action_ids": ["a-1"]}
        audited = await uow.audit.by_action("outbox.retried")
        assert [(a.subject_id, a.actor_id) for a in audited] == [(str(nudge), ANNA.id)]
        assert (await uow.outbox.get(other)).status == "dead"  # type: ignore[union-attr]

    again = await dispatch(_route("delivery.retry"), deps, _turn(forum, ANNA, language),
                           Request(data={"row_id": nudge, "forum_id": forum.id}))  # the old card pressed again
    assert t("delivery_problems.not_dead") in texts_in(again.card or {})
    async with uow_factory() as uow:
        assert len(await uow.audit.by_action("outbox.retried")) == 1


async def test_in_the_chairs_private_chat_and_refused_for_others(uow_factory: UnitOfWorkFactory) -> None:
    forum, _, other = await _world(uow_factory)
    deps = deps_of(uow_factory)
    reply = await dispatch(_route("delivery_problems"), deps, _turn(forum, ANNA, personal=True), Request())
    assert "Polly Polis" in texts_in(reply.card or {})
    with pytest.raises(NotChair):
        await dispatch(_route("delivery_problems"), deps, _turn(forum, POLLY), Request())
    with pytest.raises(NotChair):  # someone else's forum's row, by a forged card
        await dispatch(_route("delivery.retry"), deps, _turn(forum, POLLY),
                       Request(data={"row_id": other, "forum_id": forum.id}))
    pressed = await dispatch(_route("delivery.retry"), deps, _turn(forum, ANNA),
                             Request(data={"row_id": other, "forum_id": forum.id}))
    assert for_language("sv")("delivery_problems.not_dead") in texts_in(pressed.card or {})
    async with uow_factory() as uow:
        assert (await uow.outbox.get(other)).status == "dead"  # type: ignore[union-attr]
