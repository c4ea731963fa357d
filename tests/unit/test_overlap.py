"""Parallel forums and each forum's activity (domain/overlap.py), on hand-made data with known answers."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.actions import ActionItem, ActionStatus
from domain.meetings import ContributionVersion, meeting_from
from domain.model import Schedule
from domain.overlap import ForumProfile, activity, jaccard, normalise, overlaps

SCHEDULE = Schedule()


def profile(forum_id: str, organisations: str, areas: str = "") -> ForumProfile:
    return ForumProfile(forum_id, forum_id.title(), tuple(o for o in organisations.split(",") if o),
                        tuple(a for a in areas.split(",") if a))


def test_names_are_compared_without_case_spacing_or_punctuation() -> None:
    assert normalise("  Socialtjänsten – Norr ") == normalise("socialtjänsten norr") == "socialtjänsten norr"
    assert jaccard(frozenset("ab"), frozenset("bc")) == pytest.approx(1 / 3)
    assert jaccard(frozenset(), frozenset()) == 0.0


def test_forums_sharing_most_organisations_or_many_organisations_and_areas_are_flagged() -> None:
    found = overlaps([
        profile("a", "Polisen,Skolan,Fältassistenterna,Socialtjänsten", "Centrum,Droger"),
        profile("b", "polisen,skolan,fältassistenterna,socialtjänsten,Kyrkan"),  # 4/5 = 0.8: flagged alone
        profile("c", "Polisen,Skolan,Fältassistenterna,Socialtjänsten,Räddningstjänsten,Bostadsbolaget",
                "centrum,droger"),  # 4/6 with the same areas
        profile("d", "Polisen,Biblioteket"),
        profile("e", ""),
    ])
    pairs = {(o.first, o.second): o for o in found}
    assert set(pairs) == {("a", "b"), ("a", "c")}
    assert pairs["a", "b"].organisations == pytest.approx(0.8)
    assert pairs["a", "b"].shared_organisations == ("Polisen", "Skolan", "Fältassistenterna", "Socialtjänsten")
    assert pairs["a", "c"].organisations == pytest.approx(4 / 6) and pairs["a", "c"].areas == 1.0
    assert pairs["a", "c"].shared_areas == ("Centrum", "Droger")  # b and c: 4 of 7 and no areas, not flagged


def test_many_organisations_without_the_areas_are_not_enough() -> None:
    assert overlaps([profile("a", "A,B,C,D,E", "x"), profile("b", "A,B,C,D,F", "y")]) == []  # 4/6, areas 0
    assert len(overlaps([profile("a", "A,B,C,D,E", "x,y"), profile("b", "A,B,C,D,F", "x,y")])) == 1


def _meeting(n: int, day: date, *, cancelled: bool = False) -> object:
    return meeting_from(SCHEDULE, id=f"m{n}", forum_id="f", original_date=day, local_date=day,
                        starts_at=datetime(day.year, day.month, day.day, 8, tzinfo=UTC),
                        status="cancelled" if cancelled else "scheduled")


def _answer(meeting: str, org: str) -> ContributionVersion:
    return ContributionVersion(f"c-{meeting}-{org}", meeting, org, 1, (), True, True, "29:x", "X",
                               datetime(2026, 1, 1, tzinfo=UTC), False)


def test_activity_counts_the_last_meetings_held_and_open_and_overdue_actions() -> None:
    days = [date(2026, 11, d) for d in (5, 12, 19, 26)] + [date(2026, 12, 3)]
    meetings = [_meeting(i, d, cancelled=(i == 1)) for i, d in enumerate(days)]
    answered = {"m0": [_answer("m0", "o1"), _answer("m0", "o2")], "m2": [_answer("m2", "o1"), _answer("m2", "gone")],
                "m3": [], "m4": [_answer("m4", "o1")]}
    actions = [ActionItem(f"a{n}", "f", n, "T", "r", due, "m0", "s", status, datetime(2026, 11, 5, tzinfo=UTC), "c")
               for n, (due, status) in enumerate([(date(2026, 11, 20), ActionStatus.OPEN),
                                                   (date(2026, 12, 20), ActionStatus.OPEN),
                                                   (date(2026, 11, 1), ActionStatus.DONE)])]
    result = activity(date(2026, 11, 30), ["o1", "o2"], meetings, answered, actions)  # type: ignore[arg-type]
    assert result.last_meeting == date(2026, 11, 26)  # 3 December is still ahead; 12 November was cancelled
    assert result.meetings_counted == 3
    assert result.participation == pytest.approx((2 / 2 + 1 / 2 + 0 / 2) / 3)  # "gone" is no longer in the forum
    assert (result.open_actions, result.overdue_actions) == (2, 1)
    assert activity(date(2026, 11, 1), [], [], {}, []).participation is None
