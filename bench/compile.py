"""Benchmark: compile a meeting's summary and render it as Teams activities (issue 6/8).

60 organisations × 6 agenda sections × 1,500 characters must compile and render in at most 50 ms
(median), and ten times the organisations must take about ten times as long (linear growth).
Run: `.venv/bin/python bench/compile.py`.
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime

from dialogs.cards.summary import summary_activities
from dialogs.texts import Texts
from domain.model import AgendaSection, Forum, Organisation, Schedule
from domain.reporting import ContributionInput, compile_summary

SECTIONS = 6
ORGANISATIONS = 60
TEXT_LENGTH = 1_500
TARGET_MS = 50.0
LINEAR_TOLERANCE = (7.0, 13.0)  # accepted 10×/1× ratio: "about ten"

MEETING_DATE = date(2026, 11, 26)
STARTS_AT = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
DEADLINE_AT = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
PROSE = (
    "Under veckan har det varit oroligt kring Centrumtorget på kvällarna, främst fredag och lördag. "
    "Grupper om 10–15 unga samlas vid busshållplatsen och i gångtunneln (främst 14–16 år). "
    "Fältassistenterna har varit på plats; polisen har gjort två insatser.\n"
    "- Skadegörelse på skolans fönster natten mot söndag\n"
    "- Fler klotter i området kring Torget, se bild i förra veckans lägesbild\n"
    "Inför lovet planeras extra öppettider på fritidsgården. Trenden med ökad oro i området håller i sig. "
)


def text_for(organisation: int, section: int) -> str:
    prefix = f"[{organisation}:{section}] "
    body = PROSE * (TEXT_LENGTH // len(PROSE) + 1)
    return (prefix + body)[:TEXT_LENGTH]


def build(organisation_count: int) -> tuple[Forum, list[ContributionInput]]:
    sections = tuple(AgendaSection(f"s{i}", f"Dagordningspunkt {i + 1}", i) for i in range(SECTIONS))
    organisations = tuple(Organisation(f"o{i}", f"Organisation {i + 1}", i) for i in range(organisation_count))
    forum = Forum(
        "f1",
        "Gemensam lägesbild",
        "tenant",
        "19:conversation",
        "29:chair",
        Schedule(),
        sections,
        organisations,
    )
    contributions = [
        ContributionInput(
            organisation_id=organisation.id,
            sections={section.id: text_for(o, s) for s, section in enumerate(sections)},
            submitted_at=datetime(2026, 11, 24, 9, 0, tzinfo=UTC),
            submitted_by_name=f"Person {o}",
        )
        for o, organisation in enumerate(organisations)
    ]
    return forum, contributions


def median_ms(run: Callable[[], object], repeats: int) -> float:
    run()  # warm-up: catalogs, regexes, zoneinfo
    timings = []
    for _ in range(repeats):
        # The cyclic collector fires at different points for different sizes and blurs the linearity check;
        # collect before each run and keep it out of the timed part (the work itself makes no cycles).
        gc.collect()
        gc.disable()
        try:
            started = time.perf_counter()
            run()
            timings.append((time.perf_counter() - started) * 1000)
        finally:
            gc.enable()
    return statistics.median(timings)


def measure(organisation_count: int, repeats: int) -> tuple[float, int]:
    forum, contributions = build(organisation_count)
    t = Texts("sv", strict=True)

    def compile_and_render() -> int:
        summary = compile_summary(forum, MEETING_DATE, STARTS_AT, DEADLINE_AT, contributions, compiled_at=DEADLINE_AT)
        return len(summary_activities(t, summary))

    return median_ms(compile_and_render, repeats), compile_and_render()


def main() -> int:
    base_ms, base_parts = measure(ORGANISATIONS, repeats=21)
    large_ms, large_parts = measure(ORGANISATIONS * 10, repeats=7)
    ratio = large_ms / base_ms
    fast = base_ms <= TARGET_MS
    linear = LINEAR_TOLERANCE[0] <= ratio <= LINEAR_TOLERANCE[1]
    print(
        f"{ORGANISATIONS} organisations × {SECTIONS} sections × {TEXT_LENGTH} characters: "
        f"median {base_ms:.1f} ms, {base_parts} messages"
    )
    print(f"{ORGANISATIONS * 10} organisations (10×): median {large_ms:.1f} ms, {large_parts} messages")
    low, high = LINEAR_TOLERANCE
    print(f"ratio 10×/1×: {ratio:.1f} (linear ≈ 10; accepted {low:.0f}–{high:.0f})")
    verdict = {True: "PASS", False: "FAIL"}
    print(f"target ≤ {TARGET_MS:.0f} ms: {verdict[fast]}; linear growth: {verdict[linear]}")
    return 0 if fast and linear else 1


if __name__ == "__main__":
    sys.exit(main())
