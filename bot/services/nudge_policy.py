"""The chair's nudge policy card (påminnelser): opened from the setup card (`policy.open`), saved with `policy.save`.

Everything is checked again on the server (the domain limits MAX_DAYS_BEFORE, MAX_OVERDUE_EVERY,
MAX_ESCALATE_AFTER; HH:MM times; quiet hours that are not empty; a weekday 0–6). A refusal keeps what was typed.
The card carries a revision of the policy it showed: a save from an outdated card stores nothing and answers with
the current policy. Each change is audited as `follow_up_policy.changed`. Plans already made keep their next
reminder; the new rules apply from the next one (domain/nudge_rules.py reads the policy at each step).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import asdict, replace
from datetime import time
from typing import Any

from bot.services.guards import chaired_forum
from bot.services.nudges import replan_forum
from bot.services.ports import Deps
from bot.services.turn import Reply, Turn
from dialogs.cards.follow_log import (
    DAYS_BEFORE,
    ESCALATE_AFTER,
    HOLIDAYS,
    ON_DUE,
    OVERDUE_EVERY,
    OVERVIEW,
    POLICY_FIELDS,
    QUIET_FROM,
    QUIET_UNTIL,
    WEEKDAY,
    WEEKENDS,
    policy_card,
    policy_saved_card,
    policy_values,
)
from dialogs.texts import Texts
from domain.model import Forum
from domain.nudges import MAX_DAYS_BEFORE, MAX_ESCALATE_AFTER, MAX_OVERDUE_EVERY, NudgePolicy
from domain.revisions import fingerprint

log = logging.getLogger(__name__)

_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::\d{2})?$")


def policy_revision(policy: NudgePolicy) -> str:
    return fingerprint(repr(policy))


def _card(t: Texts, forum: Forum, values: Mapping[str, str] | None = None, errors: list[str] | None = None,
          note: str | None = None) -> dict[str, Any]:
    return policy_card(t, forum=forum, values=values or policy_values(forum.follow_up),
                       revision=policy_revision(forum.follow_up), errors=errors or (), note=note)


async def open_policy(deps: Deps, turn: Turn, data: Mapping[str, Any]) -> Reply:
    async with deps.uow() as uow:
        forum = await chaired_forum(uow, turn, str(data.get("forum_id") or "") or None)
    return Reply(card=_card(turn.t, forum))


def _int(values: Mapping[str, str], key: str, low: int, high: int) -> int | None:
    try:
        number = int(values.get(key, "").strip())
    except ValueError:
        return None
    return number if low <= number <= high else None


def _time(raw: str) -> time | None:
    found = _TIME.match(raw.strip())
    if found is None or int(found.group(1)) > 23 or int(found.group(2)) > 59:
        return None
    return time(int(found.group(1)), int(found.group(2)))


def parse_policy(t: Texts, values: Mapping[str, str]) -> tuple[NudgePolicy | None, list[str]]:
    errors: list[str] = []
    days_before = _int(values, DAYS_BEFORE, 0, MAX_DAYS_BEFORE)
    overdue_every = _int(values, OVERDUE_EVERY, 1, MAX_OVERDUE_EVERY)
    escalate_after = _int(values, ESCALATE_AFTER, 0, MAX_ESCALATE_AFTER)
    weekday = _int(values, WEEKDAY, 0, 6)
    quiet_from, quiet_until = _time(values.get(QUIET_FROM, "")), _time(values.get(QUIET_UNTIL, ""))
    if days_before is None:
        errors.append(t("policy.error_days_before", max=MAX_DAYS_BEFORE))
    if overdue_every is None:
        errors.append(t("policy.error_overdue_every", max=MAX_OVERDUE_EVERY))
    if escalate_after is None:
        errors.append(t("policy.error_escalate_after", max=MAX_ESCALATE_AFTER))
    if quiet_from is None or quiet_until is None:
        errors.append(t("policy.error_time"))
    elif quiet_from <= quiet_until:  # the working day is quiet_until .. quiet_from: it must not be empty
        errors.append(t("policy.error_quiet"))
    if weekday is None:
        errors.append(t("policy.error_weekday"))
    if errors:
        return None, errors
    assert days_before is not None and overdue_every is not None and escalate_after is not None
    assert quiet_from is not None and quiet_until is not None and weekday is not None
    flag = {k: values.get(k, "false") == "true" for k in (ON_DUE, WEEKENDS, HOLIDAYS, OVERVIEW)}
    return NudgePolicy(days_before=days_before, on_due=flag[ON_DUE], overdue_every=overdue_every,
                       escalate_after=escalate_after, quiet_from=quiet_from, quiet_until=quiet_until,
                       skip_weekends=flag[WEEKENDS], skip_holidays=flag[HOLIDAYS], weekly_overview=flag[OVERVIEW],
                       overview_weekday=weekday), []


def _audit_detail(policy: NudgePolicy) -> dict[str, object]:
    return {k: (v.strftime("%H:%M") if isinstance(v, time) else v) for k, v in asdict(policy).items()}


async def save_policy(deps: Deps, turn: Turn, data: Mapping[str, Any]) -> Reply:
    t = turn.t
    values = {k: str(data.get(k, "")) for k in POLICY_FIELDS}
    async with deps.uow() as uow:
        forum = await chaired_forum(uow, turn, str(data.get("forum_id") or ""))
        if str(data.get("revision", "")) != policy_revision(forum.follow_up):
            log.info("outdated nudge policy card refused: forum=%s", forum.id)
            return Reply(card=_card(t, forum, note=t("policy.stale")), replace=True)
        policy, errors = parse_policy(t, values)
        if policy is None:
            return Reply(card=_card(t, forum, values, errors), replace=True)
        await uow.forums.set_follow_up_policy(forum.id, policy, turn.now)
        moved = await replan_forum(uow, deps, replace(forum, follow_up=policy), turn.now)  # open actions too
        uow.audit.record(at=turn.now, action="follow_up_policy.changed", subject_type="forum", subject_id=forum.id,
                         actor_id=turn.person.id, forum_id=forum.id, detail=_audit_detail(policy))
        await uow.commit()
    log.info("nudge policy saved: forum=%s plans_moved=%s", forum.id, moved)
    return Reply(card=policy_saved_card(t, forum, policy), replace=True)
