"""The retention card over real HTTP, on SQLite and PostgreSQL: an administrator sets a rule with its decision
reference and hears from which day it disposes (two weeks later, time to make an archive package); a rule without
months or reference is refused with what was typed kept; saving the card again with another rule changed keeps the
first rule's decision time; the chair sees the rules but cannot change them; every change is audited."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from domain.clock import FixedClock
from domain.retention import RecordType, RetentionMode, cutoff
from tests.conversation.harness import inputs_of
from tests.e2e.harness import CHANNEL, Forumbot, Person, running_forumbot
from tests.e2e.test_weekly_cycle import ANNA, ERIK, SUNDAY, set_up
from tests.fakes.connector import FakeConnector

pytestmark = pytest.mark.e2e

ADA_OID = "5d1e0b9a-3c2f-4a8e-9b7d-0a1b2c3d4e5f"
ADA = Person("29:ada", "Ada Admin", aad_object_id=ADA_OID)
SAVED_AT = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def _inputs(card: dict[str, Any]) -> dict[str, str]:
    return {k: str(v.get("value", "")) for k, v in inputs_of(card).items()}


def _save_data(card: dict[str, Any]) -> dict[str, Any]:
    action = next(a for a in card["actions"] if a.get("verb") == "retention.save")
    return {k: v for k, v in action["data"].items() if k != "verb"}


async def _card(bot: Forumbot, person: Person) -> dict[str, Any]:
    await bot.say_in_private(person, "gallring Trygghetsforum Norrby")
    return bot.last_card_to(person.personal_conversation)


def _said(body: dict[str, Any]) -> str:
    return json.dumps(body["value"], ensure_ascii=False)


async def test_an_administrator_sets_a_rule_that_takes_effect_two_weeks_later(
    database_url: str, fake_connector: FakeConnector, clock: FixedClock
) -> None:
    clock.set(SUNDAY)
    async with running_forumbot(database_url, fake_connector, clock, admins=[ADA_OID]) as bot:
        await set_up(bot)
        clock.set(SAVED_AT)
        card = await _card(bot, ADA)
        values = {**_inputs(card), **_save_data(card)}
        typed = {"mode__submission": RetentionMode.AFTER_MONTHS.value, "months__submission": "24",
                 "reference__submission": ""}
        refused = _said(await bot.execute(ADA, "retention.save", {**values, **typed}))
        assert "skriv diarienumret för beslutet" in refused and '"24"' in refused  # the months typed are kept
        typed["reference__submission"] = "KS 2026/123"
        saved = _said(await bot.execute(ADA, "retention.save", {**values, **typed}))
        assert "Gallringsreglerna är sparade" in saved and "från onsdag 16 december 2026" in saved, saved
        assert "Gallras efter 24 månader (dnr KS 2026/123), gäller från onsdag 16 december 2026" in saved
        async with bot.runtime.uow() as uow:
            forum = await uow.forums.by_conversation(CHANNEL)
            assert forum is not None
            rule = forum.retention.rule(RecordType.SUBMISSION)
            assert rule.decided_at == SAVED_AT and rule.decided_by == ADA.id
            today = SAVED_AT.date()
            assert cutoff(rule, today, today) is None  # nothing is disposed of yet …
            assert cutoff(rule, today + timedelta(days=14), today) is not None  # … until two weeks have passed
            assert len(await uow.audit.by_action("retention.changed")) == 1

        clock.set(SAVED_AT + timedelta(days=3))  # another rule changes; the first one's decision stands as it was
        card = await _card(bot, ADA)
        older = {**_inputs(card), **_save_data(card)}  # a second card, as shown, left open
        values = {**_inputs(card), **_save_data(card), "mode__audit_log": RetentionMode.AFTER_MONTHS.value,
                  "months__audit_log": "120", "reference__audit_log": "KS 2026/124"}
        await bot.execute(ADA, "retention.save", values)
        async with bot.runtime.uow() as uow:
            forum = await uow.forums.by_conversation(CHANNEL)
            assert forum is not None
            assert forum.retention.rule(RecordType.SUBMISSION).decided_at == SAVED_AT
            assert forum.retention.rule(RecordType.AUDIT_LOG).decided_at == SAVED_AT + timedelta(days=3)

        await bot.say_in_private(ERIK, "gallring")  # a member: told who sees the rules and who sets them
        assert "visas för forumets ordförande (Anna Lindqvist) och bestäms av Forumbots administratörer" in str(
            fake_connector.sent_to(ERIK.personal_conversation)[-1]["text"])
        chair = await _card(bot, ANNA)  # the chair reads the rules, without inputs or a save button
        assert "Gallras efter 24 månader (dnr KS 2026/123), gäller från" in json.dumps(chair, ensure_ascii=False)
        assert not _inputs(chair) and "Bara Forumbots administratörer" in json.dumps(chair, ensure_ascii=False)
        merged = await bot.execute(ADA, "retention.save", {**older, "mode__summary": RetentionMode.AFTER_MONTHS.value,
                                                             "months__summary": "36", "reference__summary": "KS 1"})
        kept = _inputs(merged["value"])  # what was typed, over the rules as they stand now (not as the card showed)
        assert (kept["months__summary"], kept["months__audit_log"]) == ("36", "120")
        values["months__audit_log"] = "60"  # on the card from before the last save
        stale = await bot.execute(ADA, "retention.save", values)
        assert "Gallringsreglerna har ändrats sedan kortet skickades" in _said(stale)
        assert _inputs(stale["value"])["months__audit_log"] == "60"  # what was typed stays on the card
        assert "Reglerna som gäller nu" in _said(stale) and "Gallras efter 120 månader" in _said(stale)
        async with bot.runtime.uow() as uow:
            forum = await uow.forums.by_conversation(CHANNEL)
            assert forum is not None and forum.retention.rule(RecordType.AUDIT_LOG).months == 120  # nothing stored
