"""In-turn replies have a timeout (issue 6 item 8): a hung Bot Connector cannot hold a turn, or a thread, for
msrest's 100 seconds."""

from __future__ import annotations

import time

from bot.adapter import CachedCredentialsFactory
from bot.settings import Settings
from dialogs.texts import for_language
from tests.fakes.connector import FakeConnector
from tests.http.conftest import ClientFactory
from tests.http.test_messages_endpoint import activity, answer, post


async def test_a_hung_reply_times_out_and_the_turn_ends_with_an_apology(
    local_settings: Settings, make_client: ClientFactory, fake_connector: FakeConnector
) -> None:
    settings = local_settings.model_copy(update={"reply_timeout_seconds": 0.5})
    client = await make_client(settings)
    fake_connector.hang_next("a:personal-alice", method="POST")  # the reply hangs; the apology after it does not
    started = time.monotonic()
    response = await post(client, activity(fake_connector.url))
    elapsed = time.monotonic() - started
    await answer(response, 201)
    assert elapsed < 5.0  # the reply gave up after 0.5 s (the fake would hang 30 s, msrest waits 100 s)
    (apology,) = fake_connector.sent_to("a:personal-alice")
    assert apology["text"] == for_language("sv")("error.turn_failed")


class _Inner:
    def __init__(self) -> None:
        self.made = 0

    async def is_valid_app_id(self, app_id: str) -> bool:
        return True

    async def is_authentication_disabled(self) -> bool:
        return False

    async def create_credentials(self, app_id: str, scope: str, endpoint: str, validate: bool) -> object:
        self.made += 1
        return object()


async def test_credentials_are_kept_until_a_401_drops_them() -> None:
    inner = _Inner()
    factory = CachedCredentialsFactory(inner)
    first = await factory.create_credentials("app", "https://api.botframework.com", "https://login", True)
    assert await factory.create_credentials("app", "https://api.botframework.com", "https://login", True) is first
    assert inner.made == 1  # one credentials object: MSAL's token cache is reused instead of a token per call
    other = await factory.create_credentials("app", "https://other.example", "https://login", True)
    assert other is not first
    factory.invalidate()
    renewed = await factory.create_credentials("app", "https://api.botframework.com", "https://login", True)
    assert renewed is not first and inner.made == 3 and factory.refreshes == 1
