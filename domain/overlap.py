"""Across forums (forumöversikt): each forum's activity, and pairs of forums that look parallel.

The auditors found parallel forums that nobody saw: the same purpose, the same organisations round the table. Two
forums are flagged when they share most of their organisations, or many organisations and most areas:

* organisations: Jaccard similarity of their organisation names (case, spacing and punctuation ignored) ≥ 0.8, or
* organisations ≥ 0.6 and areas (the charter's areas, names compared the same way) ≥ 0.5.

A forum without organisations is never flagged. Names are compared, not ids: every forum has its own rows.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from domain.actions import ActionItem
from domain.meetings import ContributionVersion, Meeting

ORGANISATIONS_ALONE = 0.8
ORGANISATIONS_WITH_AREAS = 0.6
AREAS = 0.5
RECENT_MEETINGS = 8  # the participation rate is over the last this many meetings held

_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalise(name: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", name.casefold()).split())


def jaccard(first: frozenset[str], second: frozenset[str]) -> float:
    union = first | second
    return len(first & second) / len(union) if union else 0.0


@dataclass(frozen=True)
class ForumProfile:
    forum_id: str
    name: str
    organisations: tuple[str, ...]  # names as the forum spells them
    areas: tuple[str, ...]

    @property
    def organisation_keys(self) -> frozenset[str]:
        return frozenset(normalise(o) for o in self.organisations if normalise(o))

    @property
    def area_keys(self) -> frozenset[str]:
        return frozenset(normalise(a) for a in self.areas if normalise(a))


@dataclass(frozen=True)
class Overlap:
    first: str  # forum ids, in the order the profiles were given
    second: str
    organisations: float  # Jaccard similarity
    areas: float
    shared_organisations: tuple[str, ...]  # as the first forum spells them
    shared_areas: tuple[str, ...]


def _shared(names: Sequence[str], keys: frozenset[str]) -> tuple[str, ...]:
    return tuple(n for n in names if normalise(n) in keys)


def overlaps(profiles: Sequence[ForumProfile]) -> list[Overlap]:
    found = []
    for i, first in enumerate(profiles):
        for second in profiles[i + 1:]:
            orgs_a, orgs_b = first.organisation_keys, second.organisation_keys
            if not orgs_a or not orgs_b:
                continue
            org_sim, area_sim = jaccard(orgs_a, orgs_b), jaccard(first.area_keys, second.area_keys)
            if org_sim >= ORGANISATIONS_ALONE or (org_sim >= ORGANISATIONS_WITH_AREAS and area_sim >= AREAS):
                found.append(Overlap(first.forum_id, second.forum_id, org_sim, area_sim,
                                     _shared(first.organisations, orgs_a & orgs_b),
                                     _shared(first.areas, first.area_keys & second.area_keys)))
    return found


@dataclass(frozen=True)
class Activity:
    last_meeting: date | None  # the last meeting held (not cancelled) up to today
    meetings_counted: int  # of the last RECENT_MEETINGS held
    participation: float | None  # share of (meeting, organisation) pairs that answered; None: no meeting yet
    open_actions: int
    overdue_actions: int


def activity(
    today: date,
    organisation_ids: Iterable[str],
    meetings: Sequence[Meeting],
    answered: Mapping[str, Sequence[ContributionVersion]],  # meeting id -> counting versions
    actions: Sequence[ActionItem],
) -> Activity:
    """A forum's activity as the overview shows it. An organisation has answered a meeting when it sent anything
    (text, nothing new, not attending: domain/reporting.py's rule), counted against today's organisations."""
    orgs = set(organisation_ids)
    held = sorted((m for m in meetings if not m.cancelled and m.local_date <= today), key=lambda m: m.local_date)
    recent = held[-RECENT_MEETINGS:]
    rates = [len({v.organisation_id for v in answered.get(m.id, ())} & orgs) / len(orgs)
             for m in recent] if orgs else []
    return Activity(
        last_meeting=held[-1].local_date if held else None,
        meetings_counted=len(recent),
        participation=statistics.fmean(rates) if rates else None,
        open_actions=sum(1 for a in actions if a.open),
        overdue_actions=sum(1 for a in actions if a.overdue_on(today)),
    )
