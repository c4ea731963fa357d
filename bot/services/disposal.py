"""The disposal job (gallring, issue 11): what the retention rules say is due, removed in batches. Called from the
tick; it works for a bounded time per tick so that turns are never held up."""

from __future__ import annotations

from datetime import datetime

from bot.services.ports import Deps


async def disposal_due(deps: Deps, now: datetime) -> int:
    """Dispose of what is due, a bounded number of batches per tick; how many records were removed."""
    return 0
