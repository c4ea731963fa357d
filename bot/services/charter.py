"""The forum's charter (domain/charter.py): the chair edits purpose, commissioning body, goals and areas from the
setup card (`charter.open` / `charter.save`); anyone in the forum reads it with each goal's latest evaluation
(`mål` / `goals`); the chair evaluates the goals (`utvärdera mål [PERIOD]` / `evaluate goals`, `goals.open` /
`goals.save`). Every free text passes the personal-data guard; an outdated card stores nothing and comes back
as it stands now; each change and evaluation is audited (ids and counts)."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from bot.services.guards import Need, chaired_forum, forum_for
from bot.services.ports import Deps
from bot.services.screening import masked_values, screen_fields
from bot.services.turn import Reply, Turn
from dialogs.cards.charter import (
    AREA,
    AREAS_NEW,
    COMMENT,
    COMMISSIONED_BY,
    GOAL,
    GOALS_NEW,
    PERIOD,
    PURPOSE,
    RATING,
    charter_card,
    charter_values,
    charter_view,
    evaluation_card,
)
from dialogs.texts import Texts
from domain import audit
from domain.charter import (
    MAX_AREAS,
    MAX_EVALUATION_COMMENT,
    MAX_GOALS,
    Charter,
    CharterProblem,
    GoalEvaluation,
    GoalRating,
    edit_charter,
    latest_evaluations,
)
from domain.model import Forum
from domain.revisions import fingerprint

log = logging.getLogger(__name__)

PERIOD_PATTERN = re.compile(r"^\d{4}(-(H1|H2|Q[1-4]))?$")


def charter_revision(charter: Charter) -> str:
    return fingerprint(repr(charter))


def _problem_text(t: Texts, problem: CharterProblem) -> str:
    limits = {CharterProblem.TOO_MANY_GOALS: MAX_GOALS, CharterProblem.TOO_MANY_AREAS: MAX_AREAS}
    return t(f"charter.error.{problem.value}", max=limits.get(problem, ""))


def _edit_card(t: Texts, forum: Forum, values: Mapping[str, str] | None = None, errors: list[str] | None = None,
               note: str | None = None) -> dict[str, Any]:
    return charter_card(t, forum, values=values or charter_values(forum.charter),
                        revision=charter_revision(forum.charter), errors=errors or (), note=note)


async def open_charter(deps: Deps, turn: Turn, data: Mapping[str, Any]) -> Reply:
    async with deps.uow() as uow:
        forum = await chaired_forum(uow, turn, str(data.get("forum_id") or "") or None)
    return Reply(card=_edit_card(turn.t, forum))


async def save_charter(deps: Deps, turn: Turn, data: Mapping[str, Any]) -> Reply:
    t = turn.t
    async with deps.uow() as uow:
        forum = await chaired_forum(uow, turn, str(data.get("forum_id") or ""))
        keys = [PURPOSE, COMMISSIONED_BY, GOALS_NEW, AREAS_NEW] + [GOAL + g.id for g in forum.charter.goals] + [
            AREA + a.id for a in forum.charter.areas]
        values = {k: str(data.get(k) or "").replace("\r\n", "\n") for k in keys}
        if str(data.get("revision", "")) != charter_revision(forum.charter):
            log.info("outdated charter card refused: forum=%s", forum.id)
            return Reply(card=_edit_card(t, forum, note=t("charter.stale")), replace=True)
        problems = screen_fields(deps.screener, values)
        if problems:
            return Reply(card=_edit_card(t, forum, values | masked_values(problems), [t("charter.error.number")]),
                         replace=True)
        charter, found = edit_charter(
            forum.charter, purpose=values[PURPOSE], commissioned_by=values[COMMISSIONED_BY],
            goals={g.id: values[GOAL + g.id] for g in forum.charter.goals}, new_goals=values[GOALS_NEW],
            areas={a.id: values[AREA + a.id] for a in forum.charter.areas}, new_areas=values[AREAS_NEW],
            new_id=lambda: str(uuid.uuid4()))
        if charter is None:
            return Reply(card=_edit_card(t, forum, values, [_problem_text(t, p) for p in found]), replace=True)
        if charter == forum.charter:  # nothing typed, or nothing changed: nothing stored, nothing audited
            return Reply(card=_edit_card(t, forum, values, note=t("charter.nothing_to_save" if charter.is_empty
                                                                   else "charter.unchanged")), replace=True)
        await uow.forums.set_charter(forum.id, charter, turn.now)
        before_goals, before_areas = {g.id for g in forum.charter.goals}, {a.id for a in forum.charter.areas}
        uow.audit.record(at=turn.now, action=audit.CHARTER_CHANGED, subject_type="forum", subject_id=forum.id,
                         actor_id=turn.person.id, forum_id=forum.id, detail={
                             "goals": len(charter.goals), "areas": len(charter.areas),
                             "goals_removed": sorted(before_goals - {g.id for g in charter.goals}),
                             "areas_removed": sorted(before_areas - {a.id for a in charter.areas})})
        evaluations = await uow.goal_evaluations.for_forum(forum.id)
        await uow.commit()
    log.info("charter saved: forum=%s goals=%s areas=%s", forum.id, len(charter.goals), len(charter.areas))
    saved = replace(forum, charter=charter)
    return Reply(card=charter_view(t, saved, latest_evaluations(evaluations), chair=True, saved=True), replace=True)


async def show_charter(deps: Deps, turn: Turn, _: None) -> Reply:
    async with deps.uow() as uow:
        forum = await forum_for(uow, turn, Need.MEMBER)
        evaluations = await uow.goal_evaluations.for_forum(forum.id)
    return Reply(card=charter_view(turn.t, forum, latest_evaluations(evaluations),
                                   chair=forum.chair_id == turn.person.id))


@dataclass(frozen=True)
class EvaluateArgs:
    period: str = ""  # `utvärdera mål 2026`; empty: this year
    forum_id: str | None = None  # from a card


def _evaluation_revision(forum: Forum) -> str:
    return fingerprint(repr(forum.charter.goals))


async def open_evaluation(deps: Deps, turn: Turn, args: EvaluateArgs) -> Reply:
    t = turn.t
    async with deps.uow() as uow:
        forum = await chaired_forum(uow, turn, args.forum_id)
    if not forum.charter.goals:
        return Reply(text=t("charter.no_goals_to_evaluate"))
    period = args.period or str(turn.now.year)
    return Reply(card=evaluation_card(t, forum, values={PERIOD: period}, revision=_evaluation_revision(forum)))


async def open_evaluation_card(deps: Deps, turn: Turn, data: Mapping[str, Any]) -> Reply:
    return await open_evaluation(deps, turn, EvaluateArgs(forum_id=str(data.get("forum_id") or "")))


def _read_evaluation(t: Texts, forum: Forum, values: Mapping[str, str]) -> list[str]:
    errors = []
    if not PERIOD_PATTERN.match(values[PERIOD].strip()):
        errors.append(t("charter.error.period"))
    if not any(values[RATING + g.id] for g in forum.charter.goals):
        errors.append(t("charter.error.no_rating"))
    if any(values[RATING + g.id] and values[RATING + g.id] not in set(GoalRating) for g in forum.charter.goals):
        errors.append(t("charter.error.no_rating"))
    if any(len(values[COMMENT + g.id]) > MAX_EVALUATION_COMMENT for g in forum.charter.goals):
        errors.append(t("charter.error.comment_too_long", max=MAX_EVALUATION_COMMENT))
    return errors


async def save_evaluation(deps: Deps, turn: Turn, data: Mapping[str, Any]) -> Reply:
    t = turn.t
    async with deps.uow() as uow:
        forum = await chaired_forum(uow, turn, str(data.get("forum_id") or ""))
        goals = forum.charter.goals
        values = {PERIOD: str(data.get(PERIOD) or "").strip()} | {
            k: str(data.get(k) or "").strip() for g in goals for k in (RATING + g.id, COMMENT + g.id)}
        if str(data.get("revision", "")) != _evaluation_revision(forum):
            return Reply(card=evaluation_card(t, forum, values={PERIOD: values[PERIOD]},
                                              revision=_evaluation_revision(forum), errors=[t("charter.stale")]),
                         replace=True)
        problems = screen_fields(deps.screener, {COMMENT + g.id: values[COMMENT + g.id] for g in goals})
        errors = _read_evaluation(t, forum, values) + ([t("charter.error.number")] if problems else [])
        if errors:
            return Reply(card=evaluation_card(t, forum, values=values | masked_values(problems),
                                              revision=_evaluation_revision(forum), errors=errors), replace=True)
        rated = [g for g in goals if values[RATING + g.id]]
        for goal in rated:
            uow.goal_evaluations.add(GoalEvaluation(
                forum_id=forum.id, goal_id=goal.id, goal_text=goal.text, rating=GoalRating(values[RATING + goal.id]),
                comment=values[COMMENT + goal.id], period=values[PERIOD], evaluated_by=turn.person.id,
                evaluated_at=turn.now))
            uow.audit.record(at=turn.now, action=audit.GOAL_EVALUATED, subject_type="goal", subject_id=goal.id,
                             actor_id=turn.person.id, forum_id=forum.id,
                             detail={"rating": values[RATING + goal.id], "period": values[PERIOD]})
        await uow.commit()
        evaluations = await uow.goal_evaluations.for_forum(forum.id)
    log.info("goals evaluated: forum=%s goals=%s", forum.id, len(rated))
    return Reply(card=charter_view(t, forum, latest_evaluations(evaluations), chair=True), replace=True)
