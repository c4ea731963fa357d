"""botbuilder's blocking network calls, moved off the event loop with timeouts.

botbuilder 4.17.1 does two blocking things on the event loop:

* **Signing keys.** `_OpenIdMetadata._refresh` fetches the OpenID metadata and the JWKS with a synchronous
  `requests.get` and no timeout, so while Microsoft's key endpoint is slow every other turn, the delivery
  worker and `/healthz` stand still. Here the fetch runs in a thread with a timeout, one refresh at a time per
  metadata URL (other turns wait for it instead of starting their own), and the keys are cached as the SDK
  does: for a day, refreshed at most once an hour when an unknown key id arrives.
* **Bot tokens.** msrest signs each request on the event loop with `get_access_token()`, where MSAL fetches a
  new token from Entra ID when its cache has none. `prefetch_token` makes that call in a thread before the
  client is used, so the call on the loop finds the token in MSAL's cache.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any

import requests
from botframework.connector.auth import jwt_token_extractor

log = logging.getLogger(__name__)

FETCH_TIMEOUT_SECONDS = 10.0


def _fetch_keys(url: str, timeout: float) -> list[dict[str, Any]]:
    response = requests.get(url, timeout=timeout)
    response.raise_for_status()
    keys_url = response.json()["jwks_uri"]
    keys = requests.get(keys_url, timeout=timeout)
    keys.raise_for_status()
    found: list[dict[str, Any]] = keys.json()["keys"]
    return found


async def _refresh(self: Any) -> None:
    """Replacement for `_OpenIdMetadata._refresh`: in a thread, with a timeout, one at a time."""
    loop = asyncio.get_running_loop()
    held = getattr(self, "_forumbot_lock", None)
    if held is None or held[0] is not loop:  # one lock per metadata URL and event loop
        held = (loop, asyncio.Lock())
        self._forumbot_lock = held
    lock = held[1]
    started = datetime.now()  # noqa: DTZ005 - compared with the SDK's own naive `last_updated`
    async with lock:
        if self.keys and self.last_updated >= started:
            return  # another turn refreshed while this one waited
        timeout = FETCH_TIMEOUT_SECONDS
        try:
            keys = await asyncio.wait_for(asyncio.to_thread(_fetch_keys, self.url, timeout), timeout=2 * timeout)
        except TimeoutError:
            log.warning("signing keys: the metadata endpoint did not answer within %.0f s", 2 * timeout)
            raise
        self.keys = keys
        self.last_updated = datetime.now()  # noqa: DTZ005 - the SDK's cache compares naive local times


def install() -> None:
    """Patch the SDK once per process (idempotent)."""
    metadata = jwt_token_extractor._OpenIdMetadata
    if getattr(metadata, "_forumbot_off_loop", False):
        return
    metadata._refresh = _refresh
    metadata._forumbot_off_loop = True


async def prefetch_token(credentials: Any, wait_seconds: float) -> None:
    """Get the bot's token in a thread, so signing on the event loop finds it in MSAL's cache."""
    if not getattr(credentials, "microsoft_app_id", None) or not hasattr(credentials, "get_access_token"):
        return  # authentication off: nothing to fetch
    await asyncio.wait_for(asyncio.to_thread(credentials.get_access_token), timeout=wait_seconds)
