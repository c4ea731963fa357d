"""The route table's part for the follow-up log (`historik`, `exportera logg`), the nudge policy card and the
history's next page. Joined into `TEXT` and `VERBS` in bot/routing.py.
"""

from __future__ import annotations

import re
from typing import Any

from bot.route_kinds import Request, Route, Who, _dates, card_data
from bot.services import follow_log, nudge_policy
from bot.services.follow_log import ExportLogArgs, HistoryArgs
from dialogs.cards.help import HelpGroup
from domain.errors import Usage

_NUMBER = re.compile(r"^\s*(?:[ÅåAa]\s*-?\s*)?(\d{1,7})\b")


def history_text(request: Request) -> HistoryArgs:
    """`Å-12`, `å-12`, `A-12`, `a12` or `12`."""
    found = _NUMBER.match(request.text)
    if found is None:
        raise Usage("followlog.history_usage")
    return HistoryArgs(number=int(found.group(1)))


def history_page(request: Request) -> HistoryArgs:
    data = request.data
    try:
        page = int(data.get("page") or 0)
    except (TypeError, ValueError):
        page = 0
    return HistoryArgs(action_id=str(data.get("action_id") or "") or "-", forum_id=str(data.get("forum_id") or ""),
                       page=max(0, page))


def export_log_args(request: Request) -> ExportLogArgs:
    dates = _dates(request.text)
    if len(dates) != 2:
        raise Usage("followlog.export_usage")
    return ExportLogArgs(dates[0], dates[1], request.request_id)


C, M = HelpGroup.CHAIR, HelpGroup.MEMBER

_TEXT = (
    Route("history", follow_log.history, history_text, help=((M, "help.line_history"),)),
    Route("export_log", follow_log.export_log, export_log_args, who=Who.CHAIR, help=((C, "help.line_export_log"),)),
)
_VERBS = (
    Route("history.page", follow_log.history, history_page),
    Route("policy.open", nudge_policy.open_policy, card_data, who=Who.CHAIR),
    Route("policy.save", nudge_policy.save_policy, card_data, who=Who.CHAIR),
)
TEXT: tuple[Route[Any], ...] = _TEXT
VERBS: tuple[Route[Any], ...] = _VERBS
