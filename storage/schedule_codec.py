"""Schedule <-> JSON for the forums.schedule column."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from domain.model import DateRange, Frequency, Offset, Schedule


def _offset_to_json(offset: Offset) -> dict[str, object]:
    return {"days_before": offset.days_before, "at": offset.at.isoformat(timespec="minutes")}


def _offset_from_json(data: Any) -> Offset:
    return Offset(days_before=int(data["days_before"]), at=time.fromisoformat(str(data["at"])))


def schedule_to_json(schedule: Schedule) -> dict[str, object]:
    return {
        "frequency": schedule.frequency.value,
        "weekday": schedule.weekday,
        "time": schedule.time.isoformat(timespec="minutes"),
        "timezone": schedule.timezone,
        "interval_weeks": schedule.interval_weeks,
        "monthly_ordinal": schedule.monthly_ordinal,
        "start_date": schedule.start_date.isoformat() if schedule.start_date else None,
        "opens": _offset_to_json(schedule.opens),
        "reminder": _offset_to_json(schedule.reminder),
        "deadline": _offset_to_json(schedule.deadline),
        "skip_public_holidays": schedule.skip_public_holidays,
        "breaks": [[b.first.isoformat(), b.last.isoformat()] for b in schedule.breaks],
    }


def schedule_from_json(data: dict[str, Any]) -> Schedule:
    start = data.get("start_date")
    return Schedule(
        frequency=Frequency(data["frequency"]),
        weekday=int(data["weekday"]),
        time=time.fromisoformat(str(data["time"])),
        timezone=str(data["timezone"]),
        interval_weeks=int(data.get("interval_weeks", 1)),
        monthly_ordinal=int(data.get("monthly_ordinal", 1)),
        start_date=date.fromisoformat(start) if start else None,
        opens=_offset_from_json(data["opens"]),
        reminder=_offset_from_json(data["reminder"]),
        deadline=_offset_from_json(data["deadline"]),
        skip_public_holidays=bool(data.get("skip_public_holidays", True)),
        breaks=tuple(
            DateRange(date.fromisoformat(a), date.fromisoformat(b)) for a, b in data.get("breaks", [])
        ),
    )
