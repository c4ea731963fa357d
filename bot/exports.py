"""Signed, expiring download links for exports (the chair's Markdown lägesbild)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

LINK_LIFETIME = timedelta(hours=24)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class ExportGrant:
    meeting_id: str
    person_id: str
    expires: datetime


class ExportSigner:
    def __init__(self, key: bytes | None = None) -> None:
        self._key = key or secrets.token_bytes(32)

    def sign(self, meeting_id: str, person_id: str, now: datetime) -> str:
        expires = int((now + LINK_LIFETIME).timestamp())
        payload = f"{meeting_id}|{person_id}|{expires}".encode()
        mac = hmac.new(self._key, payload, hashlib.sha256).digest()
        return f"{_b64(payload)}.{_b64(mac)}"

    def verify(self, token: str, now: datetime) -> ExportGrant | None:
        try:
            payload_part, mac_part = token.split(".", 1)
            payload = _unb64(payload_part)
            mac = _unb64(mac_part)
        except (ValueError, TypeError):
            return None
        if not hmac.compare_digest(mac, hmac.new(self._key, payload, hashlib.sha256).digest()):
            return None
        try:
            meeting_id, person_id, expires_raw = payload.decode().rsplit("|", 2)
            expires = datetime.fromtimestamp(int(expires_raw), tz=now.tzinfo)
        except (ValueError, UnicodeDecodeError):
            return None
        if now >= expires:
            return None
        return ExportGrant(meeting_id, person_id, expires)


@dataclass(frozen=True)
class SignedLinks:
    """Download addresses for exports: `<base>/exports/<signed token>/<name>`, valid for LINK_LIFETIME."""

    signer: ExportSigner
    base_url: str

    def link(self, meeting_id: str, person_id: str, name: str, now: datetime) -> str:
        token = self.signer.sign(meeting_id, person_id, now)
        return f"{self.base_url.rstrip('/')}/exports/{token}/{name}"
