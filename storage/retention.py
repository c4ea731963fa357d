"""The disposal job's storage (bot/services/ports.py `RetentionStore`): removing rows of the two append-only logs.

`audit_log` and `action_events` refuse UPDATE and DELETE (migration 0011). Only a disposal permit lets a DELETE
through: on SQLite a row in `disposal_permits` that lives only inside this transaction, on PostgreSQL the SECURITY
DEFINER function `forumbot_dispose_log_rows`, which the application's role may execute although it has no DELETE
on the logs, and which never removes an audit entry younger than 30 days.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, select, text
from sqlalchemy.dialects.postgresql import ARRAY, BIGINT
from sqlalchemy.ext.asyncio import AsyncSession

from storage.orm_auditors import AuditRow, DisposalPermitRow
from storage.orm_follow_up import ActionEventRow

LOG_TABLES = frozenset({"audit_log", "action_events"})
MIN_AUDIT_AGE_DAYS = 30  # as the PostgreSQL function (migration 0011); SQLite keeps the same rule here


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

    async def permits_left(self) -> int:
        """Permits outside a disposal (always 0: a permit is removed before its transaction ends)."""
        return len(list(await self._session.scalars(select(DisposalPermitRow.id))))

