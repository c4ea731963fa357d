"""HTTP surface: POST /api/messages in front of the adapter, GET /healthz and /readyz.

Our own handler instead of `CloudAdapter.process`: that one answers 500 to a missing content type, bad JSON
or a malformed token, parses the body before authenticating, and double-serialises invoke bodies.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from http import HTTPStatus

from aiohttp import web
from botbuilder.core.serializer_helper import serializer_helper
from botbuilder.schema import Activity
from msrest.serialization import Model
from sqlalchemy import text

from bot.metrics import CONTENT_TYPE_LATEST, authorised
from bot.references import identifier_problem
from bot.runtime import RUNTIME

log = logging.getLogger(__name__)

MAX_JSON_DEPTH = 64


def _problem(status: int, reason: str) -> web.Response:
    return web.json_response({"error": reason}, status=status)


def _too_deep(value: object, depth: int = 0) -> bool:
    if depth > MAX_JSON_DEPTH:
        return True
    if isinstance(value, dict):
        return any(_too_deep(v, depth + 1) for v in value.values())
    if isinstance(value, list):
        return any(_too_deep(v, depth + 1) for v in value)
    return False


def _parse_activity(raw: bytes) -> Activity | None:
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(body, dict) or not isinstance(body.get("type"), str) or _too_deep(body):
        return None
    try:
        activity = Activity().deserialize(body)
    except Exception:  # msrest raises a variety of errors on malformed shapes
        return None
    if activity.conversation is None or not activity.conversation.id or not activity.service_url:
        return None
    return activity


def _invoke_body(status: int, body: object) -> object:
    """A JSON-ready invoke body. botbuilder sometimes leaves an msrest model here, and its own adaptive-card
    error responses carry an `Exception` as value, which msrest cannot serialise (ActivityHandler 4.17.1)."""
    if isinstance(body, Model):
        value = getattr(body, "value", None)
        if isinstance(value, Exception):
            code, message = ([*value.args, "", ""])[:2]
            return {
                "statusCode": int(getattr(body, "status_code", None) or status),
                "type": getattr(body, "type", None) or "application/vnd.microsoft.error",
                "value": {"code": str(code), "message": str(message)},
            }
    try:
        if isinstance(body, Model):
            body = serializer_helper(body)
        json.dumps(body)
    except Exception:  # msrest SerializationError, TypeError, ValueError: the answer must still be JSON
        log.error("invoke response body is not JSON-serialisable: %s", type(body).__name__)
        return {
            "statusCode": status,
            "type": "application/vnd.microsoft.error",
            "value": {"code": "InternalError", "message": "the bot could not answer"},
        }
    return body


async def _read_body(request: web.Request, limit: int, read_seconds: float) -> bytes | web.Response:
    """The whole body, or the answer when it cannot be had: 408 (too slow), 413 (too large), 400 (unreadable)."""
    try:
        async with asyncio.timeout(read_seconds):
            raw = await request.read()
    except TimeoutError:  # a body that trickles in would hold the connection: answer and close it
        log.warning("request body not read within %.1f s", read_seconds)
        timed_out = _problem(408, "request body timeout")
        timed_out.force_close()
        return timed_out
    except web.HTTPRequestEntityTooLarge:
        return _problem(413, "request too large")
    except Exception as error:  # truncated or badly encoded body (aiohttp payload errors)
        log.warning("could not read request body: %s", type(error).__name__)
        return _problem(400, "unreadable body")
    if len(raw) > limit:  # also when the app's client_max_size is larger
        return _problem(413, "request too large")
    return raw


async def messages(request: web.Request) -> web.StreamResponse:
    runtime = request.app[RUNTIME]
    settings = runtime.settings
    # request.content_type is the parsed media type ("application/octet-stream" when the header is missing),
    # so "text/plain; x=application/json" does not slip through a substring test.
    if request.content_type.lower() != "application/json":
        return _problem(415, "content type must be application/json")
    if request.content_length is not None and request.content_length > settings.max_request_bytes:
        return _problem(413, "request too large")
    auth_header = request.headers.get("Authorization", "")
    if settings.auth_enabled and not auth_header.startswith("Bearer "):
        return _problem(401, "missing bearer token")
    raw = await _read_body(request, settings.max_request_bytes, settings.request_read_timeout_seconds)
    if isinstance(raw, web.Response):
        return raw
    activity = _parse_activity(raw)
    if activity is None:
        return _problem(400, "not a valid activity")
    request[TURN_KIND] = activity.type if activity.type in KNOWN_KINDS else "other"
    field = identifier_problem(activity)
    if field is not None:  # the value itself is neither logged nor echoed
        log.warning("refused an activity: %s is too long or contains control characters", field)
        return _problem(400, f"{field} is too long or contains control characters")
    try:
        auth = await runtime.adapter.bot_framework_authentication.authenticate_request(activity, auth_header)
    except Exception as error:  # PermissionError, jwt errors, key lookups: all mean "not authenticated"
        log.warning("rejected activity %r: %s", activity.id, type(error).__name__)
        return _problem(401, "not authenticated")
    # After authentication (a token's serviceurl claim vouches for the URL as sent), before the SDK builds the
    # connector client for replies: from here on only the normalised URL exists (bot/handler.py checks again).
    checked = settings.check_service_url(activity.service_url)
    if checked.url is None:
        log.warning("dropped activity %r: its service URL is refused (%s)", activity.id, checked.refusal)
        return web.Response(status=201)
    activity.service_url = checked.url
    try:
        response = await runtime.adapter.process_activity(auth, activity, runtime.bot.on_turn)
    except Exception:  # turn errors go to on_turn_error; this is whatever escaped it. Logged, never echoed.
        log.exception("activity %r (%r) failed outside the turn error handler", activity.id, activity.type)
        return _problem(500, "internal error")
    if response is None:
        return web.Response(status=201)
    status = int(response.status or HTTPStatus.OK)
    if response.body is None:
        return web.Response(status=status)
    return web.json_response(_invoke_body(status, response.body), status=status)


KNOWN_KINDS = frozenset({"message", "invoke", "conversationUpdate", "installationUpdate", "messageReaction", "event"})
TURN_KIND = web.RequestKey("forumbot_turn_kind", str)


async def timed_messages(request: web.Request) -> web.StreamResponse:
    """/api/messages, counted and timed by activity type and outcome (never ids or text)."""
    started = time.perf_counter()
    status = 500
    try:
        response = await messages(request)
        status = response.status
        return response
    finally:
        request.app[RUNTIME].metrics.turn(str(request.get(TURN_KIND, "unparsed")), status,
                                          time.perf_counter() - started)


async def metrics(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    if not authorised(request, runtime.settings.metrics_token.get_secret_value()):
        return _problem(401, "metrics need the bearer token")
    try:
        await runtime.metrics.refresh(runtime.uow, runtime.clock.now())
    except Exception as error:  # the process counters are still worth serving without the database gauges
        log.warning("metrics: could not read the outbox: %s", type(error).__name__)
    return web.Response(body=runtime.metrics.render(), headers={"Content-Type": CONTENT_TYPE_LATEST})


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    try:
        async with runtime.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as error:  # any database failure means not ready
        log.warning("readiness check failed: %s", type(error).__name__)
        return web.json_response({"status": "database unavailable"}, status=503)
    return web.json_response({"status": "ready"})


def add_routes(app: web.Application) -> None:
    app.router.add_post("/api/messages", timed_messages)
    app.router.add_get("/metrics", metrics)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
