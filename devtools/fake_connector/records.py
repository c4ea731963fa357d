"""What the fake Bot Connector records and how its failures are scripted: plain data, no server."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

DEFAULT_ROSTER: tuple[dict[str, Any], ...] = (
    {
        "id": "29:alice",
        "name": "Alice Andersson",
        "aadObjectId": "00000000-0000-0000-0000-00000000a11c",
        "userPrincipalName": "alice@kommun.example",
        "email": "alice@kommun.example",
        "givenName": "Alice",
        "surname": "Andersson",
        "tenantId": "tenant-1",
        "userRole": "user",
    },
    {
        "id": "29:bertil",
        "name": "Bertil Berg",
        "aadObjectId": "00000000-0000-0000-0000-0000000be271",
        "userPrincipalName": "bertil@kommun.example",
        "email": "bertil@kommun.example",
        "givenName": "Bertil",
        "surname": "Berg",
        "tenantId": "tenant-1",
        "userRole": "user",
    },
)

# What Teams puts in the error body for the statuses the delivery worker classifies (docs/teams-platform.md).
DEFAULT_ERROR_CODES: dict[int, str] = {
    400: "BadArgument",
    401: "BotNotRegistered",
    403: "BotNotInConversationRoster",
    404: "ConversationNotFound",
    412: "PreconditionFailed",
    413: "MessageSizeTooBig",
    429: "Throttled",
    500: "InternalServerError",
    502: "BadGateway",
    503: "ServiceUnavailable",
    504: "GatewayTimeout",
}

HANG_LIMIT_SECONDS = 30.0


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the fake saw it. `path`: the decoded path from `v3/` on (prefix, slashes normalised)."""

    method: str
    path: str
    json: Any
    headers: dict[str, str]
    query: dict[str, str]
    status: int
    conversation_id: str | None = None
    activity_id: str | None = None  # replyToId on POST, the updated/deleted id on PUT/DELETE
    raw_path: str = ""
    response: Any = None  # the JSON the fake answered with
    at: datetime = field(default_factory=lambda: datetime.now(UTC))  # when it arrived (the fake's clock)

    @property
    def is_activity_post(self) -> bool:
        return self.method == "POST" and self.conversation_id is not None and "/activities" in self.path

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


@dataclass
class Rule:
    path_contains: str
    method: str | None
    status: int
    headers: dict[str, str]
    body: Any
    remaining: int | None  # None: forever
    hang: bool = False
    probability: float = 1.0
    rng: random.Random | None = None

    def matches(self, method: str, path: str) -> bool:
        if self.remaining is not None and self.remaining <= 0:
            return False
        if self.method is not None and self.method.upper() != method:
            return False
        if self.path_contains not in path:
            return False
        return not (self.probability < 1.0 and self.rng is not None and self.rng.random() >= self.probability)


@dataclass
class Throttle:
    retry_after: float
    remaining: int | None  # 429s still to give (None: every request)
    not_before: datetime | None = None


def ids_of(parts: list[str]) -> tuple[str | None, str | None]:
    """(conversation id, activity id) from `v3/conversations/{id}/activities/{activityId}`."""
    if len(parts) >= 3 and parts[0] == "v3" and parts[1] == "conversations":
        conversation_id = parts[2]
        activity_id = parts[4] if len(parts) >= 5 and parts[3] == "activities" else None
        return conversation_id, activity_id
    return None, None
