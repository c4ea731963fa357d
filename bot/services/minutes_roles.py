"""Roles for the record, set by the chair: secretary, approvers (at most two), recipients, e-mail recipients and
the default due days of a new action. Opened from the setup card (`record.open`), saved with `record.save`.

The choices are the forum's known people (its members and the chair, and whoever already holds one of these
roles) and, in the forum's channel or group chat, everyone in that conversation (its roster, read when the card
is opened and again when it is saved): a recipient such as kommunledningen need not have joined the forum.
Everything is checked on the server: people must be known, at most two approvers, e-mail addresses
formed as `domain.mail.valid_email` says, due days 1–365. The e-mail field is offered only when mail is set up
(or addresses are already stored, so they can be seen and removed). A refusal keeps what was typed; an outdated
card keeps only what the person typed over the current values (as the setup card does).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.services.guards import chaired_forum
from bot.services.membership import MembersArgs, RosterMember
from bot.services.minutes_common import names_for
from bot.services.ports import Deps, UnitOfWork
from bot.services.turn import Reply, Turn
from dialogs.cards.elements import Element
from dialogs.cards.record_roles import (
    APPROVERS,
    DUE_DAYS,
    EMAILS,
    FIELDS,
    MAX_DUE_DAYS,
    MAX_EMAILS_CHARS,
    NOBODY,
    RECIPIENTS,
    SECRETARY,
    record_roles_card,
    record_roles_saved_card,
    record_values,
)
from dialogs.texts import Texts
from domain.mail import valid_email
from domain.minutes import MAX_APPROVERS
from domain.model import Forum, RecordRoles
from domain.revisions import record_revision, typed_values

log = logging.getLogger(__name__)

MAX_EMAILS = 20


def _people(forum: Forum, names: Mapping[str, str], roster: Sequence[RosterMember] = ()) -> list[tuple[str, str]]:
    ids = [forum.chair_id, *(m.person_id for m in forum.memberships)]
    record = forum.record
    ids += [i for i in (record.secretary_id, *record.approver_ids, *record.recipient_ids) if i]
    ids += [m.id for m in roster]
    named = {**{m.id: m.name for m in roster}, **names}
    unique = list(dict.fromkeys(ids))
    return sorted(((i, named.get(i, i)) for i in unique), key=lambda p: p[1].casefold())


async def _roster(uow: UnitOfWork, turn: Turn, forum: Forum, args: MembersArgs) -> Sequence[RosterMember]:
    """The people of the forum's conversation (none in a 1:1 chat), stored so messages can reach them."""
    roster = [] if turn.origin.is_personal else [m for m in await args.roster() if not m.id.startswith("28:")]
    for member in roster:
        await uow.people.upsert(member.id, display_name=member.name, aad_object_id=member.aad_object_id,
                                tenant_id=forum.tenant_id, now=turn.now)
    return roster


def _card(deps: Deps, t: Texts, forum: Forum, names: Mapping[str, str], *, typed: Mapping[str, str] | None = None,
          errors: list[str] | None = None, note: str | None = None,
          roster: Sequence[RosterMember] = ()) -> Element:
    values = {**record_values(forum.record), **(typed or {})}
    return record_roles_card(t, forum_id=forum.id, people=_people(forum, names, roster), values=values,
                             revision=record_revision(forum), errors=errors or (), note=note,
                             mail=_mail(deps, forum))


def _mail(deps: Deps, forum: Forum) -> bool:
    return deps.mail_enabled or bool(forum.record.recipient_emails)


async def open_record_roles(deps: Deps, turn: Turn, args: MembersArgs) -> Reply:
    async with deps.uow() as uow:
        forum = await chaired_forum(uow, turn, args.forum_id or None)
        roster = await _roster(uow, turn, forum, args)
        names = await names_for(uow, forum)
        await uow.commit()
    return Reply(card=_card(deps, turn.t, forum, names, roster=roster))


