"""`forumöversikt`: the administrator's card of every forum in the organisation, a container per forum (it stays
readable at phone width), paged, and the pairs of forums that may be parallel (domain/overlap.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from dialogs.cards.elements import Element, card, execute, facts, heading, text
from dialogs.texts import Texts
from dialogs.texts.formatting import format_date
from domain.overlap import Activity

PAGE = 8  # forums per card


@dataclass(frozen=True)
class OverviewRow:
    forum_id: str
    name: str
    purpose: str
    commissioned_by: str
    cadence: str  # in words (dialogs.cards.setup.describe_schedule)
    organisations: tuple[str, ...]
    areas: tuple[str, ...]
    activity: Activity


@dataclass(frozen=True)
class ParallelLine:
    first: str  # forum names
    second: str
    organisations: float
    areas: float
    shared_organisations: tuple[str, ...]
    shared_areas: tuple[str, ...]


def percent(share: float) -> int:
    return round(share * 100)


def participation(t: Texts, activity: Activity) -> str:
    if activity.participation is None:
        return t("admin.overview_participation_none")
    return t("admin.overview_participation_value", percent=percent(activity.participation),
             meetings=t.plural("admin.meetings_count", activity.meetings_counted))


def last_meeting(t: Texts, activity: Activity) -> str:
    return format_date(t, activity.last_meeting) if activity.last_meeting else t("admin.overview_no_meeting")


def _forum(t: Texts, row: OverviewRow) -> Element:
    pairs = [
        (t("admin.overview_purpose"), row.purpose or t("admin.overview_no_purpose")),
        (t("admin.overview_cadence"), row.cadence),
        (t("admin.overview_organisations"), ", ".join(row.organisations) or "–"),
        (t("admin.overview_last_meeting"), last_meeting(t, row.activity)),
        (t("admin.overview_participation"), participation(t, row.activity)),
        (t("admin.overview_actions"), t("admin.overview_actions_value", open=row.activity.open_actions,
                                        overdue=row.activity.overdue_actions)),
    ]
    return {"type": "Container", "separator": True, "spacing": "Medium",
            "items": [heading(row.name, size="Medium"), facts(pairs)]}


def parallel_text(t: Texts, line: ParallelLine) -> str:
    areas = (t("admin.overview_parallel_areas", areas=f"{percent(line.areas)} %",
               shared=", ".join(line.shared_areas)) if line.shared_areas else "")
    return t("admin.overview_parallel_line", first=line.first, second=line.second,
             organisations=f"{percent(line.organisations)} %", shared=", ".join(line.shared_organisations),
             areas=areas)


def overview_card(
    t: Texts, rows: Sequence[OverviewRow], parallel: Sequence[ParallelLine], *, today: date, page: int
) -> Element:
    body: list[Element] = [heading(t("admin.overview_title")),
                           text(t("admin.overview_intro", forums=t.plural("admin.forums_count", len(rows)),
                                  date=format_date(t, today)), subtle=True)]
    if not rows:
        body.append(text(t("admin.overview_none")))
        return card(body)
    if page == 0:
        body.append(heading(t("admin.overview_parallel_title"), size="Medium"))
        body.append(text("\r".join(parallel_text(t, p) for p in parallel) if parallel
                         else t("admin.overview_parallel_none")))
    shown = rows[page * PAGE:(page + 1) * PAGE]
    body.extend(_forum(t, row) for row in shown)
    body.append(text(t("admin.overview_page", first=page * PAGE + 1, last=page * PAGE + len(shown),
                       total=len(rows)), subtle=True))
    actions: list[Element] = []
    if (page + 1) * PAGE < len(rows):
        data: dict[str, Any] = {"page": page + 1}
        actions.append(execute(t("admin.overview_more"), "overview.page", data, validate=False))
    return card(body, actions)
