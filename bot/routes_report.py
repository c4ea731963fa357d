"""The route table's part for the follow-up report (`uppföljningsrapport`) and its term message's button.
Joined into `TEXT` and `VERBS` in bot/routing.py."""

from __future__ import annotations

import re
from typing import Any

from bot.route_kinds import Request, Route, Who, _dates, card_data
from bot.services import annual_basis, followup_report, report_schedule
from bot.services.annual_basis import AnnualArgs
from bot.services.followup_report import ReportArgs
from dialogs.cards.help import HelpGroup
from domain.errors import Usage

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def report_args(request: Request) -> ReportArgs:
    dates = _dates(request.text)
    if len(dates) != 2:
        raise Usage("report.usage")
    rest = _DATE.split(request.text)[-1].strip()
    return ReportArgs(dates[0], dates[1], forum_name=rest, request_id=request.request_id)


_YEAR = re.compile(r"^\s*(\d{4})\b\s*(.*)$", re.S)


def annual_args(request: Request) -> AnnualArgs:
    found = _YEAR.match(request.text)
    if found is None or not 2000 <= int(found.group(1)) <= 2200:
        raise Usage("annual.usage")
    return AnnualArgs(int(found.group(1)), forum_name=found.group(2).strip(), request_id=request.request_id)


_TEXT = (
    Route("followup_report", followup_report.followup_report, report_args, who=Who.CHAIR_OR_ADMIN,
          help=((HelpGroup.CHAIR, "help.line_followup_report"), (HelpGroup.ADMIN, "help.line_followup_report_admin"))),
    Route("annual_basis", annual_basis.annual, annual_args, who=Who.CHAIR_OR_ADMIN,
          help=((HelpGroup.CHAIR, "help.line_annual_basis"), (HelpGroup.ADMIN, "help.line_annual_basis_admin"))),
)
_VERBS = (
    Route("report.link", report_schedule.term_report_link, card_data, who=Who.CHAIR_OR_ADMIN),
)
TEXT: tuple[Route[Any], ...] = _TEXT
VERBS: tuple[Route[Any], ...] = _VERBS
