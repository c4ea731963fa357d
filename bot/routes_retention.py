"""The route table's part for retention (gallring): the rules card. Joined into `TEXT` and `VERBS` in bot/routing.py."""

from __future__ import annotations

from typing import Any

from bot.route_kinds import Request, Route, Who, card_data
from bot.services import retention_rules
from bot.services.retention_rules import RetentionArgs
from dialogs.cards.help import HelpGroup


def retention_args(request: Request) -> RetentionArgs:
    return RetentionArgs(forum_name=request.text.strip())


_TEXT = (
    Route("retention", retention_rules.open_retention, retention_args, who=Who.CHAIR_OR_ADMIN,
          help=((HelpGroup.ADMIN, "help.line_retention"),)),
)
_VERBS = (
    Route("retention.save", retention_rules.save_retention, card_data, who=Who.ADMIN),
)
TEXT: tuple[Route[Any], ...] = _TEXT
VERBS: tuple[Route[Any], ...] = _VERBS
