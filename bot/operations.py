"""Operator commands: `forumbot outbox` (dead letters and stuck rows) and `forumbot check` (what would go wrong)."""

from __future__ import annotations

import asyncio
import ssl
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TextIO
from urllib.parse import parse_qs, urlsplit

import aiohttp
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot.settings import AppType, Settings
from domain.clock import Clock, SystemClock
from storage.db import make_engine, make_session_factory
from storage.operations import OutboxOperations, OutboxProblem

TOKEN_HOST = "https://login.microsoftonline.com"


async def outbox(
    settings: Settings, action: str, row_id: int | None, forum: str | None, out: TextIO, clock: Clock | None = None
) -> int:
    """List problems (action 'list'), or retry / drop one row. Exit status: 0 done, 1 nothing matched."""
    engine = make_engine(settings.database_url)
    now = (clock or SystemClock()).now()
    try:
        async with make_session_factory(engine)() as session:
            ops = OutboxOperations(session)
            if action == "list":
                problems = await ops.problems(now, forum=forum)
                out.write(_table(problems))
                return 0
            assert row_id is not None
            done = await (ops.retry(row_id, now) if action == "retry" else ops.drop(row_id, now))
            await session.commit()
    finally:
        await engine.dispose()
    if not done:
        out.write(f"outbox row {row_id}: nothing to {action} (unknown, already sent or already dropped)\n")
        return 1
    out.write(f"outbox row {row_id}: {'queued again' if action == 'retry' else 'dropped'}\n")
    return 0


def _table(problems: Sequence[OutboxProblem]) -> str:
    if not problems:
        return "no dead letters and nothing stuck\n"
    lines = [f"{'id':>8}  {'status':<8} {'kind':<20} {'forum':<28} {'tries':>5}  {'reason':<28} updated (UTC)"]
    for p in problems:
        status = "stuck" if p.stuck else p.status
        reason = p.reason or (f"HTTP {p.status_code}" if p.status_code else "")
        lines.append(f"{p.id:>8}  {status:<8} {p.kind[:20]:<20} {(p.forum or '-')[:28]:<28} {p.attempts:>5}  "
                     f"{reason[:28]:<28} {p.updated_at:%Y-%m-%d %H:%M}")
    lines.append(f"{len(problems)} row(s). Retry one: forumbot outbox retry <id>; give up: forumbot outbox drop <id>")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Finding:
    ok: bool
    what: str


async def check(settings: Settings, *, token_url: str | None = None, wait_seconds: float = 10.0) -> list[Finding]:
    """The database (reachable, TLS, schema current) and the Bot Framework token endpoint.

    The settings themselves were validated when they were loaded: invalid ones never get this far.
    """
    findings = [Finding(True, f"settings valid for {settings.mode.value} mode")]
    findings += _tls_findings(settings)
    findings.append(await _database(settings))
    if settings.auth_enabled or token_url:
        findings.append(await _token_endpoint(token_url or _token_url(settings), wait_seconds))
    else:
        findings.append(Finding(True, "authentication is off (local mode): no token endpoint needed"))
    return findings


def _tls_findings(settings: Settings) -> list[Finding]:
    if not settings.database_url.startswith("postgresql"):
        return []
    query = parse_qs(urlsplit(settings.database_url).query)
    mode = (query.get("ssl") or [""])[0]
    if "sslmode" in query:
        return [Finding(False, "FORUMBOT_DATABASE_URL uses sslmode=, which asyncpg does not take: "
                               "use ?ssl=verify-full")]
    host = urlsplit(settings.database_url).hostname or ""
    if mode in ("verify-full", "verify-ca"):
        return [Finding(True, f"database TLS: {mode}")]
    if host in ("127.0.0.1", "localhost", "::1"):
        return [Finding(True, "database on loopback: TLS not required")]
    return [Finding(False, f"FORUMBOT_DATABASE_URL does not verify TLS (ssl={mode or 'unset'}): add ?ssl=verify-full")]


async def _database(settings: Settings) -> Finding:
    from alembic.script import ScriptDirectory

    from storage.migrate import alembic_config

    engine = make_engine(settings.database_url)
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
            try:
                current = (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalar()
            except Exception:  # no version table: never migrated
                current = None
    except Exception as error:
        return Finding(False, f"database not reachable: {type(error).__name__}")
    finally:
        await engine.dispose()
    head = ScriptDirectory.from_config(alembic_config(settings.database_url)).get_current_head()
    if current != head:
        return Finding(False, f"database schema at {current or 'nothing'}, newest is {head}: run forumbot migrate")
    return Finding(True, f"database reachable, schema current ({head})")


def _token_url(settings: Settings) -> str:
    tenant = settings.app_tenant_id if settings.app_type is not AppType.MULTI_TENANT else "botframework.com"
    return f"{TOKEN_HOST}/{tenant or 'botframework.com'}/v2.0/.well-known/openid-configuration"


async def _token_endpoint(url: str, wait_seconds: float) -> Finding:
    try:
        client_timeout = aiohttp.ClientTimeout(total=wait_seconds)
        async with aiohttp.ClientSession(timeout=client_timeout) as session, session.get(url) as response:
            return Finding(response.status < 500, f"token endpoint {urlsplit(url).netloc} answered {response.status}")
    except (aiohttp.ClientError, TimeoutError, ssl.SSLError, OSError) as error:
        return Finding(False, f"token endpoint {urlsplit(url).netloc} not reachable: {type(error).__name__}")


def print_findings(findings: Sequence[Finding], out: TextIO = sys.stdout) -> int:
    for finding in findings:
        out.write(f"{'ok  ' if finding.ok else 'FAIL'}  {finding.what}\n")
    failed = sum(not f.ok for f in findings)
    out.write("everything looks right\n" if not failed else f"{failed} problem(s)\n")
    return 1 if failed else 0


def run_check(settings: Settings, token_url: str | None) -> int:
    return print_findings(asyncio.run(check(settings, token_url=token_url)))


def run_outbox(settings: Settings, action: str, row_id: int | None, forum: str | None) -> int:
    try:
        return asyncio.run(outbox(settings, action, row_id, forum, sys.stdout))
    except (DBAPIError, OSError) as error:
        sys.stderr.write(f"the outbox cannot be read ({type(error).__name__}): run forumbot check\n")
        return 2
