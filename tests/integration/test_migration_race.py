"""Two instances starting together on one empty PostgreSQL database both come up: migrations take turns."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from tests.conftest import POSTGRES_ENV, _create_pg_database, _drop_pg_database

ROOT = Path(__file__).resolve().parents[2]


async def _migrate(url: str, cwd: Path) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FORUMBOT_", "Microsoft"))}
    env.update({"FORUMBOT_DATABASE_URL": url, "PYTHONPATH": str(ROOT)})
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "migrate", cwd=cwd, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    _, err = await asyncio.wait_for(process.communicate(), timeout=120)
    return process.returncode or 0, err.decode()


@pytest.mark.parametrize("backend", ["postgresql"])
async def test_two_migrate_processes_on_an_empty_database_both_succeed(backend: str, tmp_path: Path) -> None:
    admin = os.environ[POSTGRES_ENV]
    url, name = await _create_pg_database(admin)
    try:
        results = await asyncio.gather(*(_migrate(url, tmp_path) for _ in range(3)))
        assert [code for code, _ in results] == [0, 0, 0], [err[-400:] for _, err in results]
        parts = make_url(url)
        conn = await asyncpg.connect(host=parts.host, port=parts.port, user=parts.username, database=parts.database)
        try:
            versions = await conn.fetch("SELECT version_num FROM alembic_version")
        finally:
            await conn.close()
        heads = sorted(p.name.split("_")[0] for p in (ROOT / "storage/migrations/versions").glob("0*.py"))
        assert [v["version_num"] for v in versions] == [heads[-1]]
    finally:
        await _drop_pg_database(admin, name)


async def _serve(args: list[str], env_extra: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FORUMBOT_", "Microsoft"))}
    env.update({"PYTHONPATH": str(ROOT), **env_extra})
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "serve", *args, cwd=cwd, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )


async def _wait_healthy(port: int) -> None:
    import aiohttp

    async with aiohttp.ClientSession() as session:
        for _ in range(900):  # up to 90 s: a fresh interpreter imports botbuilder and migrates on a busy machine
            try:
                async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError("the server did not come up")


@pytest.mark.parametrize(("args", "env", "migrated"), [
    ([], {}, True),
    (["--no-migrate"], {}, False),
    ([], {"FORUMBOT_MIGRATE_ON_START": "false"}, False),
], ids=["default", "flag", "setting"])
async def test_serve_migrates_on_start_unless_told_not_to(
    tmp_path: Path, unused_tcp_port: int, args: list[str], env: dict[str, str], migrated: bool
) -> None:
    import sqlite3

    db = tmp_path / "serve.db"
    process = await _serve(args, {"FORUMBOT_DATABASE_URL": f"sqlite+aiosqlite:///{db}",
                                  "FORUMBOT_PORT": str(unused_tcp_port), **env}, tmp_path)
    try:
        await _wait_healthy(unused_tcp_port)
    finally:
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), timeout=60)
        except TimeoutError:  # what is asserted here is the schema, not how fast a loaded machine shuts down
            process.kill()
            await process.wait()
    tables = {row[0] for row in sqlite3.connect(db).execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert ("forums" in tables) is migrated


@pytest.mark.parametrize("backend", ["postgresql"])
async def test_two_servers_started_at_once_on_an_empty_database_both_come_up(
    backend: str, tmp_path: Path, unused_tcp_port_factory: Callable[[], int]
) -> None:
    admin = os.environ[POSTGRES_ENV]
    url, name = await _create_pg_database(admin)
    ports = [unused_tcp_port_factory(), unused_tcp_port_factory()]
    try:
        processes = await asyncio.gather(*(
            _serve([], {"FORUMBOT_DATABASE_URL": url, "FORUMBOT_PORT": str(port)}, tmp_path) for port in ports
        ))
        try:
            await asyncio.gather(*(_wait_healthy(port) for port in ports))
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    await asyncio.wait_for(process.wait(), timeout=60)
                except TimeoutError:
                    process.kill()
                    await process.wait()
    finally:
        await _drop_pg_database(admin, name)
