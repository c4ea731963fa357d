"""A forum's charter (what the auditors ask every forum to state): its purpose (syfte), its goals (mål), the body
that commissioned it (uppdragsgivare, e.g. a nämnd or styrgrupp) and the areas or themes it follows (områden, e.g.
Centrum, Norrby, skolfrånvaro, droger), which the lägesbild card offers per section so that trends can be counted
without reading free text. Once a year, or on demand, the chair evaluates each goal (`GoalEvaluation`).

Goals and areas have stable ids: a renamed goal keeps its evaluations, a renamed area keeps its counts, and a
removed one stays in earlier records under the name it had (the records store ids and the report names them from
the charter, falling back to the id's stored name).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

MAX_GOALS = 12
MAX_AREAS = 30
MAX_PURPOSE = 1000
MAX_GOAL_TEXT = 300
MAX_AREA_NAME = 60
MAX_EVALUATION_COMMENT = 2000


class GoalRating(enum.StrEnum):
    """The chair's verdict on one goal: uppnått / delvis / inte uppnått."""

    ACHIEVED = "achieved"
    PARTLY = "partly"
    NOT_ACHIEVED = "not_achieved"


@dataclass(frozen=True)
class Goal:
    id: str
    text: str


@dataclass(frozen=True)
class Area:
    """An area or theme the forum follows (område/tema)."""

    id: str
    name: str


@dataclass(frozen=True)
class Charter:
    purpose: str = ""
    goals: tuple[Goal, ...] = ()
    commissioned_by: str = ""  # uppdragsgivare: nämnd, styrgrupp …
    areas: tuple[Area, ...] = ()

    def goal(self, goal_id: str) -> Goal | None:
        return next((g for g in self.goals if g.id == goal_id), None)

    def area(self, area_id: str) -> Area | None:
        return next((a for a in self.areas if a.id == area_id), None)

    @property
    def is_empty(self) -> bool:
        return not (self.purpose or self.goals or self.commissioned_by or self.areas)


@dataclass(frozen=True)
class GoalEvaluation:
    """One evaluation of one goal; evaluations are appended, the latest per goal is the current one."""

    forum_id: str
    goal_id: str
    goal_text: str  # the goal as worded when it was evaluated
    rating: GoalRating
    comment: str
    period: str  # what was evaluated, e.g. "2026" (a year) or "2026-H1"
    evaluated_by: str
    evaluated_at: datetime
    id: int | None = None


def latest_evaluations(evaluations: list[GoalEvaluation]) -> dict[str, GoalEvaluation]:
    """The latest evaluation of each goal (by time, then by id)."""
    latest: dict[str, GoalEvaluation] = {}
    for ev in sorted(evaluations, key=lambda e: (e.evaluated_at, e.id or 0)):
        latest[ev.goal_id] = ev
    return latest
