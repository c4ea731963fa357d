"""The fake Bot Connector's server: an aiohttp app on loopback answering like the Teams connector."""

from __future__ import annotations

import asyncio
import itertools
import json
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import unquote

from aiohttp import web

from devtools.fake_connector.records import (
    DEFAULT_ERROR_CODES,
    DEFAULT_ROSTER,
    HANG_LIMIT_SECONDS,
    RecordedRequest,
    Rule,
    Throttle,
    ids_of,
)


@dataclass
class FakeConnector:
    """Start with `await connector.start()` (or the `fake_connector` fixture); `url` is the service URL."""

    host: str = "127.0.0.1"
    roster: list[dict[str, Any]] = field(default_factory=lambda: [dict(m) for m in DEFAULT_ROSTER])
    rosters: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # per conversation or team id
    teams: dict[str, dict[str, Any]] = field(default_factory=dict)  # team id -> TeamDetails JSON
    channels: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # team id -> ChannelInfo list
    requests: list[RecordedRequest] = field(default_factory=list)
    created_conversations: list[dict[str, Any]] = field(default_factory=list)  # ConversationParameters bodies
    created_ids: list[str] = field(default_factory=list)
    clock: Any = None  # anything with now() -> aware datetime; None: the wall clock
    early_requests: list[RecordedRequest] = field(default_factory=list)  # sent before Retry-After had passed
    rate_limit_per_second: float | None = None  # Teams' per-conversation limit (7): more in any second gets 429
    over_rate: list[RecordedRequest] = field(default_factory=list)  # requests answered 429 for the rate limit
    app_rate_limit_per_second: float | None = None  # per app: more posts in any second get 429

    def __post_init__(self) -> None:
        self._throttles: dict[str, Throttle] = {}
        self._rules: list[Rule] = []
        self._ids = itertools.count(1)
        self._conversations = itertools.count(1)
        self._release = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._port = 0
        self.hanging = 0
        self._recent: dict[str, list[datetime]] = {}  # per conversation: accepted activity posts in the last second
        self._recent_app: list[datetime] = []  # accepted activity posts to any conversation in the last second

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        self._port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        self.release_hangs()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def port(self) -> int:
        return self._port

    @property
    def url(self) -> str:
        """The service URL, with a trailing slash like Teams' (`http://127.0.0.1:PORT/`)."""
        return f"http://{self.host}:{self._port}/"

    @property
    def host_port(self) -> str:
        return f"{self.host}:{self._port}"

    # ------------------------------------------------------------------ scripting

    def fail_next(
        self,
        path_contains: str = "",
        status: int = 500,
        headers: dict[str, str] | None = None,
        *,
        body: Any = None,
        times: int | None = 1,
        method: str | None = None,
    ) -> None:
        """Answer the next `times` matching requests (None: all of them) with `status`.

        `path_contains` is matched against the decoded path from `v3/` on, e.g. a conversation id,
        `"/activities"`, or `"v3/conversations"` (which also matches activity posts: pass `method` or a more
        specific string).
        Without `body`, the body is Teams' error shape `{"error": {"code": …, "message": …}}` with a code that
        fits the status (403 → BotNotInConversationRoster, 429 → Throttled, 413 → MessageSizeTooBig, …).
        """
        self._rules.append(
            Rule(path_contains, method.upper() if method else None, status, dict(headers or {}), body, times)
        )

    def fail_randomly(
        self,
        status: int,
        probability: float,
        *,
        path_contains: str = "",
        headers: dict[str, str] | None = None,
        body: Any = None,
        seed: int = 0,
        method: str | None = None,
    ) -> None:
        """Answer a seeded-random share of matching requests with `status` (e.g. a 30 % 429 storm)."""
        self._rules.append(
            Rule(
                path_contains,
                method.upper() if method else None,
                status,
                dict(headers or {}),
                body,
                None,
                probability=probability,
                rng=random.Random(seed),
            )
        )

    def hang_next(self, path_contains: str = "", *, times: int | None = 1, method: str | None = None) -> None:
        """Hold matching requests unanswered until `release_hangs()`, `stop()` or 30 s; then answer 504."""
        self._rules.append(Rule(path_contains, method.upper() if method else None, 504, {}, None, times, hang=True))

    def throttle(self, conversation_id: str, *, retry_after: float = 2.0, times: int | None = 1) -> None:
        """Answer the conversation's next `times` requests 429 with `Retry-After: retry_after`, as Teams does.

        A request arriving before that Retry-After has passed is recorded in `early_requests` and answered 429
        again (with the time still left); one arriving after it gets the next scripted 429 or succeeds.
        """
        self._throttles[conversation_id] = Throttle(retry_after, times)

    def now(self) -> datetime:
        return self.clock.now() if self.clock is not None else datetime.now(UTC)

    def release_hangs(self) -> None:
        self._release.set()

    def clear_failures(self) -> None:
        self._rules.clear()

    def reset(self) -> None:
        """Forget recorded requests and scripted failures (the roster stays)."""
        self._rules.clear()
        self._throttles.clear()
        self.early_requests.clear()
        self.requests.clear()
        self.created_conversations.clear()
        self.created_ids.clear()

    # ------------------------------------------------------------------ inspection

    def activity_posts(self, conversation_id: str | None = None, *, ok_only: bool = False) -> list[RecordedRequest]:
        """Every POST of an activity (also the failed ones unless ok_only), optionally to one conversation."""
        return [
            r
            for r in self.requests
            if r.is_activity_post
            and (conversation_id is None or r.conversation_id == conversation_id)
            and (r.ok or not ok_only)
        ]

    def sent_to(self, conversation_id: str) -> list[dict[str, Any]]:
        """Activity bodies the fake accepted (2xx) for this conversation, in order."""
        return [r.json for r in self.activity_posts(conversation_id, ok_only=True)]

    def updates_to(self, conversation_id: str) -> list[tuple[str, dict[str, Any]]]:
        """(activity id, body) of every accepted PUT to this conversation."""
        return [
            (r.activity_id or "", r.json)
            for r in self.requests
            if r.method == "PUT" and r.conversation_id == conversation_id and r.ok
        ]

    def count(self, *, method: str | None = None, path_contains: str = "") -> int:
        return sum(
            1 for r in self.requests if (method is None or r.method == method.upper()) and path_contains in r.path
        )

    # ------------------------------------------------------------------ the handler

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        parts = _parts_of(request)
        path = "/".join(parts)
        body = await _body_of(request)
        method = request.method.upper()
        conversation_id, activity_id = ids_of(parts)
        arrived = self.now()

        early = over_rate = False
        throttled = self._throttled(conversation_id, arrived)
        if throttled is None and method == "POST" and conversation_id is not None and "activities" in parts:
            over_rate = self._over_rate(conversation_id, arrived)
            if over_rate:
                throttled = (False, "1")
        if throttled is not None:
            early, retry_after = throttled
            rule: Rule | None = Rule("", None, 429, {"Retry-After": retry_after}, None, None)
        else:
            rule = next((r for r in self._rules if r.matches(method, path)), None)
        if rule is not None and rule.remaining is not None:
            rule.remaining -= 1
        if rule is not None and rule.hang:
            self.hanging += 1
            try:
                await asyncio.wait_for(self._release.wait(), HANG_LIMIT_SECONDS)
            except TimeoutError:
                pass
            finally:
                self.hanging -= 1
        if rule is not None:
            status, payload, headers = rule.status, rule.body, rule.headers
            if payload is None:
                code = DEFAULT_ERROR_CODES.get(status, "Error")
                payload = {"error": {"code": code, "message": f"fake connector: scripted {status} {code}"}}
        else:
            status, payload, headers = self._answer(method, parts, body, request)

        recorded = RecordedRequest(
            method=method,
            path=path,
            json=body,
            headers=dict(request.headers),
            query=dict(request.query),
            status=status,
            conversation_id=conversation_id,
            activity_id=activity_id,
            raw_path=request.rel_url.raw_path,
            response=payload,
            at=arrived,
        )
        self.requests.append(recorded)
        if early:
            self.early_requests.append(recorded)
        if over_rate:
            self.over_rate.append(recorded)
        if payload is None:
            return web.Response(status=status, headers=headers)
        return web.json_response(payload, status=status, headers=headers)

    def _over_rate(self, conversation_id: str | None, now: datetime) -> bool:
        """Whether this activity post is one more than `rate_limit_per_second` within the last second."""
        if self.app_rate_limit_per_second is not None and conversation_id is not None:
            self._recent_app = [t for t in self._recent_app if (now - t).total_seconds() < 1.0]
            if len(self._recent_app) >= self.app_rate_limit_per_second:
                return True
        if self.rate_limit_per_second is None or conversation_id is None:
            if self.app_rate_limit_per_second is not None and conversation_id is not None:
                self._recent_app.append(now)
            return False
        recent = [t for t in self._recent.get(conversation_id, []) if (now - t).total_seconds() < 1.0]
        if len(recent) >= self.rate_limit_per_second:
            self._recent[conversation_id] = recent
            return True
        self._recent[conversation_id] = [*recent, now]
        if self.app_rate_limit_per_second is not None:
            self._recent_app.append(now)
        return False

    def _throttled(self, conversation_id: str | None, now: datetime) -> tuple[bool, str] | None:
        """(early, Retry-After) when this request is throttled, else None."""
        state = self._throttles.get(conversation_id or "")
        if state is None:
            return None
        if state.not_before is not None and now < state.not_before:
            left = (state.not_before - now).total_seconds()
            return True, f"{max(1, int(left + 0.999))}"
        if state.remaining is not None and state.remaining <= 0:
            return None
        if state.remaining is not None:
            state.remaining -= 1
        state.not_before = now + timedelta(seconds=state.retry_after)
        return False, f"{state.retry_after:g}"

    def _answer(
        self, method: str, parts: list[str], body: Any, request: web.Request
    ) -> tuple[int, Any, dict[str, str]]:
        not_found = {"error": {"code": "NotFound", "message": "fake connector: no such route"}}
        if len(parts) < 2 or parts[0] != "v3":
            return 404, not_found, {}
        if parts[1] == "conversations":
            return self._conversations_route(method, parts[2:], body, request)
        if parts[1] == "teams" and len(parts) >= 3 and method == "GET":
            team_id = parts[2]
            if len(parts) == 3:
                details = self.teams.get(team_id) or {
                    "id": team_id,
                    "name": "Forum team",
                    "aadGroupId": "00000000-0000-0000-0000-0000000000ab",
                }
                return 200, details, {}
            if parts[3] == "conversations":
                channels = self.channels.get(team_id) or [{"id": team_id, "name": None}]
                return 200, {"conversations": channels}, {}
        return 404, not_found, {}

    def _conversations_route(
        self, method: str, rest: list[str], body: Any, request: web.Request
    ) -> tuple[int, Any, dict[str, str]]:
        if not rest:
            if method == "POST":
                n = next(self._conversations)
                new_id = f"a:new-{n}"
                self.created_conversations.append(body if isinstance(body, dict) else {})
                self.created_ids.append(new_id)
                return 201, {"id": new_id, "activityId": str(n), "serviceUrl": self.url}, {}
            if method == "GET":
                return 200, {"conversations": [], "continuationToken": None}, {}
            return 405, None, {}
        conversation_id = rest[0]
        tail = rest[1:]
        if tail and tail[0] == "activities":
            if method == "POST" and len(tail) <= 2:
                return 201, {"id": str(1_700_000_000_000 + next(self._ids))}, {}
            if method == "PUT" and len(tail) == 2:
                return 200, {"id": tail[1]}, {}
            if method == "DELETE" and len(tail) == 2:
                return 200, None, {}
            if method == "GET" and len(tail) == 3 and tail[2] == "members":
                return 200, self._roster_for(conversation_id), {}
        if tail and tail[0] == "pagedmembers" and method == "GET":
            return 200, self._paged(conversation_id, request), {}
        if tail and tail[0] == "members" and method == "GET":
            roster = self._roster_for(conversation_id)
            if len(tail) == 1:
                return 200, roster, {}
            wanted = tail[1]
            for member in roster:
                if wanted in (member.get("id"), member.get("aadObjectId"), member.get("userPrincipalName")):
                    return 200, member, {}
            return 404, {"error": {"code": "MemberNotFoundInConversation", "message": "fake"}}, {}
        return 404, {"error": {"code": "NotFound", "message": "fake connector: no such route"}}, {}

    def _roster_for(self, conversation_or_team_id: str) -> list[dict[str, Any]]:
        return self.rosters.get(conversation_or_team_id, self.roster)

    def _paged(self, conversation_id: str, request: web.Request) -> dict[str, Any]:
        roster = self._roster_for(conversation_id)
        try:
            size = int(request.query.get("pageSize", "") or len(roster) or 1)
            start = int(request.query.get("continuationToken", "") or 0)
        except ValueError:
            size, start = len(roster) or 1, 0
        page = roster[start : start + size]
        token = str(start + size) if start + size < len(roster) else None
        return {"members": page, "continuationToken": token}


def _parts_of(request: web.Request) -> list[str]:
    """The decoded path segments from `v3` on (any prefix before it dropped, repeated slashes ignored)."""
    segments = [unquote(s) for s in request.rel_url.raw_path.split("/") if s]
    try:
        start = segments.index("v3")
    except ValueError:
        start = len(segments)
    return segments[start:]


async def _body_of(request: web.Request) -> Any:
    """The JSON body, the text if it is not JSON, or None."""
    if not request.can_read_body:
        return None
    text = await request.text()
    try:
        return json.loads(text) if text else None
    except ValueError:
        return text


@asynccontextmanager
async def running_fake_connector(**kwargs: Any) -> AsyncIterator[FakeConnector]:
    connector = FakeConnector(**kwargs)
    await connector.start()
    try:
        yield connector
    finally:
        await connector.stop()
