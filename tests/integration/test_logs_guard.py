"""The audit trail and the follow-up log only grow, whatever code runs: the database refuses UPDATE, DELETE and
TRUNCATE of them on SQLite and PostgreSQL. The disposal job's one way out (storage/retention.py) removes rows by id
under a permit that ends with its transaction, and never an audit entry younger than 30 days. On PostgreSQL the
bot's login role, a member of `forumbot_app`, has no UPDATE or DELETE on the logs at all."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from domain.action_log import ActionEvent, EventKind
from storage.orm_auditors import AuditRow
from storage.orm_follow_up import ActionEventRow
from storage.unit_of_work import UnitOfWorkFactory

pytestmark = pytest.mark.integration

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
OLD = NOW - timedelta(days=400)


async def _fill(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        for at in (OLD, NOW):
            uow.audit.record(at=at, action="summary.exported", subject_type="meeting", subject_id="m-1",
                             actor_id="29:chair", forum_id="f-1")
            uow.action_log.append(ActionEvent("a-1", "f-1", at, EventKind.CREATED, "29:chair"))
        await uow.commit()


async def _counts(uow_factory: UnitOfWorkFactory) -> tuple[int, int]:
    async with uow_factory() as uow:
        audit = await uow.session.scalar(select(func.count()).select_from(AuditRow))
        events = await uow.session.scalar(select(func.count()).select_from(ActionEventRow))
        return int(audit or 0), int(events or 0)


@pytest.mark.parametrize("table", ["audit_log", "action_events"])
@pytest.mark.parametrize("verb", ["UPDATE {t} SET actor_id = 'x'", "DELETE FROM {t}", "TRUNCATE {t}"])
async def test_the_database_refuses_to_change_or_remove_a_log_row(
    uow_factory: UnitOfWorkFactory, backend: str, table: str, verb: str
) -> None:
    if verb.startswith("TRUNCATE") and backend == "sqlite":
        pytest.skip("SQLite has no TRUNCATE (DELETE FROM is tested)")
    await _fill(uow_factory)
    async with uow_factory() as uow:
        with pytest.raises(DBAPIError, match="append-only"):
            await uow.session.execute(text(verb.format(t=table)))
    assert await _counts(uow_factory) == (2, 2)


async def test_the_disposal_job_removes_old_rows_by_id_and_leaves_no_permit_behind(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await _fill(uow_factory)
    async with uow_factory() as uow:
        audit_ids = list(await uow.session.scalars(select(AuditRow.id).order_by(AuditRow.id)))
        event_ids = list(await uow.session.scalars(select(ActionEventRow.id).order_by(ActionEventRow.id)))
        # Both audit entries asked for; the one from today is younger than 30 days and stays.
        assert await uow.retention.dispose_log_rows("audit_log", audit_ids, NOW) == 1
        assert await uow.retention.dispose_log_rows("action_events", event_ids[:1], NOW) == 1
        await uow.commit()
    assert await _counts(uow_factory) == (1, 1)
    async with uow_factory() as uow:
        assert [r.at for r in await uow.session.scalars(select(AuditRow))] == [NOW]
        assert await uow.retention.permits_left() == 0
        with pytest.raises(DBAPIError, match="append-only"):  # the permit ended with the disposal
            await uow.session.execute(text("DELETE FROM action_events"))
    with pytest.raises(ValueError):
        async with uow_factory() as uow:
            await uow.retention.dispose_log_rows("actions", [1], NOW)


async def test_the_app_role_may_read_and_append_to_the_logs_but_never_change_them(
    uow_factory: UnitOfWorkFactory, database_url: str, backend: str
) -> None:
    if backend != "postgresql":
        pytest.skip("database roles are PostgreSQL's")
    await _fill(uow_factory)
    url = make_url(database_url)
    login = f"forumbot_test_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(host=url.host, port=url.port, user=url.username, database=url.database)
    try:
        await admin.execute(f"CREATE ROLE {login} LOGIN IN ROLE forumbot_app")
        app = await asyncpg.connect(host=url.host, port=url.port, user=login, database=url.database)
        try:
            assert await app.fetchval("SELECT count(*) FROM audit_log") == 2
            await app.execute("INSERT INTO audit_log (at, action, subject_type, subject_id, detail) "
                              "VALUES (now(), 'x.y', 'forum', 'f-1', '{}')")
            await app.execute("UPDATE forums SET name = name")  # its ordinary tables it may change
            for statement in ("UPDATE audit_log SET actor_id = 'x'", "DELETE FROM audit_log",
                              "TRUNCATE audit_log", "UPDATE action_events SET kind = 'done'",
                              "DELETE FROM action_events"):
                with pytest.raises(asyncpg.InsufficientPrivilegeError):
                    await app.execute(statement)
            old = await app.fetchval("SELECT id FROM audit_log WHERE at < now() - interval '300 days'")
            assert await app.fetchval("SELECT forumbot_dispose_log_rows('audit_log', $1::bigint[])", [old]) == 1
            assert await app.fetchval("SELECT count(*) FROM audit_log") == 2
        finally:
            await app.close()
    finally:
        await admin.execute(f"DROP OWNED BY {login}")
        await admin.execute(f"DROP ROLE {login}")
        await admin.close()


LOGS = {"audit_log", "action_events"}


async def test_every_table_of_every_migration_is_granted_to_the_app_role(
    uow_factory: UnitOfWorkFactory, backend: str
) -> None:
    """A later migration's table needs its own GRANT (0011's run once): without it the bot's login role could not
    use the table in production. The logs get SELECT and INSERT only; every other table all four."""
    if backend != "postgresql":
        pytest.skip("database roles are PostgreSQL's")
    async with uow_factory() as uow:
        rows = (await uow.session.execute(text(
            "SELECT c.relname, has_table_privilege('forumbot_app', c.oid, 'SELECT'),"
            " has_table_privilege('forumbot_app', c.oid, 'INSERT'),"
            " has_table_privilege('forumbot_app', c.oid, 'UPDATE'),"
            " has_table_privilege('forumbot_app', c.oid, 'DELETE')"
            " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname <> 'alembic_version'"))).all()
    assert len(rows) > 10
    wrong = [name for name, select_, insert_, update_, delete_ in rows
             if (select_, insert_, update_, delete_) != ((True, True, False, False) if name in LOGS else
                                                         (True, True, True, True))]
    assert wrong == []


def test_no_code_path_updates_or_deletes_an_audit_entry() -> None:
    """Besides the triggers: outside the migrations and the disposal module nothing names the audit table next to
    UPDATE or DELETE."""
    root = Path(__file__).resolve().parents[2]
    offenders = []
    for folder in ("bot", "domain", "dialogs", "storage"):
        for path in (root / folder).rglob("*.py"):
            if "migrations" in path.parts or path == root / "storage" / "retention.py":
                continue
            source = path.read_text(encoding="utf-8")
            for needle in ("update(AuditRow", "delete(AuditRow", "UPDATE audit_log", "DELETE FROM audit_log"):
                if needle in source:
                    offenders.append(f"{path.relative_to(root)}: {needle}")
    assert offenders == []
