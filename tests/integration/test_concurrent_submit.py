"""Ten submits for one organisation at once: one is stored, the others get the conflict card, none a failure."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.services import contributions
from bot.services.meetings import upcoming_meeting
from bot.services.turn import Origin, Turn
from dialogs.cards.contribution import SECTION_INPUT
from dialogs.texts import for_language
from domain.model import Person, RoleKind, Schedule
from storage.unit_of_work import UnitOfWorkFactory
from tests.conversation.harness import texts_in
from tests.deps import deps_of

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # Monday: collection for Thursday's meeting is open


def turn_of(person: Person) -> Turn:
    origin = Origin(tenant_id="t", conversation_id=f"a:{person.id}", conversation_type="personal",
                    service_url="https://smba.trafficmanager.net/emea/", user_id=person.id,
                    user_name=person.display_name, aad_object_id=None, bot_id="28:bot", team_id=None, channel_id=None,
                    locale="sv-SE")
    return Turn(origin=origin, person=person, t=for_language("sv"), now=NOW, forum=None)


async def test_ten_concurrent_submits_store_one_version_and_answer_the_rest_with_the_conflict(
    uow_factory: UnitOfWorkFactory,
) -> None:
    async with uow_factory() as uow:
        forum_id = await uow.forums.create(name="Forum", tenant_id="t", conversation_id="19:f@thread.tacv2",
                                           chair_id="29:chair", schedule=Schedule(skip_public_holidays=False),
                                           now=NOW)
        await uow.forums.replace_sections(forum_id, [(None, "Aktuellt")], NOW)
        await uow.forums.replace_organisations(forum_id, [(None, "Polisen")], NOW)
        forum = await uow.forums.get(forum_id)
        assert forum is not None
        organisation = forum.organisations[0]
        people = [Person(f"29:p{i}", f"Person {i}") for i in range(2)]
        for person in people:
            await uow.people.upsert(person.id, display_name=person.display_name, aad_object_id=None, tenant_id="t",
                                    now=NOW)
            await uow.forums.set_membership(forum_id, person.id, organisation.id, NOW)
        await uow.forums.set_role_holder(organisation.id, RoleKind.PARTICIPANT, people[0].id, NOW)
        await uow.forums.set_role_holder(organisation.id, RoleKind.DEPUTY, people[1].id, NOW)
        forum = await uow.forums.get(forum_id)
        assert forum is not None
        meeting = await upcoming_meeting(uow, forum, NOW, deps_of(uow_factory).holidays)
        assert meeting is not None
        await uow.commit()
    section = forum.sections[0].id

    def data(i: int) -> dict[str, object]:
        return {"meeting_id": meeting.id, "organisation_id": organisation.id, "base_version": 0,
                SECTION_INPUT + section: f"Lägesbild nummer {i}.", "attending": "yes", "nothing_new": "false"}

    replies = await asyncio.gather(*(contributions.submit(deps_of(uow_factory), turn_of(people[i % 2]), data(i))
                                     for i in range(10)))
    shown = [texts_in(r.card or {}) for r in replies]
    stored = [s for s in shown if "Inlämnad" in s]
    conflicts = [s for s in shown if "ändrade lägesbilden" in s or "någon annan skickade samtidigt" in s]
    assert len(stored) == 1, shown
    assert len(conflicts) == 9, shown
    assert all("Lägesbild nummer" in s for s in conflicts)  # each person's text is kept on their card
    async with uow_factory() as uow:
        history = await uow.contributions.history(meeting.id, organisation.id)
    assert [v.version for v in history] == [1]
