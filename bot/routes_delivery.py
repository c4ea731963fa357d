"""The route table's part for delivery problems: the dead letters of a forum, retried one at a time.

Joined into `TEXT` and `VERBS` in bot/routing.py (text commands keep their order on the help card).
"""

from __future__ import annotations

from typing import Any

from bot.route_kinds import Route, Who, card_data
from bot.services import delivery_problems
from dialogs.cards.help import HelpGroup

TEXT: tuple[Route[Any], ...] = (
    Route("delivery_problems", delivery_problems.show_problems, card_data, who=Who.CHAIR,
          help=((HelpGroup.CHAIR, "help.line_delivery_problems"),)),
)
VERBS: tuple[Route[Any], ...] = (
    Route("delivery.list", delivery_problems.show_problems, card_data, who=Who.CHAIR),
    Route("delivery.retry", delivery_problems.retry_problem, card_data, who=Who.CHAIR),
)
