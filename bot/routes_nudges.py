"""The route table's part for reminders of open actions: the nudge policy card, pausing reminders, the weekly overview.

Joined into `TEXT` and `VERBS` in bot/routing.py (text commands keep their order on the help card).
"""

from __future__ import annotations

from typing import Any

from bot.route_kinds import Route, no_args, one_date
from bot.services import nudge_pause
from dialogs.cards.help import HelpGroup

M = HelpGroup.MEMBER

TEXT: tuple[Route[Any], ...] = (
    Route("pause_reminders", nudge_pause.pause, one_date("nudges.pause_invalid"),
          help=((M, "help.line_pause_reminders"),)),
    Route("resume_reminders", nudge_pause.resume, no_args, help=((M, "help.line_resume_reminders"),)),
)
VERBS: tuple[Route[Any], ...] = ()
