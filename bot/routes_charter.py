"""The route table's part for the forum's charter: `mål`, `utvärdera mål`, and the charter and evaluation cards.
Joined into `TEXT` and `VERBS` in bot/routing.py."""

from __future__ import annotations

from typing import Any

from bot.route_kinds import Request, Route, Who, card_data
from bot.services import charter
from bot.services.charter import PERIOD_PATTERN, EvaluateArgs
from dialogs.cards.help import HelpGroup
from domain.errors import Usage


def no_args(request: Request) -> None:
    return None


def evaluate_args(request: Request) -> EvaluateArgs:
    period = request.text.strip()
    if period and not PERIOD_PATTERN.match(period):
        raise Usage("charter.evaluate_usage")
    return EvaluateArgs(period=period)


C, M = HelpGroup.CHAIR, HelpGroup.MEMBER

_TEXT = (
    Route("goals", charter.show_charter, no_args, help=((M, "help.line_goals"),)),
    Route("evaluate_goals", charter.open_evaluation, evaluate_args, who=Who.CHAIR,
          help=((C, "help.line_evaluate_goals"),)),
)
_VERBS = (
    Route("charter.open", charter.open_charter, card_data, who=Who.CHAIR),
    Route("charter.save", charter.save_charter, card_data, who=Who.CHAIR),
    Route("goals.open", charter.open_evaluation_card, card_data, who=Who.CHAIR),
    Route("goals.save", charter.save_evaluation, card_data, who=Who.CHAIR),
)
TEXT: tuple[Route[Any], ...] = _TEXT
VERBS: tuple[Route[Any], ...] = _VERBS
