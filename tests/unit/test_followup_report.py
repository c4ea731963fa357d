"""Every figure of the follow-up report (domain/followup_report.py) on hand-made data with known answers."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from domain.action_log import ActionEvent, EventKind
from domain.actions import ActionItem, ActionStatus
from domain.charter import Area, Charter, Goal, GoalEvaluation, GoalRating
from domain.followup_report import Answer, Decision, MeetingFacts, Participation, ReportFacts, compile_report
from domain.meetings import meeting_from
from domain.model import Forum, Organisation, Role, RoleKind, Schedule

SCHEDULE = Schedule()
ORGS = (Organisation("pol", "Polisen", 1), Organisation("soc", "Socialtjänsten", 2), Organisation("sko", "Skolan", 3))
ROLES = (Role("r-pol", "pol", RoleKind.PARTICIPANT, "29:p"), Role("r-soc", "soc", RoleKind.PARTICIPANT, "29:s"),
         Role("r-sko", "sko", RoleKind.PARTICIPANT, None), Role("d-sko", "sko", RoleKind.DEPUTY, "29:d"))
FORUM = Forum("f", "Forum", "t", "19:c", "29:chair", SCHEDULE, organisations=ORGS, roles=ROLES,
              charter=Charter(goals=(Goal("g1", "Färre"),), areas=(Area("c", "Centrum"), Area("d", "Droger"))))


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def meeting(n: int, day: date, *, status: str = "scheduled", original: date | None = None) -> object:
    return meeting_from(SCHEDULE, id=f"m{n}", forum_id="f", original_date=original or day, local_date=day,
                        starts_at=at(day, 8), status=status)


def text(org: str, *areas: tuple[str, tuple[str, ...]], on_time: bool = True) -> Answer:
    return Answer(org, has_text=True, attending=True, on_time=on_time, areas=areas)


def action(n: int, created: date, due: date, *, closed: date | None = None, role: str = "r-pol",
           cancelled: bool = False) -> ActionItem:
    status = ActionStatus.CANCELLED if cancelled else ActionStatus.DONE if closed else ActionStatus.OPEN
    return ActionItem(f"a{n}", "f", n, f"Åtgärd {n}", role, due, "m1", "s", status, at(created), "29:chair",
                      closed_at=at(closed) if closed else None)


def facts() -> ReportFacts:
    days = [date(2026, 11, 5), date(2026, 11, 12), date(2026, 11, 19), date(2026, 11, 26), date(2026, 12, 3)]
    meetings = (
        MeetingFacts(meeting(1, days[0]), (text("pol", ("s1", ("c",))), text("soc", ("s1", ("c", "d")), on_time=False),
                                          Answer("sko", False, True, True))),
        MeetingFacts(meeting(2, days[1], status="cancelled")),
        MeetingFacts(meeting(3, days[2], original=date(2026, 11, 18)),
                     (text("pol", ("s1", ("d",)), ("s2", ("d",))), Answer("soc", True, False, True))),
        MeetingFacts(meeting(4, days[3]), (text("pol"),)),
        MeetingFacts(meeting(5, days[4]), (text("pol", ("s1", ("c",))),)),  # after "today": not held yet
    )
    actions = (
        action(1, date(2026, 10, 20), date(2026, 11, 10), closed=date(2026, 11, 6)),  # closed in the period: 17 days
        action(2, date(2026, 11, 5), date(2026, 11, 20), closed=date(2026, 11, 9), role="r-soc"),  # 4 days
        action(3, date(2026, 11, 5), date(2026, 11, 15), role="r-sko"),  # open, overdue at the end
        action(4, date(2026, 11, 19), date(2026, 12, 15)),  # open, not overdue
        action(5, date(2026, 11, 19), date(2026, 11, 21), closed=date(2026, 12, 2)),  # closed after: overdue at end
        action(6, date(2026, 11, 19), date(2026, 11, 21), cancelled=True),  # cancelled: never counted
        action(7, date(2026, 11, 5), date(2026, 11, 10), closed=date(2026, 11, 30)),  # 25 days
    )
    events = (
        ActionEvent("a3", "f", at(date(2026, 11, 16)), EventKind.REDATED),
        ActionEvent("a3", "f", at(date(2026, 11, 17)), EventKind.REDATED),
        ActionEvent("a4", "f", at(date(2026, 11, 20)), EventKind.HANDED_OVER),
        ActionEvent("a3", "f", at(date(2026, 11, 21)), EventKind.ROLE_VACANT),
        ActionEvent("a4", "f", at(date(2026, 12, 5)), EventKind.HANDED_OVER),  # after the period
    )
    evaluations = (
        GoalEvaluation("f", "g1", "Färre", GoalRating.PARTLY, "", "2026-H1", "29:chair", at(date(2026, 7, 1))),
        GoalEvaluation("f", "g1", "Färre", GoalRating.ACHIEVED, "", "2026", "29:chair", at(date(2026, 12, 20))))
    return ReportFacts(forum=FORUM, start=date(2026, 11, 1), end=date(2026, 11, 30), today=date(2026, 11, 30),
                       meetings=meetings, actions=actions, events=events,  # type: ignore[arg-type]
                       decisions=(Decision(date(2026, 11, 5), 3, "Nattvandring"),), evaluations=evaluations)


def test_meetings_held_cancelled_and_moved() -> None:
    report = compile_report(facts())
    assert (report.meetings.held, report.meetings.cancelled, report.meetings.moved) == (3, 1, 1)


def test_participation_per_organisation_and_over_time() -> None:
    report = compile_report(facts())
    by_org = {p.name: p for p in report.participation}
    assert by_org["Polisen"].counts[Participation.ON_TIME] == 3 and by_org["Polisen"].rate == 1.0
    soc = by_org["Socialtjänsten"].counts
    assert (soc[Participation.LATE], soc[Participation.NOT_ATTENDING], soc[Participation.MISSING]) == (1, 1, 1)
    assert by_org["Socialtjänsten"].rate == pytest.approx(2 / 3)
    sko = by_org["Skolan"].counts
    assert (sko[Participation.NOTHING_NEW], sko[Participation.MISSING]) == (1, 2)
    assert [(m.day.day, m.answered, m.on_time) for m in report.over_time] == [
        (5, 1.0, pytest.approx(1 / 3)), (19, pytest.approx(2 / 3), pytest.approx(1 / 3)),
        (26, pytest.approx(1 / 3), pytest.approx(1 / 3))]


def test_action_figures() -> None:
    figures = compile_report(facts()).actions
    assert (figures.created, figures.closed, figures.open_at_end, figures.overdue_at_end) == (5, 3, 3, 2)
    assert (figures.redated, figures.handed_over) == (2, 1)
    assert figures.median_days_to_close == 17.0  # 4, 17, 25
    assert figures.overdue_by_organisation == (("Polisen", 1), ("Skolan", 1))


def test_trends_goals_decisions_and_vacant_roles() -> None:
    report = compile_report(facts())
    assert report.areas == (("c", "Centrum"), ("d", "Droger"))
    assert [(w.week, w.counts) for w in report.trends] == [
        ("2026-W45", {"c": 2, "d": 1}), ("2026-W47", {"d": 2}), ("2026-W48", {})]
    assert report.evaluations["g1"].rating is GoalRating.PARTLY  # the December rating is after the period
    assert [d.text for d in report.decisions] == ["Nattvandring"]
    assert report.vacant_roles == (("Skolan", RoleKind.PARTICIPANT),) and report.fell_vacant == 1
    deputies = (Role("d-pol", "pol", RoleKind.DEPUTY, None), Role("d-sko", "sko", RoleKind.DEPUTY, None))
    more = compile_report(replace(facts(), forum=replace(FORUM, roles=(*ROLES[:3], *deputies))))
    assert more.vacant_roles == (("Skolan", RoleKind.PARTICIPANT), ("Polisen", RoleKind.DEPUTY),
                                 ("Skolan", RoleKind.DEPUTY))  # a missing participant first: that is the real gap
