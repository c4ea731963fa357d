"""The route table's part for delivery problems: the dead letters of a forum, retried one at a time.

Joined into `TEXT` and `VERBS` in bot/routing.py (text commands keep their order on the help card).
"""

from __future__ import annotations

from typing import Any

from bot.route_kinds import Route

TEXT: tuple[Route[Any], ...] = ()
VERBS: tuple[Route[Any], ...] = ()
