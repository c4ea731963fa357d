"""JSON of a forum's charter and retention plan (columns `forums.charter`, `forums.retention`). Unknown keys are
ignored and a missing column reads as the default (an empty charter; keep everything)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.charter import Area, Charter, Goal
from domain.retention import RecordType, RetentionMode, RetentionPlan, RetentionRule
from domain.visibility import SummaryVisibility


def charter_to_json(charter: Charter) -> dict[str, object]:
    return {
        "purpose": charter.purpose,
        "goals": [{"id": g.id, "text": g.text} for g in charter.goals],
        "commissioned_by": charter.commissioned_by,
        "areas": [{"id": a.id, "name": a.name} for a in charter.areas],
    }


def charter_from_json(raw: dict[str, Any] | None) -> Charter:
    if not raw:
        return Charter()
    return Charter(
        purpose=str(raw.get("purpose") or ""),
        goals=tuple(Goal(str(g["id"]), str(g.get("text") or "")) for g in raw.get("goals") or ()),
        commissioned_by=str(raw.get("commissioned_by") or ""),
        areas=tuple(Area(str(a["id"]), str(a.get("name") or "")) for a in raw.get("areas") or ()),
    )


def visibility_from_column(raw: str | None) -> SummaryVisibility:
    try:
        return SummaryVisibility(raw) if raw else SummaryVisibility.EVERYONE
    except ValueError:
        return SummaryVisibility.EVERYONE


def retention_to_json(plan: RetentionPlan) -> dict[str, object]:
    return {
        record_type.value: {
            "mode": rule.mode.value,
            "months": rule.months,
            "reference": rule.reference,
            "decided_by": rule.decided_by,
            "decided_at": rule.decided_at.isoformat() if rule.decided_at else None,
        }
        for record_type, rule in sorted(plan.rules.items())
    }


def retention_from_json(raw: dict[str, Any] | None) -> RetentionPlan:
    if not raw:
        return RetentionPlan()
    rules: dict[RecordType, RetentionRule] = {}
    for key, value in raw.items():
        try:
            record_type, mode = RecordType(key), RetentionMode(value.get("mode"))
        except (ValueError, AttributeError):
            continue
        months = value.get("months")
        decided_at = value.get("decided_at")
        rules[record_type] = RetentionRule(
            mode=mode,
            months=int(months) if months is not None else None,
            reference=str(value.get("reference") or ""),
            decided_by=value.get("decided_by"),
            decided_at=datetime.fromisoformat(decided_at) if decided_at else None,
        )
    return RetentionPlan(rules)
