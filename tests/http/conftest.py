"""HTTP fixtures: settings, a test client around `create_app`, a fake connector and the signed-token harness.

Signed-token harness (docs/security.md, "Authentication")
---------------------------------------------------------
botbuilder 4.17.1 validates a channel token like this (botframework/connector/auth):

    ConfigurationBotFrameworkAuthentication.authenticate_request
      -> _PublicCloudBotFrameworkAuthentication (no CHANNEL_SERVICE)
      -> JwtTokenValidation.authenticate_request
      -> ChannelValidation.authenticate_channel_token_with_service_url (public cloud, activity has serviceUrl)
      -> JwtTokenExtractor(metadata_url=ChannelValidation.open_id_metadata_endpoint
                           or AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL)

So the harness sets the class attribute `ChannelValidation.open_id_metadata_endpoint` to a loopback stub
serving OpenID metadata (`jwks_uri`) and a JWKS with our RSA public key. `JwtTokenExtractor.metadataCache`
is a class-level dict (metadata URL -> `_OpenIdMetadata` holding the keys for a day); it is replaced by an
empty dict per test, so neither keys nor "last refreshed" times leak between tests. Both attributes are set
with `monkeypatch`, which restores them afterwards.

The stub is a `ThreadingHTTPServer` in a thread, not an aiohttp server: the SDK's `_OpenIdMetadata._refresh`
fetched with the synchronous `requests.get` on the event loop (bot/auth_offloop.py now runs it in a thread),
and a stub in its own thread works either way. `keys_delay_seconds` makes the key endpoint slow.

Outbound: with an app id the SDK would fetch a bot token from login.microsoftonline.com (MSAL) before
replying. `MicrosoftAppCredentials.get_access_token` is patched to return a fixed string, so replies go to
the fake connector on 127.0.0.1 and nothing leaves the machine.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import threading
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import aiohttp
import jwt
import pytest
import requests
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from botframework.connector.auth import (
    AuthenticationConstants,
    ChannelValidation,
    JwtTokenExtractor,
    MicrosoftAppCredentials,
)
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from pydantic import SecretStr
from yarl import URL

from bot.app import create_app
from bot.settings import AppType, Mode, Settings
from storage.migrate import upgrade
from tests.fakes.connector import FakeConnector, running_fake_connector

APP_ID = "5a1f3c2e-7d4b-4e6a-9c8f-0b1d2e3f4a5b"
APP_PASSWORD = "test-password-not-a-secret"
APP_TENANT_ID = "c0ffee00-1234-4abc-8def-0123456789ab"
OUTBOUND_TOKEN = "outbound-test-token"
STUB_JOIN_SECONDS = 30
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass
class OutboundGuard:
    """Every HTTP request the process tried to send to a host other than loopback (none is sent)."""

    blocked: list[str] = field(default_factory=list)


@pytest.fixture(autouse=True)
def outbound_guard(monkeypatch: pytest.MonkeyPatch) -> Iterator[OutboundGuard]:
    """Loopback only: aiohttp (msrest's connector transport) and requests (botbuilder's key fetch, MSAL)
    refuse any other host without touching the network, and the test fails if anything tried."""
    guard = OutboundGuard()
    aiohttp_request = aiohttp.ClientSession._request
    requests_request = requests.Session.request

    async def guarded_aiohttp(self: aiohttp.ClientSession, method: str, str_or_url: Any, **kwargs: Any) -> Any:
        if URL(str(str_or_url)).host not in LOOPBACK_HOSTS:
            guard.blocked.append(f"{method} {str_or_url}")
            raise aiohttp.ClientConnectionError(f"test guard: no outbound request to {str_or_url}")
        return await aiohttp_request(self, method, str_or_url, **kwargs)

    def guarded_requests(self: requests.Session, method: str, url: str | bytes, **kwargs: Any) -> Any:
        text = url.decode() if isinstance(url, bytes) else str(url)
        if URL(text).host not in LOOPBACK_HOSTS:
            guard.blocked.append(f"{method} {text}")
            raise requests.ConnectionError(f"test guard: no outbound request to {text}")
        return requests_request(self, method, url, **kwargs)

    monkeypatch.setattr(aiohttp.ClientSession, "_request", guarded_aiohttp)
    monkeypatch.setattr(requests.Session, "request", guarded_requests)
    yield guard
    assert guard.blocked == [], f"requests beyond loopback were attempted: {guard.blocked}"


@pytest.fixture
def backend() -> str:
    """HTTP tests need a database but do not test storage: SQLite only (overrides the parametrised one)."""
    return "sqlite"


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file per session; each test gets a copy (migrating per test dominates run time)."""
    path = tmp_path_factory.mktemp("http-template") / "forumbot.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture
