"""Who sees a forum's compiled lägesbild, and which organisations are external.

An organisation can be external (extern aktör: a housing company, bus company, security firm, parish): a private
actor, not part of the municipality or another authority. Per forum the chair chooses who sees the compiled
lägesbild: everyone in the forum, municipal (non-external) organisations only, or the chair only. External
participants always see published minutes and their own submissions, never other organisations' raw submissions.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from domain.model import Forum


class SummaryVisibility(enum.StrEnum):
    EVERYONE = "everyone"  # alla i forumet
    MUNICIPAL = "municipal"  # endast kommunala/offentliga organisationer (inte externa)
    CHAIR = "chair"  # endast ordföranden


def has_externals(forum: Forum) -> bool:
    """Any of the forum's (current) organisations is external."""
    return any(o.external for o in forum.organisations)


def summary_restricted(forum: Forum) -> bool:
    """The compiled lägesbild goes 1:1 to the allowed people instead of the forum's channel: the choice is the chair
    only, or municipal organisations only while the forum has an external organisation. Everyone (or municipal
    organisations with no external one in the forum) is posted in the channel as before."""
    if forum.visibility is SummaryVisibility.CHAIR:
        return True
    return forum.visibility is SummaryVisibility.MUNICIPAL and has_externals(forum)


def _in_forum(forum: Forum, person_id: str) -> bool:
    return (person_id in (forum.chair_id, forum.record.secretary_id) or forum.membership(person_id) is not None
            or bool(forum.organisations_held_by(person_id)))


def _municipal_people(forum: Forum) -> set[str]:
    """Role holders and members of the forum's non-external organisations."""
    municipal = {o.id for o in forum.organisations if not o.external}
    people = {r.holder_id for r in forum.roles if r.holder_id and r.organisation_id in municipal}
    return people | {m.person_id for m in forum.memberships if m.organisation_id in municipal}


def may_see_summary(forum: Forum, person_id: str) -> bool:
    """Whether the person may read the forum's compiled lägesbild under its visibility choice.

    The chair always; the secretary (who writes the minutes from it) unless they take part for an external
    organisation only and the choice is not *everyone*; with *everyone* anyone in the forum; with *municipal* the
    role holders and members of its non-external organisations (someone who is in a municipal organisation too is
    not external); with *chair only* nobody else. Recipients of the minutes and outsiders never.
    """
    if person_id == forum.chair_id:
        return True
    if forum.visibility is SummaryVisibility.EVERYONE:
        return _in_forum(forum, person_id)
    if forum.is_external_person(person_id):
        return False
    if person_id == forum.record.secretary_id:
        return True
    return forum.visibility is SummaryVisibility.MUNICIPAL and person_id in _municipal_people(forum)


def summary_recipients(forum: Forum) -> tuple[str, ...]:
    """Who gets the compiled lägesbild 1:1 when it is restricted, besides the chair (who always gets her copy):
    everyone else `may_see_summary` allows (the secretary; with *municipal* the municipal organisations' people).
    Empty when the lägesbild is posted in the channel (`summary_restricted` is false). Sorted, each person once."""
    if not summary_restricted(forum):
        return ()
    wanted = _municipal_people(forum) if forum.visibility is SummaryVisibility.MUNICIPAL else set()
    if forum.record.secretary_id:
        wanted.add(forum.record.secretary_id)
    return tuple(sorted(p for p in wanted if p != forum.chair_id and may_see_summary(forum, p)))
