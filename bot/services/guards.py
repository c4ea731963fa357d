"""Who may do what, and which forum a turn is about. The guards raise `DomainError`s; the edge words them."""

from __future__ import annotations

import enum

from bot.services.ports import Deps, UnitOfWork
from bot.services.turn import Turn
from domain.errors import (
    ChairsNoForum,
    ChannelOnly,
    ForumNotFound,
    ManyForums,
    NoRole,
    NotAdmin,
    NotAMember,
    NotApprover,
    NotChair,
    NotRecordKeeper,
    StaleCard,
)
from domain.minutes import may_approve, may_draft
from domain.model import Forum, Organisation


class Need(enum.Enum):
    """What the person must be in a forum for a 1:1 chat (which names no forum) to be about it."""

    MEMBER = "member"  # a member or the chair
    ROLE_HOLDER = "role_holder"  # holds a participant or deputy role
    CHAIR = "chair"


_NONE = {Need.MEMBER: ForumNotFound, Need.ROLE_HOLDER: NotAMember, Need.CHAIR: ChairsNoForum}


async def forum_for(uow: UnitOfWork, turn: Turn, need: Need) -> Forum:
    """The forum of this conversation; in a chat bound to none (a 1:1 chat), the one forum where the person
    meets `need`. None raises the need's refusal, several raise `ManyForums` (a member's command then says no
    forum, as it cannot tell which one is meant)."""
    if turn.forum is not None:
        return turn.forum
    forums = await uow.forums.for_person(turn.person.id)
    if need is Need.ROLE_HOLDER:
        forums = [f for f in forums if f.organisations_held_by(turn.person.id)]
    elif need is Need.CHAIR:
        forums = [f for f in forums if f.chair_id == turn.person.id]
    if len(forums) == 1:
        return forums[0]
    if not forums or need is Need.MEMBER:
        raise _NONE[need]()
    raise ManyForums(tuple(forums))


async def chaired_forum(uow: UnitOfWork, turn: Turn, forum_id: str | None = None) -> Forum:
    """The forum a chair's command or card is about, if this person chairs it.

    `forum_id` comes from a card (empty or unknown: the card is stale); without one, the forum of the turn.
    """
    if forum_id is None:
        forum = await forum_for(uow, turn, Need.MEMBER)
    else:
        found = await uow.forums.get(forum_id) if forum_id else None
        if found is None:
            raise StaleCard()
        forum = found
    return await require_chair(uow, turn, forum)


def bound_forum(turn: Turn) -> Forum:
    """The forum of this channel or group chat, never a guess from the person's other forums."""
    if turn.forum is None:
        raise ForumNotFound()
    return turn.forum


async def require_chair(uow: UnitOfWork, turn: Turn, forum: Forum) -> Forum:
    """`forum` if this person chairs it; otherwise `NotChair`, naming the chair."""
    if forum.chair_id != turn.person.id:
        raise NotChair(chair=await chair_name(uow, forum))
    return forum


def held_organisations(turn: Turn, forum: Forum) -> tuple[Organisation, ...]:
    """The organisations the person holds a role for in `forum`; none raises `NoRole`."""
    held = forum.organisations_held_by(turn.person.id)
    if not held:
        raise NoRole(forum=forum.name)
    return held


def in_channel(turn: Turn) -> None:
    """Refuse a 1:1 chat for what belongs in the forum's channel or group chat."""
    if turn.origin.is_personal:
        raise ChannelOnly()


async def chair_name(uow: UnitOfWork, forum: Forum) -> str:
    chair = await uow.people.get(forum.chair_id)
    return chair.display_name if chair else forum.chair_id


async def require_record_keeper(uow: UnitOfWork, turn: Turn, forum: Forum) -> Forum:
    """`forum` if this person is its chair or secretary; otherwise `NotRecordKeeper`, naming the chair."""
    if not may_draft(forum, turn.person.id):
        raise NotRecordKeeper(chair=await chair_name(uow, forum))
    return forum


def require_approver(turn: Turn, forum: Forum) -> Forum:
    """`forum` if this person is one of its named approvers; otherwise `NotApprover`."""
    if not may_approve(forum, turn.person.id):
        raise NotApprover()
    return forum


def is_admin(deps: Deps, turn: Turn) -> bool:
    """The person is one of FORUMBOT_ADMINS (by Entra object id, as Teams reports it for this turn)."""
    object_id = (turn.origin.aad_object_id or turn.person.aad_object_id or "").lower()
    return bool(object_id) and object_id in deps.admins


def require_admin(deps: Deps, turn: Turn) -> None:
    if not is_admin(deps, turn):
        raise NotAdmin()
