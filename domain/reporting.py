"""Compiling a meeting's contributions into a summary (sammanställd lägesbild).

Counting rules, applied to the counting (latest) contribution of each organisation in the forum:

* An organisation is *reported* when it answered in any way: with text, with "nothing new", with
  "not attending", or with an empty form. `reported_count` counts them; the rest are `missing`.
* Text wins over the nothing-new flag: an organisation that sent text is shown with its text and not
  listed as nothing new. An attending organisation that sent no text at all (whether or not it ticked
  "nothing new") is listed as nothing new: submitting an empty form is an answer, not an omission.
* An organisation that will not attend is listed under `not_attending`; its text, if any, is still shown
  under the sections, and it is also listed as nothing new only when it ticked that box without text.
* Texts are stripped; a section whose text is blank counts as no text.
* In a final summary (compiled at or after the deadline) the text of contributions that arrived after the
  deadline goes to `late`, not to the main sections; such organisations still count as reported and
  appear in the nothing-new and not-attending lists. A preview (before the deadline) has no late entries.
* An organisation that reported on time and changed its report after the deadline keeps its on-time text in
  the main sections (that is what the summary said at the deadline); `late` shows only the sections whose
  text the late version changed or added. Pass the latest on-time version along with the latest one.
* Contributions from organisations not in the frame are ignored; if an organisation appears more
  than once, its most recently submitted contribution counts.
* A summary is compiled against a `SummaryFrame`: the forum's name, time zone, agenda, organisations and the
  meeting's instants as they were when the summary was first compiled. Once a summary has been posted its
  frame is frozen, so later setup changes (an organisation retired, a section renamed, a new deadline) never
  alter what a past meeting's summary and export say.
* The follow-up of earlier actions (`SummaryFollowUp`) is frozen with the frame: the actions as they stood and
  their owners as named at the first compilation, so closing an action later never changes a past summary. A
  frame without one (the forum had no earlier actions, or it was posted before follow-ups existed) shows none.
* Ordering is stable: agenda sections by position (then agenda order), organisations by position (then
  forum order). Every agenda section is kept, even without entries. Text for sections no longer on the
  agenda (`extra_sections`, or unknown ids in `sections`) is shown in additional sections after the last
  one, titled with the old title, in order of first appearance.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol, TypeVar

from domain.actions import ActionItem, FollowUp
from domain.meetings import ContributionVersion
from domain.minutes import OwnerSnapshot
from domain.model import AgendaSection, Forum, Organisation

EXTRA_SECTION_PREFIX = "removed:"


class _Positioned(Protocol):
    @property
    def position(self) -> int: ...


_P = TypeVar("_P", bound=_Positioned)


@dataclass(frozen=True, kw_only=True)
class ContributionInput:
    """One organisation's counting contribution (lägesbild), as the compiler needs it."""

    organisation_id: str
    sections: Mapping[str, str] = field(default_factory=dict)  # section_id -> text
    extra_sections: tuple[tuple[str, str], ...] = ()  # (old title, text) for sections no longer on the agenda
    nothing_new: bool = False
    attending: bool = True
    submitted_at: datetime
    submitted_by_name: str = ""
    areas: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # section_id -> area names ticked
    after_deadline: bool = False

    def has_text(self) -> bool:
        return any(text.strip() for text in self.sections.values()) or any(
            text.strip() for _, text in self.extra_sections
        )


@dataclass(frozen=True)
class SectionEntry:
    organisation: Organisation
    text: str
    late: bool
    areas: tuple[str, ...] = ()  # the names of the forum's areas the organisation ticked for this text


@dataclass(frozen=True)
class SummarySection:
    section: AgendaSection
    entries: tuple[SectionEntry, ...]


@dataclass(frozen=True)
class SummaryFollowUp:
    """Earlier actions as a summary shows them: open (overdue first) and closed since, owners as named then."""

    actions: FollowUp
    owners: Mapping[str, OwnerSnapshot]  # owner role id -> the role's organisation, kind and holder then
    as_of: date  # the forum's local day it was made: which actions were overdue

    def overdue(self, action: ActionItem) -> bool:
        return action.overdue_on(self.as_of)


def owner_snapshots(forum: Forum, role_ids: Iterable[str], names: Mapping[str, str]) -> dict[str, OwnerSnapshot]:
    """The owners of `role_ids` as named now (a role or organisation no longer in the forum is left out)."""
    wanted, owners = set(role_ids), dict[str, OwnerSnapshot]()
    for role in forum.roles:
        organisation = forum.organisation(role.organisation_id)
        if role.id in wanted and organisation is not None:
            holder = names.get(role.holder_id, role.holder_id) if role.holder_id else None
            owners[role.id] = OwnerSnapshot(organisation.name, role.kind, holder)
    return owners


