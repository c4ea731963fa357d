"""Joining a forum, and the chair managing people, roles and the chair role."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.services import unreachable
from bot.services.guards import Need, bound_forum, chair_name, chaired_forum, forum_for, require_chair
from bot.services.notify import Kind, texts_for, to_person
from bot.services.ports import Deps, UnitOfWork
from bot.services.turn import Reply, Turn
from bot.services.turnover import follow_roles
from dialogs.cards.elements import message
from dialogs.cards.membership import VACANT, join_card, members_card, pick_forum_card
from domain.errors import ChannelOnly, ManyForums, StaleCard
from domain.model import Forum, RoleKind
from domain.outbox import NO_DATE
from domain.revisions import join_revision, members_revision


@dataclass(frozen=True)
class RosterMember:
    id: str
    name: str
    aad_object_id: str | None = None


Roster = Callable[[], Awaitable[Sequence[RosterMember]]]  # the people in this conversation (the edge pages them)


async def no_roster() -> Sequence[RosterMember]:
    return []


@dataclass(frozen=True)
class MembersArgs:
    roster: Roster = no_roster
    forum_id: str = ""  # from a button in the chair's 1:1 chat
    data: Mapping[str, Any] = field(default_factory=dict)  # the card, for a refresh


@dataclass(frozen=True)
class TestMessageArgs:
    request_id: str
    forum_id: str = ""  # from the "which forum?" card


async def open_join(deps: Deps, turn: Turn) -> Reply:
    t = turn.t
    forum = bound_forum(turn)
    if not forum.organisations:
        return Reply(text=t("membership.no_organisations"))
    membership = forum.membership(turn.person.id)
    current = membership.organisation_id if membership else None
    return Reply(card=join_card(t, forum=forum, current_organisation=current, revision=join_revision(forum)))


async def join(deps: Deps, turn: Turn, data: Mapping[str, Any]) -> Reply:
    t = turn.t
    async with deps.uow() as uow:
        forum = await uow.forums.get(str(data.get("forum_id", "")))
        if forum is None:
            raise StaleCard()
        revision = join_revision(forum)
        if str(data.get("revision", "")) != revision:
            card = join_card(t, forum=forum, current_organisation=None, revision=revision,
                             note=t("membership.stale.join_note"))
            return Reply(card=card, replace=True)
        organisation = forum.organisation(str(data.get("organisation_id", "")))
        if organisation is None:
            card = join_card(t, forum=forum, current_organisation=None, errors=[t("membership.organisation_required")],
                             revision=revision)
            return Reply(card=card, replace=True)
        before = forum
        previous = forum.membership(turn.person.id)
        if previous is not None and previous.organisation_id not in (None, organisation.id):
            # A person represents one organisation: roles held for the previous one become vacant.
            await uow.forums.vacate_roles_of(forum.id, turn.person.id, turn.now)
            forum = await uow.forums.get(forum.id) or forum
        await uow.forums.set_membership(forum.id, turn.person.id, organisation.id, turn.now)
        lines = [t("membership.joined", name=turn.person.display_name, forum=forum.name,
                   organisation=organisation.name)]
        requested = str(data.get("role", "member"))
        if requested in (RoleKind.PARTICIPANT.value, RoleKind.DEPUTY.value):
            kind = RoleKind(requested)
            role = forum.role(organisation.id, kind)
            role_word = t(f"membership.{kind.value}")
            if role is None or role.holder_id in (None, turn.person.id):
                await uow.forums.set_role_holder(organisation.id, kind, turn.person.id, turn.now)
                lines.append(t("membership.joined_role", role=role_word, organisation=organisation.name))
                uow.audit.record(at=turn.now, action="role.assigned", subject_type="role",
                                 subject_id=f"{organisation.id}:{kind.value}", actor_id=turn.person.id,
                                 forum_id=forum.id, detail={"holder": turn.person.id})
            else:
                holder = await uow.people.get(role.holder_id)
                lines.append(t("membership.role_taken", holder=holder.display_name if holder else "?",
                               role=role_word, organisation=organisation.name))
        else:
            lines.append(t("membership.joined_member", organisation=organisation.name))
        uow.audit.record(at=turn.now, action="membership.joined", subject_type="person",
                         subject_id=turn.person.id, actor_id=turn.person.id, forum_id=forum.id,
                         detail={"organisation": organisation.id})
        joined = await uow.forums.get(forum.id)
        if joined is not None:  # a role left for another organisation, or a vacant role taken: its actions follow
            await follow_roles(uow, before, joined, actor_id=turn.person.id, now=turn.now, language=t.language,
                               holidays=deps.holidays)
        await uow.commit()
    return Reply(text="\n\n".join(lines), replace=True)


async def _names(uow: UnitOfWork, forum: Forum) -> dict[str, str]:
    ids = [m.person_id for m in forum.memberships] + [forum.chair_id]
    return {pid: p.display_name for pid, p in (await uow.people.many(ids)).items()}


async def _roster_of(turn: Turn, args: MembersArgs) -> Sequence[RosterMember]:
    """The chair in the forum's conversation picks from its roster; elsewhere there is none to read."""
    return await args.roster() if turn.is_chair and not turn.origin.is_personal else []


