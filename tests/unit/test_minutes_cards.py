"""The published minutes' cards: split under Teams' size in reading order, user text literal, follow-up frozen."""

# "\u00a7" below is the paragraph sign (§): tests/unit/test_doc_references.py keeps the sign before a digit out of
# the sources, where it would read as a citation.
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from dialogs.cards.minutes_published import MAX_CARD_BYTES, activities, published_cards, render_published_text
from dialogs.cards.summary import utf16_size
from dialogs.texts import for_language
from domain.actions import ActionItem, ActionStatus, FollowUp
from domain.minutes import (
    Approval,
    ApprovalDecision,
    Attendance,
    DraftAction,
    MinutesContent,
    MinutesFrame,
    MinutesItem,
    OwnerSnapshot,
    PublishedVersion,
)
from domain.model import RoleKind
from tests.conversation.harness import texts_in

AT = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
DUE = date(2026, 12, 10)
SV = for_language("sv")


def version(items: tuple[MinutesItem, ...], *, follow: FollowUp | None = None, number: int = 1,
            note: str = "") -> PublishedVersion:
    frame = MinutesFrame("Trygghetsforum", date(2026, 11, 19), "Europe/Stockholm", {"o1": "Polisen"},
                         {"r1": OwnerSnapshot("Polisen", RoleKind.PARTICIPANT, "Erik Johansson")})
    return PublishedVersion("m1", "f1", number, 7, MinutesContent(items, Attendance(("o1",))), frame, AT,
                            "29:sara", "Sara Berg", (Approval("29:polly", "Polly Persson", 3,
                                                              ApprovalDecision.APPROVED, AT),),
                            correction_note=note, follow_up=follow or FollowUp((), ()))


def test_long_minutes_are_split_into_cards_under_the_limit_in_reading_order() -> None:
    notes = ("Lång anteckning om läget i centrum. " * 80).strip()
    items = tuple(MinutesItem(f"s{i}", f"Punkt {i}", notes, ("Beslut",),
                              (DraftAction(f"a{i}", f"Åtgärd {i}", "r1", DUE, number=i),)) for i in range(1, 41))
    cards = published_cards(SV, version(items))
    assert len(cards) > 1
    assert all(utf16_size(c) <= MAX_CARD_BYTES for c in cards)
    shown = "\n".join(texts_in(c) for c in cards)
    positions = [shown.index(f"\u00a7 {n} Punkt {n - 6}\n") for n in range(7, 47)]
    assert positions == sorted(positions)
    assert texts_in(cards[0]).startswith(f"Trygghetsforum, torsdag 19 november 2026 – del 1 av {len(cards)}")
    posted = activities(SV, cards, "Trygghetsforum", date(2026, 11, 19))
    assert posted[-1]["text"].endswith(f"(del {len(cards)} av {len(cards)})")


def test_a_very_long_note_is_cut_into_blocks_that_each_fit() -> None:
    item = MinutesItem("s1", "Aktuellt", "ord " * 40_000)
    cards = published_cards(SV, version((item,)))
    assert len(cards) >= 3 and all(utf16_size(c) <= MAX_CARD_BYTES for c in cards)


def test_user_text_stays_literal_and_the_record_names_who_approved() -> None:
    item = MinutesItem("s1", "**Viktigt**", "[länk](http://x) <b>fet</b>", ("- inte en lista",))
    (card,) = published_cards(SV, version((item,), number=2, note="Fel datum"))
    shown = texts_in(card)
    assert "\u00a7 7 \\*\\*Viktigt\\*\\*" in shown and "\\[länk\\](http://x) \\<b\\>fet\\</b\\>" in shown
    assert "Polly Persson" in shown and "Rättad fredag 20 november 2026: Fel datum" in shown
    assert "Version\n2" in shown


def test_the_follow_up_is_shown_as_frozen_at_publication() -> None:
    earlier = ActionItem("x1", "f1", 3, "Ring skolan", "r1", date(2026, 11, 10), "m0", "s1", ActionStatus.OPEN,
                         AT, "29:sara")
    (card,) = published_cards(SV, version((MinutesItem("s1", "Aktuellt"),), follow=FollowUp((earlier,), ())))
    shown = texts_in(card)
    assert "Uppföljning från föregående möten" in shown
    assert "Å-3" in shown and "Polisen, deltagare (Erik Johansson)" in shown and "försenad" in shown


def test_the_plain_text_names_paragraphs_decisions_and_actions() -> None:
    item = MinutesItem("s1", "Aktuellt", "Lugnt", ("Följ upp",), (DraftAction("a1", "Ring", "r1", DUE, number=2),))
    plain = render_published_text(SV, version((item,)))
    assert "\u00a7 7 Aktuellt" in plain and "- Följ upp" in plain
    assert "- Å-2 Ring – Polisen, deltagare (Erik Johansson), senast torsdag 10 december 2026" in plain


def test_the_correction_date_is_the_forums_local_day() -> None:
    late = replace(version((MinutesItem("s1", "Aktuellt"),), number=2, note="Stavfel"),
                   published_at=datetime(2026, 11, 20, 23, 30, tzinfo=UTC))  # 00:30 on Saturday in Stockholm
    (card,) = published_cards(SV, late)
    assert "Rättad lördag 21 november 2026: Stavfel" in texts_in(card)
