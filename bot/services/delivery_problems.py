"""`leveransproblem` / `delivery problems`: the chair sees the forum's dead letters (why, never what they said)
and puts one back in the queue with its button (verb `delivery.retry`), audited as `outbox.retried`.

In the forum's conversation it is about that forum; in the chair's 1:1 chat about the forum she chairs (several:
she picks one, verb `delivery.list`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.services.guards import Need, bound_forum, chaired_forum, forum_for, require_chair
from bot.services.ports import DeadLetter, Deps, UnitOfWork
from bot.services.turn import Reply, Turn
from dialogs.cards.delivery_problems import DeadLine, problems_card, recipient_of, what_of
from dialogs.cards.membership import pick_forum_card
from domain.errors import ManyForums
from domain.model import Forum

LISTED = 40  # dead letters read for one card (the card shows the newest few and counts the rest)


async def _forum(uow: UnitOfWork, turn: Turn, forum_id: str) -> Forum:
    if forum_id:
        return await chaired_forum(uow, turn, forum_id)
    if turn.origin.is_personal:
        return await require_chair(uow, turn, await forum_for(uow, turn, Need.CHAIR))
    return await require_chair(uow, turn, bound_forum(turn))


async def _lines(uow: UnitOfWork, forum: Forum) -> list[DeadLine]:
    rows = await uow.outbox.dead_for_forum(forum.id, forum.conversation_id, limit=LISTED)
    people = await uow.people.many(sorted({r.person_id for r in rows if r.person_id}))
    return [_line(row, {pid: p.display_name for pid, p in people.items()}) for row in rows]


def _line(row: DeadLetter, names: Mapping[str, str]) -> DeadLine:
    recipient = ""
    if row.person_id:
        recipient = names.get(row.person_id, "") or "?"
    return DeadLine(row.id, row.kind, recipient, row.updated_at, row.last_error or "")


def _belongs(row: DeadLetter, forum: Forum) -> bool:
    conversation = forum.conversation_id
    return conversation in (row.conversation_id, row.via_conversation_id) or row.subject_id == forum.id


def _row_id(data: Mapping[str, Any]) -> int:
    try:
        return int(data.get("row_id", 0))
    except (TypeError, ValueError):
        return 0


async def show_problems(deps: Deps, turn: Turn, data: Mapping[str, Any]) -> Reply:
    """The card of dead letters (a command, or the forum picked on the pick-a-forum card)."""
    async with deps.uow() as uow:
        try:
            forum = await _forum(uow, turn, str(data.get("forum_id") or ""))
        except ManyForums as many:
            return Reply(card=pick_forum_card(turn.t, list(many.forums), "delivery.list"))
        lines = await _lines(uow, forum)
    return Reply(card=problems_card(turn.t, forum_id=forum.id, forum_name=forum.name,
                                    timezone=forum.schedule.timezone, lines=lines))


async def retry_problem(deps: Deps, turn: Turn, data: Mapping[str, Any]) -> Reply:
    """One dead letter back to the queue (checked again here: the chair's forum, still dead), then the list."""
    t = turn.t
    retried, line = False, None
    async with deps.uow() as uow:
        forum = await chaired_forum(uow, turn, str(data.get("forum_id") or ""))
        row = await uow.outbox.get(_row_id(data))
        if row is not None and _belongs(row, forum):  # anything else: an outdated card, answered with the list
            people = await uow.people.many([row.person_id] if row.person_id else [])
            line = _line(row, {p.id: p.display_name for p in people.values()})
            retried = await uow.outbox.retry_dead(row.id, turn.now)
        if retried and line is not None:
            uow.audit.record(at=turn.now, action="outbox.retried", subject_type="outbox", subject_id=str(line.row_id),
                             actor_id=turn.person.id, forum_id=forum.id, detail={"kind": line.kind,
                                                                         "error": line.error})
            await uow.commit()
    async with deps.uow() as fresh:
        lines = await _lines(fresh, forum)
    note = t("delivery_problems.not_dead")
    if retried and line is not None:
        note = t("delivery_problems.retried", what=what_of(t, line.kind), recipient=recipient_of(t, line))
    return Reply(card=problems_card(t, forum_id=forum.id, forum_name=forum.name, timezone=forum.schedule.timezone,
                                    lines=lines, note=note), replace=True)
