"""The personal-data guard for every card and message, not only the lägesbild (docs/security.md).

`screen_fields` is what a card's use case calls on its free-text fields before anything is stored: it refuses
identity numbers (every number form, the weaker ones too: these fields are names, titles and dates, and are
shown to everyone in the forum) and gives back each field's text with the numbers masked, so the card can come
back with what the user typed kept. `guard_message` is for text written in a channel or group chat: the author
is told privately to delete it, and what the bot carries on with has the number masked.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from bot.services.notify import Kind, to_person
from bot.services.ports import Deps
from bot.services.presence import base_conversation_id
from bot.services.turn import Turn
from dialogs.cards.elements import message
from domain.screening import ID_NUMBER_RULES, Finding, Screener, Tier, redact

log = logging.getLogger(__name__)

CHANNEL_WARNING_KIND = Kind.SCREENING_WARNING


@dataclass(frozen=True)
class FieldProblem:
    """A refused field: its id, the rules that matched (ids only) and its text with every number masked."""

    field: str
    rule_ids: tuple[str, ...]
    masked_text: str

    def __repr__(self) -> str:  # the masked text stays out of logs and reprs too
        return f"FieldProblem(field={self.field!r}, rule_ids={self.rule_ids!r})"


def screen_fields(screener: Screener, fields: Mapping[str, str]) -> list[FieldProblem]:
    """The fields (in the order given) that contain an identity number; empty when all may be saved."""
    problems: list[FieldProblem] = []
    for field, text in fields.items():
        if not text or not any(c.isdigit() for c in text):
            continue
        numbers = [f for f in screener.screen_text(field, text) if _refused(f)]
        if numbers:
            rule_ids = tuple(dict.fromkeys(f.rule_id for f in numbers))
            problems.append(FieldProblem(field, rule_ids, redact(text, numbers)))
    return problems


def _refused(finding: Finding) -> bool:
    return finding.tier is Tier.BLOCK or finding.rule_id in ID_NUMBER_RULES


def masked_values(problems: list[FieldProblem]) -> dict[str, str]:
    return {p.field: p.masked_text for p in problems}


@dataclass(frozen=True)
class GuardedMessage:
    text: str  # the message with each high-confidence number masked
    flagged: bool  # it held one: the author was told privately


async def guard_message(deps: Deps, turn: Turn, text: str, request_id: str) -> GuardedMessage:
    """Text written where others read it: a personnummer there gets the author a private note to delete it.

    The note goes 1:1 through the outbox (like the cards sent from a channel); nothing echoes the number, and
    the text the command goes on with has it masked.
    """
    if not text or not any(c.isdigit() for c in text):
        return GuardedMessage(text, flagged=False)
    blocked = [f for f in deps.screener.screen_text("message", text) if f.tier is Tier.BLOCK]
    if not blocked:
        return GuardedMessage(text, flagged=False)
    conversation_id = base_conversation_id(turn.origin.conversation_id)
    async with deps.uow() as uow:
        await to_person(uow, Kind.SCREENING_WARNING, turn.person.id, about=conversation_id, via=conversation_id,
                        slot=request_id, payload=message(turn.t("screening.guard.channel_warning")), now=turn.now)
        uow.audit.record(at=turn.now, action="screening.channel_message", subject_type="conversation",
                         subject_id=conversation_id, actor_id=turn.person.id,
                         forum_id=turn.forum.id if turn.forum else None,
                         detail={"rules": sorted({f.rule_id for f in blocked})})
        await uow.commit()
    log.info("identity number in a message in conversation %s from %s: told the author privately",
             conversation_id, turn.person.id)
    return GuardedMessage(redact(text, blocked), flagged=True)
