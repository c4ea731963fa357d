"""The retention card (gallring): per record type bevaras / gallras efter N månader / gallras vid inaktualitet, with
the decision's reference (dnr). Administrators save it; the chair sees it read-only."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from zoneinfo import ZoneInfo

from dialogs.cards.elements import (
    Element,
    card,
    choice_set,
    errors_block,
    execute,
    facts,
    heading,
    input_text,
    notice,
    text,
)
from dialogs.cards.escaping import escape_card_inline
from dialogs.texts import Texts
from dialogs.texts.formatting import format_date
from domain.model import Forum
from domain.retention import MAX_REFERENCE, RecordType, RetentionMode, RetentionPlan, disposes, in_force_from
from domain.revisions import fingerprint

MODE, MONTHS, REFERENCE = "mode__", "months__", "reference__"


def retention_values(plan: RetentionPlan) -> dict[str, str]:
    values: dict[str, str] = {}
    for record_type in RecordType:
        rule = plan.rule(record_type)
        values |= {MODE + record_type.value: rule.mode.value, MONTHS + record_type.value: str(rule.months or ""),
                   REFERENCE + record_type.value: rule.reference}
    return values


def describe(t: Texts, forum: Forum, record_type: RecordType, today: date | None = None) -> str:
    """The rule in words; one that will dispose but is still in its two weeks' grace says from which day."""
    rule = forum.retention.rule(record_type)
    if rule.mode is RetentionMode.KEEP:
        return t("retention.keep")
    words = t.plural(f"retention.{rule.mode.value}_value", rule.months or 0)
    described = t("retention.with_reference", rule=words, reference=rule.reference or "–")
    starts = in_force_from(rule, ZoneInfo(forum.schedule.timezone))
    if today is not None and disposes(rule) and starts is not None and starts > today:
        return t("retention.in_force", rule=described, date=format_date(t, starts))
    return described


def retention_card(t: Texts, forum: Forum, *, values: Mapping[str, str], revision: str, editable: bool,
                   errors: Sequence[str] = (), note: str | None = None, today: date | None = None,
                   admin: bool = False, show_current: bool = False) -> Element:
    body: list[Element] = [heading(t("retention.title", forum=escape_card_inline(forum.name))),
                           text(t("retention.intro"), subtle=True)]
    if note:
        body.append(notice(note))
    if errors:
        body.append(errors_block(errors, t("retention.errors_title")))
    if not editable:
        body.append(facts([(t(f"retention.type.{r.value}"), describe(t, forum, r, today)) for r in RecordType]))
        body.append(text(t("retention.edit_hint", command=t.words("commands.retention")[0],
                           forum=escape_card_inline(forum.name)) if admin else t("retention.admin_only"), subtle=True))
        return card(body)
    if show_current:  # an outdated card: what is in force now, above what the person typed
        body.append(text(t("retention.current_heading"), weight="Bolder"))
        body.append(facts([(t(f"retention.type.{r.value}"), describe(t, forum, r, today)) for r in RecordType]))
    modes = [(m.value, t(f"retention.mode.{m.value}")) for m in RetentionMode]
    for record_type in RecordType:
        key = record_type.value
        body.append({"type": "TextBlock", "text": t(f"retention.type.{key}"), "weight": "Bolder", "wrap": True,
                     "separator": True})
        body.append(choice_set(MODE + key, t("retention.mode_label", type=t(f"retention.type.{key}")), modes,
                               value=values.get(MODE + key) or RetentionMode.KEEP.value, required=True))
        body.append(input_text(MONTHS + key, t("retention.months_label"), value=values.get(MONTHS + key, ""),
                               max_length=4))
        body.append(input_text(REFERENCE + key, t("retention.reference_label"), value=values.get(REFERENCE + key, ""),
                               max_length=MAX_REFERENCE, placeholder=t("retention.reference_example")))
    keys = [p + r.value for r in RecordType for p in (MODE, MONTHS, REFERENCE)]
    shown = {k: fingerprint(values.get(k) or "") for k in keys}  # an outdated card keeps only what was changed
    return card(body, [execute(t("retention.save"), "retention.save",
                               {"forum_id": forum.id, "revision": revision, "shown": shown})])
