"""The route table's part for the archive package (`arkivera`) and the disclosure export (`utlämna`), both for
administrators. Joined into `TEXT` and `VERBS` in bot/routing.py."""

from __future__ import annotations

import re
from typing import Any

from bot.route_kinds import Request, Route, Who, _dates
from bot.services import archive
from bot.services.archive import ArchiveArgs, DiscloseArgs
from dialogs.cards.help import HelpGroup
from domain.errors import Usage

_YEAR = re.compile(r"^\s*(\d{4})\b\s*(.*)$", re.S)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def archive_args(request: Request) -> ArchiveArgs:
    found = _YEAR.match(request.text)
    if found is None or not 2000 <= int(found.group(1)) <= 2200:
        raise Usage("archive.usage")
    return ArchiveArgs(int(found.group(1)), forum_name=found.group(2).strip())


def disclose_args(request: Request) -> DiscloseArgs:
    dates = _dates(request.text)
    if len(dates) != 2:
        raise Usage("archive.disclose_usage")
    return DiscloseArgs(dates[0], dates[1], forum_name=_DATE.split(request.text)[-1].strip())


A = HelpGroup.ADMIN

_TEXT = (
    Route("archive", archive.archive, archive_args, who=Who.ADMIN, help=((A, "help.line_archive"),)),
    Route("disclose", archive.disclose, disclose_args, who=Who.ADMIN, help=((A, "help.line_disclose"),)),
)
_VERBS = ()
TEXT: tuple[Route[Any], ...] = _TEXT
VERBS: tuple[Route[Any], ...] = _VERBS
