"""Cards of the follow-up log and its policy: an action's history (in pages), the weekly overview, and the nudge
policy card the chair opens from the setup card (with its saved card)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import time

from dialogs.cards.elements import (
    Element,
    card,
    choice_set,
    errors_block,
    execute,
    facts,
    heading,
    input_number,
    input_time,
    input_toggle,
    notice,
    text,
)
from dialogs.cards.escaping import escape_card_inline
from dialogs.documents.follow_log import MAX_DETAIL, LogLine
from dialogs.owners import action_number, owner_label
from dialogs.texts import Texts
from dialogs.texts.formatting import format_date, format_time, weekday_name
from domain.model import Forum
from domain.nudges import MAX_DAYS_BEFORE, MAX_ESCALATE_AFTER, MAX_OVERDUE_EVERY, NudgePolicy
from domain.overview import Overview

PAGE = 25  # events per history card: a long history is split over cards with a "next" button


def history_card(t: Texts, *, title: str, owner: str, lines: Sequence[LogLine], page: int,
                 more: Mapping[str, object] | None) -> Element:
    """One page of an action's history. `title`: "Å-12: …" already formatted; `more`: data of the next page's
    button, None on the last page."""
    body: list[Element] = [heading(escape_card_inline(title), size="Medium"),
                           text(escape_card_inline(owner), subtle=True)]
    total = page * PAGE + len(lines)
    if more is not None or page > 0:
        body.append(text(t("followlog.history_page", first=page * PAGE + 1, last=total,
                           total=more.get("total", total) if more else total), subtle=True))
    for line in lines:
        body.append(text(t("followlog.event_line", at=line.at, kind=line.kind, actor=escape_card_inline(line.actor))))
        if line.detail:
            detail = line.detail if len(line.detail) <= MAX_DETAIL else line.detail[:MAX_DETAIL] + "…"
            body.append(text(escape_card_inline(detail), subtle=True))
    actions = [execute(t("followlog.history_more"), "history.page", dict(more), validate=False)] if more else []
    return card(body, actions)


def overview_card(t: Texts, forum: Forum, overview: Overview, names: Mapping[str, str]) -> Element:
    body: list[Element] = [
        heading(t("overview.title", forum=escape_card_inline(forum.name))),
        text(t("overview.intro", date=format_date(t, overview.today)), subtle=True),
        facts([(t("overview.open"), str(overview.open)), (t("overview.overdue"), str(overview.overdue)),
               (t("overview.closed"), str(overview.closed_this_week))]),
        heading(t("overview.overdue_title"), size="Medium"),
    ]
    if not overview.overdue_by_organisation:
        body.append(text(t("overview.overdue_none"), subtle=True))
    for organisation_id, actions in overview.overdue_by_organisation:
        organisation = forum.organisation(organisation_id)
        body.append(text(escape_card_inline(organisation.name) if organisation else t("overview.no_organisation"),
                         weight="Bolder"))
        body += [text("- " + t("overview.overdue_line", number=action_number(t, a.number),
                               title=escape_card_inline(a.title),
                               owner=escape_card_inline(owner_label(t, forum, a.owner_role_id, names)),
                               due=format_date(t, a.due))) for a in actions]
    if overview.vacant_roles:
        body.append(heading(t("overview.vacant_title"), size="Medium"))
        for vacant in overview.vacant_roles:
            organisation = forum.organisation(vacant.role.organisation_id)
            kind = t("record.kind_deputy") if vacant.role.kind.value == "deputy" else t("record.kind_participant")
            name = escape_card_inline(organisation.name if organisation else "")
            line = t.plural("overview.vacant_line", vacant.open_actions, kind=kind, organisation=name)
            body.append(text("- " + line))
    if overview.paused:
        body.append(heading(t("overview.paused_title"), size="Medium"))
        body += [text("- " + t("overview.paused_line", name=escape_card_inline(names.get(p.person_id, p.person_id)),
                               date=format_date(t, p.until))) for p in overview.paused]
    return card(body)


# --- the nudge policy card ------------------------------------------------------------------------------------

DAYS_BEFORE, ON_DUE, OVERDUE_EVERY, ESCALATE_AFTER = "days_before", "on_due", "overdue_every", "escalate_after"
QUIET_FROM, QUIET_UNTIL, WEEKENDS, HOLIDAYS = "quiet_from", "quiet_until", "skip_weekends", "skip_holidays"
OVERVIEW, WEEKDAY = "weekly_overview", "overview_weekday"
POLICY_FIELDS = (DAYS_BEFORE, ON_DUE, OVERDUE_EVERY, ESCALATE_AFTER, QUIET_FROM, QUIET_UNTIL, WEEKENDS, HOLIDAYS,
                 OVERVIEW, WEEKDAY)


def _flag(value: bool) -> str:
    return "true" if value else "false"


def policy_values(policy: NudgePolicy) -> dict[str, str]:
    return {DAYS_BEFORE: str(policy.days_before), ON_DUE: _flag(policy.on_due),
            OVERDUE_EVERY: str(policy.overdue_every), ESCALATE_AFTER: str(policy.escalate_after),
            QUIET_FROM: policy.quiet_from.strftime("%H:%M"), QUIET_UNTIL: policy.quiet_until.strftime("%H:%M"),
            WEEKENDS: _flag(policy.skip_weekends), HOLIDAYS: _flag(policy.skip_holidays),
            OVERVIEW: _flag(policy.weekly_overview), WEEKDAY: str(policy.overview_weekday)}


def _number(values: Mapping[str, str], key: str, default: int) -> int:
    try:
        return int(values.get(key, default))
    except ValueError:
        return default


def policy_card(t: Texts, *, forum: Forum, values: Mapping[str, str], revision: str, errors: Sequence[str] = (),
                note: str | None = None) -> Element:
    body: list[Element] = [heading(t("policy.title")),
                           text(t("policy.intro", forum=escape_card_inline(forum.name)), subtle=True)]
    if note:
        body.append(notice(note))
    if errors:
        body.append(errors_block(errors, t("policy.errors_title")))
    on = {k: values.get(k) == "true" for k in (ON_DUE, WEEKENDS, HOLIDAYS, OVERVIEW)}
    body += [
        input_number(DAYS_BEFORE, t("policy.days_before"), value=_number(values, DAYS_BEFORE, 2), minimum=0,
                     maximum=MAX_DAYS_BEFORE, error=t("policy.error_days_before", max=MAX_DAYS_BEFORE)),
        input_toggle(ON_DUE, t("policy.on_due"), t("policy.on_due_title"), value=on[ON_DUE]),
        input_number(OVERDUE_EVERY, t("policy.overdue_every"), value=_number(values, OVERDUE_EVERY, 3), minimum=1,
                     maximum=MAX_OVERDUE_EVERY, error=t("policy.error_overdue_every", max=MAX_OVERDUE_EVERY)),
        input_number(ESCALATE_AFTER, t("policy.escalate_after"), value=_number(values, ESCALATE_AFTER, 2),
                     minimum=0, maximum=MAX_ESCALATE_AFTER,
                     error=t("policy.error_escalate_after", max=MAX_ESCALATE_AFTER)),
        input_time(QUIET_FROM, t("policy.quiet_from"), value=values.get(QUIET_FROM, "17:00"),
                   error=t("policy.error_time")),
        input_time(QUIET_UNTIL, t("policy.quiet_until"), value=values.get(QUIET_UNTIL, "08:00"),
                   error=t("policy.error_time")),
        input_toggle(WEEKENDS, t("policy.weekends"), t("policy.weekends_title"), value=on[WEEKENDS]),
        input_toggle(HOLIDAYS, t("policy.holidays"), t("policy.holidays_title"), value=on[HOLIDAYS]),
        input_toggle(OVERVIEW, t("policy.overview"), t("policy.overview_title"), value=on[OVERVIEW]),
        choice_set(WEEKDAY, t("policy.overview_weekday"), [(str(d), weekday_name(t, d)) for d in range(7)],
                   value=values.get(WEEKDAY, "0"), required=True, error=t("policy.error_weekday")),
    ]
    return card(body, [execute(t("policy.save"), "policy.save", {"forum_id": forum.id, "revision": revision})])


def _hours(t: Texts, start: time, end: time) -> str:
    return t("policy.saved_quiet_value", start=format_time(t, start), end=format_time(t, end))


def policy_saved_card(t: Texts, forum: Forum, policy: NudgePolicy) -> Element:
    yes_no = {True: t("policy.saved_yes"), False: t("policy.saved_no")}
    skipped = [t("policy.saved_weekends")] * policy.skip_weekends + [t("policy.saved_holidays")] * policy.skip_holidays
    lines = [
        (t("policy.saved_before"), t.plural("policy.saved_before_value", policy.days_before)
         if policy.days_before else t("policy.saved_none")),
        (t("policy.saved_on_due"), yes_no[policy.on_due]),
        (t("policy.saved_overdue"), t.plural("policy.saved_overdue_value", policy.overdue_every)),
        (t("policy.saved_escalate"), t.plural("policy.saved_escalate_value", policy.escalate_after)
         if policy.escalate_after else t("policy.saved_none")),
        (t("policy.saved_quiet"), _hours(t, policy.quiet_from, policy.quiet_until)),
        (t("policy.saved_skip"), ", ".join(skipped) or t("policy.saved_none")),
        (t("policy.saved_overview"), t("policy.saved_overview_value", weekday=weekday_name(t, policy.overview_weekday))
         if policy.weekly_overview else t("policy.saved_overview_off")),
    ]
    body = [heading(t("policy.saved_title", forum=escape_card_inline(forum.name))), facts(lines)]
    return card(body, [execute(t("policy.edit_again"), "policy.open", {"forum_id": forum.id}, validate=False)])
