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
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

MAX_GOALS = 12
MAX_AREAS = 30
MAX_PURPOSE = 1000
MAX_GOAL_TEXT = 300
MAX_AREA_NAME = 60
MAX_EVALUATION_COMMENT = 2000
MAX_COMMISSIONED_BY = 200


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


class CharterProblem(enum.StrEnum):
    PURPOSE_TOO_LONG = "purpose_too_long"
    COMMISSIONED_TOO_LONG = "commissioned_too_long"
    GOAL_TOO_LONG = "goal_too_long"
    TOO_MANY_GOALS = "too_many_goals"
    AREA_TOO_LONG = "area_too_long"
    TOO_MANY_AREAS = "too_many_areas"
    DUPLICATE_AREA = "duplicate_area"



def _lines(raw: str) -> list[str]:
    return [" ".join(line.split()) for line in raw.splitlines() if line.strip()]


def edit_charter(
    current: Charter,
    *,
    purpose: str,
    commissioned_by: str,
    goals: dict[str, str],  # existing goal id -> its text as edited (empty: removed)
    new_goals: str,  # one per line
    areas: dict[str, str],  # existing area id -> its name as edited (empty: removed)
    new_areas: str,
    new_id: Callable[[], str],
) -> tuple[Charter | None, list[CharterProblem]]:
    """The charter as edited: kept goals and areas keep their ids (a rename keeps the evaluations and counts),
    new lines get new ids. A new area named as a kept one (case and spacing ignored) is a duplicate."""
    problems: list[CharterProblem] = []
    kept_goals = [Goal(g.id, " ".join(goals.get(g.id, "").split())) for g in current.goals]
    goal_list = [g for g in kept_goals if g.text] + [Goal(new_id(), text) for text in _lines(new_goals)]
    kept_areas = [Area(a.id, " ".join(areas.get(a.id, "").split())) for a in current.areas]
    area_list = [a for a in kept_areas if a.name] + [Area(new_id(), name) for name in _lines(new_areas)]
    purpose, commissioned_by = purpose.strip(), " ".join(commissioned_by.split())
    if len(purpose) > MAX_PURPOSE:
        problems.append(CharterProblem.PURPOSE_TOO_LONG)
    if len(commissioned_by) > MAX_COMMISSIONED_BY:
        problems.append(CharterProblem.COMMISSIONED_TOO_LONG)
    if any(len(g.text) > MAX_GOAL_TEXT for g in goal_list):
        problems.append(CharterProblem.GOAL_TOO_LONG)
    if len(goal_list) > MAX_GOALS:
        problems.append(CharterProblem.TOO_MANY_GOALS)
    if any(len(a.name) > MAX_AREA_NAME for a in area_list):
        problems.append(CharterProblem.AREA_TOO_LONG)
    if len(area_list) > MAX_AREAS:
        problems.append(CharterProblem.TOO_MANY_AREAS)
    keys = [a.name.casefold() for a in area_list]
    if len(set(keys)) != len(keys):
        problems.append(CharterProblem.DUPLICATE_AREA)
    if problems:
        return None, problems
    return Charter(purpose=purpose, goals=tuple(goal_list), commissioned_by=commissioned_by,
                   areas=tuple(area_list)), []
