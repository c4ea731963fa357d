"""How Teams' 429s pause sending: one conversation until its Retry-After, everything when the app is throttled.

A 429 pauses its conversation. 429s from several conversations in a short window pause everything, but only
when they are at least half of the recent responses: with 10 % of the conversations throttled and the rest
flowing, nobody else waits (Teams also limits per app and tenant, which looks like the former).
"""

from __future__ import annotations

import logging
from collections import deque
from datetime import datetime, timedelta

from bot.metrics import Metrics
from bot.settings import Settings
from domain.clock import Clock

log = logging.getLogger(__name__)

THROTTLE_APP_SHARE = 0.5  # the share of 429s among recent responses that means "the whole app is throttled"


class Throttles:
    """The pauses in force. Not thread-safe; one delivery worker holds it."""

    def __init__(self, settings: Settings, clock: Clock, metrics: Metrics) -> None:
        self._settings = settings
        self._clock = clock
        self._metrics = metrics
        self.paused_until: datetime | None = None  # the global pause
        self._conversation_paused: dict[str, datetime] = {}
        self._throttles: deque[tuple[datetime, str, datetime]] = deque()  # recent 429s: when, conversation, until
        self._accepted: deque[datetime] = deque()  # recent accepted sends (for telling app-wide throttling apart)

    def paused(self, now: datetime) -> bool:
        """Whether the global pause is in force (it ends by itself)."""
        if self.paused_until is not None and self.paused_until <= now:
            self.paused_until = None
        return self.paused_until is not None

    def conversation_paused_until(self, key: str) -> datetime | None:
        return self._conversation_paused.get(key)

    def conversation_pause(self, key: str) -> datetime | None:
        """The end of the conversation's pause, if one is still in force."""
        until = self._conversation_paused.get(key)
        if until is None:
            return None
        if until <= self._clock.now():
            del self._conversation_paused[key]
            return None
        return until

    def throttled(self, key: str, now: datetime, until: datetime) -> None:
        """A 429 for `key`: pause it until `until`, and everything when the whole app is being throttled."""
        current = self._conversation_paused.get(key)
        if current is None or until > current:
            self._conversation_paused[key] = until
        self._metrics.throttle_pauses.labels(scope="conversation").inc()
        self._throttles.append((now, key, until))
        self._forget_old_responses(now)
        conversations = {k for _, k, _ in self._throttles}
        # Several conversations, and at least as many 429s as accepted sends: Teams is throttling the app, not
        # a few busy conversations.
        app_wide = len(self._throttles) >= len(self._accepted) * THROTTLE_APP_SHARE / (1 - THROTTLE_APP_SHARE)
        if len(conversations) >= self._settings.throttle_pause_conversations and app_wide:
            until_all = max(u for _, _, u in self._throttles)
            if self.paused_until is None or until_all > self.paused_until:
                if self.paused_until is None:
                    self._metrics.throttle_pauses.labels(scope="all").inc()
                self.paused_until = until_all
                log.warning(
                    "delivery throttled in %d conversations: pausing everything for %.1f s",
                    len(conversations),
                    (until_all - now).total_seconds(),
                )

    def note_accepted(self) -> None:
        now = self._clock.now()
        self._accepted.append(now)
        if len(self._accepted) > 4 * self._settings.rate_global_per_second * self._settings.throttle_window_seconds:
            self._forget_old_responses(now)

    def _forget_old_responses(self, now: datetime) -> None:
        window_start = now - timedelta(seconds=self._settings.throttle_window_seconds)
        while self._throttles and self._throttles[0][0] < window_start:
            self._throttles.popleft()
        while self._accepted and self._accepted[0] < window_start:
            self._accepted.popleft()
