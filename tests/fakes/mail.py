"""An in-memory mail queue for the fake unit of work (the real one is storage/mail.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class FakeMail:
    forum_id: str
    meeting_id: str
    version: int
    address: str
    language: str
    queued_at: datetime


class FakeMailQueue:
    def __init__(self, rows: list[FakeMail]) -> None:
        self._rows = rows

    async def enqueue(
        self, *, forum_id: str, meeting_id: str, version: int, address: str, language: str, now: datetime
    ) -> bool:
        if any((r.meeting_id, r.version, r.address) == (meeting_id, version, address) for r in self._rows):
            return False
        self._rows.append(FakeMail(forum_id, meeting_id, version, address, language, now))
        return True
