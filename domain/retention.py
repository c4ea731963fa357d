"""Retention (gallring) per forum and record type, as the municipality's dokumenthanteringsplan decides.

Each record type has a rule: *bevaras* (kept for ever), *gallras efter N månader* (disposed of N months after the
record's date) or *gallras vid inaktualitet* (disposed of when no longer current: for a forum's records, when the
forum has had no meeting for the plan's period; see the disposal job), each with the decision's reference (the dnr
of the dokumenthanteringsplan). A rule that has no reference cannot dispose of anything. The default is to keep
everything: nothing is disposed of until somebody with the authority decides so, and a rule disposes of nothing
until `GRACE` after it was decided (`in_force_from`): time for the forum to see it and for an archive package to be
made before anything goes.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo

MAX_MONTHS = 1200
MAX_REFERENCE = 80
GRACE = timedelta(days=14)


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


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (the month's last day when it is shorter)."""
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def disposes(rule: RetentionRule) -> bool:
    """A rule disposes of anything only with a decision reference and a number of months."""
    return rule.mode is not RetentionMode.KEEP and bool(rule.reference.strip()) and bool(rule.months)


def in_force_from(rule: RetentionRule, zone: tzinfo = UTC) -> date | None:
    """The first local day the rule may dispose of anything: `GRACE` after the day it was decided (None: a rule
    with no decision time, in force at once)."""
    return None if rule.decided_at is None else rule.decided_at.astimezone(zone).date() + GRACE


def same_rule(a: RetentionRule, b: RetentionRule) -> bool:
    """The same decision (mode, months and reference), whoever saved it when."""
    return (a.mode, a.months, a.reference) == (b.mode, b.months, b.reference)


def cutoff(rule: RetentionRule, today: date, last_meeting: date | None, zone: tzinfo = UTC) -> date | None:
    """Records dated before the returned day are due; None: nothing is.

    *gallras efter N månader*: records older than N months. *gallras vid inaktualitet*: a forum's records are no
    longer current when it has held no meeting for N months; then all of them (up to today) are due. *bevaras*,
    or a rule without a decision reference: nothing, ever; a rule decided less than `GRACE` ago: nothing yet.
    """
    if not disposes(rule):
        return None
    if (start := in_force_from(rule, zone)) is not None and today < start:
        return None
    assert rule.months is not None
    if rule.mode is RetentionMode.AFTER_MONTHS:
        return months_before(today, rule.months)
    if last_meeting is not None and last_meeting >= months_before(today, rule.months):
        return None
    return today + timedelta(days=1)
