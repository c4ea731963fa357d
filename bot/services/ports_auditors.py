"""The stores of what the auditors asked for (issue 11), part of the unit of work in bot/services/ports.py."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Protocol

from domain.charter import GoalEvaluation
from domain.meetings import ContributionVersion


class GoalEvaluationStore(Protocol):
    """The chair's evaluations of the forum's goals (appended, never changed)."""

    def add(self, evaluation: GoalEvaluation) -> None: ...
    async def for_forum(self, forum_id: str) -> list[GoalEvaluation]: ...  # oldest first


class ReportReader(Protocol):
    """The read side of the follow-up report and the annual basis: a forum's records for a period, in bulk."""

    async def counting_versions(
        self, meeting_ids: Sequence[str]
    ) -> dict[str, list[tuple[ContributionVersion, bool]]]: ...  # (counting version, some version was on time)
    async def all_versions(self, meeting_ids: Sequence[str]) -> dict[str, list[ContributionVersion]]: ...


class RetentionStore(Protocol):
    """The disposal job's side of storage: what is due under a rule, and removing it in batches."""

    async def dispose_log_rows(self, table: str, row_ids: Sequence[int], now: datetime) -> int: ...
    async def last_meeting(self, forum_id: str, today: date) -> date | None: ...
    async def dispose_submissions(self, forum_id: str, before: date, limit: int) -> int: ...
    async def dispose_summaries(self, forum_id: str, before: date, limit: int) -> int: ...
    async def dispose_minutes(self, forum_id: str, before: date, limit: int) -> int: ...
    async def dispose_actions(self, forum_id: str, closed_before: datetime, limit: int, now: datetime) -> int: ...
    async def dispose_nudge_log(self, forum_id: str, before: datetime, limit: int, now: datetime) -> int: ...
    async def dispose_audit(self, forum_id: str, before: datetime, limit: int, now: datetime) -> int: ...
    async def claim_run(self, day: str, now: datetime, lease: timedelta) -> bool: ...
    async def end_run(self, day: str, now: datetime, removed: int, *, finished: bool) -> None: ...


class ArchiveStore(Protocol):
    """Archive packages made (forum, year, files and checksums); an archived year's records are locked."""

    async def record(self, forum_id: str, year: int, created_by: str, now: datetime, manifest_sha256: str,
                     files: Sequence[Mapping[str, object]]) -> None: ...
    async def archived_years(self, forum_id: str) -> set[int]: ...


