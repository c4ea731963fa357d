"""The rules of action items: what a new action may not be, whose role owns it, and the follow-up's order."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.actions import (
    ActionItem,
    ActionProblem,
    ActionStatus,
    OwnerChoice,
    check_new,
    follow_up,
    owner_for,
    roles_of,
)
from domain.model import Forum, Membership, Organisation, Role, RoleKind, Schedule

TODAY = date(2026, 12, 3)
NOW = datetime(2026, 12, 3, 7, 0, tzinfo=UTC)
POLISEN, SKOLAN = Organisation("o1", "Polisen", 1), Organisation("o2", "Skolan", 2)


def _forum(roles: tuple[Role, ...] = (), memberships: tuple[Membership, ...] = ()) -> Forum:
    return Forum(id="f", name="Forum", tenant_id="t", conversation_id="19:f", chair_id="29:chair",
                 schedule=Schedule(), organisations=(POLISEN, SKOLAN), roles=roles, memberships=memberships)


def _action(number: int, due: date, *, status: ActionStatus = ActionStatus.OPEN,
            closed_at: datetime | None = None) -> ActionItem:
    return ActionItem(id=f"a{number}", forum_id="f", number=number, title=f"Åtgärd {number}", owner_role_id="r1",
                      due=due, meeting_id="m1", item_key="s1", status=status, created_at=NOW - timedelta(days=30),
                      created_by="29:chair", closed_at=closed_at)


FORUM = _forum((Role("r1", "o1", RoleKind.PARTICIPANT, "29:anna"), Role("r2", "o1", RoleKind.DEPUTY, None)))


def test_a_good_new_action_has_no_problems_and_today_is_not_past() -> None:
    assert check_new(FORUM, title="Ring skolan", owner_role_id="r1", due=TODAY, today=TODAY) == []


def test_an_empty_title_is_refused_even_when_it_is_only_spaces() -> None:
    assert check_new(FORUM, title="  \n ", owner_role_id="r1", due=TODAY, today=TODAY) == [ActionProblem.EMPTY_TITLE]


def test_a_due_date_before_today_or_missing_is_refused() -> None:
    yesterday = TODAY - timedelta(days=1)
    assert check_new(FORUM, title="x", owner_role_id="r1", due=yesterday, today=TODAY) == [ActionProblem.PAST_DUE]
    assert check_new(FORUM, title="x", owner_role_id="r1", due=None, today=TODAY) == [ActionProblem.PAST_DUE]


def test_an_owner_role_not_in_the_forum_is_refused_and_every_problem_is_reported() -> None:
    assert check_new(FORUM, title="x", owner_role_id="r9", due=TODAY, today=TODAY) == [ActionProblem.UNKNOWN_OWNER]
    assert check_new(FORUM, title="", owner_role_id=None, due=TODAY - timedelta(days=1), today=TODAY) == [
        ActionProblem.EMPTY_TITLE, ActionProblem.UNKNOWN_OWNER, ActionProblem.PAST_DUE]


def test_a_person_owns_through_the_participant_role_before_the_deputy_role() -> None:
    forum = _forum((Role("r2", "o2", RoleKind.DEPUTY, "29:anna"), Role("r1", "o1", RoleKind.PARTICIPANT, "29:anna")))
    assert owner_for(forum, "29:anna") == OwnerChoice("o1", RoleKind.PARTICIPANT, "r1")
    deputy_only = _forum((Role("r2", "o2", RoleKind.DEPUTY, "29:anna"),))
    assert owner_for(deputy_only, "29:anna") == OwnerChoice("o2", RoleKind.DEPUTY, "r2")


def test_a_member_without_a_role_gets_the_vacant_role_of_their_organisation() -> None:
    taken = _forum((Role("r1", "o1", RoleKind.PARTICIPANT, "29:erik"), Role("r2", "o1", RoleKind.DEPUTY, None)),
                   (Membership("29:anna", "o1"),))
    assert owner_for(taken, "29:anna") == OwnerChoice("o1", RoleKind.DEPUTY, None)
    nothing_yet = _forum(memberships=(Membership("29:anna", "o2"),))
    assert owner_for(nothing_yet, "29:anna") == OwnerChoice("o2", RoleKind.PARTICIPANT, None)


def test_no_owner_for_someone_without_organisation_or_when_both_roles_are_held_by_others() -> None:
    assert owner_for(_forum(), "29:nobody") is None
    assert owner_for(_forum(memberships=(Membership("29:anna", None),)), "29:anna") is None
    full = _forum((Role("r1", "o1", RoleKind.PARTICIPANT, "29:erik"), Role("r2", "o1", RoleKind.DEPUTY, "29:fia")),
                  (Membership("29:anna", "o1"),))
    assert owner_for(full, "29:anna") is None


def test_roles_of_are_the_roles_a_person_holds() -> None:
    forum = _forum((Role("r1", "o1", RoleKind.PARTICIPANT, "29:anna"), Role("r3", "o2", RoleKind.DEPUTY, "29:anna"),
                    Role("r2", "o1", RoleKind.DEPUTY, "29:erik")))
    assert roles_of(forum, "29:anna") == {"r1", "r3"} and roles_of(forum, "29:nobody") == set()


def test_equal_due_dates_are_ordered_by_number_and_due_today_is_not_overdue() -> None:
    actions = [_action(7, TODAY), _action(3, TODAY), _action(5, TODAY - timedelta(days=1)),
               _action(4, TODAY - timedelta(days=1))]
    assert [a.number for a in follow_up(actions, today=TODAY, closed_since=None).open] == [4, 5, 3, 7]
    assert not _action(1, TODAY).overdue_on(TODAY) and _action(1, TODAY).overdue_on(TODAY + timedelta(days=1))


def test_overdue_is_a_matter_of_dates_not_of_the_clock_around_a_dst_change() -> None:
    # The autumn night 25 October 2026 has 25 hours in Stockholm: the local day decides, not the hours elapsed.
    stockholm = ZoneInfo("Europe/Stockholm")
    late_evening = datetime(2026, 10, 25, 23, 59, tzinfo=stockholm)
    just_after = datetime(2026, 10, 26, 0, 0, tzinfo=stockholm)
    due = date(2026, 10, 25)
    assert not _action(1, due).overdue_on(late_evening.date())
    assert _action(1, due).overdue_on(just_after.date())
    result = follow_up([_action(1, due), _action(2, date(2026, 10, 26))], today=just_after.date(), closed_since=None)
    assert [(a.number, a.overdue_on(just_after.date())) for a in result.open] == [(1, True), (2, False)]


def test_a_closure_exactly_at_the_previous_meeting_counts_and_closed_ones_are_by_number() -> None:
    since = NOW - timedelta(days=7)
    actions = [_action(9, TODAY, status=ActionStatus.DONE, closed_at=since),
               _action(2, TODAY, status=ActionStatus.DONE, closed_at=since + timedelta(days=2)),
               _action(4, TODAY, status=ActionStatus.DONE, closed_at=since - timedelta(seconds=1)),
               _action(6, TODAY, status=ActionStatus.DONE, closed_at=None)]
    result = follow_up(actions, today=TODAY, closed_since=since)
    assert [a.number for a in result.closed] == [2, 9] and result.open == ()
    assert not result.is_empty() and follow_up([], today=TODAY, closed_since=since).is_empty()
