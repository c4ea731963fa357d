"""The calls to Teams: the only part of the delivery worker that knows botbuilder (and msrest).

* ``continue``: a stored conversation reference, ``adapter.continue_conversation``, then a send, or for an
  update a PUT of the activity that was sent before;
* ``create``: a person without a 1:1 chat gets one through ``adapter.create_conversation`` in a team or group
  chat they share with the bot; the new reference comes back for storing.

The SDK's own retries are switched off (we own retries), every call gets the delivery timeout, and exceptions
are turned into a ``Failure`` without reading any message text.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Literal, TypeAlias

from botbuilder.core import BotAdapter, CloudAdapterBase, TurnContext
from botbuilder.schema import (
    Activity,
    ChannelAccount,
    ConversationParameters,
    ConversationReference,
    ResourceResponse,
)
from msrest.exceptions import ClientRequestError, HttpOperationError

from bot.adapter import set_http_timeout
from bot.delivery.policy import Failure, NewPersonal
from bot.references import reference_from_json
from bot.settings import Settings
from domain.model import ConversationType
from storage.conversations import StoredConversation

log = logging.getLogger(__name__)

Adapter: TypeAlias = CloudAdapterBase  # what the worker is given to send through (bot.adapter.ForumAdapter)
CHANNEL_ID = "msteams"
IO_THREAD_HEADROOM = 16  # for in-turn replies and token fetches next to the worker's calls


@dataclass(frozen=True)
class Route:
    """Where one claimed message goes."""

    kind: Literal["continue", "create"]
    rate_key: str
    service_url: str
    conversation: StoredConversation | None = None  # continue
    via: StoredConversation | None = None  # create
    update_activity_id: str | None = None
    person_aad_object_id: str | None = None


@dataclass
class Call:
    """What the turn callback saw (botbuilder's on_turn_error would swallow exceptions raised in it)."""

    activity_id: str | None = None
    conversation_id: str | None = None
    new_reference: dict[str, Any] | None = None
    error: BaseException | None = None
    request_made: bool = False


def _safe_code(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    code = "".join(ch for ch in value if ch.isalnum() or ch in "._-")[:60]
    return code or None


def classify(error: BaseException) -> Failure:
    """Map an exception from botbuilder/msrest (or asyncio) to a Failure. Never reads message text."""
    if isinstance(error, HttpOperationError):
        response = getattr(error, "response", None)
        status = getattr(response, "status_code", None)
        headers = getattr(response, "headers", None) or {}
        retry_after = headers.get("Retry-After") if hasattr(headers, "get") else None
        body = getattr(error, "error", None)
        code = _safe_code(getattr(getattr(body, "error", None), "code", None))
        if isinstance(status, int):
            if code is None:
                try:
                    code = HTTPStatus(status).phrase.replace(" ", "")
                except ValueError:
                    code = "Error"
            return Failure(status, code, str(retry_after) if retry_after is not None else None)
        return Failure(None, "http_error")
    if isinstance(error, TimeoutError):
        return Failure(None, "timeout")
    if isinstance(error, ClientRequestError | ConnectionError | OSError):
        return Failure(None, "connection_error")
    return Failure(None, f"error:{type(error).__name__}")


def disable_sdk_retries(tc: TurnContext) -> None:
    """msrest retries PUTs (honouring Retry-After) inside its worker thread; we own retries: switch that off.

    Measured with 4.17.1: an update answered 500/503/429+Retry-After was sent 4 times and then surfaced as a
    ClientRequestError without the status code. The Retry object must be mutated in place: the connector's
    session captured it when the client was built.
    """
    client = tc.turn_state.get(BotAdapter.BOT_CONNECTOR_CLIENT_KEY)
    policy = getattr(getattr(getattr(client, "config", None), "retry_policy", None), "policy", None)
    if policy is None:
        return
    with contextlib.suppress(AttributeError, TypeError):
        policy.total = 0
        policy.connect = 0
        policy.read = 0
        policy.status_forcelist = frozenset()
        policy.respect_retry_after_header = False


_THREADED_LOOPS: weakref.WeakSet[asyncio.AbstractEventLoop] = weakref.WeakSet()


def ensure_io_threads(settings: Settings) -> None:
    """msrest sends with `requests` in the loop's default executor (min(32, CPUs + 4) threads: 6 on two cores).

    A hung call holds its thread until the HTTP timeout, so a few hung conversations would starve every other
    send and every in-turn reply. Give the loop enough threads for every call the worker can have in flight.
    """
    loop = asyncio.get_running_loop()
    if loop in _THREADED_LOOPS:
        return
    workers = settings.delivery_concurrency + settings.delivery_max_slow + IO_THREAD_HEADROOM
    loop.set_default_executor(ThreadPoolExecutor(max_workers=workers, thread_name_prefix="forumbot-io"))
    _THREADED_LOOPS.add(loop)


def parse_activity(payload: dict[str, Any]) -> Activity:
    """The stored payload as the activity to send; raises when it is not one."""
    activity: Activity = Activity().deserialize(payload)
    return activity


def new_personal(route: Route, call: Call, person_id: str) -> NewPersonal:
    """The 1:1 chat a `create` call made, to be stored with the outcome."""
    assert route.via is not None and call.new_reference is not None
    bot = call.new_reference.get("bot")
    return NewPersonal(
        conversation_id=str(call.conversation_id),
        person_id=person_id,
        tenant_id=route.via.tenant_id,
        service_url=route.service_url,
        bot_id=bot.get("id") if isinstance(bot, dict) else None,
        aad_object_id=route.person_aad_object_id,
        reference=call.new_reference,
    )


class TeamsClient:
    """Sends one activity along a route through the adapter; what happened is written into the `Call`."""

    def __init__(self, adapter: Adapter, settings: Settings) -> None:
        self._adapter = adapter
        self._settings = settings

    async def send(self, route: Route, activity: Activity, call: Call, person_id: str | None) -> None:
        if route.kind == "continue":
            await self._continue(route, activity, call)
        else:
            assert person_id is not None
            await self._create(route, activity, call, person_id)

    def refresh_credentials(self) -> None:
        """Drop the cached token (after a 401), so the next call fetches a new one."""
        refresh = getattr(self._adapter, "refresh_credentials", None)
        if callable(refresh):
            try:
                refresh()
            except Exception:
                log.exception("could not drop the cached token")

    def _prepare(self, tc: TurnContext) -> None:
        """No SDK retries, and this call's HTTP timeout (the adapter's clients default to the shorter in-turn
        reply timeout)."""
        disable_sdk_retries(tc)
        client = tc.turn_state.get(BotAdapter.BOT_CONNECTOR_CLIENT_KEY)
        set_http_timeout(client, self._settings.delivery_timeout_seconds)

    async def _continue(self, route: Route, activity: Activity, call: Call) -> None:
        assert route.conversation is not None
        reference = reference_from_json(dict(route.conversation.reference))

        async def callback(tc: TurnContext) -> None:
            self._prepare(tc)
            call.conversation_id = tc.activity.conversation.id if tc.activity.conversation else None
            try:
                call.request_made = True
                if route.update_activity_id is not None:
                    activity.id = route.update_activity_id
                    response = await tc.update_activity(activity)
                    call.activity_id = route.update_activity_id
                    if isinstance(response, ResourceResponse) and response.id:
                        call.activity_id = response.id
                else:
                    response = await tc.send_activity(activity)
                    call.activity_id = response.id if response is not None else None
            except Exception as error:
                call.error = error

        await self._adapter.continue_conversation(reference, callback, self._settings.app_id)

    async def _create(self, route: Route, activity: Activity, call: Call, person_id: str) -> None:
        via = route.via
        assert via is not None
        via_bot = via.reference.get("bot")
        bot_id = (via_bot.get("id") if isinstance(via_bot, dict) else None) or via.bot_id
        bot_id = bot_id or f"28:{self._settings.app_id}"
        tenant = via.tenant_id
        parameters = ConversationParameters(
            is_group=False,
            bot=ChannelAccount(id=bot_id),
            members=[ChannelAccount(id=person_id)],
            tenant_id=tenant,
            channel_data={"tenant": {"id": tenant}},
        )
        user = ChannelAccount(id=person_id, aad_object_id=route.person_aad_object_id)

        async def callback(tc: TurnContext) -> None:
            # The CreateConversation turn is an event with no `from` and no conversation type: fix both so the
            # stored reference works for later continue_conversation calls (and the reply has a recipient).
            self._prepare(tc)
            try:
                tc.activity.from_property = user
                reference: ConversationReference = TurnContext.get_conversation_reference(tc.activity)
                data: dict[str, Any] = reference.serialize()
                conversation = dict(data.get("conversation") or {})
                conversation["conversationType"] = ConversationType.PERSONAL.value
                conversation["tenantId"] = tenant
                data["conversation"] = conversation
                data["channelId"] = data.get("channelId") or CHANNEL_ID
                data["serviceUrl"] = route.service_url
                call.conversation_id = str(conversation.get("id"))
                call.new_reference = data
                call.request_made = True
                response = await tc.send_activity(activity)
                call.activity_id = response.id if response is not None else None
            except Exception as error:
                call.error = error

        await self._adapter.create_conversation(
            self._settings.app_id, callback, parameters, CHANNEL_ID, route.service_url
        )
