"""The compiled summary starts with the follow-up of earlier actions, frozen as it was; split, exported, stored."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from dialogs.cards.summary import render_summary_cards
from dialogs.cards.summary_text import render_summary_markdown, render_summary_text
from dialogs.texts import Texts
from domain.actions import ActionItem, ActionStatus, follow_up
from domain.model import Forum, Role, RoleKind
from domain.reporting import Summary, SummaryFollowUp, compile_frame, frame_for, freeze_follow_up
from storage.summary_codec import frame_from_json, frame_to_json, summary_from_json, summary_to_json
from tests.cardcheck import validate_cards
from tests.unit.test_summary_cards import (
    DEADLINE_AT,
    LATE,
    MEETING_DATE,
    ORGANISATIONS,
    SECTIONS,
    STARTS_AT,
    entry,
    make_forum,
    texts_of,
    utf16,
)

TODAY = date(2026, 11, 25)  # the deadline's local day


def _forum() -> Forum:
    roles = (Role("r-police", "police", RoleKind.PARTICIPANT, "29:anna"),
             Role("r-school", "school", RoleKind.DEPUTY, None))
    return replace(make_forum(SECTIONS, ORGANISATIONS), roles=roles)


def _action(number: int, due: date, *, role: str = "r-police", title: str | None = None,
            status: ActionStatus = ActionStatus.OPEN, outcome: str = "") -> ActionItem:
    closed = STARTS_AT - timedelta(days=3) if status is ActionStatus.DONE else None
    return ActionItem(id=f"a{number}", forum_id="f1", number=number, title=title or f"Åtgärd {number}",
                      owner_role_id=role, due=due, meeting_id="m0", item_key="s1", status=status,
                      created_at=STARTS_AT - timedelta(days=30), created_by="29:chair", closed_at=closed,
                      outcome=outcome)


def _record(actions: list[ActionItem], forum: Forum | None = None) -> SummaryFollowUp:
    forum = forum or _forum()
    result = follow_up(actions, today=TODAY, closed_since=STARTS_AT - timedelta(days=7))
    return freeze_follow_up(forum, result, {"29:anna": "Anna *Lind*"}, TODAY)


def _summary(record: SummaryFollowUp | None) -> Summary:
    frame = replace(frame_for(_forum(), MEETING_DATE, STARTS_AT, DEADLINE_AT), follow_up=record)
    contributions = [entry("police", {"events": "Inbrott på skolan i helgen."}), entry("field", {}, nothing_new=True)]
    return compile_frame(frame, contributions, compiled_at=LATE)


ACTIONS = [
    _action(1, TODAY + timedelta(days=5), title="Ring *rektor*"),
    _action(2, TODAY - timedelta(days=2), role="r-school"),
    _action(3, TODAY, status=ActionStatus.DONE, outcome="Klart, se [länk]"),
]


def test_the_summary_starts_with_the_follow_up_overdue_first_owners_named_and_escaped() -> None:
    sv = Texts("sv", strict=True)
    texts = texts_of(render_summary_cards(sv, _summary(_record(ACTIONS))))
    heading = texts.index("Uppföljning från föregående möten")
    assert heading < texts.index("Inget nytt att rapportera (1)") < texts.index("Aktuella händelser")
    assert texts[heading + 1:heading + 5] == [
        "- **Å-2** Åtgärd 2 · Skolan, ersättare (vakant) · senast måndag 23 november 2026 · **försenad**",
        "- **Å-1** Ring \\*rektor\\* · Polisen, deltagare (Anna \\*Lind\\*) · senast måndag 30 november 2026",
        "Avslutade sedan förra mötet:",
        "- Å-3 Åtgärd 3 · klar måndag 23 november 2026: Klart, se \\[länk\\]",
    ]


def test_in_english_the_follow_up_reads_in_english() -> None:
    en = Texts("en", strict=True)
    texts = texts_of(render_summary_cards(en, _summary(_record(ACTIONS))))
    assert "Follow-up from earlier meetings" in texts
    assert any(t.startswith("- **Å-2** Åtgärd 2 · Skolan, deputy") and t.endswith("· **overdue**") for t in texts)
    assert "Closed since the last meeting:" in texts


def test_without_earlier_actions_the_summary_is_exactly_as_before_and_an_empty_one_says_so() -> None:
    sv = Texts("sv", strict=True)
    plain = _summary(None)
    assert "Uppföljning från föregående möten" not in texts_of(render_summary_cards(sv, plain))
    assert "Uppföljning från föregående möten" not in render_summary_markdown(sv, plain)
    empty = _summary(_record([]))  # the forum had actions, none open and none closed since: say so
    texts = texts_of(render_summary_cards(sv, empty))
    assert texts[texts.index("Uppföljning från föregående möten") + 1] == "Inga öppna åtgärder från tidigare möten."


def test_the_markdown_export_and_the_plain_text_carry_the_follow_up_after_the_header() -> None:
    sv = Texts("sv", strict=True)
    summary = _summary(_record(ACTIONS))
    markdown = render_summary_markdown(sv, summary)
    assert "## Uppföljning från föregående möten\n\n- **Å-2** Åtgärd 2" in markdown
    assert "Ring \\*rektor\\* · Polisen, deltagare (Anna \\*Lind\\*)" in markdown
    order = [markdown.index(h) for h in ("## Uppföljning", "## Inget nytt att rapportera", "## Aktuella")]
    assert order == sorted(order)
    text = render_summary_text(sv, summary)
    assert "\nUppföljning från föregående möten\n- Å-2 Åtgärd 2 · Skolan, ersättare (vakant)" in text
    assert "Ring *rektor* · Polisen, deltagare (Anna *Lind*) · senast måndag 30 november 2026\n" in text
    assert "**" not in text.split("Aktuella händelser")[0]


def _thirty(title_length: int) -> SummaryFollowUp:
    actions = [_action(n, TODAY + timedelta(days=n - 10), title=f"Åtgärd {n} " + "ö*" * (title_length // 2))
               for n in range(1, 31)]
    return _record(actions)


@pytest.mark.parametrize("limit", [6_000, 20_000, 80_000])
def test_thirty_open_actions_split_under_the_size_limit_in_order_resuming_the_heading(limit: int) -> None:
    sv = Texts("sv", strict=True)
    cards = render_summary_cards(sv, _summary(_thirty(400)), max_bytes=limit)
    assert all(utf16(card) <= limit for card in cards)
    texts = texts_of(cards)
    numbers = [int(t.split("Å-")[1].split("*")[0]) for t in texts if t.startswith("- **Å-")]
    assert numbers == [*range(1, 10), *range(10, 31)]  # overdue ones (due before today) first, then by due date
    if limit < 80_000:
        assert len(cards) > 1
        assert "Uppföljning från föregående möten (forts.)" in texts_of(cards[1:])


def test_one_enormous_action_title_is_cut_to_fit_and_nothing_is_lost() -> None:
    sv = Texts("sv", strict=True)
    record = _record([_action(1, TODAY, title="lång " * 3_000)])
    cards = render_summary_cards(sv, _summary(record), max_bytes=6_000)
    assert all(utf16(card) <= 6_000 for card in cards)
    assert sum(t.count("lång") for t in texts_of(cards)) == 3_000


@pytest.mark.node
def test_summary_cards_with_a_follow_up_are_valid_adaptive_cards() -> None:
    cards = render_summary_cards(Texts("sv", strict=True), _summary(_thirty(200)), max_bytes=10_000)
    assert len(cards) > 1 and validate_cards(cards) == []


def test_the_follow_up_round_trips_through_the_stored_json() -> None:
    summary = _summary(_record(ACTIONS))
    stored = json.loads(json.dumps(summary_to_json(summary)))
    assert summary_from_json(stored) == summary
    frame = replace(frame_for(_forum(), MEETING_DATE, STARTS_AT, DEADLINE_AT), follow_up=_record(ACTIONS))
    assert frame_from_json(json.loads(json.dumps(frame_to_json(frame)))) == frame


def test_a_summary_stored_before_follow_ups_loads_without_one_and_renders_as_it_did() -> None:
    sv = Texts("sv", strict=True)
    summary = _summary(None)
    old: dict[str, Any] = summary_to_json(summary)
    del old["follow_up"]  # the shape stored before this change
    old_frame: dict[str, Any] = frame_to_json(frame_for(_forum(), MEETING_DATE, STARTS_AT, DEADLINE_AT))
    del old_frame["follow_up"]
    loaded = summary_from_json(old)
    assert loaded.follow_up is None and frame_from_json(old_frame).follow_up is None
    assert render_summary_cards(sv, loaded) == render_summary_cards(sv, summary)
    assert render_summary_markdown(sv, loaded) == render_summary_markdown(sv, summary)


def test_the_next_meeting_card_shows_at_most_fifteen_shortened_lines_and_counts_the_rest() -> None:
    from dialogs.cards.follow_up import frozen_elements
    from dialogs.cards.meeting import FOLLOW_UP_LINES

    record = _record([_action(n, TODAY + timedelta(days=n), title="Lång titel " * 300) for n in range(1, 21)])
    elements = frozen_elements(Texts("sv", strict=True), record, limit=FOLLOW_UP_LINES)
    lines = elements[1]["text"].split("\r")
    assert len(lines) == 16 and lines[-1] == "… och 5 till. Skriv **åtgärder** för hela listan."
    assert all(len(line) < 300 for line in lines) and "…" in lines[0]
    assert utf16(elements) < 20_000
