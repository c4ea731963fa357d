"""Minutes (minnesanteckningar, protokoll): the draft of a meeting's record, its approval and published versions.

Rules:

* Who: the chair and the forum's secretary draft, send for approval, publish and correct; only the named
  approvers (justerare, at most two) approve or comment; forum members and named recipients read what is
  published. `may_draft`, `may_approve`, `may_read` decide it.
* One `Minutes` per meeting. Its `revision` is bumped by every save, so a card built from an older revision is
  stale (same rule as every other card). While it is out for approval (`IN_APPROVAL`) an approval counts for the
  revision that was sent (`sent_revision`); a save after that sends the draft back to `DRAFT`.
* Publishing freezes a `PublishedVersion`: the content, the names as they were (`MinutesFrame`), the approvals
  and the paragraph (§) numbers. § numbers continue across the forum's meetings: the first item of a meeting's
  minutes gets the number after the highest § the forum has published (`first_paragraph_after`). A correction
  (Rätta) is the next version of the same meeting's minutes: it keeps the first version's § numbers and its
  number of items, and carries a correction note; earlier versions are kept, never rewritten.
* Published minutes are locked: the draft can only change again through a correction.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from domain.actions import FollowUp
from domain.model import Forum, RoleKind

MAX_APPROVERS = 2


class MinutesStatus(enum.StrEnum):
    DRAFT = "draft"
    IN_APPROVAL = "in_approval"
    PUBLISHED = "published"


class ApprovalDecision(enum.StrEnum):
    APPROVED = "approved"
    COMMENTED = "commented"


@dataclass(frozen=True)
class DraftAction:
    """An action item as written in the minutes. `number` is set when first published (Å-12) and then kept."""

    key: str  # stable within the minutes, survives edits
    title: str
    owner_role_id: str
    due: date
    description: str = ""
    number: int | None = None


@dataclass(frozen=True)
class MinutesItem:
    """One agenda item (§) of the minutes."""

    key: str  # the agenda section id, or "extra-<n>" for an item added in the draft
    title: str
    notes: str = ""
    decisions: tuple[str, ...] = ()
    actions: tuple[DraftAction, ...] = ()

    def is_empty(self) -> bool:
        return not self.notes.strip() and not self.decisions and not self.actions


@dataclass(frozen=True)
class Attendance:
    organisation_ids: tuple[str, ...] = ()  # organisations present
    guests: str = ""  # free text: guests and others present


@dataclass(frozen=True)
class MinutesContent:
    """What the minutes say. While a correction is being made, `correction_note` is its note; `sent_items` are
    the items as last sent for approval (what the approvers saw), so a re-sent draft can show what changed.
    Editors keep both by changing content with `dataclasses.replace` (or `replace_item`)."""

    items: tuple[MinutesItem, ...]
    attendance: Attendance = field(default_factory=Attendance)
    correction_note: str = ""
    sent_items: tuple[MinutesItem, ...] | None = None

    def item(self, key: str) -> MinutesItem | None:
        return next((i for i in self.items if i.key == key), None)

    def actions(self) -> tuple[DraftAction, ...]:
        return tuple(a for i in self.items for a in i.actions)

    def replace_item(self, item: MinutesItem) -> MinutesContent:
        return replace(self, items=tuple(item if i.key == item.key else i for i in self.items))


@dataclass(frozen=True)
class Approval:
    approver_id: str
    approver_name: str
    revision: int  # the draft revision approved or commented on
    decision: ApprovalDecision
    at: datetime
    comment: str = ""


@dataclass(frozen=True)
class Minutes:
    """The working record of one meeting's minutes (the draft and where it is in its life)."""

    meeting_id: str
    forum_id: str
    status: MinutesStatus
    revision: int
    content: MinutesContent
    updated_at: datetime
    updated_by: str | None = None
    sent_revision: int | None = None  # the revision out for approval
    approvals: tuple[Approval, ...] = ()  # every approval and comment, oldest first
    published_versions: int = 0  # 0 until published; then the number of the latest version

    @property
    def locked(self) -> bool:
        return self.status is MinutesStatus.PUBLISHED

    def approvals_for(self, revision: int) -> tuple[Approval, ...]:
        return tuple(a for a in self.approvals if a.revision == revision)


@dataclass(frozen=True)
class OwnerSnapshot:
    """An action owner as named at publication: the role's organisation and kind, and who held it."""

    organisation_name: str
    kind: RoleKind
    holder_name: str | None


@dataclass(frozen=True)
class MinutesFrame:
    """The names a published version was written with, frozen so later setup changes never rewrite it."""

    forum_name: str
    meeting_date: date
    timezone: str
    organisation_names: Mapping[str, str]  # organisation id -> name (attendance and owners)
    owners: Mapping[str, OwnerSnapshot]  # role id -> owner as named at publication


@dataclass(frozen=True)
class PublishedVersion:
    meeting_id: str
    forum_id: str
    version: int  # 1 for the first publication, then one per correction
    first_paragraph: int
    content: MinutesContent  # every action carries its number
    frame: MinutesFrame
    published_at: datetime
    published_by: str
    published_by_name: str
    approvals: tuple[Approval, ...] = ()  # the approvals of the published revision
    correction_note: str = ""  # empty for version 1
    follow_up: FollowUp = field(default_factory=lambda: FollowUp((), ()))  # earlier actions as at publication

    @property
    def last_paragraph(self) -> int:
        return self.first_paragraph + len(self.content.items) - 1

    @property
    def corrected(self) -> bool:
        return self.version > 1

    def paragraphs(self) -> list[tuple[int, MinutesItem]]:
        return [(self.first_paragraph + n, item) for n, item in enumerate(self.content.items)]


