"""The route table's part for issue 11 (visibility): external organisations and who sees the compiled lägesbild.
Joined into `TEXT` and `VERBS` in bot/routing.py."""

from __future__ import annotations

from typing import Any

from bot.route_kinds import Route, Who, card_data, no_args
from bot.services import visibility
from dialogs.cards.help import HelpGroup

_TEXT = (
    Route("visibility", visibility.open_visibility_command, no_args, who=Who.CHAIR,
          help=((HelpGroup.CHAIR, "help.line_visibility"),)),
)
_VERBS = (
    Route("visibility.open", visibility.open_visibility, card_data, who=Who.CHAIR),
    Route("visibility.save", visibility.save_visibility, card_data, who=Who.CHAIR),
)
TEXT: tuple[Route[Any], ...] = _TEXT
VERBS: tuple[Route[Any], ...] = _VERBS
