"""The lägesbild card: one labelled multiline input per agenda section, 'nothing new', attending or not."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

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
    notice,
    text,
)
from dialogs.cards.escaping import escape_card_text
from dialogs.texts import Texts
from domain.model import AgendaSection

SECTION_INPUT = "s__"
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
    body += [notice(note) for note in notes]
    if errors:
        body.append(errors_block(errors, t("contribution.errors_title")))
    if warnings:
        body.append(errors_block(warnings, t("contribution.warn_title")))
    if ask_nothing_new:
        body.append(errors_block([t("contribution.nothing_new_or_text")], t("contribution.warn_title")))
    for section in form.sections:
        body.append(
            input_text(
                SECTION_INPUT + section.id,
                section.title,
                value=form.values.get(section.id, ""),
                multiline=True,
                max_length=MAX_SECTION_CHARS,
                error=t("contribution.error.too_long", max=MAX_SECTION_CHARS),
            )
        )
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
    data = {"meeting_id": form.meeting_id, "organisation_id": form.organisation_id,
            "base_version": form.base_version}
    if ask_nothing_new:
        actions = [
            execute(t("contribution.keep_text"), "contribution.submit", {**data, "resolve": RESOLVE_KEEP_TEXT}),
            execute(t("contribution.keep_nothing_new"), "contribution.submit",
                    {**data, "resolve": RESOLVE_NOTHING_NEW}),
        ]
    elif confirm_rules:
        actions = [
            execute(t("screening.send_anyway"), "contribution.submit", {**data, "confirmed": ",".join(confirm_rules)}),
            execute(t("screening.edit"), "contribution.edit", data),
        ]
    else:
        actions = [execute(t("contribution.submit"), "contribution.submit", data)]
    return card(body, actions)


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
    for section in form.sections:
        value = form.values.get(section.id, "").strip()
        if value:
            body.append(text(section.title, weight="Bolder"))
            body.append({"type": "TextBlock", "text": escape_card_text(value), "wrap": True})
    if form.late:
        body.append(text(t("contribution.late_saved")))
    data = {"meeting_id": form.meeting_id, "organisation_id": form.organisation_id}
    return card(body, [execute(t("contribution.edit"), "contribution.open", data, validate=False)])


def closed_card(t: Texts, form: ContributionForm) -> Element:
    return card([heading(t("contribution.title", forum=form.forum_name)), text(t("contribution.closed"))])
