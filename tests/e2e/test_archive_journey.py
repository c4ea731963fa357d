"""The archive package and the disclosure export over real HTTP, on SQLite and PostgreSQL: an administrator fetches
the year's package (minutes versions and the compiled lägesbild, Word and PDF, a manifest whose checksums are
right), gets the same bytes a second time, and the year's minutes can no longer be corrected; the disclosure export
holds the raw lägesbilder and the forum's audit entries; nobody else gets either."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from datetime import UTC, datetime

import docx
import pytest

from domain.clock import FixedClock
from tests.e2e.harness import CHANNEL, Forumbot, Person, running_forumbot
from tests.e2e.test_minutes_export import _publish
from tests.e2e.test_weekly_cycle import ANNA, DEADLINE, ERIK, OPENS, SUNDAY, set_up, submit
from tests.fakes.connector import FakeConnector

pytestmark = pytest.mark.e2e

ADA_OID = "5d1e0b9a-3c2f-4a8e-9b7d-0a1b2c3d4e5f"
ADA = Person("29:ada", "Ada Admin", aad_object_id=ADA_OID)


NEW_YEAR = datetime(2027, 1, 5, 9, tzinfo=UTC)


def _said(bot: Forumbot, reply: object) -> str:
    return json.dumps(reply, ensure_ascii=False) + json.dumps(bot.connector.activity_posts(ok_only=True)[-1].json,
                                                              ensure_ascii=False)


def _path(text: str) -> str:
    found = re.search(r"\((https?://[^)]+/exports/[^)]+\.zip)\)", text)
    assert found, text
    return "/exports/" + found.group(1).split("/exports/")[1]


async def test_archive_package_and_disclosure(database_url: str, fake_connector: FakeConnector,
                                              clock: FixedClock) -> None:
    clock.set(SUNDAY)
    async with running_forumbot(database_url, fake_connector, clock, admins=[ADA_OID]) as bot:
        await set_up(bot)
        await bot.tick(OPENS)
        await submit(bot, ERIK, {2: "Stök vid centrumtorget fredag kväll."})
        await submit(bot, ERIK, {2: "Stök vid centrumtorget fredag och lördag kväll."}, edit=True)
        await bot.say_in_private(ADA, "utlämna 2026-11-01 2026-11-30 Trygghetsforum Norrby")  # before the meeting
        early = str(fake_connector.sent_to(ADA.personal_conversation)[-1]["text"])
        assert "låser ingenting" in early and "rättas" not in early
        with zipfile.ZipFile(io.BytesIO(await (await bot.client.get(_path(early))).read())) as package:
            assert "fredag och lördag kväll" in package.read("lagesbilder.csv").decode("utf-8-sig")  # received
        await bot.tick(DEADLINE)
        await bot.say_in_private(ADA, "utlämna 2026-11-01 2026-11-30 Trygghetsforum Norrby")  # posted, not yet held
        with zipfile.ZipFile(io.BytesIO(await (await bot.client.get(_path(str(
                fake_connector.sent_to(ADA.personal_conversation)[-1]["text"])))).read())) as package:
            assert "2026-11-26-lagesbild.docx" in package.namelist()  # the compiled lägesbild as posted
        meeting_id = await _publish(bot, 2)
        clock.set(DEADLINE.replace(day=28))

        await bot.say_in_private(ERIK, "arkivera 2026")
        assert "Bara Forumbots administratörer" in str(fake_connector.sent_to(ERIK.personal_conversation)[-1]["text"])
        await bot.say_in_private(ADA, "arkivera 2026 Trygghetsforum Norrby")
        assert "2026 är inte slut än" in str(fake_connector.sent_to(ADA.personal_conversation)[-1]["text"])
        async with bot.runtime.uow() as uow:
            forum = await uow.forums.by_conversation(CHANNEL)
            assert forum is not None
        ids = {"forum_id": forum.id, "meeting_id": meeting_id}
        await bot.execute(ANNA, "minutes.correct", ids, conversation=CHANNEL)  # a correction started in December
        clock.set(NEW_YEAR)
        await bot.say_in_private(ADA, "arkivera 2025 Trygghetsforum Norrby")  # a year without meetings
        assert "höll inga möten 2025" in str(fake_connector.sent_to(ADA.personal_conversation)[-1]["text"])
        await bot.say_in_private(ADA, "arkivera 2026 Trygghetsforum Norrby")
        path = _path(str(fake_connector.sent_to(ADA.personal_conversation)[-1]["text"]))
        first = await (await bot.client.get(path)).read()
        again = await (await bot.client.get(path)).read()
        assert first == again  # deterministic, byte for byte
        with zipfile.ZipFile(io.BytesIO(first)) as package:
            names = sorted(package.namelist())
            manifest = json.loads(package.read("manifest.json"))
            assert names == sorted(["manifest.json", *(f["name"] for f in manifest["files"])])
            assert [f["name"] for f in manifest["files"]] == [
                "2026-11-26-lagesbild.docx", "2026-11-26-lagesbild.pdf",
                "2026-11-26-minnesanteckningar-v1.docx", "2026-11-26-minnesanteckningar-v1.pdf",
                "2026-11-26-minnesanteckningar-v2.docx", "2026-11-26-minnesanteckningar-v2.pdf"]
            for entry in manifest["files"]:
                body = package.read(entry["name"])
                assert hashlib.sha256(body).hexdigest() == entry["sha256"] and len(body) == entry["bytes"]
                assert entry["forum"] == "Trygghetsforum Norrby" and entry["date"] == "2026-11-26"
                assert "Polisen" in entry["organisations"]
            assert package.read("2026-11-26-lagesbild.pdf").startswith(b"%PDF")
            summary = docx.Document(io.BytesIO(package.read("2026-11-26-lagesbild.docx")))
            cells = [c.text for t in summary.tables for r in t.rows for c in r.cells]
            shown = "\n".join([p.text for p in summary.paragraphs] + cells)
            assert "Stök vid centrumtorget fredag och lördag kväll." in shown
        async with bot.runtime.uow() as uow:
            assert await uow.archives.archived_years(forum.id) == {2026}  # not 2025
            exported = await uow.audit.by_action("archive.exported")
            assert len(exported) == 2 and exported[0].detail["manifest_sha256"] == hashlib.sha256(
                json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=2).encode() + b"\n").hexdigest()

        async with bot.runtime.uow() as uow:
            draft = await uow.minutes.get(meeting_id)
            assert draft is not None and not draft.locked
        refused = await bot.execute(ANNA, "minutes.publish", {**ids, "revision": draft.revision,
                                                              "correction_note": "Fel datum"}, conversation=CHANNEL)
        assert "arkiverades medan rättelsen väntade" in _said(bot, refused)
        async with bot.runtime.uow() as uow:
            assert len(await uow.minutes.versions(meeting_id)) == 2  # the archived versions stand, nothing new

        await bot.say_in_private(ADA, "utlämna 2026-11-01 2026-11-30 Trygghetsforum Norrby")
        disclosure = await (await bot.client.get(_path(str(
            fake_connector.sent_to(ADA.personal_conversation)[-1]["text"])))).read()
        with zipfile.ZipFile(io.BytesIO(disclosure)) as package:
            raw = list(csv.reader(io.StringIO(package.read("lagesbilder.csv").decode("utf-8-sig")), delimiter=";"))
            police = [(r[2], r[4]) for r in raw[1:] if r[1] == "Polisen"]
            assert police == [("1", "Stök vid centrumtorget fredag kväll."),  # the earlier version is disclosed too
                              ("2", "Stök vid centrumtorget fredag och lördag kväll.")], raw
            audit = package.read("granskningslogg.csv").decode("utf-8-sig")
            assert "contribution.submitted" in audit
        async with bot.runtime.uow() as uow:
            assert len(await uow.audit.by_action("disclosure.exported")) == 3
            assert await uow.archives.archived_years(forum.id) == {2026}  # a disclosure locks nothing
