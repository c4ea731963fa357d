"""The shapes of the route table (bot/routing.py): where and by whom a route may be used, what the edge hands it,
and the parsers several route modules share. The table's parts for the follow-up of actions live in
`bot/routes_*.py` and are joined into `TEXT` and `VERBS` in bot/routing.py.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, TypeVar

from bot.services.membership import Roster, no_roster
from bot.services.ports import Deps
from bot.services.turn import Reply, Turn
from dialogs.cards.help import HelpGroup
from domain.errors import Usage


class Where(enum.Enum):
    ANYWHERE = "anywhere"
    CHANNEL = "channel"  # the forum's channel or group chat, never a 1:1 chat (`error.channel_only`)


class Who(enum.Enum):
    """Who may use a route. The use case's guard (bot/services/guards.py) refuses everyone else."""

    ANYONE = "anyone"
    ROLE_HOLDER = "role_holder"  # a participant or deputy of an organisation
    CHAIR = "chair"
    RECORD_KEEPER = "record_keeper"  # the chair or the forum's secretary (minutes)
    APPROVER = "approver"  # a named approver of the minutes (justerare)
    ADMIN = "admin"  # one of FORUMBOT_ADMINS (guards.require_admin)
    CHAIR_OR_ADMIN = "chair_or_admin"  # the forum's chair, or an administrator for any forum of the tenant


@dataclass(frozen=True)
class Request:
    """What the edge hands a route: the command's words or the card's data, and what only botbuilder knows."""

    text: str = ""  # a command's arguments, as typed
    data: Mapping[str, Any] = field(default_factory=dict)  # a card action's data
    request_id: str = ""  # the activity id: one request's outbox rows share it
    masked: bool = False  # the channel message had an identity number, now masked
    roster: Roster = no_roster  # the people of this conversation, paged by the edge when asked
    mentions: tuple[str, ...] = ()  # user ids @mentioned in the message, the bot's own mention left out


A = TypeVar("A")


@dataclass(frozen=True)
class Route(Generic[A]):
    """One command or verb. `A` is the use case's argument type, so mypy checks the parser against it."""

    name: str  # a text command's catalog key `commands.<name>`, or a card's verb
    run: Callable[[Deps, Turn, A], Awaitable[Reply]]
    args: Callable[[Request], A]  # parsed once, before the use case runs; a `Usage` error says how
    where: Where = Where.ANYWHERE
    who: Who = Who.ANYONE
    help: tuple[tuple[HelpGroup, str], ...] = ()  # text commands: (group, catalog key of the help line)
    replaces: bool = False  # a refusal replaces the pressed card (a 1:1 contribution card) instead of answering


# --- shared argument parsers ----------------------------------------------------------------

_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")
_TIME = re.compile(r"\b(\d{1,2})[:.](\d{2})\b")


def _dates(text: str) -> list[date]:
    """The valid ISO dates in the text, in order (an impossible one such as 2026-02-30 is skipped)."""
    found = []
    for raw in _DATE.findall(text):
        try:
            found.append(date.fromisoformat(raw))
        except ValueError:
            continue
    return found


def no_args(request: Request) -> None:
    return None


def card_data(request: Request) -> Mapping[str, Any]:
    return request.data


def one_date(usage: str) -> Callable[[Request], date]:
    """The first date in the command; none raises `Usage(usage)`."""

    def parse(request: Request) -> date:
        dates = _dates(request.text)
        if not dates:
            raise Usage(usage)
        return dates[0]

    return parse


def _without_args(use_case: Callable[[Deps, Turn], Awaitable[Reply]]) -> Callable[[Deps, Turn, None], Awaitable[Reply]]:
    async def run(deps: Deps, turn: Turn, _: None) -> Reply:
        return await use_case(deps, turn)

    return run


