"""Published minutes by e-mail, against a loopback SMTP server the test starts (aiosmtpd), on SQLite and
PostgreSQL: STARTTLS and login, recipients, subject, body and the attached .docx; queuing twice sends once;
a correction is mailed again with its note; refusals end the row, transient failures are retried later.
"""

from __future__ import annotations

import io
import logging
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import docx
import pytest

from bot.mail.smtp import SmtpConfig, SmtpTransport
from bot.mail.worker import MailPolicy, MailWorker
from bot.services.mail import queue_minutes_mail
from domain.clock import FixedClock
from domain.mail import MailStatus, address_digest
from domain.minutes import PublishedVersion
from domain.model import Forum, RecordRoles, Schedule
from storage.unit_of_work import UnitOfWorkFactory
from tests.deps import deps_of
from tests.fakes.published import content, published
from tests.smtp_server import PASSWORD, USER, SmtpServer, smtp_server

pytestmark = pytest.mark.integration

NOW = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
SENDER = "forumbot@norrby.se"
KOMMUN, RADET = "kommunledningen@norrby.se", "brottsradet@norrby.se"


@pytest.fixture
def server(tmp_path: Path) -> SmtpServer:
    with smtp_server(tmp_path) as running:
        yield running


async def _published(uow_factory: UnitOfWorkFactory, emails: tuple[str, ...], versions: int = 1
                     ) -> tuple[Forum, list[PublishedVersion]]:
    async with uow_factory() as uow:
        forum_id = await uow.forums.create(name="Trygghetsforum Norrby", tenant_id="t",
                                           conversation_id="19:norrby@thread.tacv2", chair_id="29:anna",
                                           schedule=Schedule(skip_public_holidays=False), now=NOW)
        await uow.forums.set_record_roles(forum_id, RecordRoles(recipient_emails=emails), NOW)
        forum = await uow.forums.get(forum_id)
        assert forum is not None
        meeting = await uow.meetings.ensure(forum, date(2026, 11, 26), datetime(2026, 11, 26, 8, tzinfo=UTC), NOW)
        await uow.minutes.save_draft(meeting_id=meeting.id, forum_id=forum_id, content=content(), actor_id="29:anna",
                                     now=NOW, expected_revision=None)
        made = [published(n, meeting_id=meeting.id, forum_id=forum_id) for n in range(1, versions + 1)]
        for version in made:
            await uow.minutes.publish(version)
        await uow.commit()
    return forum, made


async def _queue(uow_factory: UnitOfWorkFactory, forum: Forum, version: PublishedVersion) -> int:
    deps = replace(deps_of(uow_factory), mail_enabled=True)
    async with uow_factory() as uow:
        queued = await queue_minutes_mail(uow, deps, forum, version, NOW)
        await uow.commit()
    return queued


def _worker(uow_factory: UnitOfWorkFactory, server: SmtpServer, clock: FixedClock, *, port: int | None = None,
            starttls: bool = True, max_attempts: int = 8) -> MailWorker:
    config = SmtpConfig(host="127.0.0.1", port=port or server.port, sender=SENDER, username=USER,
                        password=PASSWORD, starttls=starttls, timeout=5)
    transport = SmtpTransport(config, tls_context=server.client_tls)
    return MailWorker(uow=uow_factory, transport=transport, clock=clock, sender=SENDER,
                      policy=MailPolicy(max_attempts=max_attempts))


async def _statuses(uow_factory: UnitOfWorkFactory, meeting_id: str) -> dict[str, str]:
    async with uow_factory() as uow:
        return {r.address: r.status for r in await uow.mail.rows_for_meeting(meeting_id)}


