"""The `nästa möte` card: when the next meeting is, when collection opens and closes, who has reported."""

from __future__ import annotations

from collections.abc import Sequence

from dialogs.cards.elements import Element, card, facts, heading, text
from dialogs.cards.follow_up import frozen_elements
from dialogs.texts import Texts
from dialogs.texts.formatting import format_datetime
from domain.meetings import Meeting
from domain.model import Forum
from domain.reporting import Summary

FOLLOW_UP_LINES = 15  # the card is not split: more open actions are counted, `åtgärder` lists them all


def next_meeting_card(
    t: Texts, forum: Forum, meeting: Meeting, summary: Summary, actions: Sequence[Element] = ()
) -> Element:
    """The meeting's times in the forum's zone, and the organisations that reported, have not, or will not attend."""
    tz = forum.schedule.timezone
    none = t("collection.next_none")
    reported = [o for o in forum.organisations if o not in summary.missing]
    body = [
        heading(t("collection.next_title", forum=forum.name)),
        facts([
            (t("collection.next_date"), format_datetime(t, meeting.times.starts_at, tz)),
            (t("collection.next_opens"), format_datetime(t, meeting.times.opens_at, tz)),
            (t("collection.next_deadline"), format_datetime(t, meeting.times.deadline_at, tz)),
        ]),
        text(t("collection.next_reported", count=summary.reported_count, total=summary.organisation_count),
             weight="Bolder"),
        text(", ".join(o.name for o in reported) or none),
        text(t("collection.next_missing"), weight="Bolder"),
        text(", ".join(o.name for o in summary.missing) or none),
        text(t("collection.next_not_attending"), weight="Bolder"),
        text(", ".join(o.name for o in summary.not_attending) or none),
    ]
    if summary.follow_up is not None:
        body += frozen_elements(t, summary.follow_up, limit=FOLLOW_UP_LINES)
    return card(body, actions)
