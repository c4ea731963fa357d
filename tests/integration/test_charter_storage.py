"""A forum's charter, visibility, retention plan and external organisations round-trip on SQLite and PostgreSQL;
goal evaluations are kept in the order added; a contribution keeps its areas per section."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.charter import Area, Charter, Goal, GoalEvaluation, GoalRating
from domain.model import Schedule
from domain.retention import RecordType, RetentionMode, RetentionPlan, RetentionRule
from domain.visibility import SummaryVisibility
from storage.unit_of_work import UnitOfWorkFactory

pytestmark = pytest.mark.integration

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


async def test_the_forums_issue_11_settings_round_trip(uow_factory: UnitOfWorkFactory) -> None:
    charter = Charter(purpose="Trygghet", goals=(Goal("g1", "Färre"),), commissioned_by="Socialnämnden",
                      areas=(Area("a1", "Centrum"), Area("a2", "Droger")))
    plan = RetentionPlan({RecordType.SUBMISSION: RetentionRule(RetentionMode.AFTER_MONTHS, 24, "KS 2026/123",
                                                               "29:admin", NOW)})
    async with uow_factory() as uow:
        forum_id = await uow.forums.create(name="Forum", tenant_id="t", conversation_id="19:c@thread.tacv2",
                                           chair_id="29:anna", schedule=Schedule(), now=NOW)
        await uow.forums.replace_organisations(forum_id, [(None, "Polisen"), (None, "Bostadsbolaget")], NOW)
        await uow.commit()
    async with uow_factory() as uow:
        forum = await uow.forums.get(forum_id)
        assert forum is not None and forum.charter == Charter() and forum.visibility is SummaryVisibility.EVERYONE
        housing = forum.organisations[1].id
        await uow.forums.set_charter(forum_id, charter, NOW)
        await uow.forums.set_visibility(forum_id, SummaryVisibility.MUNICIPAL, NOW)
        await uow.forums.set_retention(forum_id, plan, NOW)
        await uow.forums.set_external(forum_id, {housing: True, "elsewhere": True}, NOW)
        for rating, n in ((GoalRating.PARTLY, 1), (GoalRating.ACHIEVED, 2)):
            uow.goal_evaluations.add(GoalEvaluation(forum_id, "g1", "Färre", rating, f"k{n}", "2026", "29:anna", NOW))
        meeting = await uow.meetings.ensure(forum, date(2026, 12, 3), NOW, NOW)
        await uow.contributions.add_version(
            meeting_id=meeting.id, organisation_id=housing, sections=[("s1", "Läget", "Text"), ("s2", "Övrigt", "")],
            nothing_new=False, attending=True, submitted_by="29:b", submitted_by_name="B", after_deadline=False,
            now=NOW, areas={"s1": ["a2", "a1"], "s2": []})
        await uow.commit()
    async with uow_factory() as uow:
        forum = await uow.forums.get(forum_id)
        assert forum is not None
        assert forum.charter == charter and forum.visibility is SummaryVisibility.MUNICIPAL
        assert forum.retention == plan
        assert [o.external for o in forum.organisations] == [False, True]
        assert [(e.rating, e.comment) for e in await uow.goal_evaluations.for_forum(forum_id)] == [
            (GoalRating.PARTLY, "k1"), (GoalRating.ACHIEVED, "k2")]
        latest = await uow.contributions.latest(meeting.id, housing)
        assert latest is not None and latest.areas == (("s1", ("a2", "a1")),)
