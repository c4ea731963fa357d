"""Joining a forum, and the chair managing people, roles and the chair role."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.services import unreachable
from bot.services.forums import chair_name, chaired_forum
from bot.services.turn import Reply, Turn
from dialogs.cards.elements import message
from dialogs.cards.membership import VACANT, join_card, members_card
from dialogs.texts import for_language
from domain.model import Forum, RoleKind
from storage.outbox import NO_DATE, NewMessage
from storage.unit_of_work import SqlAlchemyUnitOfWork, UnitOfWorkFactory


@dataclass(frozen=True)
class RosterMember:
    id: str
    name: str
    aad_object_id: str | None = None


def _forum_conversation(turn: Turn) -> str:
    return turn.origin.conversation_id.split(";messageid=")[0]


async def open_join(turn: Turn) -> Reply:
    t = turn.t
    forum = turn.forum
    if turn.origin.is_personal:
        return Reply(text=t("error.channel_only"))
    if forum is None:
        return Reply(text=t("error.no_forum"))
    if not forum.organisations:
        return Reply(text=t("membership.no_organisations"))
    membership = forum.membership(turn.person.id)
    current = membership.organisation_id if membership else None
    return Reply(card=join_card(t, forum=forum, current_organisation=current))


async def join(uow_factory: UnitOfWorkFactory, turn: Turn, data: Mapping[str, Any]) -> Reply:
    t = turn.t
    async with uow_factory() as uow:
        forum = await uow.forums.get(str(data.get("forum_id", "")))
        if forum is None:
            return Reply(text=t("error.stale_card"))
        organisation = forum.organisation(str(data.get("organisation_id", "")))
        if organisation is None:
            card = join_card(t, forum=forum, current_organisation=None, errors=[t("membership.organisation_required")])
            return Reply(card=card, replace=True)
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
        uow.audit.record(at=turn.now, action="membership.joined", subject_type="person",
                         subject_id=turn.person.id, actor_id=turn.person.id, forum_id=forum.id,
                         detail={"organisation": organisation.id})
        await uow.commit()
    return Reply(text="\n\n".join(lines), replace=True)


async def _names(uow: SqlAlchemyUnitOfWork, forum: Forum) -> dict[str, str]:
    ids = [m.person_id for m in forum.memberships] + [forum.chair_id]
    return {pid: p.display_name for pid, p in (await uow.people.many(ids)).items()}


async def open_members(uow_factory: UnitOfWorkFactory, turn: Turn, roster: Sequence[RosterMember]) -> Reply:
    t = turn.t
    forum = turn.forum
    if turn.origin.is_personal:
        return Reply(text=t("error.channel_only"))
    if forum is None:
        return Reply(text=t("error.no_forum"))
    async with uow_factory() as uow:
        if forum.chair_id != turn.person.id:
            return Reply(text=t("error.not_chair", chair=await chair_name(uow, forum)))
        for member in roster:
            await uow.people.upsert(member.id, display_name=member.name, aad_object_id=member.aad_object_id,
                                    tenant_id=forum.tenant_id, now=turn.now)
        names = await _names(uow, forum)
        await uow.commit()
    card = members_card(t, forum=forum, names=names, roster=[(m.id, m.name) for m in roster])
    return Reply(card=card)


@dataclass
class _MemberChanges:
    add_person: str | None = None
    add_organisation: str | None = None
    removed: set[str] = field(default_factory=set)
    new_chair: str = ""
    assignments: list[tuple[str, RoleKind, str | None]] = field(default_factory=list)


async def _plan_changes(
    uow: SqlAlchemyUnitOfWork, turn: Turn, forum: Forum, data: Mapping[str, Any]
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
                errors.append(t("membership.not_member_for_role"))
                continue
            role = forum.role(org.id, kind)
            if (role.holder_id if role else None) != holder_id:
                plan.assignments.append((org.id, kind, holder_id))
    return plan, sorted(set(errors))


async def save_members(uow_factory: UnitOfWorkFactory, turn: Turn, data: Mapping[str, Any]) -> Reply:
    t = turn.t
    async with uow_factory() as uow:
        forum, refusal = await chaired_forum(uow, turn, data)
        if forum is None:
            return refusal or Reply(text=t("error.stale_card"))
        plan, errors = await _plan_changes(uow, turn, forum, data)
        if errors:
            names = await _names(uow, forum)
            return Reply(card=members_card(t, forum=forum, names=names, roster=[], errors=errors), replace=True)
        await _apply(uow, turn, forum, plan)
        await uow.commit()
        saved = await uow.forums.get(forum.id)
        assert saved is not None
        lines = [t("membership.saved")]
        if plan.new_chair != forum.chair_id:
            lines.append(t("setup.chair_changed", chair=await chair_name(uow, saved), forum=saved.name))
    return Reply(text="\n\n".join(lines), replace=True)


async def _apply(uow: SqlAlchemyUnitOfWork, turn: Turn, forum: Forum, plan: _MemberChanges) -> None:
    def audit(action: str, subject_type: str, subject_id: str, detail: dict[str, object] | None = None) -> None:
        uow.audit.record(at=turn.now, action=action, subject_type=subject_type, subject_id=subject_id,
                         actor_id=turn.person.id, forum_id=forum.id, detail=detail)

    if plan.add_person and plan.add_organisation:
        await uow.forums.set_membership(forum.id, plan.add_person, plan.add_organisation, turn.now)
        audit("membership.added", "person", plan.add_person, {"organisation": plan.add_organisation})
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


async def send_test_message(uow_factory: UnitOfWorkFactory, turn: Turn, request_id: str) -> Reply:
    """Queue a short test message to every member's 1:1 chat through the outbox."""
    t = turn.t
    forum = turn.forum
    if forum is None:
        return Reply(text=t("error.no_forum"))
    async with uow_factory() as uow:
        if forum.chair_id != turn.person.id:
            return Reply(text=t("error.not_chair", chair=await chair_name(uow, forum)))
        recipients = [m.person_id for m in forum.memberships]
        if not recipients:
            return Reply(text=t("membership.test_nobody"))
        people = await uow.people.many(recipients)
        queued = 0
        for person_id in recipients:
            person = people.get(person_id)
            words = for_language(person.language if person and person.language else t.language)
            row = await uow.outbox.enqueue(
                NewMessage(
                    kind=unreachable.TEST_KIND,
                    subject_id=forum.id,
                    recipient_id=person_id,
                    slot=request_id[:40],
                    person_id=person_id,
                    via_conversation_id=forum.conversation_id,
                    payload=message(words("membership.test_message", forum=forum.name)),
                ),
                turn.now,
            )
            queued += row is not None
        # the chair gets one result when the round is done (bot.services.unreachable.compose_report)
        await unreachable.queue_report(uow, forum, kind=unreachable.TEST_KIND, subject_id=forum.id,
                                       occurrence_local_date=NO_DATE, slot=request_id[:40], now=turn.now)
        uow.audit.record(at=turn.now, action="forum.test_message", subject_type="forum", subject_id=forum.id,
                         actor_id=turn.person.id, forum_id=forum.id, detail={"recipients": len(recipients)})
        await uow.commit()
    text = t("membership.test_queued", count=len(recipients)) + "\n\n" + t("delivery.test_result_follows")
    return Reply(text=text, queued=queued)
