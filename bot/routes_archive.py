"""The route table's part for issue 11 (archive). Joined into `TEXT` and `VERBS` in bot/routing.py."""

from __future__ import annotations

from typing import Any

from bot.route_kinds import Route

_TEXT = ()
_VERBS = ()
TEXT: tuple[Route[Any], ...] = _TEXT
VERBS: tuple[Route[Any], ...] = _VERBS
