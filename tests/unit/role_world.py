"""A forum with one person in each role, on the in-memory database: the role × command matrix's world
(tests/unit/test_role_matrix.py)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from bot.routing import Request, Route, dispatch
from bot.services.ports import Deps
from bot.services.turn import Origin, Reply, Turn
from dialogs.texts import for_language
from domain.errors import DomainError
from domain.model import Forum, Person, RecordRoles, RoleKind, Schedule
from domain.visibility import SummaryVisibility
from tests.conversation.harness import texts_in
from tests.fakes.uow import FakeDatabase, fake_deps
from tests.unit.test_routes import World as RouteWorld

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # Monday: collection for Thursday 26 November is open
CHANNEL = "19:forum@thread.tacv2"
ADMIN_OID = "0a0a0a0a-0000-4000-8000-00000000ada0"


@dataclass(frozen=True)
class Persona:
    role: str  # the matrix's column
    person: Person
    in_channel: bool  # writes in the forum's channel; otherwise in a 1:1 chat with the bot


PERSONAS = (
    Persona("chair", Person("29:anna", "Anna Lindqvist"), True),
    Persona("secretary", Person("29:sara", "Sara Sekreterare"), True),  # member for Socialtjänsten
    Persona("municipal", Person("29:polly", "Polly Persson"), True),  # Polisen's participant, the approver
    Persona("external", Person("29:bo", "Bo Bostad"), True),  # the housing company's participant (external)
    Persona("recipient", Person("29:rita", "Rita Mottagare"), False),  # only receives published minutes
    Persona("admin", Person("29:ada", "Ada Admin", aad_object_id=ADMIN_OID), False),  # FORUMBOT_ADMINS, no forum
    Persona("outsider", Person("29:olle", "Olle Utanför"), False),  # in the tenant, in no forum
)
ROLES = tuple(p.role for p in PERSONAS)
BY_ROLE = {p.role: p for p in PERSONAS}


@dataclass
class RoleWorld:
    deps: Deps
    db: FakeDatabase
    forum: Forum
    meeting_id: str
    now: datetime = NOW

    def turn(self, persona: Persona, *, personal: bool | None = None, language: str = "sv") -> Turn:
        personal = not persona.in_channel if personal is None else personal
        person = persona.person
        origin = Origin(tenant_id="t", conversation_id=f"a:{person.id}" if personal else CHANNEL,
                        conversation_type="personal" if personal else "channel",
                        service_url="https://smba.trafficmanager.net/emea/", user_id=person.id,
                        user_name=person.display_name, aad_object_id=person.aad_object_id, bot_id="28:bot",
                        team_id=None, channel_id=None, locale=f"{language}-SE")
        return Turn(origin=origin, person=person, t=for_language(language), now=self.now,
                    forum=None if personal else self.forum)

    def request(self, route: Route[Any]) -> Request:
        """The route table test's sample arguments (tests/unit/test_routes.py `World.request`)."""
        return RouteWorld(self.forum, self.meeting_id).request(route)

    async def reload(self) -> Forum:
        async with self.deps.uow() as uow:
            found = await uow.forums.get(self.forum.id)
        assert found is not None
        self.forum = found
        return found

    async def outcome(self, route: Route[Any], persona: Persona) -> str:
        """`ok`, or how it was refused: the refusal's name (NotChair …) or `not_allowed` on a contribution card."""
        try:
            reply = await dispatch(route, self.deps, self.turn(persona), self.request(route))
        except DomainError as refusal:
            return type(refusal).__name__
        return "not_allowed" if _not_allowed(reply) else "ok"


def _not_allowed(reply: Reply) -> bool:
    shown = reply.text or texts_in(reply.card or {})
    return for_language("sv")("contribution.error.not_allowed", organisation="Polisen") in shown


async def role_world(visibility: SummaryVisibility = SummaryVisibility.MUNICIPAL) -> RoleWorld:
    deps, db = fake_deps()
    deps = replace(deps, admins=frozenset({ADMIN_OID}))
    p = BY_ROLE
    async with deps.uow() as uow:
        forum_id = await uow.forums.create(name="Forum Norrby", tenant_id="t", conversation_id=CHANNEL,
                                           chair_id=p["chair"].person.id,
                                           schedule=Schedule(skip_public_holidays=False), now=NOW)
        await uow.forums.replace_sections(forum_id, [(None, "Aktuellt"), (None, "Trender")], NOW)
        await uow.forums.replace_organisations(forum_id, [(None, "Polisen"), (None, "Socialtjänsten"),
                                                          (None, "Bostadsbolaget")], NOW)
        forum = await uow.forums.get(forum_id)
        assert forum is not None
        police, social, housing = (o.id for o in forum.organisations)
        for persona in PERSONAS:
            await uow.people.upsert(persona.person.id, display_name=persona.person.display_name,
                                    aad_object_id=persona.person.aad_object_id, tenant_id="t", now=NOW)
        for role, org in (("chair", social), ("secretary", social), ("municipal", police), ("external", housing)):
            await uow.forums.set_membership(forum_id, p[role].person.id, org, NOW)
        await uow.forums.set_role_holder(police, RoleKind.PARTICIPANT, p["municipal"].person.id, NOW)
        await uow.forums.set_role_holder(housing, RoleKind.PARTICIPANT, p["external"].person.id, NOW)
        await uow.forums.set_record_roles(forum_id, RecordRoles(
            secretary_id=p["secretary"].person.id, approver_ids=(p["municipal"].person.id,),
            recipient_ids=(p["recipient"].person.id,)), NOW)
        await uow.forums.set_external(forum_id, {housing: True}, NOW)
        await uow.forums.set_visibility(forum_id, visibility, NOW)
        meeting = await uow.meetings.ensure(forum, date(2026, 11, 26), datetime(2026, 11, 26, 8, 0, tzinfo=UTC), NOW)
        forum = await uow.forums.get(forum_id)
        assert forum is not None
        await uow.commit()
    return RoleWorld(deps, db, forum, meeting.id)
