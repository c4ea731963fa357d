"""The route table: every text command and card verb, its use case, its arguments, where and by whom.

`bot/commands.py` takes its command names from `TEXT`, `ForumBot` dispatches through `dispatch`, the help card
lists `TEXT`'s help lines, and tests/unit/test_routes.py checks words, help lines, guards and the manifest.
Adding a command: its words (`commands.<name>`) and help line in both catalogs, one `Route` here, its use case.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from bot import (
    routes_actions,
    routes_admin,
    routes_archive,
    routes_charter,
    routes_delivery,
    routes_log,
    routes_nudges,
    routes_report,
    routes_retention,
    routes_turnover,
    routes_visibility,
)
from bot.route_kinds import (
    _DATE,
    _TIME,
    Request,
    Route,
    Where,
    Who,
    _dates,
    _without_args,
    card_data,
    no_args,
    one_date,
)
from bot.services import (
    action_lists,
    away,
    contributions,
    forums,
    language,
    meeting_commands,
    membership,
    minutes_actions,
    minutes_approval,
    minutes_draft,
    minutes_publish,
    minutes_roles,
    minutes_save,
)
from bot.services.contributions import ReportArgs
from bot.services.guards import in_channel
from bot.services.help import HelpLines, help_reply
from bot.services.meeting_commands import ExportArgs, MoveArgs
from bot.services.membership import MembersArgs, TestMessageArgs
from bot.services.minutes_chat import ChatActionArgs, add_from_chat
from bot.services.minutes_draft import MinutesArgs
from bot.services.minutes_publish import ShowArgs
from bot.services.ports import Deps
from bot.services.turn import Reply, Turn
from dialogs.cards.help import HelpGroup
from dialogs.texts import LANGUAGES, load_catalog
from domain.errors import Usage

# --- argument parsers -------------------------------------------------------------------------------

def move_text(request: Request) -> MoveArgs:
    """`<datum> till <datum> [<tid>]`: exactly two dates; a time after the second one."""
    dates = _dates(request.text)
    if len(dates) != 2:
        raise Usage("collection.move_usage")
    old, new = dates
    found = _TIME.search(request.text.split(new.isoformat(), 1)[-1])
    if found is None:
        return MoveArgs(old, new, None)
    hour, minute = int(found.group(1)), int(found.group(2))
    if hour > 23 or minute > 59:  # 25:00 is no time of day: say how to write one
        raise Usage("collection.move_usage")
    return MoveArgs(old, new, (hour, minute))


def move_card(request: Request) -> MoveArgs:
    """The confirm card's data, read as the command it confirms."""
    data = request.data
    typed = move_text(Request(text=f"{data.get('old', '')} {data.get('new', '')} {data.get('time', '')}"))
    return MoveArgs(typed.old, typed.new, typed.hour_minute, str(data.get("forum_id", "")) or None, confirmed=True)


def away_until(request: Request) -> date:
    """The first date-shaped word; none, or an impossible date, raises `Usage`."""
    found = _DATE.search(request.text)
    try:
        if found is not None:
            return date.fromisoformat(found.group(0))
    except ValueError:
        pass
    raise Usage("contribution.away_invalid")


def language_choice(request: Request) -> str:
    wanted = request.text.strip().lower()[:2]
    if wanted not in ("sv", "en"):
        raise Usage("language.unknown")
    return wanted


def request_id(request: Request) -> str:
    return request.request_id


def query_text(request: Request) -> str:
    """What `sök` looks for, as typed (an empty one is answered with how to search)."""
    return request.text


def report_args(request: Request) -> ReportArgs:
    return ReportArgs(request.request_id, request.text, masked=request.masked)


def _minutes_words() -> frozenset[str]:
    return frozenset(w.casefold() for language in LANGUAGES for w in load_catalog(language)["word.minutes_words"])


def export_args(request: Request) -> ExportArgs:
    """`[lägesbild] <datum>`, or `protokoll <datum>` (`exportera protokoll`) for the published minutes."""
    first = (request.text.split() or [""])[0].casefold()
    minutes = first in _minutes_words()
    usage = "word.export_usage" if minutes else "collection.export_usage"
    return ExportArgs(one_date(usage)(request), request.request_id, minutes=minutes)