def may_draft(forum: Forum, person_id: str) -> bool:
    return person_id in (forum.chair_id, forum.record.secretary_id)


def may_approve(forum: Forum, person_id: str) -> bool:
    return person_id in forum.record.approver_ids


def may_read(forum: Forum, person_id: str) -> bool:
    """Published minutes: the forum's members, its record keepers and approvers, and its named recipients."""
    return (
        may_draft(forum, person_id)
        or may_approve(forum, person_id)
        or forum.membership(person_id) is not None
        or person_id in forum.record.recipient_ids
    )


def first_paragraph_after(published: Iterable[PublishedVersion]) -> int:
    """The § number the next meeting's minutes start at: one after the highest the forum has published."""
    return max((v.last_paragraph for v in published), default=0) + 1


def approved_by_all(forum: Forum, minutes: Minutes) -> bool:
    """Every named approver approved the revision that is out (and nothing changed since)."""
    if not forum.record.approver_ids:
        return True
    if minutes.status is not MinutesStatus.IN_APPROVAL or minutes.sent_revision != minutes.revision:
        return False
    approvals = minutes.approvals_for(minutes.revision)
    approved = {a.approver_id for a in approvals if a.decision is ApprovalDecision.APPROVED}
    return set(forum.record.approver_ids) <= approved


class StaleDraft(Exception):
    """The draft's stored revision is not the one the card was built from (someone saved in between)."""

    def __init__(self, current: int) -> None:
        super().__init__(current)
        self.current = current


class NotSameItems(ValueError):
    """A correction must keep the published items (and so their § numbers)."""


def number_actions(content: MinutesContent, next_number: int) -> tuple[MinutesContent, list[DraftAction]]:
    """Give every action without a number the next ones, in item order; returns the content and the new actions."""
    new: list[DraftAction] = []
    items: list[MinutesItem] = []
    for item in content.items:
        actions: list[DraftAction] = []
        for action in item.actions:
            if action.number is None:
                action = DraftAction(action.key, action.title, action.owner_role_id, action.due, action.description,
                                     next_number + len(new))
                new.append(action)
            actions.append(action)
        items.append(MinutesItem(item.key, item.title, item.notes, item.decisions, tuple(actions)))
    return replace(content, items=tuple(items)), new


def check_correction(previous: PublishedVersion, content: MinutesContent) -> None:
    if [i.key for i in previous.content.items] != [i.key for i in content.items]:
        raise NotSameItems(previous.meeting_id)


@dataclass(frozen=True)
class ItemChange:
    """What changed in one item between two revisions (shown to approvers after a fix, and in a correction)."""

    key: str
    title: str
    notes_changed: bool
    decisions_added: tuple[str, ...]
    decisions_removed: tuple[str, ...]
    actions_added: tuple[str, ...]  # action keys
    actions_removed: tuple[str, ...]
    actions_changed: tuple[str, ...]


def changes_between(before: MinutesContent, after: MinutesContent) -> list[ItemChange]:
    """Per item, what differs; items only in `after` count as all added, only in `before` as all removed."""
    keys = [i.key for i in after.items] + [i.key for i in before.items if after.item(i.key) is None]
    result: list[ItemChange] = []
    for key in keys:
        old, new = before.item(key), after.item(key)
        title = (new or old or MinutesItem(key, "")).title
        change = _item_change(old or MinutesItem(key, title), new or MinutesItem(key, title))
        if change is not None:
            result.append(change)
    return result


def _item_change(old: MinutesItem, new: MinutesItem) -> ItemChange | None:
    old_actions = {a.key: a for a in old.actions}
    new_actions = {a.key: a for a in new.actions}
    change = ItemChange(
        key=new.key,
        title=new.title or old.title,
        notes_changed=old.notes.strip() != new.notes.strip(),
        decisions_added=tuple(d for d in new.decisions if d not in old.decisions),
        decisions_removed=tuple(d for d in old.decisions if d not in new.decisions),
        actions_added=tuple(k for k in new_actions if k not in old_actions),
        actions_removed=tuple(k for k in old_actions if k not in new_actions),
        actions_changed=tuple(k for k, a in new_actions.items() if k in old_actions and old_actions[k] != a),
    )
    changed = change.notes_changed or any(
        (change.decisions_added, change.decisions_removed, change.actions_added, change.actions_removed,
         change.actions_changed))
    return change if changed else None


def starting_content(forum: Forum, sections: Sequence[tuple[str, str]], attending: Iterable[str]) -> MinutesContent:
    """A new draft: one item per agenda section (id, title), and who attends.

    The follow-up of earlier actions is not an item: it is computed live for the draft and frozen at publication
    (`PublishedVersion.follow_up`), shown before the items as "Uppföljning från föregående möten".
    """
    items = [MinutesItem(key, title) for key, title in sections]
    known = {o.id for o in forum.organisations}
    return MinutesContent(tuple(items), Attendance(tuple(o for o in attending if o in known)))
