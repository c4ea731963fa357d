"""The image's HEALTHCHECK command, run as Docker would, against the real app's /healthz."""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import sys
from pathlib import Path

from aiohttp import web
from aiohttp.test_utils import TestClient

DOCKERFILE = Path(__file__).resolve().parents[2] / "Dockerfile"


def _healthcheck_argv() -> list[str]:
    text = DOCKERFILE.read_text(encoding="utf-8").replace("\\\n", " ")
    match = re.search(r"^HEALTHCHECK .*?CMD (\[.*\])$", text, flags=re.MULTILINE)
    assert match, "no exec-form HEALTHCHECK in the Dockerfile"
    argv = json.loads(match.group(1))
    assert argv[0] == "python", "the slim image has python (its venv's) but no curl"
    return [sys.executable, *argv[1:]]


async def _run(port: int) -> int:
    env = {key: value for key, value in os.environ.items() if not key.startswith("FORUMBOT_")}
    process = await asyncio.create_subprocess_exec(
        *_healthcheck_argv(), env={**env, "FORUMBOT_PORT": str(port)},
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )
    return await asyncio.wait_for(process.wait(), timeout=30)


async def test_the_health_check_passes_while_forumbot_answers(
    http_client: TestClient[web.Request, web.Application],
) -> None:
    assert http_client.server.port is not None
    assert await _run(http_client.server.port) == 0


async def test_the_health_check_fails_when_nothing_answers_on_the_port() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]
    assert await _run(free_port) != 0
