"""PublishedVersion fixtures built directly (as the publishing use case would freeze them), for the Word,
Markdown and mail tests."""

from __future__ import annotations

from datetime import UTC, date, datetime

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

MEETING_DAY = date(2026, 11, 26)
PUBLISHED_AT = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)  # 10:30 in Stockholm
CORRECTED_AT = datetime(2026, 12, 1, 13, 0, tzinfo=UTC)

OWNERS = {
    "role-police": OwnerSnapshot("Polisen", RoleKind.PARTICIPANT, "Polly Polis"),
    "role-social": OwnerSnapshot("Socialtjänsten", RoleKind.DEPUTY, "Sara Social"),
    "role-school": OwnerSnapshot("Skolan", RoleKind.PARTICIPANT, None),
}


def _earlier(number: int, title: str, role: str, due: date, *, done: bool = False) -> ActionItem:
    return ActionItem(
        id=f"action-{number}", forum_id="forum-1", number=number, title=title, owner_role_id=role, due=due,
        meeting_id="meeting-0", item_key="sec-1", status=ActionStatus.DONE if done else ActionStatus.OPEN,
        created_at=datetime(2026, 11, 12, 10, 0, tzinfo=UTC), created_by="anna",
        closed_at=datetime(2026, 11, 24, 10, 0, tzinfo=UTC) if done else None,
        outcome="Lampor uppsatta" if done else "",
    )


def follow_up() -> FollowUp:
    return FollowUp(
        open=(_earlier(2, "Kartlägga otrygga platser", "role-school", date(2026, 11, 20)),
              _earlier(3, "Kontakta fastighetsbolaget", "role-social", date(2026, 12, 10))),
        closed=(_earlier(1, "Belysning vid busstorget", "role-police", date(2026, 11, 19), done=True),),
    )


def content(*, correction: bool = False) -> MinutesContent:
    decisions = ("Extra kvällsvandring fredag", "Polisen samordnar med fältassistenterna")
    if correction:
        decisions = (*decisions, "Skolan bjuds in nästa gång")
    return MinutesContent(
        items=(
            MinutesItem("sec-1", "Aktuellt läge", notes="Oro kring centrum på kvällarna.\nFler anmälningar.",
                        decisions=decisions,
                        actions=(DraftAction("a1", "Planera kvällsvandring", "role-police", date(2026, 12, 4),
                                             "Med fältassistenterna", number=4),
                                 DraftAction("a2", "Bjuda in skolan", "role-social", date(2026, 12, 10),
                                             number=5))),
            MinutesItem("sec-2", "Övrigt"),
            MinutesItem("sec-3", "Nästa möte", notes="Torsdag 3 december.",
                        actions=(DraftAction("a3", "Boka lokal", "role-school", date(2026, 12, 2), number=6),)),
        ),
        attendance=Attendance(("org-police", "org-social"), guests="Gun Gäst, kommunledningen"),
    )


def frame() -> MinutesFrame:
    return MinutesFrame(
        forum_name="Trygghetsforum Norrby", meeting_date=MEETING_DAY, timezone="Europe/Stockholm",
        organisation_names={"org-police": "Polisen", "org-social": "Socialtjänsten", "org-school": "Skolan"},
        owners=OWNERS,
    )


def approvals(revision: int = 3) -> tuple[Approval, ...]:
    return (
        Approval("pia", "Pia Justerare", revision, ApprovalDecision.APPROVED, datetime(2026, 11, 27, 8, 0, tzinfo=UTC)),
        Approval("olle", "Olle Justerare", revision, ApprovalDecision.APPROVED,
                 datetime(2026, 11, 27, 9, 0, tzinfo=UTC)),
    )


def published(version: int = 1, *, meeting_id: str = "meeting-1", forum_id: str = "forum-1") -> PublishedVersion:
    corrected = version > 1
    return PublishedVersion(
        meeting_id=meeting_id, forum_id=forum_id, version=version, first_paragraph=7,
        content=content(correction=corrected), frame=frame(),
        published_at=CORRECTED_AT if corrected else PUBLISHED_AT, published_by="anna",
        published_by_name="Anna Ordförande", approvals=approvals(5 if corrected else 3),
        correction_note="Ett beslut saknades under Aktuellt läge." if corrected else "", follow_up=follow_up(),
    )
