"""End to end, over real HTTP and the fake connector, on SQLite and PostgreSQL: from published minutes with three
actions to the next meeting's follow-up and the exported log.

The week of tests/e2e/test_weekly_cycle.py → the secretary publishes minutes with three actions (no approvers) →
the clock moves on, and every morning's tick sends reminders: before the due date, on it, and while overdue →
Fatima hands hers (Å-3) over to Fältassistenterna from the reminder card, and Lars takes it → Erik marks Å-1 done
from the card with the outcome → Erik re-dates Å-2 with a reason, and the chair is told → Å-3 stays unanswered:
after two overdue reminders the chair is told → Lars leaves the team, his role falls vacant, the chair is told
once → the chair gives the role to Sara, who gets one hand-over message and from then on the reminders → the next
summary's follow-up shows all three as they now stand → the exported log has every event of Å-3 in order.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from typing import Any

import pytest

from domain.action_log import EventKind
from domain.clock import FixedClock
from tests.conversation.harness import texts_in
from tests.conversation.minutes_flows import buttons
from tests.e2e.harness import BOT_ID, CHANNEL, TEAM, Forumbot, Person, running_forumbot
from tests.e2e.test_foundation_journey import ANNA, ERIK, FATIMA, LARS
from tests.e2e.test_minutes_journey import AFTER, SUNDAY, choice, click, draft, personal_cards, week_to_summary
from tests.e2e.test_weekly_cycle import JOHAN, MARIA
from tests.fakes.connector import FakeConnector

pytestmark = pytest.mark.e2e

SARA = Person("29:sara", "Sara Lind")  # Fältassistenterna's new participant after Lars
# Mornings at 08:00 in Stockholm (07:00 UTC). Å-1 is due Thu 10 Dec, Å-2 Thu 17 Dec, Å-3 Sun 6 Dec.
FRI_4 = datetime(2026, 12, 4, 7, 0, tzinfo=UTC)  # Å-3: two days before
MON_7 = datetime(2026, 12, 7, 7, 0, tzinfo=UTC)  # Å-3: its due day (a Sunday) moved to the next working morning
TUE_8 = datetime(2026, 12, 8, 7, 0, tzinfo=UTC)  # Å-1: two days before
WED_9 = datetime(2026, 12, 9, 7, 0, tzinfo=UTC)  # nothing: Monday's was already after the due date
MON_14 = datetime(2026, 12, 14, 7, 0, tzinfo=UTC)  # Å-3: the next overdue one (Saturday the 12th, moved)
TUE_15 = datetime(2026, 12, 15, 7, 0, tzinfo=UTC)  # Å-2: two days before
THU_17 = datetime(2026, 12, 17, 7, 0, tzinfo=UTC)  # Å-3: three days after the last, unanswered → the chair
MON_21 = datetime(2026, 12, 21, 7, 0, tzinfo=UTC)  # Å-3: the next one, now to the role's new holder
# The next meetings (24 and 31 December) fall on julafton and nyårsafton: the next summary is for 7 January.
NEXT_DEADLINE = datetime(2027, 1, 6, 15, 0, tzinfo=UTC)


def _told(bot: Forumbot, person: Person, word: str) -> list[str]:
    """Everything sent 1:1 to the person (the message text and its cards' texts) that has `word`."""
    chats = {cid for cid, body in zip(bot.connector.created_ids, bot.connector.created_conversations, strict=False)
             if body["members"][0]["id"] == person.id} | {person.personal_conversation}
    found = []
    for request in bot.connector.activity_posts(ok_only=True):
        if request.conversation_id in chats:
            body = request.json or {}
            shown = "\n".join([str(body.get("text") or ""), *(texts_in(a.get("content") or {})
                                                              for a in body.get("attachments") or [])])
            if word in shown:
                found.append(shown)
    return found


def _digests(bot: Forumbot, person: Person) -> list[dict[str, Any]]:
    return personal_cards(bot, person, "Påminnelse: åtgärder i Trygghetsforum Norrby")


async def _press(bot: Forumbot, person: Person, card: dict[str, Any], title: str, action_number: str,
                 **typed: str) -> dict[str, Any]:
    """Press `title` in the panel of `action_number` (e.g. "Å-3") on a card in the person's 1:1 chat."""
    panels = [b for b in buttons(card) if b["title"] == title]
    numbered = [b for b in panels if _number_of(card, b["data"].get("action_id", "")) == action_number]
    assert numbered, (title, action_number, [b["title"] for b in buttons(card)])
    nth = panels.index(numbered[0])
    action_id = numbered[0]["data"]["action_id"]
    named = {f"{name}_{action_id}": value for name, value in typed.items()}
    return await click(bot, person, card, title, nth, conversation=person.personal_conversation, **named)


_NUMBERS: dict[str, str] = {}


def _number_of(card: dict[str, Any], action_id: str) -> str:
    return _NUMBERS.get(action_id, "")


async def _learn_numbers(bot: Forumbot) -> dict[str, str]:
    async with bot.runtime.uow() as uow:
        forum = await uow.forums.by_conversation(CHANNEL)
        assert forum is not None
        actions = await uow.actions.for_forum(forum.id)
    _NUMBERS.update({a.id: f"Å-{a.number}" for a in actions})
    return {f"Å-{a.number}": a.id for a in actions}


async def _publish_three(bot: Forumbot) -> None:
    """The chair names Fatima secretary (no approvers); Fatima drafts three actions and publishes directly."""
    bot.connector.rosters[CHANNEL] = [{"id": p.id, "name": p.name, "aadObjectId": f"aad-{p.id[3:]}"}
                                      for p in (ANNA, ERIK, FATIMA, LARS, MARIA, JOHAN, SARA)]
    bot.connector.rosters[TEAM] = bot.connector.rosters[CHANNEL]
    await bot.say_in_channel(ANNA, "konfigurera")
    roles = await click(bot, ANNA, bot.last_card_to(CHANNEL), "Roller för minnesanteckningar", conversation=CHANNEL)
    await click(bot, ANNA, roles, "Spara", conversation=CHANNEL, secretary=FATIMA.id, approvers="", recipients="",
                emails="")
    bot.clock.set(AFTER)
    overview = await draft(bot)
    published = await click(bot, FATIMA, overview, "Publicera", conversation=CHANNEL)
    await bot.deliver()
    assert "Publicerad" in texts_in(published), texts_in(published)


async def _mention(bot: Forumbot, speaker: Person, text: str, mentioned: Person) -> None:
    at_bot, at_person = "<at>Forumbot</at>", f"<at>{mentioned.name}</at>"
    await bot.post(bot._activity(
        speaker, f"{CHANNEL};messageid=root-{mentioned.id}", "channel", type="message",
        text=f"{at_bot} {text} {at_person}",
        entities=[{"type": "mention", "text": at_bot, "mentioned": {"id": BOT_ID, "name": "Forumbot"}},
                  {"type": "mention", "text": at_person, "mentioned": {"id": mentioned.id, "name": mentioned.name}}]))


async def _left_team(bot: Forumbot, person: Person) -> None:
    """Teams tells a team's membership change on the team itself (its General channel), not the forum's channel."""
    await bot.post(bot._activity(ANNA, TEAM, "channel", type="conversationUpdate",
                                 membersRemoved=[{"id": person.id, "name": person.name}],
                                 channelData={"tenant": {"id": "tenant-norrby"}, "team": {"id": TEAM},
                                              "eventType": "teamMemberRemoved"}))


async def test_reminders_until_done_from_the_card_hand_over_turnover_follow_up_and_the_log(
    database_url: str, fake_connector: FakeConnector, clock: FixedClock
) -> None:
    clock.set(SUNDAY)
    async with running_forumbot(database_url, fake_connector, clock) as bot:
        await week_to_summary(bot)
        await _publish_three(bot)
        ids = await _learn_numbers(bot)
        assert set(ids) == {"Å-1", "Å-2", "Å-3"}

        # Friday: only Fatima's Å-3 is two days off. She hands it over to Fältassistenterna; Lars takes it.
        await bot.tick(FRI_4)
        assert _digests(bot, FATIMA) and not _digests(bot, ERIK) and not _digests(bot, LARS)
        form = await _press(bot, FATIMA, _digests(bot, FATIMA)[-1], "Lämna över", "Å-3")
        target = choice(form, "to", "Fältassistenterna, deltagare")
        handed = await click(bot, FATIMA, form, "Lämna över", conversation=FATIMA.personal_conversation, to=target,
                             note="Fältassistenterna träffar föräldrarna oftare")
        assert "Fältassistenterna" in texts_in(handed), texts_in(handed)
        await bot.deliver()
        (offer,) = personal_cards(bot, LARS, "Du har fått åtgärden Å-3")
        taken = await click(bot, LARS, offer, "Ta emot", conversation=LARS.personal_conversation)
        assert "Du har tagit emot Å-3" in texts_in(taken), texts_in(taken)
        await bot.deliver()
        assert _told(bot, FATIMA, "Lars Berg har tagit emot Å-3")

        # Monday: Å-3's due day (Sunday) reaches its new owner, not Fatima.
        await bot.tick(MON_7)
        assert len(_digests(bot, LARS)) == 1 and len(_digests(bot, FATIMA)) == 1
        # Tuesday: Erik's Å-1 is two days off; he marks it done from the card, with the outcome.
        await bot.tick(TUE_8)
        erik_digest = _digests(bot, ERIK)[-1]
        assert "Å-1 Extra kvällspass vid torget" in texts_in(erik_digest)
        done = await _press(bot, ERIK, erik_digest, "Markera som klar", "Å-1", outcome="Passet genomfört fredag")
        assert "Klar, markerad av Erik Johansson" in texts_in(done), texts_in(done)
        again = await _press(bot, ERIK, erik_digest, "Markera som klar", "Å-1", outcome="En gång till")
        assert "inaktuellt" in texts_in(again)  # the old card: the current state, nothing stored twice

        # Å-3 is overdue and Lars does not answer: every third day after the last reminder, never on a weekend.
        await bot.tick(WED_9)
        assert len(_digests(bot, LARS)) == 1
        await bot.tick(WED_9.replace(hour=15))  # the deadline of the meeting of 10 December: its summary
        await bot.tick(MON_14)
        assert len(_digests(bot, LARS)) == 2
        assert not _told(bot, ANNA, "Å-3 i Trygghetsforum Norrby är försenad och obesvarad")

        # Tuesday the 15th: Erik's Å-2 is two days off; he re-dates it, and the chair is told.
        await bot.tick(TUE_15)
        redated = await _press(bot, ERIK, _digests(bot, ERIK)[-1], "Spara nytt datum", "Å-2", due="2026-12-22",
                               reason="Fastighetsägaren är bortrest")
        assert "22 december" in texts_in(redated), texts_in(redated)
        await bot.deliver()
        assert _told(bot, ANNA, "Fastighetsägaren är bortrest")

        # Thursday the 17th: two overdue reminders went unanswered, so with the third the chair is told, once.
        await bot.tick(THU_17)
        assert len(_digests(bot, LARS)) == 3
        escalations = _told(bot, ANNA, "Å-3 i Trygghetsforum Norrby är försenad och obesvarad")
        assert len(escalations) == 1, escalations

        # Lars leaves the team: his role falls vacant and Anna is told once; she gives it to Sara.
        await _left_team(bot, LARS)
        await _left_team(bot, LARS)  # Teams may tell it twice
        await bot.deliver()
        vacant = _told(bot, ANNA, "Fältassistenterna, deltagare i Trygghetsforum Norrby är vakant")
        assert len(vacant) == 1 and "Å-3" in vacant[0], vacant
        await bot.say_in_channel(SARA, "hjälp")  # Sara is in the team and has spoken to the bot
        await _mention(bot, ANNA, "ny innehavare Fältassistenterna", SARA)
        await bot.deliver()
        (handover,) = _told(bot, SARA, "Du har nu rollen Fältassistenterna, deltagare")
        assert "Å-3" in handover
        await bot.tick(THU_17.replace(hour=9))  # the same morning: the hand-over message was today's one message
        assert _digests(bot, SARA) == []
        await bot.tick(MON_21)  # three days after the last reminder (Sunday, moved): now to Sara, never to Lars
        assert len(_digests(bot, SARA)) == 1 and "Å-3 Informera föräldrar via skolan" in texts_in(
            _digests(bot, SARA)[0])
        assert len(_digests(bot, LARS)) == 3

        # The next summary's follow-up: Å-3 overdue with Sara as owner, Å-2 on its new date, Å-1 closed.
        await bot.tick(NEXT_DEADLINE)
        summary = next(c for c in reversed(bot.cards_to(CHANNEL)) if "Uppföljning från föregående möten" in
                       texts_in(c))
        follow = texts_in(summary)
        assert "Informera föräldrar via skolan" in follow and "Sara Lind" in follow, follow
        assert "22 december" in follow and "Extra kvällspass vid torget" not in follow, follow  # Å-1 is done
        # Å-1 was listed as closed, with its outcome, in the summary of 10 December
        closed = [c for c in bot.cards_to(CHANNEL) if "Passet genomfört fredag" in texts_in(c)]
        assert closed and "Lägesbild" in texts_in(closed[0]), [texts_in(c)[:60] for c in bot.cards_to(CHANNEL)]

        # The chair exports the log: every event of Å-3, in order.
        await bot.say_in_private(ANNA, "exportera logg 2026-11-26 2027-01-06")
        reply = str(bot.connector.sent_to(ANNA.personal_conversation)[-1]["text"])
        links = dict(re.findall(r"\[([^\]]+)\]\([^)]*?(/exports/[^)]+)\)", reply))
        raw = await (await bot.client.get(links["logg-2026-11-26-2027-01-06.csv"])).read()
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
        async with bot.runtime.uow() as uow:
            events = await uow.action_log.for_action(ids["Å-3"])
            forum_events = await uow.action_log.for_forum(events[0].forum_id)
        kinds = [e.kind for e in events]
        expected = [EventKind.CREATED, EventKind.NUDGE_QUEUED, EventKind.NUDGE_DELIVERED, EventKind.HANDED_OVER,
                    EventKind.HANDOVER_ACCEPTED, EventKind.NUDGE_QUEUED, EventKind.NUDGE_DELIVERED,
                    EventKind.NUDGE_QUEUED, EventKind.NUDGE_DELIVERED, EventKind.NUDGE_QUEUED]
        assert kinds[:len(expected)] == expected, kinds
        rest = kinds[len(expected):]
        assert rest.index(EventKind.ESCALATED) < rest.index(EventKind.ROLE_VACANT) < rest.index(
            EventKind.HOLDER_CHANGED), rest
        after_sara = events[len(expected) + rest.index(EventKind.HOLDER_CHANGED):]
        to = [e.detail.get("recipient") for e in after_sara if e.kind is EventKind.NUDGE_QUEUED]
        assert to and set(to) == {SARA.id}, to  # from then on the reminders go to the role's new holder
        assert kinds.count(EventKind.ESCALATED) == 1 and kinds.count(EventKind.ROLE_VACANT) == 1
        assert [e.at for e in events] == sorted(e.at for e in events)
        in_csv = [r for r in rows[1:] if r[1] == "Å-3"]
        assert len(in_csv) == len(events) and len(rows) - 1 == len(forum_events)
        # each entry names who held the role then, not whoever holds it now (Sara)
        assert "Socialtjänsten, deltagare (Fatima Hassan)" in in_csv[0][5] and "Sara" not in in_csv[0][5], in_csv[0]
        handed = next(r for r in in_csv if "Fältassistenterna träffar föräldrarna oftare" in r[5])
        assert "Fältassistenterna, deltagare (Lars Berg)" in handed[5] and "Sara" not in handed[5], handed
        assert any("Passet genomfört fredag" in r[5] for r in rows if r[1] == "Å-1")
        assert any("Fastighetsägaren är bortrest" in r[5] for r in rows if r[1] == "Å-2")
