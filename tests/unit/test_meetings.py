"""A stored meeting read into the domain, and what a schedule change does to the future meetings (plan_redating)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time

from domain.meetings import Cancel, Meeting, MeetingStatus, Redate, follows_schedule, meeting_from, plan_redating
from domain.model import Schedule
from domain.schedule import Occurrence, local_to_utc, meeting_times, zone_of

STOCKHOLM = Schedule()  # Thursdays 09:00, deadline the day before at 16:00
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # a Friday


def at_nine(day: date, schedule: Schedule = STOCKHOLM) -> datetime:
    return local_to_utc(day, schedule.time, zone_of(schedule))


def stored(meeting_id: str, day: date, *, moved_to: date | None = None, status: str = "scheduled",
           wall: time = time(9, 0), schedule: Schedule = STOCKHOLM) -> Meeting:
    local = moved_to or day
    return meeting_from(schedule, id=meeting_id, forum_id="f1", original_date=day, local_date=local,
                        starts_at=local_to_utc(local, wall, zone_of(schedule)), status=status)


def held(day: date, schedule: Schedule = STOCKHOLM) -> Occurrence:
    return Occurrence(day, at_nine(day, schedule))


def test_a_stored_meeting_carries_its_instants_from_the_schedule() -> None:
    meeting = stored("m1", date(2026, 11, 26))
    assert meeting.times == meeting_times(STOCKHOLM, date(2026, 11, 26))
    assert meeting.starts_at == datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
    assert meeting.times.deadline_at == datetime(2026, 11, 25, 15, 0, tzinfo=UTC)  # Wednesday 16:00 CET
    assert meeting.status is MeetingStatus.SCHEDULED and not meeting.cancelled and not meeting.moved


def test_a_moved_meeting_keeps_its_own_wall_time_and_counts_back_from_its_new_date() -> None:
    meeting = stored("m1", date(2026, 11, 26), moved_to=date(2026, 11, 27), wall=time(13, 30))
    assert meeting.moved
    assert meeting.starts_at == datetime(2026, 11, 27, 12, 30, tzinfo=UTC)
    assert meeting.times.deadline_at == datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


def test_the_wall_time_is_read_in_the_forums_zone_across_dst() -> None:
    # Stored in summer time (07:00 UTC = 09:00 CEST), the meeting is still at 09:00 local on its date.
    meeting = meeting_from(STOCKHOLM, id="m1", forum_id="f1", original_date=date(2026, 10, 22),
                           local_date=date(2026, 10, 22), starts_at=datetime(2026, 10, 22, 7, 0, tzinfo=UTC),
                           status="cancelled")
    assert meeting.starts_at == datetime(2026, 10, 22, 7, 0, tzinfo=UTC)
    assert meeting.cancelled


def test_nothing_changes_when_the_meetings_already_match_the_schedule() -> None:
    meetings = [stored("m1", date(2026, 11, 26)), stored("m2", date(2026, 12, 3))]
    assert plan_redating(STOCKHOLM, meetings, [held(date(2026, 11, 26)), held(date(2026, 12, 3))], NOW) == []


def test_each_following_meeting_takes_the_next_new_date_in_order() -> None:
    tuesdays = replace(STOCKHOLM, weekday=1)
    meetings = [stored("m1", date(2026, 11, 26)), stored("m2", date(2026, 12, 3))]
    upcoming = [held(date(2026, 11, 24), tuesdays), held(date(2026, 12, 1), tuesdays)]
    changes = plan_redating(tuesdays, meetings, upcoming, NOW)
    assert changes == [
        Redate(meetings[0], date(2026, 11, 24), meeting_times(tuesdays, date(2026, 11, 24))),
        Redate(meetings[1], date(2026, 12, 1), meeting_times(tuesdays, date(2026, 12, 1))),
    ]


def test_a_new_time_on_the_same_date_is_a_change() -> None:
    later = replace(STOCKHOLM, time=time(13, 0))
    meetings = [stored("m1", date(2026, 11, 26))]
    (change,) = plan_redating(later, meetings, [held(date(2026, 11, 26), later)], NOW)
    assert isinstance(change, Redate) and change.times.starts_at == datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def test_meetings_beyond_the_new_occurrences_are_cancelled() -> None:
    meetings = [stored("m1", date(2026, 11, 26)), stored("m2", date(2026, 12, 3))]
    changes = plan_redating(STOCKHOLM, meetings, [held(date(2026, 11, 26))], NOW)
    assert changes == [Cancel(meetings[1])]


def test_moved_cancelled_and_past_meetings_are_left_alone_and_keep_their_dates() -> None:
    past = stored("past", date(2026, 11, 19))
    moved = stored("moved", date(2026, 11, 26), moved_to=date(2026, 11, 27))
    cancelled = stored("off", date(2026, 12, 3), status="cancelled")
    following = stored("m4", date(2026, 12, 10))
    meetings = [past, moved, cancelled, following]
    assert follows_schedule(meetings, NOW) == [following]
    # The new schedule's first dates are held by the moved and the cancelled meeting: the follower skips them.
    upcoming = [held(date(2026, 11, 26)), held(date(2026, 12, 3)), held(date(2026, 12, 17))]
    (change,) = plan_redating(STOCKHOLM, meetings, upcoming, NOW)
    assert change == Redate(following, date(2026, 12, 17), meeting_times(STOCKHOLM, date(2026, 12, 17)))


def test_no_following_meetings_means_no_changes() -> None:
    assert plan_redating(STOCKHOLM, [stored("past", date(2026, 11, 19))], [held(date(2026, 11, 26))], NOW) == []
