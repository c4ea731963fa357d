"""Published minutes (and a draft as sent for approval): Adaptive Cards split under Teams' size, plain text.

A card is built from groups of body elements (one agenda item with its notes, decisions and actions is one
group); groups are packed in order and a group that does not fit on the current card starts the next one, so
an item is split only when it is larger than a whole card. Long notes are cut into several TextBlocks first,
so every element fits a card. Sizes are counted as Teams does (UTF-16 JSON, `summary.utf16_size`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from dialogs.cards.elements import Element, attachment, card, execute, facts, heading, text
from dialogs.cards.escaping import escape_card_inline, escape_card_text
from dialogs.cards.follow_up import closed_line
from dialogs.cards.summary import utf16_size
from dialogs.owners import action_number, snapshot_label
from dialogs.texts import Texts
from dialogs.texts.formatting import format_date, format_datetime
from domain.actions import ActionItem
from domain.minutes import DraftAction, ItemChange, MinutesContent, MinutesItem, PublishedVersion

MAX_CARD_BYTES = 56_000  # UTF-16 bytes of one message: about 28 KB of text, well under Teams' limit
MAX_TEXT_CHARS = 3_000  # one TextBlock of user text at most; longer notes are cut
_SEPARATOR = 4
_ENVELOPE_RESERVE = 2_000  # the card envelope, fallback text, part label and actions beyond the body


@dataclass(frozen=True)
class MinutesView:
    """What a minutes card shows: the content with its § numbers and its names resolved."""

    forum_name: str
    meeting_date: date
    first_paragraph: int
    content: MinutesContent
    owners: Mapping[str, str]  # role id -> owner label
    organisation_names: Mapping[str, str]

    def number_of(self, key: str) -> int:
        keys = [i.key for i in self.content.items]
        return self.first_paragraph + keys.index(key) if key in keys else self.first_paragraph


def published_view(t: Texts, version: PublishedVersion) -> MinutesView:
    frame = version.frame
    owners = {role_id: snapshot_label(t, owner) for role_id, owner in frame.owners.items()}
    return MinutesView(frame.forum_name, frame.meeting_date, version.first_paragraph, version.content, owners,
                       frame.organisation_names)


def _cut(raw: str, limit: int = MAX_TEXT_CHARS) -> list[str]:
    """Raw user text in pieces of at most `limit` characters, cut after a line break or a space when possible."""
    pieces: list[str] = []
    rest = raw.strip()
    while len(rest) > limit:
        cut = max(rest.rfind("\n", limit // 2, limit), rest.rfind(" ", limit // 2, limit))
        cut = cut + 1 if cut > 0 else limit
        pieces.append(rest[:cut].strip())
        rest = rest[cut:].strip()
    if rest:
        pieces.append(rest)
    return pieces


def _user_text(raw: str, **style: Any) -> list[Element]:
    return [text(escape_card_text(piece), **style) for piece in _cut(raw)]


def action_line(t: Texts, view: MinutesView, action: DraftAction,
                escape: Callable[[str], str] = escape_card_inline) -> str:
    number = action_number(t, action.number)
    owner = view.owners.get(action.owner_role_id) or t("record.owner_gone")
    line = t("published.action_line", number=number, title=escape(action.title), owner=escape(owner),
             due=format_date(t, action.due))
    return line.strip()


def _item_group(t: Texts, view: MinutesView, number: int, item: MinutesItem) -> list[Element]:
    group: list[Element] = [heading(t("published.item_heading", number=number, title=escape_card_inline(item.title)),
                                    size="Medium")]
    group += _user_text(item.notes) if item.notes.strip() else [text(t("published.no_notes"), subtle=True)]
    if item.decisions:
        group.append(text(t("published.decisions_label"), weight="Bolder"))
        group += [e for d in item.decisions for e in _user_text(d)]
    if item.actions:
        group.append(text(t("published.actions_label"), weight="Bolder"))
        for action in item.actions:
            group.append(text(action_line(t, view, action)))
            if action.description.strip():
                group += _user_text(action.description, subtle=True)
    return group


def _attendance_group(t: Texts, view: MinutesView) -> list[Element]:
    attendance = view.content.attendance
    names = [view.organisation_names.get(o, "?") for o in attendance.organisation_ids]
    present = ", ".join(escape_card_inline(n) for n in names) or t("published.nobody")
    group = [text(t("published.attendance_label"), weight="Bolder"), text(present)]
    if attendance.guests.strip():
        group += [text(t("published.guests_label"), weight="Bolder"), *_user_text(attendance.guests)]
    return group


def follow_up_group(t: Texts, version: PublishedVersion) -> list[Element]:
    """The follow-up frozen at publication, owners named as they were then (heading as in the summary)."""
    follow = version.follow_up
    today = _local_day(version)
    if follow.is_empty():
        lines = [t("followup.none")]
    else:
        lines = [f"- {_open_line(t, version, a, today)}" for a in follow.open]
        if follow.closed:
            lines.append(t("followup.closed_heading"))
            lines += [f"- {closed_line(t, a)}" for a in follow.closed]
    return [heading(t("followup.heading"), size="Medium"), text("\r".join(lines))]


def _open_line(t: Texts, version: PublishedVersion, action: ActionItem, today: date) -> str:
    key = "followup.open_overdue" if action.overdue_on(today) else "followup.open"
    owner = snapshot_label(t, version.frame.owners.get(action.owner_role_id))
    return t(key, number=action_number(t, action.number), title=escape_card_inline(action.title),
             owner=escape_card_inline(owner), due=format_date(t, action.due))


def item_groups(t: Texts, view: MinutesView) -> list[list[Element]]:
    """Attendance, then one group per agenda item with its § number."""
    groups = [_attendance_group(t, view)]
    for offset, item in enumerate(view.content.items):
        groups.append(_item_group(t, view, view.first_paragraph + offset, item))
    return groups


def change_lines(t: Texts, view: MinutesView, changes: Sequence[ItemChange], before: MinutesContent) -> list[str]:
    """What changed, one line each, for approvers after a fix and for readers of a correction."""
    lines: list[str] = []
    old_actions = {a.key: a for a in before.actions()}
    new_actions = {a.key: a for a in view.content.actions()}
    for change in changes:
        where = {"number": view.number_of(change.key), "title": escape_card_inline(change.title)}
        if change.notes_changed:
            lines.append(t("published.change_notes", **where))
        lines += [t("published.change_decision_added", decision=escape_card_inline(d), **where)
                  for d in change.decisions_added]
        lines += [t("published.change_decision_removed", decision=escape_card_inline(d), **where)
                  for d in change.decisions_removed]
        for key, words, actions in (("change_action_added", change.actions_added, new_actions),
                                    ("change_action_removed", change.actions_removed, old_actions),
                                    ("change_action_changed", change.actions_changed, new_actions)):
            lines += [t(f"published.{key}", action=escape_card_inline(actions[k].title), **where) for k in words]
    return lines or [t("published.no_changes")]


def changes_group(t: Texts, title_key: str, lines: Sequence[str]) -> list[Element]:
    return [text(t(title_key), weight="Bolder"), text("\r".join(f"- {line}" for line in lines))]


def _published_facts(t: Texts, version: PublishedVersion, timezone: str) -> list[tuple[str, str]]:
    view_paragraphs = paragraphs_words(t, version.first_paragraph, version.last_paragraph)
    pairs = [(t("published.meeting_label"), format_date(t, version.frame.meeting_date)),
             (t("published.paragraphs_label"), view_paragraphs),
             (t("published.version_label"), str(version.version)),
             (t("published.published_label"), format_datetime(t, version.published_at, timezone))]
    if version.approvals:
        approvals = "; ".join(t("published.approval", name=escape_card_inline(a.approver_name),
                                date=format_datetime(t, a.at, timezone)) for a in version.approvals)
        pairs.append((t("published.approved_label"), approvals))
    else:
        pairs.append((t("published.published_by_label"), escape_card_inline(version.published_by_name)))
    return pairs


def _local_day(version: PublishedVersion) -> date:
    return version.published_at.astimezone(ZoneInfo(version.frame.timezone)).date()


def paragraphs_words(t: Texts, first: int, last: int) -> str:
    return t("published.paragraph", first=first) if last <= first else t("published.paragraphs", first=first,
                                                                          last=last)


def published_header(t: Texts, version: PublishedVersion) -> list[Element]:
    frame = version.frame
    header = [heading(t("published.title", forum=escape_card_inline(frame.forum_name))),
              facts(_published_facts(t, version, frame.timezone))]
    if version.corrected:
        note = t("published.corrected", date=format_date(t, _local_day(version)),
                 note=escape_card_inline(version.correction_note))
        header.append(text(note, weight="Bolder"))
    return header


def fallback_line(t: Texts, forum_name: str, meeting_date: date, part: int = 1, parts: int = 1) -> str:
    line = t("published.fallback", forum=forum_name, date=format_date(t, meeting_date))
    return t("published.fallback_part", text=line, part=part, parts=parts) if parts > 1 else line


def pack(groups: Sequence[Sequence[Element]], capacity: int) -> list[list[Element]]:
    """Groups in order on as few cards as it takes; a group moves whole to the next card when it can."""
    cards: list[list[Element]] = [[]]
    used = 0
    for group in groups:
        size = sum(utf16_size(e) + _SEPARATOR for e in group)
        if cards[-1] and used + size > capacity:
            cards.append([])
            used = 0
        for element in group:
            element_size = utf16_size(element) + _SEPARATOR
            if cards[-1] and used + element_size > capacity:
                cards.append([])
                used = 0
            cards[-1].append(element)
            used += element_size
    return cards


def split_cards(
    t: Texts, view: MinutesView, groups: Sequence[Sequence[Element]], *, actions: Sequence[Element] = (),
    last_body: Sequence[Element] = (), max_bytes: int = MAX_CARD_BYTES,
) -> list[Element]:
    """Cards in reading order; `last_body` (inputs) and `actions` go on the last card only."""
    capacity = max_bytes - _ENVELOPE_RESERVE - sum(utf16_size(e) + _SEPARATOR for e in (*actions, *last_body))
    bodies = pack(groups, capacity)
    parts = len(bodies)
    cards: list[Element] = []
    for part, body in enumerate(bodies, start=1):
        label: list[Element] = []
        if parts > 1:
            label = [text(t("published.part", forum=escape_card_inline(view.forum_name),
                            date=format_date(t, view.meeting_date), part=part, parts=parts), subtle=True)]
        last = part == parts
        result = card([*label, *body, *(last_body if last else ())], actions if last else ())
        result["fallbackText"] = fallback_line(t, view.forum_name, view.meeting_date, part, parts)
        cards.append(result)
    return cards


def published_cards(
    t: Texts, version: PublishedVersion, *, changes: Sequence[str] = (), actions: Sequence[Element] = (),
    max_bytes: int = MAX_CARD_BYTES,
) -> list[Element]:
    """The published version for readers; `changes` (a correction's short note of what changed) after the header."""
    view = published_view(t, version)
    groups: list[list[Element]] = [published_header(t, version)]
    if changes:
        groups.append(changes_group(t, "published.changes_title", changes))
    groups.append(follow_up_group(t, version))
    groups += item_groups(t, view)
    return split_cards(t, view, groups, actions=actions, max_bytes=max_bytes)


def correct_action(t: Texts, forum_id: str, meeting_id: str) -> Element:
    return execute(t("published.button_correct"), "minutes.correct", {"forum_id": forum_id, "meeting_id": meeting_id},
                   validate=False)


def open_action(t: Texts, forum_id: str, meeting_id: str) -> Element:
    return execute(t("published.button_open"), "minutes.open", {"forum_id": forum_id, "meeting_id": meeting_id},
                   validate=False)


def activities(t: Texts, cards: Sequence[Element], forum_name: str, meeting_date: date) -> list[dict[str, Any]]:
    """One message activity per card, each naming the minutes (and its part) in plain text."""
    parts = len(cards)
    return [
        {"type": "message", "text": (line := fallback_line(t, forum_name, meeting_date, part, parts)),
         "summary": line, "attachments": [attachment(content)]}
        for part, content in enumerate(cards, start=1)
    ]


def render_published_text(t: Texts, version: PublishedVersion) -> str:
    """The whole version as plain text (no markup), e.g. for a message without cards."""
    view = published_view(t, version)
    frame = version.frame
    lines = [t("published.title", forum=frame.forum_name)]
    lines += [f"{label}: {value}" for label, value in _published_facts(t, version, frame.timezone)]
    if version.corrected:
        lines.append(t("published.corrected", date=format_date(t, _local_day(version)),
                       note=version.correction_note))
    names = [frame.organisation_names.get(o, "?") for o in version.content.attendance.organisation_ids]
    lines += ["", f"{t('published.attendance_label')}: {', '.join(names) or t('published.nobody')}"]
    for number, item in version.paragraphs():
        lines += ["", t("published.item_heading", number=number, title=item.title), item.notes.strip()]
        lines += [f"- {d}" for d in item.decisions]
        lines += [f"- {action_line(t, view, a, str)}" for a in item.actions]
    return "\n".join(lines) + "\n"
