"""The administrators' views over real HTTP, on SQLite and PostgreSQL: `forumöversikt` lists every forum of the
tenant with its activity and flags two forums with the same organisations as possibly parallel; its CSV and the
audit log's CSV come through the signed link, only while the person is still an administrator; everyone else, and
every channel, is refused; the reads and downloads are themselves in the audit log."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from domain.charter import Area, Charter
from domain.clock import FixedClock
from domain.model import Schedule
from tests.e2e.harness import TENANT, Forumbot, Person, running_forumbot
from tests.e2e.test_weekly_cycle import ERIK, SUNDAY, set_up
from tests.fakes.connector import FakeConnector

pytestmark = pytest.mark.e2e

ADA_OID = "5d1e0b9a-3c2f-4a8e-9b7d-0a1b2c3d4e5f"
ADA = Person("29:ada", "Ada Admin", aad_object_id=ADA_OID)
ADAM = Person("29:adam", "Adam Admin", locale="en-US", aad_object_id="5d1e0b9a-3c2f-4a8e-9b7d-0a1b2c3d4e60")
LATER = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


async def _second_forum(bot: Forumbot) -> None:
    """Another forum of the same tenant round the same table (Polisen, Socialtjänsten, Fältassistenterna, skolan),
    and a third of another tenant that no administrator here may see."""
    async with bot.runtime.uow() as uow:
        twin = await uow.forums.create(name="Samverkan Norrby centrum", tenant_id=TENANT,
                                       conversation_id="19:twin@thread.tacv2", chair_id=ERIK.id,
                                       schedule=Schedule(), now=LATER)
        await uow.forums.replace_organisations(twin, [(None, n) for n in (
            "polisen", "Socialtjänsten ", "Fältassistenterna", "Norrbyskolan", "Bostadsbolaget")], LATER)
        await uow.forums.set_charter(twin, Charter(purpose="Trygghet i centrum", areas=(Area("a1", "Centrum"),)),
                                     LATER)
        other = await uow.forums.create(name="Annan kommun", tenant_id="tenant-other",
                                        conversation_id="19:other@thread.tacv2", chair_id="29:x",
                                        schedule=Schedule(), now=LATER)
        await uow.forums.replace_organisations(other, [(None, "Polisen")], LATER)
        await uow.commit()


def _link(text: str) -> str:
    found = re.search(r"\((https?://[^)]+/exports/[^)]+)\)", text)
    assert found, text
    return "/exports/" + found.group(1).split("/exports/")[1]


def _rows(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


async def test_forum_overview_and_audit_log_for_administrators_only(
    database_url: str, fake_connector: FakeConnector, clock: FixedClock
) -> None:
    clock.set(SUNDAY)
    async with running_forumbot(database_url, fake_connector, clock, admins=[ADA_OID, ADAM.object_id]) as bot:
        await set_up(bot)
        await _second_forum(bot)
        clock.set(LATER)

        await bot.say_in_private(ERIK, "forumöversikt")  # a chair, not an administrator
        assert "Bara Forumbots administratörer" in str(fake_connector.sent_to(ERIK.personal_conversation)[-1]["text"])
        await bot.say_in_channel(ADA, "forumöversikt")  # the whole organisation is never shown in a channel
        assert "bara i din chatt med Forumbot" in str(fake_connector.activity_posts(ok_only=True)[-1].json["text"])

        await bot.say_in_private(ADA, "forumöversikt")
        reply = fake_connector.sent_to(ADA.personal_conversation)[-1]
        shown = str(reply)
        assert "Trygghetsforum Norrby" in shown and "Samverkan Norrby centrum" in shown
        assert "Annan kommun" not in shown
        assert "Forum som kan vara parallella" in shown and "delar 80 % av organisationerna" in shown
        response = await bot.client.get(_link(str(reply["text"])))
        assert response.status == 200
        rows = _rows(await response.read())
        assert rows[0][:3] == ["Forum", "Syfte", "Uppdragsgivare"]
        by_forum = {r[0]: r for r in rows[1:]}
        assert set(by_forum) == {"Trygghetsforum Norrby", "Samverkan Norrby centrum"}
        assert by_forum["Samverkan Norrby centrum"][1] == "Trygghet i centrum"
        assert by_forum["Trygghetsforum Norrby"][-1] == "Samverkan Norrby centrum"

        await bot.say_in_private(ADAM, "audit log 2026-11-01 2026-12-31")
        text = str(fake_connector.sent_to(ADAM.personal_conversation)[-1]["text"])
        assert "The audit log" in text
        path = _link(text)
        rows = _rows(await (await bot.client.get(path)).read())
        assert rows[0][:3] == ["No.", "Time (UTC)", "Event"]
        actions = [r[2] for r in rows[1:]]
        assert rows[0][3] == "Meaning" and rows[0][6:8] == ["By (Teams id)", "By (name)"]
        assert {r[7] for r in rows[1:] if r[2] == "audit_log.export_link"} == {"Adam Admin"}  # named for the reader
        assert {r[3] for r in rows[1:] if r[2] == "forum_overview.read"} == {"read the forum overview"}
        assert "forum_overview.read" in actions and "audit_log.export_link" in actions
        async with bot.runtime.uow() as uow:
            other = await uow.forums.by_conversation("19:other@thread.tacv2")
            assert other is not None
            assert other.id not in {r[9] for r in rows[1:]}
            assert [e.action for e in await uow.audit.by_action("audit_log.exported")] == ["audit_log.exported"]

        await bot.say_in_private(ADAM, "follow-up report 2026-11-01 2026-12-31 Trygghetsforum Norrby")
        links = re.findall(r"\((https?://[^)]+/exports/[^)]+)\)",
                           str(fake_connector.sent_to(ADAM.personal_conversation)[-1]["text"]))
        zipped = next(u for u in links if u.endswith(".zip"))
        body = await (await bot.client.get("/exports/" + zipped.split("/exports/")[1])).read()
        with zipfile.ZipFile(io.BytesIO(body)) as tables:  # in the reader's language, as the reply was
            participation = next(n for n in tables.namelist() if n.startswith("deltagande"))
            assert _rows(tables.read(participation))[0][:3] == ["Organisation", "On time", "Late"]

        bot.runtime.deps = replace(bot.runtime.deps, admins=frozenset({ADA_OID}))  # Adam is no longer one
        assert (await bot.client.get(path)).status == 404
