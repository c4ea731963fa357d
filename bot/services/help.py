"""`hjälp` / `help`: what this person can do here, in their role."""

from __future__ import annotations

from bot.services.turn import Reply, Turn
from dialogs.cards.help import HelpRole, help_card
from domain.model import Forum


async def help_reply(turn: Turn, personal_forums: list[Forum]) -> Reply:
    forum = turn.forum
    if forum is None and turn.origin.is_personal and personal_forums:
        forum = personal_forums[0]
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
        role=role,
        forum=forum.name if forum else None,
        organisation=organisation,
        forum_here=turn.forum is not None,
        personal=turn.origin.is_personal,
    )
    return Reply(card=card)
