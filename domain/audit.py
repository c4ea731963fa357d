"""The audit trail (granskningslogg): who read, exported, created, changed or disposed of what, and when.

Entries hold ids and codes only, never message text or personal data beyond the actor's id. They are appended and
never updated or deleted by any code path; the database refuses it too (migration 0011). Only the disposal job,
under a retention rule for the audit log itself, removes old entries, and it appends an entry saying so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

# Action codes of the entries written by issue 11's features (earlier ones keep their codes, e.g. minutes.exported).
READ_SUMMARY = "summary.read"  # another organisation's content seen: a compiled lägesbild shown or sent
READ_SUBMISSIONS = "submissions.read"
REPORT_EXPORTED = "report.exported"
ANNUAL_EXPORTED = "annual_basis.exported"
AUDIT_EXPORTED = "audit_log.exported"
DISCLOSURE_EXPORTED = "disclosure.exported"
ARCHIVE_EXPORTED = "archive.exported"
OVERVIEW_READ = "forum_overview.read"
CHARTER_CHANGED = "charter.changed"
GOAL_EVALUATED = "goal.evaluated"
VISIBILITY_CHANGED = "visibility.changed"
EXTERNAL_CHANGED = "organisation.external_changed"
RETENTION_CHANGED = "retention.changed"
DISPOSED = "retention.disposed"


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    action: str
    subject_type: str
    subject_id: str
    actor_id: str | None = None
    forum_id: str | None = None
    detail: Mapping[str, object] = field(default_factory=dict)
    id: int | None = None