async def open_members(deps: Deps, turn: Turn, args: MembersArgs) -> Reply:
    """The members card. In a 1:1 chat only from a button naming the forum (the chair's notices carry one)."""
    t = turn.t
    personal = turn.origin.is_personal
    if personal and not args.forum_id:
        raise ChannelOnly()
    roster = await _roster_of(turn, args)
    async with deps.uow() as uow:
        if personal:
            forum = await chaired_forum(uow, turn, args.forum_id)
        else:
            forum = await require_chair(uow, turn, bound_forum(turn))
        for member in roster:
            await uow.people.upsert(member.id, display_name=member.name, aad_object_id=member.aad_object_id,
                                    tenant_id=forum.tenant_id, now=turn.now)
        names = await _names(uow, forum)
        await uow.commit()
    card = members_card(t, forum=forum, names=names, roster=[(m.id, m.name) for m in roster],
                        revision=members_revision(forum))
    return Reply(card=card)


async def refresh_members(deps: Deps, turn: Turn, args: MembersArgs) -> Reply:
    """Universal Actions refresh: the chair's copy of the members card becomes the current one."""
    roster = await _roster_of(turn, args)
    async with deps.uow() as uow:
        forum = await chaired_forum(uow, turn, str(args.data.get("forum_id", "")))
        names = await _names(uow, forum)
    card = members_card(turn.t, forum=forum, names=names, roster=[(m.id, m.name) for m in roster],
                        revision=members_revision(forum))
    return Reply(card=card, replace=True)


@dataclass
class _MemberChanges:
    add_person: str | None = None
    add_organisation: str | None = None
    removed: set[str] = field(default_factory=set)
    new_chair: str = ""
    assignments: list[tuple[str, RoleKind, str | None]] = field(default_factory=list)
    joins: dict[str, str] = field(default_factory=dict)  # person named for a role without having joined -> org


async def _plan_changes(
    uow: UnitOfWork, turn: Turn, forum: Forum, data: Mapping[str, Any]
) -> tuple[_MemberChanges, list[str]]:
    """Read the members card into a plan, checking every choice against the forum; errors as sentences."""
    t = turn.t
    errors: list[str] = []
    plan = _MemberChanges(new_chair=str(data.get("chair_id") or forum.chair_id))
    member_ids = {m.person_id for m in forum.memberships}
    add_person = str(data.get("add_person") or "").strip()
    add_org = forum.organisation(str(data.get("add_organisation") or ""))
    if add_person:
        if add_org is None:
            errors.append(t("membership.add_needs_organisation"))
        elif await uow.people.get(add_person) is None:
            errors.append(t("error.stale_card"))
        else:
            plan.add_person, plan.add_organisation = add_person, add_org.id
            member_ids.add(add_person)
    plan.removed = {p for p in str(data.get("remove_people") or "").split(",") if p in member_ids}
    plan.removed.discard(forum.chair_id)
    remaining = member_ids - plan.removed
    if plan.new_chair != forum.chair_id and plan.new_chair not in remaining:
        errors.append(t("membership.chair_must_be_member"))
    for org in forum.organisations:
        for kind in RoleKind:
            key = f"role__{kind.value}__{org.id}"
            if key not in data:
                continue
            holder = str(data.get(key) or VACANT)
            holder_id = None if holder == VACANT else holder
            if holder_id is not None and holder_id not in remaining:
                # Someone in the conversation who has not joined: naming them for the role makes them a member
                # for that organisation (the chair need not join anything to name a participant or deputy).
                if holder_id in plan.removed or await uow.people.get(holder_id) is None:
                    errors.append(t("membership.not_member_for_role"))
                    continue
                plan.joins.setdefault(holder_id, org.id)
            role = forum.role(org.id, kind)
            if (role.holder_id if role else None) != holder_id:
                plan.assignments.append((org.id, kind, holder_id))
    return plan, sorted(set(errors))


async def save_members(deps: Deps, turn: Turn, data: Mapping[str, Any]) -> Reply:
    t = turn.t
    async with deps.uow() as uow:
        forum = await chaired_forum(uow, turn, str(data.get("forum_id", "")))
        revision = members_revision(forum)
        if str(data.get("revision", "")) != revision:
            names = await _names(uow, forum)
            card = members_card(t, forum=forum, names=names, roster=[], revision=revision,
                                note=t("membership.stale.note"))
            return Reply(card=card, replace=True)
        plan, errors = await _plan_changes(uow, turn, forum, data)
        if errors:
            names = await _names(uow, forum)
            card = members_card(t, forum=forum, names=names, roster=[], errors=errors, revision=revision)
            return Reply(card=card, replace=True)
        await _apply(uow, turn, forum, plan)
        saved = await uow.forums.get(forum.id)
        assert saved is not None
        # The open actions of every role that changed hands follow the role (bot/services/turnover.py).
        await follow_roles(uow, forum, saved, actor_id=turn.person.id, now=turn.now, language=t.language,
                               holidays=deps.holidays)
        lines = [t("membership.saved")]
        if plan.removed:
            lines.append(t.plural("membership.removed", len(plan.removed)))
        if plan.new_chair != forum.chair_id:
            lines.append(t("setup.chair_changed", chair=await chair_name(uow, saved), forum=saved.name))
            await _tell_new_chair(uow, turn, saved)
        await uow.commit()
    return Reply(text="\n\n".join(lines), replace=True)


