"""The one CloudAdapter: turn errors are logged with ids and answered with a localised apology."""

from __future__ import annotations

import logging

from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import ActivityTypes

from bot.settings import Settings
from dialogs.texts import for_language, negotiate

log = logging.getLogger(__name__)


class ForumAdapter(CloudAdapter):  # type: ignore[misc]
    def __init__(self, settings: Settings) -> None:
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
        if activity.type == ActivityTypes.message:
            language = negotiate(None, activity.locale, self._default_language)
            try:
                await context.send_activity(for_language(language)("error.turn_failed"))
            except Exception:  # the apology is best effort; the original error is already logged
                log.warning("could not send the turn-error apology for activity %s", activity.id)
