"""JSON form of a forum's nudge policy (forums.follow_up_policy); unset or missing keys are the defaults."""

from __future__ import annotations

from datetime import time
from typing import Any

from domain.nudges import NudgePolicy

_DEFAULT = NudgePolicy()


def policy_to_json(policy: NudgePolicy) -> dict[str, Any]:
    return {
        "days_before": policy.days_before, "on_due": policy.on_due, "overdue_every": policy.overdue_every,
        "escalate_after": policy.escalate_after, "quiet_from": policy.quiet_from.isoformat("minutes"),
        "quiet_until": policy.quiet_until.isoformat("minutes"), "skip_weekends": policy.skip_weekends,
        "skip_holidays": policy.skip_holidays, "weekly_overview": policy.weekly_overview,
        "overview_weekday": policy.overview_weekday,
    }


def policy_from_json(data: dict[str, Any] | None) -> NudgePolicy:
    if not data:
        return _DEFAULT
    return NudgePolicy(
        days_before=int(data.get("days_before", _DEFAULT.days_before)),
        on_due=bool(data.get("on_due", _DEFAULT.on_due)),
        overdue_every=int(data.get("overdue_every", _DEFAULT.overdue_every)),
        escalate_after=int(data.get("escalate_after", _DEFAULT.escalate_after)),
        quiet_from=time.fromisoformat(str(data.get("quiet_from", "17:00"))),
        quiet_until=time.fromisoformat(str(data.get("quiet_until", "08:00"))),
        skip_weekends=bool(data.get("skip_weekends", _DEFAULT.skip_weekends)),
        skip_holidays=bool(data.get("skip_holidays", _DEFAULT.skip_holidays)),
        weekly_overview=bool(data.get("weekly_overview", _DEFAULT.weekly_overview)),
        overview_weekday=int(data.get("overview_weekday", _DEFAULT.overview_weekday)),
    )
