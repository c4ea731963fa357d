"""Editing a forum's charter (domain/charter.py): kept goals and areas keep their ids, limits are refused, the
latest evaluation per goal counts."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from domain.charter import (
    MAX_GOALS,
    Area,
    Charter,
    CharterProblem,
    Goal,
    GoalEvaluation,
    GoalRating,
    edit_charter,
    latest_evaluations,
)

CURRENT = Charter(purpose="Syfte", goals=(Goal("g1", "Mål ett"), Goal("g2", "Mål två")),
                  areas=(Area("a1", "Centrum"),))


def _edit(**changes: object) -> tuple[Charter | None, list[CharterProblem]]:
    ids = (f"new{n}" for n in itertools.count(1))
    args: dict[str, object] = {"purpose": "Syfte", "commissioned_by": "", "goals": {"g1": "Mål ett", "g2": "Mål två"},
                               "new_goals": "", "areas": {"a1": "Centrum"}, "new_areas": "", **changes}
    return edit_charter(CURRENT, new_id=lambda: next(ids), **args)  # type: ignore[arg-type]


def test_a_rename_keeps_the_id_an_empty_line_removes_and_new_lines_get_new_ids() -> None:
    charter, problems = _edit(goals={"g1": "  Mål  ETT  ", "g2": ""}, new_goals="\nNytt mål\n\n",
                              new_areas="Norrby")
    assert problems == [] and charter is not None
    assert charter.goals == (Goal("g1", "Mål ETT"), Goal("new1", "Nytt mål"))
    assert charter.areas == (Area("a1", "Centrum"), Area("new2", "Norrby"))


def test_limits_and_duplicate_areas_are_refused() -> None:
    assert _edit(purpose="x" * 1001) == (None, [CharterProblem.PURPOSE_TOO_LONG])
    assert _edit(new_goals="\n".join(f"m{n}" for n in range(MAX_GOALS - 1))) == (None, [CharterProblem.TOO_MANY_GOALS])
    assert _edit(new_areas="centrum") == (None, [CharterProblem.DUPLICATE_AREA])
    assert _edit(new_areas="y" * 61) == (None, [CharterProblem.AREA_TOO_LONG])


def test_the_latest_evaluation_of_each_goal_counts() -> None:
    def ev(goal: str, rating: GoalRating, day: int, n: int) -> GoalEvaluation:
        return GoalEvaluation("f", goal, goal, rating, "", "2026", "29:anna", datetime(2026, 1, day, tzinfo=UTC), n)

    latest = latest_evaluations([ev("g1", GoalRating.PARTLY, 5, 2), ev("g1", GoalRating.ACHIEVED, 9, 3),
                                 ev("g2", GoalRating.NOT_ACHIEVED, 1, 1)])
    assert {g: e.rating for g, e in latest.items()} == {"g1": GoalRating.ACHIEVED, "g2": GoalRating.NOT_ACHIEVED}
