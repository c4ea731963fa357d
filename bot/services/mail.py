"""E-mail of published minutes to the forum's e-mail recipients (`forum.record.recipient_emails`).

Publishing (and a correction) calls `queue_minutes_mail` in its own transaction: one row per address in the
mail queue, unique per meeting, version and address, so a retried publish never mails twice. The sender
(`bot/mail/`) renders each mail at send time from the stored version, in the forum's language. When mail is not
configured nothing is queued and the publisher is told with `mail_outcome` (`mail.recipients_skipped`).
Addresses are personal data: the audit entry counts them, it never names them.
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot.services.notify import language_for
from bot.services.ports import Deps, UnitOfWork
from dialogs.texts import Texts
from domain.mail import normalise_email, valid_email
from domain.minutes import PublishedVersion
from domain.model import Forum

log = logging.getLogger(__name__)


def mail_addresses(forum: Forum) -> list[str]:
    """The forum's e-mail recipients that are addresses, normalised, each once (case aside), in the order entered."""
    found: dict[str, str] = {}
    for address in (normalise_email(a) for a in forum.record.recipient_emails if valid_email(a.strip())):
        found.setdefault(address.lower(), address)
    return list(found.values())


async def queue_minutes_mail(uow: UnitOfWork, deps: Deps, forum: Forum, version: PublishedVersion,
                             now: datetime) -> int:
    """Queue one mail of `version` per e-mail recipient; returns how many were queued now (0: mail is off, no
    recipients, or already queued). Call it in the publishing transaction, before its commit."""
    if not deps.mail_enabled:
        if forum.record.recipient_emails:
            log.info("minutes mail skipped, mail not configured: meeting=%s version=%s", version.meeting_id,
                     version.version)
        return 0
    language = language_for(None, forum, deps.default_language)
    queued = 0
    for address in mail_addresses(forum):
        if await uow.mail.enqueue(forum_id=forum.id, meeting_id=version.meeting_id, version=version.version,
                                  address=address, language=language, now=now):
            queued += 1
    if queued:
        uow.audit.record(at=now, action="minutes.mail_queued", subject_type="meeting", subject_id=version.meeting_id,
                         forum_id=forum.id, detail={"version": version.version, "count": queued})
        log.info("minutes mail queued: meeting=%s version=%s count=%s", version.meeting_id, version.version, queued)
    return queued


def mail_outcome(t: Texts, deps: Deps, forum: Forum, queued: int) -> str | None:
    """One line for the publisher: how many mails were queued, or that the e-mail recipients were skipped."""
    if not forum.record.recipient_emails:
        return None
    if not deps.mail_enabled:
        return t("mail.recipients_skipped")
    return t.plural("mail.queued", queued) if queued else None
