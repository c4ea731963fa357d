"""Benchmark: the Word export (and Markdown) of large minutes (issue 8).

Published minutes with 40 items and 30 actions, a forum of 20 organisations all present, 10 earlier actions in
the follow-up: build the .docx (the export and the mail attachment) and the Markdown. Targets: .docx median at
most 1 s (it is built in a worker thread, off the event loop) and at most 200 KB; Markdown median at most 50 ms.
Run: `.venv/bin/python bench/word.py`.
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from bot.services.minutes_export import MinutesDocuments
from dialogs.texts import Texts
from domain.actions import ActionItem, ActionStatus, FollowUp
from domain.minutes import (
    Approval,
    ApprovalDecision,
    Attendance,
    DraftAction,
    MinutesContent,
    MinutesFrame,
    MinutesItem,
    OwnerSnapshot,
    PublishedVersion,
)
from domain.model import RoleKind

ITEMS, ACTIONS, ORGANISATIONS, EARLIER = 40, 30, 20, 10
DOCX_TARGET_MS, DOCX_TARGET_KB, MARKDOWN_TARGET_MS = 1000.0, 200, 50.0
AT = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
NOTES = ("Läget har varit lugnt i centrum men oroligt vid Torget på kvällarna. Fältassistenterna har varit på "
         "plats tre kvällar och fritidsgården har haft extra öppet.\nPolisen rapporterar två insatser.")


def version() -> PublishedVersion:
    owners = {f"r{o}": OwnerSnapshot(f"Organisation {o + 1}", RoleKind.PARTICIPANT, f"Person {o + 1}")
              for o in range(ORGANISATIONS)}
    items = []
    for i in range(ITEMS):
        actions = tuple(DraftAction(f"a{i}", f"Åtgärd för punkt {i + 1}: ta kontakt och återkoppla",
                                    f"r{i % ORGANISATIONS}", date(2026, 12, 10), "Med berörda", number=100 + i)
                        for _ in range(1) if i < ACTIONS)
        items.append(MinutesItem(f"s{i}", f"Dagordningspunkt {i + 1}", NOTES,
                                 (f"Beslut {i + 1}a om fortsatt arbete", f"Beslut {i + 1}b om uppföljning"), actions))
    earlier = tuple(ActionItem(f"e{n}", "f", n + 1, f"Tidigare åtgärd {n + 1}", f"r{n}", date(2026, 11, 20)
                               + timedelta(days=n), "m0", "s0", ActionStatus.OPEN, AT, "chair")
                    for n in range(EARLIER))
    frame = MinutesFrame("Trygghetsforum Norrby", date(2026, 11, 26), "Europe/Stockholm",
                         {f"o{o}": f"Organisation {o + 1}" for o in range(ORGANISATIONS)}, owners)
    return PublishedVersion(
        "m1", "f", 1, 101, MinutesContent(tuple(items), Attendance(tuple(f"o{o}" for o in range(ORGANISATIONS)),
                                                                   "Gäster från kommunledningen")),
        frame, AT, "chair", "Anna Ordförande",
        approvals=(Approval("p1", "Pia Justerare", 4, ApprovalDecision.APPROVED, AT),), follow_up=FollowUp(earlier, ()))


def median_ms(run: Callable[[], object], repeats: int) -> float:
    run()  # warm-up: the template, catalogs, zoneinfo
    timings = []
    for _ in range(repeats):
        gc.collect()
        started = time.perf_counter()
        run()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main() -> int:
    documents = MinutesDocuments(version(), Texts("sv", strict=True))
    docx_ms = median_ms(documents.docx, repeats=11)
    markdown_ms = median_ms(documents.markdown, repeats=21)
    size_kb = len(documents.docx()) / 1024
    print(f"minutes: {ITEMS} items, {ACTIONS} actions, {ORGANISATIONS} organisations, {EARLIER} in the follow-up")
    print(f".docx: median {docx_ms:.1f} ms, {size_kb:.1f} KB; Markdown: median {markdown_ms:.1f} ms, "
          f"{len(documents.markdown().encode()) / 1024:.1f} KB")
    ok = docx_ms <= DOCX_TARGET_MS and size_kb <= DOCX_TARGET_KB and markdown_ms <= MARKDOWN_TARGET_MS
    print(f"targets .docx ≤ {DOCX_TARGET_MS:.0f} ms and ≤ {DOCX_TARGET_KB} KB, Markdown ≤ {MARKDOWN_TARGET_MS:.0f} ms: "
          f"{'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
