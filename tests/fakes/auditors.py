"""In-memory stores of issue 11 (what the auditors asked for), for the use-case tests. Each part adds the methods its
use cases need, as `bot/services/ports.py` declares them; mypy checks the fakes against the Protocols."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from domain.charter import GoalEvaluation
from domain.meetings import ContributionVersion


@dataclass
class AuditorTables:
    evaluations: list[GoalEvaluation] = field(default_factory=list)
    archives: list[tuple[str, int, str]] = field(default_factory=list)  # (forum, year, manifest checksum)


class FakeGoalEvaluations:
    def __init__(self, tables: AuditorTables) -> None:
        self._t = tables

    def add(self, evaluation: GoalEvaluation) -> None:
        self._t.evaluations.append(replace(evaluation, id=len(self._t.evaluations) + 1))

    async def for_forum(self, forum_id: str) -> list[GoalEvaluation]:
        return [e for e in self._t.evaluations if e.forum_id == forum_id]


class FakeReports:
    """Reads the contributions of the fake database it is given (FakeUnitOfWork passes its working copy)."""

    def __init__(self, tables: AuditorTables, versions: dict[tuple[str, str], list[ContributionVersion]]
                 | None = None) -> None:
        self._t = tables
        self._versions = versions if versions is not None else {}

    async def counting_versions(
        self, meeting_ids: Sequence[str]
    ) -> dict[str, list[tuple[ContributionVersion, bool]]]:
        found: dict[str, list[tuple[ContributionVersion, bool]]] = {m: [] for m in meeting_ids}
        for (meeting_id, _), versions in sorted(self._versions.items()):
            if meeting_id in found and versions:
                found[meeting_id].append((versions[-1], any(not v.after_deadline for v in versions)))
        return found

    async def all_versions(self, meeting_ids: Sequence[str]) -> dict[str, list[ContributionVersion]]:
        found: dict[str, list[ContributionVersion]] = {m: [] for m in meeting_ids}
        for (meeting_id, _), versions in sorted(self._versions.items()):
            if meeting_id in found:
                found[meeting_id] += sorted(versions, key=lambda v: v.version)
        return found


class FakeRetention:
    def __init__(self, tables: AuditorTables) -> None:
        self._t = tables
        self.disposed: list[tuple[str, tuple[int, ...]]] = []

    async def dispose_log_rows(self, table: str, row_ids: Sequence[int], now: datetime) -> int:
        self.disposed.append((table, tuple(row_ids)))
        return len(row_ids)

    # Disposal itself is tested on SQLite and PostgreSQL (tests/integration/test_disposal.py), never on the fakes.
    async def last_meeting(self, forum_id: str, today: date) -> date | None:
        raise NotImplementedError("disposal runs on the real storage in tests")

    async def dispose_submissions(self, forum_id: str, before: date, limit: int) -> int:
        raise NotImplementedError("disposal runs on the real storage in tests")

    async def dispose_summaries(self, forum_id: str, before: date, limit: int) -> int:
        raise NotImplementedError("disposal runs on the real storage in tests")

    async def dispose_minutes(self, forum_id: str, before: date, limit: int) -> int:
        raise NotImplementedError("disposal runs on the real storage in tests")

    async def dispose_actions(self, forum_id: str, closed_before: datetime, limit: int, now: datetime) -> int:
        raise NotImplementedError("disposal runs on the real storage in tests")

    async def dispose_nudge_log(self, forum_id: str, before: datetime, limit: int, now: datetime) -> int:
        raise NotImplementedError("disposal runs on the real storage in tests")

    async def dispose_audit(self, forum_id: str, before: datetime, limit: int, now: datetime) -> int:
        raise NotImplementedError("disposal runs on the real storage in tests")

    async def claim_run(self, day: str, now: datetime, lease: timedelta) -> bool:
        return False  # the fakes never dispose of anything: every tick on them skips the job

    async def end_run(self, day: str, now: datetime, removed: int, *, finished: bool) -> None:
        return None


class FakeArchives:
    def __init__(self, tables: AuditorTables) -> None:
        self._t = tables

    async def record(self, forum_id: str, year: int, created_by: str, now: datetime, manifest_sha256: str,
                     files: Sequence[Mapping[str, object]]) -> None:
        self._t.archives.append((forum_id, year, manifest_sha256))

    async def archived_years(self, forum_id: str) -> set[int]:
        return {year for forum, year, _ in self._t.archives if forum == forum_id}
