"""`exportera logg <från> <till>` through the running app: the chair gets signed links to the forum's follow-up log
for the period as CSV (UTF-8 with BOM, `;`, for Swedish Excel) and Word; both hold every event of the period in the
order appended, and nothing outside it. Checked again at download: a changed link is refused."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime

import docx
import pytest

from domain.action_log import ActionEvent, EventKind
from domain.actions import ActionItem, ActionStatus
from domain.clock import FixedClock
from tests.e2e.harness import CHANNEL, Forumbot, running_forumbot
from tests.e2e.test_weekly_cycle import ANNA, ERIK, SUNDAY, set_up
from tests.fakes.connector import FakeConnector

pytestmark = pytest.mark.e2e

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _links(text: str) -> dict[str, str]:
    return {name: "/exports/" + path for name, path in re.findall(r"\[([^\]]+)\]\([^)]*?/exports/([^)]+)\)", text)}


async def _log(bot: Forumbot) -> None:
    """One action with events on 20, 21 (twice) and 28 November; the export asks for 21–27."""
    async with bot.runtime.uow() as uow:
        forum = await uow.forums.by_conversation(CHANNEL)
        assert forum is not None
        role = next(r for r in forum.roles if r.holder_id == ERIK.id)
        meeting = await uow.meetings.ensure(forum, date(2026, 11, 19), datetime(2026, 11, 19, 8, tzinfo=UTC), SUNDAY)
        action = ActionItem(id="act-1", forum_id=forum.id, number=1, title="Ring fastighetsägaren",
                            owner_role_id=role.id, due=date(2026, 12, 1), meeting_id=meeting.id, item_key="s1",
                            status=ActionStatus.OPEN, created_at=SUNDAY, created_by=ANNA.id)
        await uow.actions.add(action, SUNDAY)
        for at, kind, actor, detail in (
            (datetime(2026, 11, 20, 9, tzinfo=UTC), EventKind.CREATED, ANNA.id, {"meeting": meeting.id}),
            (datetime(2026, 11, 21, 7, tzinfo=UTC), EventKind.NUDGE_QUEUED, None,
             {"recipient": ERIK.id, "stage": "before"}),
            (datetime(2026, 11, 21, 7, 1, tzinfo=UTC), EventKind.COMMENTED, ERIK.id,
             {"text": "=HYPERLINK(\"x\") ringt två gånger; svarar ej"}),
            (datetime(2026, 11, 28, 9, tzinfo=UTC), EventKind.DONE, ERIK.id, {"outcome": "Klart"}),
        ):
            uow.action_log.append(ActionEvent(action.id, forum.id, at, kind, actor, detail))
        await uow.commit()


async def test_the_chair_exports_the_log_of_a_period_as_csv_and_word(
    database_url: str, fake_connector: FakeConnector, clock: FixedClock
) -> None:
    clock.set(SUNDAY)
    async with running_forumbot(database_url, fake_connector, clock) as bot:
        await set_up(bot)
        await _log(bot)
        await bot.say_in_private(ERIK, "exportera logg 2026-11-21 2026-11-27")
        assert "/exports/" not in str(fake_connector.sent_to(ERIK.personal_conversation)[-1]["text"])
        await bot.say_in_private(ANNA, "exportera logg 2026-11-21 2026-11-27")
        reply = str(fake_connector.sent_to(ANNA.personal_conversation)[-1]["text"])
        links = _links(reply)
        assert set(links) == {"logg-2026-11-21-2026-11-27.csv", "logg-2026-11-21-2026-11-27.docx"}
        assert "2 händelser" in reply
        response = await bot.client.get(links["logg-2026-11-21-2026-11-27.csv"])
        assert response.status == 200 and response.content_type == "text/csv"
        raw = await response.read()
        assert raw.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads it as UTF-8
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
        assert rows[0] == ["Tid", "Åtgärd", "Titel", "Händelse", "Av", "Detaljer"]
        assert [r[3] for r in rows[1:]] == ["Påminnelse köad", "Kommentar"]
        assert rows[1][1:3] == ["Å-1", "Ring fastighetsägaren"] and rows[1][4] == "Forumbot"
        assert rows[2][4] == "Erik Johansson" and rows[2][5] == "'=HYPERLINK(\"x\") ringt två gånger; svarar ej"
        assert rows[1][0] == "2026-11-21 08:00"  # sortable in Excel; the forum's local time
        response = await bot.client.get(links["logg-2026-11-21-2026-11-27.docx"])
        assert response.status == 200 and response.content_type == DOCX
        document = docx.Document(io.BytesIO(await response.read()))
        (table,) = document.tables
        cells = [[c.text for c in row.cells] for row in table.rows]
        assert [r[3] for r in cells] == ["Händelse", "Påminnelse köad", "Kommentar"]
        assert any("Uppföljningslogg – Trygghetsforum Norrby" in p.text for p in document.paragraphs)
        other_period = links["logg-2026-11-21-2026-11-27.csv"].replace("2026-11-27.csv", "2026-11-28.csv")
        # the link vouches for the chair and the forum; the period is the file name's (the chair may ask for any)
        assert (await bot.client.get(other_period)).status == 200
        assert (await bot.client.get(links["logg-2026-11-21-2026-11-27.csv"][:-12] + "x.csv")).status == 404
        async with bot.runtime.uow() as uow:
            formats = [dict(a.detail)["format"] for a in await uow.audit.by_action("follow_up_log.exported")]
        assert formats == ["csv", "docx", "csv"]
