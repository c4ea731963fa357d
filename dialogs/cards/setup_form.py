"""Server-side validation of card submissions (pydantic). Errors come back as text keys, never raised raw."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from datetime import time as Time
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from dialogs.cards.setup import (
    MAX_ITEM,
    MAX_NAME,
    ORG_POS_PREFIX,
    ORG_PREFIX,
    SECTION_POS_PREFIX,
    SECTION_PREFIX,
)
from dialogs.texts import LANGUAGES
from domain.errors import DomainError
from domain.model import DateRange, Frequency, Offset, Schedule
from domain.schedule import is_known_timezone, validate_schedule

MAX_ITEMS = 40


@dataclass(frozen=True)
class FormError:
    key: str
    params: dict[str, object] = field(default_factory=dict)


class _Scalars(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=MAX_NAME)
    frequency: Literal["weekly", "every_n_weeks", "monthly"] = "weekly"
    weekday: int = Field(ge=0, le=6)
    interval_weeks: int = Field(default=1, ge=1, le=52)
    monthly_ordinal: int = 1
    time: Time
    timezone: str = Field(min_length=1, max_length=64)
    start_date: date | None = None
    skip_holidays: bool = True
    opens_days: int = Field(ge=0, le=28)
    opens_time: Time
    reminder_days: int = Field(ge=0, le=28)
    reminder_time: Time
    deadline_days: int = Field(ge=0, le=28)
    deadline_time: Time

    @field_validator("start_date", mode="before")
    @classmethod
    def _empty_date(cls, value: object) -> object:
        return None if value in ("", None) else value

    @field_validator("interval_weeks", "monthly_ordinal", mode="before")
    @classmethod
    def _empty_number(cls, value: object) -> object:
        return 1 if value in ("", None) else value

    @field_validator("monthly_ordinal")
    @classmethod
    def _ordinal(cls, value: int) -> int:
        if value not in (1, 2, 3, 4, -1):
            raise ValueError("ordinal must be 1-4 or -1")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        # The IANA list, not whatever the file system has: `America` is a folder, `localtime` the host's zone.
        if not is_known_timezone(value):
            raise ValueError("unknown timezone")
        return value


_FIELD_ERRORS = {
    "name": "setup.error.name_required",
    "interval_weeks": "setup.error.interval",
    "time": "setup.error.time",
    "opens_time": "setup.error.time",
    "reminder_time": "setup.error.time",
    "deadline_time": "setup.error.time",
    "timezone": "setup.error.timezone",
    "opens_days": "setup.error.days",
    "reminder_days": "setup.error.days",
    "deadline_days": "setup.error.days",
}
_FIELD_LABELS = {
    "weekday": "setup.weekday",
    "frequency": "setup.frequency",
    "monthly_ordinal": "setup.monthly_ordinal",
    "start_date": "setup.start_date",
    "skip_holidays": "setup.skip_holidays",
}


@dataclass
class SetupForm:
    name: str
    schedule: Schedule
    sections: list[tuple[str | None, str]]
    organisations: list[tuple[str | None, str]]
    language: str | None = None  # the forum's language setting; None: not chosen on the card


_BREAK_SPLIT = re.compile(r"\s*(?:–|—|-(?=\s)|\s|till|to)\s*")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _breaks(raw: str, errors: list[FormError]) -> tuple[DateRange, ...]:
    result: list[DateRange] = []
    for line in (x.strip() for x in raw.splitlines()):
        if not line:
            continue
        dates = _DATE.findall(line)
        try:
            if len(dates) != 2:
                raise ValueError(line)
            first, last = date.fromisoformat(dates[0]), date.fromisoformat(dates[1])
            if last < first:
                raise ValueError(line)
            result.append(DateRange(first, last))
        except ValueError:
            errors.append(FormError("setup.error.breaks", {"line": line[:40]}))
    return tuple(result)


def _ordered_items(
    data: Mapping[str, Any],
    prefix: str,
    pos_prefix: str,
    new_key: str,
    errors: list[FormError],
    known: Mapping[str, int],
) -> list[tuple[str | None, str]]:
    kept: list[tuple[int, int, int, str | None, str]] = []
    for key, value in data.items():
        if not key.startswith(prefix) or key.startswith(pos_prefix):
            continue
        item_id = key[len(prefix):]
        title = str(value or "").strip()
        if not title:
            continue  # cleared = removed
        try:
            position = int(str(data.get(pos_prefix + item_id, "99")).strip() or 99)
        except ValueError:
            errors.append(FormError("setup.error.position"))
            position = 99
        # An item given a new position goes before the one that already stood there.
        before = known.get(item_id, 99)
        kept.append((position, 0 if position != before else 1, before, item_id, title))
    kept.sort(key=lambda k: (k[0], k[1], k[2]))
    items: list[tuple[str | None, str]] = [(item_id, title) for *_, item_id, title in kept]
    for line in str(data.get(new_key) or "").splitlines():
        if line.strip():
            items.append((None, line.strip()))
    seen: set[str] = set()
    for _, title in items:
        if len(title) > MAX_ITEM:
            errors.append(FormError("setup.error.item_too_long", {"item": title[:30] + "…", "max": MAX_ITEM}))
        if title.casefold() in seen:
            errors.append(FormError("setup.error.duplicate", {"item": title}))
        seen.add(title.casefold())
    if len(items) > MAX_ITEMS:
        errors.append(FormError("setup.error.too_many", {"max": MAX_ITEMS}))
    return items


def parse_setup(
    data: Mapping[str, Any], known_positions: Mapping[str, int] | None = None
) -> tuple[SetupForm | None, list[FormError]]:
    """Validate a setup card. `known_positions`: stored position of each section/organisation id."""
    known = known_positions or {}
    errors: list[FormError] = []
    scalars: _Scalars | None = None
    try:
        scalars = _Scalars.model_validate({k: v for k, v in data.items() if isinstance(k, str)})
    except ValidationError as invalid:
        for problem in invalid.errors():
            name = str(problem["loc"][0]) if problem["loc"] else "name"
            if name in _FIELD_ERRORS:
                errors.append(FormError(_FIELD_ERRORS[name]))
            else:
                errors.append(FormError("setup.error.field", {"field_key": _FIELD_LABELS.get(name, "setup.name")}))
    breaks = _breaks(str(data.get("breaks") or ""), errors)
    sections = _ordered_items(data, SECTION_PREFIX, SECTION_POS_PREFIX, "sections_new", errors, known)
    organisations = _ordered_items(data, ORG_PREFIX, ORG_POS_PREFIX, "organisations_new", errors, known)
    if not sections:
        errors.append(FormError("setup.error.no_sections"))
    if scalars is None:
        return None, _unique(errors)
    schedule = Schedule(
        frequency=Frequency(scalars.frequency),
        weekday=scalars.weekday,
        time=scalars.time.replace(second=0, microsecond=0),
        timezone=scalars.timezone,
        interval_weeks=scalars.interval_weeks if scalars.frequency == "every_n_weeks" else 1,
        monthly_ordinal=scalars.monthly_ordinal,
        start_date=scalars.start_date,
        opens=Offset(scalars.opens_days, scalars.opens_time.replace(second=0, microsecond=0)),
        reminder=Offset(scalars.reminder_days, scalars.reminder_time.replace(second=0, microsecond=0)),
        deadline=Offset(scalars.deadline_days, scalars.deadline_time.replace(second=0, microsecond=0)),
        skip_public_holidays=scalars.skip_holidays,
        breaks=breaks,
    )
    try:
        validate_schedule(schedule)
    except DomainError as problem:
        errors.append(FormError(problem.key, dict(problem.params)))
    if errors:
        return None, _unique(errors)
    language = str(data.get("language") or "").strip()
    return SetupForm(scalars.name, schedule, sections, organisations, language if language in LANGUAGES else None), []


def _unique(errors: list[FormError]) -> list[FormError]:
    seen: set[tuple[str, str]] = set()
    result = []
    for e in errors:
        marker = (e.key, repr(sorted(e.params.items())))
        if marker not in seen:
            seen.add(marker)
            result.append(e)
    return result


SETUP_TEXT_FIELDS = ("name", "timezone", "breaks", "sections_new", "organisations_new")


def setup_free_text(data: Mapping[str, Any]) -> dict[str, str]:
    """Every free-text input of a submitted setup card, by input id, for the personal-data guard."""
    fields = {key: str(data.get(key) or "") for key in SETUP_TEXT_FIELDS}
    for key, value in data.items():
        if not isinstance(key, str) or key.startswith((SECTION_POS_PREFIX, ORG_POS_PREFIX)):
            continue
        if key.startswith((SECTION_PREFIX, ORG_PREFIX)):
            fields[key] = str(value or "")
    return fields
