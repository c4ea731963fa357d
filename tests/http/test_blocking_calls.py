"""A slow signing-key endpoint or a slow token fetch does not stall the event loop (other turns, /healthz)."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from botframework.connector.auth import MicrosoftAppCredentials

from tests.fakes.connector import FakeConnector
from tests.http.conftest import OUTBOUND_TOKEN, TokenIssuer
from tests.http.test_messages_endpoint import activity, answer, post

Client = TestClient[web.Request, web.Application]
SLOW = 1.5


async def healthz_answered_after(client: Client, started: float) -> float:
    """Seconds from `started` until /healthz answered (a blocked loop delays the sleep before it too)."""
    await asyncio.sleep(0.3)  # the turns are now waiting for the slow endpoint
    response = await client.get("/healthz")
    assert response.status == 200
    return time.perf_counter() - started


async def test_a_slow_key_endpoint_does_not_stall_other_requests(
    auth_client: Client, fake_connector: FakeConnector, token_issuer: TokenIssuer
) -> None:
    token_issuer.state.keys_delay_seconds = SLOW
    started = time.perf_counter()
    turns = [
        asyncio.create_task(post(auth_client, activity(fake_connector.url, id=f"17000000000{n}"),
                                 token_issuer.bearer(fake_connector.url)))
        for n in range(2)
    ]
    assert await healthz_answered_after(auth_client, started) < SLOW - 0.5
    for response in await asyncio.gather(*turns):
        await answer(response, 201)
    assert time.perf_counter() - started >= SLOW  # the keys really were slow
    assert token_issuer.key_fetches == 1  # one refresh for both turns, then cached
    await answer(await post(auth_client, activity(fake_connector.url, id="1700000000099"),
                            token_issuer.bearer(fake_connector.url)), 201)
    assert token_issuer.key_fetches == 1
    assert len(fake_connector.sent_to("a:personal-alice")) == 3


async def test_a_slow_token_fetch_does_not_stall_other_requests(
    auth_client: Client, fake_connector: FakeConnector, token_issuer: TokenIssuer, monkeypatch: pytest.MonkeyPatch
) -> None:
    cached: dict[int, str] = {}
    fetches: list[str] = []

    def slow_first_token(self: MicrosoftAppCredentials, force_refresh: bool = False) -> str:
        """Like MSAL: the first call waits for Entra ID, later ones come from the cache."""
        if id(self) not in cached:
            fetches.append(threading.current_thread().name)
            time.sleep(SLOW)
            cached[id(self)] = OUTBOUND_TOKEN
        return cached[id(self)]

    monkeypatch.setattr(MicrosoftAppCredentials, "get_access_token", slow_first_token)
    started = time.perf_counter()
    turn = asyncio.create_task(post(auth_client, activity(fake_connector.url), token_issuer.bearer(fake_connector.url)))
    assert await healthz_answered_after(auth_client, started) < SLOW - 0.5
    await answer(await turn, 201)
    assert fetches and all(name != threading.main_thread().name for name in fetches)
    posts: list[Any] = fake_connector.activity_posts()
    assert posts and posts[-1].headers.get("Authorization") == f"Bearer {OUTBOUND_TOKEN}"
