"""The route table's part for hand-over of actions and roles that survive staff turnover: `lämna över Å-12
@person`, `ny innehavare <organisation> @person`, and the verbs of the hand-over cards (Lämna över on the
reminder card, the form, Ta emot / Avböj).

Joined into `TEXT` and `VERBS` in bot/routing.py (text commands keep their order on the help card).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.route_kinds import Request, Route, Who, card_data
from bot.services import handover, handover_answer, turnover_commands
from bot.services.handover_answer import HandOverArgs
from bot.services.turnover_commands import NewHolderArgs
from dialogs.cards.help import HelpGroup


def hand_over_args(request: Request) -> HandOverArgs:
    return HandOverArgs(request.text, request.mentions, request.request_id)


def new_holder_args(request: Request) -> NewHolderArgs:
    return NewHolderArgs(request.text, request.mentions)


def with_request(request: Request) -> Mapping[str, Any]:
    """The card's data and this press's id (one hand-over message per press)."""
    return {**request.data, "request_id": request.request_id}


_TEXT = (
    Route("hand_over", handover_answer.hand_over_chat, hand_over_args,
          help=((HelpGroup.MEMBER, "help.line_hand_over"),)),
    Route("new_holder", turnover_commands.new_holder, new_holder_args, who=Who.CHAIR,
          help=((HelpGroup.CHAIR, "help.line_new_holder"),)),
)
_VERBS = (
    Route("action.handover_open", handover.open_handover, card_data),  # who may: checked in the use case
    Route("action.handover", handover.hand_over, with_request),
    Route("action.accept", handover_answer.accept, with_request),
    Route("action.decline", handover_answer.decline, with_request),
)

TEXT: tuple[Route[Any], ...] = _TEXT
VERBS: tuple[Route[Any], ...] = _VERBS
