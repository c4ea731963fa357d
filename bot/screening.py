"""The personal-data guard wired to the pinned `personnummer` package and an injectable clock (docs/security.md).

`personnummer` infers the century of a 10-digit number from `date.today()`, and from the year only, so
a number whose birthday is later this year lands in the future. We compute the century ourselves
(18 § folkbokföringslagen: `-` or no separator means under 100 years old, `+` means 100 or older) and
hand the package the 12-digit form, whose validity does not depend on its clock.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from personnummer import personnummer

from domain.screening import DEFAULT_RULES, NumberValidator, Screener, ScreeningRules

STOCKHOLM = ZoneInfo("Europe/Stockholm")

_SHAPE = re.compile(r"([0-9]{6}|[0-9]{8})([-+]?)([0-9]{4})")


def stockholm_today() -> date:
    return datetime.now(STOCKHOLM).date()


def long_form(candidate: str, today: date) -> str | None:
    """`YYYYMMDDNNNC` for a candidate in one of the forms of `domain.screening.NumberValidator`, else None.

    A 10-digit form gets the latest century in which the person is under 100 on `today` (`-` or no separator)
    or 100 or older (`+`); a samordningsnummer's day is read minus 60 for this.
    """
    match = _SHAPE.fullmatch(candidate)
    if match is None:
        return None
    head, separator, tail = match.groups()
    if len(head) == 8:
        return head + tail
    month, day = int(head[2:4]), int(head[4:6])
    if day > 60:
        day -= 60
    year = today.year - (today.year - int(head[:2])) % 100
    if year == today.year and (month, day) > (today.month, today.day):
        year -= 100
    if separator == "+":
        year -= 100
    return f"{year // 100:02d}{head}{tail}"


def identity_number_validator(today: Callable[[], date] = stockholm_today) -> NumberValidator:
    def is_valid(candidate: str) -> bool:
        twelve = long_form(candidate, today())
        return twelve is not None and bool(personnummer.valid(twelve))

    return is_valid


def make_screener(today: Callable[[], date] | None = None, rules: ScreeningRules = DEFAULT_RULES) -> Screener:
    return Screener(identity_number_validator(today or stockholm_today), rules)
