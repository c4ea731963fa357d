"""The route table is the one list of commands: words, help lines, guards and the manifest all agree with it."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.commands import COMMANDS, parse
from bot.routing import TEXT, VERBS, Request, Route, Where, Who, dispatch, help_lines
from bot.services.turn import Origin, Reply, Turn
from dialogs.texts import LANGUAGES, Texts, for_language, load_catalog
from domain.clock import FixedClock
from domain.errors import (
    ChannelOnly,
    DomainError,
    NoRole,
    NotAdmin,
    NotAMember,
    NotApprover,
    NotChair,
    NotRecordKeeper,
    StaleCard,
)
from domain.model import Forum, Person, RecordRoles, RoleKind, Schedule
from storage.unit_of_work import UnitOfWorkFactory
from tests.conversation.harness import texts_in
from tests.deps import deps_of

MANIFEST = Path(__file__).resolve().parents[2] / "manifest"
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # Monday: collection for Thursday 26 November is open
CHANNEL = "19:forum@thread.tacv2"
ANNA = Person("29:anna", "Anna Lindqvist")  # the chair
POLLY = Person("29:polly", "Polly Persson")  # participant for Polisen, and the minutes' approver
ERIK = Person("29:erik", "Erik Johansson")  # a member without a role
ADA_OID = "0a0a0a0a-0000-4000-8000-00000000ada0"
ADA = Person("29:ada", "Ada Admin", aad_object_id=ADA_OID)  # an administrator (FORUMBOT_ADMINS), in no forum


def test_every_text_command_has_words_in_both_languages() -> None:
    for language in LANGUAGES:
        catalog = load_catalog(language)
        for route in TEXT:
            words = catalog.get(f"commands.{route.name}")
            assert words and all(isinstance(w, str) and w.strip() for w in words), (language, route.name)


def test_every_text_command_has_a_help_line_in_both_languages() -> None:
    for route in TEXT:
        assert route.help, route.name
        for language in LANGUAGES:
            for _, key in route.help:
                assert Texts(language, strict=True)(key).startswith("- **"), (language, key)


def test_each_word_reaches_its_own_route() -> None:
    assert tuple(r.name for r in TEXT) == COMMANDS
    assert len({r.name for r in TEXT}) == len(TEXT) and len({r.name for r in VERBS}) == len(VERBS)
    for language in LANGUAGES:
        for route in TEXT:
            for word in load_catalog(language)[f"commands.{route.name}"]:
                parsed = parse(word)
                assert parsed is not None and parsed.name == route.name, (language, word)


def test_the_help_card_lists_each_line_once_in_the_order_of_the_table() -> None:
    lines = help_lines(Request())
    listed = [key for keys in lines.values() for key in keys]
    assert len(listed) == len(set(listed))
    assert {key for route in TEXT for _, key in route.help} == set(listed)


def test_the_manifest_offers_only_routes_and_only_where_they_work() -> None:
    manifest = json.loads((MANIFEST / "manifest.json").read_text(encoding="utf-8"))
    english = json.loads((MANIFEST / "en-us.json").read_text(encoding="utf-8"))
    routes = {r.name: r for r in TEXT}
    for i, command_list in enumerate(manifest["bots"][0]["commandLists"]):
        for j, command in enumerate(command_list["commands"]):
            for title in (command["title"], english[f"bots[0].commandLists[{i}].commands[{j}].title"]):
                parsed = parse(title)
                assert parsed is not None and parsed.name in routes, title
                if "personal" in command_list["scopes"]:
                    assert routes[parsed.name].where is not Where.CHANNEL, title


@dataclass
class World:
    forum: Forum
    meeting_id: str

    def turn(self, person: Person, *, personal: bool = False) -> Turn:
        conversation = f"a:{person.id}" if personal else CHANNEL
        origin = Origin(tenant_id="t", conversation_id=conversation,
                        conversation_type="personal" if personal else "channel",
                        service_url="https://smba.trafficmanager.net/emea/", user_id=person.id,
                        user_name=person.display_name, aad_object_id=person.aad_object_id, bot_id="28:bot",
                        team_id=None,
                        channel_id=None, locale="sv-SE")
        return Turn(origin=origin, person=person, t=for_language("sv"), now=NOW,
                    forum=None if personal else self.forum)

    def request(self, route: Route) -> Request:
        """Arguments good enough to reach each route's guard (a parser refuses before any guard)."""
        texts = {"cancel_meeting": "2026-11-26", "export": "2026-11-26", "away": "2026-12-01", "language": "sv",
                 "move_meeting": "2026-11-26 till 2026-11-27 10:00", "history": "Å-1",
                 "export_log": "2026-11-01 2026-11-30", "pause_reminders": "2026-12-20",
                 "audit_log": "2026-11-01 2026-11-30", "evaluate_goals": "2026",
                 "followup_report": "2026-07-01 2026-12-31", "annual_basis": "2026",
                 "archive": "2026", "disclose": "2026-01-01 2026-06-30"}
        data: dict[str, Any] = {"forum_id": self.forum.id, "meeting_id": self.meeting_id,
                                "organisation_id": self.forum.organisations[0].id,
                                "old": "2026-11-26", "new": "2026-11-27", "time": "10:00",
                                "start": "2026-07-01", "end": "2026-12-31"}
        if route in TEXT:
            return Request(text=texts.get(route.name, ""), request_id=f"r-{route.name}")
        return Request(data=data, request_id=f"r-{route.name}")


