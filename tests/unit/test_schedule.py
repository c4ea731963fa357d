from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.holidays import swedish_holidays
from dialogs.texts import Texts, load_catalog, placeholders
from domain import schedule as schedule_module
from domain.model import DateRange, Frequency, Offset, Schedule
from domain.schedule import (
    InvalidLocalTime,
    MissingStartDate,
    Occurrence,
    ScheduleError,
    check_local_time,
    local_to_utc,
    meeting_times,
    next_occurrences,
    occurrences,
    validate_schedule,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
FAKE_HOLIDAYS = {
    date(2026, 12, 24): "Julafton",
    date(2026, 12, 25): "Juldagen",
    date(2026, 12, 31): "Nyårsafton",
    date(2027, 1, 1): "Nyårsdagen",
}
THURSDAY_0900 = Schedule()  # weekly, Thursday 09:00 Europe/Stockholm, skips holidays


def fake_calendar(day: date) -> str | None:
    return FAKE_HOLIDAYS.get(day)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def dates(found: list[Occurrence]) -> list[date]:
    return [o.local_date for o in found]


def held(found: list[Occurrence]) -> list[date]:
    return [o.local_date for o in found if o.skipped is None]


def every(weeks: int, weekday: int, start_date: date) -> Schedule:
    return Schedule(
        frequency=Frequency.EVERY_N_WEEKS, weekday=weekday, interval_weeks=weeks, start_date=start_date
    )


# --- weekly ---------------------------------------------------------------------------------------------


def test_weekly_thursdays_of_november_and_december() -> None:
    found = occurrences(THURSDAY_0900, date(2026, 11, 1), date(2026, 12, 31))

    assert dates(found) == [date(2026, 11, 5) + timedelta(weeks=n) for n in range(9)]
    assert found[-1].local_date == date(2026, 12, 31)
    assert all(o.skipped is None for o in found)  # no calendar injected
    assert found[0].starts_at == utc(2026, 11, 5, 8, 0)  # 09:00 CET


def test_weekly_skips_julafton_and_nyarsafton_when_the_forum_skips_holidays() -> None:
    found = occurrences(THURSDAY_0900, date(2026, 11, 1), date(2026, 12, 31), holidays=fake_calendar)

    skipped = {o.local_date: (o.skipped, o.holiday_name) for o in found if o.skipped}
    assert skipped == {
        date(2026, 12, 24): ("holiday", "Julafton"),
        date(2026, 12, 31): ("holiday", "Nyårsafton"),
    }
    assert len(held(found)) == 7


def test_holidays_are_kept_when_the_forum_does_not_skip_them() -> None:
    schedule = replace(THURSDAY_0900, skip_public_holidays=False)

    found = occurrences(schedule, date(2026, 12, 1), date(2026, 12, 31), holidays=fake_calendar)

    assert all(o.skipped is None for o in found)
    assert date(2026, 12, 24) in held(found)


def test_range_bounds_are_inclusive_and_an_empty_range_is_empty() -> None:
    assert dates(occurrences(THURSDAY_0900, date(2026, 12, 3), date(2026, 12, 10))) == [
        date(2026, 12, 3),
        date(2026, 12, 10),
    ]
    assert occurrences(THURSDAY_0900, date(2026, 12, 11), date(2026, 12, 16)) == []
    assert occurrences(THURSDAY_0900, date(2026, 12, 31), date(2026, 12, 1)) == []


def test_start_date_is_respected() -> None:
    schedule = replace(THURSDAY_0900, start_date=date(2026, 11, 20))  # a Friday

    found = occurrences(schedule, date(2026, 11, 1), date(2026, 12, 10))

    assert dates(found) == [date(2026, 11, 26), date(2026, 12, 3), date(2026, 12, 10)]


# --- every N weeks --------------------------------------------------------------------------------------


def test_every_three_weeks_counts_from_the_first_meeting() -> None:
    schedule = every(3, weekday=1, start_date=date(2026, 9, 1))  # Tuesday 1 September

    found = occurrences(schedule, date(2026, 8, 1), date(2026, 12, 31))

    assert dates(found) == [
        date(2026, 9, 1),
        date(2026, 9, 22),
        date(2026, 10, 13),
        date(2026, 11, 3),
        date(2026, 11, 24),
        date(2026, 12, 15),
    ]


def test_every_three_weeks_keeps_its_rhythm_in_a_later_window() -> None:
    schedule = every(3, weekday=1, start_date=date(2026, 9, 1))

    found = occurrences(schedule, date(2026, 11, 4), date(2027, 1, 31))

    assert dates(found) == [date(2026, 11, 24), date(2026, 12, 15), date(2027, 1, 5), date(2027, 1, 26)]


def test_every_six_weeks_from_a_start_date_that_is_not_a_meeting_day() -> None:
    schedule = every(6, weekday=1, start_date=date(2026, 8, 28))  # a Friday: first meeting Tuesday 1 Sept

    found = occurrences(schedule, date(2026, 1, 1), date(2027, 1, 31))

    assert dates(found) == [date(2026, 9, 1), date(2026, 10, 13), date(2026, 11, 24), date(2027, 1, 5)]


def test_every_n_weeks_needs_a_start_date() -> None:
    schedule = Schedule(frequency=Frequency.EVERY_N_WEEKS, interval_weeks=3)

    with pytest.raises(MissingStartDate) as caught:
        occurrences(schedule, date(2026, 1, 1), date(2026, 12, 31))
    assert caught.value.key == "schedule.error.start_date_required"


# --- monthly --------------------------------------------------------------------------------------------


def test_monthly_first_tuesday_across_a_year() -> None:
    schedule = Schedule(frequency=Frequency.MONTHLY, weekday=1, monthly_ordinal=1, time=time(13, 0))

    found = occurrences(schedule, date(2027, 1, 1), date(2027, 12, 31))

    assert [d.isoformat() for d in dates(found)] == [
        "2027-01-05", "2027-02-02", "2027-03-02", "2027-04-06", "2027-05-04", "2027-06-01",
        "2027-07-06", "2027-08-03", "2027-09-07", "2027-10-05", "2027-11-02", "2027-12-07",
    ]  # fmt: skip
    assert found[0].starts_at == utc(2027, 1, 5, 12, 0)
    assert found[5].starts_at == utc(2027, 6, 1, 11, 0)


def test_monthly_last_friday_across_a_year_skips_the_fridays_that_are_holidays() -> None:
    schedule = Schedule(frequency=Frequency.MONTHLY, weekday=4, monthly_ordinal=-1)

    found = occurrences(schedule, date(2027, 1, 1), date(2027, 12, 31), holidays=swedish_holidays())

    assert [d.isoformat() for d in dates(found)] == [
        "2027-01-29", "2027-02-26", "2027-03-26", "2027-04-30", "2027-05-28", "2027-06-25",
        "2027-07-30", "2027-08-27", "2027-09-24", "2027-10-29", "2027-11-26", "2027-12-31",
    ]  # fmt: skip
    assert {o.local_date: o.holiday_name for o in found if o.skipped} == {
        date(2027, 3, 26): "Långfredagen",
        date(2027, 6, 25): "Midsommarafton",
        date(2027, 12, 31): "Nyårsafton",
    }


def test_monthly_window_inside_a_month_and_start_date() -> None:
    schedule = Schedule(
        frequency=Frequency.MONTHLY, weekday=1, monthly_ordinal=1, start_date=date(2027, 3, 3)
    )

    assert dates(occurrences(schedule, date(2027, 1, 1), date(2027, 4, 30))) == [date(2027, 4, 6)]
    assert occurrences(schedule, date(2027, 4, 7), date(2027, 4, 30)) == []


# --- breaks ---------------------------------------------------------------------------------------------


def test_summer_break_skips_the_meetings_inside_it() -> None:
    schedule = replace(THURSDAY_0900, breaks=(DateRange(date(2027, 6, 21), date(2027, 8, 8)),))

    found = occurrences(schedule, date(2027, 6, 10), date(2027, 8, 19))

    assert held(found) == [date(2027, 6, 10), date(2027, 6, 17), date(2027, 8, 12), date(2027, 8, 19)]
    breaks = [o.local_date for o in found if o.skipped == "break"]
    assert breaks == [date(2027, 6, 24) + timedelta(weeks=n) for n in range(7)]


def test_jul_break_wins_over_a_holiday_and_even_applies_without_holiday_skipping() -> None:
    jul = DateRange(date(2026, 12, 21), date(2027, 1, 6))
    schedule = replace(THURSDAY_0900, breaks=(jul,))

    found = occurrences(schedule, date(2026, 12, 17), date(2027, 1, 14), holidays=fake_calendar)

    assert [(o.local_date, o.skipped) for o in found] == [
        (date(2026, 12, 17), None),
        (date(2026, 12, 24), "break"),
        (date(2026, 12, 31), "break"),
        (date(2027, 1, 7), None),
        (date(2027, 1, 14), None),
    ]
    no_holidays = replace(schedule, skip_public_holidays=False)
    assert held(occurrences(no_holidays, date(2026, 12, 17), date(2027, 1, 14))) == held(found)


# --- next occurrences -----------------------------------------------------------------------------------


def test_next_occurrences_are_strictly_after_and_skip_what_is_skipped() -> None:
    at_the_meeting = utc(2026, 12, 17, 8, 0)  # Thursday 17 December 09:00 in Stockholm

    found = next_occurrences(THURSDAY_0900, at_the_meeting, 3, holidays=fake_calendar)

    assert dates(found) == [date(2027, 1, 7), date(2027, 1, 14), date(2027, 1, 21)]
    just_before = next_occurrences(THURSDAY_0900, at_the_meeting - timedelta(seconds=1), 1)
    assert dates(just_before) == [date(2026, 12, 17)]


def test_next_occurrences_uses_the_forums_local_date() -> None:
    late_wednesday_utc = utc(2026, 12, 16, 23, 30)  # already Thursday 00:30 in Stockholm

    assert dates(next_occurrences(THURSDAY_0900, late_wednesday_utc, 1)) == [date(2026, 12, 17)]


def test_next_occurrences_crosses_search_windows_and_gives_up_after_ten_years() -> None:
    monthly = Schedule(frequency=Frequency.MONTHLY, weekday=1, monthly_ordinal=1)
    assert len(next_occurrences(monthly, utc(2026, 1, 1), 30)) == 30

    paused = replace(THURSDAY_0900, breaks=(DateRange(date(2026, 1, 1), date(2099, 12, 31)),))
    assert next_occurrences(paused, utc(2026, 1, 1), 1) == []
    assert next_occurrences(THURSDAY_0900, utc(2026, 1, 1), 0) == []


def test_next_occurrences_needs_an_aware_instant() -> None:
    with pytest.raises(ValueError, match="aware"):
        next_occurrences(THURSDAY_0900, datetime(2026, 12, 1, 9, 0), 1)


# --- DST ------------------------------------------------------------------------------------------------


def test_weekly_monday_0800_stays_0800_across_the_spring_change() -> None:
    schedule = Schedule(weekday=0, time=time(8, 0))

    found = occurrences(schedule, date(2026, 3, 23), date(2026, 3, 30))

    assert [o.starts_at for o in found] == [utc(2026, 3, 23, 7, 0), utc(2026, 3, 30, 6, 0)]
    local = [o.starts_at.astimezone(STOCKHOLM) for o in found]
    assert [t.time() for t in local] == [time(8, 0), time(8, 0)]
    assert [t.utcoffset() for t in local] == [timedelta(hours=1), timedelta(hours=2)]


def test_weekly_monday_0800_stays_0800_across_the_autumn_change() -> None:
    schedule = Schedule(weekday=0, time=time(8, 0))

    found = occurrences(schedule, date(2026, 10, 19), date(2026, 10, 26))

    assert [o.starts_at for o in found] == [utc(2026, 10, 19, 6, 0), utc(2026, 10, 26, 7, 0)]
    local = [o.starts_at.astimezone(STOCKHOLM) for o in found]
    assert [t.time() for t in local] == [time(8, 0), time(8, 0)]
    assert [t.utcoffset() for t in local] == [timedelta(hours=2), timedelta(hours=1)]


MONDAY_0900 = Schedule(
    weekday=0,
    time=time(9, 0),
    opens=Offset(days_before=3, at=time(8, 0)),
    reminder=Offset(days_before=1, at=time(12, 0)),
    deadline=Offset(days_before=1, at=time(16, 0)),
)


def test_meeting_times_spanning_the_spring_change() -> None:
    times = meeting_times(MONDAY_0900, date(2026, 3, 30))

    assert times.opens_at == utc(2026, 3, 27, 7, 0)  # Friday 08:00 CET
    assert times.reminder_at == utc(2026, 3, 29, 10, 0)  # Sunday 12:00 CEST
    assert times.deadline_at == utc(2026, 3, 29, 14, 0)  # Sunday 16:00 CEST
    assert times.starts_at == utc(2026, 3, 30, 7, 0)  # Monday 09:00 CEST
    assert times.opens_at.tzinfo is UTC and times.starts_at.tzinfo is UTC


def test_meeting_times_spanning_the_autumn_change() -> None:
    times = meeting_times(MONDAY_0900, date(2026, 10, 26))

    assert times.opens_at == utc(2026, 10, 23, 6, 0)  # Friday 08:00 CEST
    assert times.reminder_at == utc(2026, 10, 25, 11, 0)  # Sunday 12:00 CET
    assert times.deadline_at == utc(2026, 10, 25, 15, 0)  # Sunday 16:00 CET
    assert times.starts_at == utc(2026, 10, 26, 8, 0)  # Monday 09:00 CET


def test_meeting_times_of_a_moved_meeting() -> None:
    times = meeting_times(THURSDAY_0900, date(2026, 12, 22), time(13, 30))  # moved to Tuesday 13:30

    assert times.starts_at == utc(2026, 12, 22, 12, 30)
    assert times.opens_at == utc(2026, 12, 19, 7, 0)  # three days before the new date, 08:00
    assert times.deadline_at == utc(2026, 12, 21, 15, 0)


def test_a_missing_local_time_moves_forward_and_a_repeated_one_takes_its_first_occurrence() -> None:
    assert local_to_utc(date(2026, 3, 29), time(2, 30), STOCKHOLM) == utc(2026, 3, 29, 1, 30)  # 03:30 CEST
    assert local_to_utc(date(2026, 10, 25), time(2, 30), STOCKHOLM) == utc(2026, 10, 25, 0, 30)  # CEST
    assert local_to_utc(date(2026, 10, 25), time(2, 30, fold=1), STOCKHOLM) == utc(2026, 10, 25, 0, 30)


# --- local times and validation -------------------------------------------------------------------------


@pytest.mark.parametrize("at", [time(2, 0), time(2, 30), time(2, 59), time(2, 59, 59)])
def test_check_local_time_refuses_the_dst_hour(at: time) -> None:
    with pytest.raises(InvalidLocalTime) as caught:
        check_local_time(at, STOCKHOLM)
    assert caught.value.key == "schedule.error.dst_hour"
    assert caught.value.params["time"] == at.strftime("%H:%M")
    assert caught.value.params["zone"] == "Europe/Stockholm"
    assert caught.value.params["ranges"] == "02:00–02:59"


@pytest.mark.parametrize("at", [time(0, 0), time(1, 59), time(3, 0), time(23, 59)])
def test_check_local_time_accepts_other_times(at: time) -> None:
    check_local_time(at, STOCKHOLM)


# The rule is the forum's own zone's transitions, not a Stockholm hour: (zone, refused, accepted, ranges).
ZONE_RULES: list[tuple[str, list[time], list[time], str]] = [
    ("America/New_York", [time(1, 0), time(1, 30), time(2, 30)], [time(0, 59), time(3, 0)], "01:00–02:59"),
    ("Europe/London", [time(1, 0), time(1, 59)], [time(2, 0), time(2, 30), time(0, 59)], "01:00–01:59"),
    ("Australia/Lord_Howe", [time(1, 30), time(2, 0), time(2, 29)], [time(1, 29), time(2, 30)], "01:30–02:29"),
    ("America/Santiago", [time(0, 0), time(0, 30), time(23, 30)], [time(1, 0), time(22, 59), time(2, 30)],
     "00:00–00:59, 23:00–23:59"),
    ("Asia/Tokyo", [], [time(0, 0), time(2, 0), time(2, 30), time(23, 59)], ""),
    ("UTC", [], [time(2, 30)], ""),
]


@pytest.mark.parametrize(("zone", "refused", "accepted", "ranges"), ZONE_RULES)
def test_check_local_time_follows_the_forums_own_zone(
    zone: str, refused: list[time], accepted: list[time], ranges: str
) -> None:
    for at in refused:
        with pytest.raises(InvalidLocalTime) as caught:
            check_local_time(at, ZoneInfo(zone))
        assert caught.value.params["ranges"] == ranges
        for language in ("sv", "en"):
            worded = Texts(language, strict=True)(caught.value.key, **caught.value.params)
            assert zone in worded and ranges in worded and at.strftime("%H:%M") in worded
    for at in accepted:
        check_local_time(at, ZoneInfo(zone))


@pytest.mark.parametrize("name", ["America", "Europe", "localtime", "Factory", "posixrules", "posix/Europe/Stockholm",
                                  "right/UTC", "Europe/Stokholm", "", "../etc/passwd", "Europe/" + "x" * 300])
def test_a_timezone_must_be_a_place_in_the_iana_list(name: str) -> None:
    with pytest.raises(ScheduleError) as caught:
        validate_schedule(replace(THURSDAY_0900, timezone=name))
    assert caught.value.key == "schedule.error.timezone"


@pytest.mark.parametrize("name", ["Europe/Stockholm", "America/New_York", "Asia/Tokyo", "UTC", "Europe/Helsinki"])
def test_iana_places_are_accepted(name: str) -> None:
    validate_schedule(replace(THURSDAY_0900, timezone=name, time=time(9, 0)))


def test_a_schedule_in_new_york_refuses_01_30_which_stockholm_allows() -> None:
    validate_schedule(replace(THURSDAY_0900, deadline=Offset(0, time(1, 30))))
    with pytest.raises(InvalidLocalTime) as caught:
        validate_schedule(replace(THURSDAY_0900, timezone="America/New_York", deadline=Offset(0, time(1, 30))))
    assert caught.value.params["field"] == "deadline"


@pytest.mark.parametrize("zone", ["Europe/Stockholm", "America/New_York", "Australia/Lord_Howe", "America/Santiago"])
def test_deadline_and_reminder_fall_before_the_meeting_on_every_dst_day_of_the_zone(zone: str) -> None:
    # The closest a valid schedule allows, right after the zones' transition hours: a minute apart each.
    schedule = Schedule(timezone=zone, time=time(3, 10), opens=Offset(0, time(3, 7)), reminder=Offset(0, time(3, 8)),
                        deadline=Offset(0, time(3, 9)), skip_public_holidays=False)
    overnight = replace(schedule, opens=Offset(1, time(21, 0)), reminder=Offset(1, time(22, 0)),
                        deadline=Offset(1, time(22, 30)))
    for candidate in (schedule, overnight):
        validate_schedule(candidate)
        for day in schedule_module._transition_days(zone)[:12]:
            times = meeting_times(candidate, day)
            assert times.opens_at < times.reminder_at < times.deadline_at < times.starts_at, (zone, day)


INVALID: list[tuple[dict[str, object], str]] = [
    ({"weekday": 7}, "schedule.error.weekday"),
    ({"weekday": -1}, "schedule.error.weekday"),
    ({"interval_weeks": 0}, "schedule.error.interval_weeks"),
    ({"interval_weeks": 53}, "schedule.error.interval_weeks"),
    ({"monthly_ordinal": 5}, "schedule.error.monthly_ordinal"),
    ({"monthly_ordinal": 0}, "schedule.error.monthly_ordinal"),
    ({"frequency": Frequency.EVERY_N_WEEKS}, "schedule.error.start_date_required"),
    ({"time": time(2, 15)}, "schedule.error.dst_hour"),
    ({"opens": Offset(3, time(2, 0))}, "schedule.error.dst_hour"),
    ({"reminder": Offset(1, time(2, 59))}, "schedule.error.dst_hour"),
    ({"deadline": Offset(1, time(2, 30))}, "schedule.error.dst_hour"),
    ({"opens": Offset(29, time(8, 0))}, "schedule.error.days_before"),
    ({"deadline": Offset(-1, time(8, 0))}, "schedule.error.days_before"),
    ({"deadline": Offset(0, time(9, 30))}, "schedule.error.deadline_after_meeting"),
    ({"reminder": Offset(1, time(17, 0))}, "schedule.error.reminder_after_deadline"),
    ({"opens": Offset(1, time(12, 30))}, "schedule.error.opens_after_reminder"),
    ({"breaks": (DateRange(date(2027, 8, 8), date(2027, 6, 21)),)}, "schedule.error.break_order"),
    ({"timezone": "Europe/Stokholm"}, "schedule.error.timezone"),
    ({"timezone": "Europe"}, "schedule.error.timezone"),
    ({"timezone": "../etc/passwd"}, "schedule.error.timezone"),
    ({"timezone": ""}, "schedule.error.timezone"),
]


@pytest.mark.parametrize(("changes", "key"), INVALID)
def test_validate_schedule_error_keys(changes: dict[str, Any], key: str) -> None:
    with pytest.raises(ScheduleError) as caught:
        validate_schedule(replace(THURSDAY_0900, **changes))
    assert caught.value.key == key
    for language in ("sv", "en"):
        assert Texts(language, strict=True)(key, **caught.value.params)  # every placeholder has a param


@pytest.mark.parametrize(("changes", "key"), [
    ({"deadline": Offset(0, time(9, 0))}, "schedule.error.deadline_after_meeting"),
    ({"reminder": Offset(1, time(16, 0))}, "schedule.error.reminder_after_deadline"),
    ({"opens": Offset(1, time(12, 0))}, "schedule.error.opens_after_reminder"),
])
def test_times_equal_to_the_next_step_are_refused(changes: dict[str, Any], key: str) -> None:
    # Changed by issue 6: the deadline and the reminder must fall before the meeting (and opens before reminder).
    with pytest.raises(ScheduleError) as caught:
        validate_schedule(replace(THURSDAY_0900, **changes))
    assert caught.value.key == key


def test_every_error_key_has_texts_with_the_same_placeholders_in_both_languages() -> None:
    sv, en = load_catalog("sv"), load_catalog("en")
    keys = {
        cls.key
        for cls in vars(schedule_module).values()
        if isinstance(cls, type) and issubclass(cls, ScheduleError)
    }
    assert {k for k in sv if k.startswith("schedule.error.")} == keys
    for key in keys:
        assert placeholders(sv[key]) == placeholders(en[key]), key


# --- Swedish holidays -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2026, 5, 14), "Kristi himmelsfärdsdag"),
        (date(2026, 6, 6), "Nationaldagen"),
        (date(2026, 6, 19), "Midsommarafton"),
        (date(2026, 12, 24), "Julafton"),
        (date(2026, 12, 25), "Juldagen"),
        (date(2026, 12, 26), "Annandag jul"),
        (date(2026, 12, 31), "Nyårsafton"),
        (date(2027, 1, 1), "Nyårsdagen"),
        (date(2027, 1, 6), "Trettondedag jul"),
        (date(2027, 3, 26), "Långfredagen"),
    ],
)
def test_swedish_holidays_known_dates(day: date, name: str) -> None:
    assert swedish_holidays()(day) == name


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 11, 22),  # an ordinary Sunday
        date(2026, 4, 2),  # skärtorsdagen, a half day
        date(2026, 4, 30),  # valborgsmässoafton
        date(2026, 12, 23),
        date(2027, 1, 5),  # trettondagsafton
    ],
)
def test_swedish_holidays_ordinary_days(day: date) -> None:
    assert swedish_holidays()(day) is None


def test_weekly_thursdays_with_the_swedish_calendar() -> None:
    found = occurrences(THURSDAY_0900, date(2026, 5, 1), date(2026, 12, 31), holidays=swedish_holidays())

    assert {o.local_date for o in found if o.skipped == "holiday"} == {
        date(2026, 5, 14),
        date(2026, 12, 24),
        date(2026, 12, 31),
    }