async def _tell_new_chair(uow: UnitOfWork, turn: Turn, forum: Forum) -> int:
    """A chair hand-over is told to the new chair 1:1, in their language, once per hand-over."""
    chair = await uow.people.get(forum.chair_id)
    # Told during the previous chair's turn: without a language of their own, the forum's, else the turn's.
    words = texts_for(chair, forum, turn.t.language)
    queued = await to_person(
        uow, Kind.CHAIR_HANDOVER, forum.chair_id, about=forum.id, via=forum, slot=turn.now.isoformat(),
        payload=message(words("membership.handover_message", previous=turn.person.display_name, forum=forum.name)),
        now=turn.now,
    )
    return int(queued)


async def _apply(uow: UnitOfWork, turn: Turn, forum: Forum, plan: _MemberChanges) -> None:
    def audit(action: str, subject_type: str, subject_id: str, detail: dict[str, object] | None = None) -> None:
        uow.audit.record(at=turn.now, action=action, subject_type=subject_type, subject_id=subject_id,
                         actor_id=turn.person.id, forum_id=forum.id, detail=detail)

    if plan.add_person and plan.add_organisation:
        await uow.forums.set_membership(forum.id, plan.add_person, plan.add_organisation, turn.now)
        audit("membership.added", "person", plan.add_person, {"organisation": plan.add_organisation})
    for person_id, org_id in plan.joins.items():
        if person_id != plan.add_person:
            await uow.forums.set_membership(forum.id, person_id, org_id, turn.now)
            audit("membership.added", "person", person_id, {"organisation": org_id})
    for person_id in plan.removed:
        await uow.forums.vacate_roles_of(forum.id, person_id, turn.now)
        await uow.forums.remove_membership(forum.id, person_id)
        audit("membership.removed", "person", person_id)
    for org_id, kind, holder_id in plan.assignments:
        await uow.forums.set_role_holder(org_id, kind, holder_id, turn.now)
        audit("role.assigned", "role", f"{org_id}:{kind.value}", {"holder": holder_id})
    if plan.new_chair != forum.chair_id:
        await uow.forums.set_chair(forum.id, plan.new_chair, turn.now)
        audit("forum.chair_changed", "forum", forum.id, {"chair": plan.new_chair})
        if forum.membership(forum.chair_id) is None:
            # A chair who never joined stays in the forum as a member, so she can be named chair again.
            await uow.forums.set_membership(forum.id, forum.chair_id, None, turn.now)


async def _test_forum(uow: UnitOfWork, turn: Turn, forum_id: str) -> Forum:
    if forum_id:
        return await chaired_forum(uow, turn, forum_id)
    if turn.origin.is_personal:
        return await require_chair(uow, turn, await forum_for(uow, turn, Need.CHAIR))
    return await require_chair(uow, turn, bound_forum(turn))


async def send_test_message(deps: Deps, turn: Turn, args: TestMessageArgs) -> Reply:
    """Queue a short test message to every member's 1:1 chat through the outbox.

    In the chair's 1:1 chat the forum is the one she chairs; chairing several, she is asked which one.
    """
    t = turn.t
    request_id = args.request_id
    async with deps.uow() as uow:
        try:
            forum = await _test_forum(uow, turn, args.forum_id)
        except ManyForums as many:
            return Reply(card=pick_forum_card(t, list(many.forums), "test_message.send"))
        recipients = [m.person_id for m in forum.memberships]
        if not recipients:
            return Reply(text=t("membership.test_nobody"))
        people = await uow.people.many(recipients)
        for person_id in recipients:
            person = people.get(person_id)
            words = texts_for(person, forum, t.language)
            await to_person(uow, Kind.TEST_MESSAGE, person_id, about=forum.id, via=forum, slot=request_id,
                            payload=message(words("membership.test_message", forum=forum.name)), now=turn.now)
        # the chair gets one result when the round is done (bot.services.unreachable.compose_report)
        await unreachable.queue_report(uow, forum, kind=unreachable.TEST_KIND, subject_id=forum.id,
                                       occurrence_local_date=NO_DATE, slot=request_id[:40], now=turn.now)
        uow.audit.record(at=turn.now, action="forum.test_message", subject_type="forum", subject_id=forum.id,
                         actor_id=turn.person.id, forum_id=forum.id, detail={"recipients": len(recipients)})
        await uow.commit()
    text = t.plural("membership.test_queued", len(recipients)) + "\n\n" + t("delivery.test_result_follows")
    return Reply(text=text)
