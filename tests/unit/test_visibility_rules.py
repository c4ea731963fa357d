"""Who may read the compiled lägesbild, and who gets it 1:1 when the channel may not (domain/visibility.py)."""

from __future__ import annotations

from dataclasses import replace

from domain.model import Forum, Membership, Organisation, RecordRoles, Role, RoleKind, Schedule
from domain.visibility import (
    SummaryVisibility,
    has_externals,
    may_see_summary,
    summary_recipients,
    summary_restricted,
)

POLICE, HOUSING, SCHOOL = "o-police", "o-housing", "o-school"


def forum(visibility: SummaryVisibility, *, housing_external: bool = True) -> Forum:
    """Anna chairs; Sara is secretary (no organisation); Polly holds Polisen's role, Dan is its deputy; Bo holds
    the housing company's role, Britt is a member of it; Sam is a member of both the school and the housing company;
    Nils is a member without an organisation; Rita only receives the minutes."""
    return Forum(
        id="f1", name="Forum", tenant_id="t", conversation_id="19:c", chair_id="anna", schedule=Schedule(),
        organisations=(Organisation(POLICE, "Polisen", 0), Organisation(HOUSING, "Bostadsbolaget", 1,
                                                                         external=housing_external),
                       Organisation(SCHOOL, "Skolan", 2)),
        roles=(Role("r1", POLICE, RoleKind.PARTICIPANT, "polly"), Role("r2", POLICE, RoleKind.DEPUTY, "dan"),
               Role("r3", HOUSING, RoleKind.PARTICIPANT, "bo"), Role("r4", SCHOOL, RoleKind.PARTICIPANT, None)),
        memberships=(Membership("polly", POLICE), Membership("bo", HOUSING), Membership("britt", HOUSING),
                     Membership("sam", SCHOOL), Membership("nils", None)),
        record=RecordRoles(secretary_id="sara", recipient_ids=("rita",)),
        visibility=visibility,
    )


def test_the_channel_is_used_unless_the_choice_excludes_someone_who_is_there() -> None:
    assert not summary_restricted(forum(SummaryVisibility.EVERYONE))
    assert summary_restricted(forum(SummaryVisibility.MUNICIPAL))
    assert not summary_restricted(forum(SummaryVisibility.MUNICIPAL, housing_external=False))  # nobody excluded
    assert summary_restricted(forum(SummaryVisibility.CHAIR, housing_external=False))  # the chair chose so
    assert has_externals(forum(SummaryVisibility.EVERYONE))
    assert not has_externals(forum(SummaryVisibility.EVERYONE, housing_external=False))


def test_everyone_means_everyone_in_the_forum_and_nobody_outside_it() -> None:
    f = forum(SummaryVisibility.EVERYONE)
    for person in ("anna", "sara", "polly", "dan", "bo", "britt", "sam", "nils"):
        assert may_see_summary(f, person), person
    for person in ("rita", "olle"):
        assert not may_see_summary(f, person), person
    assert summary_recipients(f) == ()  # posted in the channel


def test_municipal_only_leaves_out_external_participants_and_those_of_no_organisation() -> None:
    f = forum(SummaryVisibility.MUNICIPAL)
    allowed = {p for p in ("anna", "sara", "polly", "dan", "bo", "britt", "sam", "nils", "rita", "olle")
               if may_see_summary(f, p)}
    assert allowed == {"anna", "sara", "polly", "dan", "sam"}  # Sam is in the school too, so not external
    assert summary_recipients(f) == ("dan", "polly", "sam", "sara")  # the chair gets her own copy


def test_chair_only_is_the_chair_and_the_secretary_who_writes_the_minutes() -> None:
    f = forum(SummaryVisibility.CHAIR)
    assert [p for p in ("anna", "sara", "polly", "bo", "rita") if may_see_summary(f, p)] == ["anna", "sara"]
    assert summary_recipients(f) == ("sara",)


def test_an_external_secretary_gets_it_only_when_everyone_does() -> None:
    f = replace(forum(SummaryVisibility.CHAIR), record=RecordRoles(secretary_id="bo"))
    assert not may_see_summary(f, "bo") and summary_recipients(f) == ()
    municipal = replace(f, visibility=SummaryVisibility.MUNICIPAL)
    assert "bo" not in summary_recipients(municipal) and not may_see_summary(municipal, "bo")
    assert may_see_summary(replace(f, visibility=SummaryVisibility.EVERYONE), "bo")


def test_the_chair_is_never_external_and_always_sees_it() -> None:
    f = replace(forum(SummaryVisibility.CHAIR), chair_id="bo")
    assert may_see_summary(f, "bo") and "bo" not in summary_recipients(f)
