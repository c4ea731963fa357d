"""The chair's card for external organisations and who sees the compiled lägesbild (opened from setup), what it
saved, and the channel's notice when the lägesbild was sent 1:1 instead (domain/visibility.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from dialogs.cards.elements import (
    Element,
    card,
    choice_set,
    errors_block,
    execute,
    facts,
    heading,
    input_toggle,
    message,
    notice,
    text,
)
from dialogs.cards.escaping import escape_card_inline
from dialogs.texts import Texts
from dialogs.texts.formatting import format_date
from domain.meetings import Meeting
from domain.model import Forum
from domain.visibility import SummaryVisibility, summary_recipients, summary_restricted

VISIBILITY = "visibility"
EXTERNAL_PREFIX = "external__"  # + organisation id: Input.Toggle "true"/"false"


def external_input(organisation_id: str) -> str:
    return EXTERNAL_PREFIX + organisation_id


def visibility_values(forum: Forum) -> dict[str, str]:
    """What the card shows for the forum as stored."""
    values = {VISIBILITY: forum.visibility.value}
    values.update({external_input(o.id): "true" if o.external else "false" for o in forum.organisations})
    return values


def _choices(t: Texts) -> list[tuple[str, str]]:
    return [(v.value, t(f"visibility.choice_{v.value}")) for v in SummaryVisibility]


def visibility_card(t: Texts, *, forum: Forum, values: Mapping[str, str], revision: str,
                    errors: Sequence[str] = (), note: str | None = None) -> Element:
    body: list[Element] = [heading(t("visibility.title")),
                           text(t("visibility.intro", forum=escape_card_inline(forum.name)), subtle=True)]
    if note:
        body.append(notice(note))
    if errors:
        body.append(errors_block(errors, t("visibility.errors_title")))
    body.append(text(t("visibility.externals_heading"), weight="Bolder"))
    if not forum.organisations:
        body.append(text(t("visibility.no_organisations"), subtle=True))
    for organisation in forum.organisations:
        body.append(input_toggle(external_input(organisation.id), escape_card_inline(organisation.name),
                                 t("visibility.external_title", organisation=escape_card_inline(organisation.name)),
                                 value=values.get(external_input(organisation.id)) == "true"))
    body.append(choice_set(VISIBILITY, t("visibility.who_label"), _choices(t), value=values.get(VISIBILITY),
                           required=True, error=t("visibility.error_choice"), compact=False))
    body.append(text(t("visibility.rules"), subtle=True))
    return card(body, [execute(t("visibility.save"), "visibility.save", {"forum_id": forum.id, "revision": revision})])


def _externals(t: Texts, forum: Forum) -> str:
    names = [escape_card_inline(o.name) for o in forum.organisations if o.external]
    return ", ".join(names) or t("visibility.saved_no_externals")


def delivery_line(t: Texts, forum: Forum) -> str:
    """What happens to the next compiled lägesbild under the forum's choice."""
    if not summary_restricted(forum):
        return t("visibility.saved_channel")
    return t.plural("visibility.saved_direct", len(summary_recipients(forum)) + 1)


def visibility_saved_card(t: Texts, forum: Forum) -> Element:
    body = [heading(t("visibility.saved_title", forum=escape_card_inline(forum.name))),
            facts([(t("visibility.saved_externals"), _externals(t, forum)),
                   (t("visibility.saved_who"), t(f"visibility.choice_{forum.visibility.value}"))]),
            text(delivery_line(t, forum))]
    return card(body, [execute(t("visibility.edit_again"), "visibility.open", {"forum_id": forum.id},
                               validate=False)])


def summary_notice(t: Texts, forum: Forum, meeting: Meeting, recipients: Sequence[str],
                   actions: Sequence[Element] = ()) -> dict[str, object]:
    """The channel's message when the lägesbild went 1:1: that it is compiled and to whom, never its content."""
    day = format_date(t, meeting.local_date)
    if forum.visibility is SummaryVisibility.CHAIR:
        line = t("visibility.notice_chair_secretary" if recipients else "visibility.notice_chair", date=day)
    else:
        line = t.plural("visibility.notice_municipal", len(recipients) + 1, date=day)
    return {**message(None, card([text(line)], actions)), "summary": line}  # shown once; the line is the preview