async def test_published_minutes_are_mailed_over_starttls_with_the_word_file(
    uow_factory: UnitOfWorkFactory, server: SmtpServer
) -> None:
    forum, (version,) = await _published(uow_factory, (KOMMUN, RADET))
    assert await _queue(uow_factory, forum, version) == 2
    assert await _worker(uow_factory, server, FixedClock(NOW)).run_once() == 2

    received = server.handler.received
    assert sorted(r.rcpt_tos[0] for r in received) == [RADET, KOMMUN]
    assert all(len(r.rcpt_tos) == 1 and r.mail_from == SENDER for r in received)
    assert all(r.tls and r.login == USER for r in received)  # STARTTLS first, then the login
    mail = received[0].message
    assert mail["Subject"] == "Minnesanteckningar: Trygghetsforum Norrby, möte torsdag 26 november 2026"
    assert mail["From"] == SENDER
    body = mail.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    assert text.startswith("Här är minnesanteckningarna från mötet i Trygghetsforum Norrby torsdag 26 november")
    assert "\u00a7 7 Aktuellt läge" in text and "Extra kvällsvandring fredag" in text
    assert "Å-4 · Planera kvällsvandring / Med fältassistenterna · Polisen, deltagare (Polly Polis)" in text
    (attachment,) = list(mail.iter_attachments())
    assert attachment.get_filename() == "protokoll-2026-11-26-v1.docx"
    assert attachment.get_content_type() == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    document = docx.Document(io.BytesIO(attachment.get_content()))
    assert "\u00a7 7 Aktuellt läge" in [p.text for p in document.paragraphs]
    assert await _statuses(uow_factory, version.meeting_id) == {KOMMUN: "sent", RADET: "sent"}
    async with uow_factory() as uow:
        trail = [dict(a.detail) for a in await uow.audit.by_action("minutes.mailed")]
    assert len(trail) == 2
    assert {str(d["recipient"]) for d in trail} == {address_digest(KOMMUN), address_digest(RADET)}
    assert all("@" not in str(d) for d in trail)


async def test_queuing_twice_sends_once(uow_factory: UnitOfWorkFactory, server: SmtpServer) -> None:
    forum, (version,) = await _published(uow_factory, (KOMMUN, " kommunledningen@NORRBY.se"))
    assert await _queue(uow_factory, forum, version) == 1  # the same address written twice
    assert await _queue(uow_factory, forum, version) == 0  # a retried publish
    worker = _worker(uow_factory, server, FixedClock(NOW))
    assert await worker.run_once() == 1
    assert await worker.run_once() == 0
    assert [r.rcpt_tos for r in server.handler.received] == [[KOMMUN]]


async def test_a_correction_is_mailed_again_with_its_note(uow_factory: UnitOfWorkFactory, server: SmtpServer) -> None:
    forum, (first, second) = await _published(uow_factory, (KOMMUN,), versions=2)
    await _queue(uow_factory, forum, first)
    await _queue(uow_factory, forum, second)
    await _worker(uow_factory, server, FixedClock(NOW)).run_once()
    subjects = [r.message["Subject"] for r in server.handler.received]
    assert subjects == ["Minnesanteckningar: Trygghetsforum Norrby, möte torsdag 26 november 2026",
                        "Rättade minnesanteckningar: Trygghetsforum Norrby, möte torsdag 26 november 2026 "
                        "(version 2)"]
    corrected = server.handler.received[1].message
    body = corrected.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    assert ("Minnesanteckningarna har rättats tisdag 1 december 2026 och ersätter den version du fick tidigare. "
            "Rättelse: Ett beslut saknades under Aktuellt läge.") in text
    assert "Version: 2, rättad tisdag 1 december 2026" in text
    (attachment,) = list(corrected.iter_attachments())
    assert attachment.get_filename() == "protokoll-2026-11-26-v2.docx"


