"""SMTP with aiosmtplib: STARTTLS unless explicitly turned off, login only when a user name is configured, and
each failure classified as transient (retry later) or permanent (the address or the message is refused)."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from email.message import EmailMessage

import aiosmtplib

from domain.mail import is_permanent


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int = 587
    sender: str = ""
    username: str = ""
    password: str = ""
    starttls: bool = True
    timeout: float = 30.0


@dataclass(frozen=True)
class Outcome:
    """What one send did: `ok`, or a failure with its SMTP code (None: no reply) and a short error code."""

    ok: bool
    permanent: bool = False
    code: int | None = None
    error: str = ""


SENT = Outcome(ok=True, code=250)


def _refused(error: aiosmtplib.SMTPRecipientsRefused) -> Outcome:
    codes = [r.code for r in error.recipients]
    code = codes[0] if codes else None
    return Outcome(ok=False, permanent=is_permanent(code), code=code, error="recipient_refused")


class SmtpTransport:
    """Sends one message per connection (a handful of mails per publication; nothing to keep open)."""

    def __init__(self, config: SmtpConfig, *, tls_context: ssl.SSLContext | None = None) -> None:
        self._config = config
        self._tls = tls_context  # None: the system's trust store, host name checked

    @property
    def timeout(self) -> float:
        return self._config.timeout

    async def send(self, message: EmailMessage) -> Outcome:
        config = self._config
        try:
            await aiosmtplib.send(
                message, hostname=config.host, port=config.port, start_tls=config.starttls, use_tls=False,
                username=config.username or None, password=(config.password or None) if config.username else None,
                timeout=config.timeout, tls_context=self._tls if config.starttls else None,
            )
        except aiosmtplib.SMTPRecipientsRefused as error:
            return _refused(error)
        except aiosmtplib.SMTPAuthenticationError as error:  # the configuration, not this mail: retry later
            return Outcome(ok=False, code=error.code, error="auth_failed")
        except aiosmtplib.SMTPResponseException as error:
            return Outcome(ok=False, permanent=is_permanent(error.code), code=error.code,
                           error=f"smtp_{error.code}")
        except (aiosmtplib.SMTPTimeoutError, TimeoutError):
            return Outcome(ok=False, error="timeout")
        except (aiosmtplib.SMTPException, OSError) as error:  # connect, disconnect, STARTTLS refused, TLS errors
            return Outcome(ok=False, error=type(error).__name__[:60])
        return SENT
