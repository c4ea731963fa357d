"""Outbound pace: sliding-window limits per conversation and for the whole bot (docs/security.md, "Pace").

Teams publishes its limits as "at most N operations per thread in any T seconds" (7 per 1 s, 8 per 2 s, 60
per 30 s, 1800 per 3600 s per bot and conversation; ≤30 RPS per app and tenant, docs/teams-platform.md), so
each limit here is a sliding window of the same shape. Time comes from the injected clock and waits from the
injected sleep, so tests are deterministic: with a fake sleep that advances the clock, 20 sends at 7/s take
≥ 2 s.
"""

from __future__ import annotations

import math
import random as random_module
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass

from bot.settings import Settings
from domain.clock import Clock

Sleep = Callable[[float], Awaitable[object]]

GLOBAL_KEY = "*"
DEFAULT_JITTER_SECONDS = 0.05
MAX_WAIT_ROUNDS = 100


@dataclass(frozen=True)
class Window:
    """At most `limit` sends in any `seconds`-long window."""

    limit: int
    seconds: float

    def __post_init__(self) -> None:
        if self.limit < 1 or not self.seconds > 0:
            raise ValueError("a rate window needs limit >= 1 and seconds > 0")

    @classmethod
    def per_second(cls, rate: float) -> Window:
        """A rate as a window: 7/s → 7 per 1 s; 0.5/s → 1 per 2 s; 2.5/s → 2 per 0.8 s."""
        if not rate > 0:
            raise ValueError("rate must be positive")
        limit = max(1, math.floor(rate))
        return cls(limit, limit / rate)


class _Log:
    """Timestamps of recent sends for one key, kept only as long as the longest window needs them."""

    def __init__(self, windows: Sequence[Window]) -> None:
        self.windows = tuple(windows)
        self.horizon = max(w.seconds for w in self.windows)
        self.events: deque[float] = deque(maxlen=max(w.limit for w in self.windows))

    def forget_before(self, now: float) -> None:
        while self.events and self.events[0] <= now - self.horizon:
            self.events.popleft()

    def delay(self, now: float) -> float:
        """Seconds until one more send fits every window."""
        self.forget_before(now)
        wait = 0.0
        for window in self.windows:
            if len(self.events) < window.limit:
                continue
            # the send `limit` places back must have left the window
            oldest_in_way = self.events[-window.limit]
            wait = max(wait, oldest_in_way + window.seconds - now)
        return max(0.0, wait)


class RateLimiter:
    """Per-key (conversation) windows plus global windows. Not thread-safe; one delivery worker uses it."""

    def __init__(
        self,
        *,
        per_conversation: Iterable[Window],
        global_windows: Iterable[Window],
        clock: Clock,
        random: Callable[[], float] = random_module.random,
        jitter_seconds: float = DEFAULT_JITTER_SECONDS,
    ) -> None:
        self._per_conversation = tuple(per_conversation)
        self._global = _Log(tuple(global_windows)) if global_windows else None
        if not self._per_conversation:
            raise ValueError("at least one per-conversation window is needed")
        self._logs: dict[str, _Log] = {}
        self._clock = clock
        self._random = random
        self._jitter = jitter_seconds
        self._records = 0

    @classmethod
    def from_settings(
        cls, settings: Settings, clock: Clock, random: Callable[[], float] = random_module.random
    ) -> RateLimiter:
        return cls(
            per_conversation=(
                Window.per_second(settings.rate_per_conversation_per_second),
                Window(settings.rate_per_conversation_per_hour, 3600.0),
            ),
            global_windows=(Window.per_second(settings.rate_global_per_second),),
            clock=clock,
            random=random,
        )

    def _now(self) -> float:
        return self._clock.now().timestamp()

    def _log(self, key: str) -> _Log:
        log = self._logs.get(key)
        if log is None:
            log = self._logs[key] = _Log(self._per_conversation)
        return log

    def delay(self, key: str) -> float:
        """Seconds until a send to `key` is allowed by its windows and the global ones (0.0: now)."""
        now = self._now()
        wait = self._log(key).delay(now)
        if self._global is not None:
            wait = max(wait, self._global.delay(now))
        return wait

    def record(self, key: str, requests: int = 1) -> None:
        """A send to `key` is being made now (failed requests count too: Teams counts them). It is `requests`
        calls to Teams for the bot's global windows: creating a 1:1 chat before its first message is one more,
        counted against the whole app as Teams counts it."""
        now = self._now()
        self._log(key).events.append(now)
        if self._global is not None:
            self._global.events.extend([now] * requests)
        self._records += 1
        if self._records % 500 == 0:
            self._prune(now)

    def restart(self, key: str, *, requests: int = 1) -> None:
        """The send recorded last for `key` goes out only now (it waited for a free place in flight): count it,
        and its `requests` in the bot's global windows, from now, so sends held back together do not reach
        Teams in a burst above the windows."""
        self._move_last(key, requests)

    def settle(self, key: str, requests: int = 1) -> None:
        """The send to `key` recorded last has been answered: count it from now instead of from its start.

        Teams counts a request when it arrives, which is after we started it. Counting each send (per
        conversation and in the bot's global windows) from its answer keeps arrivals spaced by the windows even
        when one request travels slower than the next (sends to one conversation go one at a time, so the last
        entry is that send).
        """
        self._move_last(key, requests)

    def _move_last(self, key: str, requests: int) -> None:
        """Count the send recorded last for `key` (and its `requests` in the global windows) from now."""
        log = self._logs.get(key)
        now = self._now()
        if log is None or not log.events or log.events[-1] >= now:
            return
        started = log.events[-1]
        log.events[-1] = now
        if self._global is None:
            return
        for _ in range(requests):
            try:
                self._global.events.remove(started)
            except ValueError:
                break
            self._global.events.append(now)

    def _prune(self, now: float) -> None:
        idle = [k for k, log in self._logs.items() if not log.events or log.events[-1] <= now - log.horizon]
        for key in idle:
            del self._logs[key]

    async def acquire(self, key: str, *, sleep: Sleep, max_wait: float, requests: int = 1) -> float | None:
        """Wait (with a little jitter) until a send to `key` fits, then record it (as `requests` calls).

        Returns the seconds waited, or None without waiting or recording when the wait would exceed `max_wait`
        (the caller then puts the message back for later instead of holding its lease).
        """
        waited = 0.0
        for _ in range(MAX_WAIT_ROUNDS):
            wait = self.delay(key)
            if wait <= 0.0:
                self.record(key, requests)
                return waited
            if waited + wait > max_wait:
                return None
            pause = wait + self._random() * self._jitter
            await sleep(pause)
            waited += pause
        return None

    def retry_in(self, key: str) -> float:
        """How long until `key` may send again (for deferring a message the caller would not wait for)."""
        return self.delay(key) + self._random() * self._jitter
