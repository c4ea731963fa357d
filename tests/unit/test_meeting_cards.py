"""The lägesbild form, the collection request and reminder, and the `nästa möte` card, built from a domain Meeting."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from typing import Any

from dialogs.cards.contribution import (
    SECTION_INPUT,
    base_version_of,
    build_form,
    contribution_card,
    request_payload,
    saved_card,
    stored_form,
    submitted_values,
)
from dialogs.cards.meeting import next_meeting_card
from dialogs.texts import for_language
from domain.meetings import ContributionVersion, Meeting, meeting_from
from domain.model import AgendaSection, Forum, Organisation, Schedule
from domain.reporting import ContributionInput, compile_summary
from domain.schedule import local_to_utc, zone_of

POLICE = Organisation("org-police", "Polisen", 1)
SOCIAL = Organisation("org-social", "Socialtjänsten", 2)
TRENDS = AgendaSection("s-trends", "Trender", 1)
EVENTS = AgendaSection("s-events", "Händelser", 2)
EN = for_language("en")
SV = for_language("sv")


def forum(zone: str = "Europe/London") -> Forum:
    return Forum(id="f1", name="Norrby", tenant_id="t", conversation_id="c", chair_id="29:anna",
                 schedule=Schedule(timezone=zone), sections=(TRENDS, EVENTS), organisations=(POLICE, SOCIAL))


def meeting(f: Forum) -> Meeting:
    """Thursday 26 November 2026, 09:00 in the forum's zone; the deadline is Wednesday 16:00 there."""
    day = date(2026, 11, 26)
    return meeting_from(f.schedule, id="m1", forum_id=f.id, original_date=day, local_date=day,
                        starts_at=local_to_utc(day, time(9, 0), zone_of(f.schedule)), status="scheduled")


def version(**overrides: Any) -> ContributionVersion:
    fields: dict[str, Any] = dict(
        contribution_id="c1", meeting_id="m1", organisation_id=POLICE.id, version=3,
        sections=((TRENDS.id, TRENDS.title, "Lugnt i centrum"), (EVENTS.id, EVENTS.title, "")),
        nothing_new=False, attending=False, submitted_by="29:erik", submitted_by_name="Erik Ek",
        submitted_at=datetime(2026, 11, 24, 10, 15, tzinfo=UTC), after_deadline=False,
    )
    return ContributionVersion(**{**fields, **overrides})


def visible(node: Any) -> str:
    return json.dumps(node, ensure_ascii=False)


def test_the_request_shows_the_meeting_and_its_deadline_in_the_forums_zone() -> None:
    f = forum("Europe/London")
    payload = request_payload(EN, build_form(EN, f, meeting(f), POLICE.id))
    assert payload["text"] == ("Time for the situation report for Norrby Thursday 26 November 2026 at 09:00. "
                               "Deadline Wednesday 25 November 2026 at 16:00.")
    assert "Polisen" in visible(payload["attachments"])


def test_the_same_meeting_in_stockholm_is_worded_in_stockholm_time() -> None:
    f = forum("Europe/Stockholm")
    form = build_form(SV, f, meeting(f), POLICE.id)
    assert (form.meeting_label, form.deadline_label) == ("torsdag 26 november 2026 kl. 09:00",
                                                         "onsdag 25 november 2026 kl. 16:00")


def test_the_reminder_names_the_organisation_that_has_not_reported() -> None:
    f = forum()
    payload = request_payload(SV, build_form(SV, f, meeting(f), SOCIAL.id), reminder=True)
    assert payload["text"] == ("Påminnelse: Socialtjänsten har inte lämnat lägesbild inför Norrby torsdag "
                               "26 november 2026 kl. 09:00. Deadline onsdag 25 november 2026 kl. 16:00.")


def test_the_stored_form_is_prefilled_with_the_latest_version_and_edits_it() -> None:
    f = forum()
    form = stored_form(EN, f, meeting(f), POLICE.id, version(), late=True, standing_in_for="Per Persson")
    assert form.values == {TRENDS.id: "Lugnt i centrum", EVENTS.id: ""}
    assert (form.attending, form.base_version, form.late, form.standing_in_for) == (False, 3, True, "Per Persson")
    shown = visible(contribution_card(EN, form))
    assert "Lugnt i centrum" in shown and '"base_version": 3' in shown


def test_without_a_version_the_form_is_empty_and_edits_nothing() -> None:
    f = forum()
    form = stored_form(EN, f, meeting(f), POLICE.id, None, late=False)
    assert (form.values, form.base_version, form.attending) == ({}, 0, True)


def test_the_saved_card_says_who_sent_it_and_when_in_the_forums_zone() -> None:
    f = forum("Europe/Stockholm")
    shown = visible(saved_card(SV, build_form(SV, f, meeting(f), POLICE.id), version(), "Europe/Stockholm",
                               already=True))
    assert "tisdag 24 november 2026 kl. 11:15" in shown and "Erik Ek" in shown
    assert SV("contribution.already_saved", version=3) in shown


def test_the_card_answer_is_read_back_per_section() -> None:
    data = {SECTION_INPUT + TRENDS.id: "rad ett\r\nrad två", SECTION_INPUT + EVENTS.id: 7, "base_version": "2"}
    assert submitted_values(forum().sections, data) == {TRENDS.id: "rad ett\nrad två", EVENTS.id: ""}
    assert (base_version_of(data), base_version_of({}), base_version_of({"base_version": "x"})) == (2, 0, 0)


def test_the_next_meeting_card_shows_times_and_who_has_reported() -> None:
    f = forum("Europe/London")
    m = meeting(f)
    reported = ContributionInput(organisation_id=POLICE.id, sections={TRENDS.id: "Lugnt"},
                                 submitted_at=datetime(2026, 11, 24, 10, 0, tzinfo=UTC))
    summary = compile_summary(f, m.local_date, m.times.starts_at, m.times.deadline_at, [reported],
                              compiled_at=datetime(2026, 11, 24, 12, 0, tzinfo=UTC))
    shown = visible(next_meeting_card(EN, f, m, summary))
    assert "Next meeting of Norrby" in shown
    assert "Thursday 26 November 2026 at 09:00" in shown  # the meeting
    assert "Monday 23 November 2026 at 08:00" in shown  # collection opens three days before
    assert "Wednesday 25 November 2026 at 16:00" in shown  # the deadline
    assert EN("collection.next_reported", count=1, total=2) in shown
    assert "Socialtjänsten" in shown
