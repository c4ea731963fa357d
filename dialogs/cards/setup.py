"""The forum setup card: name, schedule, collection times, agenda and organisations."""

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
    input_date,
    input_number,
    input_text,
    input_time,
    input_toggle,
    notice,
    refresh,
    text,
)
from dialogs.texts import Texts
from domain.model import Forum, Schedule
from domain.revisions import fingerprint

SECTION_PREFIX = "section__"
SECTION_POS_PREFIX = "section_pos__"
ORG_PREFIX = "org__"
ORG_POS_PREFIX = "org_pos__"
NEW_SECTIONS = "sections_new"
NEW_ORGANISATIONS = "organisations_new"
MAX_NAME = 100
MAX_ITEM = 120


def schedule_values(schedule: Schedule) -> dict[str, str]:
    return {
        "frequency": schedule.frequency.value,
        "interval_weeks": str(schedule.interval_weeks),
        "monthly_ordinal": str(schedule.monthly_ordinal),
        "weekday": str(schedule.weekday),
        "time": schedule.time.strftime("%H:%M"),
        "timezone": schedule.timezone,
        "start_date": schedule.start_date.isoformat() if schedule.start_date else "",
        "opens_days": str(schedule.opens.days_before),
        "opens_time": schedule.opens.at.strftime("%H:%M"),
        "reminder_days": str(schedule.reminder.days_before),
        "reminder_time": schedule.reminder.at.strftime("%H:%M"),
        "deadline_days": str(schedule.deadline.days_before),
        "deadline_time": schedule.deadline.at.strftime("%H:%M"),
        "skip_holidays": "true" if schedule.skip_public_holidays else "false",
        "breaks": "\n".join(f"{b.first.isoformat()} {b.last.isoformat()}" for b in schedule.breaks),
    }


def forum_values(forum: Forum) -> dict[str, str]:
    values = {"name": forum.name, "language": forum.language or "", **schedule_values(forum.schedule)}
    for s in forum.sections:
        values[SECTION_PREFIX + s.id] = s.title
        values[SECTION_POS_PREFIX + s.id] = str(s.position)
    for o in forum.organisations:
        values[ORG_PREFIX + o.id] = o.name
        values[ORG_POS_PREFIX + o.id] = str(o.position)
    return values


def _int(values: Mapping[str, str], key: str, default: int) -> int:
    try:
        return int(values.get(key, default))
    except (TypeError, ValueError):
        return default


def setup_card(
    t: Texts,
    *,
    forum_id: str,
    values: Mapping[str, str],
    sections: Sequence[tuple[str, str]],
    organisations: Sequence[tuple[str, str]],
    errors: Sequence[str] = (),
    revision: str = "",
    chair_id: str | None = None,
    note: str | None = None,
) -> Element:
    """`sections` / `organisations` are the stored (id, label) rows to show as editable inputs.

    `revision` is the setup revision the card shows (domain/revisions.py); a save from another revision is
    refused. `chair_id` gets the card refreshed to the current one whenever the chair views it.
    """
    body: list[Element] = [heading(t("setup.title")), text(t("setup.intro"), subtle=True)]
    if note:
        body.append(notice(note))
    if errors:
        body.append(errors_block(errors, t("setup.errors_title")))
    body += [
        input_text("name", t("setup.name"), value=values.get("name"), max_length=MAX_NAME, required=True,
                   error=t("setup.error.name_required")),
        choice_set("language", t("setup.language"), [("sv", t("setup.language_sv")), ("en", t("setup.language_en"))],
                   value=values.get("language") or None),
    ]
    body += _schedule_inputs(t, values)
    body += _collection_inputs(t, values)
    body += _list_inputs(t, "sections", SECTION_PREFIX, SECTION_POS_PREFIX, sections, values)
    body += _list_inputs(t, "organisations", ORG_PREFIX, ORG_POS_PREFIX, organisations, values)
    # What each input showed, so that a submit from an outdated copy keeps only what the person typed.
    shown = {key: fingerprint(str(values.get(key) or "")) for key in _input_ids(body)}
    actions = [execute(t("setup.save"), "setup.save", {"forum_id": forum_id, "revision": revision, "shown": shown}),
               execute(t("draft.roles.open_button"), "record.open", {"forum_id": forum_id}, validate=False)]
    if forum_id:  # reminders and the weekly overview: their own card (dialogs/cards/follow_log.py)
        actions.append(execute(t("policy.open_button"), "policy.open", {"forum_id": forum_id}, validate=False))
        actions.append(execute(t("charter.title"), "charter.open", {"forum_id": forum_id}, validate=False))
        actions.append(execute(t("visibility.open_button"), "visibility.open", {"forum_id": forum_id}, validate=False))
    return card(body, actions, refresh=refresh("setup.refresh", {"forum_id": forum_id}, [chair_id or ""]))


