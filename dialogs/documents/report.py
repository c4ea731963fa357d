"""The follow-up report as a Word document with its charts, and its tables as CSV files in one zip.

The tables are the same in both: the Word file's tables and the CSVs come from `report_tables`, so the CSVs add up
to the report's numbers (tests/services/test_followup_report_documents.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from dialogs.documents.blocks import Block, Bullets, Facts, Heading, Image, Paragraph, Table, Title
from dialogs.documents.csv_file import csv_bytes
from dialogs.documents.package import zip_bytes
from dialogs.texts import Texts
from dialogs.texts.formatting import format_date
from domain.followup_report import AreaWeek, FollowUpReport, Participation
from domain.model import RoleKind

Tables = dict[str, tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]]  # file stem -> (header, rows)

_COLUMNS = (Participation.ON_TIME, Participation.LATE, Participation.NOTHING_NEW, Participation.NOT_ATTENDING,
            Participation.MISSING)


def _pct(share: float | None) -> str:
    return "" if share is None else str(round(share * 100))


def report_tables(t: Texts, report: FollowUpReport) -> Tables:
    a = report.actions
    figures = (
        (t("report.meetings_held"), report.meetings.held), (t("report.meetings_cancelled"), report.meetings.cancelled),
        (t("report.meetings_moved"), report.meetings.moved), (t("report.actions_created"), a.created),
        (t("report.actions_closed"), a.closed), (t("report.actions_open"), a.open_at_end),
        (t("report.actions_overdue"), a.overdue_at_end), (t("report.actions_redated"), a.redated),
        (t("report.actions_handed_over"), a.handed_over),
        (t("report.actions_median"), "" if a.median_days_to_close is None else f"{a.median_days_to_close:g}"),
    )
    names = dict(report.areas)
    return {
        "nyckeltal": ((t("report.col_figure"), t("report.col_value")), tuple((k, str(v)) for k, v in figures)),
        "deltagande": ((t("report.col_organisation"), *(t(f"report.col_{c.value}") for c in _COLUMNS),
                        t("report.col_rate")),
                       tuple((p.name, *(str(p.counts[c]) for c in _COLUMNS), _pct(p.rate))
                             for p in report.participation)),
        "deltagande_per_mote": ((t("report.col_day"), t("report.col_answered_pct"), t("report.col_on_time_pct")),
                                tuple((m.day.isoformat(), _pct(m.answered), _pct(m.on_time))
                                      for m in report.over_time)),
        "forsenade_per_organisation": ((t("report.col_organisation"), t("report.col_count")),
                                       tuple((name, str(n)) for name, n in a.overdue_by_organisation)),
        "beslut": ((t("report.col_date"), t("report.col_paragraph"), t("report.col_decision")),
                   tuple((d.meeting_date.isoformat(), str(d.paragraph), d.text) for d in report.decisions)),
        "omraden_per_vecka": ((t("report.col_week"), *(names[i] for i, _ in report.areas)),
                              tuple((w.week, *(str(w.counts.get(i, 0)) for i, _ in report.areas))
                                    for w in report.trends)),
    }


def report_csv_zip(t: Texts, report: FollowUpReport) -> bytes:
    return zip_bytes({f"{stem}.csv": csv_bytes(header, rows) for stem, (header, rows) in
                      report_tables(t, report).items()})


def _role(t: Texts, kind: RoleKind) -> str:
    return t("report.role_participant" if kind is RoleKind.PARTICIPANT else "report.role_deputy")


def _charter(t: Texts, report: FollowUpReport) -> list[Block]:
    charter = report.forum.charter
    blocks: list[Block] = [Heading(t("report.doc_purpose")),
                           Facts(((t("report.purpose"), charter.purpose or t("report.no_purpose")),
                                  (t("report.commissioned_by"), charter.commissioned_by or "–")))]
    lines = []
    for goal in charter.goals:
        ev = report.evaluations.get(goal.id)
        lines.append(t("report.goal_latest", goal=goal.text, rating=t(f"charter.rating.{ev.rating.value}"),
                       period=ev.period) if ev else t("report.goal_none", goal=goal.text))
    blocks.append(Bullets(tuple(lines)) if lines else Paragraph(t("report.no_goals"), italic=True))
    return blocks


def _table(tables: Tables, stem: str, empty: str) -> Block:
    header, rows = tables[stem]
    return Table(header, rows) if rows else Paragraph(empty, italic=True)


def report_outline(t: Texts, report: FollowUpReport, *, made: date) -> list[Block]:
    tables = report_tables(t, report)
    blocks: list[Block] = [
        Title(t("report.doc_title", forum=report.forum.name)),
        Facts(((t("report.doc_period"), t("report.doc_period_value", start=format_date(t, report.start),
                                           end=format_date(t, report.end))),
               (t("report.doc_made"), format_date(t, made)))),
        *_charter(t, report),
        Heading(t("report.doc_meetings")), Table(*_first_rows(tables, 3)),
        Heading(t("report.doc_participation")), _table(tables, "deltagande", t("report.no_meetings")),
    ]
    if report.over_time:
        from dialogs.documents.charts import participation_chart  # matplotlib only where a chart is drawn

        days = [m.day for m in report.over_time]
        blocks.append(Image(participation_chart(
            t("report.chart_participation"), days,
            [(t("report.chart_answered"), [m.answered for m in report.over_time]),
             (t("report.chart_on_time"), [m.on_time for m in report.over_time])], t("report.chart_percent")),
            t("report.chart_participation")))
    header, rows = tables["nyckeltal"]
    blocks += [Heading(t("report.doc_actions")), Table(header, rows[3:]),
               Heading(t("report.doc_overdue"), 2),
               _table(tables, "forsenade_per_organisation", t("report.no_overdue")),
               Heading(t("report.doc_decisions")), _table(tables, "beslut", t("report.no_decisions")),
               Heading(t("report.doc_vacant")), *_vacant(t, report), Heading(t("report.doc_trends")),
               *_trends(t, report, tables)]
    return blocks


def _first_rows(tables: Tables, n: int) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    header, rows = tables["nyckeltal"]
    return header, rows[:n]


def _vacant(t: Texts, report: FollowUpReport) -> list[Block]:
    blocks: list[Block] = [Bullets(tuple(t("report.vacant_line", organisation=o, role=_role(t, k))
                                         for o, k in report.vacant_roles)) if report.vacant_roles
                           else Paragraph(t("report.no_vacant"), italic=True)]
    if report.fell_vacant:
        blocks.append(Paragraph(t.plural("report.fell_vacant", report.fell_vacant)))
    return blocks


def _trends(t: Texts, report: FollowUpReport, tables: Tables) -> Sequence[Block]:
    if not report.areas:
        return [Paragraph(t("report.no_areas"), italic=True)]
    if not any(w.counts for w in report.trends):
        return [Paragraph(t("report.no_trends"), italic=True)]
    from dialogs.documents.charts import trend_chart

    labels, buckets = _buckets(report)
    series = [(name, [sum(w.counts.get(area_id, 0) for w in bucket) for bucket in buckets])
              for area_id, name in report.areas]
    title = t("report.chart_trends" if len(buckets) == len(report.trends) else "report.chart_trends_month")
    chart = trend_chart(title, labels, series, t("report.chart_count"))
    return [Image(chart, title), _table(tables, "omraden_per_vecka", t("report.no_trends"))]


MAX_WEEK_BARS = 26  # a longer period is drawn per month (the table keeps the weeks)


def _buckets(report: FollowUpReport) -> tuple[list[str], list[list[AreaWeek]]]:
    if len(report.trends) <= MAX_WEEK_BARS:
        return [w.week for w in report.trends], [[w] for w in report.trends]
    months: dict[str, list[AreaWeek]] = {}
    for week in report.trends:
        months.setdefault(f"{week.monday.year}-{week.monday.month:02d}", []).append(week)
    return list(months), list(months.values())
