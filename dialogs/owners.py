"""How an action's owner is named: the role's organisation and kind, and who holds it now (or held it then).

Plain text with user-given names: escape it (dialogs/cards/escaping.py) before it goes into a card or export.
"""

from __future__ import annotations

from collections.abc import Mapping

from dialogs.texts import Texts
from domain.minutes import OwnerSnapshot
from domain.model import Forum, RoleKind


def _kind(t: Texts, kind: RoleKind) -> str:
    return t("record.kind_deputy") if kind is RoleKind.DEPUTY else t("record.kind_participant")


def owner_label(t: Texts, forum: Forum, role_id: str, names: Mapping[str, str]) -> str:
    """"Polisen, deltagare (Anna Lindqvist)" for the current holder; `names` maps person ids to display names."""
    role = next((r for r in forum.roles if r.id == role_id), None)
    organisation = forum.organisation(role.organisation_id) if role is not None else None
    if role is None or organisation is None:
        return t("record.owner_gone")
    if role.holder_id is None:
        return t("record.owner_vacant", organisation=organisation.name, kind=_kind(t, role.kind))
    holder = names.get(role.holder_id, role.holder_id)
    return t("record.owner", organisation=organisation.name, kind=_kind(t, role.kind), holder=holder)


def snapshot_label(t: Texts, owner: OwnerSnapshot | None) -> str:
    """The owner as named when the minutes were published."""
    if owner is None:
        return t("record.owner_gone")
    if owner.holder_name is None:
        return t("record.owner_vacant", organisation=owner.organisation_name, kind=_kind(t, owner.kind))
    return t("record.owner", organisation=owner.organisation_name, kind=_kind(t, owner.kind),
             holder=owner.holder_name)


def role_name(t: Texts, owner: OwnerSnapshot | None) -> str:
    """The role alone, without who holds it: "Polisen, deltagare"."""
    if owner is None:
        return t("record.owner_gone")
    return f"{owner.organisation_name}, {_kind(t, owner.kind)}"


def action_number(t: Texts, number: int | None) -> str:
    return t("record.action_number", number=number) if number is not None else ""