def members_args(request: Request) -> MembersArgs:
    return MembersArgs(request.roster, str(request.data.get("forum_id") or ""), request.data)


def test_message_args(request: Request) -> TestMessageArgs:
    return TestMessageArgs(request.request_id, str(request.data.get("forum_id") or ""))


def show_args(request: Request) -> ShowArgs:
    return ShowArgs(request.data, request.request_id)


def minutes_args(request: Request) -> MinutesArgs:
    """`minnesanteckningar [<datum>]`: words that are no date say how to write one."""
    if not request.text.strip():
        return MinutesArgs()
    dates = _dates(request.text)
    if not dates:
        raise Usage("draft.usage")
    return MinutesArgs(dates[0])


def chat_action_args(request: Request) -> ChatActionArgs:
    """Read by the use case, after the keeper check, so a non-keeper hears who may rather than how to write it."""
    return ChatActionArgs(request.text, request.mentions, masked=request.masked)


def help_lines(request: Request) -> HelpLines:
    """Each group's help lines, in the order of `TEXT` (a line two commands share is listed once)."""
    lines: dict[HelpGroup, list[str]] = {}
    for route in TEXT:
        for group, key in route.help:
            if key not in lines.setdefault(group, []):
                lines[group].append(key)
    return lines


# --- the table --------------------------------------------------------------------------------------

C, M, ALWAYS = HelpGroup.CHAIR, HelpGroup.MEMBER, HelpGroup.ALWAYS
CHANNEL, CHAIR, ROLE_HOLDER, KEEPER = Where.CHANNEL, Who.CHAIR, Who.ROLE_HOLDER, Who.RECORD_KEEPER

# Not annotated as tuple[Route[Any], ...]: each Route is inferred on its own, so mypy checks that the parser
# gives what the use case takes.
_TEXT = (  # in the order of the help card
    Route("setup", _without_args(forums.open_setup), no_args, CHANNEL,
          help=((C, "help.line_setup"), (HelpGroup.NEW_FORUM, "help.line_setup_new"))),
    Route("members", membership.open_members, members_args, CHANNEL, CHAIR, help=((C, "help.line_members"),)),
    Route("test_message", membership.send_test_message, test_message_args, who=CHAIR,
          help=((C, "help.line_test_message"),)),
    Route("summary", meeting_commands.preview, request_id, who=CHAIR, help=((C, "help.line_summary"),)),
    Route("cancel_meeting", meeting_commands.cancel, one_date("collection.cancel_usage"), who=CHAIR,
          help=((C, "help.line_change_meeting"),)),
    Route("move_meeting", meeting_commands.move, move_text, who=CHAIR, help=((C, "help.line_change_meeting"),)),
    Route("export", meeting_commands.export, export_args, who=CHAIR,
          help=((C, "help.line_export"), (M, "help.line_export_minutes"))),
    Route("report", contributions.open_report, report_args, who=ROLE_HOLDER, help=((M, "help.line_report"),)),
    Route("next_meeting", _without_args(meeting_commands.next_meeting), no_args, help=((M, "help.line_next_meeting"),)),
    Route("minutes", minutes_draft.open_minutes, minutes_args, who=KEEPER, help=((M, "help.line_minutes"),)),
    Route("action", add_from_chat, chat_action_args, CHANNEL, KEEPER, help=((M, "help.line_action"),)),
    Route("away", away.set_away, away_until, help=((M, "help.line_away"),)),
    Route("back", away.set_away, no_args, help=((M, "help.line_back"),)),
    Route("actions", _without_args(action_lists.list_actions), no_args, help=((M, "help.line_actions"),)),
    Route("my_actions", _without_args(action_lists.my_actions), no_args, help=((M, "help.line_my_actions"),)),
    Route("search", action_lists.search, query_text, help=((M, "help.line_search"),)),
)
_LAST_TEXT = (
    Route("join", _without_args(membership.open_join), no_args, CHANNEL, help=((HelpGroup.JOIN, "help.line_join"),)),
    Route("language", language.set_language, language_choice, help=((ALWAYS, "help.line_language"),)),
    Route("help", help_reply, help_lines, help=((ALWAYS, "help.line_help"),)),
)

