"""`hjälp` / `help`: what this person can do here, in their role."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.services.guards import is_admin
from bot.services.ports import Deps
from bot.services.turn import Reply, Turn
from dialogs.cards.help import HelpGroup, HelpRole, help_card

HelpLines = Mapping[HelpGroup, Sequence[str]]  # the catalog keys of each group's lines (from the route table)


async def help_reply(deps: Deps, turn: Turn, lines: HelpLines) -> Reply:
    """In a 1:1 chat (which names no forum) the card describes a forum the person belongs to, the oldest."""
    forum = turn.forum
    if forum is None and turn.origin.is_personal:
        async with deps.uow() as uow:
            forum = await uow.forums.first_for_person(turn.person.id)
    role = HelpRole.NONE
    organisation = None
    if forum is not None:
        if forum.chair_id == turn.person.id:
            role = HelpRole.CHAIR
        membership = forum.membership(turn.person.id)
        if membership is not None:
            role = HelpRole.CHAIR if role is HelpRole.CHAIR else HelpRole.MEMBER
            org = forum.organisation(membership.organisation_id or "")
            organisation = org.name if org else None
    card = help_card(
        turn.t,
        lines,
        role=role,
        forum=forum.name if forum else None,
        organisation=organisation,
        forum_here=turn.forum is not None,
        personal=turn.origin.is_personal,
        admin=is_admin(deps, turn),
    )
    return Reply(card=card)
