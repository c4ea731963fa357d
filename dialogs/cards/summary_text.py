"""The compiled lägesbild as plain text (a fallback without cards) and as Markdown (the export).

The words of the header and lists are shared with the cards (dialogs/cards/summary.py); user text is escaped so
it stays literal.
"""

from __future__ import annotations

from collections.abc import Sequence

from dialogs.cards.escaping import escape_markdown_inline, escape_markdown_text
from dialogs.cards.follow_up import markdown_section, plain_section
from dialogs.cards.summary import _header_facts, _lists, _preview_notice, _reported, _title
from dialogs.cards.summary_entry import entry_label
from dialogs.texts import Texts
from domain.model import Organisation
from domain.reporting import Summary, SummarySection


def _names(t: Texts, organisations: Sequence[Organisation]) -> str:
    return t("summary.list_separator").join(" ".join(o.name.split()) for o in organisations)


def _plain_section(t: Texts, section: SummarySection, empty: str | None) -> list[str]:
    title = " ".join(section.section.title.split())
    lines = ["", title, "-" * len(title)]
    if not section.entries and empty is not None:
        lines.append(empty)
    for entry in section.entries:
        lines += ["", entry_label(t, entry)]
        lines += [s for s in (line.strip() for line in entry.text.splitlines()) if s]
    return lines


def render_summary_text(t: Texts, summary: Summary) -> str:
    """The whole summary as plain text without markup (send with textFormat "plain")."""
    lines = [_title(t, summary, summary.forum_name)]
    if not summary.final:
        lines.append(_preview_notice(t, summary))
    lines += [f"{label}: {value}" for label, value in _header_facts(t, summary)]
    lines += [_reported(t, summary), *plain_section(t, summary.follow_up)]
    lists = _lists(summary)
    if lists:
        lines.append("")
    lines += [f"{t(key, count=len(orgs))}: {_names(t, orgs)}" for key, orgs in lists]
    for section in summary.sections:
        lines += _plain_section(t, section, t("summary.no_entries"))
    if summary.late:
        late = t("summary.late")
        lines += ["", "", late, "=" * len(late)]
        for section in summary.late:
            lines += _plain_section(t, section, None)
    return "\n".join(lines) + "\n"


def _markdown_section(t: Texts, section: SummarySection, level: int, empty: str | None) -> list[str]:
    lines = [f"{'#' * level} {escape_markdown_inline(section.section.title)}", ""]
    if not section.entries and empty is not None:
        lines += [f"_{empty}_", ""]
    for entry in section.entries:
        lines += [f"{'#' * (level + 1)} {escape_markdown_inline(entry_label(t, entry))}", ""]
        lines += [escape_markdown_text(entry.text), ""]
    return lines


def render_summary_markdown(t: Texts, summary: Summary) -> str:
    """The summary as a Markdown document (the export); user text is escaped so it stays literal."""
    lines = [f"# {escape_markdown_inline(_title(t, summary, summary.forum_name))}", ""]
    if not summary.final:
        lines += [f"**{_preview_notice(t, summary)}**", ""]
    lines += [f"- **{label}:** {value}" for label, value in _header_facts(t, summary)]
    lines += [f"- **{_reported(t, summary)}**", "", *markdown_section(t, summary.follow_up)]
    for key, organisations in _lists(summary):
        lines += [f"## {t(key, count=len(organisations))}", ""]
        lines += [f"- {escape_markdown_inline(o.name)}" for o in organisations]
        lines.append("")
    for section in summary.sections:
        lines += _markdown_section(t, section, 2, t("summary.no_entries"))
    if summary.late:
        lines += [f"## {t('summary.late')}", ""]
        for section in summary.late:
            lines += _markdown_section(t, section, 3, None)
    return "\n".join(lines).rstrip("\n") + "\n"
