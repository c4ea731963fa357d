"""The mail loop: claim due rows of the mail queue, render each from its stored published version, send it,
record the outcome.

As with the outbox, a row is claimed (status 'sending', leased) and committed before the SMTP call, and the
outcome is recorded in a new transaction afterwards; a crash in between leaves a lease that expires and the
mail is sent again (SMTP has no idempotency key). Transient failures (no connection, timeout, 4xx, a failed
login) are retried with a growing pause; permanent ones (5xx, a refused or invalid address, a version that is
gone) end the row as 'dead' with an audit entry. Logs and the audit trail carry the row id and a digest of the
address, never the address.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from typing import Protocol

from bot.mail.message import minutes_message
from bot.mail.smtp import Outcome
from domain.clock import Clock
from domain.mail import QueuedMail, address_digest, backoff_seconds, valid_email
from storage.unit_of_work import SqlAlchemyUnitOfWork

log = logging.getLogger(__name__)


class Transport(Protocol):
    @property
    def timeout(self) -> float: ...

    async def send(self, message: EmailMessage) -> Outcome: ...


@dataclass(frozen=True)
class MailPolicy:
    batch: int = 10
    lease_seconds: float = 300.0
    max_attempts: int = 8
    retry_base_seconds: float = 60.0  # 1 min, 4 min, 16 min, 64 min … capped
    retry_max_seconds: float = 4 * 3600.0
    poll_seconds: float = 30.0


class MailWorker:
    """One per process (safe with several on PostgreSQL: claims skip locked rows)."""

    def __init__(
        self, *, uow: Callable[[], SqlAlchemyUnitOfWork], transport: Transport, clock: Clock, sender: str,
        template: str = "", policy: MailPolicy | None = None,
    ) -> None:
        self._uow = uow
        self._transport = transport
        self._clock = clock
        self._sender = sender
        self._template = template
        self.policy = policy or MailPolicy()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    async def run_once(self) -> int:
        """Send what is due now; returns how many rows were handled."""
        now = self._clock.now()
        async with self._uow() as uow:
            claimed = await uow.mail.claim_due(now, self.policy.batch, self.policy.lease_seconds)
            await uow.commit()
        for mail in claimed:
            if self._stopping:  # the rest keep their lease and are sent after it expires (by any process)
                break
            await self._record(mail, await self._attempt(mail))
        return len(claimed)

    async def _attempt(self, mail: QueuedMail) -> Outcome:
        if not valid_email(mail.address):
            return Outcome(ok=False, permanent=True, error="invalid_address")
        async with self._uow() as uow:
            versions = await uow.minutes.versions(mail.meeting_id)
        version = next((v for v in versions if v.version == mail.version), None)
        if version is None:
            return Outcome(ok=False, permanent=True, error="no_version")
        try:
            message = await asyncio.to_thread(minutes_message, mail, version, sender=self._sender,
                                              template=self._template)
        except Exception:  # a document that cannot be built will not build next time either
            log.exception("minutes mail could not be rendered: mail=%s", mail.id)
            return Outcome(ok=False, permanent=True, error="render_failed")
        return await self._transport.send(message)

    async def _record(self, mail: QueuedMail, outcome: Outcome) -> None:
        now = self._clock.now()
        digest = address_digest(mail.address)
        detail: dict[str, object] = {"meeting": mail.meeting_id, "version": mail.version, "recipient": digest}
        async with self._uow() as uow:
            if outcome.ok:
                await uow.mail.mark_sent(mail.id, now, outcome.code)
                uow.audit.record(at=now, action="minutes.mailed", subject_type="mail", subject_id=str(mail.id),
                                 forum_id=mail.forum_id, detail=detail)
                log.info("minutes mail sent: mail=%s recipient=%s", mail.id, digest)
            elif outcome.permanent or mail.attempts >= self.policy.max_attempts:
                await uow.mail.mark_dead(mail.id, now, outcome.code, outcome.error)
                uow.audit.record(at=now, action="minutes.mail_failed", subject_type="mail", subject_id=str(mail.id),
                                 forum_id=mail.forum_id,
                                 detail={**detail, "code": outcome.code, "error": outcome.error,
                                         "attempts": mail.attempts})
                log.warning("minutes mail failed for good: mail=%s recipient=%s code=%s error=%s attempts=%s",
                            mail.id, digest, outcome.code, outcome.error, mail.attempts)
            else:
                pause = backoff_seconds(mail.attempts, base=self.policy.retry_base_seconds,
                                        maximum=self.policy.retry_max_seconds)
                await uow.mail.mark_retry(mail.id, now, now + timedelta(seconds=pause), outcome.code, outcome.error)
                log.info("minutes mail retry: mail=%s code=%s error=%s attempts=%s in=%ss", mail.id, outcome.code,
                         outcome.error, mail.attempts, int(pause))
            await uow.commit()

    # ------------------------------------------------------------------ the background loop

    def wake(self) -> None:
        self._wake.set()

    async def _loop(self) -> None:
        while not self._stopping:
            self._wake.clear()  # before the round: a wake while it runs is kept, so that mail goes at once
            try:
                while await self.run_once() >= self.policy.batch and not self._stopping:
                    pass  # a full batch: more may be due
            except Exception:  # the next round tries again; one bad round must not stop the loop
                log.exception("mail round failed")
            if self._stopping:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.policy.poll_seconds)

    async def start(self) -> None:
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self._loop(), name="forumbot-mail")

    async def stop(self, grace_seconds: float | None = None) -> None:
        """Let the round in progress finish (a mail being sent gets its outcome recorded, so it is not sent
        again when its lease expires); cancel it only if it takes longer than the SMTP timeout allows."""
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping = True
        self._wake.set()
        grace = grace_seconds if grace_seconds is not None else self._transport.timeout * 2 + 5.0
        done, _ = await asyncio.wait({task}, timeout=grace)
        if not done:
            log.warning("mail round did not finish within %ss of stop; cancelling it", int(grace))
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
