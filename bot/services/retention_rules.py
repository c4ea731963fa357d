"""`gallring [FORUM]` / `retention [FORUM]`: the forum's retention rules (domain/retention.py). Administrators set
them (a records decision of the municipality, not the chair's); the chair sees them. Every rule that disposes needs
months (1–1200) and the decision's reference; a refusal keeps what was typed; an outdated card stores nothing; each
change is audited with the old and new rules (codes and references only)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.services.followup_report import report_forum
from bot.services.guards import is_admin, require_admin
from bot.services.meetings import local_today
from bot.services.ports import Deps
from bot.services.turn import Reply, Turn
from dialogs.cards.retention import MODE, MONTHS, REFERENCE, retention_card, retention_values
from dialogs.texts import Texts
from dialogs.texts.formatting import format_date
from domain import audit
from domain.errors import NotChair, StaleCard
from domain.model import Forum
from domain.retention import (
    MAX_MONTHS,
    MAX_REFERENCE,
    RecordType,
    RetentionMode,
    RetentionPlan,
    RetentionRule,
    disposes,
    in_force_from,
    same_rule,
)
from domain.revisions import fingerprint, typed_values

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetentionArgs:
    forum_name: str = ""


def plan_revision(plan: RetentionPlan) -> str:
    return fingerprint(repr(sorted((k.value, v.mode.value, v.months, v.reference) for k, v in plan.rules.items())))


def _card(t: Texts, forum: Forum, editable: bool, values: Mapping[str, str] | None = None,
          errors: list[str] | None = None, note: str | None = None, *, now: datetime,
          admin: bool = False, show_current: bool = False) -> dict[str, Any]:
    return retention_card(t, forum, values=values or retention_values(forum.retention),
                          revision=plan_revision(forum.retention), editable=editable, errors=errors or (), note=note,
                          today=local_today(forum, now), admin=admin, show_current=show_current)


async def open_retention(deps: Deps, turn: Turn, args: RetentionArgs) -> Reply:
    async with deps.uow() as uow:
        command = turn.t.words("commands.retention")[0]
        try:
            found = await report_forum(deps, uow, turn, args.forum_name, command)
        except NotChair as refused:  # the chair only reads them: say that the administrators decide them
            refused.key = "retention.not_shown"
            raise
    if isinstance(found, Reply):
        return found
    return Reply(card=_card(turn.t, found, is_admin(deps, turn), now=turn.now))


def parse_plan(t: Texts, values: Mapping[str, str], by: str, at: datetime) -> tuple[RetentionPlan | None, list[str]]:
    rules: dict[RecordType, RetentionRule] = {}
    errors: list[str] = []
    for record_type in RecordType:
        key, name = record_type.value, t(f"retention.type.{record_type.value}")
        try:
            mode = RetentionMode(values.get(MODE + key) or RetentionMode.KEEP.value)
        except ValueError:
            errors.append(t("retention.error.mode", type=name))
            continue
        if mode is RetentionMode.KEEP:
            rules[record_type] = RetentionRule(decided_by=by, decided_at=at,
                                               reference=values.get(REFERENCE + key, "").strip()[:MAX_REFERENCE])
            continue
        raw, reference = values.get(MONTHS + key, "").strip(), " ".join(values.get(REFERENCE + key, "").split())
        months = int(raw) if raw.isdigit() else 0
        if not 1 <= months <= MAX_MONTHS:
            errors.append(t("retention.error.months", type=name, max=MAX_MONTHS))
        if not reference or len(reference) > MAX_REFERENCE:
            errors.append(t("retention.error.reference", type=name, max=MAX_REFERENCE))
        rules[record_type] = RetentionRule(mode, months, reference, by, at)
    return (None, errors) if errors else (RetentionPlan(rules), [])


def _codes(plan: RetentionPlan) -> dict[str, object]:
    return {r.value: [plan.rule(r).mode.value, plan.rule(r).months, plan.rule(r).reference] for r in RecordType}


async def save_retention(deps: Deps, turn: Turn, data: Mapping[str, Any]) -> Reply:
    require_admin(deps, turn)
    t = turn.t
    keys = [p + r.value for r in RecordType for p in (MODE, MONTHS, REFERENCE)]
    values = {k: str(data.get(k) or "") for k in keys}
    async with deps.uow() as uow:
        forum = await uow.forums.get(str(data.get("forum_id") or ""))
        if forum is None or forum.tenant_id != turn.origin.tenant_id:
            raise StaleCard()
        if str(data.get("revision", "")) != plan_revision(forum.retention):
            typed = typed_values(dict(data), data.get("shown"))  # what was changed on the card, over what holds now
            return Reply(card=_card(t, forum, True, retention_values(forum.retention) | typed,
                                    note=t("retention.stale"), now=turn.now, show_current=True), replace=True)
        plan, errors = parse_plan(t, values, turn.person.id, turn.now)
        if plan is None:
            return Reply(card=_card(t, forum, True, values, errors, now=turn.now), replace=True)
        plan = kept_decisions(forum.retention, plan)
        await uow.forums.set_retention(forum.id, plan, turn.now)
        uow.audit.record(at=turn.now, action=audit.RETENTION_CHANGED, subject_type="forum", subject_id=forum.id,
                         actor_id=turn.person.id, forum_id=forum.id,
                         detail={"before": _codes(forum.retention), "after": _codes(plan)})
        await uow.commit()
    log.info("retention rules saved: forum=%s", forum.id)
    saved = replace(forum, retention=plan)
    return Reply(card=_card(t, saved, False, note=_saved_note(t, forum, plan, turn.now), now=turn.now,
                             admin=True), replace=True)


def kept_decisions(before: RetentionPlan, after: RetentionPlan) -> RetentionPlan:
    """A rule saved unchanged keeps who decided it and when, so its two weeks' grace does not start again."""
    return RetentionPlan({r: before.rule(r) if same_rule(before.rule(r), after.rule(r)) else after.rule(r)
                          for r in RecordType})


def _saved_note(t: Texts, forum: Forum, plan: RetentionPlan, now: datetime) -> str:
    """Saved; and for rules that dispose but are not in force yet, from which day (make the archive package first)."""
    zone, today = ZoneInfo(forum.schedule.timezone), local_today(forum, now)
    starts = sorted({d for r in RecordType if disposes(plan.rule(r))
                     and (d := in_force_from(plan.rule(r), zone)) is not None and d > today})
    if not starts:
        return t("retention.saved")
    return t("retention.saved_in_force", date=format_date(t, starts[0]))
