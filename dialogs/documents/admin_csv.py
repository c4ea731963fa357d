"""The administrator's CSV files: the forum overview and the audit log (dialogs/documents/csv_file.py)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from dialogs.cards.forum_overview import OverviewRow, last_meeting, percent
from dialogs.documents.csv_file import csv_bytes
from dialogs.texts import Texts
from domain.audit import AuditEntry


def overview_csv(t: Texts, rows: Sequence[OverviewRow], parallel_to: Mapping[str, Sequence[str]]) -> bytes:
    header = [t(f"admin.col_{c}") for c in ("forum", "purpose", "commissioned_by", "cadence", "organisations",
                                           "areas", "last_meeting", "participation", "open", "overdue", "parallel")]
    return csv_bytes(header, (
        [r.name, r.purpose, r.commissioned_by, r.cadence, ", ".join(r.organisations), ", ".join(r.areas),
         last_meeting(t, r.activity) if r.activity.last_meeting else "",
         percent(r.activity.participation) if r.activity.participation is not None else "",
         r.activity.open_actions, r.activity.overdue_actions, ", ".join(parallel_to.get(r.forum_id, ()))]
        for r in rows))


def describe_action(t: Texts, code: str) -> str:
    """What an audit entry's code means, in words (dialogs/texts/*/auditlog.toml); the code itself if unknown."""
    key = f"auditlog.action.{code}"
    return t(key) if t.has(key) else code


def audit_csv(t: Texts, entries: Sequence[AuditEntry], forum_names: Mapping[str, str],
              actor_names: Mapping[str, str] | None = None) -> bytes:
    """The audit entries as CSV; the actor's name as Forumbot knows it now, beside the id the entry holds."""
    names = actor_names or {}
    header = [t(f"admin.audit_col_{c}") for c in ("id", "time", "action", "meaning", "subject_type", "subject",
                                                 "actor", "actor_name", "forum", "forum_id", "detail")]
    return csv_bytes(header, (
        [e.id or "", e.at.strftime("%Y-%m-%d %H:%M:%S"), e.action, describe_action(t, e.action), e.subject_type,
         e.subject_id, e.actor_id or "",
         names.get(e.actor_id or "", ""), forum_names.get(e.forum_id or "", ""), e.forum_id or "",
         json.dumps(dict(e.detail), ensure_ascii=False, sort_keys=True, default=str)]
        for e in entries))
