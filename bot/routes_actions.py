"""The route table's part for acting on an action from its card or in chat (done, new date,
hand over, help, comment) and its history.

Joined into `TEXT` and `VERBS` in bot/routing.py (text commands keep their order on the help card).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from bot.route_kinds import Request, Route, Who
from bot.services.action_acting import Act, ActArgs, act, reopen
from dialogs.cards.action_card import group_of, input_id
from dialogs.cards.help import HelpGroup

# "Å-12", "å-12", "A-12", "a12", "12", then the rest (a date first for a new date)
_NUMBER = re.compile(r"^\s*(?:[ÅåAa]\s*-?\s*)?(\d{1,6})(?![\d-])[:.,]?\s*(.*)$", re.DOTALL)
_DATE = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})(?!\d)\s*(.*)$", re.DOTALL)


def _date(raw: str) -> date | None:
    try:
        return date.fromisoformat("-".join(part.zfill(2) for part in raw.split("-")))
    except ValueError:
        return None


def chat_args(kind: Act) -> Callable[[Request], ActArgs]:
    """`<nummer> [<datum>] <text>` as typed; what is missing is said by the use case (after its guard)."""

    def parse(request: Request) -> ActArgs:
        found = _NUMBER.match(request.text)
        if found is None:
            return ActArgs(kind, request.text.strip(), request_id=request.request_id, masked=request.masked)
        number, rest = int(found.group(1)), found.group(2).strip()
        due = None
        if kind is Act.REDATE:
            dated = _DATE.match(rest)
            if dated is not None:
                due, rest = _date(dated.group(1)), dated.group(2).strip()
        return ActArgs(kind, rest, due=due, number=number, request_id=request.request_id, masked=request.masked)

    return parse


_TEXT_INPUT = {Act.DONE: "outcome", Act.REDATE: "reason", Act.HELP: "help", Act.COMMENT: "comment"}


def card_args(kind: Act) -> Callable[[Request], ActArgs]:
    """A card's data: the action, its forum, the state token and the panel's inputs (ids carry the action id)."""

    def parse(request: Request) -> ActArgs:
        data = request.data
        action_id = str(data.get("action_id") or "")
        typed = str(data.get(input_id(_TEXT_INPUT[kind], action_id)) or "")
        due = _date(str(data.get(input_id("due", action_id)) or "")) if kind is Act.REDATE else None
        return ActArgs(kind, typed, due=due, action_id=action_id or None,
                       forum_id=str(data.get("forum_id") or "") or None, state=str(data.get("state") or ""),
                       request_id=request.request_id, from_card=True,
                       group=group_of(data))

    return parse


M = HelpGroup.MEMBER

TEXT: tuple[Route[Any], ...] = (
    Route("act_done", act, chat_args(Act.DONE), help=((M, "help.line_act_done"),)),
    Route("act_redate", act, chat_args(Act.REDATE), help=((M, "help.line_act_redate"),)),
    Route("act_help", act, chat_args(Act.HELP), help=((M, "help.line_act_help"),)),
    Route("act_comment", act, chat_args(Act.COMMENT), help=((M, "help.line_act_comment"),)),
    Route("act_reopen", reopen, chat_args(Act.COMMENT), who=Who.CHAIR,
          help=((HelpGroup.CHAIR, "help.line_act_reopen"),)),
)
VERBS: tuple[Route[Any], ...] = (
    Route("action.done", act, card_args(Act.DONE)),
    Route("action.redate", act, card_args(Act.REDATE)),
    Route("action.help", act, card_args(Act.HELP)),
    Route("action.comment", act, card_args(Act.COMMENT)),
)
