"""The role × command matrix: what each kind of person gets from every text command and card verb, and whether the
compiled lägesbild's content reaches them under each visibility choice (issue 11, item 5).

Columns (tests/unit/role_world.py): the chair; the secretary (a member for Socialtjänsten); a municipal
participant (Polisen's participant, also the approver); an external participant (the housing company's participant,
the organisation marked external); a recipient of the minutes only; an administrator in no forum; an outsider in no
forum. Members write in the forum's channel, the last three in a 1:1 chat. The forum's choice is *municipal only*.

Cells: `ok` (answered without a refusal: a card, a text, or a polite "nothing found" for the sample arguments),
or the refusal: `chair` (NotChair), `keeper` (NotRecordKeeper), `approver`, `admin`, `role` (no role for the
organisation: NoRole, or the contribution card's "not allowed"), `member` (NotAMember), `noforum` (no forum for this
person in a 1:1 chat), `channel` (only in the forum's channel), `reader` (may not read the minutes).
Arguments are the route table test's samples (tests/unit/test_routes.py `World.request`); contribution verbs are
about Polisen's report. Every text command has a row; a chair-only or admin-only route without one is checked
against its `Who` (see `_by_who`), other verbs are left to tests/unit/test_routes.py.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.routing import TEXT, VERBS, Route
from bot.services import contributions, cycle
from bot.services.turn import Turn
from domain.visibility import SummaryVisibility
from tests.conversation.harness import texts_in
from tests.services.test_submit_use_case import filled
from tests.unit.role_world import BY_ROLE, CHANNEL, PERSONAS, ROLES, RoleWorld, role_world

SHORT = {"NotChair": "chair", "NotRecordKeeper": "keeper", "NotApprover": "approver", "NotAdmin": "admin",
         "NoRole": "role", "not_allowed": "role", "NotAMember": "member", "ForumNotFound": "noforum",
         "ChairsNoForum": "noforum", "ChannelOnly": "channel", "NotReader": "reader"}

MATRIX = """
command                 chair    secretary municipal external recipient admin    outsider
setup                   ok       ok        ok        ok       channel   channel  channel
members                 ok       chair     chair     chair    channel   channel  channel
test_message            ok       chair     chair     chair    noforum   noforum  noforum
summary                 ok       chair     chair     chair    chair     noforum  noforum
cancel_meeting          ok       chair     chair     chair    chair     noforum  noforum
move_meeting            ok       chair     chair     chair    chair     noforum  noforum
export                  ok       chair     chair     chair    chair     noforum  noforum
report                  role     role      ok        ok       member    member   member
next_meeting            ok       ok        ok        ok       ok        noforum  noforum
minutes                 ok       ok        keeper    keeper   keeper    noforum  noforum
action                  ok       ok        keeper    keeper   channel   channel  channel
away                    ok       ok        ok        ok       ok        ok       ok
back                    ok       ok        ok        ok       ok        ok       ok
actions                 ok       ok        ok        ok       ok        noforum  noforum
my_actions              ok       ok        ok        ok       ok        ok       ok
search                  ok       ok        ok        ok       member    noforum  noforum
pause_reminders         ok       ok        ok        ok       ok        ok       ok
resume_reminders        ok       ok        ok        ok       ok        ok       ok
act_done                ok       ok        ok        ok       ok        ok       ok
act_redate              ok       ok        ok        ok       ok        ok       ok
act_help                ok       ok        ok        ok       ok        ok       ok
act_comment             ok       ok        ok        ok       ok        ok       ok
act_reopen              ok       chair     chair     chair    noforum   noforum  noforum
hand_over               ok       ok        ok        ok       ok        ok       ok
new_holder              ok       chair     chair     chair    noforum   noforum  noforum
delivery_problems       ok       chair     chair     chair    noforum   noforum  noforum
history                 ok       ok        ok        ok       ok        noforum  noforum
export_log              ok       chair     chair     chair    chair     noforum  noforum
visibility              ok       chair     chair     chair    chair     noforum  noforum
goals                   ok       ok        ok        ok       ok        noforum  noforum
join                    ok       ok        ok        ok       channel   channel  channel
language                ok       ok        ok        ok       ok        ok       ok
help                    ok       ok        ok        ok       ok        ok       ok
setup.open              ok       ok        ok        ok       channel   channel  channel
setup.save              ok       chair     chair     chair    chair     chair    chair
members.open            ok       chair     chair     chair    chair     chair    chair
record.open             ok       chair     chair     chair    chair     chair    chair
policy.open             ok       chair     chair     chair    chair     chair    chair
visibility.open         ok       chair     chair     chair    chair     chair    chair
visibility.save         ok       chair     chair     chair    chair     chair    chair
join.submit             ok       ok        ok        ok       ok        ok       ok
contribution.open       role     role      ok        role     role      role     role
contribution.submit     role     role      ok        role     role      role     role
contribution.edit       ok       ok        ok        ok       ok        ok       ok
minutes.show            ok       ok        ok        ok       ok        reader   reader
minutes.open            ok       ok        keeper    keeper   keeper    keeper   keeper
minutes.publish         ok       ok        keeper    keeper   keeper    keeper   keeper
minutes.correct         ok       ok        keeper    keeper   keeper    keeper   keeper
minutes.approve         approver approver  ok        approver approver  approver approver
minutes.comment         approver approver  ok        approver approver  approver approver
delivery.list           ok       chair     chair     chair    chair     chair    chair
history.page            ok       ok        ok        ok       ok        ok       ok
"""
# `contribution.edit` ('Ändra' after a warning) echoes only what the person sent on that card: it reads and stores
# nothing, so it needs no guard. The external participant reaches their own report only (test below).


def _table(raw: str) -> dict[str, dict[str, str]]:
    header, *rows = [line.split() for line in raw.strip().splitlines()]
    assert tuple(header[1:]) == ROLES
    return {row[0]: dict(zip(ROLES, row[1:], strict=True)) for row in rows}


EXPECTED = _table(MATRIX)
ROUTES = {r.name: r for r in TEXT + VERBS}


def _by_who(route: Route[Any]) -> dict[str, str] | None:
    """For a route this table does not list yet: the chair-only (or chair-or-admin) and admin-only kinds, which
    must never reach the external participant; other kinds are left to tests/unit/test_routes.py."""
    if route.who.name in ("CHAIR", "CHAIR_OR_ADMIN"):
        return {"chair": "ok", "external": "chair"}
    if route.who.name == "ADMIN":
        return {"admin": "ok", "external": "admin", "outsider": "admin", "chair": "admin"}
    return None


def test_the_table_names_every_text_command_and_only_routes_that_exist() -> None:
    assert set(EXPECTED) <= set(ROUTES), set(EXPECTED) - set(ROUTES)
    unlisted = {r.name for r in TEXT if r.name not in EXPECTED and _by_who(r) is None}
    assert not unlisted, f"add a row to MATRIX for each of {sorted(unlisted)}"


@pytest.mark.parametrize("name", sorted(set(EXPECTED) | {r.name for r in TEXT + VERBS if _by_who(r)}))
async def test_each_role_gets_what_the_matrix_says(name: str) -> None:
    route = ROUTES[name]
    expected = EXPECTED.get(name) or _by_who(route) or {}
    got = {}
    for role in expected:
        world = await role_world()  # a fresh forum per cell: one cell's change never decides another's
        got[role] = SHORT.get(outcome := await world.outcome(route, BY_ROLE[role]), outcome)
    assert got == expected, name


# --- whether the compiled lägesbild's content reached them -----------------------------------------------------

REACH = """
visibility  chair secretary municipal external recipient admin outsider
everyone    yes   yes       yes       yes      no        no    no
municipal   yes   yes       yes       no       no        no    no
chair       yes   yes       no        no       no        no    no
"""
POLICE_TEXT, HOUSING_TEXT, LATE_TEXT = "Oro vid torget på kvällarna.", "Klotter i trapphusen.", "Sent: fler bränder."


def _reach() -> dict[str, dict[str, bool]]:
    return {v: {role: cell == "yes" for role, cell in cells.items()} for v, cells in _table(
        REACH.replace("visibility", "command", 1)).items()}


async def _report(world: RoleWorld, role: str, text: str) -> None:
    persona = BY_ROLE[role]
    turn = world.turn(persona, personal=True)
    card = (await contributions.open_report(world.deps, turn, contributions.ReportArgs(f"r-{role}"))).card
    assert card is not None
    reply = await contributions.submit(world.deps, _at(turn, world), filled(card, text))
    assert text in texts_in(reply.card or {})


def _at(turn: Turn, world: RoleWorld) -> Turn:
    from dataclasses import replace

    return replace(turn, now=world.now)


def _seen_by(world: RoleWorld, text: str) -> dict[str, bool]:
    """Per role: the text is in a message to their 1:1 chat, or in a post to the channel they are in."""
    seen = dict.fromkeys(ROLES, False)
    for record in world.db.outbox:
        if text not in json.dumps(record.message.payload, ensure_ascii=False):
            continue
        for persona in PERSONAS:
            to_channel = record.message.conversation_id == CHANNEL and persona.in_channel
            if to_channel or record.message.person_id == persona.person.id:
                seen[persona.role] = True
    return seen


def _channel_texts(world: RoleWorld) -> str:
    return " ".join(json.dumps(r.message.payload, ensure_ascii=False) for r in world.db.outbox
                    if r.message.conversation_id == CHANNEL)


@pytest.mark.parametrize("visibility", list(SummaryVisibility))
async def test_the_lägesbild_reaches_only_whom_the_forums_choice_allows(visibility: SummaryVisibility) -> None:
    from datetime import UTC, datetime

    world = await role_world(visibility)
    await _report(world, "municipal", POLICE_TEXT)
    await _report(world, "external", HOUSING_TEXT)
    world.now = datetime(2026, 11, 25, 16, 30, tzinfo=UTC)  # Wednesday 17:30 Stockholm: after the deadline
    await cycle.run_cycle(world.deps, world.now)
    wanted = _reach()[visibility.value]
    assert _seen_by(world, POLICE_TEXT) == wanted
    assert _seen_by(world, HOUSING_TEXT) == wanted  # everyone allowed reads the external's report too
    restricted = visibility is not SummaryVisibility.EVERYONE
    channel = _channel_texts(world)
    assert (POLICE_TEXT in channel) is not restricted and (HOUSING_TEXT in channel) is not restricted
    assert ("Lägesbilden för mötet" in channel) is restricted  # the notice without content

    await _report(world, "external", LATE_TEXT)  # a late addition reaches the same people, never more
    assert _seen_by(world, LATE_TEXT) == wanted
    assert (LATE_TEXT in _channel_texts(world)) is not restricted


async def test_a_restricted_lägesbild_is_audited_per_batch_of_recipients_with_ids_only() -> None:
    from datetime import UTC, datetime

    world = await role_world(SummaryVisibility.MUNICIPAL)
    await _report(world, "municipal", POLICE_TEXT)
    world.now = datetime(2026, 11, 25, 16, 30, tzinfo=UTC)
    await cycle.run_cycle(world.deps, world.now)
    [read] = [e for e in world.db.audit if e["action"] == "summary.read"]
    ids = {BY_ROLE[r].person.id for r in ("chair", "secretary", "municipal")}
    assert (read["subject_id"], set(read["detail"]["recipients"]), read["detail"]["count"]) == (
        world.meeting_id, ids, 3)
    assert POLICE_TEXT not in json.dumps(world.db.audit, default=str, ensure_ascii=False)


async def test_an_external_participant_sees_their_own_report_but_never_anothers() -> None:
    world = await role_world(SummaryVisibility.EVERYONE)
    await _report(world, "municipal", POLICE_TEXT)
    await _report(world, "external", HOUSING_TEXT)
    forum = await world.reload()
    police, _, housing = (o.id for o in forum.organisations)
    turn = world.turn(BY_ROLE["external"], personal=True)
    own = await contributions.reopen(world.deps, turn, {"meeting_id": world.meeting_id, "organisation_id": housing})
    other = await contributions.reopen(world.deps, turn, {"meeting_id": world.meeting_id, "organisation_id": police})
    assert HOUSING_TEXT in texts_in(own.card or {})
    assert POLICE_TEXT not in (other.text or "") + texts_in(other.card or {})
