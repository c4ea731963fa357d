"""One tick of the weekly cycle: decide from the database what is due, queue it, then deliver."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.runtime import Runtime


async def run_due_work(runtime: Runtime, now: datetime) -> None:
    runtime.delivery.wake()
