"""The one CloudAdapter: turn errors are logged with ids and answered with a localised apology.

Two things botbuilder 4.17.1 does not do on its own:

* **Timeouts.** msrest sends with `requests` in a worker thread with a 100 s timeout, so a hung connector held a
  turn (and a thread) for 100 s. Every connector client made here gets `reply_timeout_seconds` as its HTTP
  timeout (the delivery worker sets its own per call).
* **Blocking calls** (signing keys, tokens) run in threads with timeouts: see bot/auth_offloop.py.
* **One token, dropped on a 401.** Every connector client got new `MicrosoftAppCredentials` with an empty MSAL
  cache, so every call fetched a new token from Entra ID (synchronously, on the event loop). The credentials are
  now kept per app id and audience, so MSAL's cache is reused; `refresh_credentials()` drops them (and the
  managed identity token cache), and the next call fetches a new token: the delivery worker calls it on a 401.
"""

from __future__ import annotations

import logging
from typing import Any

import msal
from botbuilder.core import BotAdapter, InvokeResponse, TurnContext
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
    ConfigurationServiceClientCredentialFactory,
)
from botbuilder.schema import Activity, ActivityTypes
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import (
    AuthenticateRequestResult,
    ClaimsIdentity,
    ConnectorFactory,
    ServiceClientCredentialsFactory,
)
from botframework.connector.auth.managedidentity_app_credentials import ManagedIdentityAppCredentials
from msrest.authentication import Authentication
from msrest.universal_http.requests import ClientRetryPolicy

from bot import auth_offloop
from bot.settings import Settings
from dialogs.texts import for_language, negotiate

log = logging.getLogger(__name__)


def _speed_up_msrest_client_setup() -> None:
    """msrest builds a retry policy for every connector client (every turn) by testing 999 status codes for
    membership in a 500-item list: ~7 ms per turn. The list is only ever used for that test, so a frozenset
    changes nothing but the time."""
    if not isinstance(ClientRetryPolicy.safe_codes, frozenset):
        ClientRetryPolicy.safe_codes = frozenset(ClientRetryPolicy.safe_codes)  # type: ignore[assignment]


class CachedCredentialsFactory(ServiceClientCredentialsFactory):  # type: ignore[misc]
    """The configured credentials factory, keeping one credentials object (and its MSAL token cache) per audience.

    Before credentials are handed out, their token is fetched in a thread (bot/auth_offloop.py), so msrest's
    signing on the event loop never waits for Entra ID.
    """

    def __init__(self, inner: ServiceClientCredentialsFactory, token_timeout: float = 10.0) -> None:
        self._inner = inner
        self._token_timeout = token_timeout
        self._cache: dict[tuple[str, str, str, bool], Authentication] = {}
        self.refreshes = 0

    async def is_valid_app_id(self, app_id: str) -> bool:
        return bool(await self._inner.is_valid_app_id(app_id))

    async def is_authentication_disabled(self) -> bool:
        return bool(await self._inner.is_authentication_disabled())

    async def create_credentials(
        self, app_id: str, oauth_scope: str, login_endpoint: str, validate_authority: bool
    ) -> Authentication:
        key = (app_id or "", oauth_scope or "", login_endpoint or "", bool(validate_authority))
        found = self._cache.get(key)
        if found is None:
            found = await self._inner.create_credentials(app_id, oauth_scope, login_endpoint, validate_authority)
            self._cache[key] = found
        await auth_offloop.prefetch_token(found, self._token_timeout)
        return found

    def invalidate(self) -> None:
        """Forget every token: the next call builds new credentials, whose empty cache makes MSAL fetch anew."""
        self._cache.clear()
        ManagedIdentityAppCredentials.global_token_cache = msal.TokenCache()
        self.refreshes += 1


class _TimeoutConnectorFactory(ConnectorFactory):  # type: ignore[misc]
    def __init__(self, inner: ConnectorFactory, timeout: float) -> None:
        self._inner = inner
        self._timeout = timeout

    async def create(self, service_url: str, audience: str | None = None) -> ConnectorClient:
        client = await self._inner.create(service_url, audience)
        set_http_timeout(client, self._timeout)
        return client


def set_http_timeout(client: Any, seconds: float) -> None:
    """The `requests` timeout msrest uses for this client (connect and each read), read at every send."""
    connection = getattr(getattr(client, "config", None), "connection", None)
    if connection is not None:
        connection.timeout = seconds


class ForumAuthentication(ConfigurationBotFrameworkAuthentication):  # type: ignore[misc]
    """botbuilder's configuration authentication, with cached credentials and HTTP timeouts on every client."""

    def __init__(self, settings: Settings) -> None:
        config = settings.botframework_config()
        self.credentials = CachedCredentialsFactory(ConfigurationServiceClientCredentialFactory(config),
                                                    token_timeout=settings.reply_timeout_seconds)
        super().__init__(config, credentials_factory=self.credentials)
        self._timeout = settings.reply_timeout_seconds

    async def authenticate_request(self, activity: Activity, auth_header: str) -> AuthenticateRequestResult:
        result = await super().authenticate_request(activity, auth_header)
        if result.connector_factory is not None:
            result.connector_factory = _TimeoutConnectorFactory(result.connector_factory, self._timeout)
        return result

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        return _TimeoutConnectorFactory(super().create_connector_factory(claims_identity), self._timeout)


class ForumAdapter(CloudAdapter):  # type: ignore[misc]
    def __init__(self, settings: Settings) -> None:
        _speed_up_msrest_client_setup()
        auth_offloop.install()
        self.authentication = ForumAuthentication(settings)
        super().__init__(self.authentication)
        self._default_language = settings.default_language
        self.on_turn_error = self._on_error

    def refresh_credentials(self) -> None:
        """Drop the cached tokens (after a 401): the next call to Teams fetches a new one."""
        self.authentication.credentials.invalidate()

    async def _on_error(self, context: TurnContext, error: Exception) -> None:
        activity = context.activity
        log.error(
            "turn failed: type=%s conversation=%s activity=%s error=%s",
            activity.type,
            activity.conversation.id if activity.conversation else None,
            activity.id,
            type(error).__name__,
            exc_info=error,
        )
        language = negotiate(None, activity.locale, self._default_language)
        apology = for_language(language)("error.turn_failed")
        try:
            if activity.type == ActivityTypes.message:
                await context.send_activity(apology)
            elif activity.type == ActivityTypes.invoke and not context.turn_state.get(BotAdapter._INVOKE_RESPONSE_KEY):
                # A card button whose turn failed still gets an answer the person can read.
                body = {"statusCode": 200, "type": "application/vnd.microsoft.activity.message", "value": apology}
                await context.send_activity(
                    Activity(type=ActivityTypes.invoke_response, value=InvokeResponse(status=200, body=body))
                )
        except Exception:  # the apology is best effort; the original error is already logged
            log.warning("could not send the turn-error apology for activity %s", activity.id)
