"""The annual lägesbild basis (årsunderlag) of a forum: per area and quarter, how many section texts were marked with
the area, those texts, and the actions decided at the meetings where they were reported, with their outcome — the
material a municipality needs for its yearly lägesbild and action plan under lag 2023:196.

Counted from the counting contribution of each organisation to each held meeting of the year (as the follow-up
report counts): a text counts for an area when its section was ticked with the area. An action "came out of" an
area's texts when it was decided at a meeting (its minutes) where the area was mentioned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from domain.actions import ActionItem, ActionStatus


@dataclass(frozen=True)
class Mention:
    meeting_id: str
    meeting_date: date
    organisation: str
    section: str
    text: str
    area_ids: tuple[str, ...]


@dataclass(frozen=True)
class AreaQuarter:
    quarter: int  # 1..4
    mentions: tuple[Mention, ...]
    actions: tuple[ActionItem, ...]  # of the meetings with these mentions, by number


@dataclass(frozen=True)
class AreaYear:
    area_id: str
    name: str
    quarters: tuple[AreaQuarter, ...]  # always four

    @property
    def total(self) -> int:
        return sum(len(q.mentions) for q in self.quarters)


@dataclass(frozen=True)
class AnnualBasis:
    forum_name: str
    year: int
    areas: tuple[AreaYear, ...]


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def annual_basis(forum_name: str, year: int, areas: Sequence[tuple[str, str]], mentions: Sequence[Mention],
                 actions: Sequence[ActionItem]) -> AnnualBasis:
    """`areas`: (id, name) in the charter's order; ids only seen in the mentions follow, named by their id."""
    of_year = [m for m in mentions if m.meeting_date.year == year]
    known = [a for a, _ in areas]
    extra = [a for m in of_year for a in m.area_ids if a not in known]
    named = list(areas) + [(a, a) for a in dict.fromkeys(extra)]
    live = [a for a in actions if a.status is not ActionStatus.CANCELLED]
    result = []
    for area_id, name in named:
        quarters = []
        for quarter in (1, 2, 3, 4):
            found = tuple(sorted(
                (m for m in of_year if area_id in m.area_ids and quarter_of(m.meeting_date) == quarter),
                key=lambda m: (m.meeting_date, m.organisation, m.section)))
            meetings = {m.meeting_id for m in found}
            quarters.append(AreaQuarter(quarter, found, tuple(sorted((a for a in live if a.meeting_id in meetings),
                                                                      key=lambda a: a.number))))
        result.append(AreaYear(area_id, name, tuple(quarters)))
    return AnnualBasis(forum_name, year, tuple(result))