_VERBS = (
    Route("help.open", help_reply, help_lines),
    Route("setup.open", _without_args(forums.open_setup), no_args, CHANNEL),
    Route("setup.save", forums.save_setup, card_data, who=CHAIR),
    Route("setup.refresh", forums.refresh_setup, card_data, who=CHAIR),
    Route("setup.review", forums.review_setup, card_data, who=CHAIR),
    Route("join.open", _without_args(membership.open_join), no_args, CHANNEL),
    Route("join.submit", membership.join, card_data),
    Route("members.open", membership.open_members, members_args, who=CHAIR),
    Route("members.save", membership.save_members, card_data, who=CHAIR),
    Route("members.refresh", membership.refresh_members, members_args, who=CHAIR),
    Route("meeting.move", meeting_commands.move, move_card, who=CHAIR),
    Route("meeting.move_cancel", _without_args(meeting_commands.keep_meeting), no_args),
    Route("test_message.send", membership.send_test_message, test_message_args, who=CHAIR),
    Route("contribution.submit", contributions.submit, card_data, who=ROLE_HOLDER, replaces=True),
    Route("contribution.edit", contributions.edit_again, card_data, replaces=True),
    Route("contribution.open", contributions.reopen, card_data, who=ROLE_HOLDER, replaces=True),
    Route("minutes.publish", minutes_publish.publish, card_data, who=KEEPER),
    Route("minutes.correct", minutes_publish.correct, card_data, who=KEEPER),
    Route("minutes.approve", minutes_approval.approve, card_data, who=Who.APPROVER),
    Route("minutes.comment", minutes_approval.comment, card_data, who=Who.APPROVER),
    Route("minutes.show", minutes_publish.show, show_args),  # readers: may_read, checked in the use case
    Route("record.open", minutes_roles.open_record_roles, members_args, who=CHAIR),
    Route("record.save", minutes_roles.save_record_roles, members_args, who=CHAIR),
    Route("minutes.open", minutes_draft.show, card_data, who=KEEPER),
    Route("minutes.save_item", minutes_save.save_item, card_data, who=KEEPER),
    Route("minutes.save_attendance", minutes_save.save_attendance, card_data, who=KEEPER),
    Route("minutes.add_item", minutes_save.add_item, card_data, who=KEEPER),
    Route("minutes.remove_item", minutes_save.remove_item, card_data, who=KEEPER),
    Route("minutes.save_action", minutes_actions.save_action, card_data, who=KEEPER),
    Route("minutes.remove_action", minutes_actions.remove_action, card_data, who=KEEPER),
)

# The literals above stay unannotated so mypy checks each Route's parser against its use case; joined here.
TEXT: tuple[Route[Any], ...] = (*_TEXT, *routes_nudges.TEXT, *routes_actions.TEXT, *routes_turnover.TEXT,
                                *routes_delivery.TEXT, *routes_log.TEXT, *routes_charter.TEXT, *routes_visibility.TEXT,
                                *routes_report.TEXT, *routes_admin.TEXT, *routes_retention.TEXT, *routes_archive.TEXT,
                                *_LAST_TEXT)
VERBS: tuple[Route[Any], ...] = (*_VERBS, *routes_nudges.VERBS, *routes_actions.VERBS, *routes_turnover.VERBS,
                                 *routes_delivery.VERBS, *routes_log.VERBS, *routes_charter.VERBS,
                                 *routes_visibility.VERBS, *routes_report.VERBS, *routes_admin.VERBS,
                                 *routes_retention.VERBS, *routes_archive.VERBS)

__all__ = ["TEXT", "VERBS", "Request", "Route", "Where", "Who", "dispatch", "help_lines"]


async def dispatch(route: Route[Any], deps: Deps, turn: Turn, request: Request) -> Reply:
    """Run a route: where it may be used, its arguments, its use case. Refusals raise `DomainError`."""
    if route.where is Where.CHANNEL:
        in_channel(turn)
    return await route.run(deps, turn, route.args(request))
