"""The annual lägesbild basis (domain/annual_basis.py) as Word and as CSV files in one zip; both from the same rows."""

from __future__ import annotations

from dialogs.documents.blocks import Block, Heading, Paragraph, Table, Title
from dialogs.documents.csv_file import csv_bytes
from dialogs.documents.package import zip_bytes
from dialogs.owners import action_number
from dialogs.texts import Texts
from domain.actions import ActionStatus
from domain.annual_basis import AnnualBasis


def _status(t: Texts, status: ActionStatus) -> str:
    return t("annual.status_done" if status is ActionStatus.DONE else "annual.status_open")


def counts_table(t: Texts, basis: AnnualBasis) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    header = (t("annual.col_area"), *(t("annual.quarter", quarter=q) for q in (1, 2, 3, 4)), t("annual.col_total"))
    return header, tuple((a.name, *(str(len(q.mentions)) for q in a.quarters), str(a.total)) for a in basis.areas)


def _texts(t: Texts, basis: AnnualBasis) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    header = (t("annual.col_area"), t("annual.col_quarter"), t("annual.col_date"), t("annual.col_organisation"),
              t("annual.col_section"), t("annual.col_text"))
    return header, tuple((a.name, str(q.quarter), m.meeting_date.isoformat(), m.organisation, m.section, m.text)
                         for a in basis.areas for q in a.quarters for m in q.mentions)


def _actions(t: Texts, basis: AnnualBasis) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    header = (t("annual.col_area"), t("annual.col_quarter"), t("annual.col_action"), t("annual.col_title"),
              t("annual.col_due"), t("annual.col_status"), t("annual.col_outcome"))
    return header, tuple((a.name, str(q.quarter), action_number(t, x.number), x.title, x.due.isoformat(),
                          _status(t, x.status), x.outcome) for a in basis.areas for q in a.quarters for x in q.actions)


def annual_zip(t: Texts, basis: AnnualBasis) -> bytes:
    return zip_bytes({"antal_per_omrade.csv": csv_bytes(*counts_table(t, basis)),
                      "texter.csv": csv_bytes(*_texts(t, basis)), "atgarder.csv": csv_bytes(*_actions(t, basis))})


def annual_outline(t: Texts, basis: AnnualBasis) -> list[Block]:
    blocks: list[Block] = [Title(t("annual.doc_title", year=basis.year, forum=basis.forum_name)),
                           Paragraph(t("annual.doc_intro"))]
    if not basis.areas:
        return [*blocks, Paragraph(t("annual.no_areas"), italic=True)]
    blocks += [Heading(t("annual.counts")), Table(*counts_table(t, basis))]
    for area in basis.areas:
        blocks.append(Heading(area.name))
        if not any(q.mentions for q in area.quarters):  # one line for the year, not one per empty quarter
            blocks.append(Paragraph(t("annual.no_mentions_year"), italic=True))
            continue
        for q in area.quarters:
            blocks.append(Heading(t("annual.quarter", quarter=q.quarter), 2))
            if not q.mentions:
                blocks.append(Paragraph(t("annual.no_mentions"), italic=True))
                continue
            blocks.append(Table((t("annual.col_date"), t("annual.col_organisation"), t("annual.col_section"),
                                 t("annual.col_text")),
                                tuple((m.meeting_date.isoformat(), m.organisation, m.section, m.text)
                                      for m in q.mentions)))
            if q.actions:
                blocks += [Heading(t("annual.actions"), 3),
                           Table((t("annual.col_action"), t("annual.col_title"), t("annual.col_status"),
                                  t("annual.col_outcome")),
                                 tuple((action_number(t, x.number), x.title, _status(t, x.status), x.outcome)
                                       for x in q.actions))]
    return blocks
