"""The disposal job's storage (bot/services/ports.py `RetentionStore`): removing rows of the two append-only logs.

`audit_log` and `action_events` refuse UPDATE and DELETE (migration 0011). Only a disposal permit lets a DELETE
through: on SQLite a row in `disposal_permits` that lives only inside this transaction, on PostgreSQL the SECURITY
DEFINER function `forumbot_dispose_log_rows`, which the application's role may execute although it has no DELETE
on the logs, and which never removes an audit entry younger than 30 days.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, delete, func, select, text
from sqlalchemy.dialects.postgresql import ARRAY, BIGINT
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.audit import DISPOSED, RETENTION_CHANGED
from storage.orm import (
    ActionRow,
    ContributionRow,
    ContributionVersionRow,
    MailRow,
    MeetingRow,
    MinutesApprovalRow,
    MinutesRow,
    MinutesVersionRow,
    OutboxRow,
    SummaryRevisionRow,
    SummaryRow,
)
from storage.orm_auditors import AuditRow, DisposalPermitRow, DisposalRunRow
from storage.orm_follow_up import ActionEventRow, NudgePlanRow

LOG_TABLES = frozenset({"audit_log", "action_events"})
MIN_AUDIT_AGE_DAYS = 30  # as the PostgreSQL function (migration 0011); SQLite keeps the same rule here
KEPT_ENTRIES = (DISPOSED, RETENTION_CHANGED)  # the proof of each disposal and of the rule it followed stays
NUDGE_EVENTS = ("nudge_queued", "nudge_delivered", "nudge_failed")  # domain.action_log.EventKind values
SUMMARY_KINDS = ("summary", "summary_update", "summary_chair", "summary_preview", "summary_late_note")
MINUTES_KINDS = ("minutes_approval", "minutes_comment", "minutes_approved_note", "minutes_published",
                 "minutes_recipient", "minutes_copy")


class RetentionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def dispose_log_rows(self, table: str, row_ids: Sequence[int], now: datetime) -> int:
        """Remove these rows of a log table; how many went. Audit entries younger than 30 days stay."""
        if table not in LOG_TABLES:
            raise ValueError(f"not a log table: {table}")
        if not row_ids:
            return 0
        ids = [int(i) for i in row_ids]
        if self._session.get_bind().dialect.name == "postgresql":
            statement = text("SELECT forumbot_dispose_log_rows(:tbl, :ids)").bindparams(
                bindparam("ids", type_=ARRAY(BIGINT)))
            removed = await self._session.scalar(statement, {"tbl": table, "ids": ids})
            return int(removed or 0)
        return await self._sqlite_dispose(table, ids, now)

    async def _sqlite_dispose(self, table: str, ids: list[int], now: datetime) -> int:
        permit = DisposalPermitRow(granted_at=now, purpose=f"dispose {table}")
        self._session.add(permit)
        await self._session.flush()
        try:
            removed = 0
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                if table == "audit_log":
                    statement = delete(AuditRow).where(
                        AuditRow.id.in_(chunk), AuditRow.at < now - timedelta(days=MIN_AUDIT_AGE_DAYS))
                else:
                    statement = delete(ActionEventRow).where(ActionEventRow.id.in_(chunk))
                result = await self._session.execute(statement)
                removed += int(getattr(result, "rowcount", 0) or 0)
            return removed
        finally:
            await self._session.execute(delete(DisposalPermitRow).where(DisposalPermitRow.id == permit.id))

    # --- what is due, removed in batches: each call removes at most `limit` records and says how many ---------

    async def _meetings_before(self, forum_id: str, before: date) -> list[str]:
        rows = await self._session.scalars(select(MeetingRow.id).where(MeetingRow.forum_id == forum_id,
                                                                       MeetingRow.local_date < before))
        return list(rows)

    async def last_meeting(self, forum_id: str, today: date) -> date | None:
        """The forum's last meeting held (not cancelled) up to today."""
        return await self._session.scalar(select(func.max(MeetingRow.local_date)).where(
            MeetingRow.forum_id == forum_id, MeetingRow.status != "cancelled", MeetingRow.local_date <= today))

    async def dispose_submissions(self, forum_id: str, before: date, limit: int) -> int:
        """Every version of the contributions to meetings held before `before`, with the contributions."""
        meetings = await self._meetings_before(forum_id, before)
        if not meetings:
            return 0
        contributions = list(await self._session.scalars(
            select(ContributionRow.id).where(ContributionRow.meeting_id.in_(meetings)).limit(limit)))
        if not contributions:
            return 0
        result = await self._session.execute(
            delete(ContributionVersionRow).where(ContributionVersionRow.contribution_id.in_(contributions)))
        await self._session.execute(delete(ContributionRow).where(ContributionRow.id.in_(contributions)))
        return int(getattr(result, "rowcount", 0) or 0) or len(contributions)

    async def dispose_summaries(self, forum_id: str, before: date, limit: int) -> int:
        meetings = list(await self._session.scalars(
            select(SummaryRow.meeting_id).where(SummaryRow.meeting_id.in_(
                select(MeetingRow.id).where(MeetingRow.forum_id == forum_id, MeetingRow.local_date < before)))
            .limit(limit)))
        if not meetings:
            return 0
        result = await self._session.execute(
            delete(SummaryRevisionRow).where(SummaryRevisionRow.meeting_id.in_(meetings)))
        await self._session.execute(delete(SummaryRow).where(SummaryRow.meeting_id.in_(meetings)))
        await self._delete_outbox(meetings, SUMMARY_KINDS)
        return int(getattr(result, "rowcount", 0) or 0) or len(meetings)

    async def dispose_minutes(self, forum_id: str, before: date, limit: int) -> int:
        """Published minutes (every version, approvals, drafts, mail) of meetings before `before` — never the forum's
        latest published minutes, whose paragraph numbers the next minutes continue from."""
        latest = await self._session.scalar(
            select(MinutesVersionRow.meeting_id).where(MinutesVersionRow.forum_id == forum_id)
            .order_by(MinutesVersionRow.first_paragraph.desc(), MinutesVersionRow.version.desc()).limit(1))
        meetings = list(await self._session.scalars(
            select(MinutesRow.meeting_id).where(MinutesRow.forum_id == forum_id, MinutesRow.meeting_id.in_(
                select(MeetingRow.id).where(MeetingRow.forum_id == forum_id, MeetingRow.local_date < before)),
                MinutesRow.meeting_id != (latest or "")).limit(limit)))
        if not meetings:
            return 0
        result = await self._session.execute(
            delete(MinutesVersionRow).where(MinutesVersionRow.meeting_id.in_(meetings)))
        await self._session.execute(delete(MinutesApprovalRow).where(MinutesApprovalRow.meeting_id.in_(meetings)))
        await self._session.execute(delete(MailRow).where(MailRow.meeting_id.in_(meetings)))
        await self._session.execute(delete(MinutesRow).where(MinutesRow.meeting_id.in_(meetings)))
        await self._delete_outbox(meetings, MINUTES_KINDS)
        return int(getattr(result, "rowcount", 0) or 0) or len(meetings)

    async def dispose_actions(self, forum_id: str, closed_before: datetime, limit: int, now: datetime) -> int:
        """Closed (done or cancelled) actions closed before `closed_before`, with their follow-up log, reminder
        plans and messages — never an open action, and never the forum's highest number (the next continues)."""
        highest = await self._session.scalar(select(func.max(ActionRow.number)).where(ActionRow.forum_id == forum_id))
        ids = list(await self._session.scalars(
            select(ActionRow.id).where(ActionRow.forum_id == forum_id, ActionRow.status != "open",
                                       ActionRow.closed_at.is_not(None), ActionRow.closed_at < closed_before,
                                       ActionRow.number != (highest or 0)).limit(limit)))
        if not ids:
            return 0
        events = list(await self._session.scalars(select(ActionEventRow.id).where(ActionEventRow.action_id.in_(ids))))
        await self.dispose_log_rows("action_events", events, now)
        await self._session.execute(delete(NudgePlanRow).where(NudgePlanRow.action_id.in_(ids)))
        await self._delete_outbox(ids, None)
        await self._session.execute(delete(ActionRow).where(ActionRow.id.in_(ids)))
        return len(ids)

    async def dispose_nudge_log(self, forum_id: str, before: datetime, limit: int, now: datetime) -> int:
        ids = list(await self._session.scalars(
            select(ActionEventRow.id).where(ActionEventRow.forum_id == forum_id, ActionEventRow.at < before,
                                            ActionEventRow.kind.in_(NUDGE_EVENTS)).limit(limit)))
        return await self.dispose_log_rows("action_events", ids, now)

    async def dispose_audit(self, forum_id: str, before: datetime, limit: int, now: datetime) -> int:
        ids = list(await self._session.scalars(
            select(AuditRow.id).where(AuditRow.forum_id == forum_id, AuditRow.at < before,
                                      AuditRow.action.not_in(KEPT_ENTRIES)).limit(limit)))
        return await self.dispose_log_rows("audit_log", ids, now)

    async def _delete_outbox(self, subjects: Sequence[str], kinds: Sequence[str] | None) -> None:
        """Messages about disposed records that carry their content, once they are no longer waiting to go out."""
        statement = delete(OutboxRow).where(OutboxRow.subject_id.in_(list(subjects)),
                                            OutboxRow.status.in_(("sent", "dead", "cancelled")))
        if kinds is not None:
            statement = statement.where(OutboxRow.kind.in_(list(kinds)))
        await self._session.execute(statement)

    # --- the daily run: one row per local day, leased by the instance doing it ------------------------------

    async def claim_run(self, day: str, now: datetime, lease: timedelta) -> bool:
        """True when this instance may work on the day's run now (it is not finished and nobody holds it)."""
        row = await self._session.get(DisposalRunRow, day, with_for_update=True)
        if row is None:
            self._session.add(DisposalRunRow(day=day, started_at=now, lease_until=now + lease, removed=0))
            try:
                await self._session.flush()
            except IntegrityError:
                return False
            return True
        if row.finished_at is not None or row.lease_until > now:
            return False
        row.lease_until = now + lease
        return True

    async def end_run(self, day: str, now: datetime, removed: int, *, finished: bool) -> None:
        row = await self._session.get(DisposalRunRow, day)
        if row is not None:
            row.removed += removed
            row.lease_until = now
            if finished:
                row.finished_at = now

    async def permits_left(self) -> int:
        """Permits outside a disposal (always 0: a permit is removed before its transaction ends)."""
        return len(list(await self._session.scalars(select(DisposalPermitRow.id))))

