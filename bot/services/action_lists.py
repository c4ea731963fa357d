"""`åtgärder` (the forum's open actions), `mina åtgärder` (one person's, across forums) and `sök` (the record).

* `åtgärder`: in the forum's conversation, or 1:1 when the person is in one forum. The chair sees every open
  action in one list; anyone else sees the actions of the roles they hold first, then the rest.
* `mina åtgärder`: 1:1, the open actions of every role the person holds in any forum, by due date, each naming
  its forum. In a forum's conversation (which others read) only that forum's are shown.
* `sök <ord>`: the forum's members (and its chair, secretary and approvers) search its published minutes and its
  actions; nothing is found in drafts, and no other forum is searched.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from bot.services.follow_up import holder_names
from bot.services.guards import Need, bound_forum, forum_for
from bot.services.meetings import local_today
from bot.services.ports import Deps, UnitOfWork
from bot.services.turn import Reply, Turn
from dialogs.cards.action_lists import Listed, forum_actions_card, my_actions_card, search_card
from dialogs.cards.escaping import escape_card_inline
from domain.actions import ActionItem, roles_of
from domain.errors import NotAMember
from domain.minutes import may_approve, may_draft
from domain.model import Forum
from domain.text_search import search_actions, search_minutes, terms_of


async def _meeting_dates(uow: UnitOfWork, forum: Forum) -> dict[str, date]:
    return {m.id: m.local_date for m in await uow.meetings.for_forum(forum)}


def _by_due(actions: Iterable[ActionItem]) -> list[ActionItem]:
    return sorted((a for a in actions if a.open), key=lambda a: (a.due, a.number))


async def list_actions(deps: Deps, turn: Turn) -> Reply:
    t = turn.t
    async with deps.uow() as uow:
        forum = await forum_for(uow, turn, Need.MEMBER)
        actions = _by_due(await uow.actions.for_forum(forum.id))
        if not actions:
            return Reply(text=t("actions.none", forum=escape_card_inline(forum.name)))
        dates = await _meeting_dates(uow, forum)
        names = await holder_names(uow, forum)
    held = set() if turn.person.id == forum.chair_id else roles_of(forum, turn.person.id)
    listed = [Listed(forum, a, dates.get(a.meeting_id)) for a in actions]
    mine = [e for e in listed if e.action.owner_role_id in held]
    others = [e for e in listed if e.action.owner_role_id not in held]
    return Reply(card=forum_actions_card(t, forum, mine, others, names, local_today(forum, turn.now)))


async def my_actions(deps: Deps, turn: Turn) -> Reply:
    t = turn.t
    async with deps.uow() as uow:
        only = None if turn.origin.is_personal else bound_forum(turn)
        forums = [only] if only is not None else await uow.forums.for_person(turn.person.id)
        forum_of_role = {role_id: f for f in forums for role_id in roles_of(f, turn.person.id)}
        actions = [a for a in _by_due(await uow.actions.for_roles(sorted(forum_of_role)))
                   if forum_of_role[a.owner_role_id].id == a.forum_id]
        listed: list[Listed] = []
        names: dict[str, str] = {}
        for forum in {forum_of_role[a.owner_role_id].id: forum_of_role[a.owner_role_id] for a in actions}.values():
            dates = await _meeting_dates(uow, forum)
            names |= await holder_names(uow, forum)
            listed += [Listed(forum, a, dates.get(a.meeting_id)) for a in actions if a.forum_id == forum.id]
    if not listed:
        return Reply(text=t("actions.my_none"))
    listed.sort(key=lambda e: (e.action.due, e.forum.name, e.action.number))
    today = local_today(listed[0].forum, turn.now)
    return Reply(card=my_actions_card(t, listed, names, today, only=only))


def may_search(forum: Forum, person_id: str) -> bool:
    """The forum's members, its chair and secretary and its approvers (not recipients: they get only what is sent)."""
    return may_draft(forum, person_id) or may_approve(forum, person_id) or forum.membership(person_id) is not None


async def search(deps: Deps, turn: Turn, query: str) -> Reply:
    t = turn.t
    async with deps.uow() as uow:
        forum = await forum_for(uow, turn, Need.MEMBER)
        if not may_search(forum, turn.person.id):
            raise NotAMember()
        terms = terms_of(query)
        if not terms:
            return Reply(text=t("actions.search_usage"))
        minutes = search_minutes(await uow.minutes.published_for_forum(forum.id), terms)
        actions = search_actions(await uow.actions.for_forum(forum.id), terms)
        uow.audit.record(at=turn.now, action="minutes.searched", subject_type="forum", subject_id=forum.id,
                         actor_id=turn.person.id, forum_id=forum.id,
                         detail={"minutes_hits": len(minutes), "action_hits": len(actions)})  # counts, never words
        await uow.commit()
    if not minutes and not actions:
        return Reply(text=t("actions.search_none", query=escape_card_inline(" ".join(query.split())),
                            forum=escape_card_inline(forum.name)))
    return Reply(card=search_card(t, forum, " ".join(query.split()), minutes, actions))
