"""Action items (åtgärder): what a forum decided someone does, owned by a role in an organisation.

Rules:

* An action is owned by a role (funktion) in an organisation, not by a person, so it survives staff turnover:
  whoever holds the role now is the one asked. Choosing a person as owner picks the role they hold in the
  forum (participant before deputy), or, when they hold none, a vacant role of the organisation they are a
  member for (`owner_for`).
* Actions are numbered per forum, 1, 2, 3 … (shown as Å-12), in the order they are first published.
* A new action's due date must not be in the past (relative to the local day it is written); its title must not
  be empty (`check_new`).
* Follow-up (`follow_up`): the open actions, overdue first (oldest due date first), then the rest by due date
  then number; and the actions closed since a given instant, by number.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from domain.model import Forum, RoleKind


class ActionStatus(enum.StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"  # removed from the minutes by a correction


@dataclass(frozen=True)
class ActionItem:
    id: str
    forum_id: str
    number: int
    title: str
    owner_role_id: str
    due: date
    meeting_id: str
    item_key: str  # the minutes item (agenda section) it came from
    status: ActionStatus
    created_at: datetime
    created_by: str
    description: str = ""
    closed_at: datetime | None = None
    outcome: str = ""

    @property
    def open(self) -> bool:
        return self.status is ActionStatus.OPEN

    def overdue_on(self, today: date) -> bool:
        return self.open and self.due < today


@dataclass(frozen=True)
class FollowUp:
    """The follow-up of earlier actions at a meeting: open ones (overdue first) and those closed since."""

    open: tuple[ActionItem, ...]
    closed: tuple[ActionItem, ...]

    def is_empty(self) -> bool:
        return not self.open and not self.closed


def follow_up(actions: Iterable[ActionItem], *, today: date, closed_since: datetime | None) -> FollowUp:
    """`closed_since` is when the previous meeting's follow-up was made (None: list no closed ones)."""
    items = list(actions)
    open_ = sorted(
        (a for a in items if a.open),
        key=lambda a: (not a.overdue_on(today), a.due, a.number),
    )
    closed = sorted(
        (a for a in items
         if not a.open and closed_since is not None and a.closed_at is not None and a.closed_at >= closed_since
         and a.status is ActionStatus.DONE),
        key=lambda a: a.number,
    )
    return FollowUp(tuple(open_), tuple(closed))


class ActionProblem(enum.StrEnum):
    EMPTY_TITLE = "empty_title"
    PAST_DUE = "past_due"
    UNKNOWN_OWNER = "unknown_owner"


def check_new(forum: Forum, *, title: str, owner_role_id: str | None, due: date | None,
              today: date) -> list[ActionProblem]:
    """What is wrong with a new or edited action; empty when it may be kept."""
    problems: list[ActionProblem] = []
    if not title.strip():
        problems.append(ActionProblem.EMPTY_TITLE)
    if owner_role_id is None or not any(r.id == owner_role_id for r in forum.roles):
        problems.append(ActionProblem.UNKNOWN_OWNER)
    if due is None or due < today:
        problems.append(ActionProblem.PAST_DUE)
    return problems


@dataclass(frozen=True)
class OwnerChoice:
    """The role a person would own an action through: an existing role (`role_id`), or one to fill."""

    organisation_id: str
    kind: RoleKind
    role_id: str | None  # None: the role is vacant or not created yet, and the person is to be made its holder


def owner_for(forum: Forum, person_id: str) -> OwnerChoice | None:
    """The role a person owns actions through in this forum, or None when they have no organisation here."""
    for kind in (RoleKind.PARTICIPANT, RoleKind.DEPUTY):
        for role in forum.roles:
            if role.holder_id == person_id and role.kind is kind and forum.organisation(role.organisation_id):
                return OwnerChoice(role.organisation_id, kind, role.id)
    membership = forum.membership(person_id)
    if membership is None or membership.organisation_id is None:
        return None
    organisation_id = membership.organisation_id
    for kind in (RoleKind.PARTICIPANT, RoleKind.DEPUTY):
        vacant = forum.role(organisation_id, kind)
        if vacant is None or vacant.holder_id is None:
            return OwnerChoice(organisation_id, kind, None)
    return None


def roles_of(forum: Forum, person_id: str) -> set[str]:
    """The ids of the roles a person holds in the forum (their actions)."""
    return {r.id for r in forum.roles if r.holder_id == person_id}


def holder_for_day(forum: Forum, role_id: str, away_on: Callable[[str], bool]) -> str | None:
    """Who is asked about the actions of a role today: its holder; while the holder is away (`frånvarande
    till`) or the role is vacant, the holder of the organisation's other role (the deputy) when they are here;
    an away holder without a deputy present is still asked (nothing is dropped); None when nobody holds either."""
    role = forum.role_by_id(role_id)
    if role is None:
        return None
    other = forum.other_role(role)
    stand_in = other.holder_id if other is not None else None
    if role.holder_id is not None and not away_on(role.holder_id):
        return role.holder_id
    if stand_in is not None and not away_on(stand_in):
        return stand_in
    return role.holder_id


def answers_for(forum: Forum, role_id: str, person_id: str) -> bool:
    """The holder of the role or of that organisation's other role (the deputy, or the participant of a deputy
    role): who answers for the role's actions, e.g. takes a handed-over one."""
    role = forum.role_by_id(role_id)
    if role is None:
        return False
    other = forum.other_role(role)
    return person_id in {role.holder_id, other.holder_id if other is not None else None}


def may_act(forum: Forum, action: ActionItem, person_id: str) -> bool:
    """Who may act on an action (done, new date, hand over, help, comment): the chair, or whoever answers for
    its owning role."""
    return person_id == forum.chair_id or answers_for(forum, action.owner_role_id, person_id)
