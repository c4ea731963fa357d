"""The one CloudAdapter: turn errors are logged with ids and answered with a localised apology."""

from __future__ import annotations

import logging

from botbuilder.core import BotAdapter, InvokeResponse, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity, ActivityTypes
from msrest.universal_http.requests import ClientRetryPolicy

from bot.settings import Settings
from dialogs.texts import for_language, negotiate

log = logging.getLogger(__name__)


def _speed_up_msrest_client_setup() -> None:
    """msrest builds a retry policy for every connector client (every turn) by testing 999 status codes for
    membership in a 500-item list: ~7 ms per turn. The list is only ever used for that test, so a frozenset
    changes nothing but the time."""
    if not isinstance(ClientRetryPolicy.safe_codes, frozenset):
        ClientRetryPolicy.safe_codes = frozenset(ClientRetryPolicy.safe_codes)  # type: ignore[assignment]


class ForumAdapter(CloudAdapter):  # type: ignore[misc]
    def __init__(self, settings: Settings) -> None:
        _speed_up_msrest_client_setup()
        super().__init__(ConfigurationBotFrameworkAuthentication(settings.botframework_config()))
        self._default_language = settings.default_language
        self.on_turn_error = self._on_error

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