async def test_a_refused_address_fails_for_good_and_is_audited_without_the_address(
    uow_factory: UnitOfWorkFactory, server: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.handler.refuse_rcpt[RADET] = "550 5.1.1 No such user"
    forum, (version,) = await _published(uow_factory, (KOMMUN, RADET))
    await _queue(uow_factory, forum, version)
    clock = FixedClock(NOW)
    worker = _worker(uow_factory, server, clock)
    with caplog.at_level(logging.INFO):
        await worker.run_once()
        clock.set(NOW + timedelta(days=1))
        assert await worker.run_once() == 0  # never tried again
    assert await _statuses(uow_factory, version.meeting_id) == {KOMMUN: "sent", RADET: MailStatus.DEAD}
    async with uow_factory() as uow:
        (failed,) = [dict(a.detail) for a in await uow.audit.by_action("minutes.mail_failed")]
    assert failed["code"] == 550 and failed["recipient"] == address_digest(RADET)
    assert "@" not in str(failed)
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("bot"))  # not the test server's
    assert "norrby.se" not in ours and "minutes mail failed for good" in ours


async def test_a_transient_refusal_is_retried_after_a_pause(uow_factory: UnitOfWorkFactory,
                                                            server: SmtpServer) -> None:
    server.handler.data_replies.append("451 4.3.0 Try again later")
    forum, (version,) = await _published(uow_factory, (KOMMUN,))
    await _queue(uow_factory, forum, version)
    clock = FixedClock(NOW)
    worker = _worker(uow_factory, server, clock)
    assert await worker.run_once() == 1
    assert await _statuses(uow_factory, version.meeting_id) == {KOMMUN: MailStatus.RETRY}
    assert await worker.run_once() == 0  # not before the pause
    clock.set(NOW + timedelta(seconds=61))
    assert await worker.run_once() == 1
    assert [r.rcpt_tos for r in server.handler.received] == [[KOMMUN]]
    assert await _statuses(uow_factory, version.meeting_id) == {KOMMUN: "sent"}


async def test_no_server_is_retried_until_the_attempts_are_used_up(uow_factory: UnitOfWorkFactory,
                                                                  server: SmtpServer) -> None:
    from tests.smtp_server import free_port

    forum, (version,) = await _published(uow_factory, (KOMMUN,))
    await _queue(uow_factory, forum, version)
    clock = FixedClock(NOW)
    worker = _worker(uow_factory, server, clock, port=free_port(), max_attempts=2)
    assert await worker.run_once() == 1
    assert await _statuses(uow_factory, version.meeting_id) == {KOMMUN: MailStatus.RETRY}
    clock.set(NOW + timedelta(hours=1))
    assert await worker.run_once() == 1
    assert await _statuses(uow_factory, version.meeting_id) == {KOMMUN: MailStatus.DEAD}
    async with uow_factory() as uow:
        (failed,) = [dict(a.detail) for a in await uow.audit.by_action("minutes.mail_failed")]
    assert failed["attempts"] == 2 and failed["code"] is None


async def test_a_server_without_starttls_gets_nothing_not_even_the_login(
    uow_factory: UnitOfWorkFactory, tmp_path: Path
) -> None:
    with smtp_server(tmp_path, tls=False) as plain:
        forum, (version,) = await _published(uow_factory, (KOMMUN,))
        await _queue(uow_factory, forum, version)
        await _worker(uow_factory, plain, FixedClock(NOW)).run_once()
        assert plain.handler.received == [] and plain.handler.logins == []
    assert await _statuses(uow_factory, version.meeting_id) == {KOMMUN: MailStatus.RETRY}


async def test_the_background_sender_sends_when_woken(uow_factory: UnitOfWorkFactory, server: SmtpServer) -> None:
    import asyncio

    forum, (version,) = await _published(uow_factory, (KOMMUN,))
    worker = _worker(uow_factory, server, FixedClock(NOW))
    await worker.start()
    try:
        await _queue(uow_factory, forum, version)
        worker.wake()  # create_app wakes it after a commit that queued (the delivery worker's hook)
        for _ in range(200):
            if server.handler.received:
                break
            await asyncio.sleep(0.05)
    finally:
        await worker.stop()
    assert [r.rcpt_tos for r in server.handler.received] == [[KOMMUN]]
