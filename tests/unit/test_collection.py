"""Who gets the lägesbild card and the reminder, and what a tick should do at a given moment."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from domain.collection import Phase, card_recipients, due_work, may_submit, phase, reminder_recipients
from domain.model import Forum, Membership, Offset, Organisation, Person, Role, RoleKind, Schedule
from domain.schedule import meeting_times

POLICE = Organisation("org-police", "Polisen", 1)
SOCIAL = Organisation("org-social", "Socialtjänsten", 2)
SCHOOL = Organisation("org-school", "Norrbyskolan", 3)
MEETING_DAY = date(2026, 11, 26)


def forum(*roles: Role) -> Forum:
    return Forum(
        id="f1", name="Forum", tenant_id="t", conversation_id="c", chair_id="29:anna", schedule=Schedule(),
        organisations=(POLICE, SOCIAL, SCHOOL), roles=roles,
        memberships=tuple(Membership(r.holder_id, r.organisation_id) for r in roles if r.holder_id),
    )


ROLES = (
    Role("r1", POLICE.id, RoleKind.PARTICIPANT, "29:erik"),
    Role("r2", POLICE.id, RoleKind.DEPUTY, "29:per"),
    Role("r3", SOCIAL.id, RoleKind.PARTICIPANT, "29:fatima"),
    Role("r4", SCHOOL.id, RoleKind.PARTICIPANT, None),
    Role("r5", SCHOOL.id, RoleKind.DEPUTY, "29:johan"),
)


def people(**away: date) -> dict[str, Person]:
    ids = ["29:erik", "29:per", "29:fatima", "29:johan"]
    return {i: Person(i, i, away_until=away.get(i[3:])) for i in ids}


def test_each_organisation_gets_one_card_to_its_participant() -> None:
    found = {(r.organisation.id, r.person_id, r.role) for r in card_recipients(forum(*ROLES), people(), MEETING_DAY)}
    assert (POLICE.id, "29:erik", RoleKind.PARTICIPANT) in found
    assert (SOCIAL.id, "29:fatima", RoleKind.PARTICIPANT) in found


def test_the_deputy_gets_the_card_when_the_participant_is_away_or_the_role_is_vacant() -> None:
    found = {r.organisation.id: r for r in card_recipients(forum(*ROLES), people(erik=date(2026, 11, 30)),
                                                           MEETING_DAY)}
    assert found[POLICE.id].person_id == "29:per" and found[POLICE.id].role is RoleKind.DEPUTY
    assert found[SCHOOL.id].person_id == "29:johan"


def test_an_absence_that_ended_before_the_meeting_day_does_not_count() -> None:
    found = {r.organisation.id: r for r in card_recipients(forum(*ROLES), people(erik=date(2026, 11, 25)),
                                                           MEETING_DAY)}
    assert found[POLICE.id].person_id == "29:erik"


def test_an_organisation_with_nobody_available_gets_no_card() -> None:
    found = card_recipients(forum(*ROLES), people(fatima=date(2026, 12, 1)), MEETING_DAY)
    assert SOCIAL.id not in {r.organisation.id for r in found}


def test_reminders_go_only_to_organisations_that_have_not_answered() -> None:
    found = reminder_recipients(forum(*ROLES), people(), MEETING_DAY, answered={POLICE.id})
    assert [r.organisation.id for r in found] == [SOCIAL.id, SCHOOL.id]


def test_only_role_holders_of_the_organisation_may_submit() -> None:
    f = forum(*ROLES)
    assert may_submit(f, "29:per", POLICE.id)
    assert not may_submit(f, "29:per", SOCIAL.id)
    assert not may_submit(f, "29:anna", POLICE.id)


TIMES = meeting_times(Schedule(opens=Offset(3, time(8)), reminder=Offset(1, time(12)),
                               deadline=Offset(1, time(16))), MEETING_DAY)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def test_phases_follow_the_schedule_in_stockholm_time() -> None:
    assert phase(TIMES, at(23, 6, 59)) is Phase.BEFORE_OPEN  # 07:59 local
    assert phase(TIMES, at(23, 7)) is Phase.OPEN
    assert phase(TIMES, at(25, 11)) is Phase.REMINDING
    assert phase(TIMES, at(25, 15)) is Phase.LATE
    assert phase(TIMES, at(26, 8)) is Phase.CLOSED


def test_due_work_at_each_moment() -> None:
    assert due_work(TIMES, at(23, 6)) == due_work(TIMES, at(22, 0))
    assert due_work(TIMES, at(23, 7)).send_cards and not due_work(TIMES, at(23, 7)).send_reminders
    reminding = due_work(TIMES, at(25, 12))
    assert reminding.send_cards and reminding.send_reminders and not reminding.post_summary
    late = due_work(TIMES, at(25, 15))
    assert late.post_summary and not late.send_cards and not late.send_reminders


def test_a_bot_that_was_down_at_the_deadline_still_posts_the_summary_but_not_days_later() -> None:
    assert due_work(TIMES, at(26, 10)).post_summary  # two hours after the meeting started
    assert not due_work(TIMES, at(28, 10)).post_summary
    # A forum set up after this meeting's deadline: nobody was asked, so no (empty) summary is posted.
    assert not due_work(TIMES, at(25, 17), forum_since=at(25, 16, 30)).post_summary
    assert due_work(TIMES, at(25, 17), forum_since=at(23, 9)).post_summary
    assert due_work(TIMES, at(25, 17), forum_since=at(25, 16, 30), contributed=True).post_summary  # sent anyway


def test_times_are_utc_instants_of_local_wall_times() -> None:
    assert TIMES.starts_at == datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
    assert TIMES.opens_at == datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
    assert TIMES.deadline_at == datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
