"""The minutes' rules: § numbers across meetings and corrections, versions and locking, approvals, action
numbers, what changed between revisions, and who may read."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.minutes import (
    Approval,
    ApprovalDecision,
    Attendance,
    DraftAction,
    Minutes,
    MinutesContent,
    MinutesFrame,
    MinutesItem,
    MinutesStatus,
    NotSameItems,
    PublishedVersion,
    approved_by_all,
    changes_between,
    check_correction,
    first_paragraph_after,
    may_read,
    number_actions,
)
from domain.model import Forum, Membership, RecordRoles, Schedule

AT = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
DUE = date(2026, 12, 10)


def items(n: int, prefix: str = "s") -> tuple[MinutesItem, ...]:
    return tuple(MinutesItem(f"{prefix}{i}", f"Punkt {i}") for i in range(1, n + 1))


def version(meeting: str, first: int, n: int, number: int = 1, day: date = date(2026, 11, 19)) -> PublishedVersion:
    frame = MinutesFrame("Forum", day, "Europe/Stockholm", {}, {})
    return PublishedVersion(meeting, "f1", number, first, MinutesContent(items(n)), frame, AT, "29:anna", "Anna")


def forum(approvers: tuple[str, ...] = (), recipients: tuple[str, ...] = ()) -> Forum:
    return Forum("f1", "Forum", "t", "19:c", "29:anna", Schedule(), memberships=(Membership("29:erik", "o1"),),
                 record=RecordRoles(secretary_id="29:sara", approver_ids=approvers, recipient_ids=recipients))


def minutes(status: MinutesStatus, revision: int, sent: int | None, approvals: tuple[Approval, ...] = ()) -> Minutes:
    return Minutes("m1", "f1", status, revision, MinutesContent(items(2)), AT, sent_revision=sent, approvals=approvals)


def approval(who: str, revision: int, decision: ApprovalDecision = ApprovalDecision.APPROVED) -> Approval:
    return Approval(who, who, revision, decision, AT)


def test_paragraphs_continue_across_the_forums_meetings() -> None:
    assert first_paragraph_after([]) == 1
    week1 = version("m1", 1, 6)
    assert (week1.first_paragraph, week1.last_paragraph) == (1, 6)
    assert first_paragraph_after([week1]) == 7
    week2 = version("m2", 7, 6)
    assert [n for n, _ in week2.paragraphs()] == [7, 8, 9, 10, 11, 12]
    assert first_paragraph_after([week1, week2]) == 13


def test_a_correction_keeps_its_paragraphs_so_the_next_meeting_is_not_shifted() -> None:
    week1_v2 = version("m1", 1, 6, number=2)
    assert week1_v2.corrected and not version("m1", 1, 6).corrected
    assert first_paragraph_after([week1_v2, version("m2", 7, 6)]) == 13
    check_correction(version("m1", 1, 6), MinutesContent(items(6)))  # same items: allowed
    with pytest.raises(NotSameItems):
        check_correction(version("m1", 1, 6), MinutesContent(items(5)))
    with pytest.raises(NotSameItems):
        check_correction(version("m1", 1, 2), MinutesContent(items(2, prefix="x")))


def test_published_minutes_are_locked_and_drafts_are_not() -> None:
    assert minutes(MinutesStatus.PUBLISHED, 3, None).locked
    assert not minutes(MinutesStatus.DRAFT, 3, None).locked
    assert not minutes(MinutesStatus.IN_APPROVAL, 3, 3).locked


def test_publication_waits_for_every_approver_of_the_revision_out() -> None:
    two = forum(approvers=("29:polly", "29:per"))
    assert approved_by_all(forum(), minutes(MinutesStatus.DRAFT, 1, None))  # no approvers: publish directly
    assert not approved_by_all(two, minutes(MinutesStatus.IN_APPROVAL, 4, 4, (approval("29:polly", 4),)))
    both = (approval("29:polly", 4), approval("29:per", 4))
    assert approved_by_all(two, minutes(MinutesStatus.IN_APPROVAL, 4, 4, both))
    older = (approval("29:polly", 3), approval("29:per", 4))
    assert not approved_by_all(two, minutes(MinutesStatus.IN_APPROVAL, 4, 4, older))
    commented = (approval("29:polly", 4, ApprovalDecision.COMMENTED), approval("29:per", 4))
    assert not approved_by_all(two, minutes(MinutesStatus.IN_APPROVAL, 4, 4, commented))
    assert not approved_by_all(two, minutes(MinutesStatus.DRAFT, 5, 4, both))  # saved since: back to draft
    assert not approved_by_all(two, minutes(MinutesStatus.IN_APPROVAL, 5, 4, both))


def test_new_actions_get_the_next_numbers_in_item_order_and_numbered_ones_keep_theirs() -> None:
    content = MinutesContent((
        MinutesItem("s1", "A", actions=(DraftAction("a1", "Ett", "r1", DUE, number=4),
                                        DraftAction("a2", "Två", "r1", DUE))),
        MinutesItem("s2", "B", actions=(DraftAction("a3", "Tre", "r2", DUE),)),
    ), Attendance(("o1",)), correction_note="Rättat", sent_items=items(1))
    numbered, new = number_actions(content, 7)
    assert [a.number for a in numbered.actions()] == [4, 7, 8]
    assert [(a.key, a.number) for a in new] == [("a2", 7), ("a3", 8)]
    assert numbered.attendance == content.attendance and numbered.correction_note == "Rättat"
    assert numbered.sent_items == items(1)
    again, none = number_actions(numbered, 9)
    assert again == numbered and none == []


def test_what_changed_between_two_revisions_per_item() -> None:
    before = MinutesContent((
        MinutesItem("s1", "Aktuellt", "Lugnt", ("Följ upp",), (DraftAction("a1", "Ring", "r1", DUE),
                                                               DraftAction("a2", "Skriv", "r1", DUE))),
        MinutesItem("s2", "Trender", "Samma"),
    ))
    after = MinutesContent((
        MinutesItem("s1", "Aktuellt", "Lugnt utom kvällar", ("Följ upp", "Nytt beslut"),
                    (DraftAction("a1", "Ring skolan", "r1", DUE), DraftAction("a3", "Boka", "r2", DUE))),
        MinutesItem("s2", "Trender", "Samma"),
    ))
    (change,) = changes_between(before, after)
    assert change.key == "s1" and change.notes_changed
    assert change.decisions_added == ("Nytt beslut",) and change.decisions_removed == ()
    assert (change.actions_added, change.actions_removed, change.actions_changed) == (("a3",), ("a2",), ("a1",))
    assert changes_between(after, after) == []


def test_editing_one_item_keeps_the_correction_note_and_what_the_approvers_saw() -> None:
    content = MinutesContent(items(2), correction_note="Fel datum", sent_items=items(2))
    edited = content.replace_item(MinutesItem("s1", "Punkt 1", "Ny text"))
    assert edited.items[0].notes == "Ny text" and edited.correction_note == "Fel datum"
    assert edited.sent_items == items(2)


def test_members_keepers_approvers_and_recipients_read_published_minutes_others_do_not() -> None:
    f = forum(approvers=("29:polly",), recipients=("29:rex",))
    for reader in ("29:anna", "29:sara", "29:polly", "29:rex", "29:erik"):
        assert may_read(f, reader), reader
    assert not may_read(f, "29:olle")
