"""The draft-minutes and record-roles cards: labelled, valid Adaptive Cards 1.5, small enough for Teams, usable on
a phone (at most two columns side by side, at most four buttons at a card's foot), user text kept literal."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.services.minutes_common import Draft
from bot.services.minutes_views import action_view, attendance_view, frame_of, item_view
from dialogs.cards.minutes_action import action_added_card
from dialogs.cards.minutes_draft import (
    CARD_BUDGET,
    Feedback,
    ItemRow,
    new_item_card,
    overview_card,
    remove_item_card,
)
from dialogs.cards.record_roles import record_roles_card, record_roles_saved_card
from dialogs.cards.summary import MAX_MESSAGE_BYTES, render_summary_cards, utf16_size
from dialogs.texts import Texts
from domain.meetings import Meeting, MeetingStatus
from domain.minutes import DraftAction, Minutes, MinutesContent, MinutesItem, MinutesStatus
from domain.model import AgendaSection, Forum, Organisation, RecordRoles, Role, RoleKind, Schedule
from domain.schedule import meeting_times
from tests.cardcheck import validate_cards
from tests.conversation.harness import inputs_of, texts_in
from tests.conversation.minutes_flows import buttons

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
ORGANISATIONS = tuple(Organisation(f"o{n}", f"Organisation nummer {n}", n) for n in range(1, 21))
ROLES = tuple(Role(f"r{o.id}{k.value}", o.id, k, f"29:p{o.id}{k.value}" if k is RoleKind.PARTICIPANT else None)
              for o in ORGANISATIONS for k in RoleKind)


def forum(items: int = 6) -> Forum:
    sections = tuple(AgendaSection(f"s{n}", f"Dagordningspunkt {n}", n) for n in range(1, items + 1))
    return Forum("f1", "Trygghetsforum **Centrum**", "t", "19:forum", "29:chair", Schedule(), sections,
                 ORGANISATIONS, ROLES, record=RecordRoles(approver_ids=("29:po1participant",)))


def draft(items: int = 6, *, actions: int = 1, text: int = 200) -> Draft:
    f = forum(items)
    meeting = Meeting("m1", f.id, date(2026, 11, 26), date(2026, 11, 26), MeetingStatus.SCHEDULED,
                      meeting_times(f.schedule, date(2026, 11, 26)))
    rows = []
    for n, section in enumerate(f.sections):
        acts = tuple(DraftAction(f"a{n}-{k}", f"Åtgärd {k} " + "x" * 150, ROLES[k % len(ROLES)].id,
                                 date(2026, 12, 10), "Beskrivning " * 20, number=k if k % 2 else None)
                     for k in range(actions))
        rows.append(MinutesItem(section.id, section.title, "Anteckning. " * (text // 12),
                                tuple(f"Beslut {k}" for k in range(3)), acts))
    minutes = Minutes("m1", f.id, MinutesStatus.DRAFT, 3, MinutesContent(tuple(rows)), NOW, "29:chair")
    names = {r.holder_id: f"Person {r.holder_id}" for r in ROLES if r.holder_id} | {"29:chair": "Anna"}
    return Draft(f, meeting, minutes, names)


def overview(t: Texts, d: Draft) -> dict[str, Any]:
    rows = [ItemRow(i.key, i.title, len(i.decisions), len(i.actions), bool(i.notes)) for i in d.content.items]
    return overview_card(t, frame_of(t, d), status="Utkast", follow_up=[], attendance="Närvarande: …", rows=rows,
                         publish_label="Publicera")


def all_cards(t: Texts, d: Draft) -> list[dict[str, Any]]:
    item = d.content.items[0]
    people = [(f"29:p{n}", f"Person {n}") for n in range(40)]
    return [
        overview(t, d),
        item_view(t, d, item),
        item_view(t, d, item, stored=item, feedback=Feedback(note="Någon sparade", errors=["Fel"])),
        attendance_view(t, d),
        action_view(t, d, item, item.actions[0] if item.actions else None),
        action_view(t, d, item, None, feedback=Feedback(warnings=["Kontrollera"], confirm_rules=("person_age",))),
        new_item_card(t, frame_of(t, d)),
        remove_item_card(t, frame_of(t, d), item, base="b"),
        action_added_card(t, frame_of(t, d), item_key=item.key, item_title=item.title,
                          action=DraftAction("a", "Titel", ROLES[0].id, date(2026, 12, 10)), owner="Polisen",
                          due="10 december"),
        record_roles_card(t, forum_id="f1", people=people, values={"approvers": "29:p1,29:p2"}, revision="r",
                          errors=["Fel"]),
        record_roles_saved_card(t, forum_id="f1", forum="Forum", record=RecordRoles(secretary_id="29:p1"),
                                names={"29:p1": "Person 1"}),
    ]


def columns_side_by_side(node: Any) -> int:
    if isinstance(node, dict):
        here = len(node["columns"]) if node.get("type") == "ColumnSet" else 0
        return max([here, *(columns_side_by_side(v) for v in node.values())])
    if isinstance(node, list):
        return max([0, *(columns_side_by_side(v) for v in node)])
    return 0


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_card_is_labelled_small_and_fits_a_phone(language: str) -> None:
    t = Texts(language, strict=True)
    for card in all_cards(t, draft()):
        assert all(node.get("label") for node in inputs_of(card).values()), card
        assert utf16_size(card) <= CARD_BUDGET
        assert len(card.get("actions", [])) <= 4
        assert columns_side_by_side(card) <= 2


@pytest.mark.node
@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_cards_are_valid_adaptive_cards(language: str) -> None:
    t = Texts(language, strict=True)
    big = draft(40, actions=0)
    assert validate_cards([*all_cards(t, draft()), overview(t, big)]) == []


def test_forty_items_give_one_list_to_pick_from_instead_of_a_button_each_and_stay_small() -> None:
    t = Texts("sv", strict=True)
    small, big = overview(t, draft(6)), overview(t, draft(40, actions=0))
    assert len([b for b in buttons(small) if b["title"] == "Ändra"]) == 6
    assert len([b for b in buttons(big) if b["title"] == "Ändra"]) == 1
    assert "item" in inputs_of(big) and len(inputs_of(big)["item"]["choices"]) == 40
    assert utf16_size(big) <= CARD_BUDGET
    assert "40. Dagordningspunkt 40" in texts_in(big)


def test_a_full_item_stays_under_the_message_limit_even_beside_the_other_editors_text() -> None:
    t = Texts("sv", strict=True)
    d = draft(6, actions=10, text=4000)
    item = d.content.items[0]
    assert utf16_size(item_view(t, d, item)) <= CARD_BUDGET * 2
    assert utf16_size(item_view(t, d, item, stored=item)) <= MAX_MESSAGE_BYTES


def test_user_text_stays_literal_and_unnumbered_actions_read_new() -> None:
    t = Texts("sv", strict=True)
    d = draft(2, actions=2)
    shown = texts_in(item_view(t, d, d.content.items[0]))
    assert "Trygghetsforum \\*\\*Centrum\\*\\*" in shown
    assert "**ny** · Åtgärd 0" in shown and "**Å-1** · Åtgärd 1" in shown


def test_the_summary_carries_the_minutes_button_on_its_last_card_within_the_limit() -> None:
    from tests.unit.test_summary_cards import compile_at, many_organisations

    t = Texts("sv", strict=True)
    f, contributions = many_organisations(20, 6, 1_500)
    button = {"type": "Action.Execute", "title": "Minnesanteckningar", "verb": "minutes.open",
              "data": {"verb": "minutes.open", "forum_id": "f" * 32, "meeting_id": "m" * 32}}
    cards = render_summary_cards(t, compile_at(f, contributions), max_bytes=20_000, actions=[button])
    assert len(cards) > 2
    assert [c.get("actions", []) for c in cards] == [[]] * (len(cards) - 1) + [[button]]
    assert all(utf16_size(c) <= 20_000 for c in cards)
