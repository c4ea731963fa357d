"""Joining a forum, and the chair's card for people, roles and the chair role."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from dialogs.cards.elements import Element, card, choice_set, errors_block, execute, heading, notice, refresh, text
from dialogs.texts import Texts
from domain.model import Forum, RoleKind

VACANT = "-"


def join_card(
    t: Texts,
    *,
    forum: Forum,
    current_organisation: str | None,
    errors: Sequence[str] = (),
    revision: str = "",
    note: str | None = None,
) -> Element:
    """`revision`: the join revision (domain/revisions.py) of the organisations offered."""
    body: list[Element] = [heading(t("membership.join_title", forum=forum.name)), text(t("membership.join_intro"))]
    if note:
        body.append(notice(note))
    if errors:
        body.append(errors_block(errors, t("setup.errors_title")))
    body.append(
        choice_set(
            "organisation_id",
            t("membership.organisation"),
            [(o.id, o.name) for o in forum.organisations],
            value=current_organisation,
            required=True,
            error=t("membership.organisation_required"),
        )
    )
    body.append(
        choice_set(
            "role",
            t("membership.role"),
            [("member", t("membership.role_member")), (RoleKind.PARTICIPANT.value, t("membership.role_participant")),
             (RoleKind.DEPUTY.value, t("membership.role_deputy"))],
            value="member",
            required=True,
            compact=False,
        )
    )
    data = {"forum_id": forum.id, "revision": revision}
    return card(body, [execute(t("membership.join_button"), "join.submit", data)])


def pick_forum_card(t: Texts, forums: Sequence[Forum], verb: str) -> Element:
    """Someone who chairs several forums picks the one a command is about (one button per forum)."""
    body = [text(t("membership.pick_forum"))]
    return card(body, [execute(f.name, verb, {"forum_id": f.id}, validate=False) for f in forums])


def members_card(
    t: Texts,
    *,
    forum: Forum,
    names: Mapping[str, str],
    roster: Sequence[tuple[str, str]],
    errors: Sequence[str] = (),
    revision: str = "",
    note: str | None = None,
) -> Element:
    """`names`: person id -> display name for members; `roster`: (id, name) of people in the conversation.

    `revision`: the members revision (domain/revisions.py) the card shows; the chair's copy is refreshed.
    """
    members = [(m.person_id, names.get(m.person_id, m.person_id)) for m in forum.memberships]
    member_ids = {m.person_id for m in forum.memberships}
    candidates = [(pid, name) for pid, name in roster if pid not in member_ids]
    body: list[Element] = [heading(t("membership.members_title", forum=forum.name))]
    if note:
        body.append(notice(note))
    if errors:
        body.append(errors_block(errors, t("setup.errors_title")))
    body.append(text(t("membership.members_list_title"), weight="Bolder"))
    body.append(_member_list(t, forum, names))
    body.extend(_add_inputs(t, forum, candidates))
    body.extend(_role_inputs(t, forum, names, members, candidates))
    body.extend(_remove_and_chair_inputs(t, forum, names, members))
    data = {"forum_id": forum.id, "revision": revision}
    return card(body, [execute(t("membership.save"), "members.save", data)],
                refresh=refresh("members.refresh", {"forum_id": forum.id}, [forum.chair_id]))


def _member_list(t: Texts, forum: Forum, names: Mapping[str, str]) -> Element:
    org_names = {o.id: o.name for o in forum.organisations}
    lines = []
    for m in forum.memberships:
        org_name = org_names.get(m.organisation_id or "", t("membership.no_organisation"))
        lines.append(f"- {names.get(m.person_id, m.person_id)} – {org_name}")
    return text("\r".join(lines) if lines else t("membership.no_members"))


def _add_inputs(t: Texts, forum: Forum, candidates: Sequence[tuple[str, str]]) -> list[Element]:
    # An Input.ChoiceSet without choices is invalid for Teams' renderer: a set with nothing to offer is left out.
    organisation_choices = [(o.id, o.name) for o in forum.organisations]
    if not (candidates and organisation_choices):
        return []
    return [
        text(t("membership.add_title"), weight="Bolder"),
        choice_set("add_person", t("membership.add_person"), candidates),
        choice_set("add_organisation", t("membership.add_organisation"), organisation_choices),
    ]


def _role_inputs(
    t: Texts,
    forum: Forum,
    names: Mapping[str, str],
    members: Sequence[tuple[str, str]],
    candidates: Sequence[tuple[str, str]],
) -> list[Element]:
    if not forum.organisations:
        return []
    body = [text(t("membership.roles_title"), weight="Bolder")]
    if candidates:
        body.append(text(t("membership.roles_hint"), subtle=True))
    # People in the conversation who have not joined can be named directly: they join for that organisation.
    member_choices = [(VACANT, t("membership.vacant")), *members, *candidates]
    for org in forum.organisations:
        for kind in RoleKind:
            role = forum.role(org.id, kind)
            holder = role.holder_id if role and role.holder_id else VACANT
            choices = member_choices
            if all(value != holder for value, _ in choices):
                choices = [*choices, (holder, names.get(holder, holder))]
            body.append(
                choice_set(
                    f"role__{kind.value}__{org.id}",
                    t(f"membership.{kind.value}_of", organisation=org.name),
                    choices,
                    value=holder,
                )
            )
    return body


def _remove_and_chair_inputs(
    t: Texts, forum: Forum, names: Mapping[str, str], members: Sequence[tuple[str, str]]
) -> list[Element]:
    body: list[Element] = []
    removable = [(pid, name) for pid, name in members if pid != forum.chair_id]
    if removable:
        body.append(text(t("membership.remove_title"), weight="Bolder"))
        body.append(choice_set("remove_people", t("membership.remove_people"), removable, multi=True))
    body.append(text(t("membership.chair_title"), weight="Bolder"))
    # The chair is always a valid choice, whether or not she has joined for an organisation.
    chair_choices = list(members)
    if forum.chair_id not in {m.person_id for m in forum.memberships}:
        chair_choices.insert(0, (forum.chair_id, names.get(forum.chair_id, forum.chair_id)))
    body.append(choice_set("chair_id", t("membership.chair"), chair_choices, value=forum.chair_id, required=True))
    return body