def _schedule_inputs(t: Texts, values: Mapping[str, str]) -> list[Element]:
    weekdays = t.words("calendar.weekdays")
    v = values.get
    return [
        text(t("setup.schedule_title"), weight="Bolder"),
        choice_set(
            "frequency",
            t("setup.frequency"),
            [("weekly", t("setup.frequency_weekly")), ("every_n_weeks", t("setup.frequency_every_n_weeks")),
             ("monthly", t("setup.frequency_monthly"))],
            value=v("frequency", "weekly"),
            required=True,
        ),
        choice_set("weekday", t("setup.weekday"), [(str(i), name) for i, name in enumerate(weekdays)],
                   value=v("weekday", "3"), required=True),
        input_number("interval_weeks", t("setup.interval_weeks"), value=_int(values, "interval_weeks", 1),
                     minimum=1, maximum=52, error=t("setup.error.interval")),
        choice_set(
            "monthly_ordinal",
            t("setup.monthly_ordinal"),
            [("1", t("setup.ordinal_1")), ("2", t("setup.ordinal_2")), ("3", t("setup.ordinal_3")),
             ("4", t("setup.ordinal_4")), ("-1", t("setup.ordinal_last"))],
            value=v("monthly_ordinal", "1"),
        ),
        input_time("time", t("setup.time"), value=v("time", "09:00") or "09:00", error=t("setup.error.time")),
        input_text("timezone", t("setup.timezone"), value=v("timezone", "Europe/Stockholm"), max_length=64,
                   required=True, error=t("setup.error.timezone")),
        input_date("start_date", t("setup.start_date"), value=v("start_date")),
        input_toggle("skip_holidays", t("setup.skip_holidays"), t("setup.skip_holidays_title"),
                     value=v("skip_holidays", "true") == "true"),
        input_text("breaks", t("setup.breaks"), value=v("breaks"), multiline=True, max_length=2000,
                   placeholder="2026-12-21 2027-01-06"),
    ]


def _collection_inputs(t: Texts, values: Mapping[str, str]) -> list[Element]:
    body: list[Element] = [text(t("setup.collection_title"), weight="Bolder")]
    for key in ("opens", "reminder", "deadline"):
        body.append(
            input_number(f"{key}_days", t(f"setup.{key}_days"), value=_int(values, f"{key}_days", 1),
                         minimum=0, maximum=28, error=t("setup.error.days"))
        )
        at = values.get(f"{key}_time", "12:00") or "12:00"
        body.append(input_time(f"{key}_time", t(f"setup.{key}_time"), value=at, error=t("setup.error.time")))
    return body


def removal_card(
    t: Texts,
    *,
    forum_id: str,
    data: Mapping[str, object],
    removed: Sequence[tuple[str, str, int]],
) -> Element:
    """Asks the chair to confirm removing organisations: what happens to their reports, and two ways on.

    `data` is the submitted setup card (carried along unchanged, revision included); `removed` is
    (organisation id, name, number of reports kept) per organisation to be removed.
    """
    lines = "\r".join(f"- {name}: {_reports(t, count)}" for _, name, count in removed)
    body = [
        heading(t("setup.remove.title"), size="Medium"),
        text(lines),
        text(t("setup.remove.explained")),
    ]
    carried = {k: v for k, v in data.items() if k != "verb"}
    ids = ",".join(sorted(org_id for org_id, _, _ in removed))
    actions = [
        execute(t("setup.remove.confirm"), "setup.save", {**carried, "confirm_remove": ids}, validate=False),
        execute(t("setup.remove.back"), "setup.review", carried, validate=False),
    ]
    return card(body, actions)


