"""The lägesbild card: one labelled multiline input per agenda section, 'nothing new', attending or not.

Also the form behind it (`build_form`, `stored_form`: the meeting's labels in the forum's zone) and the
proactive message that carries it (`request_payload`: the collection request or the reminder).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from dialogs.cards.elements import (
    Element,
    card,
    choice_set,
    errors_block,
    execute,
    facts,
    heading,
    input_date,
    input_text,
    input_toggle,
    message,
    notice,
    text,
)
from dialogs.cards.escaping import escape_card_text
from dialogs.texts import Texts
from dialogs.texts.formatting import format_datetime
from domain.charter import Area
from domain.meetings import ContributionVersion, Meeting
from domain.model import AgendaSection, Forum

SECTION_INPUT = "s__"
AREAS_INPUT = "a__"  # + section id: the areas (domain/charter.py) the section's text is about, a multi-select
MAX_SECTION_CHARS = 4000
RESOLVE_KEEP_TEXT = "keep_text"  # "Inget nytt" ticked with text: the text holds
RESOLVE_NOTHING_NEW = "nothing_new"  # … or "Inget nytt" holds and the text is left out


@dataclass(frozen=True)
class ContributionForm:
    """What the card shows: the meeting, the organisation, and the values to prefill."""

    forum_name: str
    meeting_id: str
    organisation_id: str
    organisation_name: str
    meeting_label: str  # e.g. "torsdag 26 november 2026 kl. 09:00"
    deadline_label: str
    sections: Sequence[AgendaSection]
    values: Mapping[str, str] = field(default_factory=dict)  # section id -> text
    nothing_new: bool = False
    attending: bool = True
    away_until: str = ""
    late: bool = False
    base_version: int = 0  # the version the person is editing; a newer one means someone else changed it
    standing_in_for: str = ""  # the away participant's name when the card goes to the deputy
    areas: Sequence[Area] = ()  # the forum's areas, offered per section when there are any
    area_values: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # section id -> ticked area ids


def submitted_values(sections: Sequence[AgendaSection], data: Mapping[str, Any]) -> dict[str, str]:
    """The section texts the card sent back (section id -> text, line breaks normalised)."""
    values: dict[str, str] = {}
    for section in sections:
        raw = data.get(SECTION_INPUT + section.id)
        values[section.id] = str(raw).replace("\r\n", "\n") if isinstance(raw, str) else ""
    return values


def submitted_areas(forum: Forum, data: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """The areas ticked per section (a multi-select sends "id1,id2"); unknown ids are dropped, order as the
    forum lists its areas."""
    known = [a.id for a in forum.charter.areas]
    found: dict[str, tuple[str, ...]] = {}
    for section in forum.sections:
        raw = data.get(AREAS_INPUT + section.id)
        ticked = {v.strip() for v in raw.split(",")} if isinstance(raw, str) else set()
        ids = tuple(a for a in known if a in ticked)
        if ids:
            found[section.id] = ids
    return found


def base_version_of(data: Mapping[str, Any]) -> int:
    """The version the card was made from (0 when missing or not a number)."""
    try:
        return int(str(data.get("base_version")))
    except ValueError:
        return 0


def build_form(
    t: Texts, forum: Forum, meeting: Meeting, organisation_id: str, *, values: Mapping[str, str] | None = None,
    nothing_new: bool = False, attending: bool = True, away_until: str = "", late: bool = False,
    base_version: int = 0, standing_in_for: str = "", area_values: Mapping[str, tuple[str, ...]] | None = None,
) -> ContributionForm:
    """The form for an organisation's report to a meeting, its times worded in the forum's zone."""
    tz = forum.schedule.timezone
    organisation = forum.organisation(organisation_id)
    return ContributionForm(
        forum_name=forum.name,
        meeting_id=meeting.id,
        organisation_id=organisation_id,
        organisation_name=organisation.name if organisation else "?",
        meeting_label=format_datetime(t, meeting.times.starts_at, tz),
        deadline_label=format_datetime(t, meeting.times.deadline_at, tz),
        sections=forum.sections,
        values=dict(values or {}),
        nothing_new=nothing_new,
        attending=attending,
        away_until=away_until,
        late=late,
        base_version=base_version,
        standing_in_for=standing_in_for,
        areas=forum.charter.areas,
        area_values=dict(area_values or {}),
    )


def stored_form(
    t: Texts, forum: Forum, meeting: Meeting, organisation_id: str, latest: ContributionVersion | None, *,
    late: bool, standing_in_for: str = "",
) -> ContributionForm:
    """The form prefilled with the organisation's latest version, if any."""
    if latest is None:
        return build_form(t, forum, meeting, organisation_id, late=late, standing_in_for=standing_in_for)
    values = {section_id: text for section_id, _, text in latest.sections}
    return build_form(t, forum, meeting, organisation_id, values=values, nothing_new=latest.nothing_new,
                      attending=latest.attending, late=late, base_version=latest.version,
                      standing_in_for=standing_in_for, area_values=dict(latest.areas))


def request_payload(t: Texts, form: ContributionForm, *, reminder: bool = False) -> dict[str, object]:
    """The proactive message carrying the card: the collection request or the reminder."""
    if reminder:
        line = t("contribution.reminder_text", organisation=form.organisation_name, forum=form.forum_name,
                 date=form.meeting_label, deadline=form.deadline_label)
    else:
        line = t("contribution.request_text", forum=form.forum_name, date=form.meeting_label,
                 deadline=form.deadline_label)
    return message(line, contribution_card(t, form))


