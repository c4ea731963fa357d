"""Dates and times in words, with our own month and weekday names (never the process locale)."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from dialogs.texts import Texts


def weekday_name(t: Texts, weekday: int) -> str:
    return t.words("calendar.weekdays")[weekday]


def format_date(t: Texts, day: date) -> str:
    month = t.words("calendar.months")[day.month - 1]
    weekday = weekday_name(t, day.weekday())
    return t("calendar.date", weekday=weekday, day=day.day, month=month, year=day.year)


def format_time(t: Texts, at: time) -> str:
    return at.strftime("%H:%M")


def format_datetime(t: Texts, moment: datetime, timezone: str) -> str:
    local = moment.astimezone(ZoneInfo(timezone))
    return t("calendar.datetime", date=format_date(t, local.date()), time=format_time(t, local.time()))
