"""Card revisions, the frozen summary record, and the cards that refuse or ask (validated as Teams would)."""

from __future__ import annotations

import dataclasses
from datetime import time

import pytest

from dialogs.cards.membership import join_card, members_card
from dialogs.cards.setup import forum_values, removal_card, setup_card
from dialogs.texts import for_language
from domain.model import Forum, Membership, Organisation, Role, RoleKind, Schedule
from domain.reporting import compile_frame, frame_for
from domain.revisions import fingerprint, join_revision, members_revision, setup_revision, typed_values
from storage.summary_codec import frame_from_json, frame_to_json, summary_from_json, summary_to_json
from tests.cardcheck import validate_cards
from tests.unit.test_reporting import AFTER_DEADLINE, DEADLINE_AT, MEETING_DATE, STARTS_AT, contribution


@pytest.fixture
def forum() -> Forum:
    from tests.unit.test_reporting import ORGANISATIONS, SECTIONS

    return Forum(id="f1", name="Trygghetsforum Centrum", tenant_id="t", conversation_id="19:c", chair_id="29:chair",
                 schedule=Schedule(), sections=SECTIONS, organisations=ORGANISATIONS,
                 roles=(Role("r1", "police", RoleKind.PARTICIPANT, "29:erik"),),
                 memberships=(Membership("29:erik", "police"),))


def test_the_setup_revision_ignores_members_and_follows_every_setting(forum: Forum) -> None:
    joined = dataclasses.replace(forum, memberships=(*forum.memberships, Membership("29:ny", "school")))
    assert setup_revision(joined) == setup_revision(forum)
    assert members_revision(joined) != members_revision(forum)
    renamed = dataclasses.replace(forum, organisations=(Organisation("police", "Polisen Syd", 2),
                                                        *forum.organisations[1:]))
    later = dataclasses.replace(forum, schedule=Schedule(deadline=dataclasses.replace(Schedule().deadline,
                                                                                        at=time(15, 0))))
    revisions = {setup_revision(forum), setup_revision(renamed), setup_revision(later)}
    assert len(revisions) == 3
    assert join_revision(renamed) != join_revision(forum) and join_revision(later) == join_revision(forum)
    assert setup_revision(dataclasses.replace(renamed, organisations=forum.organisations)) == setup_revision(forum)


def test_typed_values_are_the_ones_that_differ_from_what_the_card_showed() -> None:
    shown = {"name": fingerprint("Forum"), "time": fingerprint("09:00"), "organisations_new": fingerprint("")}
    submitted = {"name": "Forum", "time": "10:00", "organisations_new": "Polisen", "forum_id": "x", "verb": "v"}
    assert typed_values(submitted, shown) == {"time": "10:00", "organisations_new": "Polisen"}
    assert typed_values(submitted, None) == {}


def test_a_summary_and_its_frame_survive_the_round_trip_through_json(forum: Forum) -> None:
    frame = frame_for(forum, MEETING_DATE, STARTS_AT, DEADLINE_AT)
    summary = compile_frame(frame, [
        dataclasses.replace(contribution("police", {"events": "Stök vid torget."}, extra=(("Gammal punkt", "Text"),)),
                            areas={"events": ("Centrum", "Droger")}),
        contribution("school", nothing_new=True),
        contribution("field", attending=False),
        contribution("rescue", {"places": "Brand i container."}, at=AFTER_DEADLINE, late=True),
    ], compiled_at=AFTER_DEADLINE)
    assert summary.late and summary.missing and summary.not_attending and summary.nothing_new
    assert [e.areas for s in summary.sections for e in s.entries if e.areas] == [("Centrum", "Droger")]
    assert summary_from_json(summary_to_json(summary)) == summary
    assert frame_from_json(frame_to_json(frame)) == frame


def test_a_frozen_frame_keeps_a_retired_organisation_and_the_old_deadline(forum: Forum) -> None:
    frame = frame_for(forum, MEETING_DATE, STARTS_AT, DEADLINE_AT)
    later = dataclasses.replace(forum, name="Nytt namn", organisations=forum.organisations[1:])
    reports = [contribution("police", {"events": "Stök vid torget."})]
    frozen = compile_frame(frame, reports, compiled_at=DEADLINE_AT)
    assert frozen.forum_name == "Trygghetsforum Centrum" and frozen.organisation_count == 5
    assert [e.organisation.name for s in frozen.sections for e in s.entries] == ["Polisen"]
    live = compile_frame(frame_for(later, MEETING_DATE, STARTS_AT, DEADLINE_AT), reports, compiled_at=DEADLINE_AT)
    assert live.organisation_count == 4 and not any(s.entries for s in live.sections)


@pytest.mark.node
@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_refusing_and_asking_cards_are_valid_for_teams(forum: Forum, language: str) -> None:
    t = for_language(language)
    rows = ([(s.id, s.title) for s in forum.sections], [(o.id, o.name) for o in forum.organisations])
    cards = [
        setup_card(t, forum_id=forum.id, values=forum_values(forum), sections=rows[0], organisations=rows[1],
                   revision=setup_revision(forum), chair_id=forum.chair_id, note=t("setup.stale.note")),
        removal_card(t, forum_id=forum.id, data={"name": "x", "revision": "r"},
                     removed=[("police", "Polisen", 0), ("school", "Skolan", 1), ("field", "Fält", 3)]),
        members_card(t, forum=forum, names={"29:erik": "Erik"}, roster=[("29:ny", "Ny")],
                     revision=members_revision(forum), note=t("membership.stale.note")),
        join_card(t, forum=forum, current_organisation=None, revision=join_revision(forum),
                  note=t("membership.stale.join_note")),
    ]
    assert validate_cards(cards) == []
    assert cards[0]["refresh"]["userIds"] == ["29:chair"]
    assert cards[2]["refresh"]["action"]["verb"] == "members.refresh"
