"""End to end over real HTTP and the fake connector, on SQLite and PostgreSQL: twelve weeks of a forum at an injected
clock, from its charter to the auditors' documents.

The chair sets the forum's purpose, goals and areas on the charter card → for twelve weeks (26 November 2026 –
11 February 2027; julafton and nyårsafton are skipped, 21 January is cancelled, 4 February moved to the 5th) the
window opens every Monday, the organisations answer from their cards — Polisen every week on time about Centrum,
Socialtjänsten on time about Droger for five meetings and then never, Fältassistenterna "nothing new" except once
"not attending", Norrbyskolan late twice and otherwise not at all — and the deadline passes → three actions from
the 3 December meeting: one closed after ten days, one re-dated and handed over, one left overdue → the chair asks
for the follow-up report and the annual bases for 2026 and 2027 → the CSVs have exactly the planned numbers and the
Word file has its two charts.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import UTC, date, datetime, timedelta
from typing import Any

import docx
import pytest

from domain.action_log import ActionEvent, EventKind
from domain.actions import ActionItem, ActionStatus
from domain.clock import FixedClock
from domain.model import RoleKind
from tests.conversation.harness import action_data, inputs_of, texts_in
from tests.e2e.harness import CHANNEL, Forumbot, Person, running_forumbot
from tests.e2e.test_foundation_journey import ANNA, ERIK, FATIMA, LARS
from tests.e2e.test_weekly_cycle import MARIA, SUNDAY, chat_of, set_up
from tests.fakes.connector import FakeConnector

pytestmark = pytest.mark.e2e

MEETINGS = [date(2026, 11, 26), date(2026, 12, 3), date(2026, 12, 10), date(2026, 12, 17), date(2027, 1, 7),
            date(2027, 1, 14), date(2027, 1, 28), date(2027, 2, 5), date(2027, 2, 11)]  # held (21 Jan cancelled)


def _utc(day: date, hour: int) -> datetime:
    """Stockholm is UTC+1 all winter: local `hour + 1`."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


async def _set_charter(bot: Forumbot) -> None:
    await bot.say_in_channel(ANNA, "konfigurera")
    setup = bot.last_card_to(CHANNEL)
    await bot.execute(ANNA, "charter.open", action_data(setup, "charter.open"), conversation=CHANNEL)
    card = bot.last_card_to(CHANNEL)
    data = {k: str(v.get("value", "")) for k, v in inputs_of(card).items()} | {
        "purpose": "Tidiga och samordnade insatser för unga i Norrby", "commissioned_by": "Socialnämnden",
        "goals_new": "Färre unga i centrum sent på kvällen", "areas_new": "Centrum\nDroger"}
    body = await bot.execute(ANNA, "charter.save", data | action_data(card, "charter.save"), conversation=CHANNEL)
    assert "Socialnämnden" in texts_in(body["value"])


async def _answer(bot: Forumbot, person: Person, *, text: str = "", area: str = "", **fields: str) -> None:
    chat = await chat_of(bot, person)
    assert chat is not None
    card = bot.last_card_to(chat)
    inputs = inputs_of(card)
    data: dict[str, Any] = {k: str(v.get("value", "")) for k, v in inputs.items()}
    section = next(k for k in inputs if k.startswith("s__"))
    if text:
        data[section] = text
    if area:
        ticks = inputs["a__" + section.removeprefix("s__")]
        data["a__" + section.removeprefix("s__")] = next(c["value"] for c in ticks["choices"] if c["title"] == area)
    data.update(fields)
    body = await bot.execute(person, "contribution.submit", data | action_data(card, "contribution.submit"),
                             conversation=chat)
    assert "Inlämnad" in texts_in(body["value"]), texts_in(body["value"])


async def _week(bot: Forumbot, n: int, meeting: date) -> None:
    opens = meeting - timedelta(days=3)  # the forum's window: three days before at 08:00, deadline the day before
    await bot.tick(_utc(opens, 7))
    bot.clock.set(_utc(opens + timedelta(days=1), 9))
    await _answer(bot, ERIK, text=f"Vecka {n}: oro vid centrumtorget", area="Centrum")
    if n <= 5:
        await _answer(bot, FATIMA, text=f"Vecka {n}: fler kontakter om narkotika", area="Droger")
    if n == 2:
        await _answer(bot, LARS, attending="no")
    else:
        await _answer(bot, LARS, nothing_new="true")
    await bot.tick(_utc(opens + timedelta(days=2), 15))  # 16:00 the day before: the deadline, the summary
    if n in (1, 3):
        bot.clock.set(_utc(opens + timedelta(days=2), 17))
        await _answer(bot, MARIA, text=f"Vecka {n}: sent om skolan")  # after the deadline, no area


async def _actions(bot: Forumbot) -> None:
    """Three actions of the 3 December meeting, as publishing its minutes records them, and what then happened."""
    async with bot.runtime.uow() as uow:
        forum = await uow.forums.by_conversation(CHANNEL)
        assert forum is not None
        meeting = await uow.meetings.on_local_date(forum, date(2026, 12, 3))
        assert meeting is not None
        police = forum.role(forum.organisations[0].id, RoleKind.PARTICIPANT)
        social = forum.role(forum.organisations[1].id, RoleKind.PARTICIPANT)
        assert police is not None and social is not None
        created = _utc(date(2026, 12, 3), 12)
        closed = _utc(date(2026, 12, 13), 12)
        for n, (role, due) in enumerate([(police, date(2026, 12, 17)), (social, date(2027, 1, 14)),
                                         (police, date(2026, 12, 20))], start=1):
            action = ActionItem(f"act-{n}", forum.id, n, f"Åtgärd {n}", role.id, due, meeting.id, "s1",
                                ActionStatus.OPEN, created, ANNA.id)
            await uow.actions.add(action, created)
            uow.action_log.append(ActionEvent(action.id, forum.id, created, EventKind.CREATED, ANNA.id))
        done = await uow.actions.get("act-1")
        assert done is not None
        await uow.actions.update(ActionItem(**{**done.__dict__, "status": ActionStatus.DONE, "closed_at": closed,
                                               "outcome": "Nattvandring ordnad"}), closed)
        uow.action_log.append(ActionEvent("act-1", forum.id, closed, EventKind.DONE, ERIK.id))
        uow.action_log.append(ActionEvent("act-2", forum.id, closed, EventKind.REDATED, FATIMA.id))
        uow.action_log.append(ActionEvent("act-2", forum.id, closed, EventKind.HANDED_OVER, FATIMA.id))
        await uow.commit()


