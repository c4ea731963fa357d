"""`queue_minutes_mail`, as the publishing use case calls it: one mail per e-mail recipient when mail is set
up, nothing (and a line saying the e-mail recipients were skipped) when it is not."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from bot.services.mail import mail_outcome, queue_minutes_mail
from dialogs.texts import for_language
from domain.model import Forum, RecordRoles, Schedule
from tests.fakes.published import published
from tests.fakes.uow import fake_deps

NOW = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)


def _forum(*emails: str, language: str | None = None) -> Forum:
    return Forum(id="forum-1", name="Trygghetsforum Norrby", tenant_id="t", conversation_id="19:f@thread.tacv2",
                 chair_id="anna", schedule=Schedule(), language=language,
                 record=RecordRoles(recipient_emails=emails))


async def test_one_mail_per_address_in_the_forums_language_once() -> None:
    deps, db = fake_deps(mail_enabled=True)
    forum = _forum("kommunledningen@norrby.se", "Kommunledningen@NORRBY.se", "brottsradet@norrby.se",
                   language="en")
    async with deps.uow() as uow:
        assert await queue_minutes_mail(uow, deps, forum, published(), NOW) == 2
        assert await queue_minutes_mail(uow, deps, forum, published(), NOW) == 0
        await uow.commit()
    assert [(m.address, m.version, m.language) for m in db.mail] == [
        ("kommunledningen@norrby.se", 1, "en"), ("brottsradet@norrby.se", 1, "en")]
    assert [a["action"] for a in db.audit] == ["minutes.mail_queued"]
    assert "@" not in str(db.audit[0])
    assert mail_outcome(for_language("sv"), deps, forum, 2) == "Minnesanteckningarna mejlas till 2 e-postmottagare."


async def test_a_correction_is_queued_again_as_its_own_version() -> None:
    deps, db = fake_deps(mail_enabled=True)
    forum = _forum("kommunledningen@norrby.se")
    async with deps.uow() as uow:
        await queue_minutes_mail(uow, deps, forum, published(1), NOW)
        assert await queue_minutes_mail(uow, deps, forum, published(2), NOW) == 1
        await uow.commit()
    assert [m.version for m in db.mail] == [1, 2]


async def test_without_mail_configured_nothing_is_queued_and_the_publisher_is_told() -> None:
    deps, db = fake_deps()
    forum = _forum("kommunledningen@norrby.se")
    async with deps.uow() as uow:
        assert await queue_minutes_mail(uow, deps, forum, published(), NOW) == 0
        await uow.commit()
    assert db.mail == [] and db.audit == []
    line = mail_outcome(for_language("en"), deps, forum, 0)
    assert line is not None and line.startswith("The e-mail recipients got no mail: e-mail is not set up")
    assert mail_outcome(for_language("en"), deps, _forum(), 0) is None  # no e-mail recipients: nothing to say
    assert mail_outcome(for_language("en"), replace(deps, mail_enabled=True), _forum(), 0) is None


async def test_an_entry_that_is_no_address_is_never_queued() -> None:
    deps, db = fake_deps(mail_enabled=True)
    async with deps.uow() as uow:
        assert await queue_minutes_mail(uow, deps, _forum("kommunledningen", "a@b.se"), published(), NOW) == 1
        await uow.commit()
    assert [m.address for m in db.mail] == ["a@b.se"]