def contribution_card(
    t: Texts,
    form: ContributionForm,
    *,
    errors: Sequence[str] = (),
    warnings: Sequence[str] = (),
    confirm_rules: Sequence[str] = (),
    ask_nothing_new: bool = False,
    notes: Sequence[str] = (),
) -> Element:
    """`ask_nothing_new`: "Inget nytt" was ticked with text written: ask which holds, with two buttons."""
    body = _card_head(t, form)
    body += [notice(note) for note in notes]
    if errors:
        body.append(errors_block(errors, t("contribution.errors_title")))
    if warnings:
        body.append(errors_block(warnings, t("contribution.warn_title")))
    if ask_nothing_new:
        body.append(errors_block([t("contribution.nothing_new_or_text")], t("contribution.warn_title")))
    body += _card_inputs(t, form)
    return card(body, _card_actions(t, form, confirm_rules=confirm_rules, ask_nothing_new=ask_nothing_new))


def _card_head(t: Texts, form: ContributionForm) -> list[Element]:
    body: list[Element] = [
        heading(t("contribution.title", forum=form.forum_name)),
        facts(
            [
                (t("contribution.fact_organisation"), form.organisation_name),
                (t("contribution.fact_meeting"), form.meeting_label),
                (t("contribution.fact_deadline"), form.deadline_label),
            ]
        ),
        text(t("contribution.intro"), subtle=True),
    ]
    if form.standing_in_for:
        body.append(text(t("contribution.standing_in", name=form.standing_in_for,
                           organisation=form.organisation_name), weight="Bolder"))
    if form.late:
        body.append(text(t("contribution.late_notice"), weight="Bolder"))
    return body


def _card_inputs(t: Texts, form: ContributionForm) -> list[Element]:
    body: list[Element] = []
    for section in form.sections:
        body.append(input_text(
            SECTION_INPUT + section.id,
            section.title,
            value=form.values.get(section.id, ""),
            multiline=True,
            max_length=MAX_SECTION_CHARS,
            error=t("contribution.error.too_long", max=MAX_SECTION_CHARS),
        ))
        if form.areas:
            body.append(choice_set(AREAS_INPUT + section.id, t("contribution.areas_label", section=section.title),
                                   [(a.id, a.name) for a in form.areas],
                                   value=",".join(form.area_values.get(section.id, ())) or None, multi=True))
    body.append(input_toggle("nothing_new", t("contribution.nothing_new_label"), t("contribution.nothing_new"),
                             value=form.nothing_new))
    body.append(
        choice_set(
            "attending",
            t("contribution.attending_label"),
            [("yes", t("contribution.attending_yes")), ("no", t("contribution.attending_no"))],
            value="yes" if form.attending else "no",
            required=True,
            compact=False,
        )
    )
    body.append(input_date("away_until", t("contribution.away_label"), value=form.away_until or None))
    return body


def _card_actions(
    t: Texts, form: ContributionForm, *, confirm_rules: Sequence[str], ask_nothing_new: bool
) -> list[Element]:
    data = {"meeting_id": form.meeting_id, "organisation_id": form.organisation_id,
            "base_version": form.base_version}
    if ask_nothing_new:
        return [
            execute(t("contribution.keep_text"), "contribution.submit", {**data, "resolve": RESOLVE_KEEP_TEXT}),
            execute(t("contribution.keep_nothing_new"), "contribution.submit",
                    {**data, "resolve": RESOLVE_NOTHING_NEW}),
        ]
    if confirm_rules:
        return [
            execute(t("screening.send_anyway"), "contribution.submit", {**data, "confirmed": ",".join(confirm_rules)}),
            execute(t("screening.edit"), "contribution.edit", data),
        ]
    return [execute(t("contribution.submit"), "contribution.submit", data)]


def submitted_card(
    t: Texts,
    form: ContributionForm,
    *,
    submitted_label: str,
    submitted_by: str,
    version: int,
    notice: str = "",
) -> Element:
    """The card after submitting: who and when, what was sent, and a button to edit."""
    body: list[Element] = [
        heading(t("contribution.title", forum=form.forum_name)),
        *([text(notice, weight="Bolder")] if notice else []),
        text(t("contribution.submitted", time=submitted_label, name=submitted_by), weight="Bolder"),
        facts(
            [
                (t("contribution.fact_organisation"), form.organisation_name),
                (t("contribution.fact_meeting"), form.meeting_label),
                (t("contribution.fact_deadline"), form.deadline_label),
                (t("contribution.fact_version"), str(version)),
            ]
        ),
    ]
    if not form.attending:
        body.append(text(t("contribution.not_attending_noted")))
    if form.nothing_new:
        body.append(text(t("contribution.nothing_new_noted")))
    names = {a.id: a.name for a in form.areas}
    for section in form.sections:
        value = form.values.get(section.id, "").strip()
        if value:
            body.append(text(section.title, weight="Bolder"))
            body.append({"type": "TextBlock", "text": escape_card_text(value), "wrap": True})
        ticked = [names[a] for a in form.area_values.get(section.id, ()) if a in names]
        if ticked:
            body.append(text(t("contribution.areas_noted", areas=", ".join(ticked)), subtle=True))
    if form.late:
        body.append(text(t("contribution.late_saved")))
    data = {"meeting_id": form.meeting_id, "organisation_id": form.organisation_id}
    return card(body, [execute(t("contribution.edit"), "contribution.open", data, validate=False)])


def saved_card(t: Texts, form: ContributionForm, version: ContributionVersion, tz: str, *, already: bool) -> Element:
    """The submitted card for a stored version (`already`: the same content was stored before, nothing new)."""
    return submitted_card(t, form, submitted_label=format_datetime(t, version.submitted_at, tz),
                          submitted_by=version.submitted_by_name, version=version.version,
                          notice=t("contribution.already_saved", version=version.version) if already else "")


def closed_card(t: Texts, form: ContributionForm) -> Element:
    return card([heading(t("contribution.title", forum=form.forum_name)), text(t("contribution.closed"))])
