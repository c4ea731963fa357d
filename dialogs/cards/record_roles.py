"""Who keeps and gets the forum's record: secretary, approvers, recipients, e-mail recipients, action due days.

Its own card (the setup card is already tall on a phone), opened from the setup card and its saved card. Like
the setup card it carries the revision of what it shows and a fingerprint of each shown value, so a save from an
outdated copy keeps only what the person typed (domain/revisions.py).
"""

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
    input_number,
    input_text,
    notice,
    text,
)
from dialogs.cards.escaping import escape_card_inline
from dialogs.texts import Texts
from domain.model import RecordRoles
from domain.revisions import fingerprint

SECRETARY = "secretary"
APPROVERS = "approvers"
RECIPIENTS = "recipients"
EMAILS = "emails"
DUE_DAYS = "action_due_days"
FIELDS = (SECRETARY, APPROVERS, RECIPIENTS, EMAILS, DUE_DAYS)
NOBODY = "-"  # the secretary choice "Ingen" (a choice needs a value)
MAX_DUE_DAYS = 365
MAX_EMAILS_CHARS = 2000


def record_values(record: RecordRoles) -> dict[str, str]:
    return {
        SECRETARY: record.secretary_id or NOBODY,
        APPROVERS: ",".join(record.approver_ids),
        RECIPIENTS: ",".join(record.recipient_ids),
        EMAILS: "\n".join(record.recipient_emails),
        DUE_DAYS: str(record.action_due_days),
    }


def _days(values: Mapping[str, str]) -> int:
    try:
        return int(values.get(DUE_DAYS, "14"))
    except ValueError:
        return 14


def record_roles_card(
    t: Texts,
    *,
    forum_id: str,
    people: Sequence[tuple[str, str]],
    values: Mapping[str, str],
    revision: str,
    errors: Sequence[str] = (),
    note: str | None = None,
    mail: bool = True,
) -> Element:
    """`people`: (person id, name) of the forum's known people, to choose from; `mail`: offer e-mail recipients
    (mail is set up, or addresses are stored)."""
    body: list[Element] = [heading(t("draft.roles.title")), text(t("draft.roles.intro"), subtle=True)]
    if note:
        body.append(notice(note))
    if errors:
        body.append(errors_block(errors, t("draft.roles.errors_title")))
    body += [
        choice_set(SECRETARY, t("draft.roles.secretary"), [(NOBODY, t("draft.roles.nobody")), *people],
                   value=values.get(SECRETARY) or NOBODY),
        choice_set(APPROVERS, t("draft.roles.approvers"), people, value=values.get(APPROVERS) or None, multi=True),
        text(t("draft.roles.approvers_help"), subtle=True),
        choice_set(RECIPIENTS, t("draft.roles.recipients"), people, value=values.get(RECIPIENTS) or None,
                   multi=True),
    ]
    if mail:
        body += [input_text(EMAILS, t("draft.roles.emails"), value=values.get(EMAILS), multiline=True,
                            max_length=MAX_EMAILS_CHARS, placeholder="kommunledningen@kommun.se"),
                 text(t("draft.roles.emails_help"), subtle=True)]
    body += [
        input_number(DUE_DAYS, t("draft.roles.due_days"), value=_days(values), minimum=1, maximum=MAX_DUE_DAYS,
                     error=t("draft.roles.error.due_days", max=MAX_DUE_DAYS)),
    ]
    shown = {key: fingerprint(str(values.get(key) or "")) for key in FIELDS if mail or key != EMAILS}
    data = {"forum_id": forum_id, "revision": revision, "shown": shown}
    return card(body, [execute(t("draft.roles.save"), "record.save", data)])


def record_roles_saved_card(
    t: Texts, *, forum_id: str, forum: str, record: RecordRoles, names: Mapping[str, str]
) -> Element:
    """Who is who, after saving."""
    nobody = t("draft.roles.nobody")

    def named(ids: Sequence[str]) -> str:
        return ", ".join(escape_card_inline(names.get(i, i)) for i in ids) or nobody

    lines = [
        (t("draft.roles.secretary"), named([record.secretary_id] if record.secretary_id else [])),
        (t("draft.roles.approvers"), named(record.approver_ids)),
        (t("draft.roles.recipients"), named(record.recipient_ids)),
        (t("draft.roles.emails"), ", ".join(record.recipient_emails) or nobody),
        (t("draft.roles.due_days"), t.plural("draft.roles.days", record.action_due_days)),
    ]
    body = [heading(t("draft.roles.saved_title", forum=escape_card_inline(forum))), facts(lines),
            text(t("draft.roles.saved_next" if record.approver_ids else "draft.roles.saved_next_direct"))]
    return card(body, [execute(t("draft.roles.edit_again"), "record.open", {"forum_id": forum_id}, validate=False)])
