"""The compiled lägesbild as a document outline (the Word export next to the Markdown one)."""

from __future__ import annotations

from dialogs.cards.follow_up import frozen_lines
from dialogs.cards.summary_entry import entry_label
from dialogs.documents.blocks import Block, Bullets, Facts, Heading, Paragraph, Title
from dialogs.texts import Texts
from dialogs.texts.formatting import format_datetime
from domain.reporting import Summary, SummaryFollowUp, SummarySection


def summary_outline(t: Texts, summary: Summary) -> list[Block]:
    title_key = "summary.title" if summary.final else "summary.title_preview"
    tz = summary.timezone
    blocks: list[Block] = [Title(t(title_key, forum=summary.forum_name))]
    if not summary.final:
        blocks.append(Paragraph(t("summary.preview", deadline=format_datetime(t, summary.deadline_at, tz)),
                                italic=True))
    blocks.append(Facts((
        (t("summary.meeting_label"), format_datetime(t, summary.starts_at, tz)),
        (t("summary.deadline_label"), format_datetime(t, summary.deadline_at, tz)),
        (t("summary.compiled_label"), format_datetime(t, summary.compiled_at, tz)),
    )))
    blocks.append(Paragraph(t.plural("summary.reported", summary.organisation_count,
                                     reported=summary.reported_count, total=summary.organisation_count)))
    blocks += _follow_up(t, summary.follow_up)
    for key, organisations in (("summary.nothing_new", summary.nothing_new), ("summary.missing", summary.missing),
                               ("summary.not_attending", summary.not_attending)):
        if organisations:
            blocks += [Heading(t(key, count=len(organisations))), Bullets(tuple(o.name for o in organisations))]
    for section in summary.sections:
        blocks += _section(t, section, 1, t("summary.no_entries"))
    if summary.late:
        blocks.append(Heading(t("summary.late")))
        for section in summary.late:
            blocks += _section(t, section, 2, None)
    return blocks


def _follow_up(t: Texts, record: SummaryFollowUp | None) -> list[Block]:
    """The follow-up of earlier actions where the summary card has it: a heading, the lines as bullets (the
    card's "closed since" line and "none" line as paragraphs); nothing for a summary without one."""
    if record is None:
        return []
    blocks: list[Block] = [Heading(t("followup.heading"))]
    bullets: list[str] = []
    for line in frozen_lines(t, record, escape=lambda value: " ".join(value.split()), plain=True):
        if line.startswith("- "):
            bullets.append(line[2:])
            continue
        if bullets:
            blocks.append(Bullets(tuple(bullets)))
            bullets = []
        blocks.append(Paragraph(line))
    return [*blocks, Bullets(tuple(bullets))] if bullets else blocks


def _section(t: Texts, section: SummarySection, level: int, empty: str | None) -> list[Block]:
    blocks: list[Block] = [Heading(section.section.title, level)]
    if not section.entries and empty is not None:
        blocks.append(Paragraph(empty, italic=True))
    for entry in section.entries:
        blocks += [Heading(entry_label(t, entry), level + 1), Paragraph(entry.text)]
    return blocks
