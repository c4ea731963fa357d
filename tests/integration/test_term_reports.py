"""The term's follow-up report reaches the chair once, on the first working day after the term, from 08:00."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.services.report_schedule import term_reports_due
from domain.model import Schedule
from storage.unit_of_work import UnitOfWorkFactory
from tests.deps import deps_of

pytestmark = pytest.mark.integration


async def test_the_chair_gets_the_term_report_once_on_the_first_working_morning(
    uow_factory: UnitOfWorkFactory,
) -> None:
    created = datetime(2026, 9, 1, tzinfo=UTC)
    async with uow_factory() as uow:
        forum_id = await uow.forums.create(name="Forum", tenant_id="t", conversation_id="19:t@thread.tacv2",
                                           chair_id="29:chair", schedule=Schedule(), now=created)
        await uow.forums.replace_organisations(forum_id, [(None, "Polisen")], created)
        await uow.commit()
    deps = deps_of(uow_factory)
    # 1 January 2027 is a holiday, then a weekend: the first working morning is Monday 4 January, 08:00 (07:00 UTC)
    assert await term_reports_due(deps, datetime(2027, 1, 1, 9, tzinfo=UTC)) == 0
    assert await term_reports_due(deps, datetime(2027, 1, 4, 6, 30, tzinfo=UTC)) == 0
    assert await term_reports_due(deps, datetime(2027, 1, 4, 7, 0, tzinfo=UTC)) == 1
    assert await term_reports_due(deps, datetime(2027, 1, 5, 7, 0, tzinfo=UTC)) == 0  # once per term
    async with uow_factory() as uow:
        sent = await uow.outbox.find(kind="term_report", subject_id=forum_id, recipient_id="29:chair",
                                     slot="2026-H2")
    assert sent is not None  # the term July–December 2026, to the chair