def freeze_follow_up(forum: Forum, follow_up: FollowUp, names: Mapping[str, str], today: date) -> SummaryFollowUp:
    role_ids = {a.owner_role_id for a in (*follow_up.open, *follow_up.closed)}
    return SummaryFollowUp(follow_up, owner_snapshots(forum, role_ids, names), today)


@dataclass(frozen=True, kw_only=True)
class SummaryFrame:
    """What a summary is compiled against: the forum and meeting as known at the first compilation."""

    forum_name: str
    timezone: str
    meeting_date: date
    starts_at: datetime
    deadline_at: datetime
    sections: tuple[AgendaSection, ...]
    organisations: tuple[Organisation, ...]
    follow_up: SummaryFollowUp | None = None


def frame_for(forum: Forum, meeting_date: date, starts_at: datetime, deadline_at: datetime) -> SummaryFrame:
    """The frame of a meeting's summary from the forum as it is now."""
    return SummaryFrame(
        forum_name=forum.name,
        timezone=forum.schedule.timezone,
        meeting_date=meeting_date,
        starts_at=starts_at,
        deadline_at=deadline_at,
        sections=forum.sections,
        organisations=forum.organisations,
    )


@dataclass(frozen=True, kw_only=True)
class Summary:
    """The compiled contributions for one meeting (sammanställd lägesbild)."""

    forum_name: str
    timezone: str
    meeting_date: date
    starts_at: datetime
    deadline_at: datetime
    compiled_at: datetime
    sections: tuple[SummarySection, ...]
    nothing_new: tuple[Organisation, ...]
    missing: tuple[Organisation, ...]
    not_attending: tuple[Organisation, ...]
    late: tuple[SummarySection, ...]
    reported_count: int
    organisation_count: int
    final: bool
    follow_up: SummaryFollowUp | None = None  # earlier actions, frozen with the frame; None: show no follow-up


class _HasSections(Protocol):
    @property
    def sections(self) -> tuple[AgendaSection, ...]: ...


def split_sections(
    forum: _HasSections, sections: Iterable[tuple[str, str, str]]
) -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
    """Stored (section_id, title, text) triples -> texts of agenda sections, and (title, text) extras."""
    current = {s.id for s in forum.sections}
    texts: dict[str, str] = {}
    extras: list[tuple[str, str]] = []
    for section_id, title, text in sections:
        if section_id in current:
            texts[section_id] = text
        else:
            extras.append((title, text))
    return texts, tuple(extras)


def contribution_input(frame: _HasSections, version: ContributionVersion,
                       area_names: Mapping[str, str] | None = None,
                       deadline_at: datetime | None = None) -> ContributionInput:
    """A stored version as the compiler counts it, its sections split against the frame's agenda; `area_names`
    (area id -> name, the forum's charter) names the areas ticked per section (an area since removed is left out).
    With `deadline_at` (the frame's), a version is late when it came at or after that deadline, so a meeting whose
    deadline was moved later counts what came before the new one as on time; without it, as stored at submission."""
    texts, extras = split_sections(frame, version.sections)
    names = area_names or {}
    areas = {section_id: found for section_id, ids in version.areas
             if section_id in texts and (found := tuple(names[a] for a in ids if a in names))}
    return ContributionInput(
        organisation_id=version.organisation_id,
        sections=texts,
        extra_sections=extras,
        nothing_new=version.nothing_new,
        attending=version.attending,
        submitted_at=version.submitted_at,
        submitted_by_name=version.submitted_by_name,
        after_deadline=version.after_deadline if deadline_at is None else version.submitted_at >= deadline_at,
        areas=areas,
    )


def compile_summary(
    forum: Forum,
    meeting_date: date,
    starts_at: datetime,
    deadline_at: datetime,
    contributions: Sequence[ContributionInput],
    *,
    compiled_at: datetime,
) -> Summary:
    """Compile the counting contributions of a meeting; see the module docstring for the rules."""
    return compile_frame(frame_for(forum, meeting_date, starts_at, deadline_at), contributions,
                         compiled_at=compiled_at)