def _reports(t: Texts, count: int) -> str:
    if count == 0:
        return t("setup.remove.reports_none")
    return t.plural("setup.remove.reports", count)


def _input_ids(elements: Sequence[Element]) -> list[str]:
    return [e["id"] for e in elements if str(e.get("type", "")).startswith("Input.") and "id" in e]


def _list_inputs(
    t: Texts,
    kind: str,
    prefix: str,
    pos_prefix: str,
    rows: Sequence[tuple[str, str]],
    values: Mapping[str, str],
) -> list[Element]:
    elements: list[Element] = [
        text(t(f"setup.{kind}_title"), weight="Bolder"),
        text(t(f"setup.{kind}_help"), subtle=True),
    ]
    for index, (row_id, label) in enumerate(rows, start=1):
        elements.append(
            input_text(prefix + row_id, t(f"setup.{kind}_item", number=index),
                       value=values.get(prefix + row_id, label), max_length=MAX_ITEM)
        )
        elements.append(
            input_number(pos_prefix + row_id, t("setup.position", number=index),
                         value=_int(values, pos_prefix + row_id, index), minimum=1, maximum=99,
                         error=t("setup.error.position"))
        )
    new_key = NEW_SECTIONS if kind == "sections" else NEW_ORGANISATIONS
    elements.append(input_text(new_key, t(f"setup.{kind}_new"), value=values.get(new_key), multiline=True,
                               max_length=3000))
    return elements


def saved_card(
    t: Texts, *, forum: str, lines: Sequence[tuple[str, str]], chair: str, forum_id: str = ""
) -> Element:
    """Shown in place of the setup card after saving: what was stored, and what happens next."""
    body = [
        heading(t("setup.saved_title", forum=forum)),
        facts(lines),
        text(t("setup.saved_next", chair=chair)),
    ]
    actions = [
        execute(t("setup.edit_again"), "setup.open", validate=False),
        execute(t("welcome.join_button"), "join.open", validate=False),
    ]
    if forum_id:  # the record's roles have their own card (the setup card is tall enough on a phone)
        actions.append(execute(t("draft.roles.open_button"), "record.open", {"forum_id": forum_id}, validate=False))
        actions.append(execute(t("policy.open_button"), "policy.open", {"forum_id": forum_id}, validate=False))
        actions.append(execute(t("charter.title"), "charter.open", {"forum_id": forum_id}, validate=False))
        actions.append(execute(t("visibility.open_button"), "visibility.open", {"forum_id": forum_id}, validate=False))
    return card(body, actions)


def describe_schedule(t: Texts, schedule: Schedule) -> tuple[str, str]:
    """(meetings, collection) in words, for the saved card and `nästa möte`."""
    weekday = t.words("calendar.weekdays")[schedule.weekday]
    at = schedule.time.strftime("%H:%M")
    if schedule.frequency.value == "monthly":
        ordinal = schedule.monthly_ordinal
        ordinal_key = "setup.ordinal_last" if ordinal == -1 else f"setup.ordinal_{ordinal}"
        meetings = t("setup.schedule_monthly", ordinal=t(ordinal_key).lower(), weekday=weekday, time=at)
    elif schedule.frequency.value == "every_n_weeks" and schedule.interval_weeks > 1:
        meetings = t("setup.schedule_every_n_weeks", interval=schedule.interval_weeks, weekday=weekday, time=at)
    else:
        meetings = t("setup.schedule_weekly", weekday=weekday, time=at)
    collection = t(
        "setup.collection_summary",
        opens_days=_days(t, schedule.opens.days_before),
        opens_time=schedule.opens.at.strftime("%H:%M"),
        reminder_days=_days(t, schedule.reminder.days_before),
        reminder_time=schedule.reminder.at.strftime("%H:%M"),
        deadline_days=_days(t, schedule.deadline.days_before),
        deadline_time=schedule.deadline.at.strftime("%H:%M"),
    )
    return meetings, collection


def _days(t: Texts, count: int) -> str:
    return t.plural("setup.days", count)
