"""compile_summary: who reported, what goes where, and in which order."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta

import pytest

from domain.model import AgendaSection, Forum, Organisation, Schedule
from domain.reporting import (
    EXTRA_SECTION_PREFIX,
    ContributionInput,
    SectionEntry,
    Summary,
    compile_summary,
    split_sections,
)

MEETING_DATE = date(2026, 11, 26)
STARTS_AT = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
DEADLINE_AT = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
BEFORE_DEADLINE = DEADLINE_AT - timedelta(hours=3)
AFTER_DEADLINE = DEADLINE_AT + timedelta(hours=2)

# Declared out of order on purpose: positions decide the order, not the tuples.
SECTIONS = (
    AgendaSection("places", "Platser och områden", 3),
    AgendaSection("events", "Aktuella händelser", 2),
    AgendaSection("follow_up", "Uppföljning", 1),
)
ORGANISATIONS = (
    Organisation("police", "Polisen", 2),
    Organisation("school", "Skolan", 1),
    Organisation("field", "Fältassistenterna", 3),
    Organisation("rescue", "Räddningstjänsten", 4),
    Organisation("housing", "Bostadsbolaget", 5),
)


@pytest.fixture
def forum() -> Forum:
    return Forum(
        id="f1",
        name="Trygghetsforum Centrum",
        tenant_id="tenant",
        conversation_id="19:forum",
        chair_id="29:chair",
        schedule=Schedule(),
        sections=SECTIONS,
        organisations=ORGANISATIONS,
    )


def contribution(
    organisation_id: str,
    sections: Mapping[str, str] | None = None,
    *,
    extra: tuple[tuple[str, str], ...] = (),
    nothing_new: bool = False,
    attending: bool = True,
    at: datetime = BEFORE_DEADLINE,
    late: bool = False,
) -> ContributionInput:
    return ContributionInput(
        organisation_id=organisation_id,
        sections=sections or {},
        extra_sections=extra,
        nothing_new=nothing_new,
        attending=attending,
        submitted_at=at,
        submitted_by_name="Anna Andersson",
        after_deadline=late,
    )


def compile_at(forum: Forum, contributions: list[ContributionInput], when: datetime = DEADLINE_AT) -> Summary:
    return compile_summary(forum, MEETING_DATE, STARTS_AT, DEADLINE_AT, contributions, compiled_at=when)


def layout(summary: Summary, *, late: bool = False) -> list[tuple[str, list[str]]]:
    """(section id, [organisation id, ...]) in display order."""
    sections = summary.late if late else summary.sections
    return [(s.section.id, [e.organisation.id for e in s.entries]) for s in sections]


def ids(organisations: tuple[Organisation, ...]) -> list[str]:
    return [o.id for o in organisations]


def test_sections_follow_the_agenda_and_organisations_the_forum_order(forum: Forum) -> None:
    contributions = [
        contribution("field", {"events": "Fält om händelser", "follow_up": "Fält följer upp"}),
        contribution("police", {"events": "Polisen om händelser", "places": "Polisen om platser"}),
        contribution("school", {"events": "Skolan om händelser"}),
    ]

    summary = compile_at(forum, contributions)

    assert layout(summary) == [
        ("follow_up", ["field"]),
        ("events", ["school", "police", "field"]),
        ("places", ["police"]),
    ]
    events = summary.sections[1]
    assert [e.text for e in events.entries] == [
        "Skolan om händelser",
        "Polisen om händelser",
        "Fält om händelser",
    ]
    assert events.section == AgendaSection("events", "Aktuella händelser", 2)


def test_equal_positions_keep_the_order_they_were_configured_in() -> None:
    organisations = (Organisation("b", "B", 1), Organisation("a", "A", 1), Organisation("c", "C", 0))
    sections = (AgendaSection("y", "Y", 5), AgendaSection("x", "X", 5))
    forum = Forum("f", "F", "t", "c", "chair", Schedule(), sections, organisations)
    texts = {"x": "x", "y": "y"}

    summary = compile_at(forum, [contribution(o.id, texts) for o in organisations])

    assert layout(summary) == [("y", ["c", "b", "a"]), ("x", ["c", "b", "a"])]


def test_every_agenda_section_is_kept_even_without_entries(forum: Forum) -> None:
    summary = compile_at(forum, [contribution("police", {"places": "Oro vid torget"})])

    assert layout(summary) == [("follow_up", []), ("events", []), ("places", ["police"])]


def test_organisations_without_a_contribution_are_missing_in_forum_order(forum: Forum) -> None:
    summary = compile_at(forum, [contribution("police", {"events": "Lugnt"})])

    assert ids(summary.missing) == ["school", "field", "rescue", "housing"]
    assert (summary.reported_count, summary.organisation_count) == (1, 5)


def test_nothing_new_empty_forms_and_blank_text_all_count_as_reported_nothing_new(forum: Forum) -> None:
    contributions = [
        contribution("housing", nothing_new=True),
        contribution("school"),  # submitted the form without writing anything
        contribution("field", {"events": "   \n\t "}),
    ]

    summary = compile_at(forum, contributions)

    assert ids(summary.nothing_new) == ["school", "field", "housing"]
    assert summary.reported_count == 3
    assert ids(summary.missing) == ["police", "rescue"]
    assert all(not s.entries for s in summary.sections)


def test_text_wins_over_a_ticked_nothing_new_box(forum: Forum) -> None:
    summary = compile_at(forum, [contribution("police", {"events": "Inbrott i skolan"}, nothing_new=True)])

    assert summary.nothing_new == ()
    assert layout(summary)[1] == ("events", ["police"])


def test_not_attending_organisations_are_listed_and_their_text_is_still_shown(forum: Forum) -> None:
    contributions = [
        contribution("police", {"events": "Vi kan inte komma men här är läget"}, attending=False),
        contribution("field", attending=False),
        contribution("rescue", attending=False, nothing_new=True),
    ]

    summary = compile_at(forum, contributions)

    assert ids(summary.not_attending) == ["police", "field", "rescue"]
    assert layout(summary)[1] == ("events", ["police"])
    assert ids(summary.nothing_new) == ["rescue"]  # only the one that said so
    assert summary.reported_count == 3


def test_texts_are_stripped(forum: Forum) -> None:
    summary = compile_at(forum, [contribution("police", {"events": "\n  Lugn vecka.  \n"})])

    assert summary.sections[1].entries == (SectionEntry(ORGANISATIONS[0], "Lugn vecka.", late=False),)


def test_late_contributions_go_to_their_own_block_in_a_final_summary(forum: Forum) -> None:
    contributions = [
        contribution("police", {"events": "I tid"}),
        contribution(
            "field",
            {"places": "Sent om platser", "events": "Sent om händelser"},
            late=True,
            at=AFTER_DEADLINE,
        ),
        contribution("school", {"events": "Skolan sent"}, late=True, at=AFTER_DEADLINE),
        contribution("housing", nothing_new=True, late=True, at=AFTER_DEADLINE),
    ]

    summary = compile_at(forum, contributions, AFTER_DEADLINE)

    assert summary.final
    assert layout(summary) == [("follow_up", []), ("events", ["police"]), ("places", [])]
    assert layout(summary, late=True) == [("events", ["school", "field"]), ("places", ["field"])]
    assert all(e.late for s in summary.late for e in s.entries)
    assert not any(e.late for s in summary.sections for e in s.entries)
    assert ids(summary.nothing_new) == ["housing"]
    assert summary.reported_count == 4
    assert ids(summary.missing) == ["rescue"]


def test_a_preview_before_the_deadline_has_no_late_block(forum: Forum) -> None:
    contributions = [contribution("police", {"events": "Flaggad men före deadline"}, late=True)]

    summary = compile_at(forum, contributions, BEFORE_DEADLINE)

    assert not summary.final
    assert summary.late == ()
    assert layout(summary)[1] == ("events", ["police"])
    assert summary.sections[1].entries[0].late is False


def test_a_summary_compiled_exactly_at_the_deadline_is_final(forum: Forum) -> None:
    assert compile_at(forum, [], DEADLINE_AT).final


def test_text_for_removed_sections_follows_the_agenda_under_its_old_title(forum: Forum) -> None:
    contributions = [
        contribution("police", {"events": "Nu"}, extra=(("Trender", "Polisen ser en trend"),)),
        contribution("school", extra=(("Övrigt", "Skolans övrigt"), ("Trender", "Skolans trend"))),
        contribution("field", extra=(("Tomt", "  "),)),
    ]

    summary = compile_at(forum, contributions)

    extras = summary.sections[3:]
    # in order of first appearance, reading organisations in forum order (the school comes first)
    assert [s.section.title for s in extras] == ["Övrigt", "Trender"]
    assert [s.section.position for s in extras] == [4, 5]
    assert all(s.section.id.startswith(EXTRA_SECTION_PREFIX) for s in extras)
    assert len({s.section.id for s in summary.sections}) == 5
    assert [[e.organisation.id for e in s.entries] for s in extras] == [["school"], ["school", "police"]]
    assert ids(summary.nothing_new) == ["field"]


def test_text_under_an_unknown_section_id_is_kept_as_an_extra_section(forum: Forum) -> None:
    summary = compile_at(forum, [contribution("police", {"gone": "Text under borttagen punkt"})])

    assert summary.sections[-1].section.title == "gone"
    assert summary.sections[-1].entries[0].text == "Text under borttagen punkt"


def test_a_removed_section_with_only_late_text_appears_only_in_the_late_block(forum: Forum) -> None:
    contributions = [contribution("police", extra=(("Trender", "Sen trend"),), late=True, at=AFTER_DEADLINE)]

    summary = compile_at(forum, contributions, AFTER_DEADLINE)

    assert [s.section.id for s in summary.sections] == ["follow_up", "events", "places"]
    assert [s.section.title for s in summary.late] == ["Trender"]


def test_the_most_recent_contribution_of_an_organisation_counts(forum: Forum) -> None:
    contributions = [
        contribution("police", {"events": "Andra utkastet"}, at=BEFORE_DEADLINE),
        contribution("police", {"events": "Första utkastet"}, at=BEFORE_DEADLINE - timedelta(hours=1)),
    ]

    summary = compile_at(forum, contributions)

    assert [e.text for e in summary.sections[1].entries] == ["Andra utkastet"]
    assert summary.reported_count == 1


def test_contributions_from_organisations_no_longer_in_the_forum_are_ignored(forum: Forum) -> None:
    summary = compile_at(forum, [contribution("left", {"events": "Gammal aktör"})])

    assert summary.reported_count == 0
    assert all(not s.entries for s in summary.sections)


def test_the_summary_carries_the_meeting_facts(forum: Forum) -> None:
    summary = compile_at(forum, [], BEFORE_DEADLINE)

    assert summary.forum_name == "Trygghetsforum Centrum"
    assert summary.timezone == "Europe/Stockholm"
    assert (summary.meeting_date, summary.starts_at, summary.deadline_at) == (
        MEETING_DATE,
        STARTS_AT,
        DEADLINE_AT,
    )
    assert summary.compiled_at == BEFORE_DEADLINE
    assert (summary.reported_count, summary.organisation_count) == (0, 5)


def test_a_forum_without_organisations_or_sections_compiles_to_an_empty_summary() -> None:
    forum = Forum("f", "Tomt forum", "t", "c", "chair", Schedule())

    summary = compile_at(forum, [])

    assert (summary.sections, summary.missing, summary.organisation_count) == ((), (), 0)


def test_split_sections_separates_current_agenda_text_from_removed_sections(forum: Forum) -> None:
    stored = [
        ("events", "Aktuella händelser", "Nu"),
        ("trends", "Trender", "Förr"),
        ("places", "Platser", ""),
    ]

    texts, extras = split_sections(forum, stored)

    assert texts == {"events": "Nu", "places": ""}
    assert extras == (("Trender", "Förr"),)


def test_a_report_changed_after_the_deadline_keeps_its_on_time_text_and_shows_only_the_change_as_late(
    forum: Forum,
) -> None:
    on_time = contribution("police", {"events": "Stök vid torget.", "places": "Lugnt i parken."})
    changed = contribution("police", {"events": "Stök vid torget.", "places": "Lugnt i parken. Ny: bränder."},
                           at=AFTER_DEADLINE, late=True)
    summary = compile_at(forum, [on_time, changed], when=AFTER_DEADLINE)
    main = {s.section.id: [(e.organisation.id, e.text, e.late) for e in s.entries] for s in summary.sections}
    assert main["events"] == [("police", "Stök vid torget.", False)]
    assert main["places"] == [("police", "Lugnt i parken.", False)]
    late = {s.section.id: [(e.organisation.id, e.text) for e in s.entries] for s in summary.late}
    assert late == {"places": [("police", "Lugnt i parken. Ny: bränder.")]}
    assert summary.reported_count == 1 and summary.missing[0].id != "police"
    assert all(o.id != "police" for o in summary.nothing_new)


def test_a_first_report_after_the_deadline_is_all_late(forum: Forum) -> None:
    late_only = contribution("police", {"events": "Stök vid torget."}, at=AFTER_DEADLINE, late=True)
    summary = compile_at(forum, [late_only], when=AFTER_DEADLINE)
    assert all(not s.entries for s in summary.sections)
    assert [(s.section.id, [e.text for e in s.entries]) for s in summary.late] == [("events", ["Stök vid torget."])]


def test_a_version_counts_as_late_against_the_deadline_it_is_compiled_against() -> None:
    """Sent after the first deadline, then the meeting's deadline was moved later: on time against the new one."""
    from domain.meetings import ContributionVersion
    from domain.reporting import contribution_input, frame_for

    forum = Forum("f", "Forum", "t", "19:c", "29:chair", Schedule(), sections=SECTIONS, organisations=ORGANISATIONS)
    sent = ContributionVersion("c1", "m1", "police", 1, (("events", "Aktuella händelser", "Text"),), False, True,
                               "29:p", "P", AFTER_DEADLINE, True)  # late when it was sent
    moved = frame_for(forum, MEETING_DATE, STARTS_AT, AFTER_DEADLINE + timedelta(hours=1))
    assert contribution_input(moved, sent, deadline_at=moved.deadline_at).after_deadline is False
    assert contribution_input(moved, sent).after_deadline is True  # without the frame's deadline: as stored
    original = frame_for(forum, MEETING_DATE, STARTS_AT, DEADLINE_AT)
    assert contribution_input(original, sent, deadline_at=original.deadline_at).after_deadline is True
