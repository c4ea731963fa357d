"""A forum with a meeting and a draft of its minutes, set up straight through the unit of work.

Used by the use-case tests (on the fake) and the conversation tests (on SQLite): the draft editor is another
part of issue 8, so the drafts here are written with `uow.minutes.save_draft` as the editor would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from domain.minutes import Attendance, DraftAction, MinutesContent, MinutesItem
from domain.model import RecordRoles, RoleKind, Schedule

ANNA = ("29:anna", "Anna Lindqvist")  # the chair
SARA = ("29:sara", "Sara Berg")  # the secretary
ERIK = ("29:erik", "Erik Johansson")  # Polisen's participant
KARIN = ("29:karin", "Karin Ek")  # Skolan's participant
POLLY = ("29:polly", "Polly Persson")  # approver, member for Polisen
PER = ("29:per", "Per Holm")  # approver, member for Skolan
REX = ("29:rex", "Rex Recipient")  # a recipient outside the forum (kommunledningen)
OLLE = ("29:olle", "Olle Outsider")  # nobody in the forum

MEETING_DAY = date(2026, 11, 19)
DUE = date(2026, 12, 10)
RAW_LAGESBILD = "Polisens råa lägesbild som bara forumet ser"


@dataclass(frozen=True)
class Ids:
    forum_id: str
    meeting_id: str
    police: str
    school: str
    police_role: str  # Polisen's participant role (Erik)
    school_role: str  # Skolan's participant role (Karin)
    school_deputy: str  # vacant
    sections: tuple[str, str]


def content_of(ids: Ids, *, notes: str = "Läget är lugnt.", extra_action: bool = True) -> MinutesContent:
    """Two items: two decisions, three actions with owners in two organisations (one role vacant)."""
    actions_first = (DraftAction("a1", "Kontakta skolan om kvällarna", ids.police_role, DUE),
                     DraftAction("a2", "Samla in siffror", ids.school_role, DUE, "Från elevhälsan"))
    actions_second = (DraftAction("a3", "Boka lokal", ids.school_deputy, DUE),) if extra_action else ()
    return MinutesContent(
        (MinutesItem(ids.sections[0], "Aktuellt", notes, ("Forumet följer upp kvällarna",), actions_first),
         MinutesItem(ids.sections[1], "Trender", "Fler ärenden i centrum.", ("Polisen rapporterar nästa gång",),
                     actions_second)),
        Attendance((ids.police, ids.school), "Kommunens trygghetssamordnare"),
    )


async def minutes_world(
    uow: Callable[[], Any], now: datetime, *, conversation_id: str, approvers: tuple[str, ...] = (),
    recipients: tuple[str, ...] = (), secretary: str | None = SARA[0], meeting_day: date = MEETING_DAY,
    draft: bool = True,
) -> Ids:
    async with uow() as u:
        forum_id = await u.forums.create(name="Trygghetsforum Norrby", tenant_id="tenant-norrby",
                                         conversation_id=conversation_id, chair_id=ANNA[0],
                                         schedule=Schedule(skip_public_holidays=False), now=now)
        await u.forums.replace_sections(forum_id, [(None, "Aktuellt"), (None, "Trender")], now)
        await u.forums.replace_organisations(forum_id, [(None, "Polisen"), (None, "Skolan")], now)
        forum = await u.forums.get(forum_id)
        police, school = forum.organisations
        for person, organisation in ((ANNA, None), (SARA, None), (ERIK, police.id), (KARIN, school.id),
                                     (POLLY, police.id), (PER, school.id), (REX, None), (OLLE, None)):
            await u.people.upsert(person[0], display_name=person[1], aad_object_id=None, tenant_id="tenant-norrby",
                                  now=now)
            if person not in (REX, OLLE):
                await u.forums.set_membership(forum_id, person[0], organisation, now)
        await u.forums.set_role_holder(police.id, RoleKind.PARTICIPANT, ERIK[0], now)
        await u.forums.set_role_holder(school.id, RoleKind.PARTICIPANT, KARIN[0], now)
        await u.forums.set_record_roles(forum_id, RecordRoles(secretary_id=secretary, approver_ids=approvers,
                                                              recipient_ids=recipients), now)
        forum = await u.forums.get(forum_id)
        starts = datetime(meeting_day.year, meeting_day.month, meeting_day.day, 8, 0, tzinfo=UTC)
        meeting = await u.meetings.ensure(forum, meeting_day, starts, now)
        ids = Ids(forum_id, meeting.id, police.id, school.id,
                  _role(forum, police.id, RoleKind.PARTICIPANT), _role(forum, school.id, RoleKind.PARTICIPANT),
                  _role(forum, school.id, RoleKind.DEPUTY), (forum.sections[0].id, forum.sections[1].id))
        if draft:
            await u.minutes.save_draft(meeting_id=meeting.id, forum_id=forum_id, content=content_of(ids),
                                       actor_id=SARA[0], now=now, expected_revision=None)
        await u.commit()
    return ids


def _role(forum: Any, organisation_id: str, kind: RoleKind) -> str:
    role = forum.role(organisation_id, kind)
    assert role is not None
    return str(role.id)


async def save(uow: Callable[[], Any], ids: Ids, content: MinutesContent, now: datetime, actor: str = SARA[0]) -> int:
    """The editor's save: the next revision of the draft; returns it."""
    async with uow() as u:
        current = await u.minutes.get(ids.meeting_id)
        saved = await u.minutes.save_draft(meeting_id=ids.meeting_id, forum_id=ids.forum_id, content=content,
                                           actor_id=actor, now=now, expected_revision=current.revision)
        await u.commit()
    return int(saved.revision)


async def revision(uow: Callable[[], Any], ids: Ids) -> int:
    async with uow() as u:
        current = await u.minutes.get(ids.meeting_id)
    return int(current.revision)


async def edit_notes(uow: Callable[[], Any], ids: Ids, notes: str, now: datetime, actor: str = SARA[0]) -> int:
    """The editor changes the first item's notes, keeping the rest of the draft (as `replace_item` does)."""
    async with uow() as u:
        current = await u.minutes.get(ids.meeting_id)
    first = current.content.items[0]
    return await save(uow, ids, current.content.replace_item(
        MinutesItem(first.key, first.title, notes, first.decisions, first.actions)), now, actor)