def compile_frame(
    frame: SummaryFrame, contributions: Sequence[ContributionInput], *, compiled_at: datetime
) -> Summary:
    """Compile the counting contributions of a meeting against a (possibly frozen) frame."""
    final = compiled_at >= frame.deadline_at
    organisations = _ordered(frame.organisations)
    agenda = _ordered(frame.sections)
    known = {o.id for o in organisations}
    latest = _latest_per_organisation(contributions, known)

    extras = _ExtraSections(agenda)
    main: dict[str, list[SectionEntry]] = {s.id: [] for s in agenda}
    late: dict[str, list[SectionEntry]] = {}
    nothing_new: list[Organisation] = []
    missing: list[Organisation] = []
    not_attending: list[Organisation] = []

    on_time = _latest_per_organisation((c for c in contributions if not c.after_deadline), known) if final else {}
    for organisation in organisations:
        contribution = latest.get(organisation.id)
        if contribution is None:
            missing.append(organisation)
            continue
        if not contribution.attending:
            not_attending.append(organisation)
        is_late = final and contribution.after_deadline
        earlier = on_time.get(organisation.id) if is_late else None
        if _file_texts(organisation, contribution, earlier, is_late, _Sections(agenda, extras, main, late)):
            nothing_new.append(organisation)

    agenda_ids = {s.id for s in agenda}
    all_sections = agenda + extras.sections()
    return Summary(
        forum_name=frame.forum_name,
        timezone=frame.timezone,
        meeting_date=frame.meeting_date,
        starts_at=frame.starts_at,
        deadline_at=frame.deadline_at,
        compiled_at=compiled_at,
        sections=tuple(
            SummarySection(s, tuple(main[s.id])) for s in all_sections if s.id in agenda_ids or main.get(s.id)
        ),
        nothing_new=tuple(nothing_new),
        missing=tuple(missing),
        not_attending=tuple(not_attending),
        late=tuple(SummarySection(s, tuple(late[s.id])) for s in all_sections if late.get(s.id)),
        reported_count=len(organisations) - len(missing),
        organisation_count=len(organisations),
        final=final,
        follow_up=frame.follow_up,
    )


@dataclass(frozen=True)
class _Sections:
    """Where `compile_frame` files texts: the agenda and extra sections, the main and the late entries."""

    agenda: tuple[AgendaSection, ...]
    extras: _ExtraSections
    main: dict[str, list[SectionEntry]]
    late: dict[str, list[SectionEntry]]


def _file_texts(
    organisation: Organisation,
    contribution: ContributionInput,
    earlier: ContributionInput | None,
    is_late: bool,
    sections: _Sections,
) -> bool:
    """File one organisation's texts under the main or late sections; True when it counts as nothing new."""
    kept: dict[str, str] = {}
    if earlier is not None and earlier.has_text():
        # What was on time stays where it was; only what the late version changed is shown as late.
        for section_id, text in _texts_in_order(earlier, sections.agenda, sections.extras):
            sections.main.setdefault(section_id, []).append(
                SectionEntry(organisation, text, False, earlier.areas.get(section_id, ())))
            kept[section_id] = text
    if not contribution.has_text():
        return not kept and (contribution.attending or contribution.nothing_new)
    target = sections.late if is_late else sections.main
    for section_id, text in _texts_in_order(contribution, sections.agenda, sections.extras):
        if kept.get(section_id) != text:
            target.setdefault(section_id, []).append(
                SectionEntry(organisation, text, is_late, contribution.areas.get(section_id, ())))
    return False


def _ordered(items: Iterable[_P]) -> tuple[_P, ...]:
    return tuple(sorted(items, key=lambda item: item.position))  # sorted() is stable


def _latest_per_organisation(
    contributions: Iterable[ContributionInput], known: set[str]
) -> dict[str, ContributionInput]:
    latest: dict[str, ContributionInput] = {}
    for contribution in contributions:
        if contribution.organisation_id not in known:
            continue
        seen = latest.get(contribution.organisation_id)
        if seen is None or contribution.submitted_at >= seen.submitted_at:
            latest[contribution.organisation_id] = contribution
    return latest


def _texts_in_order(
    contribution: ContributionInput, agenda: tuple[AgendaSection, ...], extras: _ExtraSections
) -> list[tuple[str, str]]:
    """(section id, stripped text) pairs that have text: agenda sections in agenda order, then extras."""
    pairs = [(s.id, contribution.sections.get(s.id, "").strip()) for s in agenda]
    agenda_ids = {s.id for s in agenda}
    unknown = [(sid, text) for sid, text in contribution.sections.items() if sid not in agenda_ids]
    for title, text in (*contribution.extra_sections, *unknown):
        if text.strip():
            pairs.append((extras.id_for(title), text.strip()))
    return [(section_id, text) for section_id, text in pairs if text]


class _ExtraSections:
    """Synthetic agenda sections for text whose section is no longer on the agenda, keyed by old title."""

    def __init__(self, agenda: tuple[AgendaSection, ...]) -> None:
        self._next_position = max((s.position for s in agenda), default=0) + 1
        self._by_title: dict[str, AgendaSection] = {}

    def id_for(self, title: str) -> str:
        key = title.strip()
        section = self._by_title.get(key)
        if section is None:
            number = len(self._by_title)
            section = AgendaSection(f"{EXTRA_SECTION_PREFIX}{number}", key, self._next_position + number)
            self._by_title[key] = section
        return section.id

    def sections(self) -> tuple[AgendaSection, ...]:
        return tuple(self._by_title.values())
