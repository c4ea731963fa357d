"""Where a role's holder changes outside the members card: `ny innehavare <organisation> @person` (the chair),
and a person leaving the forum's team or group chat (Teams `membersRemoved`). Both end in
`turnover.follow_roles`, so the role's open actions follow it."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from bot.services.guards import Need, forum_for, require_chair
from bot.services.ports import Deps
from bot.services.presence import base_conversation_id
from bot.services.turn import Reply, Turn
from bot.services.turnover import follow_roles, kind_word, role_title
from domain.model import Forum, Organisation, RoleKind

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NewHolderArgs:
    text: str  # the organisation's name, and the deputy word for the deputy's role
    mentions: tuple[str, ...] = ()


def _organisation(forum: Forum, name: str) -> Organisation | None:
    wanted = " ".join(name.split()).casefold()
    exact = [o for o in forum.organisations if o.name.casefold() == wanted]
    if exact:
        return exact[0]
    starting = [o for o in forum.organisations if wanted and o.name.casefold().startswith(wanted)]
    return starting[0] if len(starting) == 1 else None


async def new_holder(deps: Deps, turn: Turn, args: NewHolderArgs) -> Reply:
    """The chair gives an organisation's participant (or, with the deputy word, deputy) role to a person."""
    t = turn.t
    deputy_words = {w.casefold() for w in t.words("handover.deputy_words")}
    words = args.text.split()
    kind = RoleKind.DEPUTY if any(w.casefold() in deputy_words for w in words) else RoleKind.PARTICIPANT
    name = " ".join(w for w in words if w.casefold() not in deputy_words)
    async with deps.uow() as uow:
        forum = await require_chair(uow, turn, await forum_for(uow, turn, Need.CHAIR))
        if not name or len(set(args.mentions)) != 1:
            return Reply(text=t("handover.new_holder_usage"))
        person_id = args.mentions[0]
        organisation = _organisation(forum, name)
        if organisation is None:
            return Reply(text=t("handover.new_holder_unknown_org", name=name, forum=forum.name,
                                names=", ".join(o.name for o in forum.organisations)))
        person = await uow.people.get(person_id)
        if person is None:
            return Reply(text=t("handover.new_holder_unknown_person"))
        membership = forum.membership(person_id)
        if membership is not None and membership.organisation_id not in (None, organisation.id):
            other = forum.organisation(membership.organisation_id or "")
            return Reply(text=t("handover.new_holder_other_org", name=person.display_name,
                                organisation=other.name if other else "?"))
        role = forum.role(organisation.id, kind)
        label = role_title(t, forum, role) if role else f"{organisation.name}, {kind_word(t, kind)}"
        if role is not None and role.holder_id == person_id:
            return Reply(text=t("handover.new_holder_same", name=person.display_name, role=label))
        if membership is None or membership.organisation_id is None:
            await uow.forums.set_membership(forum.id, person_id, organisation.id, turn.now)
        await uow.forums.set_role_holder(organisation.id, kind, person_id, turn.now)
        uow.audit.record(at=turn.now, action="role.assigned", subject_type="role",
                         subject_id=f"{organisation.id}:{kind.value}", actor_id=turn.person.id, forum_id=forum.id,
                         detail={"holder": person_id, "reason": "new_holder"})
        after = await uow.forums.get(forum.id)
        assert after is not None
        followed = await follow_roles(uow, forum, after, actor_id=turn.person.id, now=turn.now,
                                      language=t.language, holidays=deps.holidays)
        await uow.commit()
    lines = [t("handover.new_holder_done", name=person.display_name, role=label)]
    count = sum(followed.values())
    if count:
        lines.append(t.plural("handover.new_holder_actions", count, name=person.display_name))
    return Reply(text="\n\n".join(lines))


async def members_left(deps: Deps, conversation_id: str, person_ids: list[str], now: datetime,
                       default_language: str, team_id: str | None = None) -> int:
    """People left the forum's team or chat: their roles fall vacant and they leave the forum (the chair stays
    chair until the chair is changed). Teams tells a team's membership on the team (its General channel), so
    with `team_id` every forum in any channel of the team is looked at. Returns how many left a forum."""
    async with deps.uow() as uow:
        forum = await uow.forums.by_conversation(base_conversation_id(conversation_id))
        forums = [forum] if forum is not None else []
        if team_id:
            forums += [f for f in await uow.forums.in_team(team_id) if forum is None or f.id != forum.id]
    left = 0
    for each in forums:
        left += await _left_forum(deps, each.id, person_ids, now, default_language)
    return left


async def _left_forum(deps: Deps, forum_id: str, person_ids: list[str], now: datetime, default_language: str) -> int:
    async with deps.uow() as uow:
        forum = await uow.forums.get(forum_id)
        if forum is None:
            return 0
        leaving = [p for p in dict.fromkeys(person_ids) if forum.membership(p) is not None]
        if not leaving:
            return 0
        for person_id in leaving:
            await uow.forums.vacate_roles_of(forum.id, person_id, now)
            if person_id != forum.chair_id:
                await uow.forums.remove_membership(forum.id, person_id)
            uow.audit.record(at=now, action="membership.left", subject_type="person", subject_id=person_id,
                             forum_id=forum.id)
        after = await uow.forums.get(forum.id)
        assert after is not None
        await follow_roles(uow, forum, after, actor_id=None, now=now, language=default_language,
                           holidays=deps.holidays)
        await uow.commit()
    log.info("members left forum %s: %d", forum.id, len(leaving))
    return len(leaving)
