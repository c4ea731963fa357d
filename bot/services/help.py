"""`hjälp` / `help`: what this person can do here, in their role."""

from __future__ import annotations

from bot.services.turn import Reply, Turn
from dialogs.cards.help import HelpRole, help_card
from domain.model import Forum


async def help_reply(turn: Turn, personal_forum: Forum | None) -> Reply:
    """`personal_forum`: in a 1:1 chat, a forum the person belongs to (the chat itself names none)."""
    forum = turn.forum or (personal_forum if turn.origin.is_personal else None)
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
