"""E-mail addresses of minutes recipients, and the rules of the mail queue.

Rules:

* An address is accepted when it has the plain shape `local@domain`: one `@`, a local part of the usual dot-atom
  characters (no quoting, no comments, no spaces), a domain of at least two labels of letters, digits and
  hyphens (an IDN domain in Unicode is accepted and compared as typed), the whole at most 254 characters. That
  is deliberately stricter than RFC 5322: a municipality's recipients have ordinary addresses, and an odd one
  is far more likely a typing mistake than a real mailbox.
* Addresses are personal data: logs and the audit trail name a queued mail by its row id or `address_digest`,
  never by the address.
* A mail that failed for a reason that will not change (a 5xx reply, a refused recipient) is not retried; a
  transient failure (connection refused, timeout, 4xx) is retried with a growing pause until `max_attempts`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime

MAX_ADDRESS_LENGTH = 254
MAX_LOCAL_LENGTH = 64

_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_LABEL = re.compile(r"^[^\W_](?:(?:[^\W_]|-){0,61}[^\W_])?$")  # letters and digits, inner hyphens


def valid_email(address: str) -> bool:
    """Whether `address` looks like an ordinary deliverable mailbox (`namn.efternamn@kommun.se`)."""
    if not isinstance(address, str) or address != address.strip() or len(address) > MAX_ADDRESS_LENGTH:
        return False
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain or "@" in local or len(local) > MAX_LOCAL_LENGTH:
        return False
    if not _LOCAL.match(local):
        return False
    labels = domain.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        return False
    return not labels[-1].isdigit()  # a top-level label is never all digits (an IP address is not accepted)


def normalise_email(address: str) -> str:
    """The form we store and compare: trimmed, domain lower-cased (the local part is left as typed)."""
    local, _, domain = address.strip().rpartition("@")
    return f"{local}@{domain.lower()}"


def address_digest(address: str) -> str:
    """A short stable digest of an address, for logs that must tell two recipients apart without naming them."""
    return hashlib.sha256(normalise_email(address).lower().encode("utf-8")).hexdigest()[:12]


class MailStatus:
    PENDING = "pending"
    SENDING = "sending"
    RETRY = "retry"
    SENT = "sent"
    DEAD = "dead"
    QUEUED = (PENDING, RETRY)


@dataclass(frozen=True)
class QueuedMail:
    """One minutes mail to one address, as the sender claims it."""

    id: int
    forum_id: str
    meeting_id: str
    version: int
    address: str
    language: str
    attempts: int
    created_at: datetime


def is_permanent(smtp_code: int | None) -> bool:
    """A reply code that will not change on retry: 5xx (mailbox unknown, refused, policy)."""
    return smtp_code is not None and 500 <= smtp_code <= 599


def backoff_seconds(attempts: int, *, base: float, maximum: float) -> float:
    """The pause before attempt `attempts + 1`: base × 4^(attempts - 1), capped (1 min, 4 min, 16 min …)."""
    return float(min(maximum, base * (4 ** max(0, attempts - 1))))
