"""Swedish public holidays for the schedule, from the `holidays` package."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import cache

from holidays.constants import DE_FACTO, PUBLIC
from holidays.countries.sweden import Sweden

from domain.schedule import HolidayCalendar


@cache
def _swedish_year(year: int) -> Mapping[date, str]:
    calendar = Sweden(
        years=year,
        include_sundays=False,  # older releases of the package made every Sunday a holiday
        categories=(PUBLIC, DE_FACTO),  # DE_FACTO for Sweden needs holidays >= 0.88
        language="sv",
    )
    return dict(calendar.items())


def _swedish_holiday(day: date) -> str | None:
    return _swedish_year(day.year).get(day)


def swedish_holidays() -> HolidayCalendar:
    """Allmänna helgdagar plus midsommarafton, julafton and nyårsafton, named in Swedish.

    The three eves are not public holidays by law (lag 1989:253), but the Annual Leave Act (1977:480)
    treats them like Sundays and workplaces close, so a forum that skips holidays skips them too.
    Half days (trettondagsafton, skärtorsdagen, valborgsmässoafton …) are ordinary days here.
    Each year is computed once per process.
    """
    return _swedish_holiday