def database_url(migrated_sqlite_template: Path, tmp_path: Path) -> str:
    """A fresh, migrated, empty SQLite database (overrides tests/conftest.py's migrate-per-test fixture)."""
    target = tmp_path / "forumbot.db"
    shutil.copyfile(migrated_sqlite_template, target)
    return f"sqlite+aiosqlite:///{target}"


# --- settings -----------------------------------------------------------------------------------------------


@pytest.fixture
def local_settings(database_url: str, clean_env: None) -> Settings:
    """Local mode, authentication off (empty app id), bound to loopback."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]  # pydantic-settings init kwarg
        mode=Mode.LOCAL,
        host="127.0.0.1",
        database_url=database_url,
        allowed_service_hosts=["smba.trafficmanager.net"],
    )


@pytest.fixture
def auth_settings(database_url: str, clean_env: None) -> Settings:
    """Authentication on (SingleTenant app id + password), still local mode on 127.0.0.1 so it runs here."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]  # pydantic-settings init kwarg
        mode=Mode.LOCAL,
        host="127.0.0.1",
        database_url=database_url,
        app_id=APP_ID,
        app_password=SecretStr(APP_PASSWORD),
        app_type=AppType.SINGLE_TENANT,
        app_tenant_id=APP_TENANT_ID,
        allowed_service_hosts=["smba.trafficmanager.net"],
    )


# --- app + client -------------------------------------------------------------------------------------------

ClientFactory = Callable[[Settings], Awaitable[TestClient[web.Request, web.Application]]]


@pytest.fixture
async def make_client() -> AsyncIterator[ClientFactory]:
    """Build test clients around `create_app(settings, background=False)`; all are closed at teardown."""
    clients: list[TestClient[web.Request, web.Application]] = []

    async def factory(settings: Settings) -> TestClient[web.Request, web.Application]:
        server = TestServer(create_app(settings, background=False), host="127.0.0.1")
        client: TestClient[web.Request, web.Application] = TestClient(server)
        await client.start_server()
        clients.append(client)
        return client

    try:
        yield factory
    finally:
        for client in reversed(clients):
            await client.close()
        # aiosqlite answers from its own thread; after a failed connect (the /readyz test) that answer can
        # arrive a moment after the app closed. Let it land while this test's event loop is still running.
        await asyncio.sleep(0.1)


@pytest.fixture
async def http_client(local_settings: Settings, make_client: ClientFactory) -> TestClient[web.Request, web.Application]:
    return await make_client(local_settings)


@pytest.fixture
async def auth_client(
    auth_settings: Settings, make_client: ClientFactory, token_issuer: TokenIssuer
) -> TestClient[web.Request, web.Application]:
    return await make_client(auth_settings)


@pytest.fixture
async def fake_connector() -> AsyncIterator[FakeConnector]:
    async with running_fake_connector() as connector:
        yield connector


# --- signed-token harness -----------------------------------------------------------------------------------


@dataclass
class _StubState:
    metadata: dict[str, Any] = field(default_factory=dict)
    jwks: dict[str, Any] = field(default_factory=dict)
    hits: list[str] = field(default_factory=list)
    keys_delay_seconds: float = 0.0  # a slow key endpoint