async def world_of(uow_factory: UnitOfWorkFactory) -> World:
    async with uow_factory() as uow:
        forum_id = await uow.forums.create(name="Forum", tenant_id="t", conversation_id=CHANNEL, chair_id=ANNA.id,
                                           schedule=Schedule(skip_public_holidays=False), now=NOW)
        await uow.forums.replace_sections(forum_id, [(None, "Aktuellt")], NOW)
        await uow.forums.replace_organisations(forum_id, [(None, "Polisen")], NOW)
        forum = await uow.forums.get(forum_id)
        assert forum is not None
        for person in (ANNA, POLLY, ERIK):
            await uow.people.upsert(person.id, display_name=person.display_name, aad_object_id=None,
                                    tenant_id="t", now=NOW)
            await uow.forums.set_membership(forum_id, person.id, forum.organisations[0].id, NOW)
        await uow.forums.set_role_holder(forum.organisations[0].id, RoleKind.PARTICIPANT, POLLY.id, NOW)
        await uow.forums.set_record_roles(forum_id, RecordRoles(approver_ids=(POLLY.id,)), NOW)
        meeting = await uow.meetings.ensure(forum, datetime(2026, 11, 26).date(),
                                            datetime(2026, 11, 26, 8, 0, tzinfo=UTC), NOW)
        forum = await uow.forums.get(forum_id)
        assert forum is not None
        await uow.commit()
    return World(forum, meeting.id)


def _refused_for_no_role(reply: Reply) -> bool:
    """A contribution card refuses someone without the organisation's role by saying so on the card."""
    shown = reply.text or texts_in(reply.card or {})
    return for_language("sv")("contribution.error.not_allowed", organisation="Polisen") in shown


async def test_each_route_refuses_whom_its_who_leaves_out(uow_factory: UnitOfWorkFactory) -> None:
    world = await world_of(uow_factory)
    deps = deps_of(uow_factory)
    for route in TEXT + VERBS:
        turn, request = world.turn(ERIK), world.request(route)
        if route.who is Who.CHAIR:
            with pytest.raises(NotChair) as refused:
                await dispatch(route, deps, turn, request)
            assert refused.value.params == {"chair": ANNA.display_name}, route.name
        elif route.who is Who.RECORD_KEEPER:
            with pytest.raises(NotRecordKeeper) as not_keeper:
                await dispatch(route, deps, turn, request)
            assert not_keeper.value.params == {"chair": ANNA.display_name}, route.name
        elif route.who is Who.APPROVER:
            with pytest.raises(NotApprover):
                await dispatch(route, deps, turn, request)
        elif route.who is Who.ADMIN:
            with pytest.raises(NotAdmin):
                await dispatch(route, deps, turn, request)
        elif route.who is Who.CHAIR_OR_ADMIN:
            with pytest.raises(NotChair):
                await dispatch(route, deps, turn, request)
        elif route.who is Who.ROLE_HOLDER:
            try:
                reply = await dispatch(route, deps, turn, request)
            except (NoRole, NotAMember):
                continue
            assert _refused_for_no_role(reply), route.name
        else:
            await dispatch(route, deps, turn, request)  # a member without a role is refused nothing


