"""The route table's part for acting on an action from its card or in chat (done, new date,
hand over, help, comment) and its history.

Joined into `TEXT` and `VERBS` in bot/routing.py (text commands keep their order on the help card).
"""

from __future__ import annotations

from typing import Any

from bot.route_kinds import Route

TEXT: tuple[Route[Any], ...] = ()
VERBS: tuple[Route[Any], ...] = ()