def _stub_handler(state: _StubState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.hits.append(self.path)
            if self.path == "/v1/.well-known/openidconfiguration":
                payload: dict[str, Any] | None = state.metadata
            elif self.path == "/v1/.well-known/keys":
                time.sleep(state.keys_delay_seconds)
                payload = state.jwks
            else:
                payload = None
            body = json.dumps(payload if payload is not None else {"error": "not found"}).encode()
            self.send_response(200 if payload is not None else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


@dataclass
class TokenIssuer:
    """Mints channel tokens the way the Bot Connector does, signed with a key the stub JWKS publishes."""

    private_key: rsa.RSAPrivateKey
    kid: str
    metadata_url: str
    state: _StubState
    app_id: str = APP_ID

    def mint(
        self,
        service_url: str,
        *,
        issuer: str = AuthenticationConstants.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER,
        audience: str | None = None,
        lifetime_seconds: int = 3600,
        issued_ago_seconds: int = 60,
        kid: str | None = None,
        key: rsa.RSAPrivateKey | None = None,
        extra: dict[str, Any] | None = None,
        omit: tuple[str, ...] = (),
    ) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "serviceurl": service_url,
            "nbf": now - issued_ago_seconds,
            "iat": now - issued_ago_seconds,
            "exp": now - issued_ago_seconds + lifetime_seconds,
            "iss": issuer,
            "aud": self.app_id if audience is None else audience,
        }
        claims.update(extra or {})
        for name in omit:
            claims.pop(name, None)
        pem = (key or self.private_key).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        return jwt.encode(claims, pem, algorithm="RS256", headers={"kid": kid or self.kid})

    def bearer(self, service_url: str, **kwargs: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.mint(service_url, **kwargs)}"}

    def set_endorsements(self, endorsements: list[str]) -> None:
        for key in self.state.jwks["keys"]:
            key["endorsements"] = list(endorsements)

    @property
    def key_fetches(self) -> int:
        return sum(1 for hit in self.state.hits if hit.endswith("/keys"))


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="session")
def rsa_key() -> rsa.RSAPrivateKey:
    """One key pair per session (generation is the slow part); kids are unique per test."""
    return _new_key()


@pytest.fixture
def token_issuer(rsa_key: rsa.RSAPrivateKey, monkeypatch: pytest.MonkeyPatch) -> Iterator[TokenIssuer]:
    kid = f"test-{uuid.uuid4().hex[:8]}"
    state = _StubState()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _stub_handler(state))
    server.daemon_threads = True
    base = f"http://127.0.0.1:{server.server_address[1]}"
    jwk = json.loads(RSAAlgorithm.to_jwk(rsa_key.public_key()))
    jwk.update({"kid": kid, "use": "sig", "alg": "RS256", "endorsements": ["msteams"]})
    state.metadata = {
        "issuer": AuthenticationConstants.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER,
        "jwks_uri": f"{base}/v1/.well-known/keys",
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
    }
    state.jwks = {"keys": [jwk]}
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="jwks-stub", daemon=True
    )
    thread.start()
    metadata_url = f"{base}/v1/.well-known/openidconfiguration"
    monkeypatch.setattr(ChannelValidation, "open_id_metadata_endpoint", metadata_url)
    monkeypatch.setattr(JwtTokenExtractor, "metadataCache", {})

    def fixed_token(self: MicrosoftAppCredentials, force_refresh: bool = False) -> str:
        return OUTBOUND_TOKEN

    monkeypatch.setattr(MicrosoftAppCredentials, "get_access_token", fixed_token)
    try:
        yield TokenIssuer(private_key=rsa_key, kid=kid, metadata_url=metadata_url, state=state)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=STUB_JOIN_SECONDS)


@pytest.fixture
def other_key() -> rsa.RSAPrivateKey:
    """A key the JWKS does not publish (forged signature tests)."""
    return _new_key()
