"""The compiled lägesbild: Adaptive Cards split to fit Teams' message size, plain text, Markdown export.

Sizes are measured as Teams does, in UTF-16 bytes of the JSON (`ensure_ascii=False`). `json.dumps` is
compositional (a list is `[` + its items' JSON joined by `, ` + `]`), so the size of a card is the size of its
envelope plus the sizes of its body elements plus the separators, and the packer can add exactly instead of
re-serialising the card after every element.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from dialogs.cards.elements import Element, attachment, card, facts, heading, text
from dialogs.cards.escaping import (
    LINE_START_RISKS,
    escape_card_inline,
    escape_card_text,
    literal_line_start,
)
from dialogs.cards.follow_up import frozen_lines
from dialogs.cards.summary_entry import entry_label
from dialogs.texts import Texts
from dialogs.texts.formatting import format_date, format_datetime, format_time
from domain.model import Organisation
from domain.reporting import Summary, SummaryFollowUp, SummarySection

MAX_MESSAGE_BYTES = 80_000
_SEPARATOR = 2 * len(", ")  # between two items of a JSON list, in UTF-16 bytes
_RESERVED_PART = 99_999  # part numbers are reserved at this width, then filled in

_JSON = json.JSONEncoder(ensure_ascii=False)  # what json.dumps(ensure_ascii=False) builds on every call


def utf16_size(value: object) -> int:
    """Bytes of `value` serialised as JSON, counted in UTF-16 (how Teams measures a message)."""
    return len(_JSON.encode(value).encode("utf-16-le"))


# -- words shared by every format -------------------------------------------------------------------------


def _meeting_words(t: Texts, summary: Summary) -> str:
    local = summary.starts_at.astimezone(ZoneInfo(summary.timezone))
    return t("calendar.datetime", date=format_date(t, summary.meeting_date), time=format_time(t, local.time()))


def _header_facts(t: Texts, summary: Summary) -> list[tuple[str, str]]:
    return [
        (t("summary.meeting_label"), _meeting_words(t, summary)),
        (t("summary.deadline_label"), format_datetime(t, summary.deadline_at, summary.timezone)),
        (t("summary.compiled_label"), format_datetime(t, summary.compiled_at, summary.timezone)),
    ]


def _title(t: Texts, summary: Summary, forum: str) -> str:
    return t("summary.title" if summary.final else "summary.title_preview", forum=forum)


def _reported(t: Texts, summary: Summary) -> str:
    return t.plural("summary.reported", summary.organisation_count, reported=summary.reported_count,
                    total=summary.organisation_count)


def _preview_notice(t: Texts, summary: Summary) -> str:
    return t("summary.preview", deadline=format_datetime(t, summary.deadline_at, summary.timezone))


def _lists(summary: Summary) -> list[tuple[str, tuple[Organisation, ...]]]:
    """The compact lists, in reading order, only those with someone in them."""
    lists = [
        ("summary.nothing_new", summary.nothing_new),
        ("summary.missing", summary.missing),
        ("summary.not_attending", summary.not_attending),
    ]
    return [(key, organisations) for key, organisations in lists if organisations]


def summary_fallback_line(t: Texts, summary: Summary, *, part: int = 1, parts: int = 1) -> str:
    """One line naming the summary (activity text, notification, card fallback), with the part if split."""
    key = "summary.fallback" if summary.final else "summary.fallback_preview"
    line = t.plural(
        key,
        summary.organisation_count,
        forum=escape_card_inline(summary.forum_name),
        date=format_date(t, summary.meeting_date),
        reported=summary.reported_count,
        total=summary.organisation_count,
    )
    return t("summary.fallback_part", text=line, part=part, parts=parts) if parts > 1 else line


# -- Adaptive Cards ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Block:
    """One body element, its size, and what to repeat when a new card has to start at it."""

    element: Element
    size: int
    keep_with_next: bool = False
    resume: tuple[Element, ...] = ()


def _sized(element: Element, *, keep_with_next: bool = False, resume: tuple[Element, ...] = ()) -> _Block:
    return _Block(element, utf16_size(element), keep_with_next, resume)


def _section_heading(title: str) -> Element:
    return heading(title, size="Medium")


def _owner_name(name: str) -> Element:
    return text(name, weight="Bolder")


class _CardBuilder:
    """Turns a summary into body blocks whose texts are cut so that any run of blocks fits a fresh card."""

    def __init__(self, t: Texts, capacity: int) -> None:
        self.t = t
        self.capacity = capacity  # bytes available for body elements on a card (part label reserved)
        # "{title} (forts.)" adds at most the template's own characters to a title (JSON escaping is per
        # character), so a resumed owner name is bounded without rendering it for every organisation.
        self.continued_extra = utf16_size(t("summary.continued", title="")) - 2 * len('""')

    def text_blocks(
        self, raw: str, heading_bytes: int, owner: _Block | None, resume: tuple[Element, ...]
    ) -> list[_Block]:
        """`raw` as TextBlocks, each small enough to share a fresh card with the resumed headings."""
        owner_bytes = 0 if owner is None else owner.size + self.continued_extra + _SEPARATOR
        pieces = _cut(escape_card_text(raw), self.capacity - heading_bytes - owner_bytes - _SEPARATOR)
        if len(pieces) == 1 or owner is None:
            return [_Block(element, size, resume=resume) for element, size in pieces]
        resumed = _owner_name(self.t("summary.continued", title=owner.element["text"]))
        return [
            _Block(element, size, resume=resume if index == 0 else (*resume, resumed))
            for index, (element, size) in enumerate(pieces)
        ]

    def group(
        self,
        title_element: Element,
        resume_title: str,
        items: Sequence[tuple[str | None, str]],
        *,
        lead: tuple[_Block, ...] = (),
        empty: str | None = None,
    ) -> Iterator[_Block]:
        """A heading, then per item an optional bold owner name and its text; `lead` precedes the heading."""
        resume = (_section_heading(resume_title),)
        heading_bytes = sum(b.size + _SEPARATOR for b in lead)
        heading_bytes += max(utf16_size(title_element), utf16_size(resume[0])) + _SEPARATOR
        yield from lead
        yield _sized(title_element, keep_with_next=True)
        if not items and empty is not None:
            yield _sized(text(empty, subtle=True))
        for name, raw in items:
            owner = None if name is None else _sized(_owner_name(name), keep_with_next=True, resume=resume)
            if owner is not None:
                yield owner
            yield from self.text_blocks(raw, heading_bytes, owner, resume)

    def section(self, section: SummarySection, *, late: bool, lead: tuple[_Block, ...] = ()) -> Iterator[_Block]:
        title = escape_card_inline(section.section.title)
        resume = self.t("summary.late_continued" if late else "summary.continued", title=title)
        items = [(escape_card_inline(entry_label(self.t, e)), e.text) for e in section.entries]
        empty = None if late else self.t("summary.no_entries")
        return self.group(_section_heading(title), resume, items, lead=lead, empty=empty)

    def follow_up(self, record: SummaryFollowUp) -> Iterator[_Block]:
        """The follow-up of earlier actions: a heading, then one block per line (a long one cut)."""
        title = self.t("followup.heading")
        first, resume = _section_heading(title), _section_heading(self.t("summary.continued", title=title))
        limit = self.capacity - max(utf16_size(first), utf16_size(resume)) - 2 * _SEPARATOR
        yield _sized(first, keep_with_next=True)
        yield from (_Block(e, n, resume=(resume,)) for ln in frozen_lines(self.t, record) for e, n in _cut(ln, limit))

    def body(self, summary: Summary) -> Iterator[_Block]:
        t = self.t
        yield from self.follow_up(summary.follow_up) if summary.follow_up is not None else ()
        for key, organisations in _lists(summary):
            title = t(key, count=len(organisations))
            names = t("summary.list_separator").join(" ".join(o.name.split()) for o in organisations)
            yield from self.group(_section_heading(title), t("summary.continued", title=title), [(None, names)])
        for section in summary.sections:
            yield from self.section(section, late=False)
        for index, section in enumerate(summary.late):
            lead = (_sized(heading(t("summary.late")), keep_with_next=True),) if index == 0 else ()
            yield from self.section(section, late=True, lead=lead)


def _cut(escaped: str, limit: int) -> list[tuple[Element, int]]:
    """TextBlocks for escaped text, each at most `limit` bytes.

    The text is escaped once, before cutting: a cut never splits an escape, and a piece that starts in the
    middle of a line gets its line start made literal again.
    """
    pieces: list[tuple[Element, int]] = []
    rest = escaped.strip()
    while rest:
        if len(rest) <= limit // 2:  # a character is at least 2 bytes: a longer rest never fits
            whole = text(rest)
            if (size := utf16_size(whole)) <= limit:
                pieces.append((whole, size))
                break
        fits, too_long = 0, min(len(rest), limit // 2 + 1)
        while too_long - fits > 1:
            middle = (fits + too_long) // 2
            if utf16_size(text(rest[:middle])) <= limit:
                fits = middle
            else:
                too_long = middle
        cut = _natural_cut(rest, fits)
        if cut == 0:
            raise ValueError(f"a summary card cannot hold any text within {limit} bytes")
        piece = text(rest[:cut].rstrip())
        pieces.append((piece, utf16_size(piece)))
        rest = rest[cut:].lstrip()
        rest = literal_line_start(rest) if rest[:1] in LINE_START_RISKS else rest
    return pieces


def _natural_cut(value: str, fits: int) -> int:
    """Where to cut at or before `fits`: after a line break, else a space, in the latter half; never in an escape."""
    for separator in ("\n", " "):
        position = value.rfind(separator, fits // 2, fits)
        if position >= 0:
            return position + 1
    backslashes = 0  # escapes are backslash pairs, so an odd run of them before the cut ends in an open escape
    while backslashes < fits and value[fits - 1 - backslashes] == "\\":
        backslashes += 1
    return fits - backslashes % 2


def _card_envelope(t: Texts, summary: Summary, part: int, parts: int, actions: Sequence[Element] = ()) -> Element:
    envelope = card([], actions)
    envelope["fallbackText"] = summary_fallback_line(t, summary, part=part, parts=parts)
    return envelope


def _part_label(t: Texts, summary: Summary, part: int, parts: int) -> Element:
    label = t(
        "summary.part",
        forum=escape_card_inline(summary.forum_name),
        date=format_date(t, summary.meeting_date),
        part=part,
        parts=parts,
    )
    return text(label, subtle=True)


def _header(t: Texts, summary: Summary) -> list[_Block]:
    blocks = [_sized(heading(_title(t, summary, escape_card_inline(summary.forum_name))))]
    if not summary.final:
        blocks.append(_sized(text(_preview_notice(t, summary), weight="Bolder")))
    blocks.append(_sized(facts(_header_facts(t, summary))))
    blocks.append(_sized(text(_reported(t, summary), weight="Bolder")))
    return blocks


def _pack(header: list[_Block], blocks: Iterator[_Block], capacity: int) -> list[list[Element]]:
    """Fill cards in order; a run of keep-with-next blocks moves whole to a new card that resumes headings."""
    cards: list[list[Element]] = [[]]
    used = 0

    def add(element: Element, size: int) -> None:
        nonlocal used
        used += size + (_SEPARATOR if cards[-1] else 0)
        cards[-1].append(element)

    for block in header:
        add(block.element, block.size)
    if used > capacity:
        raise ValueError(f"the summary header does not fit in {capacity} bytes")
    run: list[_Block] = []
    for block in blocks:
        run.append(block)
        if block.keep_with_next:
            continue
        run_size = sum(b.size + _SEPARATOR for b in run)
        if used + run_size > capacity:
            cards.append([])
            used = 0
            for element in run[0].resume:
                add(element, utf16_size(element))
            if used + run_size > capacity:
                raise ValueError(f"a summary card cannot hold its blocks within {capacity} bytes")
        for b in run:
            add(b.element, b.size)
        run = []
    for b in run:  # a trailing heading without anything after it (not produced today)
        add(b.element, b.size)
    return cards


def render_summary_cards(
    t: Texts, summary: Summary, *, max_bytes: int = MAX_MESSAGE_BYTES, actions: Sequence[Element] = ()
) -> list[Element]:
    """The summary as Adaptive Cards 1.5 in agenda order, each at most `max_bytes` (UTF-16 JSON).

    `actions` (e.g. *Minnesanteckningar*) go on the last card; their size is reserved on every card."""
    reserved_envelope = utf16_size(_card_envelope(t, summary, _RESERVED_PART, _RESERVED_PART, actions))
    reserved_label = utf16_size(_part_label(t, summary, _RESERVED_PART, _RESERVED_PART)) + _SEPARATOR
    capacity = max_bytes - reserved_envelope - reserved_label
    builder = _CardBuilder(t, capacity)
    bodies = _pack(_header(t, summary), builder.body(summary), capacity)
    parts = len(bodies)
    cards: list[Element] = []
    for part, body in enumerate(bodies, start=1):
        result = _card_envelope(t, summary, part, parts, actions if part == parts else ())
        result["body"] = [_part_label(t, summary, part, parts), *body] if parts > 1 else body
        cards.append(result)
    return cards


def summary_activities(
    t: Texts, summary: Summary, *, max_bytes: int = MAX_MESSAGE_BYTES, actions: Sequence[Element] = ()
) -> list[dict[str, Any]]:
    """Bot Framework message activities, one per card part, each at most `max_bytes` (UTF-16 JSON)."""
    widest = summary_fallback_line(t, summary, part=_RESERVED_PART, parts=_RESERVED_PART)
    overhead = utf16_size(_activity(widest, {})) - utf16_size({})
    cards = render_summary_cards(t, summary, max_bytes=max_bytes - overhead, actions=actions)
    parts = len(cards)
    return [
        _activity(summary_fallback_line(t, summary, part=part, parts=parts), content)
        for part, content in enumerate(cards, start=1)
    ]


def _activity(line: str, content: Element) -> dict[str, Any]:
    return {"type": "message", "text": line, "summary": line, "attachments": [attachment(content)]}