async def test_each_route_lets_whom_its_who_names_through(uow_factory: UnitOfWorkFactory) -> None:
    world = await world_of(uow_factory)
    deps = replace(deps_of(uow_factory), admins=frozenset({ADA_OID}))
    for route in TEXT + VERBS:
        person = {Who.CHAIR: ANNA, Who.RECORD_KEEPER: ANNA, Who.APPROVER: POLLY, Who.ROLE_HOLDER: POLLY,
                  Who.ANYONE: ERIK, Who.ADMIN: ADA, Who.CHAIR_OR_ADMIN: ANNA}[route.who]
        try:
            reply = await dispatch(route, deps, world.turn(person), world.request(route))
        except DomainError as refusal:
            raise AssertionError(f"{route.name} refused {person.display_name}: {refusal!r}") from refusal
        assert not _refused_for_no_role(reply), route.name


async def test_channel_routes_are_refused_in_a_private_chat(uow_factory: UnitOfWorkFactory) -> None:
    world = await world_of(uow_factory)
    deps = deps_of(uow_factory)
    channel_only = [r for r in TEXT + VERBS if r.where is Where.CHANNEL]
    assert {r.name for r in channel_only} >= {"setup", "join", "members", "setup.open", "join.open"}
    for route in channel_only:
        with pytest.raises(ChannelOnly):
            await dispatch(route, deps, world.turn(ANNA, personal=True), world.request(route))


async def test_a_refusal_is_worded_in_one_place_and_replaces_only_a_card_that_asks_for_it(
    uow_factory: UnitOfWorkFactory, clock: FixedClock
) -> None:
    from tests.conversation.harness import make_bot

    bot, _ = make_bot(uow_factory, clock)
    world = await world_of(uow_factory)

    async def stale(*_: object) -> Reply:
        raise StaleCard()

    async def not_chair(*_: object) -> Reply:
        raise NotChair(chair="Anna Lindqvist")

    submit = replace(bot.card_actions["contribution.submit"], run=stale)
    save = replace(bot.card_actions["setup.save"], run=not_chair)
    command = replace(bot.commands["next_meeting"], run=not_chair)
    sv = for_language("sv")
    assert await bot._run(submit, world.turn(ERIK), Request()) == Reply(text=sv("error.stale_card"), replace=True)
    refused = Reply(text=sv("error.not_chair", chair="Anna Lindqvist"))
    assert await bot._run(save, world.turn(ERIK), Request()) == refused
    assert await bot._run(command, world.turn(ERIK), Request()) == refused


def test_arguments_are_read_once_into_typed_values() -> None:
    from datetime import date

    from bot.routing import away_until, language_choice, move_card, move_text, one_date
    from bot.services.meeting_commands import MoveArgs
    from domain.errors import Usage

    assert one_date("x")(Request(text="2026-02-30 eller 2026-12-24")) == date(2026, 12, 24)  # impossible skipped
    assert move_text(Request(text="2026-12-24 till 2026-12-23 9.05")) == MoveArgs(date(2026, 12, 24),
                                                                                   date(2026, 12, 23), (9, 5))
    assert move_text(Request(text="2026-12-24 till 2026-12-23")).hour_minute is None
    card = move_card(Request(data={"forum_id": "f1", "old": "2026-12-24", "new": "2026-12-23", "time": "09:00"}))
    assert (card.forum_id, card.confirmed, card.hour_minute) == ("f1", True, (9, 0))
    assert away_until(Request(text="till 2026-12-07")) == date(2026, 12, 7)
    assert language_choice(Request(text=" EN ")) == "en"
    for parse_, text, key in [(one_date("collection.cancel_usage"), "på julafton", "collection.cancel_usage"),
                              (move_text, "2026-12-24 till imorgon", "collection.move_usage"),
                              (move_text, "2026-12-03 till 2026-12-04 25:00", "collection.move_usage"),
                              (move_text, "2026-12-03 till 2026-12-04 09:60", "collection.move_usage"),
                              (away_until, "till 2026-13-01", "contribution.away_invalid"),
                              (away_until, "", "contribution.away_invalid"),
                              (language_choice, "fi", "language.unknown")]:
        with pytest.raises(Usage) as refused:
            parse_(Request(text=text))
        assert refused.value.key == key, text