def _link(bot: Forumbot, person: Person, extension: str) -> str:
    text = str(bot.connector.sent_to(person.personal_conversation)[-1]["text"])
    found = re.search(r"\((https?://[^)]+/exports/[^)]+\." + extension + r")\)", text)
    assert found, text
    return "/exports/" + found.group(1).split("/exports/")[1]


async def _zip(bot: Forumbot, path: str) -> dict[str, list[list[str]]]:
    response = await bot.client.get(path)
    assert response.status == 200
    with zipfile.ZipFile(io.BytesIO(await response.read())) as archive:
        return {name: list(csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig")), delimiter=";"))
                for name in archive.namelist()}


async def test_twelve_weeks_of_a_forum_give_the_right_report_and_annual_basis(
    database_url: str, fake_connector: FakeConnector, clock: FixedClock
) -> None:
    clock.set(SUNDAY)
    async with running_forumbot(database_url, fake_connector, clock) as bot:
        await set_up(bot)
        await _set_charter(bot)
        for n, meeting in enumerate(MEETINGS[:5], start=1):
            await _week(bot, n, meeting)
        await _actions(bot)
        bot.clock.set(_utc(date(2027, 1, 17), 10))
        await bot.say_in_channel(ANNA, "ställ in 2027-01-21")
        await _week(bot, 6, MEETINGS[5])
        await _week(bot, 7, MEETINGS[6])
        await bot.say_in_channel(ANNA, "flytta 2027-02-04 till 2027-02-05 09:00")
        await _week(bot, 8, MEETINGS[7])
        await _week(bot, 9, MEETINGS[8])
        bot.clock.set(_utc(date(2027, 2, 15), 9))

        await bot.say_in_private(ANNA, "uppföljningsrapport 2026-11-23 2027-02-14")
        tables = await _zip(bot, _link(bot, ANNA, "zip"))
        figures = dict(tables["nyckeltal.csv"][1:])
        assert (figures["Hållna"], figures["Inställda"], figures["Flyttade"]) == ("9", "1", "1")
        assert (figures["Nya"], figures["Avslutade"], figures["Nytt datum"], figures["Överlämnade"]) == (
            "3", "1", "1", "1")
        assert figures["Försenade vid periodens slut"] == "2" and figures["Mediantid till avslut (dagar)"] == "10"
        header, *rows = tables["deltagande.csv"]
        assert header == ["Organisation", "I tid", "Sent", "Inget nytt", "Deltar inte", "Saknas", "Svarade (%)"]
        assert rows == [["Polisen", "9", "0", "0", "0", "0", "100"], ["Socialtjänsten", "5", "0", "0", "0", "4", "56"],
                        ["Fältassistenterna", "0", "0", "8", "1", "0", "100"],
                        ["Norrbyskolan", "0", "2", "0", "0", "7", "22"]]
        for row in rows:  # every organisation is counted once per held meeting
            assert sum(int(c) for c in row[1:6]) == 9
        weeks = tables["omraden_per_vecka.csv"]
        assert weeks[0] == ["Vecka", "Centrum", "Droger"] and len(weeks) == 10
        assert sum(int(w[1]) for w in weeks[1:]) == 9 and sum(int(w[2]) for w in weeks[1:]) == 5
        assert tables["forsenade_per_organisation.csv"][1:] == [["Polisen", "1"], ["Socialtjänsten", "1"]]

        response = await bot.client.get(_link(bot, ANNA, "docx"))
        document = docx.Document(io.BytesIO(await response.read()))
        assert len(document.inline_shapes) == 2  # participation per meeting, mentions per area and week
        body = "\n".join(p.text for p in document.paragraphs)
        assert "Tidiga och samordnade insatser för unga i Norrby" in body
        assert "Färre unga i centrum sent på kvällen: inte utvärderat" in body

        await bot.say_in_private(ANNA, "årsunderlag 2026")
        basis = await _zip(bot, _link(bot, ANNA, "zip"))
        assert basis["antal_per_omrade.csv"][1:] == [["Centrum", "0", "0", "0", "4", "4"],
                                                     ["Droger", "0", "0", "0", "4", "4"]]
        assert len(basis["texter.csv"]) == 1 + 8
        assert {(r[0], r[2]) for r in basis["atgarder.csv"][1:]} == {
            (area, f"Å-{n}") for area in ("Centrum", "Droger") for n in (1, 2, 3)}
        await bot.say_in_private(ANNA, "årsunderlag 2027")
        later = await _zip(bot, _link(bot, ANNA, "zip"))
        assert later["antal_per_omrade.csv"][1:] == [["Centrum", "5", "0", "0", "0", "5"],
                                                     ["Droger", "1", "0", "0", "0", "1"]]
        async with bot.runtime.uow() as uow:
            exported = [a.action for a in await uow.audit.by_action("report.exported")]
            assert exported == ["report.exported", "report.exported"]
