"""The route table's part for the administrators (FORUMBOT_ADMINS): `forumöversikt`, its next page, and
`granskningslogg`. Joined into `TEXT` and `VERBS` in bot/routing.py."""

from __future__ import annotations

from typing import Any

from bot.route_kinds import Request, Route, Who, _dates
from bot.services import audit_export, forum_overview
from bot.services.audit_export import AuditLogArgs
from bot.services.forum_overview import OverviewArgs
from dialogs.cards.help import HelpGroup
from domain.errors import Usage


def overview_args(request: Request) -> OverviewArgs:
    return OverviewArgs()


def overview_page(request: Request) -> OverviewArgs:
    try:
        page = int(request.data.get("page") or 0)
    except (TypeError, ValueError):
        page = 0
    return OverviewArgs(page=max(0, page))


def audit_log_args(request: Request) -> AuditLogArgs:
    dates = _dates(request.text)
    if len(dates) != 2:
        raise Usage("admin.audit_usage")
    return AuditLogArgs(dates[0], dates[1])


A = HelpGroup.ADMIN

_TEXT = (
    Route("forum_overview", forum_overview.forum_overview, overview_args, who=Who.ADMIN,
          help=((A, "help.line_forum_overview"),)),
    Route("audit_log", audit_export.audit_log, audit_log_args, who=Who.ADMIN, help=((A, "help.line_audit_log"),)),
)
_VERBS = (
    Route("overview.page", forum_overview.forum_overview, overview_page, who=Who.ADMIN),
)
TEXT: tuple[Route[Any], ...] = _TEXT
VERBS: tuple[Route[Any], ...] = _VERBS
