"""Retention (gallring) per forum and record type, as the municipality's dokumenthanteringsplan decides.

Each record type has a rule: *bevaras* (kept for ever), *gallras efter N månader* (disposed of N months after the
record's date) or *gallras vid inaktualitet* (disposed of when no longer current: for a forum's records, when the
forum has had no meeting for the plan's period; see the disposal job), each with the decision's reference (the dnr
of the dokumenthanteringsplan). A rule that has no reference cannot dispose of anything. The default is to keep
everything: nothing is disposed of until somebody with the authority decides so.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

MAX_MONTHS = 1200
MAX_REFERENCE = 80


class RecordType(enum.StrEnum):
    SUBMISSION = "submission"  # an organisation's raw lägesbild (every version)
    SUMMARY = "summary"  # the compiled lägesbild (sammanställd lägesbild)
    MINUTES = "minutes"  # published minutes and their drafts
    ACTION = "action"  # action items (and their follow-up events)
    NUDGE_LOG = "nudge_log"  # the reminder events in the follow-up log (queued, delivered, failed)
    AUDIT_LOG = "audit_log"  # the audit trail


class RetentionMode(enum.StrEnum):
    KEEP = "keep"  # bevaras
    AFTER_MONTHS = "after_months"  # gallras efter N månader
    WHEN_OBSOLETE = "when_obsolete"  # gallras vid inaktualitet


@dataclass(frozen=True)
class RetentionRule:
    mode: RetentionMode = RetentionMode.KEEP
    months: int | None = None  # AFTER_MONTHS: N; WHEN_OBSOLETE: the months without a meeting that make it obsolete
    reference: str = ""  # diarienummer of the decision (dokumenthanteringsplan)
    decided_by: str | None = None  # who set the rule (a person id)
    decided_at: datetime | None = None


KEEP = RetentionRule()


@dataclass(frozen=True)
class RetentionPlan:
    rules: Mapping[RecordType, RetentionRule] = field(default_factory=dict)

    def rule(self, record_type: RecordType) -> RetentionRule:
        return self.rules.get(record_type, KEEP)