@dataclass(frozen=True)
class _Parsed:
    record: RecordRoles | None
    errors: list[str]


def _ids(raw: str) -> list[str]:
    return list(dict.fromkeys(part.strip() for part in raw.split(",") if part.strip()))


def parse_record(t: Texts, forum: Forum, known: set[str], values: Mapping[str, str]) -> _Parsed:
    errors: list[str] = []
    secretary = values.get(SECRETARY, "").strip().removeprefix(NOBODY) or None
    approvers, recipients = _ids(values.get(APPROVERS, "")), _ids(values.get(RECIPIENTS, ""))
    if any(i not in known for i in [*([secretary] if secretary else []), *approvers, *recipients]):
        errors.append(t("draft.roles.error.unknown_person"))
    if len(approvers) > MAX_APPROVERS:
        errors.append(t("draft.roles.error.too_many_approvers", max=MAX_APPROVERS))
    raw_emails = values.get(EMAILS, "")
    emails = list(dict.fromkeys(e.strip().lower() for e in re.split(r"[,;\s]+", raw_emails) if e.strip()))
    bad = [e for e in emails if not valid_email(e)]
    if bad:
        errors.append(t.plural("draft.roles.error.email", len(bad)))
    if len(emails) > MAX_EMAILS or len(raw_emails) > MAX_EMAILS_CHARS:
        errors.append(t("draft.roles.error.too_many_emails", max=MAX_EMAILS))
    try:
        due_days = int(values.get(DUE_DAYS, "").strip())
    except ValueError:
        due_days = 0
    if not 1 <= due_days <= MAX_DUE_DAYS:
        errors.append(t("draft.roles.error.due_days", max=MAX_DUE_DAYS))
    if errors:
        return _Parsed(None, errors)
    return _Parsed(RecordRoles(secretary, tuple(approvers), tuple(recipients), tuple(emails), due_days), [])


async def save_record_roles(deps: Deps, turn: Turn, args: MembersArgs) -> Reply:
    t = turn.t
    data = args.data
    values = {k: str(data.get(k, "")) for k in FIELDS}
    async with deps.uow() as uow:
        forum = await chaired_forum(uow, turn, str(data.get("forum_id", "")))
        roster = await _roster(uow, turn, forum, args)
        if not _mail(deps, forum):  # the card had no e-mail field: the stored addresses (none) stay
            values[EMAILS] = "\n".join(forum.record.recipient_emails)
        names = await names_for(uow, forum)
        if str(data.get("revision", "")) != record_revision(forum):
            log.info("outdated record roles card refused: forum=%s", forum.id)
            typed = typed_values(dict(data), data.get("shown"))
            return Reply(card=_card(deps, t, forum, names, typed=typed, note=t("draft.roles.stale"), roster=roster),
                         replace=True)
        known = {person_id for person_id, _ in _people(forum, names, roster)}
        parsed = parse_record(t, forum, known, values)
        if parsed.record is None:
            return Reply(card=_card(deps, t, forum, names, typed=values, errors=parsed.errors, roster=roster),
                         replace=True)
        record = parsed.record
        await uow.forums.set_record_roles(forum.id, record, turn.now)
        uow.audit.record(at=turn.now, action="record_roles.changed", subject_type="forum", subject_id=forum.id,
                         actor_id=turn.person.id, forum_id=forum.id,
                         detail={"secretary": record.secretary_id, "approvers": list(record.approver_ids),
                                 "recipients": list(record.recipient_ids), "emails": len(record.recipient_emails),
                                 "action_due_days": record.action_due_days})
        await uow.commit()
    log.info("record roles saved: forum=%s approvers=%s", forum.id, len(record.approver_ids))
    names = {**{m.id: m.name for m in roster}, **names}
    return Reply(card=record_roles_saved_card(t, forum_id=forum.id, forum=forum.name, record=record, names=names),
                 replace=True)
