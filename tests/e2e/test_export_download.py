"""The chair's export link serves the compiled lägesbild as a Markdown file, and only while it is valid."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.clock import FixedClock
from tests.e2e.harness import running_forumbot
from tests.e2e.test_weekly_cycle import ANNA, SUNDAY, set_up
from tests.fakes.connector import FakeConnector

pytestmark = pytest.mark.e2e


async def test_the_export_link_downloads_markdown_and_expires(
    database_url: str, fake_connector: FakeConnector, clock: FixedClock
) -> None:
    clock.set(SUNDAY)
    async with running_forumbot(database_url, fake_connector, clock) as bot:
        await set_up(bot)
        await bot.say_in_private(ANNA, "exportera lägesbild 2026-11-26")
        reply = str(fake_connector.sent_to(ANNA.personal_conversation)[-1]["text"])
        path = "/exports/" + reply.split("/exports/")[1].split(")")[0]
        response = await bot.client.get(path)
        assert response.status == 200
        assert response.headers["Content-Disposition"] == 'attachment; filename="lagesbild-2026-11-26.md"'
        body = await response.text()
        assert body.startswith("# ") and "Trygghetsforum Norrby" in body and "Norrbyskolan" in body
        async with bot.runtime.uow() as uow:
            assert [a.action for a in await uow.audit.by_action("summary.exported")] == ["summary.exported"]
        assert (await bot.client.get(path.replace("/exports/", "/exports/x"))).status == 404
        clock.set(clock.now() + timedelta(hours=25))
        assert (await bot.client.get(path)).status == 404
