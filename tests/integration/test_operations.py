"""`forumbot outbox` and `forumbot check`: what an operator sees and can do, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiohttp import web

from bot.operations import check, outbox, print_findings
from bot.settings import Settings
from domain.clock import FixedClock
from domain.model import Schedule
from storage.db import make_engine, make_session_factory
from storage.operations import OutboxOperations
from storage.outbox import NewMessage
from storage.unit_of_work import UnitOfWorkFactory

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def settings_for(url: str) -> Settings:
    return Settings(_env_file=None, mode="local", database_url=url)  # type: ignore[call-arg]


async def queue(uow_factory: UnitOfWorkFactory) -> dict[str, int]:
    """A forum and four rows: dead, stuck for two hours, sent, and one due a minute ago (not stuck)."""
    ids: dict[str, int] = {}
    async with uow_factory() as uow:
        await uow.forums.create(name="Trygghetsforum Norrby", tenant_id="t", conversation_id="19:norrby",
                                chair_id="29:anna", schedule=Schedule(), now=NOW)
        for name, at in (("dead", NOW - timedelta(hours=3)), ("stuck", NOW - timedelta(hours=2)),
                         ("sent", NOW - timedelta(hours=1)), ("fresh", NOW - timedelta(minutes=1))):
            row = await uow.outbox.enqueue(NewMessage(kind="reminder", subject_id="m1", recipient_id=f"29:{name}",
                                                      person_id=f"29:{name}", via_conversation_id="19:norrby",
                                                      payload={"text": "x"}), at)
            assert row is not None
            ids[name] = row
        await uow.outbox.mark_dead(ids["dead"], "403 Forbidden", 403, NOW - timedelta(hours=3))
        await uow.outbox.mark_sent(ids["sent"], activity_id="a1", conversation_id="a:1", status_code=201,
                                   now=NOW - timedelta(hours=1))
        await uow.commit()
    return ids


async def test_the_operator_sees_dead_and_stuck_rows_and_can_retry_or_drop_one(
    database_url: str, uow_factory: UnitOfWorkFactory
) -> None:
    ids = await queue(uow_factory)
    engine = make_engine(database_url)
    try:
        async with make_session_factory(engine)() as session:
            ops = OutboxOperations(session)
            problems = await ops.problems(NOW)
            assert {p.id: (p.stuck, p.forum) for p in problems} == {
                ids["dead"]: (False, "Trygghetsforum Norrby"), ids["stuck"]: (True, "Trygghetsforum Norrby")}
            assert await ops.problems(NOW, forum="Another forum") == []
            assert await ops.retry(ids["sent"], NOW) is False  # a sent message is never sent again
            assert await ops.retry(ids["dead"], NOW) is True
            assert await ops.drop(ids["stuck"], NOW) is True
            assert await ops.drop(ids["stuck"], NOW) is False
            await session.commit()
        async with uow_factory() as uow:
            retried = await uow.outbox.get(ids["dead"])
            dropped = await uow.outbox.get(ids["stuck"])
            assert retried is not None and (retried.status, retried.attempts) == ("pending", 0)
            assert dropped is not None and (dropped.status, dropped.last_error) == ("cancelled",
                                                                                    "dropped_by_operator")
            trail = [(a.action, a.subject_id) for a in await uow.audit.by_action("outbox.retried")]
            trail += [(a.action, a.subject_id) for a in await uow.audit.by_action("outbox.dropped")]
        assert trail == [("outbox.retried", str(ids["dead"])), ("outbox.dropped", str(ids["stuck"]))]
    finally:
        await engine.dispose()


async def test_the_outbox_command_prints_a_table_and_says_when_nothing_matched(
    database_url: str, uow_factory: UnitOfWorkFactory
) -> None:
    ids = await queue(uow_factory)
    out = io.StringIO()
    assert await outbox(settings_for(database_url), "list", None, None, out, FixedClock(NOW)) == 0
    table = out.getvalue()
    assert f"{ids['dead']}  dead" in table and "403 Forbidden" in table and "Trygghetsforum Norrby" in table
    listed = [line.split()[0] for line in table.splitlines()[1:-1]]
    assert listed == [str(ids["stuck"]), str(ids["dead"])]  # newest first; sent and fresh rows are fine
    out = io.StringIO()
    assert await outbox(settings_for(database_url), "retry", ids["sent"], None, out, FixedClock(NOW)) == 1
    assert "nothing to retry" in out.getvalue()


async def _listener(status: int) -> tuple[web.AppRunner, str]:
    async def answer(request: web.Request) -> web.Response:
        return web.json_response({"issuer": "x"}, status=status)

    app = web.Application()
    app.router.add_get("/{tail:.*}", answer)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}/.well-known/openid-configuration"


async def test_check_reports_the_database_and_the_token_endpoint(database_url: str, tmp_path: Path) -> None:
    runner, url = await _listener(200)
    try:
        findings = await check(settings_for(database_url), token_url=url)
    finally:
        await runner.cleanup()
    out = io.StringIO()
    assert print_findings(findings, out) == 0, out.getvalue()
    assert "schema current" in out.getvalue() and "answered 200" in out.getvalue()

    empty = f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
    closed = "http://127.0.0.1:9/.well-known/openid-configuration"  # discard port: nothing listens
    findings = await check(settings_for(empty), token_url=closed, wait_seconds=2)
    out = io.StringIO()
    assert print_findings(findings, out) == 1
    assert "run forumbot migrate" in out.getvalue() and "not reachable" in out.getvalue()


async def test_check_wants_a_remote_database_to_verify_tls() -> None:
    remote = settings_for("postgresql+asyncpg://forumbot@db.norrby.internal:5432/forumbot")
    from bot.operations import _tls_findings

    assert [f.ok for f in _tls_findings(remote)] == [False]
    assert [f.ok for f in _tls_findings(settings_for(remote.database_url + "?ssl=verify-full"))] == [True]


async def test_check_refuses_sslmode_which_asyncpg_does_not_understand() -> None:
    from bot.operations import _tls_findings

    url = "postgresql+asyncpg://forumbot@db.norrby.internal/forumbot?sslmode=verify-full"
    findings = _tls_findings(settings_for(url))
    assert [f.ok for f in findings] == [False] and "ssl=verify-full" in findings[0].what
