"""The nudge policy of a forum and the plan of one action's reminders (data; the rules: domain/nudge_rules.py).

Defaults (the chair may change them in setup): a reminder `days_before` the due date (2), one on the due date,
then every `overdue_every` days while overdue (3); after `escalate_after` overdue reminders (2) the chair is told.
Nothing is sent in quiet hours (17:00–08:00 in the forum's zone), on weekends or Swedish public holidays: a
reminder due then waits for the next working morning. At most one reminder message per owner, forum and local
day: several due actions become one digest. The weekly overview goes to the forum conversation on
`overview_weekday` (Monday = 0) at the start of the working day, when `weekly_overview` is on.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, time


@dataclass(frozen=True)
class NudgePolicy:
    days_before: int = 2  # 0: no reminder before the due date
    on_due: bool = True
    overdue_every: int = 3  # days between reminders while overdue
    escalate_after: int = 2  # overdue reminders before the chair is told; 0: never escalate
    quiet_from: time = time(17, 0)  # local: from here ...
    quiet_until: time = time(8, 0)  # ... to here the next morning nothing is sent
    skip_weekends: bool = True
    skip_holidays: bool = True
    weekly_overview: bool = True
    overview_weekday: int = 0  # Monday


MAX_DAYS_BEFORE = 14
MAX_OVERDUE_EVERY = 30
MAX_ESCALATE_AFTER = 10


class Stage(enum.StrEnum):
    """Which reminder of an action's plan is next. Stored: never rename one."""

    BEFORE = "before"
    ON_DUE = "on_due"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class NudgePlan:
    """Where one open action is in its reminders. `next_at` None: nothing more is planned (done, cancelled,
    vacant role, or every reminder of the plan sent). Re-dating or handing over starts a new plan."""

    action_id: str
    forum_id: str
    next_at: datetime | None
    stage: Stage
    overdue_sent: int = 0  # overdue reminders sent since the due date (escalation counts these)
    escalated: bool = False
    last_local_day: str = ""  # ISO date of the last reminder queued for this action (one per local day)

